import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarizeCity } from '../../src/cities/city-summary.service.ts';
import { testDatabases } from '../../src/storage/test-databases.ts';
import { chooseEncoding } from '../../src/web/page-cache.ts';
import { renameNewFarmers } from '../support/kpi-rename.ts';
import { startStaffTestApp, type StaffTestApp } from '../support/staff-app.ts';

/**
 * Issue 11.4: figures computed per city revision (city-view-memo.ts) never outlive a write, and
 * the page cache's hits (answered ahead of the app) carry validators and the client's coding.
 */
const CITY = '/cities/ichinoseki';
const PLAN = '/cities/ichinoseki/plans/ichinoseki-sdgs-future-city-1';
const KPI = '/cities/ichinoseki/kpis/new-farmers';


for (const database of testDatabases()) {
  describe.skipIf(database.skipReason !== null)(`per-revision view data on ${database.name}`, () => {
    let t: StaffTestApp;
    beforeAll(async () => {
      t = await startStaffTestApp(database.name);
    }, 180_000);
    afterAll(() => t?.stop());

    it('keeps a city’s computed figures while its data is unchanged, and a write shows on the next uncached page', async () => {
      const data = await t.ctx.store.get('ichinoseki');
      expect(data).not.toBeNull();
      // The same loaded revision: computed once, shared by every page.
      expect(summarizeCity(data!)).toBe(summarizeCity(data!));
      // Figures of data the store did not hand out are computed afresh (a command's draft may change).
      const copy = { ...data! };
      expect(summarizeCity(copy)).not.toBe(summarizeCity(copy));

      let n = 0;
      const uncached = async (path: string) => (await t.app.request(`${path}?fresh=${n++}`)).text();
      for (const path of [CITY, PLAN, KPI]) expect(await uncached(path)).toContain('新規就農者数');
      await renameNewFarmers(t, '新規就農者数（改訂後の名称）');
      for (const path of [CITY, PLAN, KPI]) expect(await uncached(path)).toContain('新規就農者数（改訂後の名称）');
      const after = await t.ctx.store.get('ichinoseki');
      expect(after).not.toBe(data);
      expect(summarizeCity(after!).kpis.find((k) => k.kpi.id === 'new-farmers')?.kpi.name).toBe('新規就農者数（改訂後の名称）');
    });
  });
}

describe('cache hits: bytes, codings, validators (issue 11.4)', () => {
  let t: StaffTestApp;
  beforeAll(async () => {
    t = await startStaffTestApp('pglite');
  }, 180_000);
  afterAll(() => t?.stop());

  it('answers Brotli, gzip or plain bytes by Accept-Encoding, each decoding to the same page, with Vary', async () => {
    const first = await t.app.request(PLAN);
    const html = await first.text();
    expect(first.headers.get('vary')).toMatch(/accept-encoding/i);
    expect(first.headers.get('etag')).toMatch(/^"[\w-]+"$/);
    const get = (ae: string) => t.app.request(PLAN, { headers: { 'accept-encoding': ae } });
    const br = await get('gzip, deflate, br');
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(brotliDecompressSync(new Uint8Array(await br.arrayBuffer())).toString('utf8')).toBe(html);
    const gz = await get('br;q=0, gzip');
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(new Uint8Array(await gz.arrayBuffer())).toString('utf8')).toBe(html);
    for (const ae of ['identity', 'gzip;q=0, br;q=0', '']) {
      const plain = await get(ae);
      expect(plain.headers.get('content-encoding')).toBeNull();
      expect(await plain.text()).toBe(html);
    }
    // Each representation has its own validator; the length is the coded body's.
    expect(new Set([first.headers.get('etag'), br.headers.get('etag'), gz.headers.get('etag')]).size).toBe(3);
    expect(Number(br.headers.get('content-length'))).toBeLessThan(Number(first.headers.get('content-length')) / 3);
    // The security headers the app sets are kept with the bytes.
    expect(br.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('answers 304 to a matching If-None-Match, and 200 with a new validator once the city is written', async () => {
    const res = await t.app.request(KPI, { headers: { 'accept-encoding': 'gzip' } });
    await res.arrayBuffer();
    const etag = res.headers.get('etag')!;
    const again = await t.app.request(KPI, { headers: { 'accept-encoding': 'gzip', 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(again.headers.get('vary')).toMatch(/accept-encoding/i);
    expect((await again.arrayBuffer()).byteLength).toBe(0);
    expect((await t.app.request(KPI, { headers: { 'if-none-match': `W/${etag}, "other"` } })).status).toBe(304);
    expect((await t.app.request(KPI, { headers: { 'if-none-match': '"other"' } })).status).toBe(200);
    await renameNewFarmers(t, '新規就農者数（304の後）');
    const changed = await t.app.request(KPI, { headers: { 'accept-encoding': 'gzip', 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(gunzipSync(new Uint8Array(await changed.arrayBuffer())).toString('utf8')).toContain('新規就農者数（304の後）');
  });

  it('answers HEAD with the headers of the GET it stands for and no body, kept or not yet kept', async () => {
    const path = `${KPI}?lang=en`;
    const missed = await t.app.request(path, { method: 'HEAD', headers: { 'accept-encoding': 'gzip' } });
    expect(missed.status).toBe(200);
    expect(missed.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await missed.text()).toBe('');
    const get = await t.app.request(path, { headers: { 'accept-encoding': 'gzip' } });
    // Not yet kept, the HEAD got the headers of the GET it stands for too.
    for (const h of ['content-encoding', 'etag', 'vary', 'content-length']) expect(missed.headers.get(h), h).toBe(get.headers.get(h));
    const length = (await get.arrayBuffer()).byteLength;
    const head = await t.app.request(path, { method: 'HEAD', headers: { 'accept-encoding': 'gzip' } });
    expect(await head.text()).toBe('');
    for (const h of ['content-type', 'content-encoding', 'etag', 'vary', 'content-security-policy']) expect(head.headers.get(h), h).toBe(get.headers.get(h));
    expect(head.headers.get('content-length')).toBe(String(length));
    expect((await t.app.request('/cities/atlantis', { method: 'HEAD' })).status).toBe(404);
  });

  it('never answers from the cache what the app would refuse or keep private', async () => {
    // A query that is not UTF-8 decodes to the same key as U+FFFD: the kept page must not answer it.
    expect((await t.app.request('/search?q=%EF%BF%BD')).status).toBe(200);
    expect((await t.app.request('/search?q=%EF%BF%BD')).headers.get('etag')).not.toBeNull();
    expect((await t.app.request('/search?q=%E3%81')).status).toBe(400);
    // A request with a cookie (a logged-in person) is rendered by the app, not replayed.
    const withCookie = await t.app.request(CITY, { headers: { cookie: 'michishirube_session=x' } });
    expect(withCookie.status).toBe(200);
    expect(withCookie.headers.get('etag')).toBeNull();
  });

  it('chooses the coding by q-values, Brotli first among equals', () => {
    expect(chooseEncoding('gzip, br', ['br', 'gzip'])).toBe('br');
    expect(chooseEncoding('br;q=0.5, gzip', ['br', 'gzip'])).toBe('gzip');
    expect(chooseEncoding('*', ['br', 'gzip'])).toBe('br');
    expect(chooseEncoding('gzip', ['br'])).toBe('identity');
    expect(chooseEncoding(null, ['br', 'gzip'])).toBe('identity');
    expect(chooseEncoding('identity;q=0', ['gzip'])).toBeNull();
  });
});
