import { NotFoundError } from '../../core/not-found.ts';
import { readFileSync } from 'node:fs';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { DEFAULT_STAFF_CONFIG } from '../../config.ts';
import type { MessageKey } from '../../i18n/messages.ts';
import { changePassword, login, logout } from '../../auth/auth.service.ts';
import { isConcurrentWriteError } from '../../core/concurrency.ts';
import { csrfProtection } from '../middleware/csrf.ts';
import { formGuard } from '../middleware/input-guard.ts';
import { requireUser } from '../middleware/require-role.ts';
import { clearSessionCookie, sessionMiddleware, setSessionCookie } from '../middleware/session.ts';
import type { StaffEnv } from '../middleware/staff-env.ts';
import { LoginView, PasswordView } from '../views/staff/auth.view.tsx';
import { fill, StaffMessageView } from '../views/staff/staff-layout.tsx';
import { clockOf, type WebDeps } from '../web-deps.ts';
import { staffAdminRoutes } from './staff-admin.routes.tsx';
import { cityAdminRoutes } from '../../cities/city.routes.tsx';
import { staffAuditRoutes } from './staff-audit.routes.tsx';
import { staffCityRoutes } from './staff-city.routes.tsx';
import { staffPlanRoutes } from './staff-plans.routes.tsx';
import { staffPeriodRoutes } from './staff-period.routes.tsx';
import { KPI_TABLE_UPLOAD_PATH, staffKpiTableRoutes } from './staff-kpi-table.routes.tsx';
import { onAppError } from '../errors.ts';
import { IMPORT_UPLOAD_PATH, importUploadLimit, staffImportRoutes } from './staff-import.routes.tsx';
import { myUpdatesRoutes, staffReviewRoutes } from './staff-review.routes.tsx';
import { partnerAccountRoutes, partnerLanding } from './partner-account.routes.tsx';
import { partnerSecretariatRoutes } from './partner-secretariat.routes.tsx';
import { DashboardView } from '../views/staff/dashboard.view.tsx';
import { canRunPartnerProgramme } from '../../policies/partner.policy.ts';
import { reviewQueueOfCity } from '../../partners/partner.service.ts';

const css = readFileSync(new URL('../views/staff/staff.css', import.meta.url), 'utf8');

// The page helpers every staff route module uses live in staff-page.tsx (a route module that
// imported them from here made a cycle with this module, which mounts it). Re-exported for
// code written against the old place.
import { formOf, noticeOf, redirectWithNotice, staffNotFound, staffPage } from './staff-page.tsx';
export { forbidden, formOf, noticeOf, redirectWithNotice, staffNotFound, staffPage, staleForm } from './staff-page.tsx';

const loginForm = z.object({ username: z.string().trim().min(1).max(200), password: z.string().min(1).max(1000), next: z.string().optional() });

/** Only a path inside the staff area is a valid place to return to after log-in (no open redirect). */
function safeNext(next: string | undefined): string {
  return next && /^\/staff(\/[A-Za-z0-9\-._~%/?=&]*)?$/.test(next) && !next.startsWith('//') ? next : '/staff';
}

/**
 * The staff area under /staff: log-in, log-out and password change here; the city pages, the
 * audit log and user management in their modules. Every request passes the session middleware
 * and CSRF check; everything but the log-in page requires a logged-in user.
 */
