import { formatTokyoDateTime } from '../../core/time/clock.ts';
import type { NodeRollup } from '../../core/plan/rollup.ts';
import type { Context } from 'hono';
import type { City } from '../../core/city/city.ts';
import type { CalculationRecord } from '../../core/kpi/calculation-record.ts';
import { formatTimePointIso } from '../../core/time/time-point.ts';
import { observationSource } from '../../actuals/observation-source.ts';
import { toCsv, type DataTable } from '../../formats/csv/write-csv.ts';
import type { CityComparison, IndexedKpi } from '../../summaries/city-comparison.service.ts';
import type { CityPageSummary } from '../../summaries/city-page.model.ts';
import type { CityDataStore } from '../../cities/city-data.store.ts';
import type { KpiDetail } from '../../kpis/kpi-detail.service.ts';
import type { SearchResults, SearchResult } from '../../search/search.service.ts';
import type { CityKpi, GoalDetail, GoalOverview } from '../../summaries/sdg-overview.service.ts';
import { kpiJson, preciseJson } from '../../formats/json/kpi-json.ts';
import { problemJson } from '../errors.ts';
import { joinParts } from '../html-page.ts';
import type { Page } from '../../summaries/national.service.ts';
import { pageJson } from './national-json.ts';
import { licenceOf, type LicenceInfo } from '../../open-data/licence.ts';
import { withLocalGovernmentCode } from '../../open-data/open-data.service.ts';

/**
 * The JSON shapes of the public data, shared by the API (/api/v1) and the `?format=json` form
 * of each page, and the CSV/JSON response helpers.
 */

/** What `?format=` asks for: 'csv', 'json', or the HTML page; undefined for anything else. */
export function requestedFormat(c: Context): 'html' | 'csv' | 'json' | undefined {
  const f = c.req.query('format');
  if (f === undefined || f === '' || f === 'html') return 'html';
  return f === 'csv' || f === 'json' ? f : undefined;
}

/** A CSV download (UTF-8 with BOM) named `filename`.csv; with a licence, a `Link: <…>; rel="license"` header states it. */
export function csvResponse(table: DataTable, filename: string, licence?: LicenceInfo): Response {
  return new Response(toCsv(table), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}.csv"`,
      ...(licence ? { link: `<${licence.url}>; rel="license"` } : {}),
    },
  });
}

/**
 * A city's CSV download as the 自治体標準オープンデータセット rules want it (issue 15.3): the
 * 全国地方公共団体コード as first column, UTF-8 with BOM, and the city's licence in a Link header.
 */
export function cityCsvResponse(city: City, table: DataTable, filename: string): Response {
  return csvResponse(withLocalGovernmentCode(city, table), filename, licenceOf(city));
}

/**
 * A chart file to take away (issue 15.4): SVG or PNG, a download named `filename` (letters,
 * digits, `-`, `_` and `.` only, whatever the ids hold), with the city's licence in a Link header.
 */
export function chartFileResponse(city: City, body: string | Uint8Array, type: 'svg' | 'png', filename: string): Response {
  const safe = filename.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 120) || 'chart';
  return new Response(body, {
    headers: {
      'content-type': type === 'svg' ? 'image/svg+xml; charset=utf-8' : 'image/png',
      'content-disposition': `attachment; filename="${safe}.${type}"`,
      link: `<${licenceOf(city).url}>; rel="license"`,
    },
  });
}

/** A JSON body; a download named `filename`.json when a name is given. */
export function jsonResponse(body: unknown, filename?: string): Response {
  return new Response(JSON.stringify(body, null, 2) + '\n', {
    headers: {
      'content-type': 'application/json; charset=utf-8',
      ...(filename ? { 'content-disposition': `inline; filename="${filename}.json"` } : {}),
    },
  });
}

/** A problem response (RFC 9457) with a stable type id (the API's own problems, through the one error module). */
export function problemResponse(status: 400 | 404, type: string, title: string, detail: string): Response {
  return problemJson(status, type, title, detail);
}

