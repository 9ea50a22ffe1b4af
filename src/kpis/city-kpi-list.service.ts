import type { CityData } from '../core/city/city.ts';
import { err, ok, type Result } from '../core/result.ts';
import { KPI_STATUSES, type KpiStatus } from '../core/kpi/status.ts';
import { walkPlanNodes, type PlanNode } from '../core/plan/plan.ts';
import { goalOfTarget, sdgGoals } from '../core/sdg/sdg-framework.ts';
import { memoized } from '../cities/city-view-memo.ts';
import type { CitySummary } from '../cities/city-summary.service.ts';
import type { Page } from '../summaries/national.service.ts';
import type { KpiListFilter } from './progress-glance.service.ts';

/**
 * A city's KPI list as a citizen reads it (issue 11.1: no page shows more than a person reads):
 * one page of at most {@link CITY_KPI_PAGE_SIZE} KPIs of the city's public view, narrowed by
 * status, SDG goal, plan goal, department and a fragment of the name. The city page shows its
 * first page, `/cities/:city/kpis` every page and filter; both are this one query, and the
 * counts of "progress at a glance" are sizes of these filters (progress-glance.service.ts).
 *
 * The city's data is already in memory (the city store loads one city per revision), so the
 * filter runs over its evaluated KPIs; what the page renders is bounded by the page size.
 */

/** KPIs per page of a city's list: about two screens of the table on a desktop. */
export const CITY_KPI_PAGE_SIZE = 50;

/** The `department` value in a URL meaning "KPIs without a department" (a department printed as "-" means the same). */
export const NO_DEPARTMENT = '-';

/** The longest name fragment the text filter takes (characters). */
export const MAX_NAME_FILTER = 100;

type Item = CitySummary['kpis'][number];

/** A plan's top-level nodes (its goals), as the plan-goal filter offers them. */
export interface PlanGoalChoice {
  readonly plan: { readonly id: string; readonly title: string; readonly titleEn?: string | undefined };
  /** `value` is `plan-id/node-id`, the `node` filter. */
  readonly nodes: readonly { readonly value: string; readonly label: { readonly ja: string; readonly en?: string | undefined } }[];
}

/** What a city's KPI list can be narrowed to: the choices of its filter form, all from the city's own data. */
export interface KpiListChoices {
  readonly statuses: readonly KpiStatus[];
  /** The 17 goals; a goal no KPI covers is a valid choice with an empty list. */
  readonly goals: readonly { readonly id: string; readonly short: { readonly ja: string; readonly en: string } }[];
  readonly planGoals: readonly PlanGoalChoice[];
  /** Departments as written on the KPIs, in Japanese order; KPIs without one are {@link NO_DEPARTMENT}. */
  readonly departments: readonly string[];
  readonly hasKpisWithoutDepartment: boolean;
}

/** The list's query as read from a request, shape already checked (zod at the route): strings, "" meaning "any". */
export interface KpiListQuery {
  readonly status?: string | undefined;
  readonly goal?: string | undefined;
  readonly node?: string | undefined;
  readonly department?: string | undefined;
  readonly q?: string | undefined;
}

/** Which query parameter names a value the city does not have. */
export interface KpiListQueryProblem {
  readonly param: 'status' | 'goal' | 'node' | 'department';
}

/** One page of a city's KPI list and what it was drawn from. */
export interface CityKpiListPage {
  readonly filter: KpiListFilter;
  /** Whether any filter narrows the list. */
  readonly active: boolean;
  /** The page: its KPIs, its number, and `total` = KPIs matching the filter. */
  readonly page: Page<Item>;
  /** Every KPI of the city's public view. */
  readonly cityTotal: number;
  /** The page number lies past the last page (the route answers 404). */
  readonly beyond: boolean;
}

/** A department as the filter compares it: "" for none (absent, blank or printed "-"). */
export function departmentKey(department: string | undefined): string {
  const d = (department ?? '').trim();
  return d === NO_DEPARTMENT ? '' : d;
}

