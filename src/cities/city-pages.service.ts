import type { Kysely } from 'kysely';
import type { CityData } from '../core/city/city.ts';
import type { Result } from '../core/result.ts';
import type { DataTable } from '../formats/csv/write-csv.ts';
import { kpiJson } from '../formats/json/kpi-json.ts';
import { CITY_KPI_PAGE_SIZE, cityKpiList, isActive, matchingKpis, resolveKpiListFilterIn, withFixedChoices, type KpiListChoices, type KpiListQuery, type KpiListQueryProblem } from '../kpis/city-kpi-list.service.ts';
import { kpiTableRowOf, type KpiTableRow, type KpiTableRowJson } from '../kpis/kpi-table-row.model.ts';
import type { KpiListFilter } from '../kpis/progress-glance.service.ts';
import { KPI_COLUMNS, kpisTable } from '../open-data/open-data.service.ts';
import { statusOverridesByKpi } from '../staff/staff-notes.service.ts';
import type { Database } from '../storage/database.ts';
import { cityPageSummaryOf, nodeKpis, type CityPageSummary } from '../summaries/city-page.model.ts';
import type { Page } from '../summaries/national.service.ts';
import { cityKpiRowsById, freshCityKpiJsonPage, freshCityPageSummary, freshCityPageWithRows, freshUnpublishedYearsOf, listCityKpiSummaries, type CityKpiSummaryFilter, type CityPageRows } from '../summaries/summary.repository.ts';
import { summarizeCity } from './city-summary.service.ts';
import type { CityDataStore } from './city-data.store.ts';

/**
 * A city's own pages at national scale (issue 11): `/cities/:city` (and its CSV/JSON), its KPI
 * list `/cities/:city/kpis` (every filter and page, CSV/JSON), progress at a glance and the
 * API's `/api/v1/cities/:city[/kpis]` read one {@link CityPageSource}, either
 *
 * - from the city's summaries (`city_page_summaries`, `kpi_summaries`, `kpi_summary_nodes`,
 *   kept by summaries/summary.service.ts after every write): one row for the overview and one
 *   indexed query for a page of 50 KPIs with its count, whatever the city's size; or
 * - from the city's public data as the store loads it (the whole city, evaluated): when the
 *   store already holds the city (cheaper than any query), and whenever the summaries may be
 *   older than the data (a write of this process whose rebuild has not finished,
 *   `CityDataStore.summariesPending`; a write of another process not yet summarised,
 *   `summarized_revision < revision`; a city never summarised, such as right after the
 *   migration that added these summaries).
 *
 * Both give the same view models (the summaries keep each KPI's table row, API object and CSV
 * row as computed from the same public data), so the bytes served are the same.
 */

/** One page of a city's KPI list as the views draw it (kpis/city-kpi-list.service.ts `CityKpiListPage` with rows). */
export interface CityKpiListView {
  readonly filter: KpiListFilter;
  /** Whether any filter narrows the list. */
  readonly active: boolean;
  /** The page: its rows, its number, and `total` = KPIs matching the filter. */
  readonly page: Page<KpiTableRow>;
  /** Every KPI of the city's public view. */
  readonly cityTotal: number;
  /** The page number lies past the last page (the route answers 404). */
  readonly beyond: boolean;
}

/** The headline KPIs of the city page as rows, how many their section holds and the section as a `node` filter. */
export interface HeadlineRows {
  readonly items: readonly KpiTableRow[];
  readonly total: number;
  readonly node?: string | undefined;
}

/** A KPI as the API publishes it (formats/json/kpi-json.ts), without its city and URL. */
export type KpiJson = ReturnType<typeof kpiJson>;

/** A window of a list: from `offset` (0-based), at most `limit` items. */
export interface KpiWindow {
  readonly offset: number;
  readonly limit: number;
}

/** What a city's own pages read, from its summaries or its loaded data (see the module comment). */
export interface CityPageSource {
  /** Where it reads: for tests and profiles, never shown. */
  readonly from: 'summaries' | 'data';
  readonly overview: CityPageSummary;
  /** The KPI list's filter form choices. */
  readonly choices: KpiListChoices;
  /** The list's query checked against this city (a value it does not have names its parameter). */
  resolveFilter(q: KpiListQuery): Result<KpiListFilter, KpiListQueryProblem>;
  /** The city page's headline KPI cards. */
  headline(): Promise<HeadlineRows>;
  /** Page `pageNo` (1-based) of the KPIs matching `filter` ({@link CITY_KPI_PAGE_SIZE} a page). */
  listPage(filter: KpiListFilter, pageNo: number): Promise<CityKpiListView>;
  /** Every KPI matching `filter`, as the API publishes it, in the city's order. */
  kpiJsons(filter: KpiListFilter): Promise<readonly KpiJson[]>;
  /**
   * The KPIs matching `filter` from `window.offset` (at most `window.limit` of them; every one
   * without a window) as {@link kpiJsons} gives them, as compact JSON texts (`JSON.stringify` of
   * each) with their KPI ids, and how many match in all: for an answer spliced from them without
   * parsing (the API's paged list of a city's KPIs).
   */
  kpiJsonTexts(filter: KpiListFilter, window?: KpiWindow): Promise<{ readonly items: readonly { readonly kpiId: string; readonly json: string }[]; readonly total: number }>;
  /** Every KPI matching `filter` as the KPI CSV's rows (open-data/open-data.service.ts kpisTable). */
  kpiTable(filter: KpiListFilter): Promise<DataTable>;
}

