import type { PlanSnapshot, SnapshotKpi, SnapshotNode, SnapshotTarget } from './plan-snapshot.ts';

/*
 * The 新旧対照表 (old / new comparison table) of two versions of a plan (issue 13.6): what the
 * Cabinet Office asks for with a revised plan. Pure: compares two snapshots and lists, in the
 * plan's order, the head's changes, node text changes, nodes added or removed, KPIs added or
 * removed, and changed baselines and targets with the reasons recorded for them.
 */

/** What a row of the table is about. */
export type PlanDiffKind = 'plan' | 'node-added' | 'node-removed' | 'node-changed' | 'kpi-added' | 'kpi-removed' | 'kpi-changed' | 'target-added' | 'target-removed' | 'target-changed';

/** One row of the 新旧対照表: where, the old text (旧), the new text (新), and why. */
export interface PlanDiffRow {
  readonly kind: PlanDiffKind;
  /** Where in the plan: the node path (codes and titles) or the KPI's name. */
  readonly where: string;
  /** What changed there (計画名, 名称, 説明, 目標値 2025年度 …). */
  readonly field: string;
  /** The old text; empty when added. */
  readonly old: string;
  /** The new text; empty when removed. */
  readonly new: string;
  /** The recorded reason: the target revision's (上方修正 …) or else the version's. */
  readonly reason: string;
}

/** One version as the table names it. */
export interface DiffVersion {
  readonly number: number;
  readonly label: string;
  readonly date: string;
  readonly reason: string | null;
  readonly snapshot: PlanSnapshot;
}

/** The labels of the fields, in the document's language (from the message catalog). */
export interface DiffLabels {
  readonly title: string;
  readonly titleEn: string;
  readonly period: string;
  readonly vision: string;
  readonly kind: string;
  readonly nodeTitle: string;
  readonly nodeCode: string;
  readonly nodeDescription: string;
  readonly node: string;
  readonly kpi: string;
  readonly kpiName: string;
  readonly unit: string;
  readonly baseline: string;
  /** "目標値（{at}）". */
  readonly target: (atLabel: string) => string;
  readonly placement: string;
}

/** A 新旧対照表: the two versions and the rows; no rows means the versions are the same. */
export interface PlanDiff {
  readonly from: Omit<DiffVersion, 'snapshot'>;
  readonly to: Omit<DiffVersion, 'snapshot'>;
  readonly planTitle: string;
  readonly rows: readonly PlanDiffRow[];
}

/** A figure as printed, with its decimals (13 → "13", 47.40 with 2 → "47.40") and thousands separators. */
export function printFigure(value: number, decimals: number | null): string {
  return value.toLocaleString('ja-JP', { minimumFractionDigits: decimals ?? 0, maximumFractionDigits: decimals ?? 20 });
}

function nodePath(nodes: ReadonlyMap<string, SnapshotNode>, id: string): string {
  const parts: string[] = [];
  for (let n = nodes.get(id); n; n = n.parentId ? nodes.get(n.parentId) : undefined) parts.unshift(`${n.code ? `${n.code} ` : ''}${n.title}`);
  return parts.join(' ＞ ');
}

const figure = (v: { value: number; decimals: number | null }, unit: string) => `${printFigure(v.value, v.decimals)} ${unit}`.trim();

