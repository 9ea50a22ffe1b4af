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
  /** Which Cabinet Office form the plan reports on ('cabinet-office' when absent). */
  readonly sheetLayout?: SheetLayout;
  /** The plan's period number as the forms print it (第１期 = 1, Tsukuba's 第2期 = 2). */
  readonly periodOrdinal?: number;
  /** The reports (sheets) the secretariat has dated: one per reporting year and sheet. */
  readonly sheetReports?: readonly SheetReport[];
}

/**
 * The layout a plan's sheets follow. 'cabinet-office': the Cabinet Office's two forms, the
 * yearly SDGs未来都市等進捗評価シート and the period's 様式3-3 (Ichinoseki). 'result-report':
 * one SDGs未来都市進捗状況結果報告シート per period (Tsukuba, 2024年9月): the overview page
 * followed by the two KPI tables with 当初値｜当該年｜目標値 and the reflection column, the 総括
 * and the experts' evaluation.
 */
export type SheetLayout = 'cabinet-office' | 'result-report';
export const SHEET_LAYOUTS: readonly SheetLayout[] = ['cabinet-office', 'result-report'];

/** The sheets a city submits: the yearly progress sheet, 様式3-3, or a result report. */
export type SheetKind = 'progress' | 'summary' | 'report';
export const SHEET_KINDS: readonly SheetKind[] = ['progress', 'summary', 'report'];

/** The sheets a layout has, the default first. */
export function sheetKindsOf(layout: SheetLayout | undefined): readonly SheetKind[] {
  return layout === 'result-report' ? ['report'] : ['progress', 'summary'];
}

/**
 * One submitted (or to be submitted) sheet: its 作成年月 as the secretariat sets it, and the
 * published document it became, whose printed rates fix how each KPI's 達成度 is computed.
 */
export interface SheetReport {
  /** The reporting (fiscal) year the sheet reports on. */
  readonly year: number;
  readonly kind: SheetKind;
  /** 作成年月 printed on the sheet, YYYY-MM (JST calendar month). */
  readonly submittedOn: string;
  /** The source document the submitted sheet was published as, when it has been. */
  readonly documentId?: string;
}

export type NarrativeKind = 'summary' | 'results' | 'problems' | 'outlook' | 'expert-evaluation' | 'other';

export interface PlanNarrative {
  readonly kind: NarrativeKind;
  readonly title: string;
  readonly body: string;
  /** The reporting year the narrative belongs to, if any. */
  readonly year?: number;
  /** Where the forms print it; derived from its kind and title when absent ({@link narrativeSection}). */
  readonly section?: NarrativeSection;
}

/**
 * The places of the forms that print free text:
 * - `model-project`: the progress sheet's header field 自治体ＳＤＧｓモデル事業又は特に注力する先導的取組
 *   (empty for a city without one, as Ichinoseki's);
 * - `overview-title`: the title of the overview page, above the municipality (Ichinoseki's
 *   「未来を見つめ、世界が憧れるまち いちのせき」; without it the result report prints the plan's vision);
 * - `overview-1`, `overview-3` … `overview-8`: the overview page's numbered items (1.地域の特徴と課題及び目標 …
 *   8.他地域への展開状況; item 2 is the goals' icons);
 * - `vision-progress`: （５） of 全体計画（2030年のあるべき姿）, after the KPIs' commentaries (●行政内部の推進体制);
 * - `sdgs-cycle`: （２）自律的好循環の形成へ向けた制度の構築等; `sdgs-progress`: （３）, after the commentaries;
 * - `progress-expert`: （４）有識者からの取組に対する評価 of the progress sheet;
 * - `period-results`, `period-problems`, `period-outlook`: the bullets of the period's 総括;
 * - `period-expert`: 有識者からの取組に対する評価 of 様式3-3 or the result report.
 */
export type NarrativeSection =
  | 'model-project'
  | 'overview-title'
  | 'overview-1'
  | 'overview-3'
  | 'overview-4'
  | 'overview-5'
  | 'overview-6'
  | 'overview-7'
  | 'overview-8'
  | 'vision-progress'
  | 'sdgs-cycle'
  | 'sdgs-progress'
  | 'progress-expert'
  | 'period-results'
  | 'period-problems'
  | 'period-outlook'
  | 'period-expert';
export const NARRATIVE_SECTIONS: readonly NarrativeSection[] = [
  'model-project',
  'overview-title',
  'overview-1',
  'overview-3',
  'overview-4',
  'overview-5',
  'overview-6',
  'overview-7',
  'overview-8',
  'vision-progress',
  'sdgs-cycle',
  'sdgs-progress',
  'progress-expert',
  'period-results',
  'period-problems',
  'period-outlook',
  'period-expert',
];

/**
 * Where a narrative goes on the forms: its `section`, else from its kind and title: a title
 * numbered like the overview page's items (「1.地域の特徴…」「6. 取組成果：…」) goes to that item;
 * 特筆すべき事業内容・成果 / 課題 / 今後の展望 to the period's 総括; an expert evaluation to
 * 様式3-3 when its title names it, else to the progress sheet. Null: printed nowhere.
 */
export function narrativeSection(n: Pick<PlanNarrative, 'kind' | 'title' | 'section'>): NarrativeSection | null {
  if (n.section) return n.section;
  const numbered = /^\s*([1-8])\s*[.．]/.exec(n.title);
  if (numbered && numbered[1] !== '2') return `overview-${numbered[1]}` as NarrativeSection;
  switch (n.kind) {
    case 'results':
      return 'period-results';
    case 'problems':
      return 'period-problems';
    case 'outlook':
      return 'period-outlook';
    case 'expert-evaluation':
      return /様式\s*3-3|様式３－３/.test(n.title) ? 'period-expert' : 'progress-expert';
    default:
      return null;
  }
}

/** Every node of a tree, depth-first, with its depth and ancestors' ids. */
export function* walkPlanNodes<N extends { readonly id: string; readonly children: readonly N[] } = PlanNode>(nodes: readonly N[], depth = 0, path: readonly string[] = []): Generator<{ node: N; depth: number; path: readonly string[] }> {
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

/**
 * The first cycle of parent plans among `plans` (a plan that is its own parent, or 基本構想 →
 * 基本計画 → 基本構想), as the ids along it with the first repeated at the end
 * (`['a', 'b', 'a']`), or null when the parent links form a forest. Parents outside the list are
 * ignored (an unknown parent is a separate problem). Every way plans are stored refuses a cycle:
 * a plan cannot sit below itself, as a node cannot.
 */
export function findParentPlanCycle(plans: readonly { readonly id: string; readonly parentPlanId?: string | null | undefined }[]): readonly string[] | null {
  const parentOf = new Map(plans.map((p) => [p.id, p.parentPlanId ?? null]));
  const cleared = new Set<string>();
  for (const start of plans) {
    const path: string[] = [];
    const onPath = new Set<string>();
    for (let id: string | null = start.id; id !== null && parentOf.has(id) && !cleared.has(id); id = parentOf.get(id) ?? null) {
      if (onPath.has(id)) return [...path.slice(path.indexOf(id)), id];
      onPath.add(id);
      path.push(id);
    }
    for (const id of path) cleared.add(id);
  }
  return null;
}
