import { sql } from 'kysely';

/*
 * Optimistic concurrency in storage (issue 10.4). A form carries the version of what it edits;
 * the write checks it in its WHERE clause (rows edited in place) or against the latest history
 * row, under a row lock, in the same transaction as the write and its history.
 */

/** A new row version from the `edit_versions` sequence (migration 2026_11_30_0601), for `set({ version: nextVersion() })`. */
export function nextVersion() {
  return sql<number>`nextval('edit_versions')`;
}

// The conflict error and the lost-race test live in the core (routes and commands use them
// without importing storage); re-exported for the storage code written against this module.
export { isConcurrentWriteError, StaleVersionError } from '../core/concurrency.ts';
