import type { Hono } from 'hono';
import { systemClock } from '../../src/core/time/clock.ts';
import { hashPassword } from '../../src/auth/password.ts';
import type { StaffRole } from '../../src/auth/user.ts';
import type { AppContext } from '../../src/app-context.ts';
import { insertUser, setUserRole } from '../../src/auth/user.repository.ts';

/** A password for test log-ins, random per run (no fixed password in the code). */
export const PASSWORD = `pw-${Math.random().toString(36).slice(2)}-${Date.now()}`;

/** A posted form: repeated fields (the goals ticked, the attendees) as lists. */
export type Form = Record<string, string | readonly string[]>;

/** An answer as a test reads it. */
export interface Answer {
  readonly status: number;
  readonly location: string | null;
  readonly text: string;
  readonly headers: Headers;
}

/**
 * A browser-like client of the app for HTTP tests of the partner platform: keeps cookies (the
 * session, the public forms' CSRF cookie), reads the `_csrf` token from the last page, posts
 * urlencoded forms with repeated fields.
 */
export class Client {
  private readonly cookies = new Map<string, string>();
  csrf = '';

  constructor(private readonly app: Hono) {}

  async request(path: string, init: { method?: string; form?: Form; body?: string; noCsrf?: boolean; headers?: Record<string, string> } = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.cookies.size > 0) headers['cookie'] = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body = init.body;
    if (init.form) {
      const params = new URLSearchParams();
      if (!init.noCsrf) params.append('_csrf', this.csrf);
      for (const [k, v] of Object.entries(init.form)) for (const one of typeof v === 'string' ? [v] : v) params.append(k, one);
      body = params.toString();
    }
    if (body !== undefined) headers['content-type'] ??= 'application/x-www-form-urlencoded';
    const res = await this.app.request(path, { method: init.method ?? (body !== undefined ? 'POST' : 'GET'), headers, ...(body !== undefined && { body }) });
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
    return { status: res.status, location: res.headers.get('location'), text, headers: res.headers };
  }

  get(path: string): Promise<Answer> {
    return this.request(path);
  }

  post(path: string, form: Form, opts: { noCsrf?: boolean; headers?: Record<string, string> } = {}): Promise<Answer> {
    return this.request(path, { form, ...opts });
  }

  /** Logs in through the log-in page (for its CSRF token); returns the POST's answer. */
  async login(username: string, next?: string): Promise<Answer> {
    await this.get(next ? `/staff/login?next=${encodeURIComponent(next)}` : '/staff/login');
    const answer = await this.post('/staff/login', { username, password: PASSWORD, ...(next && { next }) });
    // Like a browser, follow to the landing page: it carries the session's CSRF token.
    if (answer.status === 303 && answer.location) await this.get(answer.location);
    return answer;
  }
}

/** Creates a staff user with a role in a city. */
export async function makeStaff(ctx: AppContext, username: string, cityId: string, role: StaffRole): Promise<void> {
  const row = await insertUser(ctx.db, { username, display_name: username, email: `${username}@example.jp`, password_hash: await hashPassword(PASSWORD) });
  await setUserRole(ctx.db, row.id, cityId, role, null);
}

/** A complete application to a programme, with fields to change. */
export function application(over: Form & { email: string }): Form {
  return {
    memberType: 'company',
    name: 'テスト工房',
    nameKana: 'テストコウボウ',
    representative: '申請 太郎',
    phone: '0191-00-1234',
    area: '花泉地域',
    website: '',
    goals: ['11'],
    declaration_11: '空き店舗を改装して交流の場をつくります。',
    offer_skills: '木工の技術',
    seek_venues: '作業場所',
    consentTerms: 'on',
    consentPublication: 'on',
    password: PASSWORD,
    passwordConfirm: PASSWORD,
    ...over,
  };
}

/** Applies through the public form; returns the log-in id shown on the confirmation page and the partner id. */
export async function applyThroughForm(app: Hono, cityId: string, form: Form): Promise<{ loginId: string; partnerId: number; answer: Answer }> {
  const c = new Client(app);
  await c.get(`/cities/${cityId}/partners/apply`);
  const answer = await c.post(`/cities/${cityId}/partners/apply`, form);
  const loginId = /id="login-id">(partner-[a-z2-9]{12})</.exec(answer.text);
  if (answer.status !== 200 || !loginId) throw new Error(`application refused (${answer.status}): ${answer.text.slice(0, 2000)}`);
  // The log-in id no longer carries the partner id (issue 9.7): the partner's own data export names it.
  const me = new Client(app);
  await me.login(loginId[1]!);
  const exported = await me.get('/staff/partner/export');
  const partnerId = /filename="partner-(\d+)\.json"/.exec(exported.headers?.get('content-disposition') ?? '');
  if (!partnerId) throw new Error(`no partner id for ${loginId[1]} (${exported.status})`);
  return { loginId: loginId[1]!, partnerId: Number(partnerId[1]), answer };
}

/**
 * Publishes this year for a city as its secretariat would (issue 10.1: nothing of a year,
 * platform counts included, is public until the secretariat publishes it), so tests of the
 * live public counts read them.
 */
export async function publishCurrentYear(app: Hono, secretariat: string, cityId: string): Promise<void> {
  const c = new Client(app);
  await c.login(secretariat);
  await c.get(`/staff/cities/${cityId}/publication`);
  const year = systemClock.todayInTokyo().slice(0, 4);
  const r = await c.post(`/staff/cities/${cityId}/publication`, { year, published: 'true', reason: '公開のため' });
  if (r.status !== 303) throw new Error(`publishing ${year} of ${cityId} answered ${r.status}`);
}
