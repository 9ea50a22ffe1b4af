import { fmt, type CalculationRecord } from '../kpi/calculation-record.ts';
import type { KpiStatus } from '../kpi/status.ts';
import type { PlanNode } from './plan.ts';
import type { BilingualText } from '../bilingual.ts';

/** One KPI's contribution to its node: its progress and where the straight line says it should be. */
export interface KpiProgress {
  readonly status: KpiStatus;
  /** Progress from the baseline in percent (or the KPI's rate); null without data. */
  readonly progress: number | null;
  /** Where the straight line from baseline to target stands at the actual's time, in percent. */
  readonly expectedProgress: number | null;
}

/**
 * One direct part of a node as the roll-up counted it: a KPI row or a child node, with its
 * weight, its status and its progress as used (capped at 100 %, floored at 0 %). A part without
 * data, or a KPI row the plan cannot evaluate (no such KPI, no target: not applicable), is
 * listed with `counted: false` and has no weight in the result.
 */
export interface RollupPart {
  readonly kind: 'kpi' | 'node';
  /** The KPI id or the child node id. */
  readonly id: string;
  readonly targetId?: string;
  readonly weight: number;
  readonly status: KpiStatus | 'not-applicable';
  /** Progress as counted, in percent within 0–100; null when the part is left out. */
  readonly progress: number | null;
  readonly expectedProgress: number | null;
  readonly counted: boolean;
}

/** A plan node's progress, computed from its direct KPI rows and child nodes. */
export interface NodeRollup {
  readonly nodeId: string;
  readonly status: KpiStatus;
  /** Weighted mean of the counted direct parts' progress, each capped at 100 % and floored at 0 %. */
  readonly progress: number | null;
  readonly expectedProgress: number | null;
  /** Statuses of every KPI row in the node and below it (for the summary line; not the rule's input). */
  readonly counts: Readonly<Record<KpiStatus, number>>;
  /** The direct parts the rule was applied to, in plan order: KPI rows first, then child nodes. */
  readonly parts: readonly RollupPart[];
  /** Sum of the weights of the parts that are `worsening`. */
  readonly worseningWeight: number;
  /** Sum of the weights of the counted parts. */
  readonly totalWeight: number;
  readonly children: readonly NodeRollup[];
  readonly record: CalculationRecord;
}

/** The thresholds of the roll-up rule: progress is capped and floored, and half the weight worsening makes the node worsening. */
export const ROLLUP_RULE = { cap: 100, floor: 0, worseningShare: 0.5 } as const;

const emptyCounts = (): Record<KpiStatus, number> => ({ achieved: 0, 'on-track': 0, behind: 0, worsening: 0, missed: 0, 'no-data': 0 });

/**
 * Rolls KPI progress up the plan tree so a goal or a policy has a status too. The rule works
 * on a node's **direct** parts only (its own KPI rows and its child nodes, each child counted
 * once by its own rolled-up result), so a citizen can redo it from what the page shows:
 *
 * 1. Parts without data (status no-data) and KPI rows that cannot be evaluated (not applicable)
 *    are left out; they neither help nor drag the node down.
 * 2. Each counted part has a weight: a KPI row its plan weight (default 1), a child node 1.
 * 3. progress = Σ weight × min(100, max(0, part progress)) / Σ weight, and the same for the
 *    straight-line expectation. Capping keeps one over-achiever from hiding others; flooring
 *    counts a worsening part as no progress rather than below zero (its status still shows).
 * 4. Status, first that holds: no data (nothing counted); achieved (progress 100 %, i.e. every
 *    counted part achieved); worsening (worsening parts hold at least half the counted weight);
 *    on track (progress ≥ expected); behind.
 *
 * A child node that is worsening counts as one worsening part of its parent, however many
 * worsening KPIs it holds: a goal with 3 KPIs at 90 % and one policy whose 2 KPIs worsen has
 * 1 of 4 parts worsening and is on track (issue 10.9, spreadsheet case 20).
 */
