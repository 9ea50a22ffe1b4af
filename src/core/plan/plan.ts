/**
 * The kinds of plan a municipality steers by: the comprehensive plan's basic concept (基本構想),
 * basic plan (基本計画), implementation plan (実施計画), the SDGs Future City plan
 * (SDGs未来都市計画), and anything else.
 */
export type PlanKind = 'basic-concept' | 'basic-plan' | 'implementation-plan' | 'sdgs-future-city' | 'other';
export const PLAN_KINDS: readonly PlanKind[] = ['basic-concept', 'basic-plan', 'implementation-plan', 'sdgs-future-city', 'other'];

/** A version of a plan: its adoption (策定) or a revision (改訂). */
export interface PlanVersion {
  readonly label: string;
  readonly kind: 'adopted' | 'revised';
  /** ISO date or year-month (YYYY-MM or YYYY-MM-DD). */
  readonly date: string;
  readonly note?: string;
}

/**
 * What a node of the plan tree is. Free-form in data (cities name their levels differently),
 * these are the common ones: 目標 goal, 施策 policy, 取組 initiative, 事業 project.
 */
export type PlanNodeKind = 'vision' | 'principle' | 'goal' | 'direction' | 'policy' | 'initiative' | 'project' | 'section';

/** A node of the plan tree, with its children and the KPI rows attached to it. */
export interface PlanNode {
  readonly id: string;
  readonly kind: PlanNodeKind;
  /** As printed: "1", "1-1", "③Ⅱ". */
  readonly code?: string;
  readonly title: string;
  readonly titleEn?: string;
  readonly description?: string;
  readonly children: readonly PlanNode[];
  readonly kpiRows: readonly PlanKpiRow[];
}

/**
 * A KPI as one row of a plan: one KPI may be a row of several plans (Ichinoseki shares KPIs
 * between its SDGs plan and its comprehensive plan) and of two tables of one plan with
 * different targets.
 */
export interface PlanKpiRow {
  readonly kpiId: string;
  /** The row number as printed (No). */
  readonly no?: string;
  /** The target this row measures against; the KPI's first target when absent. */
  readonly targetId?: string;
  readonly weight?: number;
  /** Commentary on progress and problems (進捗状況や課題). */
  readonly commentary?: string;
  /** 次期計画のKPIへの反映状況. */
  readonly reflection?: string;
}

/** A plan: comprehensive, SDGs Future City, ... with its tree. */
export interface Plan {
  readonly id: string;
  readonly cityId: string;
  readonly kind: PlanKind;
  readonly title: string;
  readonly titleEn?: string;
  readonly periodStart: number;
  readonly periodEnd: number;
  readonly parentPlanId?: string;
  readonly vision?: string;
  readonly versions: readonly PlanVersion[];
  readonly nodes: readonly PlanNode[];
  /** Free sections as in the sheets: 特筆すべき事業内容・成果, 課題, 今後の展望, 有識者からの評価. */
  readonly narratives: readonly PlanNarrative[];
}

export type NarrativeKind = 'summary' | 'results' | 'problems' | 'outlook' | 'expert-evaluation' | 'other';

export interface PlanNarrative {
  readonly kind: NarrativeKind;
  readonly title: string;
  readonly body: string;
  /** The reporting year the narrative belongs to, if any. */
  readonly year?: number;
}

/** Every node of a tree, depth-first, with its depth and ancestors' ids. */
export function* walkPlanNodes(nodes: readonly PlanNode[], depth = 0, path: readonly string[] = []): Generator<{ node: PlanNode; depth: number; path: readonly string[] }> {
  for (const node of nodes) {
    yield { node, depth, path };
    yield* walkPlanNodes(node.children, depth + 1, [...path, node.id]);
  }
}

/** Every KPI row of a plan in tree order. */
export function planKpiRows(plan: Pick<Plan, 'nodes'>): { node: PlanNode; row: PlanKpiRow }[] {
  const out: { node: PlanNode; row: PlanKpiRow }[] = [];
  for (const { node } of walkPlanNodes(plan.nodes)) for (const row of node.kpiRows) out.push({ node, row });
  return out;
}
