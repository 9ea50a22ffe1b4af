import type { City, StatusOverride } from '../core/city/city.ts';
import { PREFECTURE_ORDER } from '../core/city/prefectures.ts';
import type { ForecastVerdict } from '../core/kpi/forecast.ts';
import { KPI_STATUSES, type KpiStatus } from '../core/kpi/status.ts';
import { findSdgGoal, findSdgTarget, sdgGoals, targetsOfGoal, type SdgGoal, type SdgTarget } from '../core/sdg/sdg-framework.ts';
import { parseTimePointIso, timePointEnd, type TimePoint } from '../core/time/time-point.ts';
import { indexToBaseline } from '../core/kpi/kpi-definition.ts';
import type { SummaryTargetJson } from './summary.table.ts';
import { cityFromRow } from '../cities/city-data.service.ts';
import type { Executor } from '../storage/database.ts';
import { cityCounts, goalAndTargetCounts, goalCounts, goalStatusCounts, listCityRowsPaged, listKpiSummariesPaged, prefectureCounts, type KpiListFilter, type KpiSummaryListRow } from './summary.repository.ts';

/**
 * The cross-city pages' reads (home, SDG goals, their APIs), answered from the summaries
 * maintained on write (summary.service.ts) with SQL, paged: a page never loads more cities or
 * KPIs than it shows, whatever the number of cities (issue 11.1).
 */

/** One page of a longer list: 1-based page number, its size, and how many items there are in all. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly page: number;
  readonly pageSize: number;
  readonly total: number;
  readonly pageCount: number;
}

/** Default and largest page sizes of cross-city lists. */
export const PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** A page of `items` (1-based `pageNo`) out of `total`. */
export function page<T>(items: readonly T[], pageNo: number, pageSize: number, total: number): Page<T> {
  return { items, page: pageNo, pageSize, total, pageCount: Math.max(1, Math.ceil(total / pageSize)) };
}

/** A dated figure of a summarised KPI. */
export interface SummaryFigure {
  readonly at: TimePoint;
  readonly value: number;
  readonly decimals?: number;
}

/** A KPI as the cross-city lists show it: its city, figures, 達成度, status (and the secretariat's override). */
export interface SummarizedKpi {
  readonly city: Pick<City, 'id' | 'name' | 'nameEn' | 'prefecture' | 'prefectureEn' | 'population'>;
  readonly id: string;
  readonly name: string;
  readonly nameEn?: string;
  readonly unit: string;
  readonly latest: SummaryFigure | null;
  readonly target: SummaryFigure | null;
  /** 達成度 in % (unrounded) and as displayed. */
  readonly rate: number | null;
  readonly displayRate: number | null;
  readonly status: KpiStatus;
  readonly forecast: ForecastVerdict;
  readonly override?: Pick<StatusOverride, 'status' | 'justification' | 'decidedOn'>;
  readonly sdgTargets: readonly string[];
  /** The baseline, and every target in time order (the page shows the next one after today). */
  readonly baseline: SummaryFigure | null;
  readonly targets: readonly SummaryFigure[];
  /** The KPI's definition key (core/kpi/kpi-definition.ts). */
  readonly definitionKey: string;
  /** The latest actual indexed to the baseline (baseline = 100), null where undefined. */
  readonly latestIndex: number | null;
}

function figure(at: string | null, value: number | null, decimals: number | null): SummaryFigure | null {
  const t = at === null ? null : parseTimePointIso(at);
  if (t === null || value === null) return null;
  return { at: t, value, ...(decimals === null ? {} : { decimals }) };
}

function parseTargets(json: string): SummaryFigure[] {
  try {
    const list = JSON.parse(json) as unknown;
    if (!Array.isArray(list)) return [];
    return list.flatMap((t: SummaryTargetJson) => {
      const f = typeof t?.at === 'string' && typeof t.value === 'number' ? figure(t.at, t.value, typeof t.decimals === 'number' ? t.decimals : null) : null;
      return f ? [f] : [];
    });
  } catch {
    return [];
  }
}