export function staffRoutes(deps: WebDeps): Hono<StaffEnv> {
  const settings = deps.staff ?? DEFAULT_STAFF_CONFIG;
  const policy = { idleMinutes: settings.sessionIdleMinutes, absoluteHours: settings.sessionAbsoluteHours };
  const app = new Hono<StaffEnv>();

  const clock = clockOf(deps);
  app.use('*', async (c, next) => {
    c.set('clock', clock);
    await next();
  });
  app.get('/static/staff.css', (c) => c.body(css, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }));
  app.use('*', sessionMiddleware(deps.db, { session: policy, trustProxy: settings.trustProxy }));
  app.use(IMPORT_UPLOAD_PATH, importUploadLimit()); // before the CSRF check reads the multipart body
  app.use(IMPORT_UPLOAD_PATH, formGuard()); // the app's input guard left this body to the route's limit
  app.use(KPI_TABLE_UPLOAD_PATH, importUploadLimit());
  app.use(KPI_TABLE_UPLOAD_PATH, formGuard());
  app.use(
    '*',
    csrfProtection((c) => {
      const page = staffPage(c);
      return c.html(<StaffMessageView page={page} title={page.ctx.t('staff.error.csrf')} lead={page.ctx.t('staff.error.csrfLead')} />, 403);
    }),
  );

  app.get('/login', (c) => {
    if (c.get('user')) return c.redirect('/staff', 303);
    const page = staffPage(c);
    return c.html(<LoginView page={page} values={{}} errors={{}} next={safeNext(c.req.query('next'))} notice={noticeOf(c)} />);
  });

  app.post('/login', async (c) => {
    const page = staffPage(c);
    const t = page.ctx.t;
    const form = await formOf(c);
    const parsed = loginForm.safeParse(form);
    const values = { username: form['username'] ?? '' };
    const next = safeNext(form['next']);
    if (!parsed.success) {
      return c.html(<LoginView page={page} values={values} errors={{ username: t('staff.login.required') }} next={next} />, 422);
    }
    const r = await login(deps.db, { username: parsed.data.username, password: parsed.data.password, ip: c.get('clientIp'), userAgent: c.req.header('user-agent') ?? null }, policy);
    if (!r.ok) {
      const e = r.error;
      const message = e.kind === 'locked' ? fill(t('staff.login.locked'), { minutes: Math.ceil(e.seconds / 60) }) : e.kind === 'expired' ? t('staff.login.expired') : t('staff.login.invalid');
      if (e.kind === 'locked') c.header('retry-after', String(e.seconds));
      return c.html(<LoginView page={page} values={values} errors={{ password: message }} next={next} />, e.kind === 'locked' ? 429 : 401);
    }
    setSessionCookie(c, r.value.token, new Date(r.value.session.expires_at));
    const landing = next === '/staff' ? ((await partnerLanding(deps.db, r.value.user)) ?? next) : next;
    return c.redirect(r.value.user.mustChangePassword ? '/staff/password' : landing, 303);
  });

  app.post('/logout', async (c) => {
    const session = c.get('session');
    if (session) await logout(deps.db, session.id);
    clearSessionCookie(c);
    return redirectWithNotice(c, '/staff/login', 'staff.logout.done');
  });

  app.use('*', requireUser());

  app.get('/password', (c) => c.html(<PasswordView page={staffPage(c)} errors={{}} notice={noticeOf(c)} />));

  app.post('/password', async (c) => {
    const page = staffPage(c);
    const form = await formOf(c);
    const user = c.get('user')!;
    const r = await changePassword(deps.db, user, c.get('session')!.id, { current: form['current'] ?? '', next: form['next'] ?? '', confirm: form['confirm'] ?? '' });
    if (!r.ok) {
      const errors = Object.fromEntries(Object.entries(r.errors).map(([field, problem]) => [field, page.ctx.t(`staff.password.error.${problem}` as MessageKey)]));
      return c.html(<PasswordView page={page} errors={errors} />, 422);
    }
    return redirectWithNotice(c, '/staff', 'staff.password.changed');
  });

  app.get('/', async (c) => {
    const partnerHome = await partnerLanding(deps.db, c.get('user')!);
    if (partnerHome) return c.redirect(partnerHome, 303);
    const user = c.get('user')!;
    const cities = await deps.store.listCities();
    const partnerQueues = new Map<string, number>();
    for (const city of cities) {
      if (!canRunPartnerProgramme(user, city.id)) continue;
      const queue = await reviewQueueOfCity(deps.db, city.id);
      if (queue) partnerQueues.set(city.id, queue.pending);
    }
    return c.html(<DashboardView page={staffPage(c)} cities={cities} partnerQueues={partnerQueues} notice={noticeOf(c)} />);
  });

  app.route('/audit', staffAuditRoutes(deps));
  app.route('/users', staffAdminRoutes(deps));
  app.route('/system/cities', cityAdminRoutes(deps));
  // The plan builder first: it renders the plan list and plan page (with the builder for who may build).
  app.route('/cities', staffPlanRoutes(deps));
  app.route('/cities', staffCityRoutes(deps));
  app.route('/cities', staffPeriodRoutes(deps));
  app.route('/cities', staffKpiTableRoutes(deps));
  app.route('/cities', staffImportRoutes(deps));
  app.route('/cities', staffReviewRoutes(deps));
  app.route('/updates', myUpdatesRoutes(deps));
  app.route('/partner', partnerAccountRoutes(deps));
  app.route('/partners', partnerSecretariatRoutes(deps));
  app.notFound(staffNotFound);
  // A write that lost a race in the database and was not turned into a conflict page by its
  // route (a unique violation, a serialization failure) is still a conflict for the user, not a 500.
  app.onError((err, c) => {
    // An id of the URL names nothing of the city (another city's plan, node or KPI): the same
    // 404 as an id that exists nowhere, whatever command found it out.
    if (err instanceof NotFoundError) return staffNotFound(c);
    if (isConcurrentWriteError(err)) {
      const page = staffPage(c);
      return c.html(<StaffMessageView page={page} title={page.ctx.t('staff.conflict.busyTitle')} lead={page.ctx.t('staff.conflict.busyLead')} />, 409);
    }
    // Everything else (input errors as 400, unexpected ones as a logged problem page) goes to the
    // app's one error handler: a sub-app's onError would otherwise shadow it.
    return onAppError(err, c);
  });
  return app;
}
