import { isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Kysely } from 'kysely';
import { LOGIN_CSRF_COOKIE, newToken, SESSION_COOKIE } from '../../auth/session.ts';
import { resolveSession } from '../../auth/auth.service.ts';
import type { Database } from '../../storage/database.ts';
import type { StaffEnv, StaffWebSettings } from './staff-env.ts';

/**
 * Loads the session named by the cookie (if alive) into `c.var.user` / `c.var.session`, and
 * the CSRF token forms must carry into `c.var.csrfToken`: the session's, or before log-in a
 * random token kept in a short-lived cookie (double submit), so the log-in form is protected too.
 */
export function sessionMiddleware(db: Kysely<Database>, settings: StaffWebSettings): MiddlewareHandler<StaffEnv> {
  return async (c, next) => {
    c.set('clientIp', clientIp(c, settings.trustProxy));
    const token = getCookie(c, SESSION_COOKIE);
    const resolved = token ? await resolveSession(db, token, settings.session) : null;
    if (token && !resolved) deleteCookie(c, SESSION_COOKIE, { path: '/staff' });
    c.set('user', resolved?.user ?? null);
    c.set('session', resolved?.session ?? null);
    if (resolved) {
      c.set('csrfToken', resolved.session.csrf_token);
    } else {
      let pre = getCookie(c, LOGIN_CSRF_COOKIE);
      if (!pre || pre.length < 32) {
        pre = newToken();
        setCookie(c, LOGIN_CSRF_COOKIE, pre, { path: '/staff', httpOnly: true, sameSite: 'Lax', secure: isHttps(c), maxAge: 2 * 3600 });
      }
      c.set('csrfToken', pre);
    }
    c.header('cache-control', 'no-store');
    c.header('x-frame-options', 'DENY');
    c.header('referrer-policy', 'same-origin');
    await next();
  };
}

/** Sets the session cookie: HttpOnly, SameSite=Lax, Secure on https, scoped to the staff area, ending with the session. */
export function setSessionCookie(c: Context, token: string, expiresAt: Date): void {
  setCookie(c, SESSION_COOKIE, token, { path: '/staff', httpOnly: true, sameSite: 'Lax', secure: isHttps(c), expires: expiresAt });
}

/** Removes the session cookie (log-out). */
export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/staff', secure: isHttps(c) });
}

/** Whether the request came over https (directly, or as a trusted proxy says). */
export function isHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
}

/**
 * An X-Forwarded-For entry without the port some proxies add (`1.2.3.4:5678`, `[2001:db8::1]:443`,
 * `[2001:db8::1]`): with it, no entry was an address and every client got the proxy's own, one
 * key for everyone's log-in throttle. A bare IPv6 address (colons, no brackets) is left whole.
 */
function withoutPort(entry: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  if (bracketed) return bracketed[1]!;
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(entry);
  return v4 ? v4[1]! : entry;
}

/**
 * The client's IP: the socket's, or behind `trustProxy` trusted reverse proxies the X-Forwarded-For
 * entry that many places from the right. Each proxy appends the address it was reached from, so
 * the entries left of those are whatever the client sent: taking the first let one client throttle
 * itself under a new made-up address each try (an attack on the log-in throttle found it). A
 * header with fewer entries than proxies, or an entry that is no IP address, falls back to the
 * socket's address.
 */
export function clientIp(c: Context, trustProxy: number): string {
  if (trustProxy > 0) {
    const entries = (c.req.header('x-forwarded-for') ?? '').split(',').map((e) => e.trim());
    const forwarded = entries.length >= trustProxy ? withoutPort(entries[entries.length - trustProxy]!) : '';
    if (isIP(forwarded) !== 0) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // app.request() in tests has no socket.
    return 'unknown';
  }
}
