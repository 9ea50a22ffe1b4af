import type { City, CityData } from '../core/city/city.ts';
import type { KpiStatus } from '../core/kpi/status.ts';
import type { PlanKind } from '../core/plan/plan.ts';
import { walkPlanNodes } from '../core/plan/plan.ts';
import { memoized } from '../cities/city-view-memo.ts';
import { summarizeCity } from '../cities/city-summary.service.ts';
import { kpiIdsUnder, kpiListChoices, type KpiListChoices } from '../kpis/city-kpi-list.service.ts';
import { headlineKpis } from '../kpis/headline-kpis.service.ts';
import { progressAtAGlance, type ProgressGlance } from '../kpis/progress-glance.service.ts';

/**
 * A city's overview as its own pages show it (issue 11: the city page, its KPI list's filter
 * form, progress at a glance, `/api/v1/cities/:city`), computed once from its public view and
 * kept as JSON in `city_page_summaries` with the city's other summaries, so a page of a city the
 * store does not hold reads one row instead of loading and evaluating the whole city. The
 * full-city path computes the very same object from the loaded data ({@link cityPageSummaryOf}),
 * so both paths render one model.
 */
export interface CityPageSummary {
  readonly city: City;
  /** Years with data not yet published (absent when none), as the public view has them. */
  readonly unpublishedYears?: readonly number[];
  /** The city's plans as the city page lists them (and the API's city object). */
  readonly plans: readonly PlanCard[];
  readonly kpiCount: number;
  readonly statusCounts: Readonly<Record<KpiStatus, number>>;
  /** SDG goal ids ("1"…"17") the city's KPIs cover, in the order first met. */
  readonly coveredGoals: readonly string[];
  /** The KPI list's choices that depend on the city (its statuses and goals are constants). */
  readonly choices: Pick<KpiListChoices, 'planGoals' | 'departments' | 'hasKpisWithoutDepartment'>;
  /** Every plan node of the city as the list's `node` filter names it (`plan-id/node-id`), any depth. */
  readonly nodes: readonly string[];
  /** The headline KPIs (ids, in the order shown), how many their section holds and the section as a `node` filter. */
  readonly headline: { readonly kpiIds: readonly string[]; readonly total: number; readonly node?: string };
  /** Progress at a glance: counts by status per SDG goal, plan goal and department. */
  readonly glance: ProgressGlance;
}

/** A plan as the city page lists it. */
export interface PlanCard {
  readonly id: string;
  readonly kind: PlanKind;
  readonly title: string;
  readonly titleEn?: string | undefined;
  readonly periodStart: number;
  readonly periodEnd: number;
}

/** The overview of a city's public data (computed once per loaded revision, city-view-memo.ts). */
export function cityPageSummaryOf(data: CityData): CityPageSummary {
  return memoized(data, 'city-page-summary', () => {
    const summary = summarizeCity(data);
    const choices = kpiListChoices(data, summary);
    const headline = headlineKpis(data, summary);
    return {
      city: data.city,
      ...(data.unpublishedYears !== undefined && { unpublishedYears: data.unpublishedYears }),
      plans: data.plans.map((p) => ({ id: p.id, kind: p.kind, title: p.title, titleEn: p.titleEn, periodStart: p.periodStart, periodEnd: p.periodEnd })),
      kpiCount: summary.kpiCount,
      statusCounts: summary.statusCounts,
      coveredGoals: [...summary.coveredGoals],
      choices: { planGoals: choices.planGoals, departments: choices.departments, hasKpisWithoutDepartment: choices.hasKpisWithoutDepartment },
      nodes: [...nodeKpis(data).keys()],
      headline: { kpiIds: headline.items.map((x) => x.kpi.id), total: headline.total, ...(headline.node !== undefined && { node: headline.node }) },
      glance: progressAtAGlance(data, summary),
    };
  });
}

/**
 * Per plan node (`plan-id/node-id`, the first node of a plan with that id, as the list's filter
 * finds it), the ids of the KPIs in it or below it, in the order the plan lists them.
 */
export function nodeKpis(data: CityData): ReadonlyMap<string, ReadonlySet<string>> {
  return memoized(data, 'node-kpis', () => {
    const out = new Map<string, ReadonlySet<string>>();
    for (const plan of data.plans) {
      for (const { node } of walkPlanNodes(plan.nodes)) {
        const value = `${plan.id}/${node.id}`;
        if (!out.has(value)) out.set(value, kpiIdsUnder(node));
      }
    }
    return out;
  });
}
