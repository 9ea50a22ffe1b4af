import { sql, type Kysely } from 'kysely';

/*
 * National scale (issue 11): what pages that cover all cities read, maintained when a city
 * changes instead of computed from every city's data on each request.
 * - `city_revisions`: a counter per city, bumped by every write to it (in the database, so that
 *   every app process and the CLI agree), and the revision its summaries were built from.
 * - `kpi_summaries`: one row per public KPI: latest published actual, current target, rate and
 *   status, as the city page computes them.
 * - `kpi_summary_targets`: the SDG targets (and their goals) of each summarised KPI, indexed for
 *   the SDG pages and the comparison.
 * - `search_entries`: plans, nodes and KPIs with their texts folded for search.
 * Append-only: never edit this file once it has landed.
 */

/** Creates the revision and summary tables. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('city_revisions')
    .addColumn('city_id', 'text', (c) => c.primaryKey().references('cities.id').onDelete('cascade'))
    .addColumn('revision', 'bigint', (c) => c.notNull().defaultTo(1))
    .addColumn('summarized_revision', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('kpi_summaries')
    .addColumn('city_id', 'text', (c) => c.notNull().references('cities.id').onDelete('cascade'))
    .addColumn('kpi_id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text')
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('latest_at', 'text')
    .addColumn('latest_value', 'double precision')
    .addColumn('latest_decimals', 'integer')
    .addColumn('target_at', 'text')
    .addColumn('target_value', 'double precision')
    .addColumn('target_decimals', 'integer')
    .addColumn('achievement_rate', 'double precision')
    .addColumn('display_rate', 'double precision')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('forecast', 'text')
    .addColumn('override_status', 'text')
    .addColumn('override_justification', 'text')
    .addColumn('override_decided_on', 'text')
    .addPrimaryKeyConstraint('kpi_summaries_pk', ['city_id', 'kpi_id'])
    .execute();
  await db.schema.createIndex('kpi_summaries_status').on('kpi_summaries').columns(['status', 'city_id']).execute();

  await db.schema
    .createTable('kpi_summary_targets')
    .addColumn('city_id', 'text', (c) => c.notNull())
    .addColumn('kpi_id', 'text', (c) => c.notNull())
    .addColumn('goal', 'smallint', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('kpi_summary_targets_pk', ['city_id', 'kpi_id', 'target'])
    .addForeignKeyConstraint('kpi_summary_targets_kpi', ['city_id', 'kpi_id'], 'kpi_summaries', ['city_id', 'kpi_id'], (fk) => fk.onDelete('cascade'))
    .execute();
  await db.schema.createIndex('kpi_summary_targets_goal').on('kpi_summary_targets').columns(['goal', 'city_id', 'kpi_id']).execute();
  await db.schema.createIndex('kpi_summary_targets_target').on('kpi_summary_targets').columns(['target', 'city_id']).execute();

  // Plans, plan nodes and KPIs of every city as the search finds them: the texts a hit shows, and
  // the same texts folded (NFKC, lower case, katakana → hiragana, no spaces) to match against.
  await db.schema
    .createTable('search_entries')
    .addColumn('city_id', 'text', (c) => c.notNull().references('cities.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('plan', 'node', 'kpi')`))
    .addColumn('plan_id', 'text')
    .addColumn('plan_kind', 'text')
    .addColumn('plan_title', 'text')
    .addColumn('plan_title_en', 'text')
    .addColumn('node_id', 'text')
    .addColumn('kpi_id', 'text')
    .addColumn('code', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('title_en', 'text')
    .addColumn('more', 'text')
    .addColumn('folded', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('search_entries_pk', ['city_id', 'position'])
    .execute();
  // Trigrams speed up fragment search where the server's locale classifies CJK as letters
  // (PostgreSQL on a UTF-8 locale); elsewhere the planner scans, which one city's rows allow.
  await sql`create index search_entries_folded on search_entries using gin (folded gin_trgm_ops)`.execute(db);

  await db.schema.createIndex('cities_prefecture').on('cities').columns(['prefecture', 'id']).execute();
}
