import type { Kpi } from '../core/kpi/kpi.ts';
import type { Plan, PlanKind, PlanNodeKind } from '../core/plan/plan.ts';
import { walkPlanNodes } from '../core/plan/plan.ts';
import { formatTimePointIso, formatTimePointJa } from '../core/time/time-point.ts';

/*
 * A plan version as it stood (issue 13.6): what a 新旧対照表 compares. Built from the plan and
 * its KPIs as loaded, stored as JSON in `plan_snapshots` (append-only) when the secretariat
 * records a version (策定 or 改訂). Pure: no I/O.
 */

/** A node of a snapshot, in tree order, with its parent's id and the printed path of codes. */
export interface SnapshotNode {
  readonly id: string;
  readonly parentId: string | null;
  readonly depth: number;
  readonly kind: PlanNodeKind;
  readonly code: string | null;
  readonly title: string;
  readonly titleEn: string | null;
  readonly description: string | null;
}

/** A target of a snapshot KPI: ISO time point, the label as printed (2025年度), value and decimals. */
export interface SnapshotTarget {
  readonly id: string;
  readonly at: string;
  readonly atLabel: string;
  readonly value: number;
  readonly decimals: number | null;
  /** Decided revisions (上方修正 …) recorded by then, oldest first. */
  readonly revisions: readonly { readonly oldValue: number; readonly newValue: number; readonly reason: string; readonly revisedOn: string }[];
}

/** A KPI as a row of the plan in a snapshot (a KPI in two nodes appears once per node). */
export interface SnapshotKpi {
  readonly id: string;
  readonly nodeId: string;
  readonly no: string | null;
  readonly name: string;
  readonly unit: string;
  readonly baseline: { readonly at: string; readonly atLabel: string; readonly value: number; readonly decimals: number | null };
  readonly targets: readonly SnapshotTarget[];
}

/** A plan version: head, tree and KPI rows as they stood. */
export interface PlanSnapshot {
  readonly plan: {
    readonly id: string;
    readonly kind: PlanKind;
    readonly title: string;
    readonly titleEn: string | null;
    readonly periodStart: number;
    readonly periodEnd: number;
    readonly vision: string | null;
  };
  readonly nodes: readonly SnapshotNode[];
  readonly kpis: readonly SnapshotKpi[];
}

/** The snapshot of a plan with the city's KPIs (rows whose KPI is not among them are left out). */
export function snapshotOfPlan(plan: Plan, kpis: readonly Kpi[]): PlanSnapshot {
  const byId = new Map(kpis.map((k) => [k.id, k]));
  const nodes: SnapshotNode[] = [];
  const rows: SnapshotKpi[] = [];
  for (const { node, depth, path } of walkPlanNodes(plan.nodes)) {
    nodes.push({ id: node.id, parentId: path.at(-1) ?? null, depth, kind: node.kind, code: node.code ?? null, title: node.title, titleEn: node.titleEn ?? null, description: node.description ?? null });
    for (const row of node.kpiRows) {
      const kpi = byId.get(row.kpiId);
      if (!kpi) continue;
      rows.push({
        id: kpi.id,
        nodeId: node.id,
        no: row.no ?? null,
        name: kpi.name,
        unit: kpi.unit,
        baseline: { at: formatTimePointIso(kpi.baseline.at), atLabel: formatTimePointJa(kpi.baseline.at), value: kpi.baseline.value, decimals: kpi.baseline.decimals ?? null },
        targets: kpi.targets.map((t) => ({
          id: t.id,
          at: formatTimePointIso(t.at),
          atLabel: formatTimePointJa(t.at),
          value: t.value,
          decimals: t.decimals ?? null,
          revisions: t.revisions.map((r) => ({ oldValue: r.oldValue, newValue: r.newValue, reason: r.reason, revisedOn: r.revisedOn })),
        })),
      });
    }
  }
  return {
    plan: { id: plan.id, kind: plan.kind, title: plan.title, titleEn: plan.titleEn ?? null, periodStart: plan.periodStart, periodEnd: plan.periodEnd, vision: plan.vision ?? null },
    nodes,
    kpis: rows,
  };
}
