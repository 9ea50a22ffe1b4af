import { sql, type Kysely } from 'kysely';

/*
 * Issue 11.1 (national scale): `goal_city_counts`, per SDG goal, city and computed status, how
 * many of the city's KPIs are tagged with one of the goal's targets (a KPI counts once per goal).
 * Maintained with the other summaries on every write to the city (summary.repository.ts
 * replaceCitySummaries), so the SDG pages count and page 300,000 KPIs from at most
 * 17 × 1,741 × 6 rows instead of counting distinct pairs over every tag of every KPI (1.3 s per
 * request at 1,741 cities on PostgreSQL). Filled here from the summaries already built.
 * Append-only: never edit this file once it has landed.
 */

/** Creates the table and its index, and fills it from kpi_summary_targets and kpi_summaries. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('goal_city_counts')
    .addColumn('goal', 'integer', (c) => c.notNull())
    .addColumn('city_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('kpis', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('goal_city_counts_pk', ['goal', 'city_id', 'status'])
    .execute();
  await db.schema.createIndex('goal_city_counts_city').on('goal_city_counts').columns(['city_id']).execute();
  await sql`
    insert into goal_city_counts (goal, city_id, status, kpis)
    select t.goal, t.city_id, s.status, count(distinct t.kpi_id)
    from kpi_summary_targets t
    join kpi_summaries s on s.city_id = t.city_id and s.kpi_id = t.kpi_id
    group by t.goal, t.city_id, s.status`.execute(db);
}
