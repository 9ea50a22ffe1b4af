import type { CityData } from '../core/city/city.ts';
import { walkPlanNodes } from '../core/plan/plan.ts';
import type { CitySummary } from '../cities/city-summary.service.ts';

/** How many KPIs the city page puts in front when no plan names its headline ones. */
const FALLBACK_COUNT = 6;

/**
 * The most headline KPIs the city page shows as cards (issue 11.1: the page stays bounded
 * whatever a plan's first section holds); the rest are one link away, the section's filtered list.
 */
export const MAX_HEADLINE_KPIS = 12;

/** The KPIs a city page leads with, at most {@link MAX_HEADLINE_KPIS}, and where all of them are listed. */
export interface HeadlineKpis {
  readonly items: CitySummary['kpis'];
  /** How many KPIs the section holds (more than `items` when cut). */
  readonly total: number;
  /** The section as the KPI list's `node` filter (`plan-id/node-id`), when the KPIs come from a plan section. */
  readonly node?: string;
}

/**
 * The KPIs a city page leads with: those of the first section carrying KPIs in the city's
 * latest SDGs Future City plan (the KPIs of its 2030 vision, section (1) of the sheets); else
 * the first KPIs of the city.
 */
export function headlineKpis(data: CityData, summary: CitySummary): HeadlineKpis {
  const plan = [...data.plans].filter((p) => p.kind === 'sdgs-future-city').sort((a, b) => b.periodEnd - a.periodEnd)[0];
  const first = plan ? [...walkPlanNodes(plan.nodes)].find(({ node }) => node.kpiRows.length > 0)?.node : undefined;
  if (!plan || !first) return { items: summary.kpis.slice(0, FALLBACK_COUNT), total: Math.min(FALLBACK_COUNT, summary.kpis.length) };
  const byId = new Map(summary.kpis.map((k) => [k.kpi.id, k]));
  const all = [...new Set(first.kpiRows.map((r) => r.kpiId))].flatMap((id) => byId.get(id) ?? []);
  return { items: all.slice(0, MAX_HEADLINE_KPIS), total: all.length, node: `${plan.id}/${first.id}` };
}
