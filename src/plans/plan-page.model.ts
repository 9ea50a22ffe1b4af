import { memoized } from '../cities/city-view-memo.ts';
import { summarizeCity } from '../cities/city-summary.service.ts';
import type { City, CityData, StatusOverride } from '../core/city/city.ts';
import type { ForecastVerdict } from '../core/kpi/forecast.ts';
import type { OpenSdgProgressStatus, UnProgressCategory } from '../core/kpi/international-assessment.ts';
import type { KpiSide } from '../core/kpi/kpi.ts';
import type { KpiStatus } from '../core/kpi/status.ts';
import type { Plan, PlanNode } from '../core/plan/plan.ts';
import type { NodeRollup, RollupPart } from '../core/plan/rollup.ts';
import type { TimePoint } from '../core/time/time-point.ts';
import type { DataTable } from '../formats/csv/write-csv.ts';
import { kpiRow } from '../open-data/open-data.service.ts';
import { walkPlanNodes } from '../core/plan/plan.ts';
import { buildPlanReport, internationalSummary, planRollup, type InternationalSummary, type PlanReport } from './plan-report.service.ts';

/**
 * The public plan page (`/cities/:city/plans/:plan`, its filters, `?node=` pages, CSV and JSON)
 * as plain data (issue 11): what {@link buildPlanReport} computes from the whole city, reduced to
 * the facts the page, its filters, the international summary, the roll-up rules and the
 * downloads read. {@link planPageModelOf} builds it from a city's public data; the summaries keep
 * it as JSON per plan (`plan_page_summaries.model_json`, rebuilt on every write with the city's
 * other summaries), so a page of a city the store does not hold reads one row instead of loading
 * and evaluating the city. Both paths hand the same model to one view (web/views/plan.view.tsx),
 * filter (plan-filter.service.ts) and table (open-data.service.ts planPageTable), so they serve
 * the same bytes. Only JSON values: no `undefined` fields, no class instances, no shared objects.
 */
export interface PlanPageModel {
  readonly city: City;
  /** Years with data not yet published (absent when none), as the public view has them. */
  readonly unpublishedYears?: readonly number[];
  readonly plan: PlanPagePlan;
  /** The plan's KPI rows in tree order (rows naming a KPI the public does not see are left out). */
  readonly rows: readonly PlanPageRow[];
  /** Every node's roll-up, in tree order. */
  readonly rollups: readonly PlanPageRollup[];
  /** The plan's overall roll-up (its top-level nodes as parts). */
  readonly overall: PlanPageRollup;
}

/** A plan as its page shows it: texts, tree and narratives (expert evaluations among them). */
export interface PlanPagePlan extends Pick<Plan, 'id' | 'kind' | 'title' | 'titleEn' | 'periodStart' | 'periodEnd' | 'vision' | 'sheetLayout' | 'narratives'> {
  readonly nodes: readonly PlanPageNode[];
}

/** A node of the plan tree as the page shows it (its KPI rows are the {@link PlanPageRow}s naming it). */
export interface PlanPageNode extends Pick<PlanNode, 'id' | 'code' | 'title' | 'titleEn' | 'description'> {
  readonly children: readonly PlanPageNode[];
}

/** A figure with its time point: a baseline, an actual or a target as printed. */
export interface PlanPageFigure {
  readonly value: number;
  readonly decimals?: number;
  readonly at: TimePoint;
}

/** A KPI as a row of the plan page shows it and filters it (a KPI of the page's city). */
export interface PlanPageKpi {
  readonly id: string;
  readonly name: string;
  readonly nameEn?: string;
  readonly unit: string;
  readonly baseline: PlanPageFigure;
  readonly sdgTargets: readonly string[];
  readonly side: KpiSide;
}

/**
 * A KPI row's evaluation as the page shows it (the fields of core/kpi/kpi-evaluation.ts
 * `KpiEvaluation` it reads, in the same places): latest actual, target, 達成度, status, forecast
 * and the international methods' verdicts.
 */
export interface PlanPageEvaluation {
  readonly latest?: PlanPageFigure;
  readonly target: PlanPageFigure;
  readonly status: { readonly status: KpiStatus; readonly achievement: { readonly rate: number | null; readonly displayRate: number | null } | null };
  readonly forecast: { readonly verdict: ForecastVerdict };
  readonly un: { readonly category: UnProgressCategory };
  readonly openSdg: { readonly status: OpenSdgProgressStatus };
}