/** A summary row as the cross-city lists show it. */
export function summarizedKpi(r: KpiSummaryListRow): SummarizedKpi {
  const baseline = figure(r.baseline_at, r.baseline_value, r.baseline_decimals);
  const latest = figure(r.latest_at, r.latest_value, r.latest_decimals);
  const status = (KPI_STATUSES as readonly string[]).includes(r.status) ? (r.status as KpiStatus) : 'no-data';
  return {
    city: { id: r.city_id, name: r.city_name, nameEn: r.city_name_en, prefecture: r.prefecture, prefectureEn: r.prefecture_en, ...(r.population === null ? {} : { population: r.population }) },
    id: r.kpi_id,
    name: r.name,
    ...(r.name_en ? { nameEn: r.name_en } : {}),
    unit: r.unit,
    latest,
    target: figure(r.target_at, r.target_value, r.target_decimals),
    rate: r.achievement_rate,
    displayRate: r.display_rate,
    status,
    forecast: r.forecast === 'reaches' || r.forecast === 'misses' || r.forecast === 'missed' ? r.forecast : 'no-data',
    ...(r.override_status ? { override: { status: r.override_status as StatusOverride['status'], justification: r.override_justification ?? '', decidedOn: r.override_decided_on ?? '' } } : {}),
    sdgTargets: r.targets,
    baseline,
    targets: parseTargets(r.targets_json),
    definitionKey: r.definition_key,
    latestIndex: baseline && latest && timePointEnd(latest.at) > timePointEnd(baseline.at) ? indexToBaseline(latest.value, baseline.value) : null,
  };
}

/** A city on the home page: its plans, KPIs and KPIs by status. */
export interface CityCard {
  readonly city: City;
  readonly planCount: number;
  readonly kpiCount: number;
  readonly statusCounts: Readonly<Record<KpiStatus, number>>;
}

/** A prefecture that hosts cities, with how many. */
export interface PrefectureCount {
  readonly prefecture: string;
  readonly prefectureEn: string;
  readonly cities: number;
}

/** Filters of the city directory. */
export interface CityDirectoryFilter {
  readonly prefecture?: string | undefined;
  readonly name?: string | undefined;
}

/** The home page's city list: one page of cities (JIS prefecture order) with their counts, and every prefecture. */
export async function cityDirectory(db: Executor, filter: CityDirectoryFilter, pageNo: number, pageSize = PAGE_SIZE): Promise<{ cities: Page<CityCard>; prefectures: readonly PrefectureCount[] }> {
  const [{ rows, total }, prefectures] = await Promise.all([listCityRowsPaged(db, filter, (pageNo - 1) * pageSize, pageSize, PREFECTURE_ORDER), prefectureCounts(db)]);
  const counts = await cityCounts(db, rows.map((r) => r.id));
  const cards = rows.map((r): CityCard => {
    const c = counts.get(r.id);
    const statusCounts = Object.fromEntries(KPI_STATUSES.map((s) => [s, c?.statuses[s] ?? 0])) as Record<KpiStatus, number>;
    return { city: cityFromRow(r), planCount: c?.plans ?? 0, kpiCount: Object.values(c?.statuses ?? {}).reduce((a, b) => a + b, 0), statusCounts };
  });
  return { cities: page(cards, pageNo, pageSize, total), prefectures: inPrefectureOrder(prefectures) };
}

/**
 * One page of the city directory's cities (its order and filters) without their counts, and every
 * prefecture: the open data page, which links each city's downloads and shows no figure.
 */
export async function cityListPage(db: Executor, filter: CityDirectoryFilter, pageNo: number, pageSize = PAGE_SIZE): Promise<{ cities: Page<City>; prefectures: readonly PrefectureCount[] }> {
  const [{ rows, total }, prefectures] = await Promise.all([listCityRowsPaged(db, filter, (pageNo - 1) * pageSize, pageSize, PREFECTURE_ORDER), prefectureCounts(db)]);
  return { cities: page(rows.map(cityFromRow), pageNo, pageSize, total), prefectures: inPrefectureOrder(prefectures) };
}

/** Prefectures in JIS order (those unknown last, by name): how every prefecture filter lists them. */
export function inPrefectureOrder(prefectures: readonly PrefectureCount[]): PrefectureCount[] {
  const order = (p: string) => {
    const i = PREFECTURE_ORDER.indexOf(p);
    return i < 0 ? PREFECTURE_ORDER.length : i;
  };
  return [...prefectures].sort((a, b) => order(a.prefecture) - order(b.prefecture) || a.prefecture.localeCompare(b.prefecture));
}

/** The prefectures hosting cities, with how many each (JIS order): the choices of a prefecture filter. */
export async function prefecturesHostingCities(db: Executor): Promise<PrefectureCount[]> {
  return inPrefectureOrder(await prefectureCounts(db));
}

