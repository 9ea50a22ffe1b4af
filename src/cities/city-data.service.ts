import { endOfIsoDateInJapan } from '../core/time/iso-date.ts';
import { decimalsOf } from '../core/quantity.ts';
import type { City, CityData, OpenDataLicence, PublishedRate, SourceDocument } from '../core/city/city.ts';
import type { DatedValue, Kpi, KpiMetadata, KpiTarget, Observation, TargetRevision } from '../core/kpi/kpi.ts';
import { findParentPlanCycle, type Plan, type PlanKpiRow, type PlanNarrative, type PlanNode, type PlanVersion, type SheetReport } from '../core/plan/plan.ts';
import { formatTimePointIso, parseTimePointIso, timePointEnd, type TimePoint } from '../core/time/time-point.ts';
import { appendChangeLog, type NewChangeLogEntry } from '../storage/change-log.repository.ts';
import { findCityRow, insertCity, listCityRows, updateCity } from '../cities/city.repository.ts';
import { toNumber, toNumberOrNull, type JsonValue } from '../storage/columns.ts';
import { inTransaction, type Executor } from '../storage/database.ts';
import {
  deleteKpiSdgTargets,
  insertKpiSdgTargets,
  insertKpis,
  listKpiRows,
  listKpiSdgTargets,
  retireKpis,
  updateKpi,
} from '../kpis/kpi.repository.ts';
import { listCurrentObservations, recordObservations, type CurrentObservationRow, type ObservationChange } from '../actuals/observation.repository.ts';
import {
  archivePlanNodes,
  archivePlans,
  deletePlanKpiRows,
  deletePlanNarratives,
  deletePlanNodes,
  deletePlanVersions,
  insertPlanKpiRows,
  insertPlanNarratives,
  insertPlanSheetReports,
  insertPlanNodes,
  insertPlanVersions,
  insertPlans,
  listPlanKpiRows,
  listPlanNarratives,
  listPlanSheetReports,
  listPlanNodes,
  listPlanRows,
  listPlanVersions,
  setPlanKpiRowPositions,
  updatePlan,
  updatePlanNode,
  type PlanKpiRowWithPlan,
} from '../plans/plan.repository.ts';
import { listPreciseFigures, replacePreciseFigures } from '../kpis/figures.repository.ts';
import type { PreciseFigureRow } from '../kpis/figures.table.ts';
import { roundHalfUp } from '../core/kpi/rounding.ts';
import { deletePublishedRates, insertPublishedRates, listPublishedActualVersions, listPublishedRates, type PublishedActualVersionRow } from '../kpis/published-rate.repository.ts';
import {
  deleteSourceDocuments,
  insertSourceDocuments,
  listSourceDocuments,
  updateSourceDocument,
} from '../cities/source-document.repository.ts';
import type { CityRow, NewCityRow, SourceDocumentRow } from '../cities/city.table.ts';
import type { KpiRow, KpiSdgTargetRow, NewKpiRow } from '../kpis/kpi.table.ts';
import type { NewPlanKpiRowRow, NewPlanNodeRow, NewPlanRow, PlanNarrativeRow, PlanNodeRow, PlanRow, PlanSheetReportRow, PlanVersionRow } from '../plans/plan.table.ts';
import type { NewPublishedRateRow, PublishedRateRow } from '../kpis/published-rate.table.ts';
import type { KpiTargetValueRow, TargetRevisionRow } from '../kpis/target.table.ts';
import {
  appendTargetRevisions,
  appendTargetValues,
  insertTargets,
  listTargetRevisions,
  listTargetValueVersions,
  listTargets,
  updateTarget,
  type CurrentTargetRow,
  type NewTargetRevision,
  type TargetValueChange,
} from '../kpis/target.repository.ts';

/** A CityData that cannot be saved as given (a dangling reference, a duplicate id, history rewritten). */
export class CityDataError extends Error {
  override readonly name = 'CityDataError';
}

/** Options of {@link saveCityData}. */
export interface SaveCityDataOptions {
  /** Why the data is saved ("2024 progress sheet import"); kept with every version it appends. */
  readonly reason?: string;
}

/** All cities, by id. */
export async function listCities(db: Executor): Promise<City[]> {
  return (await listCityRows(db)).map(cityFromRow);
}

/** Whether a city with this id is stored. */
export async function cityExists(db: Executor, cityId: string): Promise<boolean> {
  return (await findCityRow(db, cityId)) !== undefined;
}

/** Everything stored about a city as domain types (plan trees rebuilt, revisions attached), or null. */
export async function loadCityData(db: Executor, cityId: string, options: LoadCityDataOptions = {}): Promise<CityData | null> {
  const snapshot = await inTransaction(db, (trx) => readSnapshot(trx, cityId, options.withHistory === true), { isolation: 'repeatable read' });
  return snapshot ? cityDataFromSnapshot(snapshot, options.withHistory === true) : null;
}

/** Options of {@link loadCityData}. */
export interface LoadCityDataOptions {
  /**
   * Also read what the system knew when: every stored target value and each revision's entry
   * time (`KpiTarget.versions`, `TargetRevision.recordedAt`), and each published rate's actual
   * as it stood when its document was published (`PublishedRate.actualAsPublished`). The store
   * asks for it (published rates and past sheets use it, issue 10.6); a plain load returns
   * exactly what was saved.
   */
  readonly withHistory?: boolean;
}

/**
 * Saves a whole city in one transaction, all or nothing. Idempotent: saving what is stored
 * changes nothing. Changed actuals and target values append versions (the old ones stay, with
 * who, when and why); actuals and targets missing from `data` get tombstones; KPIs missing
 * from `data` are retired (archived), not deleted. Documents and published rates are replaced
 * where they differ, with the old content kept in the change log.
 *
 * Archived things are outside the data ({@link loadCityData} leaves them out), so a save never
 * loses them (issue 13.2: staff can restore what they archived): an archived plan, node (with
 * its subtree) or KPI that `data` does not mention keeps every row — a KPI its targets,
 * actuals, plan rows, published rates and precise figures. One that `data` mentions is brought
 * back with the data's content. Plans and nodes are written in place (their ids, and so the
 * plan snapshots and what refers to them, stay); a plan `data` omits is archived, a node it
 * omits is archived when anything hangs under it (children, KPI rows) and deleted when empty.
 */
export async function saveCityData(db: Executor, data: CityData, actor: string, options: SaveCityDataOptions = {}): Promise<void> {
  if (actor.trim() === '') throw new Error('saveCityData needs an actor (who saves)');
  checkCityData(data);
  await inTransaction(db, (trx) => new CityWriter(trx, data, actor, options.reason ?? null).write());
}

// ---------------------------------------------------------------------------------------------
// Reading: rows → domain

/** Every row of one city, read in a fixed number of queries. */
interface Snapshot {
  readonly city: CityRow;
  readonly documents: SourceDocumentRow[];
  /** Retired ones included: a save may bring one back. */
  readonly kpis: KpiRow[];
  readonly sdgTargets: KpiSdgTargetRow[];
  /** Tombstoned ones included. */
  readonly targets: CurrentTargetRow[];
  readonly revisions: TargetRevisionRow[];
  readonly observations: CurrentObservationRow[];
  readonly plans: PlanRow[];
  readonly planVersions: PlanVersionRow[];
  readonly planNodes: PlanNodeRow[];
  readonly planKpiRows: PlanKpiRowWithPlan[];
  readonly planNarratives: PlanNarrativeRow[];
  readonly planSheetReports: PlanSheetReportRow[];
  readonly rates: PublishedRateRow[];
  /** Unrounded values behind printed baselines, actuals and targets. */
  readonly precise: PreciseFigureRow[];
  /** Versions of the actuals the published rates refer to (see rateActualAsPublished). */
  readonly rateActuals: PublishedActualVersionRow[];
  /** Every stored value of the targets (what the system knew when: sheets and published rates). */
  readonly targetVersions: KpiTargetValueRow[];
}

