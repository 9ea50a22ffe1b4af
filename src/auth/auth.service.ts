import { databaseLoginThrottle, type LoginThrottle } from '../auth/login-throttle.ts';
import { dummyPasswordHash, hashPassword, ONE_TIME_PASSWORD_HOURS, passwordProblem, verifyPassword, type PasswordProblem } from '../auth/password.ts';
import { hashToken, newToken, sessionAlive, sessionExpiry, type SessionPolicy } from '../auth/session.ts';
import type { StaffUser } from '../auth/user.ts';
import type { Executor } from '../storage/database.ts';
import { endSession, endUserSessions, findSessionByTokenHash, insertSession, purgeSessions, touchSession } from './session.repository.ts';
import { purgeRateLimits } from './rate-limit.repository.ts';
import { appendStaffChangeLog, inStaffTransaction } from '../storage/staff-database.ts';
import type { SessionRow, UserRow } from '../storage/tables/staff.table.ts';
import { findUserById, findUserByUsername, listUserRoles, logLoginAttempt, purgeLoginAttempts, setPasswordHash } from './user.repository.ts';

/** The throttle of each database (one per opened database, kept while it lives). */
const throttles = new WeakMap<object, LoginThrottle>();
function throttleOf(db: Executor): LoginThrottle {
  let t = throttles.get(db);
  if (!t) throttles.set(db, (t = databaseLoginThrottle(db)));
  return t;
}

/** Whether a one-time password set at `setAt` has run out at `now` ({@link ONE_TIME_PASSWORD_HOURS} hours). */
export function oneTimePasswordExpired(setAt: Date, now: Date): boolean {
  return now.getTime() - setAt.getTime() >= ONE_TIME_PASSWORD_HOURS * 3_600_000;
}

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

/**
 * Why a log-in failed: wrong name or password (never saying which); throttled (this account from
 * this address, or this address, must wait `seconds`); or a right one-time password that ran out
 * (said only to someone who knows it).
 */
export type LoginFailure = { readonly kind: 'invalid' } | { readonly kind: 'locked'; readonly seconds: number } | { readonly kind: 'expired' };

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
 * Logs a user in: asks the throttle (per account and address, and per address; see
 * src/auth/login-throttle.ts), checks the password, the account and a one-time password's age,
 * logs the attempt either way, and on success starts a session. An unknown user name costs the
 * same time as a wrong password and gets the same answer.
 */
export async function login(db: Executor, input: LoginInput, policy: SessionPolicy, now = new Date()): Promise<{ ok: true; value: StartedSession } | { ok: false; error: LoginFailure }> {
  const username = normalizeUsername(input.username).slice(0, 64);
  const throttle = throttleOf(db);
  const wait = await throttle.waitMs(username, input.ip);
  if (wait > 0) {
    await logLoginAttempt(db, { username, ip: input.ip, outcome: 'locked' });
    return { ok: false, error: { kind: 'locked', seconds: Math.ceil(wait / 1000) } };
  }

  const user = await findUserByUsername(db, username);
  const passwordOk = await verifyPassword(input.password, user?.password_hash ?? (await dummyPasswordHash()));
  if (!user || !passwordOk || user.disabled_at !== null) {
    const outcome = !user ? 'unknown-user' : !passwordOk ? 'wrong-password' : 'disabled';
    await logLoginAttempt(db, { username, ip: input.ip, outcome });
    if (outcome !== 'disabled') await throttle.failed(username, input.ip);
    console.warn(`michishirube: failed staff log-in for "${username}" from ${input.ip} (${outcome})`);
    return { ok: false, error: { kind: 'invalid' } };
  }
  if (user.must_change_password && oneTimePasswordExpired(new Date(user.password_changed_at), now)) {
    await logLoginAttempt(db, { username, ip: input.ip, outcome: 'expired' });
    return { ok: false, error: { kind: 'expired' } };
  }

  await throttle.succeeded(username, input.ip);
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

/** How long the log of log-in attempts is kept (the administrator's security log), in days. */
export const LOGIN_ATTEMPT_RETENTION_DAYS = 90;

/**
 * Housekeeping of the hourly job: deletes sessions that ended or expired, log-in attempts older
 * than {@link LOGIN_ATTEMPT_RETENTION_DAYS} days and lapsed throttle counters. Returns how many
 * rows of each went.
 */
export async function purgeAuthRecords(db: Executor, now = new Date()): Promise<{ sessions: number; loginAttempts: number; rateLimits: number }> {
  const sessions = await purgeSessions(db, now);
  const loginAttempts = await purgeLoginAttempts(db, new Date(now.getTime() - LOGIN_ATTEMPT_RETENTION_DAYS * 86_400_000));
  const rateLimits = await purgeRateLimits(db, now);
  return { sessions, loginAttempts, rateLimits };
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
