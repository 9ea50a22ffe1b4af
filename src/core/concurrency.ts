/*
 * Optimistic concurrency (issue 10.4): what a write that lost a race looks like, so commands,
 * routes and the error handler can answer it as an edit conflict without importing storage.
 * Pure: no I/O.
 */

/**
 * Thrown inside a write transaction when what is stored is no longer the version the editor
 * started from: it rolls the transaction back, and the command turns it into a conflict value.
 */
export class StaleVersionError extends Error {
  override readonly name = 'StaleVersionError';
  constructor(what: string) {
    super(`${what} was changed by someone else since the form was opened`);
  }
}

/**
 * SQLSTATEs of a write that lost a race with another transaction: unique_violation (two first
 * entries of the same actual), foreign_key_violation (a row written for a KPI, target or node
 * someone deleted at the same moment: every write refers to rows it has just read),
 * serialization_failure and deadlock_detected. Expected under concurrent writes; answered as an
 * edit conflict, never a 500.
 */
const CONCURRENT_WRITE_CODES = new Set(['23505', '23503', '40001', '40P01']);

/** Whether an error thrown by a write is a lost race (see above), on PostgreSQL (pg) and PGlite alike. */
export function isConcurrentWriteError(error: unknown): boolean {
  if (error instanceof StaleVersionError) return true;
  const code = error !== null && typeof error === 'object' && 'code' in error ? (error as { code: unknown }).code : undefined;
  return typeof code === 'string' && CONCURRENT_WRITE_CODES.has(code);
}