async function readSnapshot(db: Executor, cityId: string, withHistory: boolean): Promise<Snapshot | null> {
  const city = await findCityRow(db, cityId);
  if (!city) return null;
  const [documents, kpis, plans, rates, precise] = await Promise.all([
    listSourceDocuments(db, cityId),
    listKpiRows(db, cityId, { includeRetired: true }),
    listPlanRows(db, cityId),
    listPublishedRates(db, cityId),
    listPreciseFigures(db, cityId),
  ]);
  const kpiIds = kpis.map((k) => k.id);
  const planIds = plans.map((p) => p.id);
  const [sdgTargets, targets, observations, planVersions, planNodes, planKpiRows, planNarratives, planSheetReports] = await Promise.all([
    listKpiSdgTargets(db, kpiIds),
    listTargets(db, kpiIds),
    listCurrentObservations(db, kpiIds),
    listPlanVersions(db, planIds),
    listPlanNodes(db, planIds),
    listPlanKpiRows(db, planIds),
    listPlanNarratives(db, planIds),
    listPlanSheetReports(db, planIds),
  ]);
  const [revisions, targetVersions] = await Promise.all([listTargetRevisions(db, targets.map((t) => t.id)), withHistory ? listTargetValueVersions(db, targets.map((t) => t.id)) : []]);
  const rateActuals = withHistory && rates.length > 0 ? await listPublishedActualVersions(db, cityId) : [];
  return { city, documents, kpis, sdgTargets, targets, revisions, observations, plans, planVersions, planNodes, planKpiRows, planNarratives, planSheetReports, rates, precise, rateActuals, targetVersions };
}

/** Slugs by row id, to turn foreign keys back into the domain's ids. */
class SlugIndex {
  readonly kpi = new Map<number, string>();
  readonly target = new Map<number, string>();
  readonly document = new Map<number, string>();
  readonly plan = new Map<number, string>();

  constructor(s: Snapshot) {
    for (const k of s.kpis) this.kpi.set(k.id, k.slug);
    for (const t of s.targets) this.target.set(t.id, t.slug);
    for (const d of s.documents) this.document.set(d.id, d.slug);
    for (const p of s.plans) this.plan.set(p.id, p.slug);
  }
}

function cityDataFromSnapshot(s: Snapshot, withHistory = false): CityData {
  const slugs = new SlugIndex(s);
  const sdg = groupBy(s.sdgTargets, (r) => r.kpi_id);
  const targets = groupBy(
    s.targets.filter((t) => t.deleted === false),
    (t) => t.kpi_id,
  );
  const revisions = groupBy(s.revisions, (r) => r.kpi_target_id);
  const targetVersions = groupBy(s.targetVersions, (v) => v.kpi_target_id);
  const observations = groupBy(s.observations, (o) => o.kpi_id);
  const precise = groupBy(s.precise, (p) => p.kpi_id);
  const retiredKpis = new Set(s.kpis.filter((k) => k.retired_at !== null).map((k) => k.id));
  const kpis = s.kpis
    .filter((k) => k.retired_at === null)
    .map((k) => withPrecise({
      ...kpiHeadFromRow(k, (sdg.get(k.id) ?? []).map((r) => r.sdg_target)),
      ...kpiMetadataFromRow(k),
      observations: (observations.get(k.id) ?? []).map((o) => (withHistory ? { ...observationFromRow(o), recordedAt: o.recorded_at.toISOString() } : observationFromRow(o))),
      targets: (targets.get(k.id) ?? []).map((t) => {
        const target = targetFromRow(t, revisions.get(t.id) ?? []);
        return withHistory ? withKnownHistory(target, targetVersions.get(t.id) ?? [], revisions.get(t.id) ?? []) : target;
      }),
    }, precise.get(k.id) ?? []));
  return {
    city: cityFromRow(s.city),
    documents: s.documents.map(documentFromRow),
    kpis,
    // An archived plan leaves every page and report; its rows stay for staff to restore (issue 13.2).
    plans: plansFromSnapshot(s, slugs).filter((p) => !archivedPlanSlugs(s).has(p.id)),
    // The rates of an archived KPI stay stored with it (restored with it).
    publishedRates: s.rates.filter((r) => !retiredKpis.has(r.kpi_id)).map((r) => withActualAsPublished(rateFromRow(r, slugs), rateActualAsPublished(s.rateActuals, r))),
  };
}

function withActualAsPublished(rate: PublishedRate, asPublished: { value: number; decimals: number } | null): PublishedRate {
  return asPublished ? { ...rate, actualAsPublished: asPublished } : rate;
}

/**
 * The actual a published rate was computed from as it stood on the document's date (end of
 * that day or month, Asia/Tokyo): the latest version recorded by then, else the first version
 * (figures transcribed from the document itself are recorded after it). Null when the actual
 * was deleted at that date or never recorded.
 */
function rateActualAsPublished(rows: readonly PublishedActualVersionRow[], r: PublishedRateRow): { value: number; decimals: number } | null {
  const versions = rows.filter((v) => v.kpi_id === r.kpi_id && v.actual_at === r.actual_at && v.document_id === r.document_id);
  if (versions.length === 0) return null;
  const end = new Date(endOfIsoDateInJapan(versions[0]!.published)).getTime();
  const standing = versions.filter((v) => v.recorded_at.getTime() <= end).at(-1) ?? versions.find((v) => !v.deleted);
  if (!standing || standing.deleted) return null;
  const value = toNumberOrNull(standing.value);
  if (value === null) return null;
  return { value, decimals: standing.decimals ?? decimalsOf(value) };
}

/** A `cities` row as the domain City. */
export function cityFromRow(r: CityRow): City {
  return normalizeCity({
    id: r.id,
    name: r.name,
    nameEn: r.name_en,
    prefecture: r.prefecture,
    prefectureEn: r.prefecture_en,
    ...opt('sdgsFutureCitySince', r.sdgs_future_city_since),
    ...opt('population', r.population),
    ...opt('description', r.description),
    ...opt('localGovernmentCode', r.local_government_code),
    ...(r.fiscal_year_start_month !== 4 ? { fiscalYearStartMonth: r.fiscal_year_start_month } : {}),
    ...opt('openDataLicence', r.open_data_licence as OpenDataLicence | null | undefined),
  });
}

function documentFromRow(r: SourceDocumentRow): SourceDocument {
  return { id: r.slug, title: r.title, published: r.published, ...opt('source', r.source) };
}

/** A KPI without its actuals and targets: the part stored in `kpis` and `kpi_sdg_targets`. */
type KpiHead = Omit<Kpi, 'observations' | 'targets' | keyof KpiMetadata>;

function kpiHeadFromRow(r: KpiRow, sdgTargets: string[]): KpiHead {
  return {
    id: r.slug,
    cityId: r.city_id,
    name: r.name,
    ...opt('nameEn', r.name_en),
    unit: r.unit,
    ...opt('department', r.department),
    ...opt('indicator', r.indicator_code),
    sdgTargets,
    side: r.side,
    aggregation: r.aggregation,
    ...opt('direction', r.direction),
    method: r.method,
    baseline: datedValue(r.baseline_at, r.baseline_value, r.baseline_decimals),
  };
}

/**
 * What staff typed about a KPI (definition, source, provider, update frequency). Not part of
 * {@link KpiHead}: plan data files do not carry it, so saving a file keeps it.
 */
function kpiMetadataFromRow(r: KpiRow): KpiMetadata {
  return {
    ...opt('definition', r.definition?.trim() || null),
    ...opt('dataSource', r.data_source?.trim() || null),
    ...opt('dataProvider', r.data_provider?.trim() || null),
    ...opt('updateFrequency', r.update_frequency),
  };
}

function observationFromRow(r: CurrentObservationRow): Observation {
  if (r.value === null) throw new Error(`observation ${r.observation_id} has a current version without a value`);
  return { ...datedValue(r.at, r.value, r.decimals), ...opt('note', r.note), ...opt('source', r.source) };
}

function targetFromRow(t: CurrentTargetRow, revisions: TargetRevisionRow[]): KpiTarget {
  if (t.value === null) throw new Error(`target ${t.id} has no current value`);
  return { id: t.slug, ...datedValue(t.at, t.value, t.decimals), revisions: revisions.map(revisionFromRow) };
}

/**
 * Puts each stored precise value beside its printed figure. One that no longer rounds to the
 * printed figure (the figure was corrected since) is left out: it was the unrounded value of
 * another number.
 */
