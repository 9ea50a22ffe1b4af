import type { City, CityData, StatusOverride } from '../core/city/city.ts';
import { findSdgTarget, goalOfTarget, sdgGoals, sdgTargets, type SdgGoal, type SdgTarget } from '../core/sdg/sdg-framework.ts';
import { indexToBaseline, kpiDefinitionKey } from '../core/kpi/kpi-definition.ts';
import { sortedObservations } from '../core/kpi/kpi-evaluation.ts';
import { KPI_STATUSES, type KpiStatus } from '../core/kpi/status.ts';
import type { TimePoint } from '../core/time/time-point.ts';
import { parseTimePointIso, timePointEnd } from '../core/time/time-point.ts';
import type { Executor } from '../storage/database.ts';
import { cityKpis, type CityKpi } from './sdg-overview.service.ts';
import { citiesWithFreshSummaries, firstKpisPerGoal, sharedDefinitionKpis, targetCountsOfCities, type GoalKpiRow } from './summary.repository.ts';
import type { KpiSummaryRow, SummarySeriesJson, SummaryTargetJson } from './summary.table.ts';

/** A theme (an SDG goal or target) two or more of the compared cities address, with each city's KPIs on it. */
export interface ComparedTheme<T> {
  readonly theme: T;
  /** One entry per compared city, in the order chosen; empty `kpis` where the city has none on it. */
  readonly columns: readonly { readonly city: City; readonly kpis: readonly CityKpi[] }[];
}

/** Cities side by side: the SDG targets and goals that at least two of them share. */
export interface CityComparison {
  readonly cities: readonly City[];
  readonly sharedTargets: readonly ComparedTheme<SdgTarget>[];
  readonly sharedGoals: readonly ComparedTheme<SdgGoal>[];
  /** KPIs of one definition (core/kpi/kpi-definition.ts) that two or more of the cities measure. */
  readonly sameKpis: readonly SameKpiGroup[];
}

/** A figure indexed to its KPI's baseline (baseline = 100); `index` is null where no ratio exists. */
export interface IndexedFigure {
  readonly at: TimePoint;
  readonly value: number;
  readonly decimals?: number;
  readonly index: number | null;
}

/** One city's KPI in a same-definition group: its figures as published and indexed to its own baseline. */
export interface IndexedKpi extends CityKpi {
  /** The baseline, then the public actuals after it, in time order; the baseline's index is 100. */
  readonly series: readonly IndexedFigure[];
  /** The latest actual's index, null without an actual after the baseline or without a ratio. */
  readonly latestIndex: number | null;
}

/** KPIs of the compared cities that share one definition, one or more per city. */
export interface SameKpiGroup {
  /** The definition key (`indicator:12.5.1`, `name:…|unit`). */
  readonly key: string;
  /** The explicit indicator code when the KPIs share one. */
  readonly indicator?: string;
  readonly kpis: readonly IndexedKpi[];
}

const UN_ORDER = new Map(sdgTargets.map((t, i) => [t.id, i]));

/** At most this many cities are compared side by side (a wider table is read by nobody). */
export const MAX_COMPARED = 6;

/**
 * Compares cities on shared themes: a target (or goal) is shared when the KPIs of at least
 * two of the cities are tagged with it (with one of its targets, for a goal).
 */
export function compareCities(cities: readonly CityData[]): CityComparison {
  const kpis = cityKpis(cities);
  const columnsFor = (matches: (k: CityKpi) => boolean) =>
    cities.map((d) => ({ city: d.city, kpis: kpis.filter((k) => k.city.id === d.city.id && matches(k)) }));
  const shared = <T>(theme: T, matches: (k: CityKpi) => boolean): ComparedTheme<T> | null => {
    const columns = columnsFor(matches);
    return columns.filter((c) => c.kpis.length > 0).length >= 2 ? { theme, columns } : null;
  };

  const targetIds = [...new Set(kpis.flatMap((k) => k.kpi.sdgTargets))].sort((a, b) => (UN_ORDER.get(a) ?? 1e9) - (UN_ORDER.get(b) ?? 1e9));
  const sharedTargets = targetIds.flatMap((id) => {
    const target = findSdgTarget(id);
    const c = target ? shared(target, (k) => k.kpi.sdgTargets.includes(id)) : null;
    return c ? [c] : [];
  });
  const sharedGoals = sdgGoals.flatMap((goal) => {
    const c = shared(goal, (k) => k.kpi.sdgTargets.some((t) => goalOfTarget(t)?.id === goal.id));
    return c ? [c] : [];
  });
  return { cities: cities.map((d) => d.city), sharedTargets, sharedGoals, sameKpis: sameKpiGroups(kpis) };
}

