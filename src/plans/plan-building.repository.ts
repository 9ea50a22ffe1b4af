import { sql, type Updateable } from 'kysely';
import type { Executor } from '../storage/database.ts';
import { nextVersion } from '../storage/edit-version.ts';
import type { NewPlanNodeRow, NewPlanRow, PlanNodeRow, PlanNodesTable, PlanRow, PlansTable } from './plan.table.ts';
import type { KpiRow, NewKpiRow } from '../kpis/kpi.table.ts';
import type { NewPlanSnapshotRow, PlanSnapshotRow } from './plan-snapshot.table.ts';

/*
 * All SQL of building plans in the app (issue 13.2) and of their recorded versions (13.6).
 * Every function takes the executor first, so the commands run them in their one transaction.
 * Rows edited in place get a new `version` from the `edit_versions` sequence on every write;
 * `…AtVersion` functions write only where the row is still at the version the form carried and
 * return undefined otherwise (nothing written).
 */

/** A plan of a city by slug, archived or not, locked until the transaction ends. */
export async function lockPlanBySlug(db: Executor, cityId: string, slug: string): Promise<PlanRow | undefined> {
  return db.selectFrom('plans').selectAll().where('city_id', '=', cityId).where('slug', '=', slug).forUpdate().executeTakeFirst();
}

/** Every plan row of a city (archived ones too), in their order. */
export async function listAllPlanRows(db: Executor, cityId: string): Promise<PlanRow[]> {
  return db.selectFrom('plans').selectAll().where('city_id', '=', cityId).orderBy('position').orderBy('id').execute();
}