function withPrecise(kpi: Kpi, rows: readonly PreciseFigureRow[]): Kpi {
  if (rows.length === 0) return kpi;
  const find = (figure: PreciseFigureRow['figure'], ref: string) => rows.find((r) => r.figure === figure && r.ref === ref);
  const attach = <T extends DatedValue>(d: T, row: PreciseFigureRow | undefined): T => {
    if (!row) return d;
    const value = toNumber(row.value);
    const decimals = d.decimals ?? decimalsOf(d.value);
    if (roundHalfUp(value, decimals) !== roundHalfUp(d.value, decimals)) return d;
    return { ...d, precise: { value, source: row.source, basis: row.basis } };
  };
  return {
    ...kpi,
    baseline: attach(kpi.baseline, find('baseline', '')),
    observations: kpi.observations.map((o) => attach(o, find('actual', formatTimePointIso(o.at)))),
    targets: kpi.targets.map((t) => attach(t, find('target', t.id))),
  };
}

/**
 * Adds what the system knew when: the target's stored values and each revision's entry time
 * (never written back: the writer compares revisions without them).
 */
function withKnownHistory(target: KpiTarget, versions: readonly KpiTargetValueRow[], revisions: readonly TargetRevisionRow[]): KpiTarget {
  return {
    ...target,
    revisions: target.revisions.map((r, i) => ({ ...r, recordedAt: revisions[i]!.recorded_at.toISOString() })),
    versions: versions
      .filter((v) => !v.deleted && v.value !== null)
      .map((v) => ({ value: toNumber(v.value!), ...(v.decimals !== null && { decimals: v.decimals }), recordedAt: v.recorded_at.toISOString() })),
  };
}

function revisionFromRow(r: TargetRevisionRow): TargetRevision {
  return { oldValue: toNumber(r.old_value), newValue: toNumber(r.new_value), reason: r.reason, revisedOn: r.revised_on };
}

/** Slugs of the archived plans of a snapshot. */
function archivedPlanSlugs(s: Snapshot): Set<string> {
  return new Set(s.plans.filter((p) => p.archived_at !== null).map((p) => p.slug));
}

function plansFromSnapshot(s: Snapshot, slugs: SlugIndex): Plan[] {
  const archivedPlans = new Set(s.plans.filter((p) => p.archived_at !== null).map((p) => p.id));
  const versions = groupBy(s.planVersions, (v) => v.plan_id);
  const narratives = groupBy(s.planNarratives, (n) => n.plan_id);
  const reports = groupBy(s.planSheetReports, (r) => r.plan_id);
  // Archived nodes (and so their subtrees) and rows of archived (retired) KPIs are not part of the plan as loaded.
  const nodesByParent = groupBy(s.planNodes.filter((n) => n.archived_at === null), (n) => `${n.plan_id}/${n.parent_id ?? ''}`);
  const retiredKpis = new Set(s.kpis.filter((k) => k.retired_at !== null).map((k) => k.id));
  const rowsByNode = groupBy(s.planKpiRows.filter((r) => !retiredKpis.has(r.kpi_id)), (r) => r.node_id);

  const tree = (planId: number, parentId: number | null): PlanNode[] =>
    [...(nodesByParent.get(`${planId}/${parentId ?? ''}`) ?? [])]
      .sort((a, b) => a.position - b.position)
      .map((n) => ({
        id: n.slug,
        kind: n.kind,
        ...opt('code', n.code),
        title: n.title,
        ...opt('titleEn', n.title_en),
        ...opt('description', n.description),
        children: tree(planId, n.id),
        kpiRows: [...(rowsByNode.get(n.id) ?? [])].sort((a, b) => a.position - b.position).map((r) => planKpiRowFromRow(r, slugs)),
      }));
  return s.plans.map((p) => ({
    id: p.slug,
    cityId: p.city_id,
    kind: p.kind,
    title: p.title,
    ...opt('titleEn', p.title_en),
    periodStart: p.period_start,
    periodEnd: p.period_end,
    // An archived parent is not part of the data: the link stays stored (the writer keeps it).
    ...opt('parentPlanId', p.parent_plan_id === null || archivedPlans.has(p.parent_plan_id) ? null : must(slugs.plan.get(p.parent_plan_id), 'parent plan')),
    ...opt('vision', p.vision),
    versions: (versions.get(p.id) ?? []).map(
      (v): PlanVersion => ({ label: v.label, kind: v.kind, date: v.date, ...opt('note', v.note) }),
    ),
    nodes: tree(p.id, null),
    narratives: (narratives.get(p.id) ?? []).map(
      (n): PlanNarrative => ({ kind: n.kind, title: n.title, body: n.body, ...opt('year', n.year), ...opt('section', n.section) }),
    ),
    ...(p.sheet_layout !== 'cabinet-office' ? { sheetLayout: p.sheet_layout } : {}),
    ...opt('periodOrdinal', p.period_ordinal),
    ...sheetReportsOf(reports.get(p.id) ?? []),
  }));
}

/** The plan's dated sheet reports, absent when there is none (the normal form). */
function sheetReportsOf(rows: readonly PlanSheetReportRow[]): { sheetReports?: SheetReport[] } {
  if (rows.length === 0) return {};
  return { sheetReports: rows.map((r) => ({ year: r.year, kind: r.kind, submittedOn: r.submitted_on, ...opt('documentId', r.document_id) })) };
}

function planKpiRowFromRow(r: PlanKpiRowWithPlan, slugs: SlugIndex): PlanKpiRow {
  return {
    kpiId: must(slugs.kpi.get(r.kpi_id), 'KPI of a plan row'),
    ...opt('no', r.no),
    ...opt('targetId', r.kpi_target_id === null ? null : must(slugs.target.get(r.kpi_target_id), 'target of a plan row')),
    ...opt('weight', toNumberOrNull(r.weight)),
    ...opt('commentary', r.commentary),
    ...opt('reflection', r.reflection),
  };
}

function rateFromRow(r: PublishedRateRow, slugs: SlugIndex): PublishedRate {
  const actual = toNumberOrNull(r.actual_value);
  const target = toNumberOrNull(r.target_value);
  return {
    kpiId: must(slugs.kpi.get(r.kpi_id), 'KPI of a published rate'),
    documentId: must(slugs.document.get(r.document_id), 'document of a published rate'),
    actualAt: timePointFromDb(r.actual_at),
    targetId: must(slugs.target.get(r.kpi_target_id), 'target of a published rate'),
    rate: toNumber(r.rate),
    decimals: r.decimals,
    printed: r.printed,
    ...(actual !== null && { actual: { value: actual, decimals: must(r.actual_decimals ?? undefined, 'decimals of an actual') } }),
    ...(target !== null && { targetValue: { value: target, decimals: must(r.target_decimals ?? undefined, 'decimals of a target') } }),
  };
}

function datedValue(at: string, value: string | number, decimals: number | null): DatedValue {
  return { at: timePointFromDb(at), value: toNumber(value), ...opt('decimals', decimals) };
}

function timePointFromDb(iso: string): TimePoint {
  const t = parseTimePointIso(iso);
  if (!t) throw new Error(`unreadable time point in the database: ${iso}`);
  return t;
}

// ---------------------------------------------------------------------------------------------
// Writing: a diff of CityData against what is stored, applied in batches

/** One save of a city: reads what is stored once, then writes only the differences. */
class CityWriter {
  private readonly cityId: string;
  private readonly log: NewChangeLogEntry[] = [];
  private readonly documentIds = new Map<string, number>();
  private readonly kpiIds = new Map<string, number>();
  /** `kpi slug#target slug` → target id, for the targets present in the data. */
  private readonly targetIds = new Map<string, number>();
  /**
   * Stored KPIs the data does not mention (archived, or archived by this save): outside the
   * data, so their plan rows, published rates and precise figures are left as they are.
   */
  private outsideKpiIds = new Set<number>();
  private slugs: SlugIndex | null = null;
  /** Documents the data removes: the rates citing them go too, those of archived KPIs included. */
  private removedDocumentIds: readonly number[] = [];

