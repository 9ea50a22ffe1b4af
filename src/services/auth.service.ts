import { dummyPasswordHash, hashPassword, passwordProblem, verifyPassword, type PasswordProblem } from '../auth/password.ts';
import { hashToken, newToken, sessionAlive, sessionExpiry, type SessionPolicy } from '../auth/session.ts';
import type { StaffUser } from '../auth/user.ts';
import type { Executor } from '../storage/database.ts';
import { endSession, endUserSessions, findSessionByTokenHash, insertSession, touchSession } from '../storage/session.repository.ts';
import { appendStaffChangeLog, inStaffTransaction } from '../storage/staff-database.ts';
import type { SessionRow, UserRow } from '../storage/tables/staff.table.ts';
import { findUserById, findUserByUsername, listUserRoles, logLoginAttempt, recentFailures, setPasswordHash } from '../storage/user.repository.ts';

/** Failed attempts within this window count towards a lockout. */
export const LOCKOUT_WINDOW_MINUTES = 15;
/** Failed attempts on one account within the window that lock it. */
export const MAX_FAILURES_PER_ACCOUNT = 5;
/** Failed attempts from one IP within the window that block it (password spraying across accounts). */
export const MAX_FAILURES_PER_IP = 20;

/** Who is logging in, from where. */
export interface LoginInput {
  readonly username: string;
  readonly password: string;
  readonly ip: string;
  readonly userAgent: string | null;
}

/** A started session: the token goes into the cookie, never into the database. */
export interface StartedSession {
  readonly token: string;
  readonly session: SessionRow;
  readonly user: StaffUser;
}

/** Why a log-in failed: wrong name or password (never saying which), or locked for some minutes. */
export type LoginFailure = { readonly kind: 'invalid' } | { readonly kind: 'locked'; readonly minutes: number };

/** An alive session and its user. */
export interface ResolvedSession {
  readonly session: SessionRow;
  readonly user: StaffUser;
}

/** User names are case-insensitive: stored and compared in lower case. */
export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase();
}

/**
 * Logs a user in: checks the lockouts (per account and per IP), the password and the account,
 * logs the attempt either way, and on success starts a session. An unknown user name costs the
 * same time as a wrong password and gets the same answer.
 */
export async function login(db: Executor, input: LoginInput, policy: SessionPolicy, now = new Date()): Promise<{ ok: true; value: StartedSession } | { ok: false; error: LoginFailure }> {
  const username = normalizeUsername(input.username).slice(0, 64);
  const since = new Date(now.getTime() - LOCKOUT_WINDOW_MINUTES * 60_000);
  const [byAccount, byIp] = await Promise.all([recentFailures(db, { username }, since), recentFailures(db, { ip: input.ip }, since)]);
  const lock = [
    byAccount.count >= MAX_FAILURES_PER_ACCOUNT ? byAccount.oldest : null,
    byIp.count >= MAX_FAILURES_PER_IP ? byIp.oldest : null,
  ].filter((d): d is Date => d !== null);
  if (lock.length > 0) {
    await logLoginAttempt(db, { username, ip: input.ip, outcome: 'locked' });
    const until = Math.max(...lock.map((d) => d.getTime() + LOCKOUT_WINDOW_MINUTES * 60_000));
    return { ok: false, error: { kind: 'locked', minutes: Math.max(1, Math.ceil((until - now.getTime()) / 60_000)) } };
  }

  const user = await findUserByUsername(db, username);
  const passwordOk = await verifyPassword(input.password, user?.password_hash ?? (await dummyPasswordHash()));
  if (!user || !passwordOk || user.disabled_at !== null) {
    const outcome = !user ? 'unknown-user' : !passwordOk ? 'wrong-password' : 'disabled';
    await logLoginAttempt(db, { username, ip: input.ip, outcome });
    console.warn(`michishirube: failed staff log-in for "${username}" from ${input.ip} (${outcome})`);
    return { ok: false, error: { kind: 'invalid' } };
  }

  await logLoginAttempt(db, { username, ip: input.ip, outcome: 'success' });
  const token = newToken();
  const session = await insertSession(db, {
    tokenHash: hashToken(token),
    userId: user.id,
    csrfToken: newToken(),
    expiresAt: sessionExpiry(now, policy),
    ip: input.ip,
    userAgent: input.userAgent?.slice(0, 300) ?? null,
  });
  return { ok: true, value: { token, session, user: await staffUserOf(db, user) } };
}

/**
 * The session a cookie token names, if it is alive (not ended, not idle too long, not past its
 * absolute expiry) and its user is not disabled. Extends the idle timeout, writing at most once
 * a minute.
 */
export async function resolveSession(db: Executor, token: string, policy: SessionPolicy, now = new Date()): Promise<ResolvedSession | null> {
  if (token.length < 20 || token.length > 100) return null;
  const session = await findSessionByTokenHash(db, hashToken(token));
  if (!session) return null;
  if (!sessionAlive({ lastSeenAt: new Date(session.last_seen_at), expiresAt: new Date(session.expires_at), endedAt: session.ended_at }, now, policy)) return null;
  const row = await findUserById(db, session.user_id);
  if (!row || row.disabled_at !== null) return null;
  if (now.getTime() - new Date(session.last_seen_at).getTime() > 60_000) await touchSession(db, session.id, now);
  return { session, user: await staffUserOf(db, row) };
}

/** Ends a session (log-out). */
export async function logout(db: Executor, sessionId: number, now = new Date()): Promise<void> {
  await endSession(db, sessionId, now);
}

/** Field errors of the password change form, by field name. */
export type PasswordChangeErrors = Partial<Record<'current' | 'next' | 'confirm', 'wrong-current' | PasswordProblem>>;

/**
 * Changes a user's password: checks the current one and the policy, stores the new hash, ends
 * the user's other sessions (a stolen session does not survive a password change), logs it.
 */
export async function changePassword(
  db: Executor,
  user: StaffUser,
  sessionId: number,
  input: { current: string; next: string; confirm: string },
  now = new Date(),
): Promise<{ ok: true } | { ok: false; errors: PasswordChangeErrors }> {
  const row = await findUserById(db, user.id);
  if (!row) throw new Error(`user ${user.id} vanished`);
  if (!(await verifyPassword(input.current, row.password_hash))) return { ok: false, errors: { current: 'wrong-current' } };
  const problem = passwordProblem(input.next, input.confirm, user.username, [user.displayName, user.email ?? '', ...user.memberships.map((m) => m.cityId)]);
  if (problem) return { ok: false, errors: problem === 'mismatch' ? { confirm: problem } : { next: problem } };
  if (input.next === input.current) return { ok: false, errors: { next: 'same-as-current' } };
  const hash = await hashPassword(input.next);
  await inStaffTransaction(db, async (trx) => {
    await setPasswordHash(trx, user.id, hash, false);
    await endUserSessions(trx, user.id, now, sessionId);
    await appendStaffChangeLog(trx, [{ actor: user.username, action: 'update', entity: 'user', entityId: user.username, cityId: null, new: { password: 'changed' } }]);
  });
  return { ok: true };
}

/** A user row with its roles, as policies and views see it. */
export async function staffUserOf(db: Executor, row: UserRow): Promise<StaffUser> {
  const roles = await listUserRoles(db, [row.id]);
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    email: row.email,
    isSystemAdmin: row.is_system_admin,
    mustChangePassword: row.must_change_password,
    memberships: roles.map((r) => ({ cityId: r.city_id, role: r.role, departmentId: r.department_id, departmentSlug: r.department_slug })),
  };
}