/** One KPI row of the plan: where it sits, its number as printed, its KPI evaluated against the row's target. */
export interface PlanPageRow {
  readonly nodeId: string;
  readonly no?: string;
  /** The target the row measures against, when it names one (else the KPI's chosen target). */
  readonly targetId?: string;
  readonly kpi: PlanPageKpi;
  /** Null when the KPI has no target to be evaluated against. */
  readonly evaluation: PlanPageEvaluation | null;
  /** The status the secretariat set, shown beside the computed one (filters and counts keep the computed one). */
  readonly override?: StatusOverride;
}

/** A node's roll-up (core/plan/rollup.ts `NodeRollup` without its children and record: `explainRollup` explains it from these figures). */
export type PlanPageRollup = Omit<NodeRollup, 'children' | 'record'>;

/**
 * A plan page shows every KPI table while the plan (as filtered) has at most this many KPI rows;
 * above it (a generated 272-KPI plan made a 352 kB page that nobody reads through), each
 * top-level node's KPI tables move to a page of their own (`?node=<id>`): the plan page keeps the
 * summary, every node's status, roll-up rule and an outline of the nodes below it, each linking
 * to its table (web/views/plan.view.tsx).
 */
export const PLAN_ROWS_ON_ONE_PAGE = 100;

/** Whether a plan page folds its KPI tables by top-level node (see {@link PLAN_ROWS_ON_ONE_PAGE}). */
export function plansFolded(page: { readonly rowCount: number } | { readonly rows: readonly unknown[] }): boolean {
  return ('rowCount' in page ? page.rowCount : page.rows.length) > PLAN_ROWS_ON_ONE_PAGE;
}

/**
 * What a folded plan page reads of its model ({@link planPageOutlineOf}): everything but the KPI
 * rows and the roll-ups below the top-level nodes, which only its `?node=` pages, filters and
 * downloads show. The summaries keep it beside the model (`plan_page_summaries.outline_json`, for
 * folded plans), so the most requested page of a large plan parses some kB instead of the
 * model's 126 kB (issue 11.5). Only JSON values, as the model.
 */
export interface PlanPageOutline {
  readonly city: City;
  readonly unpublishedYears?: readonly number[];
  readonly plan: PlanPagePlan;
  /** How many KPI rows the page holds. */
  readonly rowCount: number;
  readonly overall: PlanPageRollup;
  /** The roll-up of each top-level node that has one, in tree order. */
  readonly topRollups: readonly PlanPageRollup[];
  /** Every node of the tree in tree order: its id, how many KPI rows sit directly in it, and its roll-up's status (null without a roll-up). */
  readonly nodes: readonly (readonly [nodeId: string, rows: number, status: PlanPageRollup['status'] | null])[];
  /** The rows counted by the international methods (plan-report.service.ts internationalSummary). */
  readonly international: InternationalSummary;
  /** The name of each KPI a top-level roll-up names as a part, as the page's rows have it (absent when no row holds it). */
  readonly kpiNames: readonly (readonly [kpiId: string, name: string, nameEn: string | null])[];
}

/** The outline of a plan page model (or of a filtered one), as {@link PlanPageOutline} says. */
export function planPageOutlineOf(page: PlanPageModel): PlanPageOutline {
  const rowsIn = new Map<string, number>();
  const kpis = new Map<string, PlanPageKpi>();
  for (const r of page.rows) {
    rowsIn.set(r.nodeId, (rowsIn.get(r.nodeId) ?? 0) + 1);
    if (!kpis.has(r.kpi.id)) kpis.set(r.kpi.id, r.kpi);
  }
  const rollups = new Map(page.rollups.map((r) => [r.nodeId, r]));
  const topRollups = page.plan.nodes.flatMap((n) => rollups.get(n.id) ?? []);
  const kpiNames = new Map<string, readonly [string, string, string | null]>();
  for (const r of topRollups) {
    for (const part of r.parts) {
      const k = part.kind === 'kpi' ? kpis.get(part.id) : undefined;
      if (k && !kpiNames.has(k.id)) kpiNames.set(k.id, [k.id, k.name, k.nameEn ?? null]);
    }
  }
  return {
    city: page.city,
    ...(page.unpublishedYears && { unpublishedYears: page.unpublishedYears }),
    plan: page.plan,
    rowCount: page.rows.length,
    overall: page.overall,
    topRollups,
    nodes: [...walkPlanNodes(page.plan.nodes)].map(({ node }) => [node.id, rowsIn.get(node.id) ?? 0, rollups.get(node.id)?.status ?? null]),
    international: internationalSummary(page),
    kpiNames: [...kpiNames.values()],
  };
}

/**
 * The plan page's model of one plan of a city's public data (see {@link PlanPageModel}),
 * computed once per loaded revision of the data (city-view-memo.ts).
 */
export function planPageModelOf(data: CityData, plan: Plan): PlanPageModel {
  return memoized(data, `plan-page\u0000${plan.id}`, () => computePlanPageModel(data, buildPlanReport(data, plan)));
}

