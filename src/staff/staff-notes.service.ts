import type { CityData, StatusOverride, YearlyCommentary } from '../core/city/city.ts';
import type { Plan, PlanNarrative } from '../core/plan/plan.ts';

/*
 * What the staff area adds to a city's public data and the public pages show beside the
 * computed figures: the secretariat's status overrides (with their justification), the
 * departments' yearly commentary per KPI and the experts' yearly evaluation per plan. The
 * store's public view has already removed the commentaries and evaluations of unpublished years.
 */

/** The secretariat's status override of each KPI of a city, by KPI id. */
export function statusOverridesByKpi(data: Pick<CityData, 'statusOverrides'>): ReadonlyMap<string, StatusOverride> {
  return new Map((data.statusOverrides ?? []).map((o) => [o.kpiId, o]));
}

/** The secretariat's status override of one KPI, if any. */
export function statusOverrideOf(data: Pick<CityData, 'statusOverrides'>, kpiId: string): StatusOverride | undefined {
  return data.statusOverrides?.find((o) => o.kpiId === kpiId);
}

/** A KPI's yearly commentaries written by its department, newest year first. */
export function yearlyCommentariesOf(data: Pick<CityData, 'yearlyCommentaries'>, kpiId: string): YearlyCommentary[] {
  return (data.yearlyCommentaries ?? []).filter((c) => c.kpiId === kpiId).sort((a, b) => b.year - a.year);
}

/** Every yearly commentary of a city, by KPI then year, for the open data archive. */
export function allYearlyCommentaries(data: Pick<CityData, 'yearlyCommentaries'>): YearlyCommentary[] {
  return [...(data.yearlyCommentaries ?? [])].sort((a, b) => a.kpiId.localeCompare(b.kpiId) || a.year - b.year);
}

/** A plan's expert evaluations (有識者からの評価), newest year first; undated ones (seed documents) last. */
export function expertEvaluationsOf(plan: Pick<Plan, 'narratives'>): PlanNarrative[] {
  return plan.narratives.filter((n) => n.kind === 'expert-evaluation').sort((a, b) => (b.year ?? -Infinity) - (a.year ?? -Infinity));
}

/** A plan's other narratives (summary, results, problems, outlook…) in the order they were printed. */
export function otherNarrativesOf(plan: Pick<Plan, 'narratives'>): PlanNarrative[] {
  return plan.narratives.filter((n) => n.kind !== 'expert-evaluation');
}
