import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.ts';
import { linkAccount } from '../../src/partners/partner.repository.ts';
import { partnerDb } from '../../src/partners/partner.table.ts';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { insertUser } from '../../src/auth/user.repository.ts';
import { createApp } from '../../src/web/app.tsx';
import { Client, makeStaff, PASSWORD, type Form } from '../partners/partner-client.ts';

/*
 * Issue 9, point 4: junk in every input never gives a 500. Every GET route the app mounts
 * (public, staff as a system administrator, partner area as a partner) is asked with each query
 * parameter the code reads (found by scanning src/web) set to a NUL byte, an overlong string, an
 * invalid UTF-8 percent-encoding and a repeated value; every form the pages render is posted
 * with each of its fields set to a NUL byte, an overlong string and a repeated value. NUL,
 * bad encodings and overlong values must get a 400 with a message; repeated values may be
 * ignored (any answer but a 5xx).
 */

let ctx: AppContext;
let app: ReturnType<typeof createApp>;
let anon: Client;
let admin: Client;
let partner: Client;
const ids: Record<string, string> = {};

beforeAll(async () => {
  ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: true, inMemory: true }, { announce: () => {} });
  app = createApp({ db: ctx.db, store: ctx.store, staff: ctx.staff });
  await insertUser(ctx.db, { username: 'crawl-admin', display_name: 'crawl admin', email: null, password_hash: await hashPassword(PASSWORD), is_system_admin: true, must_change_password: false });
  await makeStaff(ctx, 'crawl-other', 'tsukuba', 'viewer');
  const sample = await partnerDb(ctx.db).selectFrom('partners').select('id').where('name', '=', '花泉まちづくり協議会（サンプル）').executeTakeFirstOrThrow();
  const user = await insertUser(ctx.db, { username: 'crawl-partner', display_name: 'partner', email: null, password_hash: await hashPassword(PASSWORD), must_change_password: false });
  await linkAccount(ctx.db, user.id, sample.id);
  anon = new Client(app);
  admin = new Client(app);
  partner = new Client(app);
  expect((await admin.login('crawl-admin')).status).toBe(303);
  expect((await partner.login('crawl-partner')).status).toBe(303);
  const data = (await ctx.store.get('ichinoseki'))!;
  const plan = data.plans.find((p) => p.kind === 'sdgs-future-city')!;
  ids['city'] = 'ichinoseki';
  ids['plan'] = plan.id;
  ids['kpi'] = data.kpis[0]!.id;
  ids['node'] = plan.nodes?.[0]?.id ?? '1';
  ids['goal'] = '11';
  ids['year'] = '2024';
  ids['file'] = 'import-template.csv';
});
afterAll(() => ctx.close());

/** Every query parameter name the web layer reads, found in its source. */
function queryParameterNames(): string[] {
  const names = new Set<string>(['zzz-unknown']);
  const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));
  for (const file of walk('src/web')) {
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(/\.(?:query|queries)\(\s*'([^']+)'/g)) names.add(m[1]!);
    for (const m of src.matchAll(/searchParams\.get\('([^']+)'\)/g)) names.add(m[1]!);
    // Helpers over c.req.query (the audit log's q('city')) and zod query objects read whole.
    for (const m of src.matchAll(/\bq\('([A-Za-z]+)'\)/g)) names.add(m[1]!);
  }
  for (const n of ['q', 'goal', 'type', 'area', 'page']) names.add(n); // the partner directory's zod query
  return [...names].sort();
}

/** A concrete path for a route pattern (`/cities/:city/kpis/:kpi`, `:id{[0-9]+}`, `:action{close|remind}`). */
function concrete(pattern: string): string {
  return pattern.replace(/:(\w+)(\{([^}]*)\})?/g, (_, name: string, _b, re: string | undefined) => {
    if (ids[name] && (!re || new RegExp(`^(?:${re})$`).test(ids[name]!))) return ids[name]!;
    if (re && /^[\w-]+(\|[\w-]+)+$/.test(re)) return re.split('|')[0]!;
    if (re?.includes('import-template')) return 'import-template.csv';
    return '1';
  });
}

