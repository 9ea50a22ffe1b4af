import type { Executor } from '../storage/database.ts';
import { staffDb, type StaffExecutor } from '../storage/staff-database.ts';
import type { EntryRoundRow, OutboxRow } from '../storage/tables/staff.table.ts';

/** A city's data-entry rounds, newest year first. */
export async function listRounds(db: Executor | StaffExecutor, cityId: string): Promise<EntryRoundRow[]> {
  return staffDb(db).selectFrom('entry_rounds').selectAll().where('city_id', '=', cityId).orderBy('year', 'desc').execute();
}

/** Every open round of every city (for the reminder job). */
export async function listOpenRounds(db: Executor | StaffExecutor): Promise<EntryRoundRow[]> {
  return staffDb(db).selectFrom('entry_rounds').selectAll().where('closed_at', 'is', null).orderBy('id').execute();
}

/** The round of a city for a year, if any. */
export async function findRound(db: Executor | StaffExecutor, cityId: string, year: number): Promise<EntryRoundRow | undefined> {
  return staffDb(db).selectFrom('entry_rounds').selectAll().where('city_id', '=', cityId).where('year', '=', year).executeTakeFirst();
}

/** Opens a round. */
export async function insertRound(db: Executor | StaffExecutor, row: { city_id: string; year: number; deadline: string; opened_by: string }): Promise<EntryRoundRow> {
  return staffDb(db).insertInto('entry_rounds').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Closes a round. */
export async function closeRound(db: Executor | StaffExecutor, id: number, actor: string): Promise<void> {
  await staffDb(db).updateTable('entry_rounds').set({ closed_at: new Date(), closed_by: actor }).where('id', '=', id).execute();
}

/** Queues a message unless one with the same dedupe key exists; returns whether it was queued. */
export async function enqueueMail(
  db: Executor | StaffExecutor,
  row: { city_id: string | null; round_id: number | null; dedupe_key: string; recipient_user_id: number | null; recipient: string; subject: string; body: string },
): Promise<boolean> {
  const r = await staffDb(db).insertInto('outbox').values(row).onConflict((oc) => oc.column('dedupe_key').doNothing()).returning('id').executeTakeFirst();
  return r !== undefined;
}

/** A city's outbox, newest first. */
export async function listOutbox(db: Executor | StaffExecutor, cityId: string, limit = 200): Promise<OutboxRow[]> {
  return staffDb(db).selectFrom('outbox').selectAll().where('city_id', '=', cityId).orderBy('id', 'desc').limit(limit).execute();
}

/** Messages still to send (fewer than `maxAttempts` failed tries), oldest first. */
export async function listUnsent(db: Executor | StaffExecutor, maxAttempts: number, limit = 50): Promise<OutboxRow[]> {
  return staffDb(db).selectFrom('outbox').selectAll().where('sent_at', 'is', null).where('attempts', '<', maxAttempts).orderBy('id').limit(limit).execute();
}

/** Marks a message sent, or records a failed attempt. */
export async function markMail(db: Executor | StaffExecutor, id: number, outcome: { sent: true } | { sent: false; error: string }): Promise<void> {
  const q = staffDb(db).updateTable('outbox').where('id', '=', id);
  if (outcome.sent) await q.set((eb) => ({ sent_at: new Date(), attempts: eb('attempts', '+', 1), last_error: null })).execute();
  else await q.set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: outcome.error.slice(0, 500) })).execute();
}

/** Department editors of a city's departments with an e-mail address (reminder recipients). */
export async function listDepartmentEditors(db: Executor | StaffExecutor, cityId: string): Promise<{ user_id: number; username: string; display_name: string; email: string; department_id: number }[]> {
  const rows = await staffDb(db)
    .selectFrom('user_roles as r')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .select(['u.id as user_id', 'u.username', 'u.display_name', 'u.email', 'r.department_id'])
    .where('r.city_id', '=', cityId)
    .where('r.role', '=', 'department-editor')
    .where('u.disabled_at', 'is', null)
    .where('u.email', 'is not', null)
    .execute();
  return rows.map((r) => ({ ...r, email: r.email!, department_id: r.department_id! }));
}
