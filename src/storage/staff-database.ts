import type { Kysely, Transaction } from 'kysely';
import { chunks } from './batch.ts';
import { toJsonb, type JsonValue } from './columns.ts';
import { inTransaction, type Database, type Executor } from './database.ts';
import type { StaffChangeLogTable, StaffTables } from './tables/staff.table.ts';

/**
 * The database as the staff repositories see it: every table of {@link Database} plus the staff
 * tables (created by migration 2026_11_24_0001_staff), with `change_log` accepting the staff
 * entities. Kept apart from `Database` so the staff area adds tables without editing the
 * shared schema type.
 */
export type StaffDatabase = Omit<Database, 'change_log'> & StaffTables & { change_log: StaffChangeLogTable };

/** What staff repositories run on: the database or a transaction. */
export type StaffExecutor = Kysely<StaffDatabase> | Transaction<StaffDatabase>;

/** The same executor, typed with the staff tables (one connection, one transaction: only the type changes). */
export function staffDb(db: Executor | StaffExecutor): StaffExecutor {
  return db as unknown as StaffExecutor;
}

/** Runs `fn` in a transaction (the caller's, when `db` already is one) on the staff-typed executor. */
export function inStaffTransaction<T>(db: Executor | StaffExecutor, fn: (trx: Transaction<StaffDatabase>) => Promise<T>): Promise<T> {
  return inTransaction(db as Executor, (trx) => fn(trx as unknown as Transaction<StaffDatabase>));
}

/** One audit entry of the staff area: who did what to which entity, old → new, and why. */
export interface StaffChangeLogEntry {
  readonly actor: string;
  readonly action: StaffChangeLogTable['action'];
  readonly entity: StaffChangeLogTable['entity'];
  readonly entityId: string;
  readonly cityId: string | null;
  readonly old?: JsonValue;
  readonly new?: JsonValue;
  readonly reason?: string | null;
}

/** Appends audit entries to `change_log` (which the database keeps append-only). */
export async function appendStaffChangeLog(db: Executor | StaffExecutor, entries: readonly StaffChangeLogEntry[]): Promise<void> {
  for (const batch of chunks(entries)) {
    await staffDb(db)
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
