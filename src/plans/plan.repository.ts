import type { Updateable } from 'kysely';
import type { Executor } from '../storage/database.ts';
import { sql } from 'kysely';
import { chunks } from '../storage/batch.ts';
import { nextVersion } from '../storage/edit-version.ts';
import type {
  NewPlanKpiRowRow,
  NewPlanNarrativeRow,
  NewPlanSheetReportRow,
  NewPlanNodeRow,
  NewPlanRow,
  NewPlanVersionRow,
  PlanKpiRowRow,
  PlanNarrativeRow,
  PlanNarrativesTable,
  PlanSheetReportRow,
  PlanNodeRow,
  PlanNodesTable,
  PlanRow,
  PlanRowUpdate,
  PlanVersionRow,
} from './plan.table.ts';

/** A plan's KPI row with the plan its node belongs to. */
export type PlanKpiRowWithPlan = PlanKpiRowRow & { readonly plan_id: number };

/** A city's plans in their order. */
export async function listPlanRows(db: Executor, cityId: string): Promise<PlanRow[]> {
  return planRowsQuery(db, cityId).execute();
}

/** The query of {@link listPlanRows}, to run or to nest in a larger read. */
export function planRowsQuery(db: Executor, cityId: string) {
  return db.selectFrom('plans').selectAll().where('city_id', '=', cityId).orderBy('position').orderBy('id');
}

/** Inserts plans (without their trees) and returns them with ids. */
export async function insertPlans(db: Executor, rows: readonly NewPlanRow[]): Promise<PlanRow[]> {
  const out: PlanRow[] = [];
  for (const batch of chunks(rows)) out.push(...(await db.insertInto('plans').values(batch).returningAll().execute()));
  return out;
}

/** Updates one plan's own columns; the row gets a new version. */
export async function updatePlan(db: Executor, id: number, patch: PlanRowUpdate): Promise<void> {
  await db.updateTable('plans').set({ ...patch, version: nextVersion() }).where('id', '=', id).execute();
}

/** The plan of a city with this slug, if any. */
export async function findPlanBySlug(db: Executor, cityId: string, slug: string): Promise<PlanRow | undefined> {
  return db.selectFrom('plans').selectAll().where('city_id', '=', cityId).where('slug', '=', slug).executeTakeFirst();
}

/** Locks a plan's row until the transaction ends (writers of its narratives take turns). */
export async function lockPlan(db: Executor, id: number): Promise<void> {
  await db.selectFrom('plans').select('id').where('id', '=', id).forUpdate().execute();
}

/**
 * Updates a plan's title, English title and vision in place if it is still at `expectedVersion`;
 * returns the updated row, or undefined when it changed since (nothing written).
 */
export async function updatePlanAtVersion(db: Executor, id: number, expectedVersion: number, patch: Pick<PlanRowUpdate, 'title' | 'title_en' | 'vision'>): Promise<PlanRow | undefined> {
  return db.updateTable('plans').set({ ...patch, version: nextVersion() }).where('id', '=', id).where('version', '=', expectedVersion).returningAll().executeTakeFirst();
}

/** The node of a plan with this slug, if any. */
export async function findPlanNodeBySlug(db: Executor, planId: number, slug: string): Promise<PlanNodeRow | undefined> {
  return db.selectFrom('plan_nodes').selectAll().where('plan_id', '=', planId).where('slug', '=', slug).executeTakeFirst();
}

/**
 * Updates one node of a plan's tree in place (code, titles, description) if it is still at
 * `expectedVersion`: the rest of the tree, its KPI rows and ids are untouched. Returns the
 * updated row, or undefined when the node changed since (nothing written).
 */
export async function updatePlanNodeAtVersion(
  db: Executor,
  id: number,
  expectedVersion: number,
  patch: Pick<Updateable<PlanNodesTable>, 'code' | 'title' | 'title_en' | 'description'>,
): Promise<PlanNodeRow | undefined> {
  return db.updateTable('plan_nodes').set({ ...patch, version: nextVersion() }).where('id', '=', id).where('version', '=', expectedVersion).returningAll().executeTakeFirst();
}

