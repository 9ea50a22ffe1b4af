import type { City } from '../core/city/city.ts';
import { PREFECTURE_ORDER } from '../core/city/prefectures.ts';
import { KPI_STATUSES, type KpiStatus } from '../core/kpi/status.ts';
import { findSdgGoal, type SdgGoal } from '../core/sdg/sdg-framework.ts';
import { cityFromRow } from '../cities/city-data.service.ts';
import type { Executor } from '../storage/database.ts';
import { page, PAGE_SIZE, prefecturesHostingCities, summarizedKpi, type Page, type PrefectureCount, type SummarizedKpi } from './national.service.ts';
import { cityRowsByIds, definitionCityCounts, findKpiSummary, listGoalCitiesPaged, listKpiSummariesPaged, populationPeers } from './summary.repository.ts';

/**
 * Comparing cities across the country by more than a shared SDG target (issue 15.6), answered by
 * SQL over the summaries maintained on write and the cities table, paged: cities of similar
 * size, the same KPI definition in every city that measures it, and each goal's cities.
 */

/**
 * Peers are cities within this factor of a city's population either way: 1.5 (from two thirds to
 * one and a half times), so that A is B's peer exactly when B is A's. Ichinoseki (110,000) has as
 * peers the cities of 73,334–165,000 inhabitants.
 */
export const PEER_FACTOR = 1.5;

/** A city's peers by population: the band searched and the nearest cities in it. */
export interface CityPeers {
  /** The city's population; null when it has none (then there are no peers to show). */
  readonly population: number | null;
  /** The band of populations searched (inclusive), null without a population. */
  readonly band: { readonly from: number; readonly to: number } | null;
  readonly peers: readonly City[];
  /** How many cities are in the band (more than `peers` when the list is cut). */
  readonly total: number;
}

/** The cities of similar size to `city` (see {@link PEER_FACTOR}), nearest first, at most `limit`. */
export async function cityPeers(db: Executor, city: Pick<City, 'id' | 'population'>, limit = 10): Promise<CityPeers> {
  const population = city.population ?? null;
  if (population === null || !(population > 0)) return { population, band: null, peers: [], total: 0 };
  const { rows, total } = await populationPeers(db, city.id, population, PEER_FACTOR, limit);
  return { population, band: { from: Math.ceil(population / PEER_FACTOR), to: Math.floor(population * PEER_FACTOR) }, peers: rows.map(cityFromRow), total };
}

/** The cities of the given ids that exist, by id (one query, no city loaded). */
export async function citiesById(db: Executor, ids: readonly string[]): Promise<ReadonlyMap<string, City>> {
  return new Map((await cityRowsByIds(db, [...new Set(ids)])).map((r) => [r.id, cityFromRow(r)]));
}

/** Filters of the same-KPI page. */
export interface SameKpiFilter {
  readonly prefecture?: string | undefined;
}

/** `/compare/kpis/:city/:kpi`: every public KPI of the same definition as one city's KPI, one page of them. */
export interface SameKpiPage {
  /** The KPI the page started from. */
  readonly origin: { readonly cityId: string; readonly kpiId: string; readonly name: string; readonly nameEn?: string; readonly unit: string };
  readonly definitionKey: string;
  readonly filter: SameKpiFilter;
  readonly kpis: Page<SummarizedKpi>;
  /** Cities measuring it in all (whatever the filter). */
  readonly cityCount: number;
  readonly prefectures: readonly PrefectureCount[];
}

/** The same-KPI page, or null when the city has no such public KPI. */
export async function sameKpiPage(db: Executor, cityId: string, kpiId: string, filter: SameKpiFilter, pageNo: number, pageSize = PAGE_SIZE): Promise<SameKpiPage | null> {
  const origin = await findKpiSummary(db, cityId, kpiId);
  if (!origin || origin.definition_key === '') return null;
  const key = origin.definition_key;
  const [list, counts, prefectures] = await Promise.all([
    listKpiSummariesPaged(db, { definitionKey: key, prefecture: filter.prefecture }, (pageNo - 1) * pageSize, pageSize, PREFECTURE_ORDER),
    definitionCityCounts(db, [key]),
    prefecturesHostingCities(db),
  ]);
  return {
    origin: { cityId, kpiId, name: origin.name, ...(origin.name_en ? { nameEn: origin.name_en } : {}), unit: origin.unit },
    definitionKey: key,
    filter,
    kpis: page(list.rows.map(summarizedKpi), pageNo, pageSize, list.total),
    cityCount: counts.get(key) ?? 0,
    prefectures,
  };
}

/** A city addressing a goal, with its KPIs on the goal counted by status. */
export interface GoalCity {
  readonly city: City;
  readonly counts: Readonly<Record<KpiStatus, number>>;
  readonly total: number;
}

/** `/sdgs/:goal/cities`: one page of the cities addressing a goal, filterable by prefecture. */
export interface GoalCitiesPage {
  readonly goal: SdgGoal;
  readonly prefecture: string | undefined;
  readonly cities: Page<GoalCity>;
  readonly prefectures: readonly PrefectureCount[];
}

/** The goal's cities page, or null for an unknown goal. */
export async function goalCitiesPage(db: Executor, goalId: string, prefecture: string | undefined, pageNo: number, pageSize = PAGE_SIZE): Promise<GoalCitiesPage | null> {
  const goal = findSdgGoal(goalId);
  if (!goal || String(goal.number) !== goalId) return null;
  const [{ rows, total }, prefectures] = await Promise.all([listGoalCitiesPaged(db, goal.number, prefecture, (pageNo - 1) * pageSize, pageSize, PREFECTURE_ORDER), prefecturesHostingCities(db)]);
  const items = rows.map((r): GoalCity => {
    const counts = Object.fromEntries(KPI_STATUSES.map((s) => [s, r.statuses[s] ?? 0])) as Record<KpiStatus, number>;
    return { city: cityFromRow(r.city), counts, total: KPI_STATUSES.reduce((n, s) => n + counts[s], 0) };
  });
  return { goal, prefecture, cities: page(items, pageNo, pageSize, total), prefectures };
}
