import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Sessions are kept on the server (table `sessions`). The cookie carries a random 256-bit
 * token; the database stores only its SHA-256, so a leaked table or backup gives no working
 * cookie. A session ends after {@link SessionPolicy.idleMinutes} without a request and in any
 * case {@link SessionPolicy.absoluteHours} after log-in.
 */

/** The cookie that carries the session token. */
export const SESSION_COOKIE = 'michishirube_session';
/** The cookie of the pre-session CSRF token (the log-in form, before there is a session). */
export const LOGIN_CSRF_COOKIE = 'michishirube_login_csrf';
/** The form field every state-changing staff form carries its CSRF token in. */
export const CSRF_FIELD = '_csrf';

/** How long sessions live (config.ts: SESSION_IDLE_MINUTES, SESSION_ABSOLUTE_HOURS). */
export interface SessionPolicy {
  readonly idleMinutes: number;
  readonly absoluteHours: number;
}

/** Defaults when not configured: 30 minutes idle, 12 hours at most (a working day). */
export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMinutes: 30, absoluteHours: 12 };

/** A new random token (for a session cookie or a CSRF token), base64url. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The form a session token is stored in. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Compares two tokens in constant time (for CSRF tokens). */
export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Whether a session that was last seen at `lastSeen` and expires at `expires` is still alive at `now`. */
export function sessionAlive(s: { lastSeenAt: Date; expiresAt: Date; endedAt: Date | null }, now: Date, policy: SessionPolicy): boolean {
  if (s.endedAt !== null) return false;
  if (now.getTime() >= s.expiresAt.getTime()) return false;
  return now.getTime() - s.lastSeenAt.getTime() < policy.idleMinutes * 60_000;
}

/** The absolute expiry of a session that starts at `now`. */
export function sessionExpiry(now: Date, policy: SessionPolicy): Date {
  return new Date(now.getTime() + policy.absoluteHours * 3_600_000);
}
