import { sql } from 'kysely';
import type { Executor } from './database.ts';
import { chunks } from './batch.ts';
import type { JsonValue } from './columns.ts';
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

/** Entries per statement of {@link appendChangeLog} (one JSON parameter each, a few MB). */
const LOG_ROWS = 20_000;

/**
 * Appends audit entries, in their order, in one statement per {@link LOG_ROWS} entries; the log
 * is never updated or deleted. The entries travel as one JSON parameter (see {@link jsonRows}).
 */
export async function appendChangeLog(db: Executor, entries: readonly NewChangeLogEntry[]): Promise<void> {
  for (const batch of chunks(entries, LOG_ROWS)) {
    const rows = batch.map((e) => ({
      actor: e.actor,
      action: e.action,
      entity: e.entity,
      entity_id: e.entityId,
      city_id: e.cityId,
      old: e.old ?? null,
      new: e.new ?? null,
      reason: e.reason ?? null,
    }));
    await sql`
      insert into change_log (actor, action, entity, entity_id, city_id, old, new, reason)
      select r.actor, r.action, r.entity, r.entity_id, r.city_id, r.old, r.new, r.reason
      from rows from (json_to_recordset(${jsonRows(rows)}::json) as (actor text, action text, entity text, entity_id text, city_id text, old jsonb, new jsonb, reason text)) with ordinality as r(actor, action, entity, entity_id, city_id, old, new, reason, n)
      order by r.n`.execute(db);
  }
}

/**
 * Rows for a set-based write as one JSON text parameter, read back in SQL with
 * `json_to_recordset($1::json) as r(col type, …)`. One parameter, whatever the number of rows
 * (a multi-row VALUES list binds one per cell, at most 65,535 a statement), and the same on
 * PGlite and on PostgreSQL (`pg` would turn JS arrays into array literals, PGlite not). A JSON
 * null becomes SQL null, also in jsonb columns.
 */
export function jsonRows(rows: readonly object[]): string {
  return JSON.stringify(rows);
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