  constructor(
    private readonly db: Executor,
    private readonly data: CityData,
    private readonly actor: string,
    private readonly reason: string | null,
  ) {
    this.cityId = data.city.id;
  }

  async write(): Promise<void> {
    const stored = await readSnapshot(this.db, this.cityId, false);
    const slugs = stored ? new SlugIndex(stored) : null;
    this.slugs = slugs;
    const dataKpis = new Set(this.data.kpis.map((k) => k.id));
    this.outsideKpiIds = new Set((stored?.kpis ?? []).filter((k) => !dataKpis.has(k.slug)).map((k) => k.id));
    await this.writeCity(stored?.city);
    const removedDocuments = await this.writeDocuments(stored?.documents ?? []);
    this.removedDocumentIds = removedDocuments;
    await this.writeKpis(stored?.kpis ?? [], stored?.sdgTargets ?? []);
    await this.writeTargets(stored?.targets ?? [], stored?.revisions ?? []);
    await this.writeObservations(stored?.observations ?? []);
    await this.writePlans(stored, slugs);
    await this.writePublishedRates(
      stored && slugs ? stored.rates.filter((r) => !this.outsideKpiIds.has(r.kpi_id)).map((r) => rateFromRow(r, slugs)) : [],
      (stored?.rates ?? []).some((r) => this.outsideKpiIds.has(r.kpi_id) && this.removedDocumentIds.includes(r.document_id)),
    );
    await this.writePreciseFigures(stored?.precise ?? [], slugs);
    await deleteSourceDocuments(this.db, removedDocuments);
    await appendChangeLog(this.db, this.log);
  }

  private note(entry: Omit<NewChangeLogEntry, 'actor' | 'cityId' | 'reason'>): void {
    this.log.push({ ...entry, actor: this.actor, cityId: this.cityId, reason: this.reason });
  }

  private async writeCity(row: CityRow | undefined): Promise<void> {
    // A data file without the code or fiscal year start keeps what the city already has (a file
    // written before they were kept, or one that leaves them to the system administrator).
    const stored = row ? cityFromRow(row) : undefined;
    const wanted = normalizeCity({
      ...this.data.city,
      localGovernmentCode: this.data.city.localGovernmentCode ?? stored?.localGovernmentCode,
      fiscalYearStartMonth: this.data.city.fiscalYearStartMonth ?? stored?.fiscalYearStartMonth,
    } as City);
    const values: NewCityRow = {
      id: wanted.id,
      name: wanted.name,
      name_en: wanted.nameEn,
      prefecture: wanted.prefecture,
      prefecture_en: wanted.prefectureEn,
      sdgs_future_city_since: wanted.sdgsFutureCitySince ?? null,
      population: wanted.population ?? null,
      description: wanted.description ?? null,
      local_government_code: wanted.localGovernmentCode ?? null,
      fiscal_year_start_month: wanted.fiscalYearStartMonth ?? 4,
      open_data_licence: wanted.openDataLicence ?? null,
    };
    if (!row) {
      await insertCity(this.db, values);
      this.note({ action: 'create', entity: 'city', entityId: this.cityId, new: json(wanted) });
      return;
    }
    const current = cityFromRow(row);
    if (same(current, wanted)) return;
    const { id: _id, ...patch } = values;
    await updateCity(this.db, this.cityId, patch);
    this.note({ action: 'update', entity: 'city', entityId: this.cityId, old: json(current), new: json(wanted) });
  }

  /** Inserts and updates documents; returns the ids of removed ones, deleted once no rate cites them. */
  private async writeDocuments(rows: SourceDocumentRow[]): Promise<number[]> {
    const stored = new Map(rows.map((r) => [r.slug, r]));
    const inserts: SourceDocument[] = [];
    const insertPositions: number[] = [];
    for (const [position, doc] of this.data.documents.entries()) {
      const wanted = normalizeDocument(doc);
      const row = stored.get(doc.id);
      stored.delete(doc.id);
      if (!row) {
        inserts.push(wanted);
        insertPositions.push(position);
        continue;
      }
      this.documentIds.set(doc.id, row.id);
      const current = documentFromRow(row);
      if (same(current, wanted) && row.position === position) continue;
      await updateSourceDocument(this.db, row.id, { title: wanted.title, published: wanted.published, source: wanted.source ?? null, position });
      if (!same(current, wanted)) this.note({ action: 'update', entity: 'source_document', entityId: doc.id, old: json(current), new: json(wanted) });
    }
    const inserted = await insertSourceDocuments(
      this.db,
      inserts.map((d, i) => ({ city_id: this.cityId, slug: d.id, position: insertPositions[i]!, title: d.title, published: d.published, source: d.source ?? null })),
    );
    for (const row of inserted) this.documentIds.set(row.slug, row.id);
    for (const d of inserts) this.note({ action: 'create', entity: 'source_document', entityId: d.id, new: json(d) });
    for (const row of stored.values()) this.note({ action: 'delete', entity: 'source_document', entityId: row.slug, old: json(documentFromRow(row)) });
    return [...stored.values()].map((r) => r.id);
  }

  private async writeKpis(rows: KpiRow[], sdgRows: KpiSdgTargetRow[]): Promise<void> {
    const stored = new Map(rows.map((r) => [r.slug, r]));
    const sdg = groupBy(sdgRows, (r) => r.kpi_id);
    const inserts: { head: KpiHead; row: NewKpiRow }[] = [];
    const sdgReplaced: number[] = [];
    const sdgInserts: { kpi_id: number; sdg_target: string; position: number }[] = [];
    for (const [position, kpi] of this.data.kpis.entries()) {
      const head = kpiHead(kpi);
      const values = kpiRowValues(head, position);
      const row = stored.get(kpi.id);
      stored.delete(kpi.id);
      if (!row) {
        inserts.push({ head, row: values });
        continue;
      }
      this.kpiIds.set(kpi.id, row.id);
      const current = kpiHeadFromRow(row, (sdg.get(row.id) ?? []).map((r) => r.sdg_target));
      const retired = row.retired_at !== null;
      if (same(current, head) && row.position === position && !retired) continue;
      await updateKpi(this.db, row.id, { ...values, retired_at: null });
      if (!same(current.sdgTargets, head.sdgTargets)) {
        sdgReplaced.push(row.id);
        sdgInserts.push(...head.sdgTargets.map((sdg_target, i) => ({ kpi_id: row.id, sdg_target, position: i })));
      }
      if (retired) this.note({ action: 'create', entity: 'kpi', entityId: kpi.id, new: json(head) });
      else if (!same(current, head)) this.note({ action: 'update', entity: 'kpi', entityId: kpi.id, old: json(current), new: json(head) });
    }
    const inserted = await insertKpis(
      this.db,
      inserts.map((i) => i.row),
    );
    for (const [i, row] of inserted.entries()) {
      const { head } = inserts[i]!;
      this.kpiIds.set(row.slug, row.id);
      sdgInserts.push(...head.sdgTargets.map((sdg_target, position) => ({ kpi_id: row.id, sdg_target, position })));
      this.note({ action: 'create', entity: 'kpi', entityId: head.id, new: json(head) });
    }
    await deleteKpiSdgTargets(this.db, sdgReplaced);
    await insertKpiSdgTargets(this.db, sdgInserts);
    const retiring = [...stored.values()].filter((r) => r.retired_at === null);
    await retireKpis(
      this.db,
      retiring.map((r) => r.id),
    );
    for (const r of retiring) this.note({ action: 'retire', entity: 'kpi', entityId: r.slug, old: json(kpiHeadFromRow(r, (sdg.get(r.id) ?? []).map((s) => s.sdg_target))) });
  }

