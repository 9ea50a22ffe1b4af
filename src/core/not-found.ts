/*
 * What a command answers when the thing a request names (a plan, node, KPI row, KPI) is not in
 * the city it acts for: another city's id, a mistyped one, or one deleted meanwhile. Pure: no I/O.
 */

/**
 * Thrown inside a command's transaction when an id of the request names nothing of the city:
 * it rolls the transaction back, and the staff area answers it with its 404 page (the CLI with a
 * one-line reason). One answer for "exists in another city" and "exists nowhere", so a URL
 * cannot probe another city's plans (never a 409 or a 403 that tells them apart).
 */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(
    /** The kind of thing as the change log names it: `plan`, `plan_node`, `kpi_row`, `kpi`. */
    readonly entity: string,
    /** The id as the request gave it. */
    readonly entityId: string,
  ) {
    super(`no ${entity} "${entityId}" in this city`);
  }
}
