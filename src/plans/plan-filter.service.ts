import type { KpiSide } from '../core/kpi/kpi.ts';
import type { KpiStatus } from '../core/kpi/status.ts';
import { goalOfTarget } from '../core/sdg/sdg-framework.ts';
import type { PlanPageModel, PlanPageNode, PlanPageRow } from './plan-page.model.ts';

/** What a plan page can be narrowed to: a side (経済・社会・環境), an SDG goal, a status. */
export interface PlanFilter {
  readonly side?: Exclude<KpiSide, 'none'>;
  readonly goal?: string;
  readonly status?: KpiStatus;
}

/** A plan page narrowed by a filter, with how many KPI rows matched out of all. */
export interface FilteredPlanPage {
  /** The page with only the matching rows and the nodes on the way to them (roll-ups and the overall roll-up unchanged). */
  readonly page: PlanPageModel;
  readonly matched: number;
  readonly total: number;
  readonly active: boolean;
}

/** Whether one KPI row passes the filter (the computed status counts, not an override). */
export function rowMatches(row: PlanPageRow, filter: PlanFilter): boolean {
  if (filter.side && row.kpi.side !== filter.side) return false;
  if (filter.goal && !row.kpi.sdgTargets.some((t) => goalOfTarget(t)?.id === filter.goal)) return false;
  if (filter.status && (row.evaluation?.status.status ?? 'no-data') !== filter.status) return false;
  return true;
}

/**
 * Keeps the KPI rows that pass the filter and the nodes on the way to them; with no filter the
 * page is returned as it is (nodes without KPIs stay, they are the plan's structure).
 */
export function filterPlanPage(page: PlanPageModel, filter: PlanFilter): FilteredPlanPage {
  const active = Boolean(filter.side || filter.goal || filter.status);
  const total = page.rows.length;
  if (!active) return { page, matched: total, total, active };
  const rows = page.rows.filter((r) => rowMatches(r, filter));
  const keep = new Set(rows.map((r) => r.nodeId));
  const prune = (nodes: readonly PlanPageNode[]): PlanPageNode[] =>
    nodes.flatMap((n) => {
      const children = prune(n.children);
      return children.length > 0 || keep.has(n.id) ? [{ ...n, children }] : [];
    });
  return { page: { ...page, plan: { ...page.plan, nodes: prune(page.plan.nodes) }, rows }, matched: rows.length, total, active };
}