/** A goal across all cities: KPIs tagged with one of its targets, and cities having such KPIs. */
export interface GoalCount {
  readonly goal: SdgGoal;
  readonly kpiCount: number;
  readonly cityCount: number;
}

/** The 17 goals with their counts over all cities, or over one prefecture's cities when given. */
export async function goalCountsAll(db: Executor, prefecture?: string): Promise<GoalCount[]> {
  const counts = await goalCounts(db, prefecture);
  return sdgGoals.map((goal) => ({ goal, kpiCount: counts.get(goal.number)?.kpis ?? 0, cityCount: counts.get(goal.number)?.cities ?? 0 }));
}

/** Filters of a goal page's KPI list. */
export interface GoalKpiFilter {
  readonly target?: string | undefined;
  readonly prefecture?: string | undefined;
  readonly status?: KpiStatus | undefined;
}

/** A goal's page: its targets with KPI counts (those without any apart), and one page of its KPIs. */
export interface GoalPage {
  readonly goal: SdgGoal;
  readonly targets: readonly { readonly target: SdgTarget; readonly kpiCount: number }[];
  readonly untouched: readonly SdgTarget[];
  /** KPIs of every city tagged with one of the goal's targets. */
  readonly kpiCount: number;
  readonly cityCount: number;
  readonly filter: GoalKpiFilter;
  readonly kpis: Page<SummarizedKpi>;
  readonly prefectures: readonly PrefectureCount[];
}

/** A goal's page, or null for an unknown goal (or a target filter outside the goal). */
export async function goalPage(db: Executor, goalId: string, filter: GoalKpiFilter, pageNo: number, pageSize = PAGE_SIZE): Promise<GoalPage | null> {
  const goal = findSdgGoal(goalId);
  if (!goal || String(goal.number) !== goalId) return null;
  if (filter.target !== undefined && findSdgTarget(filter.target)?.goal !== goal.id) return null;
  const kpiFilter: KpiListFilter = { goal: goal.number, target: filter.target, prefecture: filter.prefecture, status: filter.status };
  const [{ goals: all, targets: perTarget }, list, prefectures] = await Promise.all([
    goalAndTargetCounts(db, goal.number),
    listKpiSummariesPaged(db, kpiFilter, (pageNo - 1) * pageSize, pageSize, PREFECTURE_ORDER),
    prefectureCounts(db),
  ]);
  const targets = targetsOfGoal(goal.id).map((target) => ({ target, kpiCount: perTarget.get(target.id) ?? 0 }));
  return {
    goal,
    targets: targets.filter((t) => t.kpiCount > 0),
    untouched: targets.filter((t) => t.kpiCount === 0).map((t) => t.target),
    kpiCount: all.get(goal.number)?.kpis ?? 0,
    cityCount: all.get(goal.number)?.cities ?? 0,
    filter,
    kpis: page(list.rows.map(summarizedKpi), pageNo, pageSize, list.total),
    prefectures,
  };
}

/** Every KPI matching a goal page's filter, page by page (for CSV downloads), without holding them all. */
export async function* goalKpisAll(db: Executor, goal: SdgGoal, filter: GoalKpiFilter): AsyncGenerator<SummarizedKpi> {
  const size = 2_000;
  for (let offset = 0; ; offset += size) {
    const { rows } = await listKpiSummariesPaged(db, { goal: goal.number, target: filter.target, prefecture: filter.prefecture, status: filter.status }, offset, size, PREFECTURE_ORDER);
    for (const r of rows) yield summarizedKpi(r);
    if (rows.length < size) return;
  }
}

/** One SDG goal's KPIs across every city counted by status (issue 15.1, the cross-city progress page). */
export interface GoalStatusCount {
  readonly goal: SdgGoal;
  readonly counts: Readonly<Record<KpiStatus, number>>;
  readonly total: number;
}

/** Per SDG goal with KPIs, the KPIs of every city (of one prefecture when given) by computed status (from the summaries, never every city's data). */
export async function goalStatusCountsAll(db: Executor, prefecture?: string): Promise<GoalStatusCount[]> {
  const byGoal = await goalStatusCounts(db, prefecture);
  return sdgGoals
    .filter((g) => byGoal.has(g.number))
    .map((goal) => {
      const found = byGoal.get(goal.number)!;
      const counts = Object.fromEntries(KPI_STATUSES.map((s) => [s, found[s] ?? 0])) as Record<KpiStatus, number>;
      return { goal, counts, total: KPI_STATUSES.reduce((n, s) => n + counts[s], 0) };
    });
}
