import type { Context, MiddlewareHandler } from 'hono';
import type { StaffUser } from '../../auth/user.ts';
import type { StaffEnv } from './staff-env.ts';

/**
 * Lets only logged-in users through: others are sent to the log-in page (and back after). A user
 * with a one-time password is sent to the password page until it has chosen one.
 */
export function requireUser(): MiddlewareHandler<StaffEnv> {
  return async (c, next) => {
    const user = c.get('user');
    const url = new URL(c.req.url);
    if (!user) {
      if (c.req.method !== 'GET') return c.redirect('/staff/login', 303);
      return c.redirect(`/staff/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
    }
    if (user.mustChangePassword && url.pathname !== '/staff/password' && url.pathname !== '/staff/logout') {
      return c.redirect('/staff/password', 303);
    }
    return next();
  };
}

/**
 * Lets through only users for whom `allowed(user, cityId)` holds, the city taken from the
 * route's `:city` parameter; others get `onRefused` (a 403 page). Use after {@link requireUser}.
 */
export function requireCityPermission(
  allowed: (user: StaffUser, cityId: string) => boolean,
  onRefused: (c: Context<StaffEnv>) => Response | Promise<Response>,
): MiddlewareHandler<StaffEnv> {
  return async (c, next) => {
    const user = c.get('user');
    const cityId = c.req.param('city');
    if (!user || !cityId || !allowed(user, cityId)) return onRefused(c);
    return next();
  };
}

/** The logged-in user of a request behind {@link requireUser} (a bug if there is none). */
export function currentUser(c: Context<StaffEnv>): StaffUser {
  const user = c.get('user');
  if (!user) throw new Error('currentUser() on a route without requireUser()');
  return user;
}