/**
 * Which source a city's pages read: `auto` (the held city, else fresh summaries, else the loaded
 * city), `data` (always the loaded city: the reference the tests compare with), `summaries`
 * (fresh summaries even when the city is held, else the loaded city: for tests and profiles).
 */
export type CityPagesMode = 'auto' | 'data' | 'summaries';

/** What a caller of {@link openCityPages} is about to read. */
export interface CityPagesOptions {
  /**
   * The city page itself (its headline cards and the first page of its unfiltered KPI list): from
   * the summaries, those rows are read in the same statement as the overview
   * (summary.repository.ts `freshCityPageWithRows`), so the page costs one statement, not three.
   */
  readonly cityPage?: boolean;
}

/**
 * The source of a city's own pages, or null for an unknown city. Reads the overview row of the
 * city's summaries (one indexed query) unless the store holds the city or a write of this
 * process is still being summarised; falls back to the store's full-city load otherwise.
 */
export async function openCityPages(db: Kysely<Database>, store: CityDataStore, cityId: string, mode: CityPagesMode = 'auto', options: CityPagesOptions = {}): Promise<CityPageSource | null> {
  if (mode !== 'data' && !(mode === 'auto' && store.holds(cityId))) {
    if (options.cityPage) {
      const read = await store.whileSummarised([cityId], () => freshCityPageWithRows(db, cityId, CITY_KPI_PAGE_SIZE));
      if (read !== undefined) return summarySource(db, JSON.parse(read.pageJson) as CityPageSummary, read);
    } else {
      const json = await store.whileSummarised([cityId], () => freshCityPageSummary(db, cityId));
      if (json !== undefined) return summarySource(db, JSON.parse(json) as CityPageSummary);
    }
  }
  const data = await store.get(cityId);
  return data ? dataSource(data) : null;
}

/** One page of the API's list of a city's KPIs ({@link cityKpiJsonPage}). */
export interface CityKpiJsonPage {
  readonly cityId: string;
  /** The years with data the city's public view withholds ([] when none). */
  readonly unpublishedYears: readonly number[];
  /** The page's KPIs as compact JSON texts with their ids ({@link CityPageSource.kpiJsonTexts}). */
  readonly items: readonly { readonly kpiId: string; readonly json: string }[];
  /** Every KPI of the city. */
  readonly total: number;
}

/**
 * A window of a city's KPIs as the API publishes them (`/api/v1/cities/:city/kpis`), or null for
 * an unknown city: from the city's summaries in one statement while they are fresh and the store
 * does not hold the city (summary.repository.ts `freshCityKpiJsonPage`: the overview's few
 * fields, the page's rows, no count over the city), else from its loaded data as
 * {@link openCityPages} reads it. Both give the same items and total.
 */
export async function cityKpiJsonPage(db: Kysely<Database>, store: CityDataStore, cityId: string, window: KpiWindow, mode: CityPagesMode = 'auto'): Promise<CityKpiJsonPage | null> {
  if (mode !== 'data' && !(mode === 'auto' && store.holds(cityId))) {
    const read = await store.whileSummarised([cityId], () => freshCityKpiJsonPage(db, cityId, window.offset, window.limit));
    if (read !== undefined) return { cityId, unpublishedYears: read.unpublishedYears, items: read.rows, total: read.kpiCount };
  }
  const data = await store.get(cityId);
  if (!data) return null;
  const { items, total } = await dataSource(data).kpiJsonTexts({}, window);
  return { cityId: data.city.id, unpublishedYears: data.unpublishedYears ?? [], items, total };
}

/**
 * The years with data a city's public view withholds ([] for an unknown city or none), as the
 * city page and the API's `unpublished_years` give them: from the city's summaries in one
 * statement while they are fresh, else from its loaded data (pages that list several cities,
 * such as the search, say which of them hold back a year; issue 10.1).
 */
export async function cityUnpublishedYears(db: Kysely<Database>, store: CityDataStore, cityId: string): Promise<readonly number[]> {
  return (await cityKpiJsonPage(db, store, cityId, { offset: 0, limit: 1 }))?.unpublishedYears ?? [];
}

/**
 * {@link cityUnpublishedYears} of several cities (those a search page lists): one statement for
 * all whose summaries are fresh, the city's own read only for the others, never one statement a
 * city (a national search lists cities by the dozen).
 */
export async function citiesUnpublishedYears(db: Kysely<Database>, store: CityDataStore, cityIds: readonly string[]): Promise<Map<string, readonly number[]>> {
  const fresh = (await store.whileSummarised(cityIds, () => freshUnpublishedYearsOf(db, cityIds))) ?? new Map<string, number[]>();
  const years = new Map<string, readonly number[]>();
  for (const id of cityIds) years.set(id, fresh.get(id) ?? (await cityUnpublishedYears(db, store, id)));
  return years;
}