export function cityHeadJson(city: City) {
  return {
    id: city.id,
    name: city.name,
    name_en: city.nameEn,
    prefecture: city.prefecture,
    prefecture_en: city.prefectureEn,
    sdgs_future_city_since: city.sdgsFutureCitySince ?? null,
    population: city.population ?? null,
    local_government_code: city.localGovernmentCode ?? null,
    licence: { id: licenceOf(city).id, url: licenceOf(city).url },
  };
}

/** A city with its plans, status counts and covered goals. */
export function cityJson(o: Pick<CityPageSummary, 'city' | 'plans' | 'kpiCount' | 'statusCounts' | 'coveredGoals'>) {
  return {
    city: cityHeadJson(o.city),
    plans: o.plans.map((p) => ({ id: p.id, kind: p.kind, title: p.title, title_en: p.titleEn ?? null, period: [p.periodStart, p.periodEnd], url: `/api/v1/cities/${o.city.id}/plans/${p.id}` })),
    kpi_count: o.kpiCount,
    status_counts: o.statusCounts,
    covered_goals: [...o.coveredGoals].sort((a, b) => Number(a) - Number(b)),
    kpis_url: `/api/v1/cities/${o.city.id}/kpis`,
    download_url: `/cities/${o.city.id}/download.zip`,
  };
}

/** A KPI of some city with its evaluation, as lists across cities publish it. */
export function cityKpiJson(x: CityKpi) {
  return cityKpiJsonOf(x.city.id, kpiJson(x.kpi, x.evaluation, x.override));
}

/**
 * One page of the API's list of a city's KPIs (`{"city", "unpublished_years", "page",
 * "page_size", "total", "page_count", "kpis": [cityKpiJson…]}`, the paging fields as every paged
 * list of the API writes them, national-json.ts `pageJson`) as the UTF-8 bytes of its compact
 * JSON, spliced from each KPI's API object already as text (`JSON.stringify` of a {@link kpiJson},
 * with its id; the summaries store it): byte for byte `JSON.stringify` of the objects, without
 * parsing each KPI's JSON to write it again, nor building one long string that the response
 * would flatten and check again (html-page.ts does the same for pages).
 */
export function cityKpisJsonBytes(cityId: string, unpublishedYears: readonly number[], page: Page<{ readonly kpiId: string; readonly json: string }>): Uint8Array<ArrayBuffer> {
  const city = JSON.stringify(cityId);
  const paging = JSON.stringify(pageJson(page));
  const parts: string[] = [`{"city":${city},"unpublished_years":${JSON.stringify(unpublishedYears)},${paging.slice(1, -1)},"kpis":[`];
  page.items.forEach((k, i) => {
    parts.push(`${i > 0 ? ',' : ''}{"city":${city},`, k.json.slice(1, -1), `,"url":${JSON.stringify(`/api/v1/cities/${cityId}/kpis/${k.kpiId}`)}}`);
  });
  parts.push(']}');
  return joinParts(parts);
}

/** {@link cityKpiJson} from the KPI's API object already made (the city's pages read it from the summaries). */
export function cityKpiJsonOf(cityId: string, k: ReturnType<typeof kpiJson>) {
  return { city: cityId, ...k, url: `/api/v1/cities/${cityId}/kpis/${k.id}` };
}

