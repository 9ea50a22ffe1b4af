import { sql, type Kysely } from 'kysely';

/*
 * Issue 11 (national scale): a city's own pages (/cities/:city, its KPI list, progress at a
 * glance, /api/v1/cities/:city[/kpis]) answered from summaries maintained on write instead of
 * loading and evaluating the whole city on every miss of the city store.
 *
 * - `kpi_summaries` gains per KPI: `department_key` (the department as the list filters it, ""
 *   for none), `name_folded` (Japanese and English names normalised as the name filter
 *   compares them), and the KPI as each page shows it: `row_json` (a row of the KPI table),
 *   `api_json` (the API's KPI object), `csv_json` (its row of the KPI CSV); and an index on
 *   (city_id, position), the order of a city's list.
 * - `kpi_summary_nodes`: per plan node (`plan-id/node-id`) the public KPIs in it or below it
 *   (the list's `node` filter).
 * - `city_page_summaries`: one row per city, the overview as JSON (city, plans, plan goals,
 *   departments, headline KPIs, counts at a glance).
 *
 * Existing summaries lack these: they are marked older than their data (summarized_revision 0),
 * so `catchUpSummaries` rebuilds them at start and until then the pages take the full-city path.
 * Append-only: never edit this file once it has landed.
 */

/** Adds the columns and tables, and marks every city's summaries stale. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('kpi_summaries')
    .addColumn('department_key', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema.alterTable('kpi_summaries').addColumn('name_folded', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.alterTable('kpi_summaries').addColumn('row_json', 'text', (c) => c.notNull().defaultTo('{}')).execute();
  await db.schema.alterTable('kpi_summaries').addColumn('api_json', 'text', (c) => c.notNull().defaultTo('{}')).execute();
  await db.schema.alterTable('kpi_summaries').addColumn('csv_json', 'text', (c) => c.notNull().defaultTo('{}')).execute();
  await db.schema.createIndex('kpi_summaries_city_position').on('kpi_summaries').columns(['city_id', 'position']).execute();
  await db.schema
    .createTable('kpi_summary_nodes')
    .addColumn('city_id', 'text', (c) => c.notNull())
    .addColumn('node', 'text', (c) => c.notNull())
    .addColumn('kpi_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('kpi_summary_nodes_pk', ['city_id', 'node', 'kpi_id'])
    .addForeignKeyConstraint('kpi_summary_nodes_kpi', ['city_id', 'kpi_id'], 'kpi_summaries', ['city_id', 'kpi_id'], (fk) => fk.onDelete('cascade'))
    .execute();
  await db.schema
    .createTable('city_page_summaries')
    .addColumn('city_id', 'text', (c) => c.primaryKey())
    .addColumn('page_json', 'text', (c) => c.notNull())
    .execute();
  await sql`update city_revisions set summarized_revision = 0`.execute(db);
}