/**
 * The plan's KPI rows as the plan CSV's KPI columns (open-data.service.ts `kpiRow`, each
 * evaluated against its row's target), in the order of {@link PlanPageModel.rows}; read only for
 * `?format=csv|json`.
 */
export function planPageKpiRowsOf(data: CityData, plan: Plan): readonly DataTable['rows'][number][] {
  return memoized(data, `plan-page-kpi-rows\u0000${plan.id}`, () => buildPlanReport(data, plan).rows.map((r) => kpiRow(data.city.id, r.kpi, r.evaluation, r.override)));
}

/**
 * {@link planPageKpiRowsOf} as the summaries keep it (`plan_page_summaries.table_json`): null for
 * a row whose columns are its KPI's own row of the KPI CSV (the KPI evaluated against its chosen
 * target: `kpi_summaries.csv_json`, built from the same data in the same rebuild), the columns
 * otherwise (a row measured against another target). Most rows measure their KPI's chosen
 * target, so a 300-KPI plan keeps some bytes here, not 200 kB.
 */
export function planPageOwnRowsOf(data: CityData, plan: Plan): readonly (DataTable['rows'][number] | null)[] {
  const report = buildPlanReport(data, plan);
  const evaluations = new Map(summarizeCity(data).kpis.map((x) => [x.kpi.id, x.evaluation]));
  return planPageKpiRowsOf(data, plan).map((columns, i) => {
    const { kpi, override } = report.rows[i]!;
    const own = kpiRow(data.city.id, kpi, evaluations.get(kpi.id) ?? null, override);
    return JSON.stringify(columns) === JSON.stringify(own) ? null : columns;
  });
}

function computePlanPageModel(data: CityData, report: PlanReport): PlanPageModel {
  const plan = report.plan;
  const rollups: PlanPageRollup[] = [];
  const collect = (r: NodeRollup) => {
    rollups.push(rollupOf(r));
    r.children.forEach(collect);
  };
  for (const n of plan.nodes) {
    const r = report.rollups.get(n.id);
    if (r) collect(r);
  }
  return {
    city: data.city,
    ...(data.unpublishedYears && { unpublishedYears: data.unpublishedYears }),
    plan: {
      id: plan.id,
      kind: plan.kind,
      title: plan.title,
      ...(plan.titleEn !== undefined && { titleEn: plan.titleEn }),
      periodStart: plan.periodStart,
      periodEnd: plan.periodEnd,
      ...(plan.vision !== undefined && { vision: plan.vision }),
      ...(plan.sheetLayout !== undefined && { sheetLayout: plan.sheetLayout }),
      nodes: plan.nodes.map(nodeOf),
      narratives: plan.narratives,
    },
    rows: report.rows.map(({ node, row, kpi, evaluation: e, override }): PlanPageRow => ({
      nodeId: node.id,
      ...(row.no !== undefined && { no: row.no }),
      ...(row.targetId !== undefined && { targetId: row.targetId }),
      kpi: {
        id: kpi.id,
        name: kpi.name,
        ...(kpi.nameEn !== undefined && { nameEn: kpi.nameEn }),
        unit: kpi.unit,
        baseline: figureOf(kpi.baseline),
        sdgTargets: kpi.sdgTargets,
        side: kpi.side,
      },
      evaluation: e
        ? {
            ...(e.latest && { latest: figureOf(e.latest) }),
            target: figureOf(e.target),
            status: { status: e.status.status, achievement: e.status.achievement ? { rate: e.status.achievement.rate, displayRate: e.status.achievement.displayRate } : null },
            forecast: { verdict: e.forecast.verdict },
            un: { category: e.un.category },
            openSdg: { status: e.openSdg.status },
          }
        : null,
      ...(override && { override }),
    })),
    rollups,
    overall: rollupOf(planRollup(report)),
  };
}

function nodeOf(n: PlanNode): PlanPageNode {
  return {
    id: n.id,
    ...(n.code !== undefined && { code: n.code }),
    title: n.title,
    ...(n.titleEn !== undefined && { titleEn: n.titleEn }),
    ...(n.description !== undefined && { description: n.description }),
    children: n.children.map(nodeOf),
  };
}

const figureOf = (f: { readonly value: number; readonly decimals?: number | undefined; readonly at: TimePoint }): PlanPageFigure => ({ value: f.value, ...(f.decimals !== undefined && { decimals: f.decimals }), at: f.at });

function rollupOf(r: NodeRollup): PlanPageRollup {
  return { nodeId: r.nodeId, status: r.status, progress: r.progress, expectedProgress: r.expectedProgress, counts: r.counts, parts: r.parts, worseningWeight: r.worseningWeight, totalWeight: r.totalWeight };
}