/** Inserts a plan after the city's last one and returns it. */
export async function insertPlanAtEnd(db: Executor, row: Omit<NewPlanRow, 'position' | 'version'>): Promise<PlanRow> {
  return db
    .insertInto('plans')
    .values({ ...row, position: sql<number>`(select coalesce(max(position) + 1, 0) from plans where city_id = ${row.city_id})` })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Updates a plan's own columns where it is still at `expectedVersion`; undefined when it changed since. */
export async function updatePlanRowAtVersion(
  db: Executor,
  id: number,
  expectedVersion: number,
  patch: Pick<Updateable<PlansTable>, 'title' | 'title_en' | 'kind' | 'period_start' | 'period_end' | 'vision' | 'position' | 'archived_at'>,
): Promise<PlanRow | undefined> {
  return db.updateTable('plans').set({ ...patch, version: nextVersion() }).where('id', '=', id).where('version', '=', expectedVersion).returningAll().executeTakeFirst();
}

/** Sets a plan's position (the neighbour of a reorder) and gives it a new version. */
export async function setPlanPosition(db: Executor, id: number, position: number): Promise<void> {
  await db.updateTable('plans').set({ position, version: nextVersion() }).where('id', '=', id).execute();
}

/** Deletes a plan (its versions, snapshots, narratives and tree cascade). */
export async function deletePlanRow(db: Executor, id: number): Promise<void> {
  await db.updateTable('plans').set({ parent_plan_id: null }).where('parent_plan_id', '=', id).execute();
  await db.deleteFrom('plans').where('id', '=', id).execute();
}

/** The plans (not archived) started as the next period of plan `planId` whose years overlap start–end. */
export async function listOverlappingSuccessors(db: Executor, planId: number, periodStart: number, periodEnd: number): Promise<PlanRow[]> {
  return db
    .selectFrom('plans')
    .selectAll()
    .where('succeeds_plan_id', '=', planId)
    .where('archived_at', 'is', null)
    .where('period_start', '<=', periodEnd)
    .where('period_end', '>=', periodStart)
    .orderBy('id')
    .execute();
}

/** Records that plan `slug` of the city is the next period of plan `fromPlanId`. */
export async function markSuccessor(db: Executor, cityId: string, slug: string, fromPlanId: number): Promise<void> {
  await db.updateTable('plans').set({ succeeds_plan_id: fromPlanId }).where('city_id', '=', cityId).where('slug', '=', slug).execute();
}

/**
 * Rewrites a plan row unchanged (same values, same version: open forms stay valid): a concurrent
 * repeatable-read transaction that locks the row then fails to serialize instead of going on
 * with a snapshot that misses this transaction's writes.
 */
export async function holdPlanRow(db: Executor, id: number): Promise<void> {
  await db.updateTable('plans').set((eb) => ({ succeeds_plan_id: eb.ref('succeeds_plan_id') })).where('id', '=', id).execute();
}

/** Every node of a plan (archived ones too), siblings in position order. */
export async function listAllNodes(db: Executor, planId: number): Promise<PlanNodeRow[]> {
  return db.selectFrom('plan_nodes').selectAll().where('plan_id', '=', planId).orderBy('parent_id').orderBy('position').orderBy('id').execute();
}

/** Inserts a node after the last of its siblings and returns it (lock the plan first: positions). */
export async function insertNodeAtEnd(db: Executor, row: Omit<NewPlanNodeRow, 'position' | 'version'>): Promise<PlanNodeRow> {
  const siblings = db
    .selectFrom('plan_nodes')
    .select(sql<number>`coalesce(max(position) + 1, 0)`.as('p'))
    .where('plan_id', '=', row.plan_id)
    .where((eb) => (row.parent_id == null ? eb('parent_id', 'is', null) : eb('parent_id', '=', row.parent_id)));
  return db.insertInto('plan_nodes').values({ ...row, position: sql<number>`(${siblings})` }).returningAll().executeTakeFirstOrThrow();
}

/** Updates a node's place or archive mark where it is still at `expectedVersion`; undefined when it changed since. */
export async function updateNodeAtVersion(
  db: Executor,
  id: number,
  expectedVersion: number,
  patch: Pick<Updateable<PlanNodesTable>, 'parent_id' | 'position' | 'archived_at'>,
): Promise<PlanNodeRow | undefined> {
  return db.updateTable('plan_nodes').set({ ...patch, version: nextVersion() }).where('id', '=', id).where('version', '=', expectedVersion).returningAll().executeTakeFirst();
}

/** Sets a node's position (the neighbour of a reorder) and gives it a new version. */
export async function setNodePosition(db: Executor, id: number, position: number): Promise<void> {
  await db.updateTable('plan_nodes').set({ position, version: nextVersion() }).where('id', '=', id).execute();
}

/** Gives a node a new version (its KPI rows changed). */
export async function touchNode(db: Executor, id: number): Promise<void> {
  await db.updateTable('plan_nodes').set({ version: nextVersion() }).where('id', '=', id).execute();
}

/** Deletes a node (its KPI rows cascade; callers delete only nodes without children). */
export async function deleteNodeRow(db: Executor, id: number): Promise<void> {
  await db.deleteFrom('plan_nodes').where('id', '=', id).execute();
}

/** The KPI rows of one node in order, with the KPI's slug. */
export async function listNodeKpiRows(db: Executor, nodeId: number): Promise<{ id: number; kpi_id: number; kpi_slug: string; position: number; no: string | null }[]> {
  return db
    .selectFrom('plan_kpi_rows as r')
    .innerJoin('kpis as k', 'k.id', 'r.kpi_id')
    .select(['r.id', 'r.kpi_id', 'k.slug as kpi_slug', 'r.position', 'r.no'])
    .where('r.node_id', '=', nodeId)
    .orderBy('r.position')
    .execute();
}

/** Number of KPI rows under these nodes. */
export async function countKpiRows(db: Executor, nodeIds: readonly number[]): Promise<number> {
  if (nodeIds.length === 0) return 0;
  const r = await db.selectFrom('plan_kpi_rows').select((eb) => eb.fn.countAll<string>().as('n')).where('node_id', 'in', nodeIds).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Appends a KPI row to a node (after its last one). */
export async function insertKpiRowAtEnd(db: Executor, row: { node_id: number; kpi_id: number; no: string | null }): Promise<void> {
  await db
    .insertInto('plan_kpi_rows')
    .values({ ...row, kpi_target_id: null, weight: null, commentary: null, reflection: null, position: sql<number>`(select coalesce(max(position) + 1, 0) from plan_kpi_rows where node_id = ${row.node_id})` })
    .execute();
}

/** Moves a KPI row to another node (last there). */
export async function moveKpiRow(db: Executor, rowId: number, nodeId: number): Promise<void> {
  await db
    .updateTable('plan_kpi_rows')
    .set({ node_id: nodeId, position: sql<number>`(select coalesce(max(position) + 1, 0) from plan_kpi_rows where node_id = ${nodeId})` })
    .where('id', '=', rowId)
    .execute();
}

/**
 * Swaps the places of two KPI rows of one node (a reorder). Positions are unique per node, so
 * the first row waits at a free place (-1 - its id) while the second takes its place.
 */
export async function swapKpiRowPositions(db: Executor, a: { id: number; position: number }, b: { id: number; position: number }): Promise<void> {
  await db.updateTable('plan_kpi_rows').set({ position: -1 - a.id }).where('id', '=', a.id).execute();
  await db.updateTable('plan_kpi_rows').set({ position: a.position }).where('id', '=', b.id).execute();
  await db.updateTable('plan_kpi_rows').set({ position: b.position }).where('id', '=', a.id).execute();
}

/** Deletes one KPI row of a node (the KPI and its history stay). */
export async function deleteKpiRow(db: Executor, rowId: number): Promise<void> {
  await db.deleteFrom('plan_kpi_rows').where('id', '=', rowId).execute();
}

/** For every KPI row of a city: the KPI's id, and the plan (id, title) it is a row of — one query for the whole city. */
export async function kpiPlansOfCity(db: Executor, cityId: string): Promise<{ kpi_id: number; plan_id: number; title: string }[]> {
  return db
    .selectFrom('plan_kpi_rows as r')
    .innerJoin('plan_nodes as n', 'n.id', 'r.node_id')
    .innerJoin('plans as p', 'p.id', 'n.plan_id')
    .select(['r.kpi_id', 'p.id as plan_id', 'p.title'])
    .where('p.city_id', '=', cityId)
    .where('p.archived_at', 'is', null)
    .distinct()
    .execute();
}

/** Whether any of these KPIs has data: an actual (any version), a target revision or a published rate. */
export async function kpisHaveData(db: Executor, kpiIds: readonly number[]): Promise<boolean> {
  if (kpiIds.length === 0) return false;
  const observation = await db.selectFrom('observations').select('id').where('kpi_id', 'in', kpiIds).limit(1).executeTakeFirst();
  if (observation) return true;
  const revision = await db.selectFrom('target_revisions as r').innerJoin('kpi_targets as t', 't.id', 'r.kpi_target_id').select('r.id').where('t.kpi_id', 'in', kpiIds).limit(1).executeTakeFirst();
  if (revision) return true;
  const rate = await db.selectFrom('published_rates').select('kpi_id').where('kpi_id', 'in', kpiIds).limit(1).executeTakeFirst();
  return rate !== undefined;
}

/** The recorded versions (label) of a plan whose snapshot lists this node (by id), oldest first. */
export async function recordedVersionsWithNode(db: Executor, planId: number, nodeSlug: string): Promise<string[]> {
  const r = await sql<{ label: string }>`
    select s.label from plan_snapshots s
    where s.plan_id = ${planId} and exists (select 1 from jsonb_array_elements(s.snapshot -> 'nodes') e where e ->> 'id' = ${nodeSlug})
    order by s.number`.execute(db);
  return r.rows.map((x) => x.label);
}

/** Whether a plan has a recorded version (snapshot) or a narrative (an evaluation, results …): its history. */
export async function planHasHistory(db: Executor, planId: number): Promise<boolean> {
  const snap = await db.selectFrom('plan_snapshots').select('id').where('plan_id', '=', planId).limit(1).executeTakeFirst();
  if (snap) return true;
  const narrative = await db.selectFrom('plan_narratives').select('plan_id').where('plan_id', '=', planId).limit(1).executeTakeFirst();
  return narrative !== undefined;
}

/** KPI ids of the rows under a plan (all its nodes). */
export async function kpiIdsOfPlan(db: Executor, planId: number): Promise<number[]> {
  const rows = await db.selectFrom('plan_kpi_rows as r').innerJoin('plan_nodes as n', 'n.id', 'r.node_id').select('r.kpi_id').where('n.plan_id', '=', planId).distinct().execute();
  return rows.map((r) => r.kpi_id);
}

/** Inserts a KPI (its targets and SDG targets are inserted by their repositories). */
export async function insertKpiAtEnd(db: Executor, row: Omit<NewKpiRow, 'position' | 'version'>): Promise<KpiRow> {
  return db
    .insertInto('kpis')
    .values({ ...row, position: sql<number>`(select coalesce(max(position) + 1, 0) from kpis where city_id = ${row.city_id})` })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Archives (retires) or restores a KPI where it is still at `expectedVersion`; undefined when it changed since. */
export async function setKpiRetiredAtVersion(db: Executor, id: number, expectedVersion: number, retiredAt: Date | null): Promise<KpiRow | undefined> {
  return db.updateTable('kpis').set({ retired_at: retiredAt, version: nextVersion() }).where('id', '=', id).where('version', '=', expectedVersion).returningAll().executeTakeFirst();
}

/** Gives a KPI a new version (its place in plans changed). */
export async function touchKpi(db: Executor, id: number): Promise<void> {
  await db.updateTable('kpis').set({ version: nextVersion() }).where('id', '=', id).execute();
}

/** A city's archived (retired) KPIs. */
export async function listArchivedKpis(db: Executor, cityId: string): Promise<KpiRow[]> {
  return db.selectFrom('kpis').selectAll().where('city_id', '=', cityId).where('retired_at', 'is not', null).orderBy('position').execute();
}

/** The recorded versions (snapshots) of a plan, oldest first. */
export async function listPlanSnapshots(db: Executor, planId: number): Promise<PlanSnapshotRow[]> {
  return db.selectFrom('plan_snapshots').selectAll().where('plan_id', '=', planId).orderBy('number').execute();
}

/** Appends a version snapshot with the next number (lock the plan first). */
export async function appendPlanSnapshot(db: Executor, row: Omit<NewPlanSnapshotRow, 'number'>): Promise<PlanSnapshotRow> {
  return db
    .insertInto('plan_snapshots')
    .values({ ...row, number: sql<number>`(select coalesce(max(number) + 1, 1) from plan_snapshots where plan_id = ${row.plan_id})` })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Appends a line to the plan's printed version list (plan_versions) after its last one. */
export async function appendPlanVersionLine(db: Executor, row: { plan_id: number; label: string; kind: 'adopted' | 'revised'; date: string; note: string | null }): Promise<void> {
  await db
    .insertInto('plan_versions')
    .values({ ...row, position: sql<number>`(select coalesce(max(position) + 1, 0) from plan_versions where plan_id = ${row.plan_id})` })
    .execute();
}

/**
 * What a city keeps outside the data loadCityData returns (archived, issue 13.2): the ids of
 * its archived plans and KPIs (with the KPIs' names), and every node id of each plan, archived
 * ones included. Commands that build new plans, nodes or KPIs from loaded data steer clear of
 * these ids, so a save never brings an archived thing back or overwrites it unasked.
 */
export async function listArchivedOfCity(db: Executor, cityId: string): Promise<{ plans: string[]; kpis: { id: string; name: string }[]; nodeIdsByPlan: Map<string, Set<string>> }> {
  const [plans, kpis, nodes] = await Promise.all([
    db.selectFrom('plans').select('slug').where('city_id', '=', cityId).where('archived_at', 'is not', null).execute(),
    db.selectFrom('kpis').select(['slug', 'name']).where('city_id', '=', cityId).where('retired_at', 'is not', null).execute(),
    db.selectFrom('plan_nodes as n').innerJoin('plans as p', 'p.id', 'n.plan_id').select(['p.slug as plan', 'n.slug as node']).where('p.city_id', '=', cityId).execute(),
  ]);
  const nodeIdsByPlan = new Map<string, Set<string>>();
  for (const n of nodes) {
    const set = nodeIdsByPlan.get(n.plan) ?? new Set<string>();
    set.add(n.node);
    nodeIdsByPlan.set(n.plan, set);
  }
  return { plans: plans.map((p) => p.slug), kpis: kpis.map((k) => ({ id: k.slug, name: k.name })), nodeIdsByPlan };
}
