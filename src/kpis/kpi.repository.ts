import { sql } from 'kysely';
import type { Executor } from '../storage/database.ts';
import { chunks } from '../storage/batch.ts';
import { nextVersion } from '../storage/edit-version.ts';
import { cityOfSelection, slugsOfSelection, type KpiRow, type KpiRowUpdate, type KpiSdgTargetRow, type KpiSelection, type NewKpiRow, type NewKpiSdgTargetRow } from './kpi.table.ts';

/** A city's KPIs in their order (only those of `slugs` when given); retired ones only when asked for. */
export async function listKpiRows(db: Executor, cityId: string, options: { includeRetired?: boolean; slugs?: readonly string[] } = {}): Promise<KpiRow[]> {
  if (options.slugs?.length === 0) return [];
  return kpiRowsQuery(db, cityId, options).execute();
}

/** The row ids of a city's KPIs with these slugs (non-empty), as a subquery (`where kpi_id in …`) of a larger read. */
export function kpiIdsBySlugQuery(db: Executor, cityId: string, slugs: readonly string[]) {
  return db.selectFrom('kpis').select('id').where('city_id', '=', cityId).where('slug', 'in', slugs);
}

/** The query of {@link listKpiRows} (`slugs`, when given, must not be empty), to run or to nest in a larger read. */
export function kpiRowsQuery(db: Executor, cityId: string, options: { includeRetired?: boolean; slugs?: readonly string[] } = {}) {
  let query = db.selectFrom('kpis').selectAll().where('city_id', '=', cityId);
  if (!options.includeRetired) query = query.where('retired_at', 'is', null);
  if (options.slugs) query = query.where('slug', 'in', options.slugs);
  return query.orderBy('position').orderBy('id');
}

/** The KPI of a city with this slug (retired or not), if any. */
export async function findKpiBySlug(db: Executor, cityId: string, slug: string): Promise<KpiRow | undefined> {
  return db.selectFrom('kpis').selectAll().where('city_id', '=', cityId).where('slug', '=', slug).executeTakeFirst();
}

/** Inserts KPIs and returns them with their ids. */
export async function insertKpis(db: Executor, rows: readonly NewKpiRow[]): Promise<KpiRow[]> {
  const out: KpiRow[] = [];
  for (const batch of chunks(rows)) out.push(...(await db.insertInto('kpis').values(batch).returningAll().execute()));
  return out;
}

/** Updates one KPI's descriptive columns (its values are versioned elsewhere); the row gets a new version. */
export async function updateKpi(db: Executor, id: number, patch: KpiRowUpdate): Promise<void> {
  await db.updateTable('kpis').set({ ...patch, version: nextVersion() }).where('id', '=', id).execute();
}

/**
 * Updates one KPI in place if it is still at `expectedVersion` (the version the editor's form was
 * opened on), giving it a new version; returns the updated row, or undefined when the KPI has
 * changed since (nothing is written). On PostgreSQL a concurrent update of the same row waits
 * for the other to commit and then finds the version changed.
 */
export async function updateKpiAtVersion(db: Executor, id: number, expectedVersion: number, patch: Omit<KpiRowUpdate, 'id' | 'city_id' | 'slug' | 'version' | 'retired_at'>): Promise<KpiRow | undefined> {
  return db.updateTable('kpis').set({ ...patch, version: nextVersion() }).where('id', '=', id).where('version', '=', expectedVersion).returningAll().executeTakeFirst();
}

/** Locks a KPI's row until the transaction ends: writers of its append-only records (overrides, commentaries) take turns. */
export async function lockKpi(db: Executor, id: number): Promise<void> {
  await db.selectFrom('kpis').select('id').where('id', '=', id).forUpdate().execute();
}

/**
 * Takes a key-share lock on the city's KPI rows (those of `slugs`, or all): a KPI being deleted
 * (its row locked FOR UPDATE by deleteKpi) is waited for and then no longer found, so a write
 * that refers to it (an actual) sees it gone instead of failing on the foreign key; a KPI locked
 * here cannot be deleted until the write commits. Edits of a KPI's fields do not wait.
 */
export async function lockKpisForKeyShare(db: Executor, cityId: string, slugs?: readonly string[]): Promise<void> {
  if (slugs !== undefined && slugs.length === 0) return;
  let query = db.selectFrom('kpis').select('id').where('city_id', '=', cityId);
  if (slugs !== undefined) query = query.where('slug', 'in', [...new Set(slugs)]);
  await query.forKeyShare().execute();
}

/** Marks KPIs retired: they stop being loaded, their history stays. */
export async function retireKpis(db: Executor, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('kpis').set({ retired_at: sql<Date>`now()` }).where('id', 'in', ids).execute();
}

/** The SDG targets of these KPIs (ids, or a whole city's), each KPI's in printed order. */
export async function listKpiSdgTargets(db: Executor, kpis: KpiSelection): Promise<KpiSdgTargetRow[]> {
  if (cityOfSelection(kpis) === null && (kpis as readonly number[]).length === 0) return [];
  return kpiSdgTargetsQuery(db, kpis).execute();
}

/** The query of {@link listKpiSdgTargets} (a non-empty selection), to run or to nest in a larger read. */
export function kpiSdgTargetsQuery(db: Executor, kpis: KpiSelection) {
  const cityId = cityOfSelection(kpis);
  const slugs = slugsOfSelection(kpis);
  return db
    .selectFrom('kpi_sdg_targets as s')
    .selectAll('s')
    .$if(cityId !== null, (q) => q.innerJoin('kpis as k', 'k.id', 's.kpi_id').where('k.city_id', '=', cityId!).$if(slugs !== null, (w) => w.where('k.slug', 'in', slugs!)))
    .$if(cityId === null, (q) => q.where('s.kpi_id', 'in', kpis as readonly number[]))
    .orderBy('s.kpi_id')
    .orderBy('s.position');
}

/** Inserts SDG target links. */
export async function insertKpiSdgTargets(db: Executor, rows: readonly NewKpiSdgTargetRow[]): Promise<void> {
  for (const batch of chunks(rows)) await db.insertInto('kpi_sdg_targets').values(batch).execute();
}

/** Removes all SDG target links of these KPIs (before writing their new list). */
export async function deleteKpiSdgTargets(db: Executor, kpiIds: readonly number[]): Promise<void> {
  if (kpiIds.length === 0) return;
  await db.deleteFrom('kpi_sdg_targets').where('kpi_id', 'in', kpiIds).execute();
}
