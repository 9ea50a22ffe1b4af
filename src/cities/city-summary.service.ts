import type { CityData } from '../core/city/city.ts';
import { evaluateKpi, type KpiEvaluation } from '../core/kpi/kpi-evaluation.ts';
import type { Kpi } from '../core/kpi/kpi.ts';
import { KPI_STATUSES, type KpiStatus } from '../core/kpi/status.ts';
import { goalOfTarget } from '../core/sdg/sdg-framework.ts';
import { memoized } from '../cities/city-view-memo.ts';

/** A city at a glance: its plans, KPIs, status counts and the SDG goals its KPIs cover. */
export interface CitySummary {
  readonly planCount: number;
  readonly kpiCount: number;
  readonly statusCounts: Readonly<Record<KpiStatus, number>>;
  readonly coveredGoals: ReadonlySet<string>;
  readonly kpis: readonly { kpi: Kpi; evaluation: KpiEvaluation | null }[];
}

/**
 * Evaluates each KPI against its current target (the nearest one ahead of its latest actual);
 * computed once per loaded revision of the city's data (city-view-memo.ts).
 */
export function summarizeCity(data: CityData): CitySummary {
  return memoized(data, 'summary', () => computeCitySummary(data));
}

function computeCitySummary(data: CityData): CitySummary {
  const statusCounts = Object.fromEntries(KPI_STATUSES.map((s) => [s, 0])) as Record<KpiStatus, number>;
  const coveredGoals = new Set<string>();
  const kpis = data.kpis.map((kpi) => {
    const evaluation = evaluateKpi(kpi);
    statusCounts[evaluation?.status.status ?? 'no-data']++;
    for (const target of kpi.sdgTargets) {
      const goal = goalOfTarget(target);
      if (goal) coveredGoals.add(goal.id);
    }
    return { kpi, evaluation };
  });
  return { planCount: data.plans.length, kpiCount: data.kpis.length, statusCounts, coveredGoals, kpis };
}