/** The figures of a KPI from its baseline on, indexed to the baseline (core/kpi/kpi-definition.ts). */
export function indexedSeries(item: CityKpi): IndexedKpi {
  const { kpi } = item;
  const base = kpi.baseline;
  const after = sortedObservations(kpi).filter((o) => timePointEnd(o.at) > timePointEnd(base.at));
  const fig = (d: { at: TimePoint; value: number; decimals?: number }): IndexedFigure => ({ at: d.at, value: d.value, ...(d.decimals === undefined ? {} : { decimals: d.decimals }), index: indexToBaseline(d.value, base.value) });
  const series = [fig(base), ...after.map(fig)];
  return { ...item, series, latestIndex: after.length > 0 ? series.at(-1)!.index : null };
}

/** Groups the KPIs by definition key; keeps the groups two or more cities measure, in the first city's KPI order. */
function sameKpiGroups(kpis: readonly CityKpi[]): SameKpiGroup[] {
  const groups = new Map<string, CityKpi[]>();
  for (const k of kpis) {
    const key = kpiDefinitionKey(k.kpi);
    groups.set(key, [...(groups.get(key) ?? []), k]);
  }
  return [...groups.entries()]
    .filter(([, members]) => new Set(members.map((m) => m.city.id)).size >= 2)
    .map(([key, members]) => ({ key, ...(members[0]!.kpi.indicator ? { indicator: members[0]!.kpi.indicator } : {}), kpis: members.map(indexedSeries) }));
}

/*
 * The compare page (`GET /compare`) renders a {@link ComparisonPage}: what it shows of each
 * chosen city, built from the KPI summaries maintained on write ({@link comparisonPage}, a few
 * indexed queries, no city loaded) or, for the same figures from cities already loaded, from a
 * {@link CityComparison} ({@link comparisonPageOf}). The CSV, JSON and API of a comparison list
 * every KPI with every computed field and stay on {@link compareCities}.
 */

/** A dated figure as the compare page shows it. */
export interface ComparedFigure {
  readonly at: TimePoint;
  readonly value: number;
  readonly decimals?: number;
}

/** A KPI as the compare page shows it, whichever way it was read (one shape, so both render the same). */
export interface ComparedKpi {
  readonly city: City;
  readonly id: string;
  readonly name: string;
  readonly nameEn?: string;
  readonly unit: string;
  readonly baseline: ComparedFigure | null;
  /** The latest public actual and the target it is measured against (null without an evaluation). */
  readonly latest: ComparedFigure | null;
  readonly target: ComparedFigure | null;
  /** Every target in time order (the page shows the next one after today). */
  readonly targets: readonly ComparedFigure[];
  /** The achievement: its rate (null where undefined) and the rate shown; null when there is none. */
  readonly achievement: { readonly rate: number | null; readonly displayRate: number | null } | null;
  readonly status: KpiStatus;
  readonly override?: Pick<StatusOverride, 'status' | 'justification' | 'decidedOn'>;
}

/** A {@link ComparedKpi} with its figures indexed to its own baseline (baseline = 100). */
export interface IndexedComparedKpi extends ComparedKpi {
  /** The baseline, then the public actuals after it, in time order; the baseline's index is 100. */
  readonly series: readonly IndexedFigure[];
  readonly latestIndex: number | null;
}

/** KPIs at most shown per city and shared goal (the rest are one link away on the city's KPI list). */
export const KPIS_SHOWN_PER_THEME = 5;

/** One city's column under a shared goal: how many of its KPIs are on the goal, and the first few. */
export interface ComparedColumn {
  readonly city: City;
  readonly total: number;
  /** The first {@link KPIS_SHOWN_PER_THEME} in the city's KPI order. */
  readonly kpis: readonly ComparedKpi[];
}

/** The compare page's content for two to {@link MAX_COMPARED} cities. */
export interface ComparisonPage {
  readonly cities: readonly City[];
  /** Targets two or more of the cities address (UN order), with each city's count of KPIs on it. */
  readonly sharedTargets: readonly { readonly target: SdgTarget; readonly columns: readonly { readonly city: City; readonly total: number }[] }[];
  readonly sharedGoals: readonly { readonly goal: SdgGoal; readonly columns: readonly ComparedColumn[] }[];
  /** Definitions two or more of the cities measure, in order of first appearance (city order, then KPI order). */
  readonly sameKpis: readonly { readonly key: string; readonly indicator?: string; readonly kpis: readonly IndexedComparedKpi[] }[];
}

