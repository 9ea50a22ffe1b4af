import { sql, type Kysely } from 'kysely';

/*
 * Compare cities by more than a shared SDG target (issue 15.6):
 * - `kpis.indicator_code`: a standard indicator code a KPI declares ("12.5.1"), so KPIs of
 *   several cities compare as one definition whatever they are called.
 * - `kpi_summaries`: the KPI's definition key (core/kpi/kpi-definition.ts), its baseline (for
 *   figures indexed to baseline = 100) and every target as JSON (the next target after today is
 *   chosen when a page is drawn, since "today" moves while the summary stays).
 * - indexes for the cross-city reads: KPIs of one definition, cities by population (peers).
 * Every city's summaries are marked stale, so the next catch-up fills the new columns.
 * Append-only: never edit this file once it has landed.
 */

/** Adds the indicator code, the summary columns and their indexes; marks every city's summaries for a rebuild. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('kpis').addColumn('indicator_code', 'text').execute();
  await db.schema.alterTable('kpi_summaries').addColumn('definition_key', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.alterTable('kpi_summaries').addColumn('baseline_at', 'text').execute();
  await db.schema.alterTable('kpi_summaries').addColumn('baseline_value', 'double precision').execute();
  await db.schema.alterTable('kpi_summaries').addColumn('baseline_decimals', 'integer').execute();
  await db.schema.alterTable('kpi_summaries').addColumn('targets_json', 'text', (c) => c.notNull().defaultTo('[]')).execute();
  await db.schema.createIndex('kpi_summaries_definition').on('kpi_summaries').columns(['definition_key', 'city_id']).execute();
  await db.schema.createIndex('cities_population').on('cities').columns(['population', 'id']).execute();
  await sql`update city_revisions set summarized_revision = 0`.execute(db);
}
