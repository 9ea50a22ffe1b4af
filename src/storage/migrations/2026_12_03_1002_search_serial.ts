import { sql, type Kysely } from 'kysely';

/*
 * Issue 11.5: the search entries are read without parallel workers. A search is one request
 * among many; a parallel worker is a fresh process, which first faults in every shared buffer it
 * reads: about 200 ms of CPU for a common word's 10,000 pages on the 2-core machine, against
 * 30 ms for the whole search (移住, 18,988 entries) read by one process. PostgreSQL chose them
 * once the statistics of the entries' pairs of characters (migration 2026_12_03_1001) told it how
 * many entries a common word holds. Append-only: never edit this file once it has landed.
 */

/** Sets `parallel_workers = 0` on search_entries. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table search_entries set (parallel_workers = 0)`.execute(db);
}
