import type { Executor } from '../storage/database.ts';
import { listChangeEntities, searchChangeLog, type AuditFilter } from './audit.repository.ts';

export type { AuditFilter } from './audit.repository.ts';

/** One entry of the audit log as the staff area shows it (the view model of a `change_log` row). */
export interface AuditEntry {
  readonly id: number;
  readonly occurredAt: Date;
  readonly actor: string;
  /** What was done: create, update, publish, approve … */
  readonly action: string;
  /** What kind of thing: kpi, observation, user, entry_round … */
  readonly entity: string;
  readonly entityId: string;
  readonly cityId: string | null;
  /** The values before and after, as stored (JSON). */
  readonly old: unknown;
  readonly new: unknown;
  readonly reason: string | null;
}

/** The audit entries matching a filter, newest first (read only: nothing changes the log). */
export async function searchAuditLog(db: Executor, filter: AuditFilter): Promise<AuditEntry[]> {
  return (await searchChangeLog(db, filter)).map((r) => ({
    id: r.id,
    occurredAt: r.occurred_at,
    actor: r.actor,
    action: r.action,
    entity: r.entity,
    entityId: r.entity_id,
    cityId: r.city_id,
    old: r.old,
    new: r.new,
    reason: r.reason,
  }));
}

/** The kinds of entity the log holds, for the filter's choices. */
export function auditEntities(db: Executor): Promise<string[]> {
  return listChangeEntities(db);
}
