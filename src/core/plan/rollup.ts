import { fmt, type CalculationRecord } from '../kpi/calculation-record.ts';
import type { KpiStatus } from '../kpi/status.ts';
import type { PlanNode } from './plan.ts';

/** One KPI's contribution to its node: its progress and where the straight line says it should be. */
export interface KpiProgress {
  readonly status: KpiStatus;
  /** Progress from the baseline in percent (or the KPI's rate); null without data. */
  readonly progress: number | null;
  /** Where the straight line from baseline to target stands at the actual's time, in percent. */
  readonly expectedProgress: number | null;
}

/** A plan node's progress, computed from its KPIs and child nodes. */
export interface NodeRollup {
  readonly nodeId: string;
  readonly status: KpiStatus;
  /** Weighted mean of the children's progress, each capped at 100 % (and floored at 0 %). */
  readonly progress: number | null;
  readonly expectedProgress: number | null;
  readonly counts: Readonly<Record<KpiStatus, number>>;
  readonly children: readonly NodeRollup[];
  readonly record: CalculationRecord;
}

const emptyCounts = (): Record<KpiStatus, number> => ({ achieved: 0, 'on-track': 0, behind: 0, worsening: 0, 'no-data': 0 });

/**
 * Rolls KPI progress up the plan tree so a goal or a policy has a status too. Each child (a
 * KPI row or a child node) counts with its weight (default 1); its progress is capped at
 * 100 % so one over-achieved KPI cannot hide others, and floored at 0 % so one worsening KPI
 * counts as no progress rather than dragging the node below zero (its status still shows).
 */
export function rollupNode(node: PlanNode, kpiProgress: (kpiId: string, targetId?: string) => KpiProgress | undefined): NodeRollup {
  const children = node.children.map((c) => rollupNode(c, kpiProgress));
  const counts = emptyCounts();
  const parts: { weight: number; progress: number; expected: number }[] = [];
  for (const row of node.kpiRows) {
    const p = kpiProgress(row.kpiId, row.targetId);
    if (!p) continue;
    counts[p.status]++;
    if (p.progress !== null && p.expectedProgress !== null) parts.push({ weight: row.weight ?? 1, progress: clamp(p.progress), expected: clamp(p.expectedProgress) });
  }
  for (const c of children) {
    for (const s of Object.keys(counts) as KpiStatus[]) counts[s] += c.counts[s];
    if (c.progress !== null && c.expectedProgress !== null) parts.push({ weight: 1, progress: c.progress, expected: c.expectedProgress });
  }
  const total = parts.reduce((s, p) => s + p.weight, 0);
  const progress = total === 0 ? null : parts.reduce((s, p) => s + p.weight * p.progress, 0) / total;
  const expected = total === 0 ? null : parts.reduce((s, p) => s + p.weight * p.expected, 0) / total;
  let status: KpiStatus;
  if (progress === null || expected === null) status = 'no-data';
  else if (progress >= 100 - 1e-9) status = 'achieved';
  else if (counts.worsening > 0 && counts.worsening * 2 >= parts.length) status = 'worsening';
  else if (progress >= expected - 1e-9) status = 'on-track';
  else status = 'behind';
  return {
    nodeId: node.id,
    status,
    progress,
    expectedProgress: expected,
    counts,
    children,
    record: {
      method: 'weighted-mean-capped',
      inputs: { parts: parts.length, totalWeight: total },
      intermediate: { progress, expectedProgress: expected, worsening: counts.worsening },
      thresholds: { cap: 100, floor: 0 },
      explanation: {
        ja: progress === null ? 'データのある指標がありません。' : `配下 ${parts.length} 件の進捗（各100%上限・0%下限）の加重平均 ${fmt(progress)}%、直線上の想定 ${fmt(expected)}%。半数以上が悪化なら「悪化」。`,
        en: progress === null ? 'No KPI below has data.' : `Weighted mean of ${parts.length} parts (each capped at 100%, floored at 0%): ${fmt(progress)}%, against ${fmt(expected)}% expected on the straight line. Half or more worsening makes it worsening.`,
      },
    },
  };
}

function clamp(x: number): number {
  return Math.min(100, Math.max(0, x));
}
