import type { City, CityData } from '../core/city/city.ts';
import { findSdgTarget, goalOfTarget, sdgGoals, sdgTargets, type SdgGoal, type SdgTarget } from '../core/sdg/sdg-framework.ts';
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
  return { cities: cities.map((d) => d.city), sharedTargets, sharedGoals };
}
