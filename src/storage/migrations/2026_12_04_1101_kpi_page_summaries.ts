import type { Kysely } from 'kysely';

/*
 * Issue 11.5 (national scale): the public KPI page (/cities/:city/kpis/:kpi, Japanese and
 * English) of a city not held in memory answered from a summary maintained on write: one indexed
 * row holding the page's main content as rendered from the city's public view, instead of the
 * KPI's rows read in one statement, decorated, evaluated, charted and rendered on every miss.
 *
 * - `kpi_page_summaries`: one row per public KPI of a city and language: the main content's HTML
 *   before and after the chart's take-away links (drawn per process: they read its PUBLIC_URL),
 *   the embed title those links use, the KPI's and the city's names in that language (the frame's
 *   title and breadcrumbs), and `rendered_by`, the version of the code that rendered it
 *   (src/source-version.ts): a process reads only pages its own code rendered; `input_key` a
 *   hash of what the page was rendered from, so a rebuild renders again only the pages whose
 *   data changed (a staff entry changes one KPI's page of some 300) and keeps the others.
 *   summaries/kpi-page.model.ts KpiPageParts.
 *
 * - `city_revisions.kpi_pages_by`: the version of the code that last rendered the city's KPI
 *   pages (null: never). A serving process renders in the background the pages of cities whose
 *   pages another version rendered, or none (CityDataStore.catchUpKpiPages).
 *
 * Existing summaries lack these rows: a KPI page without its row takes the path it took before
 * (the KPI's view read for it alone) until the pages are rendered, so no start waits for them.
 * Append-only: never edit this file once it has landed.
 */

/** Adds the table (empty) and the column (null). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('kpi_page_summaries')
    .addColumn('city_id', 'text', (c) => c.notNull())
    .addColumn('kpi_id', 'text', (c) => c.notNull())
    .addColumn('lang', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('city_name', 'text', (c) => c.notNull())
    .addColumn('embed_title', 'text', (c) => c.notNull())
    .addColumn('main_before', 'text', (c) => c.notNull())
    .addColumn('main_after', 'text', (c) => c.notNull())
    .addColumn('rendered_by', 'text', (c) => c.notNull())
    .addColumn('input_key', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('kpi_page_summaries_pk', ['city_id', 'kpi_id', 'lang'])
    .execute();
  await db.schema.alterTable('city_revisions').addColumn('kpi_pages_by', 'text').execute();
}
