import { zipSync, strToU8 } from 'fflate';
import type { City, CityData, StatusOverride } from '../core/city/city.ts';
import { evaluateKpi, sortedObservations, type KpiEvaluation } from '../core/kpi/kpi-evaluation.ts';
import type { Kpi, Observation } from '../core/kpi/kpi.ts';
import { observationSource, overrideLabel } from '../actuals/observation-source.ts';
import { walkPlanNodes } from '../core/plan/plan.ts';
import { formatTimePointWareki } from '../core/notation/index.ts';
import { formatTimePointIso, type TimePoint } from '../core/time/time-point.ts';
import { toCsv, type CsvCell, type DataTable } from '../formats/csv/write-csv.ts';
import { csvwMetadata, dataPackage } from '../open-data/data-package.ts';
import { isoDateRange, sdmxTimePeriod } from '../open-data/iso-dates.ts';
import { licenceOf } from '../open-data/licence.ts';
import type { PlanPageModel } from '../plans/plan-page.model.ts';
import { reconcileCityRates } from '../kpis/published-rate.service.ts';
import { allYearlyCommentaries, expertEvaluationsOf, statusOverridesByKpi } from '../staff/staff-notes.service.ts';

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
    columns: ['city_id', 'kpi_id', 'kpi_name', 'at', 'at_wareki', 'value', 'decimals', 'unit', 'note', 'source', 'platform_override'],
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
        // A value typed in over a partner-platform count says so in its source, with the reason
        // (issue 10.3); the reason alone in its own column for machines.
        source: observationSource(o, 'ja'),
        platform_override: o.platformOverride ?? null,
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

/**
 * One plan's KPI rows, evaluated, as its page shows them (`shown`: the page's model, narrowed by
 * its filter): the row's place in the plan, then the KPI's columns (`kpiRows`: per row of the
 * whole model `page`, in its order, plan-page.model.ts planPageKpiRowsOf).
 */
