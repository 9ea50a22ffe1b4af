import type { City, CityData } from '../core/city/city.ts';
import { appendChangeLog } from '../storage/change-log.repository.ts';
import { inTransaction, type Executor } from '../storage/database.ts';
import { findCityRow, listCityRows } from './city.repository.ts';
import { deleteSourceDocuments } from './source-document.repository.ts';
import { cityFromRow, documentFromRow } from './city.mapping.ts';
import { readSnapshot, SlugIndex, type Snapshot } from './city-snapshot.ts';
import { readKpiViewRows, type KpiViewRows } from './kpi-view.repository.ts';
import { checkCityData } from './city-data.check.ts';
import { groupBy } from './city-data.support.ts';
import { CityWrite } from './city-write.ts';
import { writeCity, writeDocuments } from './city.save.ts';
import { kpiHeadFromRow, kpiMetadataFromRow, targetFromRow, withKnownHistory, withPrecise } from '../kpis/kpi.mapping.ts';
import { writeKpis, writePreciseFigures, writeTargets } from '../kpis/kpi.save.ts';
import { rateActualAsPublished, rateFromRow, withActualAsPublished } from '../kpis/published-rate.mapping.ts';
import { writePublishedRates } from '../kpis/published-rate.save.ts';
import { observationFromRow } from '../actuals/observation.mapping.ts';
import { writeObservations } from '../actuals/observation.save.ts';
import { archivedPlanSlugs, plansFromSnapshot } from '../plans/plan.mapping.ts';
import { kpisOnlyUnderArchived } from '../plans/archived-visibility.service.ts';
import { writePlans } from '../plans/plan.save.ts';

/*
 * Loading and saving a whole city (plan data import, seeds, the CityDataStore): a thin
 * orchestrator. The rows are read in a fixed number of queries (city-snapshot.ts, through each
 * concept's repository) and mapped by each concept (`*.mapping.ts`); a save compares the data
 * with what is stored and lets each concept write its differences (`*.save.ts`) in one
 * transaction. Edits of one node, KPI or actual do not come here: their commands write in place.
 */

export { CityDataError } from './city-data.support.ts';
export { cityFromRow } from './city.mapping.ts';

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

/**
 * What the city store loads: a city as {@link loadCityData} gives it, and the KPIs held only by
 * archived nodes or plans (`hiddenKpiIds`, see archived-visibility.service.ts), found from the
 * same rows ({@link loadKpiView} reads some KPIs of a city). Null for an unknown city.
 */
export async function loadCityView(db: Executor, cityId: string, options: LoadCityDataOptions = {}): Promise<CityView | null> {
  const withHistory = options.withHistory === true;
  const snapshot = await inTransaction(db, (trx) => readSnapshot(trx, cityId, withHistory), { isolation: 'repeatable read' });
  return snapshot ? viewOfSnapshot(snapshot, withHistory) : null;
}

/** A city's data as the store holds it, with the KPIs only archived nodes or plans hold (see {@link loadCityView}). */
export interface CityView {
  readonly data: CityData;
  readonly hiddenKpiIds: Set<string>;
}

/**
 * {@link loadCityView} of some KPIs of a city (by slug, at least one; an unknown slug is simply
 * absent), read in one statement (`readKpiViewRows`, kpi-view.repository.ts), for pages about
 * one KPI: the city, its documents, these KPIs with their rates, and each plan with only the
 * nodes leading to their rows and, for the plans holding them, their narratives (plan versions
 * and sheet reports empty). Mapped by the same code as a whole city, it gives those KPIs and
 * their plan uses exactly as the whole city does. With it, the `rows` that decorate these KPIs
 * (publications, overrides, commentaries, reviews, the summaries' unpublished years). Null for
 * an unknown city.
 */
export async function loadKpiView(db: Executor, cityId: string, kpiSlugs: readonly string[], withHistory: boolean): Promise<(CityView & { readonly rows: KpiViewRows }) | null> {
  const rows = await readKpiViewRows(db, cityId, kpiSlugs, withHistory);
  return rows ? { ...viewOfSnapshot(rows.snapshot, withHistory), rows } : null;
}

/** The mapped data of a snapshot, and the KPIs held only by archived nodes or plans. */
function viewOfSnapshot(snapshot: Snapshot, withHistory: boolean): CityView {
  const live = new Map(snapshot.kpis.filter((k) => k.retired_at === null).map((k) => [k.id, k.slug]));
  const archivedPlans = new Set(snapshot.plans.filter((p) => p.archived_at !== null).map((p) => p.id));
  const hiddenKpiIds = kpisOnlyUnderArchived(
    snapshot.planKpiRows.flatMap((r) => (live.has(r.kpi_id) ? [{ kpi: live.get(r.kpi_id)!, node_id: r.node_id }] : [])),
    snapshot.planNodes.map((n) => ({ id: n.id, parent_id: n.parent_id, archived: n.archived_at !== null || archivedPlans.has(n.plan_id) })),
  );
  return { data: cityDataFromSnapshot(snapshot, withHistory), hiddenKpiIds };
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
  await inTransaction(db, (trx) => writeCityData(new CityWrite(trx, data, actor, options.reason ?? null)));
}

/** One save of a city: reads what is stored once, then lets each concept write only its differences. */
async function writeCityData(w: CityWrite): Promise<void> {
  const stored = await readSnapshot(w.db, w.cityId, false);
  const slugs = stored ? new SlugIndex(stored) : null;
  w.slugs = slugs;
  const dataKpis = new Set(w.data.kpis.map((k) => k.id));
  w.outsideKpiIds = new Set((stored?.kpis ?? []).filter((k) => !dataKpis.has(k.slug)).map((k) => k.id));
  await writeCity(w, stored?.city);
  const removedDocuments = await writeDocuments(w, stored?.documents ?? []);
  w.removedDocumentIds = removedDocuments;
  await writeKpis(w, stored?.kpis ?? [], stored?.sdgTargets ?? []);
  await writeTargets(w, stored?.targets ?? [], stored?.revisions ?? []);
  await writeObservations(w, stored?.observations ?? []);
  await writePlans(w, stored, slugs);
  await writePublishedRates(
    w,
    stored && slugs ? stored.rates.filter((r) => !w.outsideKpiIds.has(r.kpi_id)).map((r) => rateFromRow(r, slugs)) : [],
    (stored?.rates ?? []).some((r) => w.outsideKpiIds.has(r.kpi_id) && w.removedDocumentIds.includes(r.document_id)),
  );
  await writePreciseFigures(w, stored?.precise ?? [], slugs);
  await deleteSourceDocuments(w.db, removedDocuments);
  await appendChangeLog(w.db, w.log);
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
      observations: (observations.get(k.id) ?? []).map((o) => observationFromRow(o, withHistory)),
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