/** A city's evaluated KPI as the compare page shows it. */
function comparedKpiOf(item: CityKpi): ComparedKpi {
  const { kpi, evaluation: e } = item;
  const a = e?.status.achievement ?? null;
  const fig = (f: { at: TimePoint; value: number; decimals?: number | undefined } | null | undefined): ComparedFigure | null =>
    f ? { at: f.at, value: f.value, ...(f.decimals === undefined ? {} : { decimals: f.decimals }) } : null;
  return {
    city: item.city,
    id: kpi.id,
    name: kpi.name,
    ...(kpi.nameEn ? { nameEn: kpi.nameEn } : {}),
    unit: kpi.unit,
    baseline: fig(kpi.baseline),
    latest: fig(e?.latest),
    target: fig(e?.target),
    targets: kpi.targets.map((t) => fig(t)!),
    achievement: a ? { rate: a.rate, displayRate: a.displayRate } : null,
    status: e?.status.status ?? 'no-data',
    ...(item.override ? { override: { status: item.override.status, justification: item.override.justification, decidedOn: item.override.decidedOn } } : {}),
  };
}

/** The compare page's content from cities already loaded and compared whole. */
export function comparisonPageOf(c: CityComparison): ComparisonPage {
  return {
    cities: c.cities,
    sharedTargets: c.sharedTargets.map((t) => ({ target: t.theme, columns: t.columns.map((col) => ({ city: col.city, total: col.kpis.length })) })),
    sharedGoals: c.sharedGoals.map((g) => ({
      goal: g.theme,
      columns: g.columns.map((col) => ({ city: col.city, total: col.kpis.length, kpis: col.kpis.slice(0, KPIS_SHOWN_PER_THEME).map(comparedKpiOf) })),
    })),
    sameKpis: c.sameKpis.map((g) => ({
      key: g.key,
      ...(g.indicator ? { indicator: g.indicator } : {}),
      kpis: g.kpis.map((k) => ({ ...comparedKpiOf(k), series: k.series, latestIndex: k.latestIndex })),
    })),
  };
}

/**
 * The compare page's content for `cities` (two to {@link MAX_COMPARED}, in the order chosen)
 * from their KPI summaries: counts per shared target, the first KPIs per shared goal and the
 * same-definition groups with their series, in three indexed queries over the chosen cities'
 * rows. The summaries are rebuilt in the background after a write (CityDataStore.signal), as
 * for the SDG pages; the page cache keys this page by the cross-city version, which moves only
 * once they are rebuilt, so a page drawn in between is not kept past it.
 */
export async function comparisonPage(db: Executor, cities: readonly City[]): Promise<ComparisonPage> {
  const ids = cities.map((c) => c.id);
  const [targetRows, goalRows, sameRows] = await Promise.all([targetCountsOfCities(db, ids), firstKpisPerGoal(db, ids, KPIS_SHOWN_PER_THEME), sharedDefinitionKpis(db, ids)]);
  const cityById = new Map(cities.map((c) => [c.id, c]));
  const shared = <T>(counts: ReadonlyMap<string, number>, make: (city: City, total: number) => T): T[] | null =>
    cities.filter((c) => (counts.get(c.id) ?? 0) > 0).length >= 2 ? cities.map((c) => make(c, counts.get(c.id) ?? 0)) : null;

  const perTarget = new Map<string, Map<string, number>>();
  for (const r of targetRows) perTarget.set(r.target, (perTarget.get(r.target) ?? new Map()).set(r.city_id, r.n));
  const sharedTargets = [...perTarget.keys()]
    .sort((a, b) => (UN_ORDER.get(a) ?? 1e9) - (UN_ORDER.get(b) ?? 1e9))
    .flatMap((id) => {
      const target = findSdgTarget(id);
      const columns = target ? shared(perTarget.get(id)!, (city, total) => ({ city, total })) : null;
      return target && columns ? [{ target, columns }] : [];
    });

  const perGoal = new Map<number, { totals: Map<string, number>; kpis: Map<string, ComparedKpi[]> }>();
  for (const r of goalRows) {
    const g = perGoal.get(r.goal) ?? { totals: new Map<string, number>(), kpis: new Map<string, ComparedKpi[]>() };
    perGoal.set(r.goal, g);
    g.totals.set(r.city_id, r.goal_total);
    g.kpis.set(r.city_id, [...(g.kpis.get(r.city_id) ?? []), comparedKpiFromSummary(cityById.get(r.city_id)!, r)]);
  }
  const sharedGoals = sdgGoals.flatMap((goal) => {
    const g = perGoal.get(goal.number);
    const columns = g ? shared(g.totals, (city, total) => ({ city, total, kpis: g.kpis.get(city.id) ?? [] })) : null;
    return columns ? [{ goal, columns }] : [];
  });

  const order = new Map(ids.map((id, i) => [id, i]));
  const groups = new Map<string, IndexedComparedKpi[]>();
  for (const r of [...sameRows].sort((a, b) => order.get(a.city_id)! - order.get(b.city_id)! || a.position - b.position)) {
    groups.set(r.definition_key, [...(groups.get(r.definition_key) ?? []), indexedFromSummary(comparedKpiFromSummary(cityById.get(r.city_id)!, r), r)]);
  }
  const sameKpis = [...groups.entries()].map(([key, kpis]) => ({ key, ...(key.startsWith(INDICATOR_KEY) ? { indicator: key.slice(INDICATOR_KEY.length) } : {}), kpis }));
  return { cities, sharedTargets, sharedGoals, sameKpis };
}

