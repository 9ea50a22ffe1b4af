import type { CityData } from '../core/city/city.ts';
import { KPI_STATUSES, type KpiStatus } from '../core/kpi/status.ts';
import { sdgGoals } from '../core/sdg/sdg-framework.ts';
import type { CitySummary } from '../cities/city-summary.service.ts';
import { departmentKey, kpiIdsUnder, matchingKpis, NO_DEPARTMENT } from './city-kpi-list.service.ts';

/**
 * Progress at a glance (issue 15.1; Open SDG #2212, #2223, #209): a city's KPIs counted by
 * status per SDG goal, per plan goal (the top level of each plan) and per department, each
 * count the size of a filter of the KPI list ({@link filterCityKpis}), so a count links to
 * exactly the KPIs it counts. Status is the computed one the KPI list shows first.
 */

/** What the KPI list can be narrowed to; every given criterion must hold. */
export interface KpiListFilter {
  readonly status?: KpiStatus;
  /** An SDG goal number "1" … "17": the KPI is tagged with one of its targets. */
  readonly goal?: string;
  /** A plan node as `plan-id/node-id`: the KPI sits in that node or below it. */
  readonly node?: string;
  /** The department as written on the KPI; "" for KPIs without one (`department=-` in a URL). */
  readonly department?: string;
  /** A fragment of the KPI's name (Japanese or English), normalised (city-kpi-list.service.ts `normaliseNameFilter`). */
  readonly text?: string;
}

/** One row of a count table: what it groups by, the counts by status, the total and its filter. */
export interface GlanceRow {
  readonly label: { readonly ja: string; readonly en?: string | undefined };
  readonly filter: KpiListFilter;
  readonly counts: Readonly<Record<KpiStatus, number>>;
  readonly total: number;
}

/** The three count tables of a city. */
export interface ProgressGlance {
  readonly bySdgGoal: readonly GlanceRow[];
  readonly byPlanGoal: readonly { readonly plan: { id: string; title: string; titleEn?: string | undefined }; readonly rows: readonly GlanceRow[] }[];
  readonly byDepartment: readonly GlanceRow[];
  readonly total: number;
}

type Item = CitySummary['kpis'][number];
const statusOf = (x: Item): KpiStatus => x.evaluation?.status.status ?? 'no-data';

/** The KPIs of a city passing the filter, in the city's order (the one query of the KPI list, city-kpi-list.service.ts). */
export function filterCityKpis(data: CityData, summary: CitySummary, f: KpiListFilter): readonly Item[] {
  return matchingKpis(data, summary, f);
}

function row(label: GlanceRow['label'], filter: KpiListFilter, items: readonly Item[]): GlanceRow {
  const counts = Object.fromEntries(KPI_STATUSES.map((s) => [s, 0])) as Record<KpiStatus, number>;
  for (const x of items) counts[statusOf(x)]++;
  return { label, filter, counts, total: items.length };
}

/** Counts a city's KPIs by status per SDG goal, per plan goal and per department (groups without KPIs left out). */
export function progressAtAGlance(data: CityData, summary: CitySummary): ProgressGlance {
  const bySdgGoal = sdgGoals
    .map((g) => row({ ja: `${g.number}. ${g.short.ja}`, en: `${g.number}. ${g.short.en}` }, { goal: g.id }, filterCityKpis(data, summary, { goal: g.id })))
    .filter((r) => r.total > 0);
  const byPlanGoal = data.plans
    .map((plan) => ({
      plan: { id: plan.id, title: plan.title, titleEn: plan.titleEn },
      rows: plan.nodes
        .map((node) => {
          const ids = kpiIdsUnder(node);
          return row({ ja: `${node.code ? `${node.code} ` : ''}${node.title}`, en: node.titleEn ? `${node.code ? `${node.code} ` : ''}${node.titleEn}` : undefined }, { node: `${plan.id}/${node.id}` }, summary.kpis.filter((x) => ids.has(x.kpi.id)));
        })
        .filter((r) => r.total > 0),
    }))
    .filter((p) => p.rows.length > 0);
  const departments = [...new Set(summary.kpis.map((x) => departmentKey(x.kpi.department)))].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b, 'ja')));
  const byDepartment = departments.map((d) => row({ ja: d }, { department: d }, filterCityKpis(data, summary, { department: d })));
  return { bySdgGoal, byPlanGoal, byDepartment, total: summary.kpis.length };
}

/** The query string of a filter (for links from a count to its KPIs). */
export function filterQuery(f: KpiListFilter): string {
  const q = new URLSearchParams();
  if (f.status) q.set('status', f.status);
  if (f.goal) q.set('goal', f.goal);
  if (f.node) q.set('node', f.node);
  if (f.department !== undefined) q.set('department', f.department === '' ? NO_DEPARTMENT : f.department);
  if (f.text) q.set('q', f.text);
  return q.toString();
}
