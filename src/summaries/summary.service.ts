import type { CityData } from '../core/city/city.ts';
import type { KpiPageParts } from './kpi-page.model.ts';
import { summarizeCity } from '../cities/city-summary.service.ts';
import { departmentKey, normaliseNameFilter } from '../kpis/city-kpi-list.service.ts';
import { kpiTableRowJson, kpiTableRowOf } from '../kpis/kpi-table-row.model.ts';
import { kpiJson } from '../formats/json/kpi-json.ts';
import { kpiRow } from '../open-data/open-data.service.ts';
import { cityPageSummaryOf, nodeKpis } from './city-page.model.ts';
import { planPageModelJson, planPageModelOf, planPageOutlineOf, planPageOwnRowsOf, plansFolded } from '../plans/plan-page.model.ts';
import { evaluateKpi, sortedObservations } from '../core/kpi/kpi-evaluation.ts';
import { walkPlanNodes } from '../core/plan/plan.ts';
import { goalOfTarget } from '../core/sdg/sdg-framework.ts';
import { compareTimePoints, formatTimePointIso, timePointEnd } from '../core/time/time-point.ts';
import { kpiDefinitionKey } from '../core/kpi/kpi-definition.ts';
import { loadJapaneseAnalyser, type JapaneseAnalyser } from '../search/japanese-analyser.ts';
import { foldForSearch, readingsOf } from '../search/search.service.ts';
import { statusOverridesByKpi } from '../staff/staff-notes.service.ts';
import type { Executor } from '../storage/database.ts';
import { replaceCitySummaries, replaceKpiPagesAt, cityRevision, kpiPageKeys, type CitySummaryRows } from './summary.repository.ts';
import type { KpiSummariesTable, KpiSummaryNodesTable, KpiSummaryTargetsTable, SearchEntriesTable, SummarySeriesJson, SummaryTargetJson } from './summary.table.ts';

/**
 * The rows the cross-city pages read for one city, built from its public data (what the city
 * page shows: unpublished years already left out): per KPI the latest actual, the target it is
 * measured against, the 達成度 and the computed status (core/kpi/kpi-evaluation.ts, the same
 * evaluation as the city page); its SDG targets with their goals; and the search entries of its
 * plans, nodes and KPIs with their texts folded as search.service.ts folds a query, and with the
 * analyser's readings and dictionary forms of their Japanese texts when it is given (issue 15.5).
 */
