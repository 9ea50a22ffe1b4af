import { memoized } from '../cities/city-view-memo.ts';
import type { CityData, StatusOverride } from '../core/city/city.ts';
import type { OpenSdgProgressStatus, UnProgressCategory } from '../core/kpi/international-assessment.ts';
import { evaluateKpi, type KpiEvaluation } from '../core/kpi/kpi-evaluation.ts';
import type { Kpi } from '../core/kpi/kpi.ts';
import { walkPlanNodes, type Plan, type PlanKpiRow, type PlanNode } from '../core/plan/plan.ts';
import { rollupNode, type KpiProgress, type NodeRollup } from '../core/plan/rollup.ts';
import { statusOverridesByKpi } from '../staff/staff-notes.service.ts';

/** A KPI row of a plan with everything computed for it. */
export interface PlanReportRow {
  readonly node: PlanNode;
  /** Titles of the node and its ancestors, outermost first. */
  readonly nodePath: readonly PlanNode[];
  readonly row: PlanKpiRow;
  readonly kpi: Kpi;
  readonly evaluation: KpiEvaluation | null;
  /**
   * The status the secretariat set for the KPI, shown beside the computed one. Roll-ups, filters
   * and counts keep to the computed status: the override is a judgement, not a figure.
   */
  readonly override?: StatusOverride;
}

/** A plan with its KPI rows evaluated and every node rolled up. */
export interface PlanReport {
  readonly plan: Plan;
  readonly rows: readonly PlanReportRow[];
  readonly rollups: ReadonlyMap<string, NodeRollup>;
}

/**
 * Evaluates every KPI row of a plan and rolls the results up its tree; computed once per loaded
 * revision of the city's data (city-view-memo.ts).
 */
export function buildPlanReport(data: CityData, plan: Plan): PlanReport {
  return memoized(data, `plan-report\u0000${plan.id}`, () => computePlanReport(data, plan));
}

function computePlanReport(data: CityData, plan: Plan): PlanReport {
  const kpiById = new Map(data.kpis.map((k) => [k.id, k]));
  const evaluations = new Map<string, KpiEvaluation | null>();
  const evaluate = (kpiId: string, targetId?: string): KpiEvaluation | null => {
    const key = `${kpiId}\u0000${targetId ?? ''}`;
    if (!evaluations.has(key)) {
      const kpi = kpiById.get(kpiId);
      evaluations.set(key, kpi ? evaluateKpi(kpi, targetId) : null);
    }
    return evaluations.get(key)!;
  };
  const overrides = statusOverridesByKpi(data);
  const byId = new Map<string, PlanNode>();
  const rows: PlanReportRow[] = [];
  for (const { node, path } of walkPlanNodes(plan.nodes)) {
    byId.set(node.id, node);
    for (const row of node.kpiRows) {
      const kpi = kpiById.get(row.kpiId);
      if (!kpi) continue;
      const override = overrides.get(kpi.id);
      rows.push({ node, nodePath: [...path.map((id) => byId.get(id)!), node], row, kpi, evaluation: evaluate(row.kpiId, row.targetId), ...(override && { override }) });
    }
  }
  const progressOf = (kpiId: string, targetId?: string): KpiProgress | undefined => {
    const e = evaluate(kpiId, targetId);
    if (!e) return undefined;
    const a = e.status.achievement;
    return { status: e.status.status, progress: a ? (a.progressFromBaseline ?? a.displayRate) : null, expectedProgress: e.status.expectedProgress };
  };
  const rollups = new Map<string, NodeRollup>();
  const collect = (r: NodeRollup) => {
    rollups.set(r.nodeId, r);
    r.children.forEach(collect);
  };
  for (const n of plan.nodes) collect(rollupNode(n, progressOf));
  return { plan, rows, rollups };
}

/** The plan's overall roll-up: its top-level nodes as children of one virtual root (kept with a kept report). */
export function planRollup(report: PlanReport): NodeRollup {
  return memoized(report, 'rollup', () => computePlanRollup(report));
}

function computePlanRollup(report: PlanReport): NodeRollup {
  const root: PlanNode = { id: '(plan)', kind: 'section', title: report.plan.title, children: report.plan.nodes, kpiRows: [] };
  // The first row of each KPI and target, as a find() over the rows would give, in one pass.
  const rowOf = new Map<string, PlanReportRow>();
  for (const r of report.rows) {
    const key = `${r.kpi.id}\u0000${r.row.targetId ?? ''}`;
    if (!rowOf.has(key)) rowOf.set(key, r);
  }
  return rollupNode(root, (kpiId, targetId) => {
    const row = rowOf.get(`${kpiId}\u0000${targetId ?? ''}`);
    const e = row?.evaluation;
    if (!e) return undefined;
    const a = e.status.achievement;
    return { status: e.status.status, progress: a ? (a.progressFromBaseline ?? a.displayRate) : null, expectedProgress: e.status.expectedProgress };
  });
}

/** How a plan's KPI rows fare by the international methods: counts per UN Progress Chart category and Open SDG status. */
export interface InternationalSummary {
  readonly un: Readonly<Record<UnProgressCategory, number>>;
  readonly openSdg: Readonly<Record<OpenSdgProgressStatus, number>>;
}

/** Counts the rows of a plan report or plan page model (plan-page.model.ts) by their evaluation's UN category and Open SDG status (no evaluation: no data). */
export function internationalSummary(report: { readonly rows: readonly { readonly evaluation: { readonly un: { readonly category: UnProgressCategory }; readonly openSdg: { readonly status: OpenSdgProgressStatus } } | null }[] }): InternationalSummary {
  const un: Record<UnProgressCategory, number> = { 'on-track': 0, 'moderate-progress': 0, 'stagnation-or-regression': 0, 'no-data': 0 };
  const openSdg: Record<OpenSdgProgressStatus, number> = { 'target-achieved': 0, 'on-track': 0, 'acceleration-needed': 0, 'limited-progress': 0, deterioration: 0, 'no-data': 0 };
  for (const r of report.rows) {
    un[r.evaluation?.un.category ?? 'no-data']++;
    openSdg[r.evaluation?.openSdg.status ?? 'no-data']++;
  }
  return { un, openSdg };
}
