import type { KpiSide } from '../core/kpi/kpi.ts';
import type { KpiStatus } from '../core/kpi/status.ts';
import type { PlanNode } from '../core/plan/plan.ts';
import { goalOfTarget } from '../core/sdg/sdg-framework.ts';
import type { PlanReport, PlanReportRow } from './plan-report.service.ts';

/** What a plan page can be narrowed to: a side (経済・社会・環境), an SDG goal, a status. */
export interface PlanFilter {
  readonly side?: Exclude<KpiSide, 'none'>;
  readonly goal?: string;
  readonly status?: KpiStatus;
}

/** A plan report narrowed by a filter, with how many KPI rows matched out of all. */
export interface FilteredPlanReport {
  readonly report: PlanReport;
  readonly matched: number;
  readonly total: number;
  readonly active: boolean;
}

/** Whether one KPI row passes the filter. */
export function rowMatches(row: PlanReportRow, filter: PlanFilter): boolean {
  if (filter.side && row.kpi.side !== filter.side) return false;
  if (filter.goal && !row.kpi.sdgTargets.some((t) => goalOfTarget(t)?.id === filter.goal)) return false;
  if (filter.status && (row.evaluation?.status.status ?? 'no-data') !== filter.status) return false;
  return true;
}

/**
 * Keeps the KPI rows that pass the filter and the nodes on the way to them; with no filter the
 * report is returned as it is (nodes without KPIs stay, they are the plan's structure).
 */
export function filterPlanReport(report: PlanReport, filter: PlanFilter): FilteredPlanReport {
  const active = Boolean(filter.side || filter.goal || filter.status);
  const total = report.rows.length;
  if (!active) return { report, matched: total, total, active };
  const rows = report.rows.filter((r) => rowMatches(r, filter));
  const keep = new Set(rows.map((r) => `${r.node.id}\u0000${r.row.kpiId}\u0000${r.row.targetId ?? ''}`));
  const prune = (nodes: readonly PlanNode[]): PlanNode[] =>
    nodes.flatMap((n) => {
      const children = prune(n.children);
      const kpiRows = n.kpiRows.filter((r) => keep.has(`${n.id}\u0000${r.kpiId}\u0000${r.targetId ?? ''}`));
      return children.length > 0 || kpiRows.length > 0 ? [{ ...n, children, kpiRows }] : [];
    });
  return { report: { ...report, plan: { ...report.plan, nodes: prune(report.plan.nodes) }, rows }, matched: rows.length, total, active };
}
