import { zipSync, strToU8 } from 'fflate';
import type { City, CityData, StatusOverride } from '../core/city/city.ts';
import { evaluateKpi, sortedObservations, type KpiEvaluation } from '../core/kpi/kpi-evaluation.ts';
import type { Kpi } from '../core/kpi/kpi.ts';
import { walkPlanNodes } from '../core/plan/plan.ts';
import { formatTimePointWareki } from '../core/notation/index.ts';
import { formatTimePointIso, type TimePoint } from '../core/time/time-point.ts';
import { toCsv, type CsvCell, type DataTable } from '../formats/csv/write-csv.ts';
import type { PlanReport } from './plan-report.service.ts';
import { reconcileCityRates } from './published-rate.service.ts';
import { allYearlyCommentaries, expertEvaluationsOf, statusOverridesByKpi } from './staff-notes.service.ts';

/**
 * Open data: every public figure of a city as flat tables, one row per fact, with stable
 * snake_case columns shared by the CSV and JSON downloads and the city archive. Time points
 * are written in the ISO-like form of the API ("2020", "FY2021", "2024-03", "2020/2024") with
 * the 和暦 label beside them where one exists.
 */

type Row = Record<string, CsvCell>;

const iso = (t: TimePoint | undefined) => (t ? formatTimePointIso(t) : null);
const wareki = (t: TimePoint | undefined) => (t ? formatTimePointWareki(t) : null);

/** The columns of {@link kpiRow}. */
export const KPI_COLUMNS = [
  'city_id', 'kpi_id', 'name', 'name_en', 'unit', 'department', 'side', 'aggregation', 'direction', 'method', 'sdg_targets',
  'baseline_at', 'baseline_at_wareki', 'baseline', 'latest_at', 'latest_at_wareki', 'latest', 'target_id', 'target_at', 'target_at_wareki', 'target',
  'rate', 'display_rate', 'status', 'status_override', 'status_override_justification', 'status_override_decided_on',
  'forecast', 'forecast_projected_value', 'un_progress_category', 'open_sdg_status',
] as const;

/**
 * A KPI and its evaluation against one target as one flat row. `status` is always the computed
 * status; a status the secretariat set instead sits beside it with its justification and date.
 */
export function kpiRow(cityId: string, kpi: Kpi, e: KpiEvaluation | null, override?: StatusOverride): Row {
  const a = e?.status.achievement ?? null;
  return {
    city_id: cityId,
    kpi_id: kpi.id,
    name: kpi.name,
    name_en: kpi.nameEn ?? null,
    unit: kpi.unit,
    department: kpi.department ?? null,
    side: kpi.side,
    aggregation: kpi.aggregation,
    direction: e?.direction ?? kpi.direction ?? null,
    method: kpi.method,
    sdg_targets: kpi.sdgTargets.join(' '),
    baseline_at: iso(kpi.baseline.at),
    baseline_at_wareki: wareki(kpi.baseline.at),
    baseline: kpi.baseline.value,
    latest_at: iso(e?.latest?.at),
    latest_at_wareki: wareki(e?.latest?.at),
    latest: e?.latest?.value ?? null,
    target_id: e?.target.id ?? null,
    target_at: iso(e?.target.at),
    target_at_wareki: wareki(e?.target.at),
    target: e?.target.value ?? null,
    rate: a?.rate ?? null,
    display_rate: a?.displayRate ?? null,
    status: e?.status.status ?? 'no-data',
    status_override: override?.status ?? null,
    status_override_justification: override?.justification ?? null,
    status_override_decided_on: override?.decidedOn ?? null,
    forecast: e?.forecast.verdict ?? 'no-data',
    forecast_projected_value: e?.forecast.projectedValue ?? null,
    un_progress_category: e?.un.category ?? 'no-data',
    open_sdg_status: e?.openSdg.status ?? 'no-data',
  };
}

/** KPIs (each with its current evaluation and any status override) as a table. */
export function kpisTable(items: readonly { city: Pick<City, 'id'>; kpi: Kpi; evaluation: KpiEvaluation | null; override?: StatusOverride | undefined }[]): DataTable {
  return { columns: KPI_COLUMNS, rows: items.map((x) => kpiRow(x.city.id, x.kpi, x.evaluation, x.override)) };
}

/** Every KPI of a city against its current target. */
export function cityKpisTable(data: CityData): DataTable {
  const overrides = statusOverridesByKpi(data);
  return kpisTable(data.kpis.map((kpi) => ({ city: data.city, kpi, evaluation: evaluateKpi(kpi), override: overrides.get(kpi.id) })));
}