export function citySummaryRows(data: CityData, analyser?: JapaneseAnalyser, kpiPages?: RenderedKpiPages): CitySummaryRows {
  const cityId = data.city.id;
  const kpis: KpiSummariesTable[] = [];
  const targets: KpiSummaryTargetsTable[] = [];
  const overrides = statusOverridesByKpi(data);
  summarizeCity(data).kpis.forEach(({ kpi, evaluation: e }, position) => {
    const override = overrides.get(kpi.id);
    const row = kpiTableRowJson(kpiTableRowOf({ city: data.city, kpi, evaluation: e, override }));
    kpis.push({
      city_id: cityId,
      kpi_id: kpi.id,
      position,
      name: kpi.name,
      name_en: kpi.nameEn ?? null,
      unit: kpi.unit,
      direction: e?.direction ?? kpi.direction ?? 'up',
      latest_at: e?.latest ? formatTimePointIso(e.latest.at) : null,
      latest_value: e?.latest?.value ?? null,
      latest_decimals: e?.latest?.decimals ?? null,
      target_at: e ? formatTimePointIso(e.target.at) : null,
      target_value: e?.target.value ?? null,
      target_decimals: e?.target.decimals ?? null,
      achievement_rate: finite(e?.status.achievement?.rate),
      display_rate: finite(e?.status.achievement?.displayRate),
      status: e?.status.status ?? 'no-data',
      forecast: e?.forecast.verdict ?? null,
      override_status: override?.status ?? null,
      override_justification: override?.justification ?? null,
      override_decided_on: override?.decidedOn ?? null,
      definition_key: kpiDefinitionKey(kpi),
      baseline_at: formatTimePointIso(kpi.baseline.at),
      baseline_value: finite(kpi.baseline.value),
      baseline_decimals: kpi.baseline.decimals ?? null,
      targets_json: JSON.stringify(
        [...kpi.targets].sort((a, b) => compareTimePoints(a.at, b.at)).map((t): SummaryTargetJson => ({ at: formatTimePointIso(t.at), value: t.value, ...(t.decimals === undefined ? {} : { decimals: t.decimals }) })),
      ),
      department_key: departmentKey(kpi.department),
      name_folded: normaliseNameFilter(`${kpi.name}\n${kpi.nameEn ?? ''}`),
      row_json: JSON.stringify(row),
      api_json: JSON.stringify(kpiJson(kpi, e, override)),
      csv_json: JSON.stringify(kpiRow(cityId, kpi, e, override)),
      series_json: JSON.stringify(seriesAfterBaseline(kpi)),
      has_achievement: Boolean(e?.status.achievement),
    });
    for (const target of new Set(kpi.sdgTargets)) {
      const goal = goalOfTarget(target);
      if (goal) targets.push({ city_id: cityId, kpi_id: kpi.id, goal: goal.number, target });
    }
  });

  const entries: SearchEntriesTable[] = [];
  const entry = (e: Omit<SearchEntriesTable, 'city_id' | 'position' | 'folded' | 'readings'>) => {
    const readings = analyser ? readingsOf(analyser, [e.title, e.more]) : '';
    const folded = [e.code ? `${e.code} ${e.title}` : e.title, e.title_en, e.more, readings].filter((x): x is string => !!x).map((x) => foldForSearch(x).text).join('\n');
    entries.push({ ...e, city_id: cityId, position: entries.length, folded, readings });
  };
  for (const plan of data.plans) {
    const inPlan = { plan_id: plan.id, plan_kind: plan.kind, plan_title: plan.title, plan_title_en: plan.titleEn ?? null };
    entry({ kind: 'plan', ...inPlan, node_id: null, kpi_id: null, code: null, title: plan.title, title_en: plan.titleEn ?? null, more: plan.vision ?? null });
    for (const { node } of walkPlanNodes(plan.nodes)) {
      entry({ kind: 'node', ...inPlan, node_id: node.id, kpi_id: null, code: node.code ?? null, title: node.title, title_en: node.titleEn ?? null, more: node.description ?? null });
    }
  }
  for (const kpi of data.kpis) entry({ kind: 'kpi', plan_id: null, plan_kind: null, plan_title: null, plan_title_en: null, node_id: null, kpi_id: kpi.id, code: null, title: kpi.name, title_en: kpi.nameEn ?? null, more: kpi.department ?? null });
  // The KPI list's node filter: each node with the public KPIs in it or below it.
  const publicIds = new Set(data.kpis.map((k) => k.id));
  const nodes: KpiSummaryNodesTable[] = [];
  for (const [node, ids] of nodeKpis(data)) for (const kpiId of ids) if (publicIds.has(kpiId)) nodes.push({ city_id: cityId, node, kpi_id: kpiId });
  // Each plan's public page (plans/plan-page.model.ts): the model, and apart (read for downloads only) the CSV's KPI columns of its rows measured against another target than their KPI's.
  // A folded page (the most requested of a large plan) reads only its outline.
  const plans = data.plans.map((plan) => {
    const model = planPageModelOf(data, plan);
    return { city_id: cityId, plan_id: plan.id, model_json: planPageModelJson(model), table_json: JSON.stringify(planPageOwnRowsOf(data, plan)), outline_json: plansFolded(model) ? JSON.stringify(planPageOutlineOf(model)) : null };
  });
  return { kpis, targets, entries, nodes, page: { city_id: cityId, page_json: JSON.stringify(cityPageSummaryOf(data)) }, plans, kpiPages: kpiPages && kpiPageRows(cityId, kpiPages) };
}

/** Each KPI's page as rendered (kpi-page.model.ts), as the summaries keep it. */
function kpiPageRows(cityId: string, kpiPages: RenderedKpiPages): NonNullable<CitySummaryRows['kpiPages']> {
  return {
    renderedBy: kpiPages.renderedBy,
    keys: kpiPages.keys,
    rows: kpiPages.pages.map((p) => ({ city_id: cityId, kpi_id: p.kpiId, lang: p.lang, title: p.title, city_name: p.cityName, embed_title: p.embedTitle, main_before: p.before, main_after: p.after, rendered_by: kpiPages.renderedBy, input_key: kpiPages.keys.get(p.kpiId)! })),
  };
}

