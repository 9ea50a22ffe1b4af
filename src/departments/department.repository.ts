import type { Executor } from '../storage/database.ts';
import { staffDb, type StaffExecutor } from '../storage/staff-database.ts';
import type { DepartmentRow } from '../storage/tables/staff.table.ts';

/** A city's departments in order. */
export async function listDepartments(db: Executor | StaffExecutor, cityId: string): Promise<DepartmentRow[]> {
  return staffDb(db).selectFrom('departments').selectAll().where('city_id', '=', cityId).orderBy('position').orderBy('id').execute();
}

/** Whether a city has any department yet. */
export async function hasDepartments(db: Executor | StaffExecutor, cityId: string): Promise<boolean> {
  return (await staffDb(db).selectFrom('departments').select('id').where('city_id', '=', cityId).limit(1).executeTakeFirst()) !== undefined;
}

/** Inserts departments and returns them with ids. */
export async function insertDepartments(
  db: Executor | StaffExecutor,
  rows: readonly { city_id: string; slug: string; position: number; name: string; name_en: string | null }[],
): Promise<DepartmentRow[]> {
  if (rows.length === 0) return [];
  return staffDb(db).insertInto('departments').values([...rows]).returningAll().execute();
}

/** KPI slug → owning department of a city's KPIs (KPIs without an owner are absent). */
export async function listKpiOwners(db: Executor | StaffExecutor, cityId: string): Promise<{ kpi_id: number; kpi_slug: string; department_id: number; department_slug: string; basis: string }[]> {
  return staffDb(db)
    .selectFrom('kpi_departments as kd')
    .innerJoin('kpis as k', 'k.id', 'kd.kpi_id')
    .innerJoin('departments as d', 'd.id', 'kd.department_id')
    .select(['kd.kpi_id', 'k.slug as kpi_slug', 'kd.department_id', 'd.slug as department_slug', 'kd.basis'])
    .where('k.city_id', '=', cityId)
    .execute();
}

/** The department owning a KPI, if one does. */
export async function findKpiOwner(db: Executor | StaffExecutor, kpiId: number): Promise<{ department_id: number } | undefined> {
  return staffDb(db).selectFrom('kpi_departments').select('department_id').where('kpi_id', '=', kpiId).executeTakeFirst();
}

/** Sets the department owning a KPI. */
export async function setKpiOwner(db: Executor | StaffExecutor, kpiId: number, departmentId: number, basis: 'demo-assignment' | 'staff'): Promise<void> {
  await staffDb(db)
    .insertInto('kpi_departments')
    .values({ kpi_id: kpiId, department_id: departmentId, basis })
    .onConflict((oc) => oc.column('kpi_id').doUpdateSet({ department_id: departmentId, basis }))
    .execute();
}

/** Removes the department owning a KPI (the KPI then has none; who may edit it falls back to the city's roles). */
export async function clearKpiOwner(db: Executor | StaffExecutor, kpiId: number): Promise<void> {
  await staffDb(db).deleteFrom('kpi_departments').where('kpi_id', '=', kpiId).execute();
}