/*
 * The model as the summaries store it: the same JSON, except each KPI row and each part of a
 * roll-up as an array of its fields in a fixed order (keys were half of their bytes; a 272-row
 * plan's rows and parts are most of its model, and their bytes are what a page read from the
 * summaries decodes and parses: 126 kB instead of 232 kB).
 */
type FigureTuple = readonly [value: number, decimals: number | null, at: TimePoint];
type EvaluationTuple = readonly [latest: FigureTuple | null, target: FigureTuple, status: KpiStatus, achievement: readonly [rate: number | null, displayRate: number | null] | null, forecast: ForecastVerdict, un: UnProgressCategory, openSdg: OpenSdgProgressStatus];
type RowTuple = readonly [nodeId: string, no: string | null, targetId: string | null, kpiId: string, name: string, nameEn: string | null, unit: string, baseline: FigureTuple, sdgTargets: readonly string[], side: KpiSide, evaluation: EvaluationTuple | null, override: StatusOverride | null];
type PartTuple = readonly [kind: RollupPart['kind'], id: string, targetId: string | null, weight: number, status: RollupPart['status'], progress: number | null, expectedProgress: number | null, counted: boolean];
type StoredRollup = Omit<PlanPageRollup, 'parts'> & { readonly parts: readonly PartTuple[] };
type StoredModel = Omit<PlanPageModel, 'rows' | 'rollups' | 'overall'> & { readonly rows: readonly RowTuple[]; readonly rollups: readonly StoredRollup[]; readonly overall: StoredRollup };

const storedRollup = (r: PlanPageRollup): StoredRollup => ({ ...r, parts: r.parts.map((p) => [p.kind, p.id, p.targetId ?? null, p.weight, p.status, p.progress, p.expectedProgress, p.counted]) });
const rollupFrom = (r: StoredRollup): PlanPageRollup => ({
  ...r,
  parts: r.parts.map(([kind, id, targetId, weight, status, progress, expectedProgress, counted]) => ({ kind, id, targetId: targetId ?? undefined, weight, status, progress, expectedProgress, counted })),
});

const figureTuple = (f: PlanPageFigure): FigureTuple => [f.value, f.decimals ?? null, f.at];
const figureFrom = (t: FigureTuple): PlanPageFigure => ({ value: t[0], decimals: t[1] ?? undefined, at: t[2] });

/** A plan page model as `plan_page_summaries.model_json` keeps it ({@link parsePlanPageModel} reads it back equal). */
export function planPageModelJson(model: PlanPageModel): string {
  const rows = model.rows.map(({ nodeId, no, targetId, kpi, evaluation: e, override }): RowTuple => [
    nodeId,
    no ?? null,
    targetId ?? null,
    kpi.id,
    kpi.name,
    kpi.nameEn ?? null,
    kpi.unit,
    figureTuple(kpi.baseline),
    kpi.sdgTargets,
    kpi.side,
    e ? [e.latest ? figureTuple(e.latest) : null, figureTuple(e.target), e.status.status, e.status.achievement ? [e.status.achievement.rate, e.status.achievement.displayRate] : null, e.forecast.verdict, e.un.category, e.openSdg.status] : null,
    override ?? null,
  ]);
  return JSON.stringify({ ...model, rows, rollups: model.rollups.map(storedRollup), overall: storedRollup(model.overall) } satisfies StoredModel);
}

/**
 * The model {@link planPageModelJson} wrote. Its objects have one shape each (an absent optional
 * field reads as undefined, as the view reads it), which V8 builds faster than objects spread
 * field by field.
 */
export function parsePlanPageModel(json: string): PlanPageModel {
  const stored = JSON.parse(json) as StoredModel;
  const rows = stored.rows.map((t): PlanPageRow => {
    const e = t[10];
    return {
      nodeId: t[0],
      no: t[1] ?? undefined,
      targetId: t[2] ?? undefined,
      kpi: { id: t[3], name: t[4], nameEn: t[5] ?? undefined, unit: t[6], baseline: figureFrom(t[7]), sdgTargets: t[8], side: t[9] },
      evaluation: e
        ? {
            latest: e[0] ? figureFrom(e[0]) : undefined,
            target: figureFrom(e[1]),
            status: { status: e[2], achievement: e[3] ? { rate: e[3][0], displayRate: e[3][1] } : null },
            forecast: { verdict: e[4] },
            un: { category: e[5] },
            openSdg: { status: e[6] },
          }
        : null,
      override: t[11] ?? undefined,
    };
  });
  return { ...stored, rows, rollups: stored.rollups.map(rollupFrom), overall: rollupFrom(stored.overall) };
}
