import type { Hono } from 'hono';
import type { Browser, Page } from 'playwright-core';
import { hashPassword } from '../../src/auth/password.ts';
import type { StaffRole } from '../../src/auth/user.ts';
import type { AppContext } from '../../src/app-context.ts';
import { listDepartments } from '../../src/departments/department.repository.ts';
import { insertUser, setUserRole } from '../../src/auth/user.repository.ts';

/** A password for test users, random per run (no fixed password in the code). */
export const TEST_PASSWORD = `pw-${Math.random().toString(36).slice(2)}-${Date.now()}`;

/** Creates a user with a role in a city (a department editor of the department with this slug). */
export async function makeUser(ctx: AppContext, username: string, cityId: string, role: StaffRole, departmentSlug?: string): Promise<void> {
  const departmentId = departmentSlug ? (await listDepartments(ctx.db, cityId)).find((d) => d.slug === departmentSlug)!.id : null;
  const row = await insertUser(ctx.db, { username, display_name: username, email: `${username}@example.jp`, password_hash: await hashPassword(TEST_PASSWORD) });
  await setUserRole(ctx.db, row.id, cityId, role, departmentId);
}

/**
 * The hidden inputs of the form posting to `action` in a page, without the CSRF token: the
 * version fields an edit form carries (issue 10.4), so a test posts what a browser would.
 */
export function hiddenFields(html: string, action: string): Record<string, string> {
  const start = html.indexOf(`action="${action}"`);
  if (start < 0) throw new Error(`no form posting to ${action}`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const out: Record<string, string> = {};
  for (const m of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) out[m[1]!] = decodeEntities(m[2]!);
  delete out['_csrf'];
  return out;
}

function decodeEntities(s: string): string {
  return s.replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}

/**
 * Enters an actual of a city's KPI through the staff forms as `editor` and approves it in review
 * as `secretariat` (both users of the city), so it is public; `fields` are the entry form's (at,
 * value, note, source, reason for a correction, explanation), `year` the review key's (the
 * actual's year). Throws when either step is refused.
 */
export async function enterApprovedActual(app: Hono, cityId: string, kpiId: string, users: { readonly editor: string; readonly secretariat: string }, fields: Record<string, string>, year: number): Promise<void> {
  const client = async (user: string) => {
    const c = new StaffClient(app);
    if ((await c.login(user)).status !== 303) throw new Error(`${user} cannot log in`);
    return c;
  };
  const base = `/staff/cities/${cityId}/kpis/${kpiId}`;
  const entered = await (await client(users.editor)).submit(`${base}/actuals/new`, `${base}/actuals`, fields);
  if (entered.status !== 303) throw new Error(`the actual is refused (${entered.status}): ${entered.text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 600)}`);
  const secretariat = await client(users.secretariat);
  await secretariat.get(`/staff/cities/${cityId}/review`);
  const approved = await secretariat.post(`/staff/cities/${cityId}/review`, { entity: 'actual', key: `${kpiId}@${year}`, action: 'approve' });
  if (approved.status !== 303) throw new Error(`the actual is not approved (${approved.status})`);
}

/** A browser-like client of the app: keeps cookies, reads the CSRF token from pages. */
/**
 * Each page requested twice (the second answer comes from the page cache once it is kept) and its
 * cached body by path: what a test compares after a write to see the cache dropped what changed.
 */
export async function cachedBodies(app: Hono, pages: readonly string[]): Promise<Map<string, string>> {
  const bodies = new Map<string, string>();
  for (const p of pages) {
    await app.request(p);
    bodies.set(p, await (await app.request(p)).text());
  }
  return bodies;
}

export class StaffClient {
  private readonly cookies = new Map<string, string>();
  csrf = '';

  constructor(private readonly app: Hono) {}

  async request(path: string, init: { method?: string; form?: Record<string, string>; noCsrf?: boolean; headers?: Record<string, string> } = {}): Promise<{ status: number; location: string | null; text: string; retryAfter: string | null }> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.cookies.size > 0) headers['cookie'] = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.noCsrf ? init.form : { _csrf: this.csrf, ...init.form }).toString();
    }
    const res = await this.app.request(path, { method: init.method ?? (init.form ? 'POST' : 'GET'), headers, ...(body !== undefined && { body }) });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [name, ...v] = pair!.split('=');
      const value = v.join('=');
      if (/max-age=0/i.test(c) || value === '') this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value);
    }
    const text = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(text);
    if (token) this.csrf = token[1]!;
    return { status: res.status, location: res.headers.get('location'), text, retryAfter: res.headers.get('retry-after') };
  }

  get(path: string) {
    return this.request(path);
  }

  post(path: string, form: Record<string, string>, opts: { noCsrf?: boolean } = {}) {
    return this.request(path, { form, ...opts });
  }

  /** Opens `page` and submits its form posting to `action` with these fields (and the form's hidden version fields), as a browser would. */
  async submit(page: string, action: string, fields: Record<string, string>) {
    const opened = await this.get(page);
    return this.post(action, { ...hiddenFields(opened.text, action), ...fields });
  }

  /** Logs in (loading the log-in page first for its CSRF token); returns the POST's answer. */
  async login(username: string, password = TEST_PASSWORD) {
    await this.get('/staff/login');
    return this.post('/staff/login', { username, password });
  }

  /** The Cookie header this client sends (for requests built by hand: JSON, multipart). */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  hasSession(): boolean {
    return this.cookies.has('michishirube_session');
  }
}

