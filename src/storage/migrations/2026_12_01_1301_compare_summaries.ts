import { sql, type Kysely } from 'kysely';

/*
 * Issue 11.1: the compare page answered from the KPI summaries instead of loading each chosen
 * city whole (78 ms CPU per city out of the store on PostgreSQL). Two columns of `kpi_summaries`
 * hold what the page showed from the whole city and the summaries lacked:
 * - `series_json`: the public actuals after the baseline, in time order, as compact JSON
 *   (`[["2023",101],["2024",12.5,1]]`: ISO time point, value, decimals when printed with them),
 *   for the same-definition groups indexed to the baseline (= 100);
 * - `has_achievement`: whether the KPI has an achievement rate at all, so "no rate" (—) is told
 *   from "rate undefined, actual/target shown" even where both figures are null.
 * Every city's summaries are marked stale, so the next catch-up fills the new columns.
 * Append-only: never edit this file once it has landed.
 */

/** Adds the two columns and marks every city's summaries for a rebuild. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('kpi_summaries').addColumn('series_json', 'text', (c) => c.notNull().defaultTo('[]')).execute();
  await db.schema.alterTable('kpi_summaries').addColumn('has_achievement', 'boolean', (c) => c.notNull().defaultTo(false)).execute();
  await sql`update city_revisions set summarized_revision = 0`.execute(db);
}