/** The name fragment as it is compared: NFKC (full-width ASCII, half-width kana), lower case, single spaces. */
export function normaliseNameFilter(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** The choices of a city's filter form (computed once per loaded revision of the city). */
export function kpiListChoices(data: CityData, summary: CitySummary): KpiListChoices {
  return memoized(data, 'kpi-list-choices', () => {
    const departments = new Set<string>();
    let hasKpisWithoutDepartment = false;
    for (const { kpi } of summary.kpis) {
      const d = departmentKey(kpi.department);
      if (d === '') hasKpisWithoutDepartment = true;
      else departments.add(d);
    }
    return withFixedChoices({
      planGoals: data.plans
        .filter((p) => p.nodes.length > 0)
        .map((plan) => ({
          plan: { id: plan.id, title: plan.title, titleEn: plan.titleEn },
          nodes: plan.nodes.map((n) => ({ value: `${plan.id}/${n.id}`, label: nodeLabel(n) })),
        })),
      departments: [...departments].sort((a, b) => a.localeCompare(b, 'ja')),
      hasKpisWithoutDepartment,
    });
  });
}

const GOAL_CHOICES = sdgGoals.map((g) => ({ id: g.id, short: g.short }));

/** A city's own choices completed with those every city has (the statuses, the 17 goals). */
export function withFixedChoices(own: Pick<KpiListChoices, 'planGoals' | 'departments' | 'hasKpisWithoutDepartment'>): KpiListChoices {
  return { statuses: KPI_STATUSES, goals: GOAL_CHOICES, ...own };
}

function nodeLabel(n: PlanNode): { ja: string; en?: string | undefined } {
  const code = n.code ? `${n.code} ` : '';
  return { ja: `${code}${n.title}`, en: n.titleEn ? `${code}${n.titleEn}` : undefined };
}

/** The node a `plan-id/node-id` value names in this city, at any depth, or undefined. */
function findNode(data: CityData, value: string): PlanNode | undefined {
  const slash = value.indexOf('/');
  if (slash <= 0) return undefined;
  const plan = data.plans.find((p) => p.id === value.slice(0, slash));
  const nodeId = value.slice(slash + 1);
  if (!plan) return undefined;
  for (const { node } of walkPlanNodes(plan.nodes)) if (node.id === nodeId) return node;
  return undefined;
}

/**
 * The filter a query asks for, checked against this city: a status among the statuses, a goal
 * 1–17, a plan node of this city's plans (any depth: a count of a plan goal links to its top
 * node), a department some KPI of this city is written with. "" (a form's "all") is no filter.
 * A value the city does not have is an error naming the parameter (the route answers 400):
 * a node or department of another city never silently lists nothing.
 */
export function resolveKpiListFilter(data: CityData, summary: CitySummary, q: KpiListQuery): Result<KpiListFilter, KpiListQueryProblem> {
  return resolveKpiListFilterIn(kpiListChoices(data, summary), (value) => findNode(data, value) !== undefined, q);
}

/**
 * {@link resolveKpiListFilter} against a city's choices and a test of its plan nodes (`hasNode`:
 * whether a `plan-id/node-id` value names a node of the city at any depth), wherever they were
 * read from (the loaded city or its summaries).
 */
export function resolveKpiListFilterIn(choices: KpiListChoices, hasNode: (value: string) => boolean, q: KpiListQuery): Result<KpiListFilter, KpiListQueryProblem> {
  const filter: { -readonly [K in keyof KpiListFilter]: KpiListFilter[K] } = {};
  if (q.status) {
    if (!(choices.statuses as readonly string[]).includes(q.status)) return err({ param: 'status' });
    filter.status = q.status as KpiStatus;
  }
  if (q.goal) {
    if (!choices.goals.some((g) => g.id === q.goal)) return err({ param: 'goal' });
    filter.goal = q.goal;
  }
  if (q.node) {
    if (!hasNode(q.node)) return err({ param: 'node' });
    filter.node = q.node;
  }
  if (q.department) {
    const d = q.department === NO_DEPARTMENT ? '' : q.department;
    if (d === '' ? !choices.hasKpisWithoutDepartment : !choices.departments.includes(d)) return err({ param: 'department' });
    filter.department = d;
  }
  const text = q.q ? normaliseNameFilter(q.q) : '';
  if (text) filter.text = text;
  return ok(filter);
}

/** Whether a filter narrows the list at all. */
export function isActive(f: KpiListFilter): boolean {
  return f.status !== undefined || f.goal !== undefined || f.node !== undefined || f.department !== undefined || f.text !== undefined;
}

/**
 * The KPIs of a city passing the filter, in the city's order. The node's KPIs and the
 * normalised names are worked out once per call (or once per revision), not once per KPI.
 */
export function matchingKpis(data: CityData, summary: CitySummary, f: KpiListFilter): readonly Item[] {
  if (!isActive(f)) return summary.kpis;
  const underNode = f.node !== undefined ? kpiIdsUnder(findNode(data, f.node)) : undefined;
  const names = f.text !== undefined ? normalisedNames(data, summary) : undefined;
  return summary.kpis.filter((x, i) => {
    if (f.status && (x.evaluation?.status.status ?? 'no-data') !== f.status) return false;
    if (f.goal && !x.kpi.sdgTargets.some((t) => goalOfTarget(t)?.id === f.goal)) return false;
    if (f.department !== undefined && departmentKey(x.kpi.department) !== f.department) return false;
    if (underNode && !underNode.has(x.kpi.id)) return false;
    if (names && !names[i]!.includes(f.text!)) return false;
    return true;
  });
}

/** The KPI ids in a node and below it (none for a missing node). */
export function kpiIdsUnder(node: PlanNode | undefined): Set<string> {
  const ids = new Set<string>();
  if (!node) return ids;
  for (const { node: n } of walkPlanNodes([node])) for (const r of n.kpiRows) ids.add(r.kpiId);
  return ids;
}

/** Each KPI's Japanese and English names, normalised for the text filter, in the summary's order. */
function normalisedNames(data: CityData, summary: CitySummary): readonly string[] {
  return memoized(data, 'kpi-names-normalised', () => summary.kpis.map(({ kpi }) => normaliseNameFilter(`${kpi.name}\n${kpi.nameEn ?? ''}`)));
}

/**
 * Page `pageNo` (1-based) of the KPIs matching `filter`. A page past the last one is
 * `beyond` with no items (the route answers it 404); page 1 of an empty result is a page.
 */
export function cityKpiList(data: CityData, summary: CitySummary, filter: KpiListFilter, pageNo: number, pageSize = CITY_KPI_PAGE_SIZE): CityKpiListPage {
  const matched = matchingKpis(data, summary, filter);
  const pageCount = Math.max(1, Math.ceil(matched.length / pageSize));
  const beyond = pageNo > pageCount;
  const items = beyond ? [] : matched.slice((pageNo - 1) * pageSize, pageNo * pageSize);
  return {
    filter,
    active: isActive(filter),
    page: { items, page: pageNo, pageSize, total: matched.length, pageCount },
    cityTotal: summary.kpis.length,
    beyond,
  };
}
