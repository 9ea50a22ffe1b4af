import type { Context, MiddlewareHandler } from 'hono';
import { CSRF_FIELD, sameToken } from '../../auth/session.ts';
import type { StaffEnv } from './staff-env.ts';

/** Methods that change state and so must carry the CSRF token. */
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Refuses every state-changing request of the staff area whose form field `_csrf` (or header
 * `x-csrf-token`) does not equal the token of its session (synchronizer token), or, before
 * log-in, the pre-session token. Also refuses a cross-site `Origin`. Runs after
 * {@link sessionMiddleware}; `onRefused` renders the answer (403).
 */
export function csrfProtection(onRefused: (c: Context<StaffEnv>) => Response | Promise<Response>): MiddlewareHandler<StaffEnv> {
  return async (c, next) => {
    if (!UNSAFE.has(c.req.method)) return next();
    const origin = c.req.header('origin');
    if (origin && !sameSite(origin, [new URL(c.req.url).host, c.req.header('host'), c.req.header('x-forwarded-host')])) return onRefused(c);
    let sent = c.req.header('x-csrf-token');
    if (!sent) {
      const type = c.req.header('content-type') ?? '';
      if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data')) {
        const body = await c.req.parseBody();
        const v = body[CSRF_FIELD];
        sent = typeof v === 'string' ? v : undefined;
      }
    }
    if (!sent || !sameToken(sent, c.get('csrfToken'))) return onRefused(c);
    return next();
  };
}

/** Whether an Origin header names this server (one of the host names the request arrived under). */
function sameSite(origin: string, hosts: readonly (string | undefined)[]): boolean {
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  return hosts.some((h) => h !== undefined && h === host);
}