/** Keys of a calculation record's figures in snake_case, as every API field (baselineAt → baseline_at). */
const snakeKeys = (o: Readonly<Record<string, unknown>>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`), v]));
const recordJson = (r: CalculationRecord) => ({ method: r.method, inputs: snakeKeys(r.inputs), intermediate: snakeKeys(r.intermediate), thresholds: snakeKeys(r.thresholds), explanation: r.explanation });

/** Everything of the KPI page. */
export function kpiDetailJson(d: KpiDetail) {
  const e = d.evaluation;
  return {
    city: d.data.city.id,
    ...kpiJson(d.kpi, e, d.override ?? undefined),
    aggregation: d.kpi.aggregation,
    method: d.kpi.method,
    department: d.kpi.department ?? null,
    // A value typed in over a partner-platform count is labelled in `source`, the reason alone in `platform_override` (issue 10.3).
    observations: d.observations.map((o) => ({ at: formatTimePointIso(o.at), value: o.value, precise: preciseJson(o.precise), note: o.note ?? null, source: observationSource(o, 'ja'), platform_override: o.platformOverride ?? null })),
    targets: d.kpi.targets.map((t) => ({
      id: t.id,
      at: formatTimePointIso(t.at),
      value: t.value,
      precise: preciseJson(t.precise),
      revisions: t.revisions.map((r) => ({ revised_on: r.revisedOn, old_value: r.oldValue, new_value: r.newValue, reason: r.reason })),
    })),
    sdg_targets_detail: d.sdgTargets.map((t) => ({ id: t.id, goal: t.goal?.id ?? null, title: t.target?.title ?? null })),
    calculation: e
      ? {
          target_id: e.target.id,
          status: recordJson(e.status.record),
          achievement: e.status.achievement ? recordJson(e.status.achievement.record) : null,
          forecast: recordJson(e.forecast.record),
          un_progress_chart: { category: e.un.category, ratio: e.un.ratio, record: recordJson(e.un.record) },
          open_sdg: { status: e.openSdg.status, ratio: e.openSdg.ratio, record: recordJson(e.openSdg.record) },
        }
      : null,
    by_target: d.byTarget.map(({ target, evaluation }) => ({
      target_id: target.id,
      rate: evaluation.status.achievement?.rate ?? null,
      display_rate: evaluation.status.achievement?.displayRate ?? null,
      status: evaluation.status.status,
      forecast: evaluation.forecast.verdict,
    })),
    commentary: d.commentary.map((c) => ({ year: c.year, kind: c.kind, text: c.text, plan: c.plan?.id ?? null, observation_at: c.observation ? formatTimePointIso(c.observation.at) : null })),
    published_rates: d.publishedRates.map(({ published, document, result, asPublished, today }) => ({
      document: published.documentId,
      document_title: document?.title ?? null,
      document_published: document?.published ?? null,
      // The figures the reconciliation used: as they stood when the document was published.
      as_published: asPublished ? { actual: asPublished.actual.value, target: asPublished.target.value, baseline: asPublished.baseline.value } : null,
      // The same time point on today's actual and target (the KPI's method), for comparison.
      today: today ? { rate: today.rate, actual: today.actual.value, target: today.target.value } : null,
      actual_at: formatTimePointIso(published.actualAt),
      target_id: published.targetId,
      printed: published.printed,
      rate: published.rate,
      recomputed_progress: result?.rate ?? null,
      recomputed_ratio: result?.ratio ?? null,
      verdict: result?.verdict ?? null,
      explanation: result?.explanation ? { kind: result.explanation.kind, text: result.explanation.text } : null,
    })),
    plans: d.uses.map((u) => ({ plan: u.plan.id, node: u.nodePath.at(-1)!.id, no: u.row.no ?? null, target_id: u.row.targetId ?? null })),
    documents: d.documents.map((doc) => ({ id: doc.id, title: doc.title, published: doc.published })),
    about: aboutJson(d.about),
    as_published_in: d.about.publishedIn.map((p) => ({
      document: p.document?.id ?? null,
      title: p.title,
      published: p.document?.published ?? null,
      figures: p.figures.map((f) => ({ kind: f.kind, at: formatTimePointIso(f.at), printed: f.kind === 'rate' ? f.printed : null, value: f.kind === 'rate' ? null : f.value })),
    })),
  };
}

/** The KPI's metadata (issue 15.2) in the API's words; the last update as an ISO instant and in JST. */
function aboutJson(a: KpiDetail['about']) {
  return {
    definition: a.metadata.definition ?? null,
    data_source: a.metadata.dataSource ?? null,
    data_provider: a.metadata.dataProvider ?? null,
    update_frequency: a.metadata.updateFrequency ?? null,
    department: a.department ?? null,
    method: a.method,
    direction: a.direction,
    formula: a.formula,
    revision_count: a.revisionCount,
    last_updated: a.lastUpdated,
    last_updated_jst: a.lastUpdated ? formatTokyoDateTime(a.lastUpdated) : null,
  };
}

export function goalsJson(goals: readonly GoalOverview[]) {
  return {
    goals: goals.map((g) => ({
      id: g.goal.id,
      title: g.goal.title,
      short: g.goal.short,
      colour: g.goal.colour,
      kpi_count: g.kpiCount,
      cities: g.cities.map((c) => c.id),
      url: `/api/v1/sdgs/${g.goal.id}`,
    })),
  };
}

export function goalJson(d: GoalDetail) {
  return {
    goal: { id: d.goal.id, title: d.goal.title, short: d.goal.short, colour: d.goal.colour },
    kpi_count: d.kpiCount,
    targets: d.targets.map((t) => ({ id: t.target.id, title: t.target.title, kpis: t.kpis.map(cityKpiJson) })),
    targets_without_kpis: d.untouched.map((t) => t.id),
  };
}

/** An index to the baseline (baseline = 100) rounded to 0.1 as the compare page shows it; null where no ratio exists. */
const roundedIndex = (index: number | null) => (index === null ? null : Math.round(index * 10) / 10);

/** Where every city measuring a definition is listed (the compare page's link), on the site. */
const sameKpiSitePath = (k: IndexedKpi) => `/compare/kpis/${encodeURIComponent(k.city.id)}/${encodeURIComponent(k.kpi.id)}`;

/**
 * The same-KPI-definition groups of a comparison (issue 15.6) as the compare page shows them:
 * per group its definition key (`indicator:12.5.1` or `name:…|unit`), the shared indicator code,
 * and each city's KPI with its figures indexed to that city's own baseline (= 100, to 0.1).
 */
function sameKpisJson(groups: CityComparison['sameKpis']) {
  return groups.map((g) => ({
    key: g.key,
    indicator: g.indicator ?? null,
    all_cities_url: sameKpiSitePath(g.kpis[0]!),
    kpis: g.kpis.map((k) => ({
      ...cityKpiJson(k),
      series: k.series.map((f, i) => ({ kind: i === 0 ? 'baseline' : 'actual', at: formatTimePointIso(f.at), value: f.value, index: roundedIndex(f.index) })),
      latest_index: roundedIndex(k.latestIndex),
    })),
  }));
}

export function compareJson(c: CityComparison) {
  const theme = (columns: CityComparison['sharedGoals'][number]['columns']) => columns.map((col) => ({ city: col.city.id, kpis: col.kpis.map(cityKpiJson) }));
  return {
    cities: c.cities.map((x) => x.id),
    shared_targets: c.sharedTargets.map((t) => ({ id: t.theme.id, title: t.theme.title, columns: theme(t.columns) })),
    shared_goals: c.sharedGoals.map((g) => ({ id: g.theme.id, short: g.theme.short, columns: theme(g.columns) })),
    same_kpis: sameKpisJson(c.sameKpis),
  };
}

/** The columns a same-definition row adds to a comparison's CSV (empty on the theme rows). */
const SAME_KPI_COLUMNS = ['indicator', 'figure_kind', 'figure_at', 'figure', 'index'] as const;

/**
 * The KPI rows of a comparison for CSV: one per (shared target or goal, city, KPI), then one
 * per figure of each same-definition group (theme_kind `definition`, theme_id its key): the
 * baseline and each actual after it, with its index to that city's baseline (= 100, to 0.1).
 */
export function compareTable(c: CityComparison): DataTable {
  const empty = Object.fromEntries(SAME_KPI_COLUMNS.map((col) => [col, null]));
  const rows = [
    ...c.sharedTargets.flatMap((t) => t.columns.flatMap((col) => col.kpis.map((k) => ({ theme_kind: 'target', theme_id: t.theme.id, ...cityKpiRow(k), ...empty })))),
    ...c.sharedGoals.flatMap((g) => g.columns.flatMap((col) => col.kpis.map((k) => ({ theme_kind: 'goal', theme_id: g.theme.id, ...cityKpiRow(k), ...empty })))),
    ...c.sameKpis.flatMap((g) =>
      g.kpis.flatMap((k) =>
        k.series.map((f, i) => ({
          theme_kind: 'definition',
          theme_id: g.key,
          ...cityKpiRow(k),
          indicator: g.indicator ?? null,
          figure_kind: i === 0 ? 'baseline' : 'actual',
          figure_at: formatTimePointIso(f.at),
          figure: f.value,
          index: roundedIndex(f.index),
        })),
      ),
    ),
  ];
  return {
    columns: ['theme_kind', 'theme_id', 'city_id', 'kpi_id', 'name', 'name_en', 'unit', 'latest_at', 'latest', 'target_at', 'target', 'rate', 'status', 'status_override', 'status_override_justification', 'forecast', ...SAME_KPI_COLUMNS],
    rows,
  };
}

function cityKpiRow(k: CityKpi) {
  const e = k.evaluation;
  return {
    city_id: k.city.id,
    kpi_id: k.kpi.id,
    name: k.kpi.name,
    name_en: k.kpi.nameEn ?? null,
    unit: k.kpi.unit,
    latest_at: e?.latest ? formatTimePointIso(e.latest.at) : null,
    latest: e?.latest?.value ?? null,
    target_at: e ? formatTimePointIso(e.target.at) : null,
    target: e?.target.value ?? null,
    rate: e?.status.achievement?.displayRate ?? null,
    status: e?.status.status ?? 'no-data',
    status_override: k.override?.status ?? null,
    status_override_justification: k.override?.justification ?? null,
    forecast: e?.forecast.verdict ?? 'no-data',
  };
}

const segmentsText = (r: SearchResult) => r.title.map((s) => s.text).join('');

/** Where a search hit lives on the site. */
export function searchHitPath(r: SearchResult): string {
  if (r.kind === 'kpi') return `/cities/${r.city.id}/kpis/${r.kpi!.id}`;
  const plan = `/cities/${r.city.id}/plans/${r.plan!.id}`;
  return r.kind === 'node' ? `${plan}#node-${r.node!.id}` : plan;
}

