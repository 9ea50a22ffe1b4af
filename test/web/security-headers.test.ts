import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { createApp } from '../../src/web/app.tsx';

/*
 * Issue 9, point 6: every answer carries a Content-Security-Policy without inline script,
 * nosniff, a referrer policy and a refusal to be framed; HSTS only when configured (served over TLS).
 */

let ctx: AppContext;
let app: ReturnType<typeof createApp>;
let hsts: ReturnType<typeof createApp>;

beforeAll(async () => {
  ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: true, inMemory: true }, { announce: () => {} });
  app = createApp({ db: ctx.db, store: ctx.store, staff: ctx.staff });
  hsts = createApp({ db: ctx.db, store: ctx.store, staff: ctx.staff, web: loadConfig({ HSTS_MAX_AGE: '31536000' }).web });
});
afterAll(() => ctx.close());

const ANSWERS = [
  ['public page', '/cities/ichinoseki', 200],
  ['public page (cached)', '/cities/ichinoseki', 200],
  ['English page', '/sdgs/11?lang=en', 200],
  ['CSV download', '/cities/ichinoseki/kpis?format=csv', 200],
  ['API', '/api/v1/cities', 200],
  ['sheet print view', '/cities/ichinoseki/plans/ichinoseki-sdgs-future-city-1/sheet', 200],
  ['404', '/cities/atlantis', 404],
  ['400 problem', '/search?q=%00', 400],
  ['staff log-in', '/staff/login', 200],
  ['partner form', '/cities/ichinoseki/partners/apply', 200],
  ['static stylesheet', '/static/app.css', 200],
] as const;

describe('security headers', () => {
  for (const [name, path, status] of ANSWERS) {
    it(`${name}: CSP without inline script, nosniff, referrer policy, no framing`, async () => {
      const res = await app.request(path);
      expect(res.status).toBe(status);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'none'");
      expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe(path.startsWith('/staff') ? 'same-origin' : 'strict-origin-when-cross-origin');
      expect(res.headers.get('strict-transport-security')).toBeNull();
    });
  }

  it('pages answered as bytes (issue 11.4: city, plan, KPI list, KPI; rendered or kept) carry the same security headers as any other page', async () => {
    const SECURITY = /^(content-security-policy|x-|referrer-policy|strict-transport-security|cross-origin-|origin-agent-cluster|permissions-policy)/;
    const securityOf = (res: Response) => Object.fromEntries([...res.headers].filter(([k]) => SECURITY.test(k)));
    for (const server of [app, hsts]) {
      const reference = securityOf(await server.request('/sdgs/11'));
      expect(Object.keys(reference).length).toBeGreaterThanOrEqual(12);
      for (const path of ['/cities/ichinoseki', '/cities/ichinoseki/plans/ichinoseki-sdgs-future-city-1', '/cities/ichinoseki/kpis', '/cities/ichinoseki/kpis/new-farmers']) {
        for (const variant of [path, `${path}?uncached=1`, path]) {
          const res = await server.request(variant);
          expect(res.status, variant).toBe(200);
          expect(res.headers.get('content-type'), variant).toBe('text/html; charset=UTF-8');
          expect(securityOf(res), variant).toEqual(reference);
          expect(Number(res.headers.get('content-length')), variant).toBe((await res.arrayBuffer()).byteLength);
        }
      }
    }
  });

  it('sends HSTS on every answer when HSTS_MAX_AGE is set', async () => {
    for (const [, path] of ANSWERS) expect((await hsts.request(path)).headers.get('strict-transport-security'), path).toBe('max-age=31536000; includeSubDomains');
  });

  it('reads HSTS_MAX_AGE from the environment: off by default, a bad value stops the start', () => {
    expect(loadConfig({}).web.hstsMaxAgeSeconds).toBe(0);
    expect(loadConfig({ HSTS_MAX_AGE: '600' }).web.hstsMaxAgeSeconds).toBe(600);
    expect(() => loadConfig({ HSTS_MAX_AGE: 'a year' })).toThrow(ConfigError);
  });

  it('no page has an inline script or event handler the policy would refuse', async () => {
    for (const [, path] of ANSWERS) {
      const text = await (await app.request(path)).text();
      expect(text, path).not.toMatch(/<script\b|\son[a-z]+=|javascript:/i);
    }
  });
});
