import { sql, type Kysely } from 'kysely';

/*
 * Issue 11 (national scale): the public plan page (/cities/:city/plans/:plan, its filters, its
 * `?node=` pages, CSV and JSON) answered from a summary maintained on write instead of loading
 * and evaluating the whole city on every miss of the city store.
 *
 * - `plan_page_summaries`: one row per plan of a city: `model_json` the page's model
 *   (plans/plan-page.model.ts: the plan's tree and texts, each KPI row's facts as the page shows
 *   them, the roll-ups), `table_json` the KPI columns of the plan's CSV for each row of the
 *   model measured against another target than its KPI's (null for the others: their KPI's
 *   `kpi_summaries.csv_json`).
 *
 * Existing summaries lack these rows: they are marked older than their data (summarized_revision
 * 0), so `catchUpSummaries` rebuilds them at start and until then the plan pages (and every page
 * read from the summaries) take the full-city path. Append-only: never edit this file once it has landed.
 */

/** Adds the table and marks every city's summaries stale. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('plan_page_summaries')
    .addColumn('city_id', 'text', (c) => c.notNull())
    .addColumn('plan_id', 'text', (c) => c.notNull())
    .addColumn('model_json', 'text', (c) => c.notNull())
    .addColumn('table_json', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('plan_page_summaries_pk', ['city_id', 'plan_id'])
    .execute();
  await sql`update city_revisions set summarized_revision = 0`.execute(db);
}