/** What {@link currentComparisonPage} needs of the city store (CityDataStore). */
export interface ComparedCitySource {
  /** `read()` unless a write of this process to one of `cityIds` has not reached its summaries (CityDataStore.whileSummarised). */
  whileSummarised<T>(cityIds: readonly string[], read: () => Promise<T | undefined>): Promise<T | undefined>;
  /** The city's public data, loaded whole (null for an unknown city). */
  get(cityId: string): Promise<CityData | null>;
}

/**
 * The compare page's content for `cities` that never shows data older than a write whose
 * response was returned: {@link comparisonPage} (the KPI summaries) when every chosen city's
 * summaries hold every write to it, else, while a write's rebuild has not landed (here:
 * `summariesPending`; in another process: `summarized_revision < revision`, bumped before the
 * writer answers), the chosen cities loaded whole and compared ({@link comparisonPageOf}), the
 * same content as the summaries give once rebuilt. At most {@link MAX_COMPARED} cities, one
 * small indexed read to decide.
 */
export async function currentComparisonPage(db: Executor, source: ComparedCitySource, cities: readonly City[]): Promise<ComparisonPage> {
  const ids = cities.map((c) => c.id);
  const current = await source.whileSummarised(ids, async () => {
    const fresh = await citiesWithFreshSummaries(db, ids);
    return ids.every((id) => fresh.has(id)) ? true : undefined;
  });
  if (current) return comparisonPage(db, cities);
  const loaded = await Promise.all(ids.map((id) => source.get(id)));
  // A city deleted since it was chosen: compared from what remains, as the summaries would.
  const found = loaded.filter((d): d is CityData => d !== null);
  return comparisonPageOf(compareCities(found));
}

/** The prefix of a definition key made from an indicator code (kpiDefinitionKey). */
const INDICATOR_KEY = 'indicator:';

/** A dated figure from a summary's columns (null where there is none or its time point does not read). */
function summaryFigure(at: string | null, value: number | null, decimals: number | null): ComparedFigure | null {
  const t = at === null ? null : parseTimePointIso(at);
  return t === null || value === null ? null : { at: t, value, ...(decimals === null ? {} : { decimals }) };
}

/** A summary row as the compare page shows it. */
function comparedKpiFromSummary(city: City, r: GoalKpiRow | KpiSummaryRow): ComparedKpi {
  const targets = (JSON.parse(r.targets_json) as SummaryTargetJson[]).flatMap((t) => summaryFigure(t.at, t.value, t.decimals ?? null) ?? []);
  return {
    city,
    id: r.kpi_id,
    name: r.name,
    ...(r.name_en ? { nameEn: r.name_en } : {}),
    unit: r.unit,
    baseline: summaryFigure(r.baseline_at, r.baseline_value, r.baseline_decimals),
    latest: summaryFigure(r.latest_at, r.latest_value, r.latest_decimals),
    target: summaryFigure(r.target_at, r.target_value, r.target_decimals),
    targets,
    achievement: r.has_achievement ? { rate: r.achievement_rate, displayRate: r.display_rate } : null,
    status: (KPI_STATUSES as readonly string[]).includes(r.status) ? (r.status as KpiStatus) : 'no-data',
    ...(r.override_status ? { override: { status: r.override_status as StatusOverride['status'], justification: r.override_justification ?? '', decidedOn: r.override_decided_on ?? '' } } : {}),
  };
}

/** A summarised KPI's baseline and public actuals after it (series_json), indexed to the baseline. */
function indexedFromSummary(k: ComparedKpi, r: KpiSummaryRow): IndexedComparedKpi {
  const base = k.baseline;
  if (!base) return { ...k, series: [], latestIndex: null };
  const after = (JSON.parse(r.series_json) as SummarySeriesJson).flatMap(([at, value, decimals]) => summaryFigure(at, value, decimals ?? null) ?? []);
  const fig = (f: ComparedFigure): IndexedFigure => ({ ...f, index: indexToBaseline(f.value, base.value) });
  const series = [fig(base), ...after.map(fig)];
  return { ...k, series, latestIndex: after.length > 0 ? series.at(-1)!.index : null };
}
