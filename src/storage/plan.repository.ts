import type { Executor } from './database.ts';
import { chunks } from './batch.ts';
import type {
  NewPlanKpiRowRow,
  NewPlanNarrativeRow,
  NewPlanNodeRow,
  NewPlanRow,
  NewPlanVersionRow,
  PlanKpiRowRow,
  PlanNarrativeRow,
  PlanNodeRow,
  PlanRow,
  PlanRowUpdate,
  PlanVersionRow,
} from './tables/plan.table.ts';

/** A plan's KPI row with the plan its node belongs to. */
export type PlanKpiRowWithPlan = PlanKpiRowRow & { readonly plan_id: number };

/** A city's plans in their order. */
export async function listPlanRows(db: Executor, cityId: string): Promise<PlanRow[]> {
  return db.selectFrom('plans').selectAll().where('city_id', '=', cityId).orderBy('position').orderBy('id').execute();
}

/** Inserts plans (without their trees) and returns them with ids. */
export async function insertPlans(db: Executor, rows: readonly NewPlanRow[]): Promise<PlanRow[]> {
  const out: PlanRow[] = [];
  for (const batch of chunks(rows)) out.push(...(await db.insertInto('plans').values(batch).returningAll().execute()));
  return out;
}

/** Updates one plan's own columns. */
export async function updatePlan(db: Executor, id: number, patch: PlanRowUpdate): Promise<void> {
  await db.updateTable('plans').set(patch).where('id', '=', id).execute();
}

/** Deletes plans with their trees, versions and narratives. */
export async function deletePlans(db: Executor, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('plans').set({ parent_plan_id: null }).where('parent_plan_id', 'in', ids).execute();
  await db.deleteFrom('plans').where('id', 'in', ids).execute();
}

/** Deletes what hangs under plans (versions, tree, KPI rows, narratives), keeping the plans. */
export async function deletePlanContents(db: Executor, planIds: readonly number[]): Promise<void> {
  if (planIds.length === 0) return;
  await db.deleteFrom('plan_versions').where('plan_id', 'in', planIds).execute();
  await db.deleteFrom('plan_narratives').where('plan_id', 'in', planIds).execute();
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

/** Inserts plan nodes (parents before their children) and returns them with ids. */
export async function insertPlanNodes(db: Executor, rows: readonly NewPlanNodeRow[]): Promise<PlanNodeRow[]> {
  const out: PlanNodeRow[] = [];
  for (const batch of chunks(rows)) out.push(...(await db.insertInto('plan_nodes').values(batch).returningAll().execute()));
  return out;
}

/** The KPI rows of these plans' nodes, each node's in position order. */
export async function listPlanKpiRows(db: Executor, planIds: readonly number[]): Promise<PlanKpiRowWithPlan[]> {
  if (planIds.length === 0) return [];
  return db
    .selectFrom('plan_kpi_rows as r')
    .innerJoin('plan_nodes as n', 'n.id', 'r.node_id')
    .selectAll('r')
    .select('n.plan_id')
    .where('n.plan_id', 'in', planIds)
    .orderBy('r.node_id')
    .orderBy('r.position')
    .execute();
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

/** Inserts plan narratives. */
export async function insertPlanNarratives(db: Executor, rows: readonly NewPlanNarrativeRow[]): Promise<void> {
  for (const batch of chunks(rows)) await db.insertInto('plan_narratives').values(batch).execute();
}