/** Compares two versions of a plan into the rows of its 新旧対照表. */
export function diffPlanVersions(from: DiffVersion, to: DiffVersion, labels: DiffLabels): PlanDiff {
  const a = from.snapshot;
  const b = to.snapshot;
  const versionReason = to.reason ?? '';
  const rows: PlanDiffRow[] = [];
  const push = (kind: PlanDiffKind, where: string, field: string, old: string, next: string, reason = versionReason) => {
    if (old !== next) rows.push({ kind, where, field, old, new: next, reason });
  };
  // The head.
  const headWhere = b.plan.title;
  push('plan', headWhere, labels.title, a.plan.title, b.plan.title);
  push('plan', headWhere, labels.titleEn, a.plan.titleEn ?? '', b.plan.titleEn ?? '');
  push('plan', headWhere, labels.period, `${a.plan.periodStart}–${a.plan.periodEnd}`, `${b.plan.periodStart}–${b.plan.periodEnd}`);
  push('plan', headWhere, labels.vision, a.plan.vision ?? '', b.plan.vision ?? '');
  // Nodes, in the new tree's order, then the removed ones in the old order.
  const oldNodes = new Map(a.nodes.map((n) => [n.id, n]));
  const newNodes = new Map(b.nodes.map((n) => [n.id, n]));
  for (const n of b.nodes) {
    const where = nodePath(newNodes, n.id);
    const o = oldNodes.get(n.id);
    if (!o) {
      rows.push({ kind: 'node-added', where, field: labels.node, old: '', new: `${n.code ? `${n.code} ` : ''}${n.title}${n.description ? `\n${n.description}` : ''}`, reason: versionReason });
      continue;
    }
    push('node-changed', where, labels.nodeCode, o.code ?? '', n.code ?? '');
    push('node-changed', where, labels.nodeTitle, o.title, n.title);
    push('node-changed', where, labels.nodeDescription, o.description ?? '', n.description ?? '');
    if ((o.parentId ?? '') !== (n.parentId ?? '')) push('node-changed', where, labels.placement, nodePath(oldNodes, o.parentId ?? '') || '—', nodePath(newNodes, n.parentId ?? '') || '—');
  }
  for (const o of a.nodes) if (!newNodes.has(o.id)) rows.push({ kind: 'node-removed', where: nodePath(oldNodes, o.id), field: labels.node, old: `${o.code ? `${o.code} ` : ''}${o.title}`, new: '', reason: versionReason });
  // KPIs: a KPI is in the plan when some node has it as a row.
  const rowKey = (k: SnapshotKpi) => k.id;
  const oldKpis = firstRows(a.kpis);
  const newKpis = firstRows(b.kpis);
  const kpiLine = (k: SnapshotKpi, nodes: ReadonlyMap<string, SnapshotNode>) =>
    [`${k.no ? `${k.no}. ` : ''}${k.name}`, `${labels.baseline}：${figure(k.baseline, k.unit)}（${k.baseline.atLabel}）`, ...k.targets.map((t) => `${labels.target(t.atLabel)}：${figure(t, k.unit)}`), `${labels.node}：${nodePath(nodes, k.nodeId)}`].join('\n');
  for (const k of b.kpis) {
    if (newKpis.get(rowKey(k)) !== k) continue;
    const o = oldKpis.get(k.id);
    if (!o) {
      rows.push({ kind: 'kpi-added', where: k.name, field: labels.kpi, old: '', new: kpiLine(k, newNodes), reason: versionReason });
      continue;
    }
    push('kpi-changed', k.name, labels.kpiName, o.name, k.name);
    push('kpi-changed', k.name, labels.unit, o.unit, k.unit);
    push('kpi-changed', k.name, labels.baseline, `${figure(o.baseline, o.unit)}（${o.baseline.atLabel}）`, `${figure(k.baseline, k.unit)}（${k.baseline.atLabel}）`);
    push('kpi-changed', k.name, labels.placement, nodePath(oldNodes, o.nodeId), nodePath(newNodes, k.nodeId));
    const oldTargets = new Map(o.targets.map((t) => [t.id, t]));
    const newTargets = new Set(k.targets.map((t) => t.id));
    for (const t of k.targets) {
      const ot = oldTargets.get(t.id);
      if (!ot) {
        rows.push({ kind: 'target-added', where: k.name, field: labels.target(t.atLabel), old: '', new: figure(t, k.unit), reason: versionReason });
        continue;
      }
      const oldText = `${figure(ot, o.unit)}（${ot.atLabel}）`;
      const newText = `${figure(t, k.unit)}（${t.atLabel}）`;
      if (oldText !== newText) rows.push({ kind: 'target-changed', where: k.name, field: labels.target(t.atLabel), old: oldText, new: newText, reason: revisionReason(ot, t) ?? versionReason });
    }
    for (const ot of o.targets) if (!newTargets.has(ot.id)) rows.push({ kind: 'target-removed', where: k.name, field: labels.target(ot.atLabel), old: figure(ot, o.unit), new: '', reason: versionReason });
  }
  for (const o of a.kpis) if (oldKpis.get(o.id) === o && !newKpis.has(o.id)) rows.push({ kind: 'kpi-removed', where: o.name, field: labels.kpi, old: kpiLine(o, oldNodes), new: '', reason: versionReason });
  const strip = (v: DiffVersion) => ({ number: v.number, label: v.label, date: v.date, reason: v.reason });
  return { from: strip(from), to: strip(to), planTitle: b.plan.title, rows };
}

/** The first row of each KPI (a KPI listed in two nodes of one plan is compared once). */
function firstRows(kpis: readonly SnapshotKpi[]): Map<string, SnapshotKpi> {
  const out = new Map<string, SnapshotKpi>();
  for (const k of kpis) if (!out.has(k.id)) out.set(k.id, k);
  return out;
}

/** The reasons of the revisions decided between two states of a target (上方修正 …), or null when none was recorded. */
function revisionReason(before: SnapshotTarget, after: SnapshotTarget): string | null {
  const known = new Set(before.revisions.map((r) => `${r.revisedOn}|${r.newValue}|${r.reason}`));
  const added = after.revisions.filter((r) => !known.has(`${r.revisedOn}|${r.newValue}|${r.reason}`));
  return added.length > 0 ? added.map((r) => `${r.reason}（${r.revisedOn}）`).join('／') : null;
}
