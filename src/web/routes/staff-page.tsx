import type { Context } from 'hono';
import { knownNotice, noticeSignature, STAFF_NOTICES, validNoticeSignature, type StaffNotice } from '../notices.ts';
import type { StaffEnv } from '../middleware/staff-env.ts';
import { viewContextOf } from '../request-context.ts';
import { fill, StaffMessageView, type StaffPage } from '../views/staff/staff-layout.tsx';
import { systemClock } from '../../core/time/clock.ts';
import { roleIn, type StaffRole } from '../../auth/user.ts';

/*
 * The page helpers of the staff area, shared by every staff route module: the page context, the
 * 403/404/400 pages in the staff frame, the signed notice after a redirect, and form reading.
 */

/** The page context of a staff request: language, user, CSRF token. */
export function staffPage(c: Context<StaffEnv>): StaffPage {
  return { ctx: viewContextOf(c), user: c.get('user'), csrfToken: c.get('csrfToken'), today: (c.get('clock') ?? systemClock).todayInTokyo() };
}

/** A 403 page: the user may not do this. */
export function forbidden(c: Context<StaffEnv>): Response | Promise<Response> {
  const page = staffPage(c);
  return c.html(<StaffMessageView page={page} title={page.ctx.t('staff.error.forbidden')} lead={page.ctx.t('staff.error.forbiddenLead')} />, 403);
}

/**
 * A 403 page that names the role the page needs and the user's role in the request's city, and
 * says what to do: an administrator (who manages users, not plans: separation of duties, see
 * docs/AUTH.md) is told to create an account with that role on the users page; anyone else to
 * ask the city's administrator. Grants nothing.
 */
export function forbiddenNeedsRole(c: Context<StaffEnv>, needs: StaffRole): Response | Promise<Response> {
  const page = staffPage(c);
  const { t } = page.ctx;
  const cityId = c.req.param('city');
  const yours = cityId && page.user ? roleIn(page.user, cityId) : undefined;
  const lead = fill(t('staff.error.needsRole'), { role: t(`staff.role.${needs}`), yours: yours ? t(`staff.role.${yours}`) : t('staff.role.none') });
  const more = yours === 'administrator' ? [{ text: t('staff.error.needsRoleAdministrator'), href: '/staff/users', link: t('staff.nav.users') }] : [{ text: t('staff.error.needsRoleOther') }];
  return c.html(<StaffMessageView page={page} title={page.ctx.t('staff.error.forbidden')} lead={lead} more={more} />, 403);
}

/** A 404 page in the staff frame. */
export function staffNotFound(c: Context<StaffEnv>): Response | Promise<Response> {
  const page = staffPage(c);
  return c.html(<StaffMessageView page={page} title={page.ctx.t('staff.error.notFound')} lead={page.ctx.t('error.notFoundLead')} />, 404);
}

/** A 400 page: an edit form came without the version it was opened on (not a form of ours, or a page from before an upgrade). */
export function staleForm(c: Context<StaffEnv>): Response | Promise<Response> {
  const page = staffPage(c);
  return c.html(<StaffMessageView page={page} title={page.ctx.t('staff.form.errorSummary')} lead={page.ctx.t('staff.form.error.missingVersion')} />, 400);
}

/**
 * Redirects after a successful POST (303, so reload does not resubmit), with a notice id of
 * STAFF_NOTICES (src/web/notices.ts) and its placeholder values, signed for this session.
 */
export function redirectWithNotice(c: Context<StaffEnv>, path: string, notice: StaffNotice, vars: Record<string, string> = {}): Response {
  const url = new URL(path, 'http://x');
  url.searchParams.set('notice', notice);
  for (const [k, v] of Object.entries(vars)) url.searchParams.set(k, v);
  if (Object.keys(vars).length > 0) url.searchParams.set('sig', noticeSignature(c.get('csrfToken') ?? '', notice, vars));
  if (new URL(c.req.url).searchParams.get('lang') === 'en') url.searchParams.set('lang', 'en');
  return c.redirect(url.pathname + url.search, 303);
}

/**
 * The notice named by `?notice=`: only ids of STAFF_NOTICES; its placeholders filled only from
 * values signed for this session. A notice with placeholders and no valid signature is not shown
 * (a crafted link cannot put its text into the staff area).
 */
export function noticeOf(c: Context<StaffEnv>): string | undefined {
  const url = new URL(c.req.url);
  const key = knownNotice(STAFF_NOTICES, url.searchParams.get('notice'));
  if (!key) return undefined;
  const text = viewContextOf(c).t(key);
  const names = [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  if (names.length === 0) return text;
  const vars = Object.fromEntries(names.map((n) => [n, url.searchParams.get(n) ?? '']));
  if (!validNoticeSignature(c.get('csrfToken') ?? '', key, vars, url.searchParams.get('sig'))) return undefined;
  return fill(text, vars);
}

/** Reads a urlencoded form as strings (files and repeated fields are not used by the staff forms). */
export async function formOf(c: Context<StaffEnv>): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v;
  return out;
}

