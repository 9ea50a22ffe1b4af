import type { CityData } from '../core/city/city.ts';
import { walkPlanNodes } from '../core/plan/plan.ts';
import type { CitySummary } from '../cities/city-summary.service.ts';

/** How many KPIs the city page puts in front when no plan names its headline ones. */
const FALLBACK_COUNT = 6;

/**
 * The KPIs a city page leads with: those of the first section carrying KPIs in the city's
 * latest SDGs Future City plan (the KPIs of its 2030 vision, section (1) of the sheets); else
 * the first KPIs of the city.
 */
export function headlineKpis(data: CityData, summary: CitySummary): CitySummary['kpis'] {
  const plan = [...data.plans].filter((p) => p.kind === 'sdgs-future-city').sort((a, b) => b.periodEnd - a.periodEnd)[0];
  const first = plan ? [...walkPlanNodes(plan.nodes)].find(({ node }) => node.kpiRows.length > 0)?.node : undefined;
  if (!first) return summary.kpis.slice(0, FALLBACK_COUNT);
  const ids = [...new Set(first.kpiRows.map((r) => r.kpiId))];
  return ids.flatMap((id) => summary.kpis.filter((k) => k.kpi.id === id));
}
