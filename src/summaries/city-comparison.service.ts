import type { City, CityData, StatusOverride } from '../core/city/city.ts';
import { findSdgTarget, goalOfTarget, sdgGoals, sdgTargets, type SdgGoal, type SdgTarget } from '../core/sdg/sdg-framework.ts';
import { indexToBaseline, kpiDefinitionKey } from '../core/kpi/kpi-definition.ts';
import { sortedObservations } from '../core/kpi/kpi-evaluation.ts';
import { KPI_STATUSES, type KpiStatus } from '../core/kpi/status.ts';
import type { TimePoint } from '../core/time/time-point.ts';
import { parseTimePointIso, timePointEnd } from '../core/time/time-point.ts';
import type { Executor } from '../storage/database.ts';
import { cityKpis, type CityKpi } from './sdg-overview.service.ts';
import { definitionCityCounts, firstKpisOfGoals, readCompareRows, readComparisonRows, type CityListFilter, type ComparisonPart, type ComparisonRows, type CompareRows, type CompareRowsQuery, type GoalKpiRow, type SameDefinitionRow, type ThemeCountRow } from './summary.repository.ts';
import { cityFromRow } from '../cities/city-data.service.ts';
import { PREFECTURE_ORDER } from '../core/city/prefectures.ts';
import { inPrefectureOrder, type PrefectureCount } from './national.service.ts';
import type { SummarySeriesJson, SummaryTargetJson } from './summary.table.ts';

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

/**
 * The compare page lists every shared target and each shared goal's first KPIs per city while
 * they make at most this many rows (shared targets + KPIs listed under the goals). Above it (two
 * generated cities of 130–280 KPIs share about 100 targets and list 170 KPIs: a 215 kB page
 * nobody reads through), the page folds, as a large plan's page does (plan.view.tsx): it keeps
 * the overview (each shared goal with its shared targets and each city's KPI count, the
 * same-definition groups) and each goal's targets and KPIs move to a page of their own
 * (`?goal=N`). The seed cities' comparisons (at most about 50 rows) stay on one page; the CSV and
 * JSON stay whole.
 */
export const COMPARE_ROWS_ON_ONE_PAGE = 100;

/** A city's count of KPIs on a shared theme (an SDG target or goal). */
export interface ThemeCount {
  readonly city: City;
  readonly total: number;
}

/** One city's column under a shared goal: how many of its KPIs are on the goal, and the first few. */
export interface ComparedColumn extends ThemeCount {
  /** The first {@link KPIS_SHOWN_PER_THEME} in the city's KPI order. */
  readonly kpis: readonly ComparedKpi[];
}

/** A target two or more of the compared cities address, with each city's count of KPIs on it. */
export interface SharedTarget {
  readonly target: SdgTarget;
  /** One per compared city, in the order chosen (0 where the city has none). */
  readonly columns: readonly ThemeCount[];
}

/** A goal two or more of the compared cities address, with each city's count of KPIs on it. */
export interface SharedGoalCount {
  readonly goal: SdgGoal;
  readonly columns: readonly ThemeCount[];
}

/** A shared goal with each city's first KPIs on it. */
export interface SharedGoal {
  readonly goal: SdgGoal;
  readonly columns: readonly ComparedColumn[];
}

/** KPIs of one definition that two or more of the compared cities measure, indexed to each baseline. */
export interface SameDefinitionGroup {
  readonly key: string;
  readonly indicator?: string;
  readonly kpis: readonly IndexedComparedKpi[];
}

/**
 * The compare page's content for two to {@link MAX_COMPARED} cities: the whole comparison on one
 * page (`folded: false`), or, above {@link COMPARE_ROWS_ON_ONE_PAGE}, its overview (`folded:
 * true`: each shared goal's counts; its targets and KPIs are on {@link ComparisonGoalPage}).
 */
export type ComparisonPage = {
  readonly cities: readonly City[];
  /** Targets two or more of the cities address (UN order), with each city's count of KPIs on it. */
  readonly sharedTargets: readonly SharedTarget[];
  /** Definitions two or more of the cities measure, in order of first appearance (city order, then KPI order). */
  readonly sameKpis: readonly SameDefinitionGroup[];
} & ({ readonly folded: false; readonly sharedGoals: readonly SharedGoal[] } | { readonly folded: true; readonly sharedGoals: readonly SharedGoalCount[] });

