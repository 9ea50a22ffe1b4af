import type { Kysely } from 'kysely';

/*
 * Issue 11.5: the compare page finds the definition keys two or more of the chosen cities share
 * (summary.repository.ts readCompareRows). Without this index that read every chosen city's
 * wide summary rows (some 70 heap pages for two cities of 170 KPIs, most of them off the shared
 * buffers at national scale: 3.8 ms of PostgreSQL CPU per compare miss); with it, an index-only
 * scan of the cities' own keys (a few pages).
 * Append-only: never edit this file once it has landed.
 */

/** Indexes kpi_summaries by city and definition key. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('kpi_summaries_city_definition').on('kpi_summaries').columns(['city_id', 'definition_key']).execute();
}
