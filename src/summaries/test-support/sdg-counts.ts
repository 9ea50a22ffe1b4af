import { sql, type Kysely } from 'kysely';
import type { Database } from '../../storage/database.ts';

/**
 * `sdg_counts` as the statements of before counted it (issue 11.5): per prefecture of the cities
 * as they are ('' for every one), goal, target ('' for the goal) and status ('' for every one),
 * the KPIs and the cities having any, aggregated over every city's `goal_city_counts` and
 * `kpi_summary_targets`. The rows and columns of the table kept on write, for comparing them.
 */
export const SDG_COUNTS_RECOUNT = sql`
  select c.prefecture, g.goal, '' as target, g.status, sum(g.kpis) as kpis, count(*) as cities
  from goal_city_counts g join cities c on c.id = g.city_id group by c.prefecture, g.goal, g.status
  union all
  select '', g.goal, '', g.status, sum(g.kpis), count(*) from goal_city_counts g group by g.goal, g.status
  union all
  select c.prefecture, g.goal, '', '', sum(g.kpis), count(distinct g.city_id)
  from goal_city_counts g join cities c on c.id = g.city_id group by c.prefecture, g.goal
  union all
  select '', g.goal, '', '', sum(g.kpis), count(distinct g.city_id) from goal_city_counts g group by g.goal
  union all
  select '', t.goal, t.target, '', count(*), count(distinct t.city_id) from kpi_summary_targets t group by t.goal, t.target`;

/** Rows of `counts` (a table or a query of sdg_counts' columns) with KPIs or cities, as sorted text lines. */
async function countLines(db: Kysely<Database>, counts: ReturnType<typeof sql>): Promise<string[]> {
  const { rows } = await sql<{ prefecture: string; goal: number; target: string; status: string; kpis: number; cities: number }>`
    select prefecture, goal, target, status, kpis, cities from (${counts}) counts where kpis > 0 or cities > 0`.execute(db);
  return rows.map((r) => `${r.prefecture}|${Number(r.goal)}|${r.target}|${r.status}|${Number(r.kpis)}|${Number(r.cities)}`).sort();
}

/** The national counts as kept (`sdg_counts`), every row with KPIs or cities. */
export function keptSdgCounts(db: Kysely<Database>): Promise<string[]> {
  return countLines(db, sql`select * from sdg_counts`);
}

/** The national counts recounted from every city's summaries ({@link SDG_COUNTS_RECOUNT}), in the same form. */
export function recountedSdgCounts(db: Kysely<Database>): Promise<string[]> {
  return countLines(db, SDG_COUNTS_RECOUNT);
}