  private async writeTargets(rows: CurrentTargetRow[], revisionRows: TargetRevisionRow[]): Promise<void> {
    const stored = new Map(rows.map((r) => [r.id, r]));
    const storedBySlug = new Map(rows.map((r) => [targetKey(r.kpi_id, r.slug), r]));
    const storedRevisions = groupBy(revisionRows, (r) => r.kpi_target_id);
    const newSlots: { kpiSlug: string; target: KpiTarget; position: number; kpiId: number }[] = [];
    const valueChanges: TargetValueChange[] = [];
    const revisions: { kpiSlug: string; targetSlug: string; targetId: number; revision: TargetRevision; loggedAsRevise: boolean }[] = [];
    const seen = new Set<number>();

    for (const kpi of this.data.kpis) {
      const kpiId = must(this.kpiIds.get(kpi.id), 'KPI id');
      for (const [position, target] of kpi.targets.entries()) {
        const row = storedBySlug.get(targetKey(kpiId, target.id));
        if (!row) {
          newSlots.push({ kpiSlug: kpi.id, target, position, kpiId });
          continue;
        }
        seen.add(row.id);
        this.targetIds.set(`${kpi.id}#${target.id}`, row.id);
        const at = formatTimePointIso(target.at);
        if (row.at !== at || row.position !== position) {
          await updateTarget(this.db, row.id, { at, at_end: timePointEnd(target.at), position });
          if (row.at !== at) {
            this.note({ action: 'update', entity: 'kpi_target', entityId: `${kpi.id}#${target.id}`, old: { at: row.at }, new: { at } });
          }
        }
        // Revisions are a record of decisions: the stored ones must be where the data's begin.
        const before = (storedRevisions.get(row.id) ?? []).map(revisionFromRow);
        const wanted = target.revisions.map(normalizeRevision);
        if (!same(before, wanted.slice(0, before.length))) {
          throw new CityDataError(
            `target "${target.id}" of KPI "${kpi.id}": its revisions differ from the stored ones; revisions are never rewritten, add a new one instead`,
          );
        }
        const added = wanted.slice(before.length);
        const live = row.deleted === false && row.value !== null ? { value: toNumber(row.value), decimals: row.decimals } : null;
        const changed = live === null || live.value !== target.value || live.decimals !== (target.decimals ?? null);
        const last = added[added.length - 1];
        const revise = changed && last !== undefined && last.newValue === target.value;
        if (changed) {
          valueChanges.push({
            targetId: row.id,
            value: target.value,
            decimals: target.decimals ?? null,
            reason: revise ? last.reason : this.reason,
            ...(revise && { kind: 'revise' as const }),
          });
        }
        added.forEach((revision, i) =>
          revisions.push({ kpiSlug: kpi.id, targetSlug: target.id, targetId: row.id, revision, loggedAsRevise: revise && i === added.length - 1 }),
        );
      }
    }

    // Targets no longer in the data: a tombstone, so the value they had stays in the history.
    const dataKpiIds = new Set(this.kpiIds.values());
    for (const row of stored.values()) {
      if (seen.has(row.id) || row.deleted !== false || !dataKpiIds.has(row.kpi_id)) continue;
      valueChanges.push({ targetId: row.id, value: null, reason: this.reason });
    }

    const inserted = await insertTargets(
      this.db,
      newSlots.map((s) => ({ kpi_id: s.kpiId, slug: s.target.id, at: formatTimePointIso(s.target.at), at_end: timePointEnd(s.target.at), position: s.position })),
    );
    for (const [i, row] of inserted.entries()) {
      const { kpiSlug, target } = newSlots[i]!;
      this.targetIds.set(`${kpiSlug}#${target.id}`, row.id);
      valueChanges.push({ targetId: row.id, value: target.value, decimals: target.decimals ?? null, reason: this.reason });
      for (const revision of target.revisions) {
        revisions.push({ kpiSlug, targetSlug: target.id, targetId: row.id, revision: normalizeRevision(revision), loggedAsRevise: false });
      }
    }

    await appendTargetValues(this.db, valueChanges, this.actor);
    await appendTargetRevisions(
      this.db,
      revisions.map(
        (r): NewTargetRevision => ({ targetId: r.targetId, oldValue: r.revision.oldValue, newValue: r.revision.newValue, reason: r.revision.reason, revisedOn: r.revision.revisedOn }),
      ),
      this.actor,
    );
    for (const r of revisions) {
      if (r.loggedAsRevise) continue;
      this.log.push({
        actor: this.actor,
        cityId: this.cityId,
        action: 'add-revision',
        entity: 'kpi_target',
        entityId: `${r.kpiSlug}#${r.targetSlug}`,
        new: json(r.revision),
        reason: r.revision.reason,
      });
    }
  }

  private async writeObservations(rows: CurrentObservationRow[]): Promise<void> {
    const current = new Map(rows.map((r) => [`${r.kpi_id} ${r.at}`, r]));
    const changes: ObservationChange[] = [];
    for (const kpi of this.data.kpis) {
      const kpiId = must(this.kpiIds.get(kpi.id), 'KPI id');
      for (const o of kpi.observations) {
        const key = `${kpiId} ${formatTimePointIso(o.at)}`;
        const row = current.get(key);
        current.delete(key);
        const wanted = { value: o.value, decimals: o.decimals ?? null, note: o.note ?? null, source: o.source ?? null };
        if (row && same({ value: toNumberOrNull(row.value), decimals: row.decimals, note: row.note, source: row.source }, wanted)) continue;
        changes.push({ kpiId, at: o.at, ...wanted });
      }
    }
    // Actuals no longer in the data (of KPIs still in it): a tombstone version each.
    const dataKpiIds = new Set(this.kpiIds.values());
    for (const row of current.values()) {
      if (dataKpiIds.has(row.kpi_id)) changes.push({ kpiId: row.kpi_id, at: timePointFromDb(row.at), value: null });
    }
    await recordObservations(this.db, changes, { actor: this.actor, reason: this.reason });
  }

  private async writePlans(stored: Snapshot | null, slugs: SlugIndex | null): Promise<void> {
    const storedRows = new Map((stored?.plans ?? []).map((r) => [r.slug, r]));
    const storedPlans = new Map(stored && slugs ? plansFromSnapshot(stored, slugs).map((p) => [p.id, p]) : []);
    const planIds = new Map<string, number>();
    const fill: { planId: number; plan: Plan }[] = [];
    const changed: { planId: number; current: Plan; plan: Plan }[] = [];
    const inserts: { plan: Plan; row: NewPlanRow }[] = [];

    for (const [position, plan] of this.data.plans.entries()) {
      const wanted = normalizePlan(plan);
      const values = planRowValues(this.cityId, wanted, position);
      const row = storedRows.get(plan.id);
      const current = storedPlans.get(plan.id);
      if (!row || !current) {
        inserts.push({ plan: wanted, row: values });
        continue;
      }
      planIds.set(plan.id, row.id);
      const archived = row.archived_at !== null;
      if (same(current, wanted) && row.position === position && !archived) continue;
      // An archived plan the data names comes back (as an archived KPI the data names does).
      if (!same(planHead(current), planHead(wanted)) || row.position !== position || archived) await updatePlan(this.db, row.id, { ...values, archived_at: null });
      if (!same(planContents(current), planContents(wanted))) changed.push({ planId: row.id, current, plan: wanted });
      if (archived) this.note({ action: 'restore', entity: 'plan', entityId: plan.id, old: json(current), new: json(wanted) });
      else if (!same(current, wanted)) this.note({ action: 'update', entity: 'plan', entityId: plan.id, old: json(current), new: json(wanted) });
    }

    const inserted = await insertPlans(
      this.db,
      inserts.map((i) => i.row),
    );
    for (const [i, row] of inserted.entries()) {
      const { plan } = inserts[i]!;
      planIds.set(plan.id, row.id);
      fill.push({ planId: row.id, plan });
      this.note({ action: 'create', entity: 'plan', entityId: plan.id, new: json(plan) });
    }

    // Parents once every plan has an id (a plan may name one listed after it). An archived
    // parent the data does not mention is not in the loaded plan: the stored link stays.
    const archivedOutside = new Set((stored?.plans ?? []).filter((r) => r.archived_at !== null && !planIds.has(r.slug)).map((r) => r.id));
    for (const plan of this.data.plans) {
      const parentId = plan.parentPlanId === undefined ? null : planIds.get(plan.parentPlanId);
      if (parentId === undefined) throw new CityDataError(`plan "${plan.id}": unknown parent plan "${plan.parentPlanId}"`);
      const storedParentId = storedRows.get(plan.id)?.parent_plan_id ?? null;
      if (parentId === null && storedParentId !== null && archivedOutside.has(storedParentId)) continue;
      if (storedParentId !== parentId) await updatePlan(this.db, must(planIds.get(plan.id), 'plan id'), { parent_plan_id: parentId });
    }

    for (const c of changed) await this.syncPlanContents(c.planId, c.current, c.plan, stored!);
    await this.insertPlanContents(fill);

    // A plan the data omits is archived, never deleted: its snapshots, tree and history stay for staff to restore.
    const omitted = [...storedRows.values()].filter((r) => !planIds.has(r.slug) && r.archived_at === null);
    await archivePlans(
      this.db,
      omitted.map((r) => r.id),
    );
    for (const r of omitted) this.note({ action: 'archive', entity: 'plan', entityId: r.slug, old: json(storedPlans.get(r.slug) ?? null) });
  }

