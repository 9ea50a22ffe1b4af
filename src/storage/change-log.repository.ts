import type { Executor } from './database.ts';
import { chunks } from './batch.ts';
import { toJsonb, type JsonValue } from './columns.ts';
import type { ChangeAction, ChangeEntity, ChangeLogRow } from './tables/change-log.table.ts';

/** One audit entry to append: who did what to which entity, from what to what, and why. */
export interface NewChangeLogEntry {
  readonly actor: string;
  readonly action: ChangeAction;
  readonly entity: ChangeEntity;
  readonly entityId: string;
  readonly cityId: string | null;
  readonly old?: JsonValue;
  readonly new?: JsonValue;
  readonly reason?: string | null;
}

/** Appends audit entries (several in one statement); the log is never updated or deleted. */
export async function appendChangeLog(db: Executor, entries: readonly NewChangeLogEntry[]): Promise<void> {
  for (const batch of chunks(entries)) {
    await db
      .insertInto('change_log')
      .values(
        batch.map((e) => ({
          actor: e.actor,
          action: e.action,
          entity: e.entity,
          entity_id: e.entityId,
          city_id: e.cityId,
          old: toJsonb(e.old),
          new: toJsonb(e.new),
          reason: e.reason ?? null,
        })),
      )
      .execute();
  }
}

/** Which audit entries to list; every filter is optional and they combine with AND. */
export interface ChangeLogFilter {
  readonly cityId?: string;
  readonly entity?: ChangeEntity;
  readonly entityId?: string;
  readonly actor?: string;
  /** Entries that occurred at or after this moment. */
  readonly since?: Date;
  /** At most this many entries (the newest when `newestFirst`). */
  readonly limit?: number;
  readonly newestFirst?: boolean;
}

/** Audit entries matching the filter, oldest first unless `newestFirst`. */
export async function listChangeLog(db: Executor, filter: ChangeLogFilter = {}): Promise<ChangeLogRow[]> {
  let query = db.selectFrom('change_log').selectAll();
  if (filter.cityId !== undefined) query = query.where('city_id', '=', filter.cityId);
  if (filter.entity !== undefined) query = query.where('entity', '=', filter.entity);
  if (filter.entityId !== undefined) query = query.where('entity_id', '=', filter.entityId);
  if (filter.actor !== undefined) query = query.where('actor', '=', filter.actor);
  if (filter.since !== undefined) query = query.where('occurred_at', '>=', filter.since);
  query = query.orderBy('id', filter.newestFirst ? 'desc' : 'asc');
  if (filter.limit !== undefined) query = query.limit(filter.limit);
  return query.execute();
}