/** The departments' yearly commentary per KPI (published years only, as the public view holds them). */
export function kpiCommentariesTable(data: CityData): DataTable {
  return {
    columns: ['city_id', 'kpi_id', 'year', 'commentary'],
    rows: allYearlyCommentaries(data).map((c) => ({ city_id: data.city.id, kpi_id: c.kpiId, year: c.year, commentary: c.body })),
  };
}

/** The expert evaluation (有識者からの評価) of each plan by year (published years only). */
export function planEvaluationsTable(data: CityData): DataTable {
  return {
    columns: ['city_id', 'plan_id', 'year', 'title', 'evaluation'],
    rows: data.plans.flatMap((p) => expertEvaluationsOf(p).map((n) => ({ city_id: data.city.id, plan_id: p.id, year: n.year ?? null, title: n.title, evaluation: n.body }))),
  };
}

/** Every actual (実績) of the given KPIs, oldest first per KPI. */
export function observationsTable(cityId: string, kpis: readonly Kpi[]): DataTable {
  return {
    columns: ['city_id', 'kpi_id', 'kpi_name', 'at', 'at_wareki', 'value', 'decimals', 'unit', 'note', 'source'],
    rows: kpis.flatMap((kpi) =>
      sortedObservations(kpi).map((o) => ({
        city_id: cityId,
        kpi_id: kpi.id,
        kpi_name: kpi.name,
        at: iso(o.at),
        at_wareki: wareki(o.at),
        value: o.value,
        decimals: o.decimals ?? null,
        unit: kpi.unit,
        note: o.note ?? null,
        source: o.source ?? null,
      })),
    ),
  };
}

/** Every target of the given KPIs, with its current value and the number of revisions. */
export function targetsTable(cityId: string, kpis: readonly Kpi[]): DataTable {
  return {
    columns: ['city_id', 'kpi_id', 'kpi_name', 'target_id', 'at', 'at_wareki', 'value', 'unit', 'revisions'],
    rows: kpis.flatMap((kpi) =>
      kpi.targets.map((t) => ({
        city_id: cityId,
        kpi_id: kpi.id,
        kpi_name: kpi.name,
        target_id: t.id,
        at: iso(t.at),
        at_wareki: wareki(t.at),
        value: t.value,
        unit: kpi.unit,
        revisions: t.revisions.length,
      })),
    ),
  };
}

/** Every revision of a target (上方修正 and the like) with its reason. */
export function targetRevisionsTable(cityId: string, kpis: readonly Kpi[]): DataTable {
  return {
    columns: ['city_id', 'kpi_id', 'target_id', 'revised_on', 'old_value', 'new_value', 'unit', 'reason'],
    rows: kpis.flatMap((kpi) =>
      kpi.targets.flatMap((t) =>
        t.revisions.map((r) => ({ city_id: cityId, kpi_id: kpi.id, target_id: t.id, revised_on: r.revisedOn, old_value: r.oldValue, new_value: r.newValue, unit: kpi.unit, reason: r.reason })),
      ),
    ),
  };
}

/** A city's plans. */
export function plansTable(data: CityData): DataTable {
  return {
    columns: ['city_id', 'plan_id', 'kind', 'title', 'title_en', 'period_start', 'period_end', 'parent_plan_id'],
    rows: data.plans.map((p) => ({
      city_id: data.city.id,
      plan_id: p.id,
      kind: p.kind,
      title: p.title,
      title_en: p.titleEn ?? null,
      period_start: p.periodStart,
      period_end: p.periodEnd,
      parent_plan_id: p.parentPlanId ?? null,
    })),
  };
}

/** Every node of every plan of a city, depth-first. */
export function planNodesTable(data: CityData): DataTable {
  return {
    columns: ['city_id', 'plan_id', 'node_id', 'parent_node_id', 'depth', 'kind', 'code', 'title', 'title_en', 'description'],
    rows: data.plans.flatMap((p) =>
      [...walkPlanNodes(p.nodes)].map(({ node, depth, path }) => ({
        city_id: data.city.id,
        plan_id: p.id,
        node_id: node.id,
        parent_node_id: path.at(-1) ?? null,
        depth,
        kind: node.kind,
        code: node.code ?? null,
        title: node.title,
        title_en: node.titleEn ?? null,
        description: node.description ?? null,
      })),
    ),
  };
}