  /**
   * Writes a stored plan's contents where they differ, in place: versions and narratives are
   * replaced when they differ; nodes are matched by id (slug) and updated, moved or inserted,
   * so their row ids stay; KPI rows follow {@link syncKpiRows}. Nodes outside the data
   * (archived ones and everything below them) are left as they are, unless the data names one
   * (then it comes back where the data puts it). A node the data omits is archived when
   * anything hangs under it and deleted when it is empty.
   */
  private async syncPlanContents(planId: number, current: Plan, plan: Plan, stored: Snapshot): Promise<void> {
    if (!same(current.versions, plan.versions)) {
      await deletePlanVersions(this.db, [planId]);
      await insertPlanVersions(this.db, plan.versions.map((v, position) => ({ plan_id: planId, position, label: v.label, kind: v.kind, date: v.date, note: v.note ?? null })));
    }
    if (!same(current.narratives, plan.narratives)) {
      await deletePlanNarratives(this.db, [planId]);
      await insertPlanNarratives(this.db, plan.narratives.map((n, position) => ({ plan_id: planId, position, kind: n.kind, title: n.title, body: n.body, year: n.year ?? null })));
    }
    if (same(current.nodes, plan.nodes)) return;

    const rows = stored.planNodes.filter((n) => n.plan_id === planId);
    const byId = new Map(rows.map((n) => [n.id, n]));
    const bySlug = new Map(rows.map((n) => [n.slug, n]));
    const hidden = (n: PlanNodeRow): boolean => {
      for (let x: PlanNodeRow | undefined = n; x; x = x.parent_id === null ? undefined : byId.get(x.parent_id)) if (x.archived_at !== null) return true;
      return false;
    };
    const storedKpiRows = groupBy(stored.planKpiRows.filter((r) => r.plan_id === planId), (r) => r.node_id);
    const matched = new Set<number>();
    const newKpiRows: NewPlanKpiRowRow[] = [];
    let level = plan.nodes.map((node, position) => ({ node, position, parentId: null as number | null }));
    while (level.length > 0) {
      const next: typeof level = [];
      const toInsert: typeof level = [];
      for (const item of level) {
        const { node, position, parentId } = item;
        const row = bySlug.get(node.id);
        if (!row) {
          toInsert.push(item);
          continue;
        }
        matched.add(row.id);
        const values = { parent_id: parentId, position, kind: node.kind, code: node.code ?? null, title: node.title, title_en: node.titleEn ?? null, description: node.description ?? null, archived_at: null };
        const moved = row.parent_id !== parentId || row.position !== position || row.archived_at !== null;
        const edited = row.kind !== values.kind || row.code !== values.code || row.title !== values.title || row.title_en !== values.title_en || row.description !== values.description;
        const rowsChanged = await this.syncKpiRows(plan, row.id, node.kpiRows, storedKpiRows.get(row.id) ?? [], newKpiRows);
        // A new row version even when only its KPI rows changed: a form opened before the save conflicts.
        if (moved || edited || rowsChanged) await updatePlanNode(this.db, row.id, values);
        next.push(...node.children.map((child, i) => ({ node: child, position: i, parentId: row.id })));
      }
      const inserted = await insertPlanNodes(
        this.db,
        toInsert.map(({ node, position, parentId }) => ({ plan_id: planId, parent_id: parentId, slug: node.id, position, kind: node.kind, code: node.code ?? null, title: node.title, title_en: node.titleEn ?? null, description: node.description ?? null })),
      );
      for (const [i, row] of inserted.entries()) {
        const { node } = toInsert[i]!;
        for (const [position, r] of node.kpiRows.entries()) newKpiRows.push(this.planKpiRowValues(plan, row.id, r, position));
        next.push(...node.children.map((child, j) => ({ node: child, position: j, parentId: row.id })));
      }
      level = next;
    }
    await insertPlanKpiRows(this.db, newKpiRows);

    // Nodes of the plan as loaded that the data omits: the top one of each omitted subtree is
    // archived when anything still hangs under it (children, archived ones included, or KPI
    // rows), deleted when it is empty — the builder's rule for deleting a node.
    const gone = rows.filter((n) => !matched.has(n.id) && !hidden(n));
    const goneIds = new Set(gone.map((n) => n.id));
    const tops = gone.filter((n) => n.parent_id === null || !goneIds.has(n.parent_id));
    const empty = (n: PlanNodeRow) => !rows.some((x) => x.parent_id === n.id && !matched.has(x.id)) && (storedKpiRows.get(n.id) ?? []).length === 0;
    await deletePlanNodes(this.db, tops.filter(empty).map((n) => n.id));
    await archivePlanNodes(this.db, tops.filter((n) => !empty(n)).map((n) => n.id));
  }

  /**
   * Writes a stored node's KPI rows: the rows of KPIs in the data become the data's rows (in
   * its order); the rows of KPIs outside the data (archived) stay, at the place they had among
   * the node's rows. Returns whether anything changed; new rows are added to `inserts` (written
   * after every node's positions are settled).
   */
  private async syncKpiRows(plan: Plan, nodeId: number, wanted: readonly PlanKpiRow[], storedRows: readonly PlanKpiRowWithPlan[], inserts: NewPlanKpiRowRow[]): Promise<boolean> {
    const slugs = must(this.slugs ?? undefined, 'slugs of a stored city');
    const inside = storedRows.filter((r) => !this.outsideKpiIds.has(r.kpi_id));
    if (same(inside.map((r) => planKpiRowFromRow(r, slugs)), wanted)) return false;
    await deletePlanKpiRows(this.db, inside.map((r) => r.id));
    const order: ({ kept: PlanKpiRowWithPlan } | { row: PlanKpiRow })[] = wanted.map((row) => ({ row }));
    for (const [i, r] of storedRows.entries()) if (this.outsideKpiIds.has(r.kpi_id)) order.splice(Math.min(i, order.length), 0, { kept: r });
    const moves: { id: number; position: number }[] = [];
    for (const [position, o] of order.entries()) {
      if ('kept' in o) {
        if (o.kept.position !== position) moves.push({ id: o.kept.id, position });
      } else inserts.push(this.planKpiRowValues(plan, nodeId, o.row, position));
    }
    await setPlanKpiRowPositions(this.db, moves);
    return true;
  }

  /** Writes versions, narratives, trees (a level at a time, all plans together) and KPI rows. */
  private async insertPlanContents(plans: { planId: number; plan: Plan }[]): Promise<void> {
    await insertPlanVersions(
      this.db,
      plans.flatMap(({ planId, plan }) =>
        plan.versions.map((v, position) => ({ plan_id: planId, position, label: v.label, kind: v.kind, date: v.date, note: v.note ?? null })),
      ),
    );
    await insertPlanNarratives(
      this.db,
      plans.flatMap(({ planId, plan }) =>
        plan.narratives.map((n, position) => ({ plan_id: planId, position, kind: n.kind, title: n.title, body: n.body, year: n.year ?? null, section: n.section ?? null })),
      ),
    );
    await insertPlanSheetReports(
      this.db,
      plans.flatMap(({ planId, plan }) =>
        (plan.sheetReports ?? []).map((r) => ({ plan_id: planId, year: r.year, kind: r.kind, submitted_on: r.submittedOn, document_id: r.documentId ?? null })),
      ),
    );

    const kpiRows: NewPlanKpiRowRow[] = [];
    let level = plans.flatMap(({ planId, plan }) => plan.nodes.map((node, position) => ({ planId, plan, node, position, parentId: null as number | null })));
    while (level.length > 0) {
      const inserted = await insertPlanNodes(
        this.db,
        level.map(
          ({ planId, node, position, parentId }): NewPlanNodeRow => ({
            plan_id: planId,
            parent_id: parentId,
            slug: node.id,
            position,
            kind: node.kind,
            code: node.code ?? null,
            title: node.title,
            title_en: node.titleEn ?? null,
            description: node.description ?? null,
          }),
        ),
      );
      const next: typeof level = [];
      for (const [i, row] of inserted.entries()) {
        const { planId, plan, node } = level[i]!;
        for (const [position, r] of node.kpiRows.entries()) kpiRows.push(this.planKpiRowValues(plan, row.id, r, position));
        next.push(...node.children.map((child, position) => ({ planId, plan, node: child, position, parentId: row.id })));
      }
      level = next;
    }
    await insertPlanKpiRows(this.db, kpiRows);
  }