/** The public actuals after the baseline, in time order (what the compare page indexes to the baseline). */
function seriesAfterBaseline(kpi: CityData['kpis'][number]): SummarySeriesJson {
  const base = timePointEnd(kpi.baseline.at);
  return sortedObservations(kpi)
    .filter((o) => timePointEnd(o.at) > base)
    .map((o) => (o.decimals === undefined ? [formatTimePointIso(o.at), o.value] : [formatTimePointIso(o.at), o.value, o.decimals]));
}

const finite = (x: number | null | undefined): number | null => (x === null || x === undefined || !Number.isFinite(x) ? null : x);

/** Where {@link refreshCitySummaries} reads a city's current public data. */
export interface PublicCityReader {
  /** The city's public data holding every write up to `revision` (a view held from before it is read again); null for an unknown city. */
  getAtRevision(cityId: string, revision: number): Promise<CityData | null>;
  /** The version of the code that renders the KPI pages ({@link kpiPagesOf}); undefined when this reader renders none. */
  readonly kpiPageVersion?: string | undefined;
  /**
   * The KPI pages of the city to keep with its summaries, from that data (every public KPI whose
   * page depends on nothing but it): each one's input key, and its pages in both languages
   * rendered when its key is not the one in `previous` (the keys kept now, by KPI). Absent, or
   * undefined, when this reader renders no pages (their KPI pages are then read as before).
   */
  kpiPagesOf?(data: CityData, previous: ReadonlyMap<string, string>): Promise<RenderedKpiPages | undefined>;
}

/** A city's KPI pages as a reader rendered them, with the version of the code that did (src/source-version.ts). */
export interface RenderedKpiPages {
  readonly renderedBy: string;
  /** The input key of every KPI page to keep, by KPI. */
  readonly keys: ReadonlyMap<string, string>;
  /** The pages rendered anew (their keys changed). */
  readonly pages: readonly KpiPageParts[];
}

/**
 * Rebuilds one city's summary rows from its current public data. The revision is read before
 * the data, and the data must hold it (a city held in memory since before another process's
 * write is read again), so the summaries are never marked as new as a write they miss; a write
 * landing during the build leaves them marked older than the data and the next refresh rebuilds
 * them. Returns whether rows were written.
 */
export async function refreshCitySummaries(db: Executor, reader: PublicCityReader, cityId: string): Promise<boolean> {
  const revision = await cityRevision(db, cityId);
  const data = await reader.getAtRevision(cityId, revision);
  if (!data) return false;
  return replaceCitySummaries(db, cityId, revision, citySummaryRows(data, await loadJapaneseAnalyser(), await renderedKpiPages(db, reader, cityId, data)));
}

/**
 * The city's KPI pages the reader renders from `data` (undefined when it renders none); those
 * whose input is unchanged since the pages this version of the code kept are kept, not rendered again.
 */
async function renderedKpiPages(db: Executor, reader: PublicCityReader, cityId: string, data: CityData): Promise<RenderedKpiPages | undefined> {
  const version = reader.kpiPageVersion;
  return version === undefined ? undefined : reader.kpiPagesOf?.(data, await kpiPageKeys(db, cityId, version));
}

/**
 * Renders one city's KPI pages alone, from its public data at the revision its summaries hold,
 * when the reader renders pages (the pages of KPIs whose input key this version of the code
 * already kept are kept). Returns whether pages were written: false when the reader renders none,
 * the city is unknown, or a write came in meanwhile (its rebuild renders them).
 */
export async function refreshKpiPages(db: Executor, reader: PublicCityReader, cityId: string): Promise<boolean> {
  if (reader.kpiPageVersion === undefined || !reader.kpiPagesOf) return false;
  const revision = await cityRevision(db, cityId);
  const data = await reader.getAtRevision(cityId, revision);
  if (!data) return false;
  const pages = await renderedKpiPages(db, reader, cityId, data);
  return pages !== undefined && (await replaceKpiPagesAt(db, cityId, revision, kpiPageRows(cityId, pages)));
}