/** A Chromium page logged in to the staff area at `baseUrl` as `username` (with TEST_PASSWORD). */
export async function loggedInPage(browser: Browser, baseUrl: string, username: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await page.goto(`${baseUrl}/staff/login`);
  await page.fill('#f-username', username);
  await page.fill('#f-password', TEST_PASSWORD);
  await Promise.all([page.waitForURL(/\/staff(\?|$)/), page.click('button[type=submit]:has-text("ログイン")')]);
  return page;
}

/** A staff write of an attack test: what it does, the KPIs whose pages it changes, and the write (its HTTP status). */
export type StaffWrite = readonly [what: string, kpis: string[], write: () => Promise<number>];

/**
 * The yearly cycle's writes on the seed city's `new-farmers` (and a target of
 * `new-products-technologies`), through the staff forms as a secretariat user: a 2024 actual
 * entered and approved, a target revised, a commentary entered and approved, a status override and
 * the KPI renamed. Shared by the attack tests that compare public pages after each kind of write.
 */
export function yearlyCycleWrites(staff: StaffClient, cityId: string): StaffWrite[] {
  const kpiBase = (id: string) => `/staff/cities/${cityId}/kpis/${id}`;
  return [
    ['actual entered', ['new-farmers'], async () => (await staff.submit(`${kpiBase('new-farmers')}/actuals/new`, `${kpiBase('new-farmers')}/actuals`, { at: '2024年', value: '140 人', explanation: '攻撃テスト' })).status],
    ['actual approved', ['new-farmers'], async () => (await staff.get(kpiBase('new-farmers')), await staff.post(`/staff/cities/${cityId}/review`, { entity: 'actual', key: 'new-farmers@2024', action: 'approve' })).status],
    ['target revised', ['new-products-technologies'], async () => (await staff.submit(`${kpiBase('new-products-technologies')}/target`, `${kpiBase('new-products-technologies')}/target`, { target: '2025', newValue: '200 件', revisedOn: '2024-03-31', reason: '上方修正' })).status],
    ['commentary', ['new-farmers'], async () => (await staff.submit(kpiBase('new-farmers'), `${kpiBase('new-farmers')}/commentary`, { year: '2024', body: '攻撃テストのコメント' })).status],
    ['commentary approved', ['new-farmers'], async () => (await staff.get(kpiBase('new-farmers')), await staff.post(`/staff/cities/${cityId}/review`, { entity: 'commentary', key: 'new-farmers@2024', action: 'approve' })).status],
    ['status override', ['new-farmers'], async () => (await staff.submit(kpiBase('new-farmers'), `${kpiBase('new-farmers')}/override`, { status: 'achieved', justification: '攻撃テストの理由' })).status],
    ['KPI renamed', ['new-farmers'], async () => (await staff.submit(kpiBase('new-farmers'), `${kpiBase('new-farmers')}/edit`, { name: '攻撃テストの指標名', nameEn: 'Attack name', unit: '人', direction: 'up' })).status],
  ];
}
