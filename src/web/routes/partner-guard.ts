import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { newToken, sameToken, CSRF_FIELD } from '../../auth/session.ts';
import { clientIp, isHttps } from '../middleware/session.ts';

/**
 * Abuse control of the public partner forms (application, course registration, lecture
 * request): a size limit on the body, a rate limit per client IP, and CSRF by double submit
 * (anonymous visitors have no session; the token sits in a cookie and in the form, like the
 * staff log-in's pre-session token). The honeypot is checked by the route.
 */

/**
 * Largest accepted form body of the partner forms (public and partner area), applied by the app's
 * body limit (web/app.tsx): an application with 17 declarations fits in a fraction of this.
 */
export const MAX_FORM_BYTES = 64 * 1024;

/** The cookie of the public forms' CSRF token. */
export const PUBLIC_CSRF_COOKIE = 'michishirube_form_csrf';

// The database-backed counter lives beside the log-in throttle (src/auth/rate-limiter.ts): a
// route module does not build storage objects. Re-exported for the code that imports it here.
export { RateLimiter } from '../../auth/rate-limiter.ts';

/** The CSRF token of this visitor's public forms (set in a cookie on first sight). */
export function publicCsrfToken(c: Context): string {
  let token = getCookie(c, PUBLIC_CSRF_COOKIE);
  if (!token || token.length < 32) {
    token = newToken();
    setCookie(c, PUBLIC_CSRF_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'Lax', secure: isHttps(c), maxAge: 4 * 3600 });
  }
  c.header('cache-control', 'no-store');
  return token;
}

/** Whether a posted form carries this visitor's CSRF token and comes from this site. */
export function publicCsrfValid(c: Context, fields: Readonly<Record<string, unknown>>): boolean {
  const origin = c.req.header('origin');
  if (origin) {
    try {
      if (new URL(origin).host !== new URL(c.req.url).host && new URL(origin).host !== c.req.header('host')) return false;
    } catch {
      return false;
    }
  }
  const cookie = getCookie(c, PUBLIC_CSRF_COOKIE);
  const sent = fields[CSRF_FIELD];
  return typeof cookie === 'string' && typeof sent === 'string' && sameToken(cookie, sent);
}


/** The client IP (behind a trusted proxy, the forwarded one). */
export function ipOf(c: Context, trustProxy: number): string {
  return clientIp(c, trustProxy);
}
