import type { Executor } from '../storage/database.ts';
import { staffDb, type StaffExecutor } from '../storage/staff-database.ts';
import type { SessionRow } from '../storage/tables/staff.table.ts';

/** A new session to store (the token's hash, never the token). */
export interface NewSession {
  readonly tokenHash: string;
  readonly userId: number;
  readonly csrfToken: string;
  readonly expiresAt: Date;
  readonly ip: string | null;
  readonly userAgent: string | null;
}

/** Stores a session and returns it. */
export async function insertSession(db: Executor | StaffExecutor, s: NewSession): Promise<SessionRow> {
  return staffDb(db)
    .insertInto('sessions')
    .values({ token_hash: s.tokenHash, user_id: s.userId, csrf_token: s.csrfToken, expires_at: s.expiresAt, ip: s.ip, user_agent: s.userAgent })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The session with this token hash, if any (ended or expired ones too: the caller checks). */
export async function findSessionByTokenHash(db: Executor | StaffExecutor, tokenHash: string): Promise<SessionRow | undefined> {
  return staffDb(db).selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Marks a session as seen now (extends its idle timeout). */
export async function touchSession(db: Executor | StaffExecutor, id: number, now: Date): Promise<void> {
  await staffDb(db).updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
}

/** Ends a session (log-out). */
export async function endSession(db: Executor | StaffExecutor, id: number, now: Date): Promise<void> {
  await staffDb(db).updateTable('sessions').set({ ended_at: now }).where('id', '=', id).where('ended_at', 'is', null).execute();
}

/** Ends every session of a user, except one when given (after a password change or when disabled). */
export async function endUserSessions(db: Executor | StaffExecutor, userId: number, now: Date, exceptId?: number): Promise<void> {
  let q = staffDb(db).updateTable('sessions').set({ ended_at: now }).where('user_id', '=', userId).where('ended_at', 'is', null);
  if (exceptId !== undefined) q = q.where('id', '<>', exceptId);
  await q.execute();
}

/** Deletes sessions that ended or expired before `before` (housekeeping, hourly). Returns how many. */
export async function purgeSessions(db: Executor | StaffExecutor, before: Date): Promise<number> {
  const r = await staffDb(db)
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<', before), eb('ended_at', '<', before)]))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