/** The KPI list filter as the summaries are queried. */
function summaryFilter(f: KpiListFilter): CityKpiSummaryFilter {
  return { status: f.status, goal: f.goal === undefined ? undefined : Number(f.goal), node: f.node, department: f.department, text: f.text };
}

function summarySource(db: Kysely<Database>, overview: CityPageSummary, read?: CityPageRows): CityPageSource {
  const cityId = overview.city.id;
  const choices = withFixedChoices(overview.choices);
  const nodes = new Set(overview.nodes);
  // The parsed object is this page's own: given its city in place rather than copied (a copy of every row's fields per request).
  const row = (json: string): KpiTableRow => Object.assign(JSON.parse(json) as KpiTableRowJson, { city: overview.city });
  return {
    from: 'summaries',
    overview,
    choices,
    resolveFilter: (q) => resolveKpiListFilterIn(choices, (value) => nodes.has(value), q),
    async headline() {
      if (read) return { items: read.headline.map(row), total: overview.headline.total, node: overview.headline.node };
      const found = new Map((await cityKpiRowsById(db, cityId, overview.headline.kpiIds)).map((r) => [r.kpiId, r.json]));
      const items = overview.headline.kpiIds.flatMap((id) => {
        const json = found.get(id);
        return json === undefined ? [] : [row(json)];
      });
      return { items, total: overview.headline.total, node: overview.headline.node };
    },
    async listPage(filter, pageNo) {
      const pageSize = CITY_KPI_PAGE_SIZE;
      if (read && pageNo === 1 && !isActive(filter)) {
        // Read with the overview: every KPI of the city matches, as many as the overview counts.
        const total = overview.kpiCount;
        return { filter, active: false, page: { items: read.first.map(row), page: 1, pageSize, total, pageCount: Math.max(1, Math.ceil(total / pageSize)) }, cityTotal: total, beyond: false };
      }
      const { rows: found, total } = await listCityKpiSummaries(db, cityId, summaryFilter(filter), 'row_json', { offset: (pageNo - 1) * pageSize, limit: pageSize });
      const pageCount = Math.max(1, Math.ceil(total / pageSize));
      const beyond = pageNo > pageCount;
      return { filter, active: isActive(filter), page: { items: beyond ? [] : found.map((r) => row(r.json)), page: pageNo, pageSize, total, pageCount }, cityTotal: overview.kpiCount, beyond };
    },
    async kpiJsons(filter) {
      return (await this.kpiJsonTexts(filter)).items.map((k) => JSON.parse(k.json) as KpiJson);
    },
    async kpiJsonTexts(filter, window) {
      const { rows, total } = await listCityKpiSummaries(db, cityId, summaryFilter(filter), 'api_json', window);
      return { items: rows, total };
    },
    async kpiTable(filter) {
      const { rows } = await listCityKpiSummaries(db, cityId, summaryFilter(filter), 'csv_json');
      return { columns: KPI_COLUMNS, rows: rows.map((r) => JSON.parse(r.json) as DataTable['rows'][number]) };
    },
  };
}

function dataSource(data: CityData): CityPageSource {
  const summary = summarizeCity(data);
  const overview = cityPageSummaryOf(data);
  const choices = withFixedChoices(overview.choices);
  const overrides = statusOverridesByKpi(data);
  const nodes = nodeKpis(data);
  type Item = (typeof summary.kpis)[number];
  const row = (x: Item) => kpiTableRowOf({ city: data.city, ...x, override: overrides.get(x.kpi.id) });
  return {
    from: 'data',
    overview,
    choices,
    resolveFilter: (q) => resolveKpiListFilterIn(choices, (value) => nodes.has(value), q),
    async headline() {
      const byId = new Map(summary.kpis.map((x) => [x.kpi.id, x]));
      return { items: overview.headline.kpiIds.flatMap((id) => (byId.has(id) ? [row(byId.get(id)!)] : [])), total: overview.headline.total, node: overview.headline.node };
    },
    async listPage(filter, pageNo) {
      const list = cityKpiList(data, summary, filter, pageNo);
      return { ...list, page: { ...list.page, items: list.page.items.map(row) } };
    },
    async kpiJsons(filter) {
      return matchingKpis(data, summary, filter).map((x) => kpiJson(x.kpi, x.evaluation, overrides.get(x.kpi.id)));
    },
    async kpiJsonTexts(filter, window) {
      const all = matchingKpis(data, summary, filter);
      const shown = window ? all.slice(window.offset, window.offset + window.limit) : all;
      return { items: shown.map((x) => ({ kpiId: x.kpi.id, json: JSON.stringify(kpiJson(x.kpi, x.evaluation, overrides.get(x.kpi.id))) })), total: all.length };
    },
    async kpiTable(filter) {
      return kpisTable(matchingKpis(data, summary, filter).map((x) => ({ city: data.city, ...x, override: overrides.get(x.kpi.id) })));
    },
  };
}