export function searchJson(s: SearchResults) {
  const hit = (r: SearchResult) => ({
    kind: r.kind,
    city: r.city.id,
    plan: r.plan?.id ?? null,
    node: r.node?.id ?? null,
    kpi: r.kpi?.id ?? null,
    title: segmentsText(r),
    highlights: r.title.filter((x) => x.mark).map((x) => x.text),
    approximate: r.approximate,
    path: searchHitPath(r),
  });
  // `total_more`: more hits than counted, `total` being a lower bound (only then present: the answers of before are unchanged).
  return { query: s.query, total: s.total, ...(s.more && { total_more: true }), kpis: s.kpis.map(hit), plans: s.plans.map(hit), nodes: s.nodes.map(hit) };
}

export function searchTable(s: SearchResults): DataTable {
  return {
    columns: ['kind', 'city_id', 'plan_id', 'node_id', 'kpi_id', 'title', 'approximate', 'path'],
    rows: [...s.kpis, ...s.plans, ...s.nodes].map((r) => ({
      kind: r.kind,
      city_id: r.city.id,
      plan_id: r.plan?.id ?? null,
      node_id: r.node?.id ?? null,
      kpi_id: r.kpi?.id ?? null,
      title: segmentsText(r),
      approximate: r.approximate,
      path: searchHitPath(r),
    })),
  };
}

/**
 * A node's roll-up for the JSON API: status, progress (percent, unrounded), the direct parts
 * with their weights and whether they were counted, and the rule's sentence.
 */
export function rollupJson(r: NodeRollup) {
  return {
    node: r.nodeId,
    status: r.status,
    progress: r.progress,
    expected_progress: r.expectedProgress,
    worsening_weight: r.worseningWeight,
    total_weight: r.totalWeight,
    parts: r.parts.map((p) => ({ kind: p.kind, id: p.id, target_id: p.targetId ?? null, weight: p.weight, status: p.status, progress: p.progress, expected_progress: p.expectedProgress, counted: p.counted })),
    rule: recordJson(r.record),
  };
}