/** Every KPI row of every plan of a city: which KPI a node carries, against which target, with the commentary. */
export function planKpiRowsTable(data: CityData): DataTable {
  return {
    columns: ['city_id', 'plan_id', 'node_id', 'no', 'kpi_id', 'target_id', 'weight', 'commentary', 'reflection'],
    rows: data.plans.flatMap((p) =>
      [...walkPlanNodes(p.nodes)].flatMap(({ node }) =>
        node.kpiRows.map((r) => ({
          city_id: data.city.id,
          plan_id: p.id,
          node_id: node.id,
          no: r.no ?? null,
          kpi_id: r.kpiId,
          target_id: r.targetId ?? null,
          weight: r.weight ?? null,
          commentary: r.commentary ?? null,
          reflection: r.reflection ?? null,
        })),
      ),
    ),
  };
}

/** One plan's KPI rows, evaluated, as its page shows them. */
export function planReportTable(cityId: string, report: PlanReport): DataTable {
  return {
    columns: ['plan_id', 'node_id', 'node_code', 'node_title', 'no', ...KPI_COLUMNS],
    rows: report.rows.map((r) => ({
      plan_id: report.plan.id,
      node_id: r.node.id,
      node_code: r.node.code ?? null,
      node_title: r.node.title,
      no: r.row.no ?? null,
      ...kpiRow(cityId, r.kpi, r.evaluation, r.override),
    })),
  };
}

/** The rates the city's documents published, recomputed and reconciled. */
export function publishedRatesTable(data: CityData, kpiId?: string): DataTable {
  return {
    columns: [
      'city_id', 'kpi_id', 'document_id', 'actual_at', 'target_id', 'printed', 'published_rate', 'recomputed_progress', 'recomputed_ratio', 'verdict', 'explanation_kind', 'explanation_ja', 'explanation_en',
      // The verdict uses the figures as they stood when the document was published; rate_today is the same time point on today's data.
      'rate_today',
    ],
    rows: reconcileCityRates(data)
      .filter((r) => !kpiId || r.kpi.id === kpiId)
      .map(({ kpi, published, result, today }) => ({
        city_id: data.city.id,
        kpi_id: kpi.id,
        document_id: published.documentId,
        actual_at: iso(published.actualAt),
        target_id: published.targetId,
        printed: published.printed,
        published_rate: published.rate,
        recomputed_progress: result.rate,
        recomputed_ratio: result.ratio,
        verdict: result.verdict,
        explanation_kind: result.explanation?.kind ?? null,
        explanation_ja: result.explanation?.text.ja ?? null,
        explanation_en: result.explanation?.text.en ?? null,
        rate_today: today?.rate ?? null,
      })),
  };
}

/** The documents a city's figures were taken from. */
export function documentsTable(data: CityData): DataTable {
  return {
    columns: ['city_id', 'document_id', 'title', 'published', 'source'],
    rows: data.documents.map((d) => ({ city_id: data.city.id, document_id: d.id, title: d.title, published: d.published, source: d.source ?? null })),
  };
}

/** The tables of a city's archive, by file name (without extension). */
export function cityTables(data: CityData): Record<string, DataTable> {
  return {
    kpis: cityKpisTable(data),
    observations: observationsTable(data.city.id, data.kpis),
    targets: targetsTable(data.city.id, data.kpis),
    'target-revisions': targetRevisionsTable(data.city.id, data.kpis),
    plans: plansTable(data),
    'plan-nodes': planNodesTable(data),
    'plan-kpi-rows': planKpiRowsTable(data),
    'kpi-commentaries': kpiCommentariesTable(data),
    'plan-evaluations': planEvaluationsTable(data),
    'published-rates': publishedRatesTable(data),
    documents: documentsTable(data),
  };
}

/**
 * All public data of a city as one zip: each table as CSV (UTF-8 with BOM) and as JSON, and a
 * README (given by the caller, in both languages) describing them.
 */
export function cityArchive(data: CityData, readme: string, modified: Date): Uint8Array {
  const files: Record<string, [Uint8Array, { mtime: Date }]> = {};
  const add = (name: string, text: string) => (files[`${data.city.id}/${name}`] = [strToU8(text), { mtime: modified }]);
  add('README.txt', readme);
  for (const [name, table] of Object.entries(cityTables(data))) {
    add(`${name}.csv`, toCsv(table));
    add(`${name}.json`, JSON.stringify(table.rows, null, 2) + '\n');
  }
  return zipSync(files, { level: 6 });
}
