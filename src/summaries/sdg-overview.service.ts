import type { City, CityData, StatusOverride } from '../core/city/city.ts';
import { evaluateKpi, type KpiEvaluation } from '../core/kpi/kpi-evaluation.ts';
import type { Kpi } from '../core/kpi/kpi.ts';
import { statusOverridesByKpi } from '../staff/staff-notes.service.ts';
import { findSdgGoal, goalOfTarget, sdgGoals, targetsOfGoal, type SdgGoal, type SdgTarget } from '../core/sdg/sdg-framework.ts';

/** A KPI of some city with its current evaluation. */
export interface CityKpi {
  readonly city: City;
  readonly kpi: Kpi;
  readonly evaluation: KpiEvaluation | null;
  /** The status the city's secretariat set instead of the computed one, if any. */
  readonly override?: StatusOverride | undefined;
}

/** A goal across all cities: how many KPIs and which cities are tagged with one of its targets. */
export interface GoalOverview {
  readonly goal: SdgGoal;
  readonly kpiCount: number;
  readonly cities: readonly City[];
}

/** One target of a goal with every KPI tagged with it. */
export interface TargetKpis {
  readonly target: SdgTarget;
  readonly kpis: readonly CityKpi[];
}

/** A goal's page: its targets with KPIs, and those no KPI addresses yet. */
export interface GoalDetail {
  readonly goal: SdgGoal;
  readonly targets: readonly TargetKpis[];
  readonly untouched: readonly SdgTarget[];
  readonly kpiCount: number;
}

/** Every KPI of the given cities, evaluated against its current target. */
export function cityKpis(cities: readonly CityData[]): CityKpi[] {
  return cities.flatMap((d) => {
    const overrides = statusOverridesByKpi(d);
    return d.kpis.map((kpi) => ({ city: d.city, kpi, evaluation: evaluateKpi(kpi), override: overrides.get(kpi.id) }));
  });
}

/** The 17 goals with the number of KPIs (over all cities) tagged with one of their targets. */
export function goalOverviews(cities: readonly CityData[]): GoalOverview[] {
  return sdgGoals.map((goal) => {
    const kpis = cities.flatMap((d) => d.kpis.filter((k) => k.sdgTargets.some((t) => goalOfTarget(t)?.id === goal.id)).map((k) => ({ city: d.city, k })));
    const cityIds = new Set(kpis.map((x) => x.city.id));
    return { goal, kpiCount: kpis.length, cities: cities.filter((d) => cityIds.has(d.city.id)).map((d) => d.city) };
  });
}

/** A goal's targets in UN order with every KPI of every city tagged with each; null for an unknown goal. */
export function goalDetail(goalId: string, cities: readonly CityData[]): GoalDetail | null {
  const goal = findSdgGoal(goalId);
  if (!goal) return null;
  const all = cityKpis(cities);
  const targets: TargetKpis[] = [];
  const untouched: SdgTarget[] = [];
  const counted = new Set<string>();
  for (const target of targetsOfGoal(goal.id)) {
    const kpis = all.filter((x) => x.kpi.sdgTargets.includes(target.id));
    if (kpis.length === 0) untouched.push(target);
    else targets.push({ target, kpis });
    for (const x of kpis) counted.add(`${x.city.id}/${x.kpi.id}`);
  }
  return { goal, targets, untouched, kpiCount: counted.size };
}