  private planKpiRowValues(plan: Plan, nodeId: number, r: PlanKpiRow, position: number): NewPlanKpiRowRow {
    const kpiId = this.kpiIds.get(r.kpiId);
    if (kpiId === undefined) throw new CityDataError(`plan "${plan.id}": a row names unknown KPI "${r.kpiId}"`);
    let targetId: number | null = null;
    if (r.targetId !== undefined) {
      const id = this.targetIds.get(`${r.kpiId}#${r.targetId}`);
      if (id === undefined) throw new CityDataError(`plan "${plan.id}": a row of KPI "${r.kpiId}" names unknown target "${r.targetId}"`);
      targetId = id;
    }
    return {
      node_id: nodeId,
      kpi_id: kpiId,
      kpi_target_id: targetId,
      position,
      no: r.no ?? null,
      weight: r.weight === undefined ? null : finite(r.weight, `weight of KPI "${r.kpiId}" in plan "${plan.id}"`),
      commentary: r.commentary ?? null,
      reflection: r.reflection ?? null,
    };
  }

  /** Replaces the city's precise values when they differ from the stored set, logging old and new. */
  private async writePreciseFigures(rows: PreciseFigureRow[], slugs: SlugIndex | null): Promise<void> {
    const key = (p: { kpi: string; figure: string; ref: string }) => `${p.kpi}\u0000${p.figure}\u0000${p.ref}`;
    const current = rows
      .filter((r) => !this.outsideKpiIds.has(r.kpi_id))
      .map((r) => ({ kpi: slugs?.kpi.get(r.kpi_id) ?? String(r.kpi_id), figure: r.figure, ref: r.ref, value: toNumber(r.value), source: r.source, basis: r.basis }))
      .sort((a, b) => (key(a) < key(b) ? -1 : 1));
    const wanted = this.data.kpis
      .flatMap((k) => [
        ...(k.baseline.precise ? [{ kpi: k.id, figure: 'baseline' as const, ref: '', ...k.baseline.precise }] : []),
        ...k.observations.flatMap((o) => (o.precise ? [{ kpi: k.id, figure: 'actual' as const, ref: formatTimePointIso(o.at), ...o.precise }] : [])),
        ...k.targets.flatMap((t) => (t.precise ? [{ kpi: k.id, figure: 'target' as const, ref: t.id, ...t.precise }] : [])),
      ])
      .map((p) => ({ kpi: p.kpi, figure: p.figure, ref: p.ref, value: finite(p.value, `precise value of KPI "${p.kpi}"`), source: p.source, basis: p.basis }))
      .sort((a, b) => (key(a) < key(b) ? -1 : 1));
    if (same(current, wanted)) return;
    await replacePreciseFigures(
      this.db,
      this.cityId,
      wanted.map((p) => ({ city_id: this.cityId, kpi_id: this.kpiIds.get(p.kpi)!, figure: p.figure, ref: p.ref, value: p.value, source: p.source, basis: p.basis, actor: this.actor })),
      [...this.outsideKpiIds],
    );
    this.note({ action: 'replace', entity: 'precise_figures', entityId: this.cityId, old: json(current), new: json(wanted) });
  }

  private async writePublishedRates(current: PublishedRate[], keptCiteRemoved: boolean): Promise<void> {
    const wanted = this.data.publishedRates.map(normalizeRate);
    if (same(current, wanted) && !keptCiteRemoved) return;
    const rows = wanted.map((r, position): NewPublishedRateRow => {
      const where = `published rate of KPI "${r.kpiId}" at ${formatTimePointIso(r.actualAt)}`;
      const kpiId = this.kpiIds.get(r.kpiId);
      if (kpiId === undefined) throw new CityDataError(`${where}: unknown KPI`);
      const documentId = this.documentIds.get(r.documentId);
      if (documentId === undefined) throw new CityDataError(`${where}: unknown document "${r.documentId}"`);
      const targetId = this.targetIds.get(`${r.kpiId}#${r.targetId}`);
      if (targetId === undefined) throw new CityDataError(`${where}: unknown target "${r.targetId}"`);
      return {
        city_id: this.cityId,
        position,
        kpi_id: kpiId,
        document_id: documentId,
        actual_at: formatTimePointIso(r.actualAt),
        actual_at_end: timePointEnd(r.actualAt),
        kpi_target_id: targetId,
        rate: finite(r.rate, where),
        decimals: r.decimals,
        printed: r.printed,
        actual_value: r.actual ? finite(r.actual.value, where) : null,
        actual_decimals: r.actual?.decimals ?? null,
        target_value: r.targetValue ? finite(r.targetValue.value, where) : null,
        target_decimals: r.targetValue?.decimals ?? null,
      };
    });
    await deletePublishedRates(this.db, this.cityId, { kpiIds: [...this.outsideKpiIds], exceptDocumentIds: this.removedDocumentIds });
    await insertPublishedRates(this.db, rows);
    this.note({ action: 'replace', entity: 'published_rates', entityId: this.cityId, old: json(current), new: json(wanted) });
  }
}

// ---------------------------------------------------------------------------------------------
// Domain → row values, and the normal forms both sides are compared in

function kpiRowValues(k: KpiHead, position: number): NewKpiRow {
  return {
    city_id: k.cityId,
    slug: k.id,
    position,
    name: k.name,
    name_en: k.nameEn ?? null,
    unit: k.unit,
    department: k.department ?? null,
    indicator_code: k.indicator ?? null,
    side: k.side,
    aggregation: k.aggregation,
    direction: k.direction ?? null,
    method: k.method,
    baseline_at: formatTimePointIso(k.baseline.at),
    baseline_at_end: timePointEnd(k.baseline.at),
    baseline_value: k.baseline.value,
    baseline_decimals: k.baseline.decimals ?? null,
  };
}

function planRowValues(cityId: string, p: Plan, position: number): NewPlanRow {
  return {
    city_id: cityId,
    slug: p.id,
    position,
    kind: p.kind,
    title: p.title,
    title_en: p.titleEn ?? null,
    period_start: p.periodStart,
    period_end: p.periodEnd,
    vision: p.vision ?? null,
    sheet_layout: p.sheetLayout ?? 'cabinet-office',
    period_ordinal: p.periodOrdinal ?? null,
  };
}

/*
 * The normal forms keep exactly the fields the domain types declare and drop absent optional
 * ones, so a CityData built by hand, read from a file or loaded from the database compares
 * equal whenever it says the same thing.
 */

function normalizeCity(c: City): City {
  return {
    id: c.id,
    name: c.name,
    nameEn: c.nameEn,
    prefecture: c.prefecture,
    prefectureEn: c.prefectureEn,
    ...opt('sdgsFutureCitySince', c.sdgsFutureCitySince),
    ...opt('population', c.population),
    ...opt('description', c.description),
    ...opt('localGovernmentCode', c.localGovernmentCode),
    ...(c.fiscalYearStartMonth !== undefined && c.fiscalYearStartMonth !== 4 ? { fiscalYearStartMonth: c.fiscalYearStartMonth } : {}),
    ...opt('openDataLicence', c.openDataLicence),
  };
}

