import type { Executor } from '../storage/database.ts';
import { staffDb, type StaffExecutor } from '../storage/staff-database.ts';
import type { StaffChangeLogRow } from '../storage/tables/staff.table.ts';

/** Filters of the audit log page; all optional, combined with AND. */
export interface AuditFilter {
  /** Only these cities (null: any city, entries without a city included). */
  readonly cities: readonly string[] | null;
  readonly cityId?: string;
  readonly entity?: string;
  /** Entity ids starting with this (a KPI's slug finds its actuals `slug@…` and targets `slug#…`). */
  readonly entityIdPrefix?: string;
  /** Part of the actor's name. */
  readonly actor?: string;
  /** From this day (inclusive) … */
  readonly from?: Date;
  /** … until before this moment. */
  readonly until?: Date;
  /** Entries with an id below this (paging towards older entries). */
  readonly beforeId?: number;
  readonly limit: number;
}

/** Audit entries matching a filter, newest first. Read only: nothing in the application changes them. */
export async function searchChangeLog(db: Executor | StaffExecutor, f: AuditFilter): Promise<StaffChangeLogRow[]> {
  let q = staffDb(db).selectFrom('change_log').selectAll();
  if (f.cities !== null) q = f.cities.length === 0 ? q.where('city_id', 'in', ['\u0000']) : q.where('city_id', 'in', [...f.cities]);
  if (f.cityId) q = q.where('city_id', '=', f.cityId);
  if (f.entity) q = q.where('entity', '=', f.entity as StaffChangeLogRow['entity']);
  if (f.entityIdPrefix) q = q.where((eb) => eb.or([eb('entity_id', '=', f.entityIdPrefix!), eb('entity_id', 'like', `${escapeLike(f.entityIdPrefix!)}@%`), eb('entity_id', 'like', `${escapeLike(f.entityIdPrefix!)}#%`)]));
  if (f.actor) q = q.where('actor', 'ilike', `%${escapeLike(f.actor)}%`);
  if (f.from) q = q.where('occurred_at', '>=', f.from);
  if (f.until) q = q.where('occurred_at', '<', f.until);
  if (f.beforeId !== undefined) q = q.where('id', '<', f.beforeId);
  return q.orderBy('id', 'desc').limit(f.limit).execute();
}

/** The distinct entity kinds in the log (for the filter's choices). */
export async function listChangeEntities(db: Executor | StaffExecutor): Promise<string[]> {
  return (await staffDb(db).selectFrom('change_log').select('entity').distinct().orderBy('entity').execute()).map((r) => r.entity);
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (m) => `\\${m}`);
}
