import type { ColumnType, Kysely, Selectable, Transaction } from 'kysely';
import type { Database, Executor } from '../storage/database.ts';

/** The tables of migration 2026_11_30_0901_national_summaries, as Kysely sees them. */

/** `city_revisions`: a counter per city bumped by every write to it; summaries record what they were built from. */
export interface CityRevisionsTable {
  city_id: string;
  /** bigint, read as a string by pg and a number by PGlite: convert with Number(). */
  revision: ColumnType<string | number, number | undefined, number>;
  summarized_revision: ColumnType<string | number, number | undefined, number>;
  changed_at: ColumnType<Date, Date | string | undefined, Date | string>;
  /** The version of the code that last rendered the city's KPI pages (src/source-version.ts); null: never (kpi_page_summaries). */
  kpi_pages_by: ColumnType<string | null, string | null | undefined, string | null>;
}

/** `kpi_summaries`: one public KPI as the cross-city pages list it. */
export interface KpiSummariesTable {
  city_id: string;
  kpi_id: string;
  /** Order of the KPI within its city (as the city lists them). */
  position: number;
  name: string;
  name_en: string | null;
  unit: string;
  direction: string;
  /** ISO time point as the API writes it ("2024", "FY2024", "2024-03"…). */
  latest_at: string | null;
  latest_value: number | null;
  latest_decimals: number | null;
  target_at: string | null;
  target_value: number | null;
  target_decimals: number | null;
  /** 達成度 in % (progress from the baseline or the KPI's own method), null without data. */
  achievement_rate: number | null;
  /** The rate as the bar shows it (rounded as published). */
  display_rate: number | null;
  /** A KpiStatus ('achieved', 'on-track', 'behind', 'worsening', 'no-data', …). */
  status: string;
  /** The forecast verdict ('reach', 'miss', …), null without data. */
  forecast: string | null;
  /** The status the secretariat set instead, with its justification (shown beside the computed one). */
  override_status: string | null;
  override_justification: string | null;
  /** ISO date the override was decided. */
  override_decided_on: string | null;
  /** The KPI's definition key (core/kpi/kpi-definition.ts): KPIs of several cities with one key compare side by side (migration 2026_12_01_0401). */
  definition_key: string;
  /** The baseline (ISO time point, value, decimals), for figures indexed to baseline = 100. */
  baseline_at: string | null;
  baseline_value: number | null;
  baseline_decimals: number | null;
  /** Every target as JSON ({@link SummaryTargetJson}[], time order): the next one after today is chosen when a page is drawn. */
  targets_json: string;
  /**
   * The public actuals after the baseline in time order, as compact JSON ({@link SummarySeriesJson}):
   * the compare page's figures indexed to the baseline (migration 2026_12_01_1301).
   */
  series_json: string;
  /** Whether the KPI has an achievement rate at all (both rates may still be null: target = baseline = 0). */
  has_achievement: boolean;
  /** The department as the city's KPI list filters it: "" for none (kpis/city-kpi-list.service.ts departmentKey); migration 2026_12_01_1201. */
  department_key: string;
  /** The Japanese and English names normalised as the list's name filter compares them (normaliseNameFilter). */
  name_folded: string;
  /** The KPI as a row of the city's KPI table (kpis/kpi-table-row.model.ts KpiTableRowJson). */
  row_json: string;
  /** The KPI as the API publishes it (formats/json/kpi-json.ts kpiJson). */
  api_json: string;
  /** The KPI's row of the city's KPI CSV (open-data/open-data.service.ts kpisTable), as a JSON object. */
  csv_json: string;
}

/** `kpi_summary_nodes`: per plan node (`plan-id/node-id`), the public KPIs in it or below it (migration 2026_12_01_1201). */
export interface KpiSummaryNodesTable {
  city_id: string;
  node: string;
  kpi_id: string;
}

/** `city_page_summaries`: a city's overview as its pages show it, JSON (CityPageSummary, summaries/city-page.model.ts). */
export interface CityPageSummariesTable {
  city_id: string;
  page_json: string;
}

/**
 * `plan_page_summaries`: per plan of a city, its public page as the summaries keep it (migration
 * 2026_12_02_1401): `model_json` the page's model (plans/plan-page.model.ts PlanPageModel),
 * `table_json` per row of the model the KPI columns of its CSV when the row is measured against
 * another target than its KPI's, else null (its KPI's `kpi_summaries.csv_json`; planPageOwnRowsOf).
 */
export interface PlanPageSummariesTable {
  city_id: string;
  plan_id: string;
  model_json: string;
  table_json: string;
  /** The outline of a folded plan's model (plan-page.model.ts PlanPageOutline, migration 2026_12_03_1201); null when the page is not folded, or the row was summarised before the migration. */
  outline_json: string | null;
}