function normalizeDocument(d: SourceDocument): SourceDocument {
  return { id: d.id, title: d.title, published: d.published, ...opt('source', d.source) };
}

function normalizeDated(v: DatedValue, where: string): DatedValue {
  return { at: v.at, value: finite(v.value, where), ...opt('decimals', v.decimals) };
}

function kpiHead(k: Kpi): KpiHead {
  return {
    id: k.id,
    cityId: k.cityId,
    name: k.name,
    ...opt('nameEn', k.nameEn),
    unit: k.unit,
    ...opt('department', k.department),
    ...opt('indicator', k.indicator),
    sdgTargets: [...k.sdgTargets],
    side: k.side,
    aggregation: k.aggregation,
    ...opt('direction', k.direction),
    method: k.method,
    baseline: normalizeDated(k.baseline, `baseline of KPI "${k.id}"`),
  };
}

function normalizeRevision(r: TargetRevision): TargetRevision {
  return { oldValue: finite(r.oldValue, 'old value of a revision'), newValue: finite(r.newValue, 'new value of a revision'), reason: r.reason, revisedOn: r.revisedOn };
}

function normalizePlan(p: Plan): Plan {
  const node = (n: PlanNode): PlanNode => ({
    id: n.id,
    kind: n.kind,
    ...opt('code', n.code),
    title: n.title,
    ...opt('titleEn', n.titleEn),
    ...opt('description', n.description),
    children: n.children.map(node),
    kpiRows: n.kpiRows.map((r) => ({
      kpiId: r.kpiId,
      ...opt('no', r.no),
      ...opt('targetId', r.targetId),
      ...opt('weight', r.weight),
      ...opt('commentary', r.commentary),
      ...opt('reflection', r.reflection),
    })),
  });
  return {
    id: p.id,
    cityId: p.cityId,
    kind: p.kind,
    title: p.title,
    ...opt('titleEn', p.titleEn),
    periodStart: p.periodStart,
    periodEnd: p.periodEnd,
    ...opt('parentPlanId', p.parentPlanId),
    ...opt('vision', p.vision),
    versions: p.versions.map((v) => ({ label: v.label, kind: v.kind, date: v.date, ...opt('note', v.note) })),
    nodes: p.nodes.map(node),
    narratives: p.narratives.map((n) => ({ kind: n.kind, title: n.title, body: n.body, ...opt('year', n.year), ...opt('section', n.section) })),
    ...(p.sheetLayout && p.sheetLayout !== 'cabinet-office' ? { sheetLayout: p.sheetLayout } : {}),
    ...opt('periodOrdinal', p.periodOrdinal),
    ...(p.sheetReports && p.sheetReports.length > 0
      ? { sheetReports: [...p.sheetReports].sort((a, b) => a.year - b.year || a.kind.localeCompare(b.kind)).map((r) => ({ year: r.year, kind: r.kind, submittedOn: r.submittedOn, ...opt('documentId', r.documentId) })) }
      : {}),
  };
}

/** A plan's own columns (its row in `plans`, parent aside). */
function planHead(p: Plan) {
  return { kind: p.kind, title: p.title, titleEn: p.titleEn, periodStart: p.periodStart, periodEnd: p.periodEnd, vision: p.vision, sheetLayout: p.sheetLayout, periodOrdinal: p.periodOrdinal };
}

/** What hangs under a plan: replaced as a whole when it differs. */
function planContents(p: Plan) {
  return { versions: p.versions, nodes: p.nodes, narratives: p.narratives, sheetReports: p.sheetReports };
}

function normalizeRate(r: PublishedRate): PublishedRate {
  return {
    kpiId: r.kpiId,
    documentId: r.documentId,
    actualAt: r.actualAt,
    targetId: r.targetId,
    rate: r.rate,
    decimals: r.decimals,
    printed: r.printed,
    ...(r.actual && { actual: { value: r.actual.value, decimals: r.actual.decimals } }),
    ...(r.targetValue && { targetValue: { value: r.targetValue.value, decimals: r.targetValue.decimals } }),
  };
}

/**
 * Checks what must hold before anything is written: one city, unique ids, finite figures, and
 * every reference (plan rows, parent plans, published rates) naming something in the data. The
 * writer re-checks references it resolves; the database checks the rest (FKs, constraints).
 */
function checkCityData(data: CityData): void {
  const cityId = data.city.id;
  unique(data.documents.map((d) => d.id), 'document');
  unique(data.kpis.map((k) => k.id), 'KPI');
  unique(data.plans.map((p) => p.id), 'plan');
  const targets = new Map<string, Set<string>>();
  for (const k of data.kpis) {
    if (k.cityId !== cityId) throw new CityDataError(`KPI "${k.id}" belongs to city "${k.cityId}", not "${cityId}"`);
    unique(k.targets.map((t) => t.id), `target of KPI "${k.id}"`);
    unique(k.observations.map((o) => formatTimePointIso(o.at)), `observation time point of KPI "${k.id}"`);
    for (const t of k.targets) finite(t.value, `target "${t.id}" of KPI "${k.id}"`);
    for (const o of k.observations) finite(o.value, `observation ${formatTimePointIso(o.at)} of KPI "${k.id}"`);
    targets.set(k.id, new Set(k.targets.map((t) => t.id)));
  }
  const plans = new Set(data.plans.map((p) => p.id));
  for (const p of data.plans) {
    if (p.cityId !== cityId) throw new CityDataError(`plan "${p.id}" belongs to city "${p.cityId}", not "${cityId}"`);
    if (p.parentPlanId !== undefined && !plans.has(p.parentPlanId)) throw new CityDataError(`plan "${p.id}": unknown parent plan "${p.parentPlanId}"`);
    const nodes = [...walk(p.nodes)];
    unique(nodes.map((n) => n.id), `node of plan "${p.id}"`);
    for (const row of nodes.flatMap((n) => n.kpiRows)) {
      const kpiTargets = targets.get(row.kpiId);
      if (!kpiTargets) throw new CityDataError(`plan "${p.id}": a row names unknown KPI "${row.kpiId}"`);
      if (row.targetId !== undefined && !kpiTargets.has(row.targetId)) {
        throw new CityDataError(`plan "${p.id}": a row of KPI "${row.kpiId}" names unknown target "${row.targetId}"`);
      }
    }
  }
  const cycle = findParentPlanCycle(data.plans);
  if (cycle) throw new CityDataError(`plan "${cycle[0]}": the parent plans form a cycle (${cycle.join(' → ')})`);
  const documents = new Set(data.documents.map((d) => d.id));
  for (const r of data.publishedRates) {
    const where = `published rate of KPI "${r.kpiId}" at ${formatTimePointIso(r.actualAt)}`;
    const kpiTargets = targets.get(r.kpiId);
    if (!kpiTargets) throw new CityDataError(`${where}: unknown KPI`);
    if (!documents.has(r.documentId)) throw new CityDataError(`${where}: unknown document "${r.documentId}"`);
    if (!kpiTargets.has(r.targetId)) throw new CityDataError(`${where}: unknown target "${r.targetId}"`);
  }
}

function* walk(nodes: readonly PlanNode[]): Generator<PlanNode> {
  for (const n of nodes) {
    yield n;
    yield* walk(n.children);
  }
}

function unique(ids: readonly string[], what: string): void {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) throw new CityDataError(`duplicate ${what} id "${id}"`);
    seen.add(id);
  }
}

function finite(n: number, where: string): number {
  if (!Number.isFinite(n)) throw new CityDataError(`${where}: ${n} is not a finite number`);
  return n;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

/** `{ [key]: value }` when there is a value, `{}` when it is null or undefined: optional fields stay absent. */
function opt<K extends string, V>(key: K, value: V | null | undefined): { [P in K]?: V } {
  return (value === null || value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`dangling reference in the database: ${what}`);
  return value;
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

function targetKey(kpiId: number, slug: string): string {
  return `${kpiId}#${slug}`;
}

/** Equality of two values as JSON with sorted keys (absent and undefined fields are the same). */
function same(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  );
}

/** A domain value as JSON for the change log. */
function json(v: unknown): JsonValue {
  return JSON.parse(JSON.stringify(v ?? null)) as JsonValue;
}