/** `/compare?cities=…&goal=N`: one shared goal of a comparison, its shared targets and each city's first KPIs on it. */
export interface ComparisonGoalPage {
  readonly cities: readonly City[];
  readonly goal: SdgGoal;
  /** Every goal the cities share (in goal order, this one included): the pages to move between. */
  readonly sharedGoals: readonly SdgGoal[];
  /** The goal's targets two or more of the cities address (UN order). */
  readonly sharedTargets: readonly SharedTarget[];
  readonly columns: readonly ComparedColumn[];
}

/**
 * Whether a comparison of these shared targets and goals folds ({@link COMPARE_ROWS_ON_ONE_PAGE}):
 * its rows are the shared targets and the KPIs each city's column lists under each shared goal.
 */
export function comparisonFolds(sharedTargets: number, sharedGoals: readonly SharedGoalCount[]): boolean {
  let rows = sharedTargets;
  for (const g of sharedGoals) for (const c of g.columns) rows += Math.min(c.total, KPIS_SHOWN_PER_THEME);
  return rows > COMPARE_ROWS_ON_ONE_PAGE;
}

/** An SDG goal by its number, if it is one (1–17). */
export function sdgGoalNumbered(n: number): SdgGoal | undefined {
  return sdgGoals.find((g) => g.number === n);
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

/** The counts of a loaded comparison's shared targets. */
function sharedTargetsOf(c: CityComparison): SharedTarget[] {
  return c.sharedTargets.map((t) => ({ target: t.theme, columns: t.columns.map((col) => ({ city: col.city, total: col.kpis.length })) }));
}

/** A loaded comparison's shared goal as the page lists it: each city's count and first KPIs. */
function sharedGoalOf(g: ComparedTheme<SdgGoal>): SharedGoal {
  return { goal: g.theme, columns: g.columns.map((col) => ({ city: col.city, total: col.kpis.length, kpis: col.kpis.slice(0, KPIS_SHOWN_PER_THEME).map(comparedKpiOf) })) };
}

/** The compare page's content from cities already loaded and compared whole. */
export function comparisonPageOf(c: CityComparison): ComparisonPage {
  const sharedTargets = sharedTargetsOf(c);
  const counts = c.sharedGoals.map((g) => ({ goal: g.theme, columns: g.columns.map((col) => ({ city: col.city, total: col.kpis.length })) }));
  const sameKpis = c.sameKpis.map((g) => ({
    key: g.key,
    ...(g.indicator ? { indicator: g.indicator } : {}),
    kpis: g.kpis.map((k) => ({ ...comparedKpiOf(k), series: k.series, latestIndex: k.latestIndex })),
  }));
  if (comparisonFolds(sharedTargets.length, counts)) return { cities: c.cities, sharedTargets, sameKpis, folded: true, sharedGoals: counts };
  return { cities: c.cities, sharedTargets, sameKpis, folded: false, sharedGoals: c.sharedGoals.map(sharedGoalOf) };
}

/** One shared goal's page from cities already loaded and compared whole; null when the cities do not share goal `goalNumber`. */
export function comparisonGoalPageOf(c: CityComparison, goalNumber: number): ComparisonGoalPage | null {
  const theme = c.sharedGoals.find((g) => g.theme.number === goalNumber);
  if (!theme) return null;
  const { columns } = sharedGoalOf(theme);
  return { cities: c.cities, goal: theme.theme, sharedGoals: c.sharedGoals.map((g) => g.theme), sharedTargets: sharedTargetsOf(c).filter((t) => t.target.goal === theme.theme.id), columns };
}

/** Each city's count per key, as `[key → city id → n]`. */
function countsBy<K>(rows: readonly ThemeCountRow<K>[]): Map<K, Map<string, number>> {
  const out = new Map<K, Map<string, number>>();
  for (const r of rows) out.set(r.key, (out.get(r.key) ?? new Map<string, number>()).set(r.city_id, r.n));
  return out;
}

/** A column per city (in the order chosen) when two or more cities have a count above 0, else null. */
function sharedColumns(cities: readonly City[], counts: ReadonlyMap<string, number> | undefined): ThemeCount[] | null {
  if (!counts || cities.filter((c) => (counts.get(c.id) ?? 0) > 0).length < 2) return null;
  return cities.map((city) => ({ city, total: counts.get(city.id) ?? 0 }));
}

/** The shared targets (UN order) of per-target counts. */
function sharedTargetsFrom(cities: readonly City[], rows: readonly ThemeCountRow<string>[]): SharedTarget[] {
  const perTarget = countsBy(rows);
  return [...perTarget.keys()]
    .sort((a, b) => (UN_ORDER.get(a) ?? 1e9) - (UN_ORDER.get(b) ?? 1e9))
    .flatMap((id) => {
      const target = findSdgTarget(id);
      const columns = target ? sharedColumns(cities, perTarget.get(id)) : null;
      return target && columns ? [{ target, columns }] : [];
    });
}

/** The shared goals (goal order) of per-goal counts. */
function sharedGoalsFrom(cities: readonly City[], rows: readonly ThemeCountRow<number>[]): SharedGoalCount[] {
  const perGoal = countsBy(rows);
  return sdgGoals.flatMap((goal) => {
    const columns = sharedColumns(cities, perGoal.get(goal.number));
    return columns ? [{ goal, columns }] : [];
  });
}

/** The shared goals' counts with each city's first KPIs on them (rows of {@link readCompareRows} or {@link firstKpisOfGoals}). */
function withFirstKpis(cities: readonly City[], goals: readonly SharedGoalCount[], rows: readonly GoalKpiRow[]): SharedGoal[] {
  const cityById = new Map(cities.map((c) => [c.id, c]));
  const kpis = new Map<string, ComparedKpi[]>();
  for (const r of rows) {
    const key = `${r.goal} ${r.city_id}`;
    const list = kpis.get(key);
    const item = comparedKpiFromSummary(cityById.get(r.city_id)!, r);
    if (list) list.push(item);
    else kpis.set(key, [item]);
  }
  return goals.map(({ goal, columns }) => ({ goal, columns: columns.map((col) => ({ ...col, kpis: kpis.get(`${goal.number} ${col.city.id}`) ?? [] })) }));
}

/** What the overview reads of the compared cities' summaries ({@link readCompareRows}). */
const OVERVIEW: ComparisonPart = { page: 'overview', limit: KPIS_SHOWN_PER_THEME, foldAbove: COMPARE_ROWS_ON_ONE_PAGE };

/** What goal `goal`'s page reads of the compared cities' summaries ({@link readCompareRows}). */
const goalPart = (goal: number): ComparisonPart => ({ page: 'goal', goal, limit: KPIS_SHOWN_PER_THEME });

/** The overview's rows for `cities`. */
function overviewRows(db: Executor, cities: readonly City[]): Promise<ComparisonRows> {
  return readComparisonRows(
    db,
    cities.map((c) => c.id),
    OVERVIEW,
  );
}

/** A goal page's rows for `cities`. */
function goalRows(db: Executor, cities: readonly City[], goalNumber: number): Promise<ComparisonRows> {
  return readComparisonRows(
    db,
    cities.map((c) => c.id),
    goalPart(goalNumber),
  );
}

/**
 * The compare page's content from the rows of {@link readCompareRows}: the counts per shared
 * target and goal, the same-definition groups with their series, and unless the comparison folds
 * ({@link COMPARE_ROWS_ON_ONE_PAGE}) the first KPIs per shared goal (read with the rows; in a
 * second statement only when the rows counted a fold the SDG targets known here do not make).
 */
async function pageFromRows(db: Executor, cities: readonly City[], rows: ComparisonRows): Promise<ComparisonPage> {
  const sharedTargets = sharedTargetsFrom(cities, rows.targets);
  const counts = sharedGoalsFrom(cities, rows.goals);
  const cityById = new Map(cities.map((c) => [c.id, c]));
  const order = new Map(cities.map((c, i) => [c.id, i]));
  const groups = new Map<string, IndexedComparedKpi[]>();
  for (const r of [...rows.same].sort((a, b) => order.get(a.city_id)! - order.get(b.city_id)! || a.position - b.position)) {
    const item = indexedFromSummary(comparedKpiFromSummary(cityById.get(r.city_id)!, r), r);
    const group = groups.get(r.definition_key);
    if (group) group.push(item);
    else groups.set(r.definition_key, [item]);
  }
  const sameKpis = [...groups.entries()].map(([key, kpis]) => ({ key, ...(key.startsWith(INDICATOR_KEY) ? { indicator: key.slice(INDICATOR_KEY.length) } : {}), kpis }));
  if (comparisonFolds(sharedTargets.length, counts)) return { cities, sharedTargets, sameKpis, folded: true, sharedGoals: counts };
  const first =
    rows.first ??
    (await firstKpisOfGoals(
      db,
      cities.map((c) => c.id),
      counts.map((g) => g.goal.number),
      KPIS_SHOWN_PER_THEME,
    ));
  return { cities, sharedTargets, sameKpis, folded: false, sharedGoals: withFirstKpis(cities, counts, first) };
}

/** One shared goal's page from the rows of {@link readCompareRows}; null when the cities do not share the goal. */
function goalPageFromRows(cities: readonly City[], goalNumber: number, rows: ComparisonRows): ComparisonGoalPage | null {
  const goals = sharedGoalsFrom(cities, rows.goals);
  const here = goals.find((g) => g.goal.number === goalNumber);
  if (!here) return null;
  const [shared] = withFirstKpis(cities, [here], rows.first ?? []);
  return { cities, goal: here.goal, sharedGoals: goals.map((g) => g.goal), sharedTargets: sharedTargetsFrom(cities, rows.targets), columns: shared!.columns };
}

/**
 * The compare page's content for `cities` (two to {@link MAX_COMPARED}, in the order chosen)
 * from their KPI summaries, whether or not they hold every write ({@link readComparePage}
 * checks that): one statement ({@link readComparisonRows}), rarely two.
 */
export async function comparisonPage(db: Executor, cities: readonly City[]): Promise<ComparisonPage> {
  return pageFromRows(db, cities, await overviewRows(db, cities));
}

/**
 * One shared goal's page (`?goal=N`) for `cities` from their KPI summaries: the goal's shared
 * targets, every shared goal (to move between them) and each city's first KPIs on the goal, in
 * one statement; null when the cities do not share the goal.
 */
export async function comparisonGoalPage(db: Executor, cities: readonly City[], goalNumber: number): Promise<ComparisonGoalPage | null> {
  return goalPageFromRows(cities, goalNumber, await goalRows(db, cities, goalNumber));
}

/** What {@link readComparePage} needs of the city store (CityDataStore). */
export interface ComparedCitySource {
  /** `read()` unless a write of this process to one of `cityIds` has not reached its summaries (CityDataStore.whileSummarised). */
  whileSummarised<T>(cityIds: readonly string[], read: () => Promise<T | undefined>): Promise<T | undefined>;
  /** The city's public data, loaded whole (null for an unknown city). */
  get(cityId: string): Promise<CityData | null>;
}

/**
 * The chosen cities loaded whole and compared, for a page whose summaries lag a write (the same
 * content as the summaries give once rebuilt). A city deleted since it was chosen: compared from
 * what remains, as the summaries would.
 */
async function loadedComparison(source: ComparedCitySource, cities: readonly City[]): Promise<CityComparison> {
  const loaded = await Promise.all(cities.map((c) => source.get(c.id)));
  return compareCities(loaded.filter((d): d is CityData => d !== null));
}

/** The compare page's content and, per same-definition group, how many cities across the country measure its definition. */
export interface ComparisonPageRead {
  readonly page: ComparisonPage;
  /** Per definition key of `page.sameKpis`: the cities measuring it nationally (from the summaries). */
  readonly nationalCounts: ReadonlyMap<string, number>;
}

/** What the compare page (`/compare`, routes/compare.routes.tsx) asks to read. */
export interface CompareRequest {
  /** Well-formed city ids as the query names them, in order, each once: the first {@link MAX_COMPARED} that exist are compared. */
  readonly named: readonly string[];
  /** The city whose peers by population are offered (`?peers=`): looked up, never compared. */
  readonly peersId: string | null;
  /**
   * The form's choices (the overview's; a goal page has no form): with a prefecture or a name,
   * the first `narrowedSize` matching cities; without, every city while there are at most
   * `wholeSize` (none above: at national scale the form asks for a prefecture or a name first).
   */
  readonly offer: { readonly filter: CityListFilter; readonly narrowedSize: number; readonly wholeSize: number } | null;
  /** `?goal=N`: that shared goal's page instead of the overview. */
  readonly goal?: number | undefined;
}

/** What {@link readComparePage} gives the compare page. */
export interface ComparePageRead {
  /** The named cities (and the peers' city) that exist, by id. */
  readonly found: ReadonlyMap<string, City>;
  /** The cities compared: the first {@link MAX_COMPARED} named that exist, in the order named. */
  readonly chosen: readonly City[];
  /** The cities offered to choose from, how many match the form's filter (every city without one), every prefecture (JIS order); none without `offer`. */
  readonly choices: { readonly cities: readonly City[]; readonly total: number; readonly prefectures: readonly PrefectureCount[] };
  /** The overview's content, when two or more cities are chosen and no goal is asked. */
  readonly comparison: ComparisonPageRead | null;
  /** Goal `goal`'s page, when asked, two or more cities are chosen and they share it. */
  readonly goalPage: ComparisonGoalPage | null;
}

/**
 * Everything a compare page shows, in one statement on a miss ({@link readCompareRows}: the
 * named cities, the form's choices and the chosen cities' summaries, issue 11.5), never older
 * than a write whose response was returned: the summaries are used only when no write of this
 * process to a named city is pending (`source.whileSummarised`, before and after the read) and
 * the statement found every chosen city's summaries as new as its data; else the chosen cities
 * are loaded whole and compared ({@link comparisonPageOf}, {@link comparisonGoalPageOf}), the same content.
 */
export async function readComparePage(db: Executor, source: ComparedCitySource, request: CompareRequest): Promise<ComparePageRead> {
  const { offer } = request;
  const narrowed = offer !== null && (offer.filter.prefecture !== undefined || offer.filter.name !== undefined);
  const query: CompareRowsQuery = {
    named: request.named,
    max: MAX_COMPARED,
    also: request.peersId ? [request.peersId] : [],
    ...(offer ? { choices: { prefectures: true, list: narrowed ? { filter: offer.filter, limit: offer.narrowedSize } : { whole: offer.wholeSize } } } : {}),
    part: request.goal === undefined ? OVERVIEW : goalPart(request.goal),
  };
  let read: CompareRows | undefined;
  const summarised = await source.whileSummarised(request.named, async () => {
    read = await readCompareRows(db, query, PREFECTURE_ORDER);
    return read.comparison?.fresh ? read.comparison : undefined;
  });
  // A write of this process to a named city is pending: the cities and choices alone (the summaries are not used).
  const rows = read ?? (await readCompareRows(db, { ...query, part: undefined }, PREFECTURE_ORDER));
  const found = new Map(rows.found.map((r) => [r.id, cityFromRow(r)]));
  const chosen = rows.chosen.map((id) => found.get(id)!);
  const choices = { cities: rows.listed.map(cityFromRow), total: rows.total, prefectures: rows.prefectures ? inPrefectureOrder(rows.prefectures) : [] };
  const base = { found, chosen, choices, comparison: null, goalPage: null };
  if (chosen.length < 2) return base;
  if (request.goal !== undefined) {
    const goalPage = summarised ? goalPageFromRows(chosen, request.goal, summarised) : comparisonGoalPageOf(await loadedComparison(source, chosen), request.goal);
    return { ...base, goalPage };
  }
  if (summarised) return { ...base, comparison: { page: await pageFromRows(db, chosen, summarised), nationalCounts: summarised.nationalCounts } };
  return { ...base, comparison: await loadedPage(db, source, chosen) };
}

/** The overview of `cities` loaded whole and compared, with the national counts of its same-definition groups. */
async function loadedPage(db: Executor, source: ComparedCitySource, cities: readonly City[]): Promise<ComparisonPageRead> {
  const page = comparisonPageOf(await loadedComparison(source, cities));
  return { page, nationalCounts: await definitionCityCounts(db, [...new Set(page.sameKpis.map((g) => g.key))]) };
}

/** The prefix of a definition key made from an indicator code (kpiDefinitionKey). */
const INDICATOR_KEY = 'indicator:';

/** A dated figure from a summary's columns (null where there is none or its time point does not read). */
function summaryFigure(at: string | null, value: number | null, decimals: number | null): ComparedFigure | null {
  const t = at === null ? null : parseTimePointIso(at);
  return t === null || value === null ? null : { at: t, value, ...(decimals === null ? {} : { decimals }) };
}

/** A summary row as the compare page shows it. */
function comparedKpiFromSummary(city: City, r: Omit<GoalKpiRow, 'goal'>): ComparedKpi {
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
function indexedFromSummary(k: ComparedKpi, r: SameDefinitionRow): IndexedComparedKpi {
  const base = k.baseline;
  if (!base) return { ...k, series: [], latestIndex: null };
  const after = (JSON.parse(r.series_json) as SummarySeriesJson).flatMap(([at, value, decimals]) => summaryFigure(at, value, decimals ?? null) ?? []);
  const fig = (f: ComparedFigure): IndexedFigure => ({ ...f, index: indexToBaseline(f.value, base.value) });
  const series = [fig(base), ...after.map(fig)];
  return { ...k, series, latestIndex: after.length > 0 ? series.at(-1)!.index : null };
}