function clientFor(path: string): Client {
  if (path.startsWith('/staff/partner/') || path === '/staff/partner') return partner;
  return path.startsWith('/staff') ? admin : anon;
}

type Junk = 'nul' | 'long' | 'bad-utf8' | 'repeated';
/** The query string setting one parameter to a kind of junk (written as a browser never would). */
function junkQuery(name: string, junk: Junk): string {
  const n = encodeURIComponent(name);
  switch (junk) {
    case 'nul':
      return `${n}=a%00b`;
    case 'long':
      return `${n}=${'x'.repeat(20_000)}`;
    case 'bad-utf8':
      return `${n}=%E3%81%FF%C3%28`;
    case 'repeated':
      return `${n}=1&${n}=ichinoseki&${n}[]=x`;
  }
}

interface Tally {
  tried: number;
  refused400: number;
  errors5xx: string[];
  /** Junk that should have been refused (NUL, bad encoding, overlong) but was not. */
  notRefused: string[];
}
const tally = (): Tally => ({ tried: 0, refused400: 0, errors5xx: [], notRefused: [] });
const getTally = tally();
const postTally = tally();

function record(t: Tally, what: string, junk: Junk, status: number, body: string): void {
  t.tried++;
  if (status === 400) t.refused400++;
  if (status >= 500) t.errors5xx.push(`${status} ${what}`);
  else if (junk !== 'repeated' && status !== 400 && status !== 413) t.notRefused.push(`${status} ${what}`);
  if (status === 400) expect(body).not.toMatch(/at \S+ \(|node_modules|Error:/);
}

/** The GET routes the app mounts (middleware and static files aside). */
function getRoutes(): string[] {
  const paths = new Set<string>();
  for (const r of app.routes) if (r.method === 'GET' && !r.path.includes('*') && !r.path.includes('/static/')) paths.add(r.path);
  return [...paths].sort();
}

/** Forms found on the pages: action and default field values. */
interface FoundForm {
  readonly client: Client;
  readonly action: string;
  readonly fields: [string, string][];
}
const forms = new Map<string, FoundForm>();

function collectForms(client: Client, page: string, html: string): void {
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const attrs = m[1]!;
    if (!/method="post"/i.test(attrs)) continue;
    const action = /action="([^"]*)"/.exec(attrs)?.[1]?.replace(/&amp;/g, '&') ?? page;
    const fields: [string, string][] = [];
    for (const f of m[2]!.matchAll(/<(input|textarea|select)\b([^>]*)>([\s\S]*?<\/(?:textarea|select)>)?/g)) {
      const a = f[2]!;
      const name = /name="([^"]+)"/.exec(a)?.[1];
      if (!name) continue;
      const type = /type="([^"]+)"/.exec(a)?.[1] ?? 'text';
      if (type === 'file' || type === 'submit') continue;
      if ((type === 'checkbox' || type === 'radio') && !/\bchecked\b/.test(a)) continue;
      let value = /value="([^"]*)"/.exec(a)?.[1] ?? '';
      if (f[1] === 'select') value = /<option[^>]*value="([^"]*)"[^>]*selected/.exec(f[3] ?? '')?.[1] ?? /<option[^>]*value="([^"]*)"/.exec(f[3] ?? '')?.[1] ?? '';
      if (f[1] === 'textarea') value = (f[3] ?? '').replace(/<\/textarea>$/, '');
      fields.push([name, value.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>')]);
    }
    const key = `${action} ${fields.map(([n]) => n).join(',')}`;
    if (!forms.has(key)) forms.set(key, { client, action, fields });
  }
}

describe('junk in every query parameter and form field', () => {
  it('answers every GET route with junk in each query parameter without a 500, refusing NUL, bad UTF-8 and overlong values with 400', async () => {
    const names = queryParameterNames();
    const routes = getRoutes();
    expect(names.length).toBeGreaterThanOrEqual(20);
    expect(routes.length).toBeGreaterThanOrEqual(50);
    for (const route of routes) {
      const path = concrete(route);
      const client = clientFor(path);
      const base = await client.get(path);
      expect(base.status, `${path} without junk`).toBeLessThan(500);
      collectForms(client, path, base.text);
      for (const name of names) {
        for (const junk of ['nul', 'long', 'bad-utf8', 'repeated'] as const) {
          const url = `${path}?${junkQuery(name, junk)}`;
          const r = await client.get(url);
          record(getTally, `GET ${path} ${name}=${junk}`, junk, r.status, r.text);
        }
      }
    }
    console.log(`GET crawl: ${routes.length} routes × ${names.length} parameters × 4 kinds = ${getTally.tried} requests; 400: ${getTally.refused400}; 5xx: ${getTally.errors5xx.length}; junk not refused: ${getTally.notRefused.length}`);
    expect(getTally.errors5xx).toEqual([]);
    expect(getTally.notRefused).toEqual([]);
  }, 900_000);

  it('answers every form with junk in each field without a 500, refusing NUL and overlong values with 400', async () => {
    // Pages reached only through a link with an id (a partner's page, an event) add their forms too.
    for (const path of ['/staff/login', '/cities/ichinoseki/partners/apply', '/cities/ichinoseki/partners/dispatch', '/staff/partner', '/staff/partners/ichinoseki', '/staff/users']) {
      const client = clientFor(path);
      collectForms(client, path, (await client.get(path)).text);
    }
    // Forms that end the session or the account would stop the crawl; they are posted last.
    const all = [...forms.values()].sort((a, b) => Number(/logout|withdraw/.test(a.action)) - Number(/logout|withdraw/.test(b.action)));
    expect(all.length).toBeGreaterThanOrEqual(20);
    let fieldCount = 0;
    for (const form of all) {
      for (const [name] of form.fields) {
        if (name === '_csrf') continue;
        fieldCount++;
        for (const junk of ['nul', 'long', 'repeated'] as const) {
          // Reload the page the form is on for a fresh CSRF token (a log-out or a password change may have ended it).
          const values: Form = {};
          for (const [n, v] of form.fields) if (n !== '_csrf') values[n] = v;
          values[name] = junk === 'nul' ? 'a\u0000b' : junk === 'long' ? 'x'.repeat(20_000) : ['1', 'ichinoseki'];
          const r = await form.client.post(form.action, values);
          record(postTally, `POST ${form.action} ${name}=${junk}`, junk, r.status, r.text);
        }
      }
    }
    console.log(`form crawl: ${all.length} forms, ${fieldCount} fields × 3 kinds = ${postTally.tried} requests; 400: ${postTally.refused400}; 5xx: ${postTally.errors5xx.length}; junk not refused: ${postTally.notRefused.length}`);
    expect(postTally.errors5xx).toEqual([]);
    expect(postTally.notRefused).toEqual([]);
  }, 900_000);

  it('refuses junk in the path with 400 and a problem body', async () => {
    for (const path of ['/cities/ichi%00noseki', '/cities/%FF%FE', '/staff/cities/ichinoseki/kpis/a%00b', '/api/v1/cities/%00']) {
      const r = await clientFor(path).get(path);
      expect(r.status, path).toBe(400);
    }
    const json = await app.request('/api/v1/cities/a%00b');
    expect(json.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await json.json()) as { type: string; status: number; detail: string };
    expect(problem).toMatchObject({ type: 'urn:michishirube:problem:invalid-input', status: 400 });
    expect(problem.detail).toContain('U+0000');
  });

  it('refuses a malformed form body and a NUL in an uploaded file name with 400, the import upload included', async () => {
    for (const path of ['/staff/login', '/staff/cities/ichinoseki/import', '/cities/ichinoseki/partners/apply', '/staff/cities/ichinoseki/publication']) {
      for (const type of ['multipart/form-data; boundary=x', 'multipart/form-data']) {
        const r = await admin.request(path, { method: 'POST', body: '--x\r\njunk', headers: { 'content-type': type } });
        expect(r.status, `${path} ${type}`).toBe(400);
      }
    }
    const form = new FormData();
    form.set('_csrf', admin.csrf);
    form.set('file', new File(['a'], 'bad\u0000name.csv'));
    expect((await app.request('/staff/cities/ichinoseki/import', { method: 'POST', body: form })).status).toBe(400);
  });
});