export function planPageTable(page: PlanPageModel, kpiRows: readonly DataTable['rows'][number][], shown: PlanPageModel = page): DataTable {
  const nodes = new Map([...walkPlanNodes(page.plan.nodes)].map(({ node }) => [node.id, node]));
  const position = new Map(page.rows.map((r, i) => [r, i]));
  return {
    columns: ['plan_id', 'node_id', 'node_code', 'node_title', 'no', ...KPI_COLUMNS],
    rows: shown.rows.map((r) => {
      const node = nodes.get(r.nodeId)!;
      return {
        plan_id: page.plan.id,
        node_id: r.nodeId,
        node_code: node.code ?? null,
        node_title: node.title,
        no: r.no ?? null,
        ...kpiRows[position.get(r)!],
      };
    }),
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

/**
 * A table with the city's 全国地方公共団体コード as its first column, as the
 * 自治体標準オープンデータセット rules put it (empty when the city has no code yet).
 */
export function withLocalGovernmentCode(city: Pick<City, 'localGovernmentCode'>, table: DataTable): DataTable {
  if (table.columns[0] === 'local_government_code') return table;
  return { columns: ['local_government_code', ...table.columns], rows: table.rows.map((r) => ({ local_government_code: city.localGovernmentCode ?? null, ...r })) };
}

/** The columns of {@link kpiSeriesTable}. */
export const KPI_SERIES_COLUMNS = [
  'local_government_code', 'city_id', 'kpi_id', 'kpi_name', 'unit', 'sdg_targets', 'series', 'target_id', 'at', 'at_wareki', 'at_start', 'at_end', 'value', 'decimals', 'note',
] as const;

/**
 * A KPI's whole series as data users expect it (issue 15.3): its baseline (基準値), every
 * published actual (実績値) and every target (目標値, future ones included), one row each, with
 * the time point as printed in the API form, in 和暦 and as ISO dates (first and last day).
 */
export function kpiSeriesTable(city: Pick<City, 'id' | 'localGovernmentCode'>, kpis: readonly Kpi[]): DataTable {
  const row = (kpi: Kpi, series: 'baseline' | 'actual' | 'target', at: TimePoint, value: number, extra: { target_id?: string; decimals?: number | undefined; note?: string | undefined } = {}) => {
    const range = isoDateRange(at);
    return {
      local_government_code: city.localGovernmentCode ?? null,
      city_id: city.id,
      kpi_id: kpi.id,
      kpi_name: kpi.name,
      unit: kpi.unit,
      sdg_targets: kpi.sdgTargets.join(' '),
      series,
      target_id: extra.target_id ?? null,
      at: iso(at),
      at_wareki: wareki(at),
      at_start: range.start,
      at_end: range.end,
      value,
      decimals: extra.decimals ?? null,
      note: extra.note ?? null,
    };
  };
  return {
    columns: KPI_SERIES_COLUMNS,
    rows: kpis.flatMap((kpi) => [
      row(kpi, 'baseline', kpi.baseline.at, kpi.baseline.value),
      ...sortedObservations(kpi).map((o) => row(kpi, 'actual', o.at, o.value, { decimals: o.decimals, note: seriesNote(o) })),
      ...kpi.targets.map((t) => row(kpi, 'target', t.at, t.value, { target_id: t.id })),
    ]),
  };
}

/** An actual's note in the series table: the override label of a value replacing a platform count first (issue 10.3). */
function seriesNote(o: Observation): string | undefined {
  const label = overrideLabel(o, 'ja');
  return label === null ? o.note : o.note ? `${label}；${o.note}` : label;
}

/** An SDG target (2.3, 11.a) as an SDMX code id: the dot, the series key's separator, becomes "_" (2_3, 11_a). */
export const sdmxTargetCode = (target: string) => target.replace(/\./g, '_');

/** The SDMX-CSV dataflow of KPI series (agency, id and version as SDMX-CSV 1.0 writes them). */
export const SDMX_DATAFLOW = 'MICHISHIRUBE:DF_KPI_SERIES(1.0)';

/**
 * The KPI series of a city as SDMX-CSV (version 1.0: a DATAFLOW column, the dimensions, then
 * TIME_PERIOD, OBS_VALUE and the attributes), one series per KPI, series kind and SDG target it
 * is tagged with (SDG_TARGET "_Z" when it has none, the SDMX code for "not applicable"), so UN
 * SDG tools can group the city's figures by target. REF_AREA is the 全国地方公共団体コード
 * (the city id when it has none). Dimension values are SDMX ids (letters, digits, _ @ $ -):
 * a dot separates dimensions in an SDMX series key, so target 2.3 is the code `2_3` (11.a → `11_a`).
 */
export function sdmxKpiSeriesTable(city: Pick<City, 'id' | 'localGovernmentCode'>, kpis: readonly Kpi[]): DataTable {
  const rows: Row[] = [];
  for (const kpi of kpis) {
    const points: { type: 'BASELINE' | 'ACTUAL' | 'TARGET'; at: TimePoint; value: number }[] = [
      { type: 'BASELINE', at: kpi.baseline.at, value: kpi.baseline.value },
      ...sortedObservations(kpi).map((o) => ({ type: 'ACTUAL' as const, at: o.at, value: o.value })),
      ...kpi.targets.map((t) => ({ type: 'TARGET' as const, at: t.at, value: t.value })),
    ];
    const targets = kpi.sdgTargets.length > 0 ? [...new Set(kpi.sdgTargets.map(sdmxTargetCode))] : ['_Z'];
    for (const target of targets) {
      for (const p of points) {
        rows.push({
          DATAFLOW: SDMX_DATAFLOW,
          REF_AREA: city.localGovernmentCode ?? city.id,
          INDICATOR: kpi.id,
          SERIES_TYPE: p.type,
          SDG_TARGET: target,
          TIME_PERIOD: sdmxTimePeriod(p.at),
          OBS_VALUE: p.value,
          UNIT_MEASURE: kpi.unit,
          REPORTING_YEAR_START_DAY: p.at.kind === 'fiscal-year' ? '--04-01' : null,
          TITLE: kpi.name,
        });
      }
    }
  }
  return { columns: ['DATAFLOW', 'REF_AREA', 'INDICATOR', 'SERIES_TYPE', 'SDG_TARGET', 'TIME_PERIOD', 'OBS_VALUE', 'UNIT_MEASURE', 'REPORTING_YEAR_START_DAY', 'TITLE'], rows };
}

/** The tables of a city's archive, by file name (without extension), each with the city code first. */
export function cityTables(data: CityData): Record<string, DataTable> {
  const tables: Record<string, DataTable> = {
    kpis: cityKpisTable(data),
    'kpi-series': kpiSeriesTable(data.city, data.kpis),
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
  return Object.fromEntries(Object.entries(tables).map(([name, table]) => [name, withLocalGovernmentCode(data.city, table)]));
}

/**
 * All public data of a city as one zip (issue 15.3): each table as CSV (UTF-8 with BOM, the
 * city code first) and as JSON; `datapackage.json` (Frictionless Tabular Data Package) and
 * `csv-metadata.json` (CSVW) describing the CSVs with their licence (`datapackage.json` also lists
 * `unpublished_years`, the years held back until published); the KPI series as SDMX-CSV
 * (`kpi-series.sdmx.csv`); and a README (given by the caller, in both languages).
 */
export function cityArchive(data: CityData, readme: string, modified: Date): Uint8Array {
  const files: Record<string, [Uint8Array, { mtime: Date }]> = {};
  const add = (name: string, text: string) => (files[`${data.city.id}/${name}`] = [strToU8(text), { mtime: modified }]);
  add('README.txt', readme);
  const tables = cityTables(data);
  for (const [name, table] of Object.entries(tables)) {
    add(`${name}.csv`, toCsv(table));
    add(`${name}.json`, JSON.stringify(table.rows, null, 2) + '\n');
  }
  // The years left out until the secretariat publishes them (issue 10.1), as the API names them.
  add('datapackage.json', JSON.stringify({ ...dataPackage(data.city, tables, modified), unpublished_years: data.unpublishedYears ?? [] }, null, 2) + '\n');
  add('csv-metadata.json', JSON.stringify(csvwMetadata(data.city, tables), null, 2) + '\n');
  add('kpi-series.sdmx.csv', toCsv(sdmxKpiSeriesTable(data.city, data.kpis)));
  add('LICENSE.txt', `${licenceOf(data.city).title.ja}\r\n${licenceOf(data.city).title.en}\r\n${licenceOf(data.city).url}\r\n`);
  return zipSync(files, { level: 6 });
}