/**
 * Updates one narrative of a plan (at its position) in place if it is still at
 * `expectedVersion`; returns the updated row, or undefined when it changed since.
 */
export async function updatePlanNarrativeAtVersion(db: Executor, planId: number, position: number, expectedVersion: number, patch: Pick<Updateable<PlanNarrativesTable>, 'title' | 'body'>): Promise<PlanNarrativeRow | undefined> {
  return db
    .updateTable('plan_narratives')
    .set({ ...patch, version: nextVersion() })
    .where('plan_id', '=', planId)
    .where('position', '=', position)
    .where('version', '=', expectedVersion)
    .returningAll()
    .executeTakeFirst();
}

/** Appends a narrative after a plan's last one (take {@link lockPlan} first so two appends do not pick the same position). */
export async function appendPlanNarrative(db: Executor, row: Omit<NewPlanNarrativeRow, 'position' | 'version'>): Promise<PlanNarrativeRow> {
  return db
    .insertInto('plan_narratives')
    .values({
      ...row,
      position: sql<number>`(select coalesce(max(position) + 1, 0) from plan_narratives where plan_id = ${row.plan_id})`,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Deletes plans with their trees, versions and narratives. */
export async function deletePlans(db: Executor, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('plans').set({ parent_plan_id: null }).where('parent_plan_id', 'in', ids).execute();
  await db.deleteFrom('plans').where('id', 'in', ids).execute();
}

/** Marks plans archived (they leave every page; their rows, trees and snapshots stay for staff to restore). */
export async function archivePlans(db: Executor, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('plans').set({ archived_at: new Date(), version: nextVersion() }).where('id', 'in', ids).execute();
}

/** Deletes the version lists of plans (before writing the new ones). */
export async function deletePlanVersions(db: Executor, planIds: readonly number[]): Promise<void> {
  if (planIds.length === 0) return;
  await db.deleteFrom('plan_versions').where('plan_id', 'in', planIds).execute();
}

/** Deletes the narratives of plans (before writing the new ones). */
export async function deletePlanNarratives(db: Executor, planIds: readonly number[]): Promise<void> {
  if (planIds.length === 0) return;
  await db.deleteFrom('plan_narratives').where('plan_id', 'in', planIds).execute();
}

/** Updates one node in place (its id and slug stay); the row gets a new version, so forms opened on it conflict. */
export async function updatePlanNode(db: Executor, id: number, patch: Pick<Updateable<PlanNodesTable>, 'parent_id' | 'position' | 'kind' | 'code' | 'title' | 'title_en' | 'description' | 'archived_at'>): Promise<void> {
  await db.updateTable('plan_nodes').set({ ...patch, version: nextVersion() }).where('id', '=', id).execute();
}

/** Marks nodes archived (with what is below them); their rows stay for staff to restore. */
export async function archivePlanNodes(db: Executor, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('plan_nodes').set({ archived_at: new Date(), version: nextVersion() }).where('id', 'in', ids).execute();
}

/** Deletes nodes (their KPI rows and children cascade: call it only for nodes with nothing below). */
export async function deletePlanNodes(db: Executor, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.deleteFrom('plan_nodes').where('id', 'in', ids).execute();
}

/** Deletes KPI rows of plan nodes by id (the KPIs stay). */
export async function deletePlanKpiRows(db: Executor, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  for (const batch of chunks(ids)) await db.deleteFrom('plan_kpi_rows').where('id', 'in', batch).execute();
}

/**
 * Moves KPI rows to new positions within their nodes, through positions no row uses (a node's
 * positions are unique, so two rows trading places would collide half-way).
 */
export async function setPlanKpiRowPositions(db: Executor, moves: readonly { readonly id: number; readonly position: number }[]): Promise<void> {
  for (const m of moves) await db.updateTable('plan_kpi_rows').set({ position: m.position + 1_000_000_000 }).where('id', '=', m.id).execute();
  for (const m of moves) await db.updateTable('plan_kpi_rows').set({ position: m.position }).where('id', '=', m.id).execute();
}

/** Deletes what hangs under plans (versions, tree, KPI rows, narratives), keeping the plans. */
export async function deletePlanContents(db: Executor, planIds: readonly number[]): Promise<void> {
  if (planIds.length === 0) return;
  await db.deleteFrom('plan_versions').where('plan_id', 'in', planIds).execute();
  await db.deleteFrom('plan_narratives').where('plan_id', 'in', planIds).execute();
  await db.deleteFrom('plan_sheet_reports').where('plan_id', 'in', planIds).execute();
  // Children first is not needed: parent_id cascades, and KPI rows cascade from their node.
  await db.deleteFrom('plan_nodes').where('plan_id', 'in', planIds).execute();
}

/** Versions of these plans, each plan's in order. */
export async function listPlanVersions(db: Executor, planIds: readonly number[]): Promise<PlanVersionRow[]> {
  if (planIds.length === 0) return [];
  return db.selectFrom('plan_versions').selectAll().where('plan_id', 'in', planIds).orderBy('plan_id').orderBy('position').execute();
}

/** Inserts plan versions. */
export async function insertPlanVersions(db: Executor, rows: readonly NewPlanVersionRow[]): Promise<void> {
  for (const batch of chunks(rows)) await db.insertInto('plan_versions').values(batch).execute();
}

/** Every node of these plans, siblings in position order. */
export async function listPlanNodes(db: Executor, planIds: readonly number[]): Promise<PlanNodeRow[]> {
  if (planIds.length === 0) return [];
  return db.selectFrom('plan_nodes').selectAll().where('plan_id', 'in', planIds).orderBy('plan_id').orderBy('parent_id').orderBy('position').execute();
}

/**
 * The plan nodes on the paths from the roots down to the rows of a city's KPIs with these slugs
 * (the nodes holding them and every ancestor, archived ones included): what a KPI's page shows
 * of the plans. A query to nest in a larger read (see cities/kpi-view.repository.ts).
 */
export function planNodesAboveKpisQuery(db: Executor, kpis: { readonly cityId: string; readonly slugs: readonly string[] }) {
  return db
    .withRecursive('up(id)', (q) =>
      q
        .selectFrom('plan_kpi_rows as r')
        .innerJoin('kpis as k', 'k.id', 'r.kpi_id')
        .select('r.node_id as id')
        .where('k.city_id', '=', kpis.cityId)
        .where('k.slug', 'in', kpis.slugs)
        .union(q.selectFrom('plan_nodes as n').innerJoin('up', 'up.id', 'n.id').select((eb) => eb.fn.coalesce('n.parent_id', 'n.id').as('id'))),
    )
    .selectFrom('plan_nodes')
    .selectAll()
    .where('id', 'in', (eb) => eb.selectFrom('up').select('id'))
    .orderBy('plan_id')
    .orderBy('parent_id')
    .orderBy('position');
}

/** Inserts plan nodes (parents before their children) and returns them with ids. */
export async function insertPlanNodes(db: Executor, rows: readonly NewPlanNodeRow[]): Promise<PlanNodeRow[]> {
  const out: PlanNodeRow[] = [];
  for (const batch of chunks(rows)) out.push(...(await db.insertInto('plan_nodes').values(batch).returningAll().execute()));
  return out;
}

/**
 * The KPI rows of these plans' nodes (`planIds`), or the plan rows of these KPIs wherever they
 * sit (`{ kpiIds }`: a KPI's page), each node's in position order.
 */
export async function listPlanKpiRows(db: Executor, of: readonly number[] | { readonly cityId: string; readonly slugs: readonly string[] }): Promise<PlanKpiRowWithPlan[]> {
  if (!('cityId' in of) && of.length === 0) return [];
  return planKpiRowsQuery(db, of).execute();
}

/** The query of {@link listPlanKpiRows} (plan ids, non-empty, or a city's KPIs by slug), to run or to nest in a larger read. */
export function planKpiRowsQuery(db: Executor, of: readonly number[] | { readonly cityId: string; readonly slugs: readonly string[] }) {
  return db
    .selectFrom('plan_kpi_rows as r')
    .innerJoin('plan_nodes as n', 'n.id', 'r.node_id')
    .selectAll('r')
    .select('n.plan_id')
    .$if('cityId' in of, (q) => q.innerJoin('kpis as k', 'k.id', 'r.kpi_id').where('k.city_id', '=', (of as { cityId: string }).cityId).where('k.slug', 'in', (of as { slugs: readonly string[] }).slugs))
    .$if(!('cityId' in of), (q) => q.where('n.plan_id', 'in', of as readonly number[]))
    .orderBy('r.node_id')
    .orderBy('r.position');
}

/** The years the dated narratives of a city's plans (archived plans left out) speak of, ascending. */
export async function listNarrativeYearsOfCity(db: Executor, cityId: string): Promise<number[]> {
  const rows = await db
    .selectFrom('plan_narratives as n')
    .innerJoin('plans as p', 'p.id', 'n.plan_id')
    .select('n.year')
    .distinct()
    .where('p.city_id', '=', cityId)
    .where('p.archived_at', 'is', null)
    .where('n.year', 'is not', null)
    .orderBy('n.year')
    .execute();
  return rows.map((r) => r.year!);
}

/** Inserts KPI rows of plan nodes. */
export async function insertPlanKpiRows(db: Executor, rows: readonly NewPlanKpiRowRow[]): Promise<void> {
  for (const batch of chunks(rows)) await db.insertInto('plan_kpi_rows').values(batch).execute();
}

/** Narratives of these plans, each plan's in order. */
export async function listPlanNarratives(db: Executor, planIds: readonly number[]): Promise<PlanNarrativeRow[]> {
  if (planIds.length === 0) return [];
  return db.selectFrom('plan_narratives').selectAll().where('plan_id', 'in', planIds).orderBy('plan_id').orderBy('position').execute();
}

/** The narratives of the plans holding a row of a city's KPIs with these slugs, each plan's in order: a query to nest in a larger read. */
export function planNarrativesOfKpisQuery(db: Executor, kpis: { readonly cityId: string; readonly slugs: readonly string[] }) {
  return db
    .selectFrom('plan_narratives')
    .selectAll()
    .where('plan_id', 'in', (eb) =>
      eb
        .selectFrom('plan_kpi_rows as r')
        .innerJoin('plan_nodes as n', 'n.id', 'r.node_id')
        .innerJoin('kpis as k', 'k.id', 'r.kpi_id')
        .select('n.plan_id')
        .where('k.city_id', '=', kpis.cityId)
        .where('k.slug', 'in', kpis.slugs),
    )
    .orderBy('plan_id')
    .orderBy('position');
}

/** Inserts plan narratives. */
export async function insertPlanNarratives(db: Executor, rows: readonly NewPlanNarrativeRow[]): Promise<void> {
  for (const batch of chunks(rows)) await db.insertInto('plan_narratives').values(batch).execute();
}

/** The dated sheet reports of these plans, by year and sheet. */
export async function listPlanSheetReports(db: Executor, planIds: readonly number[]): Promise<PlanSheetReportRow[]> {
  if (planIds.length === 0) return [];
  return db.selectFrom('plan_sheet_reports').selectAll().where('plan_id', 'in', planIds).orderBy('plan_id').orderBy('year').orderBy('kind').execute();
}

/** Inserts sheet reports. */
export async function insertPlanSheetReports(db: Executor, rows: readonly NewPlanSheetReportRow[]): Promise<void> {
  for (const batch of chunks(rows)) await db.insertInto('plan_sheet_reports').values(batch).execute();
}

/** Deletes every sheet report of these plans (a whole-city save replacing them with the data's). */
export async function deletePlanSheetReports(db: Executor, planIds: readonly number[]): Promise<void> {
  if (planIds.length === 0) return;
  await db.deleteFrom('plan_sheet_reports').where('plan_id', 'in', planIds).execute();
}

/** Sets (inserts or replaces) the 作成年月 of one sheet report, keeping its document. */
export async function upsertPlanSheetReport(db: Executor, row: NewPlanSheetReportRow): Promise<void> {
  await db
    .insertInto('plan_sheet_reports')
    .values(row)
    .onConflict((oc) => oc.columns(['plan_id', 'year', 'kind']).doUpdateSet({ submitted_on: row.submitted_on }))
    .execute();
}