export function rollupNode(node: PlanNode, kpiProgress: (kpiId: string, targetId?: string) => KpiProgress | undefined): NodeRollup {
  const children = node.children.map((c) => rollupNode(c, kpiProgress));
  const counts = emptyCounts();
  const parts: RollupPart[] = [];
  for (const row of node.kpiRows) {
    const p = kpiProgress(row.kpiId, row.targetId);
    const weight = row.weight ?? 1;
    const base = { kind: 'kpi' as const, id: row.kpiId, ...(row.targetId !== undefined && { targetId: row.targetId }), weight };
    if (!p) {
      parts.push({ ...base, status: 'not-applicable', progress: null, expectedProgress: null, counted: false });
      continue;
    }
    counts[p.status]++;
    const counted = p.status !== 'no-data' && p.progress !== null && p.expectedProgress !== null && weight > 0;
    parts.push({ ...base, status: p.status, progress: counted ? clamp(p.progress!) : null, expectedProgress: counted ? clamp(p.expectedProgress!) : null, counted });
  }
  for (const c of children) {
    for (const s of Object.keys(counts) as KpiStatus[]) counts[s] += c.counts[s];
    const counted = c.status !== 'no-data' && c.progress !== null && c.expectedProgress !== null;
    parts.push({ kind: 'node', id: c.nodeId, weight: 1, status: c.status, progress: counted ? c.progress : null, expectedProgress: counted ? c.expectedProgress : null, counted });
  }
  const used = parts.filter((p) => p.counted);
  const total = used.reduce((s, p) => s + p.weight, 0);
  const progress = total === 0 ? null : used.reduce((s, p) => s + p.weight * p.progress!, 0) / total;
  const expected = total === 0 ? null : used.reduce((s, p) => s + p.weight * p.expectedProgress!, 0) / total;
  const worseningWeight = used.filter((p) => p.status === 'worsening').reduce((s, p) => s + p.weight, 0);
  let status: KpiStatus;
  if (progress === null || expected === null) status = 'no-data';
  else if (progress >= ROLLUP_RULE.cap - 1e-9) status = 'achieved';
  else if (worseningWeight > 0 && worseningWeight >= total * ROLLUP_RULE.worseningShare - 1e-9) status = 'worsening';
  else if (progress >= expected - 1e-9) status = 'on-track';
  else status = 'behind';
  return {
    nodeId: node.id,
    status,
    progress,
    expectedProgress: expected,
    counts,
    parts,
    worseningWeight,
    totalWeight: total,
    children,
    record: {
      method: 'direct-parts-weighted-mean',
      inputs: { parts: used.length, leftOut: parts.length - used.length, totalWeight: total },
      intermediate: { progress, expectedProgress: expected, worseningWeight },
      thresholds: { cap: ROLLUP_RULE.cap, floor: ROLLUP_RULE.floor, worseningShare: ROLLUP_RULE.worseningShare },
      explanation: explainRollup({ parts, progress, expectedProgress: expected, worseningWeight, totalWeight: total }),
    },
  };
}

/**
 * How a node's roll-up came about, in both languages (its record's explanation): the parts
 * counted, the weighted mean against the straight-line expectation, the worsening weight and the
 * parts left out. A function of the roll-up's own figures, so a roll-up kept without its record
 * (the plan page's summary) explains itself the same way.
 */
export function explainRollup(r: Pick<NodeRollup, 'parts' | 'progress' | 'expectedProgress' | 'worseningWeight' | 'totalWeight'>): BilingualText {
  const { progress, expectedProgress: expected, worseningWeight, totalWeight: total } = r;
  const used = r.parts.filter((p) => p.counted);
  const left = r.parts.length - used.length;
  const weighted = used.some((p) => p.weight !== 1);
  return {
    ja:
      progress === null
        ? 'データのある直下の指標・施策がありません。'
        : `直下の ${used.length} 件（指標と下位の施策、各100%上限・0%下限${weighted ? '、重み付き' : ''}）の加重平均 ${fmt(progress)}%、直線上の想定 ${fmt(expected)}%。悪化の重み ${fmt(worseningWeight)} / ${fmt(total)}（半分以上なら「悪化」）。${left > 0 ? `データなし・対象外の ${left} 件は除外。` : ''}`,
    en:
      progress === null
        ? 'No direct KPI or child node has data.'
        : `Weighted mean of ${used.length} direct parts (KPIs and child nodes, each capped at 100%, floored at 0%${weighted ? ', weighted' : ''}): ${fmt(progress)}%, against ${fmt(expected)}% expected on the straight line. Worsening weight ${fmt(worseningWeight)} of ${fmt(total)} (half or more makes it worsening).${left > 0 ? ` ${left} part(s) without data or not applicable left out.` : ''}`,
  };
}

function clamp(x: number): number {
  return Math.min(ROLLUP_RULE.cap, Math.max(ROLLUP_RULE.floor, x));
}
