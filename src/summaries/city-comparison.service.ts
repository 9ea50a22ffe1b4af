import type { City, CityData } from '../core/city/city.ts';
import { findSdgTarget, goalOfTarget, sdgGoals, sdgTargets, type SdgGoal, type SdgTarget } from '../core/sdg/sdg-framework.ts';
import { indexToBaseline, kpiDefinitionKey } from '../core/kpi/kpi-definition.ts';
import { sortedObservations } from '../core/kpi/kpi-evaluation.ts';
import type { TimePoint } from '../core/time/time-point.ts';
import { timePointEnd } from '../core/time/time-point.ts';
import { cityKpis, type CityKpi } from './sdg-overview.service.ts';

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
