/**
 * A mistake of the person running the CLI (a missing file, an unreadable cell): printed as
 * one line, with the exit code it carries, never as a stack trace.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}
