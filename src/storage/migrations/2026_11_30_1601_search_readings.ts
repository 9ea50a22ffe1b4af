import { sql, type Kysely } from 'kysely';

/*
 * Search that finds what people type (issue 15.5): every search entry keeps the readings (in
 * hiragana) and dictionary forms the Japanese analyser gives for its texts, so 「しゅうのう」
 * finds 就農. `folded` holds them too, for the SQL preselection. The summaries of every city are
 * marked stale, so the next catch-up rebuilds the entries with their readings; partner search
 * documents are marked not analysed, and `reindexUnanalysedPartners` rebuilds them at start.
 * Append-only: never edit this file once it has landed.
 */

/** Adds `search_entries.readings` and `partner_search.analysed`; marks every city's summaries and every partner document for a rebuild. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('search_entries').addColumn('readings', 'text', (c) => c.notNull().defaultTo('')).execute();
  await sql`update city_revisions set summarized_revision = 0`.execute(db);
  await db.schema.alterTable('partner_search').addColumn('analysed', 'boolean', (c) => c.notNull().defaultTo(false)).execute();
}
