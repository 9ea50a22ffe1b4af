import type { Context } from 'hono';
import { z } from 'zod';
import { KPI_STATUSES, type KpiStatus } from '../../core/kpi/status.ts';
import { formatTimePointIso } from '../../core/time/time-point.ts';
import type { DataTable } from '../../formats/csv/write-csv.ts';
import { MAX_PAGE_SIZE, PAGE_SIZE, type CityCard, type CityDirectoryFilter, type GoalCount, type GoalKpiFilter, type GoalPage, type Page, type SummarizedKpi } from '../../summaries/national.service.ts';

/**
 * The JSON and CSV shapes of the cross-city pages answered from the summaries (SDG goals, the
 * city directory), shared by the pages' `?format=` and the API, and their query parsing.
 */

/** Paging query: `page` (1-based, default 1) and `page_size` (default 50, at most 200). Bad values fall back to defaults. */
const pagingQuery = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).catch(1),
  page_size: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).catch(PAGE_SIZE),
});

/** Reads `page` and `page_size` from a request. */
export function pagingOf(c: Context): { page: number; pageSize: number } {
  const p = pagingQuery.parse({ page: c.req.query('page') ?? 1, page_size: c.req.query('page_size') ?? PAGE_SIZE });
  return { page: p.page, pageSize: p.page_size };
}

/** A goal page's filters from the query; values that are not choices count as no filter. */
export function goalFilterOf(c: Context): GoalKpiFilter {
  const status = c.req.query('status');
  const target = c.req.query('target');
  const prefecture = c.req.query('prefecture');
  return {
    ...(target && /^\d{1,2}\.[0-9a-z]{1,2}$/.test(target) ? { target } : {}),
    ...(prefecture && prefecture.length <= 10 && !/[\u0000-\u001f]/.test(prefecture) ? { prefecture } : {}),
    ...(status && (KPI_STATUSES as readonly string[]).includes(status) ? { status: status as KpiStatus } : {}),
  };
}

/** The city directory's filters from the query (`name`, a fragment; `prefecture`); junk counts as no filter. */
export function cityFilterOf(c: Context): CityDirectoryFilter {
  const name = c.req.query('name')?.normalize('NFKC').trim();
  const prefecture = c.req.query('prefecture');
  return {
    ...(name && name.length <= 40 && !/[\u0000-\u001f]/.test(name) ? { name } : {}),
    ...(prefecture && prefecture.length <= 10 && !/[\u0000-\u001f]/.test(prefecture) ? { prefecture } : {}),
  };
}

/** `/api/v1/cities`: one page of cities with their counts (snake_case). */
export function cityDirectoryJson(p: Page<CityCard>) {
  return {
    ...pageJson(p),
    cities: p.items.map(({ city, planCount, kpiCount, statusCounts }) => ({
      id: city.id,
      name: city.name,
      name_en: city.nameEn,
      prefecture: city.prefecture,
      prefecture_en: city.prefectureEn,
      sdgs_future_city_since: city.sdgsFutureCitySince ?? null,
      population: city.population ?? null,
      plan_count: planCount,
      kpi_count: kpiCount,
      status_counts: statusCounts,
      url: `/api/v1/kpis?city=${city.id}`,
    })),
  };
}

/** Paging fields of an answer. */
export function pageJson<T>(p: Page<T>) {
  return { page: p.page, page_size: p.pageSize, total: p.total, page_count: p.pageCount };
}

/** A summarised KPI as the API writes it (snake_case, ISO time points). */
export function summarizedKpiJson(k: SummarizedKpi) {
  return {
    city: k.city.id,
    id: k.id,
    name: k.name,
    name_en: k.nameEn ?? null,
    unit: k.unit,
    sdg_targets: k.sdgTargets,
    latest_actual: k.latest ? { at: formatTimePointIso(k.latest.at), value: k.latest.value } : null,
    target: k.target ? { at: formatTimePointIso(k.target.at), value: k.target.value } : null,
    rate: k.rate,
    display_rate: k.displayRate,
    status: k.status,
    status_override: k.override ? { status: k.override.status, justification: k.override.justification } : null,
    forecast: k.forecast,
    url: `/api/v1/cities/${k.city.id}/kpis/${k.id}`,
  };
}

/** `/api/v1/sdgs` and `/sdgs?format=json`. */
export function goalCountsJson(goals: readonly GoalCount[]) {
  return {
    goals: goals.map((g) => ({ id: g.goal.id, title: g.goal.title, short: g.goal.short, colour: g.goal.colour, kpi_count: g.kpiCount, city_count: g.cityCount, url: `/api/v1/sdgs/${g.goal.id}` })),
  };
}

/** `/sdgs?format=csv`. */
export function goalCountsTable(goals: readonly GoalCount[]): DataTable {
  return {
    columns: ['goal', 'title_ja', 'title_en', 'colour', 'kpi_count', 'city_count'],
    rows: goals.map((g) => ({ goal: g.goal.id, title_ja: g.goal.short.ja, title_en: g.goal.short.en, colour: g.goal.colour, kpi_count: g.kpiCount, city_count: g.cityCount })),
  };
}

/** `/api/v1/sdgs/:goal` and `/sdgs/:goal?format=json`: counts, targets and one page of KPIs. */
export function goalPageJson(p: GoalPage) {
  return {
    goal: { id: p.goal.id, title: p.goal.title, short: p.goal.short, colour: p.goal.colour },
    kpi_count: p.kpiCount,
    city_count: p.cityCount,
    targets: p.targets.map((t) => ({ id: t.target.id, title: t.target.title, kpi_count: t.kpiCount })),
    targets_without_kpis: p.untouched.map((t) => t.id),
    filter: { target: p.filter.target ?? null, prefecture: p.filter.prefecture ?? null, status: p.filter.status ?? null },
    ...pageJson(p.kpis),
    kpis: p.kpis.items.map(summarizedKpiJson),
  };
}

/** Columns of a CSV of summarised KPIs. */
export const SUMMARY_KPI_COLUMNS = ['city_id', 'prefecture', 'kpi_id', 'name', 'name_en', 'unit', 'sdg_targets', 'latest_at', 'latest', 'target_at', 'target', 'rate', 'status', 'status_override', 'forecast'] as const;

/** A summarised KPI as a CSV row. */
export function summarizedKpiRow(k: SummarizedKpi): Record<(typeof SUMMARY_KPI_COLUMNS)[number], string | number | null> {
  return {
    city_id: k.city.id,
    prefecture: k.city.prefecture,
    kpi_id: k.id,
    name: k.name,
    name_en: k.nameEn ?? null,
    unit: k.unit,
    sdg_targets: k.sdgTargets.join(' '),
    latest_at: k.latest ? formatTimePointIso(k.latest.at) : null,
    latest: k.latest?.value ?? null,
    target_at: k.target ? formatTimePointIso(k.target.at) : null,
    target: k.target?.value ?? null,
    rate: k.rate,
    status: k.status,
    status_override: k.override?.status ?? null,
    forecast: k.forecast,
  };
}