/**
 * `kpi_page_summaries`: per public KPI of a city and language, its page's main content as
 * rendered when the summaries were built (summaries/kpi-page.model.ts KpiPageParts; migration
 * 2026_12_04_1101). KPIs fed by a deriver (the partner platform's bound ones) have none.
 */
export interface KpiPageSummariesTable {
  city_id: string;
  kpi_id: string;
  /** 'ja' or 'en'. */
  lang: string;
  title: string;
  city_name: string;
  embed_title: string;
  main_before: string;
  main_after: string;
  /** The version of the code that rendered the page (src/source-version.ts): read only by processes running the same code. */
  rendered_by: string;
  /** A hash of everything the page was rendered from (web/kpi-page-renderer.ts): a rebuild keeps the row while it is unchanged. */
  input_key: string;
}

/** `kpi_summaries.series_json`: per actual [ISO time point, value] or [ISO time point, value, decimals]. */
export type SummarySeriesJson = readonly (readonly [string, number] | readonly [string, number, number])[];

/** One target as `kpi_summaries.targets_json` holds it: ISO time point, value, decimals as published. */
export interface SummaryTargetJson {
  readonly at: string;
  readonly value: number;
  readonly decimals?: number;
}

/** `kpi_summary_targets`: a summarised KPI's SDG targets, with the goal number for the SDG pages. */
export interface KpiSummaryTargetsTable {
  city_id: string;
  kpi_id: string;
  goal: number;
  target: string;
}

/**
 * `goal_city_counts`: per SDG goal, city and computed status, the city's KPIs tagged with one of
 * the goal's targets (each KPI once per goal); rebuilt with the city's other summaries.
 */
export interface GoalCityCountsTable {
  goal: number;
  city_id: string;
  status: string;
  kpis: number;
  /** The city's prefecture when these rows were built: the one whose {@link SdgCountsTable} rows they were added to (migration 2026_12_03_1001). */
  prefecture: ColumnType<string, string | undefined, string>;
}

/**
 * `sdg_counts` (migration 2026_12_03_1001): per prefecture ('' for every prefecture), SDG goal,
 * target ('' for the goal itself) and computed status ('' for every status), how many summarised
 * KPIs there are (each once per goal, once per target) and how many cities have any. Target rows
 * exist for every prefecture and status only. The sum of every city's `goal_city_counts` and
 * `kpi_summary_targets`, kept up to date by each city's rebuild (rows that fell to 0 stay, with 0).
 */
export interface SdgCountsTable {
  prefecture: string;
  goal: number;
  target: string;
  status: string;
  kpis: number;
  cities: number;
}

/** `search_entries`: a plan, plan node or KPI as the search finds and shows it. */
export interface SearchEntriesTable {
  city_id: string;
  position: number;
  kind: 'plan' | 'node' | 'kpi';
  plan_id: string | null;
  /** The plan's kind, title and English title (for plan and node entries: where a hit lives). */
  plan_kind: string | null;
  plan_title: string | null;
  plan_title_en: string | null;
  node_id: string | null;
  kpi_id: string | null;
  code: string | null;
  title: string;
  title_en: string | null;
  /** The longer text searched too (a plan's vision, a node's description, a KPI's department). */
  more: string | null;
  /** title, title_en, more and readings folded for matching, separated by newlines. */
  folded: string;
  /** The analyser's hiragana readings and dictionary forms of title and more (issue 15.5); matched, never shown. */
  readings: string;
}

/** The summary tables. */
export interface SummaryTables {
  city_revisions: CityRevisionsTable;
  kpi_summaries: KpiSummariesTable;
  kpi_summary_targets: KpiSummaryTargetsTable;
  goal_city_counts: GoalCityCountsTable;
  sdg_counts: SdgCountsTable;
  kpi_summary_nodes: KpiSummaryNodesTable;
  city_page_summaries: CityPageSummariesTable;
  plan_page_summaries: PlanPageSummariesTable;
  kpi_page_summaries: KpiPageSummariesTable;
  search_entries: SearchEntriesTable;
}

/** The database with the summary tables. */
export type SummaryDatabase = Database & SummaryTables;
/** An executor over {@link SummaryDatabase}. */
export type SummaryExecutor = Kysely<SummaryDatabase> | Transaction<SummaryDatabase>;

/** The same executor typed with the summary tables (they are created by the migrations). */
export function summaryDb(db: Executor | SummaryExecutor): SummaryExecutor {
  return db as unknown as SummaryExecutor;
}

/** A `kpi_summaries` row as read. */
export type KpiSummaryRow = Selectable<KpiSummariesTable>;
/** A `search_entries` row as read. */
export type SearchEntryRow = Selectable<SearchEntriesTable>;
