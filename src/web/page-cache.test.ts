import { brotliCompressSync, brotliDecompressSync, constants as zlibConstants, gunzipSync, gzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { CityDataStore } from '../cities/city-data.store.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliWindowBits, CODING_QUALITY, compressesInline, INLINE_CODING_MAX_BYTES, PAGE_QUERY_PARAMETERS, pageCache, pageCacheKey, PageCacheEntries } from './page-cache.ts';
import { htmlPage, htmlPageBody } from './html-page.ts';

function appWithCounter(limits = { maxBytes: 1024 * 1024, maxEntryBytes: 256 * 1024 }) {
  const store = { version: 0, crossCityVersion: 0, cityVersion: () => 0 } as unknown as CityDataStore;
  const entries = new PageCacheEntries(limits);
  let renders = 0;
  const app = new Hono();
  app.use('*', pageCache(store, entries));
  app.get('/page', (c) => c.html(`<p>render ${++renders}</p>`));
  app.get('/big/:kb', (c) => {
    renders++;
    return c.body('x'.repeat(Number(c.req.param('kb')) * 1024), 200, { 'content-type': 'text/plain' });
  });
  app.get('/private', (c) => {
    c.header('set-cookie', 'a=b');
    return c.html(`<p>render ${++renders}</p>`);
  });
  return { app, store, entries, renders: () => renders };
}

describe('pageCache', () => {
  it('serves a rendered page again until the data changes', async () => {
    const { app, store, renders } = appWithCounter();
    expect(await (await app.request('/page')).text()).toBe('<p>render 1</p>');
    expect(await (await app.request('/page')).text()).toBe('<p>render 1</p>');
    expect(renders()).toBe(1);
    // A page across cities lasts until the cross-city summaries change (issue 11.2).
    (store as { crossCityVersion: number }).crossCityVersion++;
    expect(await (await app.request('/page')).text()).toBe('<p>render 2</p>');
  });

  it('answers a HEAD request with the headers a GET gets (coding, validator, length) and no body; a HEAD miss keeps the page for the next request', async () => {
    const { app, renders } = appWithCounter();
    const head = await app.request('/big/4', { method: 'HEAD', headers: { 'accept-encoding': 'br' } });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect(head.headers.get('content-encoding')).toBe('br');
    expect(renders()).toBe(1);
    const get = await app.request('/big/4', { headers: { 'accept-encoding': 'br' } });
    expect(renders()).toBe(1);
    expect(get.headers.get('etag')).toBe(head.headers.get('etag'));
    const bytes = new Uint8Array(await get.arrayBuffer());
    const again = await app.request('/big/4', { method: 'HEAD', headers: { 'accept-encoding': 'br' } });
    expect(renders()).toBe(1);
    expect(await again.text()).toBe('');
    for (const h of ['content-type', 'content-encoding', 'etag', 'vary']) expect(again.headers.get(h), h).toBe(get.headers.get(h));
    expect(again.headers.get('content-length')).toBe(String(bytes.byteLength));
    // A client holding it: 304, as for a GET.
    expect((await app.request('/big/4', { method: 'HEAD', headers: { 'accept-encoding': 'br', 'if-none-match': get.headers.get('etag')! } })).status).toBe(304);
  });

  it('never caches for a request with a cookie or a response setting one', async () => {
    const { app, renders } = appWithCounter();
    await app.request('/page', { headers: { cookie: 'session=x' } });
    await app.request('/page', { headers: { cookie: 'session=x' } });
    await app.request('/private');
    await app.request('/private');
    expect(renders()).toBe(4);
  });

  it('keys by path and the known parameters, language included; a request with unknown parameters neither reads nor fills it', async () => {
    const { app, entries, renders } = appWithCounter();
    await app.request('/page');
    await app.request('/page?lang=en');
    await app.request('/page?lang=en');
    expect(renders()).toBe(2);
    const before = entries.bytes;
    for (let i = 0; i < 50; i++) await app.request(`/page?r${i}=${Math.random()}`);
    // Rendered each time (a parameter the cache does not know might change the page), never kept.
    expect(renders()).toBe(52);
    expect(entries.size).toBe(2);
    expect(entries.bytes).toBe(before);
  });

  it('keeps an htmlPage answer from the bytes it was made of (its stream unread), the same bytes and headers as read back, compressed alike', async () => {
    const store = { version: 0, crossCityVersion: 0, cityVersion: () => 0 } as unknown as CityDataStore;
    const entries = new PageCacheEntries({ maxBytes: 1024 * 1024, maxEntryBytes: 256 * 1024 });
    const text = `<p>${'日本語のページ '.repeat(400)}</p>`;
    const app = new Hono();
    app.use('*', pageCache(store, entries));
    app.get('/html', (c) => htmlPage(c, [`<!doctype html>${text}`]));
    // The same bytes from a plain answer, read back through its stream.
    app.get('/plain', (c) => new Response(Buffer.from(`<!doctype html>${text}`), { headers: { 'content-type': 'text/html; charset=UTF-8' } }));
    const made = await htmlPage({ req: { raw: new Request('http://x/html') } } as never, [`<!doctype html>${text}`]);
    expect(Buffer.from(htmlPageBody(made)!).toString()).toBe(`<!doctype html>${text}`);
    expect(htmlPageBody(new Response('x'))).toBeUndefined();
    for (const coding of ['identity', 'gzip', 'br']) {
      const [a, b] = [await app.request('/html', { headers: { 'accept-encoding': coding } }), await app.request('/plain', { headers: { 'accept-encoding': coding } })];
      expect(a.headers.get('content-encoding'), coding).toBe(b.headers.get('content-encoding'));
      expect(a.headers.get('etag'), coding).toBe(b.headers.get('etag'));
      const body = Buffer.from(await a.arrayBuffer());
      expect(body.equals(Buffer.from(await b.arrayBuffer())), coding).toBe(true);
      const plain = coding === 'br' ? brotliDecompressSync(body) : coding === 'gzip' ? gunzipSync(body) : body;
      expect(plain.toString(), coding).toBe(`<!doctype html>${text}`);
    }
    // Served again from the cache: the same bytes.
    expect(Buffer.from(await (await app.request('/html')).arrayBuffer()).toString()).toBe(`<!doctype html>${text}`);
  });

  it('compresses with a Brotli window that holds the body whole, never more than the default, and the body reads back equal', async () => {
    expect(brotliWindowBits(0)).toBe(10);
    expect(brotliWindowBits(1008)).toBe(10);
    expect(brotliWindowBits(1009)).toBe(11);
    expect(brotliWindowBits(23_000)).toBe(15);
    expect(brotliWindowBits(65_520)).toBe(16);
    expect(brotliWindowBits(65_521)).toBe(17);
    expect(brotliWindowBits(50 * 1024 * 1024)).toBe(22);
    const { app } = appWithCounter();
    for (const kb of [2, 63, 64, 200]) {
      const res = await app.request(`/big/${kb}`, { headers: { 'accept-encoding': 'br' } });
      expect(res.headers.get('content-encoding'), String(kb)).toBe('br');
      expect(brotliDecompressSync(new Uint8Array(await res.arrayBuffer())).toString(), String(kb)).toBe('x'.repeat(kb * 1024));
    }
  });

  it('compresses a city’s own pages fast (asked for about once each) and pages across cities small (served many times), each decoding to the body', async () => {
    expect(CODING_QUALITY.city.brotliQuality).toBeLessThan(CODING_QUALITY.crossCity.brotliQuality);
    expect(CODING_QUALITY.city.gzipLevel).toBeLessThan(CODING_QUALITY.crossCity.gzipLevel);
    const store = { version: 0, crossCityVersion: 0, cityVersion: () => 0 } as unknown as CityDataStore;
    const app = new Hono();
    app.use('*', pageCache(store, new PageCacheEntries({ maxBytes: 4 * 1024 * 1024, maxEntryBytes: 1024 * 1024 })));
    // A page of varied text (compressing 'x' repeated is the same at every quality).
    const body = Array.from({ length: 3000 }, (_, i) => `<tr><td>指標${(i * 7919) % 1000}</td><td>${((i * 104729) % 99991) / 10} 人</td></tr>`).join('');
    const answer = () => new Response(body, { headers: { 'content-type': 'text/html; charset=UTF-8' } });
    app.get('/cities/:city', answer);
    app.get('/sdgs/:goal', answer);
    const bytes = Buffer.from(body);
    const made = (quality: { brotliQuality: number; gzipLevel: number }) => ({
      br: brotliCompressSync(bytes, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: quality.brotliQuality, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength, [zlibConstants.BROTLI_PARAM_LGWIN]: brotliWindowBits(bytes.byteLength) } }),
      gzip: gzipSync(bytes, { level: quality.gzipLevel }),
    });
    for (const [path, quality] of [['/cities/a', CODING_QUALITY.city], ['/sdgs/3', CODING_QUALITY.crossCity]] as const) {
      for (const coding of ['br', 'gzip'] as const) {
        // The miss and the hit alike.
        for (const round of [1, 2]) {
          const res = await app.request(path, { headers: { 'accept-encoding': coding } });
          const got = Buffer.from(await res.arrayBuffer());
          expect(res.headers.get('content-encoding'), `${path} ${coding} ${round}`).toBe(coding);
          expect(got.equals(made(quality)[coding]), `${path} ${coding} ${round}`).toBe(true);
          expect((coding === 'br' ? brotliDecompressSync(got) : gunzipSync(got)).toString()).toBe(body);
        }
      }
    }
    // The fast coding of a city page is the larger one.
    expect(made(CODING_QUALITY.city).br.byteLength).toBeGreaterThan(made(CODING_QUALITY.crossCity).br.byteLength);
  });

  it('compresses a large city page off the main thread (the loop waits for an inline coding in proportion to the body), decoding to the body', async () => {
    expect(compressesInline('city', 65 * 1024)).toBe(true);
    expect(compressesInline('city', INLINE_CODING_MAX_BYTES + 1)).toBe(false);
    expect(compressesInline('city', 4 * 1024 * 1024)).toBe(false);
    expect(compressesInline('crossCity', 10 * 1024)).toBe(false);
    const store = { version: 0, crossCityVersion: 0, cityVersion: () => 0 } as unknown as CityDataStore;
    const app = new Hono();
    // A body whose codings do not fit beside it: never kept, compressed on every request.
    app.use('*', pageCache(store, new PageCacheEntries({ maxBytes: 4 * 1024 * 1024, maxEntryBytes: INLINE_CODING_MAX_BYTES * 2 + 1024 })));
    const body = Array.from({ length: 9000 }, (_, i) => `<tr><td>指標${(i * 7919) % 1000}</td><td>${((i * 104729) % 99991) / 10} 人</td></tr>`).join('').slice(0, INLINE_CODING_MAX_BYTES * 2);
    app.get('/cities/:city', () => new Response(body, { headers: { 'content-type': 'text/html; charset=UTF-8' } }));
    for (const coding of ['br', 'gzip', 'br'] as const) {
      const res = await app.request('/cities/a', { headers: { 'accept-encoding': coding } });
      const got = Buffer.from(await res.arrayBuffer());
      expect([res.headers.get('content-encoding'), res.headers.get('content-length')]).toEqual([coding, String(got.byteLength)]);
      expect((coding === 'br' ? brotliDecompressSync(got) : gunzipSync(got)).toString()).toBe(body);
    }
  });

  it('orders the key: the same known parameters in another order are the same page', () => {
    const a = pageCacheKey(new URL('http://x/compare?lang=en&cities=a&cities=b&utm=1'));
    const b = pageCacheKey(new URL('http://x/compare?cities=a&cities=b&lang=en'));
    expect(a.key).toBe(b.key);
    expect(a.unknown).toBe(true);
    expect(b.unknown).toBe(false);
    expect(pageCacheKey(new URL('http://x/compare?cities=b&cities=a')).key).not.toBe(b.key);
  });
});

describe('PageCacheEntries: bounded in bytes', () => {
  const page = (kb: number, version = 0) => ({ version, status: 200, body: new Uint8Array(kb * 1024), gzipped: null, headers: [['content-type', 'text/html']] as [string, string][] });

  it('never holds more than maxBytes, evicting the least recently used', () => {
    const cache = new PageCacheEntries({ maxBytes: 100 * 1024, maxEntryBytes: 40 * 1024, crossCityBytes: 0 });
    for (let i = 0; i < 30; i++) {
      expect(cache.set(`/p${i}`, page(10))).toBe(true);
      expect(cache.bytes).toBeLessThanOrEqual(100 * 1024);
    }
    expect(cache.size).toBe(9); // 9 × (10 KB + key + headers) fit, a tenth does not
    expect(cache.get('/p0', 0)).toBeUndefined();
    // Using an entry keeps it: /p21 is now the most recent and survives the next insertions.
    expect(cache.get('/p21', 0)).toBeDefined();
    for (let i = 30; i < 38; i++) cache.set(`/p${i}`, page(10));
    expect(cache.get('/p21', 0)).toBeDefined();
    expect(cache.get('/p22', 0)).toBeUndefined();
  });

  it('refuses an entry over maxEntryBytes and drops one of an older data version', () => {
    const cache = new PageCacheEntries({ maxBytes: 100 * 1024, maxEntryBytes: 40 * 1024 });
    expect(cache.set('/huge', page(50))).toBe(false);
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
    cache.set('/old', page(10, 1));
    expect(cache.get('/old', 2)).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
  });

  it('never replaces a page of a newer data version by one rendered before it (a slow miss finishing after a write), on either shelf', () => {
    const cache = new PageCacheEntries({ maxBytes: 100 * 1024, maxEntryBytes: 40 * 1024, crossCityBytes: 40 * 1024 });
    // A miss rendered after the write, kept; then the one started before it finishes.
    expect(cache.set('/sdgs/3?page=2', page(10, 2), 'city')).toBe(true);
    expect(cache.get('/sdgs/3?page=2', 2, 'crossCity')).toBeDefined();
    const bytes = cache.bytes;
    expect(cache.set('/sdgs/3?page=2', page(10, 1), 'city')).toBe(false);
    expect(cache.get('/sdgs/3?page=2', 2, 'crossCity')?.version).toBe(2);
    expect([cache.bytes, cache.size]).toEqual([bytes, 1]);
    expect(cache.set('/cities/a', page(10, 5))).toBe(true);
    expect(cache.set('/cities/a', page(10, 4))).toBe(false);
    expect(cache.get('/cities/a', 5)?.version).toBe(5);
  });

  it('keeps pages across cities on their own shelf: city pages never evict them, nor they city pages', () => {
    const cache = new PageCacheEntries({ maxBytes: 100 * 1024, maxEntryBytes: 40 * 1024, crossCityBytes: 40 * 1024 });
    for (let i = 0; i < 3; i++) expect(cache.set(`/sdgs/${i}`, page(10), 'crossCity')).toBe(true);
    for (let i = 0; i < 100; i++) cache.set(`/cities/c${i}`, page(10));
    for (let i = 0; i < 3; i++) expect(cache.get(`/sdgs/${i}`, 0, 'crossCity')).toBeDefined();
    expect(cache.bytesOn('city')).toBeLessThanOrEqual(60 * 1024);
    expect(cache.get('/cities/c99', 0)).toBeDefined();
    // A flood of pages across cities (made-up searches) stays on its shelf too.
    for (let i = 0; i < 100; i++) cache.set(`/search?q=${i}`, page(10), 'crossCity');
    expect(cache.get('/cities/c99', 0)).toBeDefined();
    expect(cache.bytesOn('crossCity')).toBeLessThanOrEqual(40 * 1024);
    expect(cache.bytes).toBeLessThanOrEqual(100 * 1024);
    // Asked for on the city shelf, a page is looked up there only.
    expect(cache.get('/search?q=99', 0)).toBeUndefined();
  });

  it('moves a page across cities kept on the city shelf to its own shelf when it is asked for again there', () => {
    const cache = new PageCacheEntries({ maxBytes: 100 * 1024, maxEntryBytes: 40 * 1024, crossCityBytes: 40 * 1024 });
    cache.set('/sdgs/3?page=2', page(10), 'city');
    const onCity = cache.bytesOn('city');
    expect([onCity > 0, cache.bytesOn('crossCity')]).toEqual([true, 0]);
    expect(cache.get('/sdgs/3?page=2', 0, 'crossCity')).toBeDefined();
    expect([cache.bytesOn('city'), cache.bytesOn('crossCity')]).toEqual([0, onCity]);
    // Kept once: setting it again on either shelf leaves no copy on the other.
    cache.set('/sdgs/3?page=2', page(10), 'city');
    expect([cache.bytesOn('city'), cache.bytesOn('crossCity'), cache.size]).toEqual([onCity, 0, 1]);
    // A version past moves nothing and is dropped.
    expect(cache.get('/sdgs/3?page=2', 1, 'crossCity')).toBeUndefined();
    expect(cache.size).toBe(0);
    // Its own shelf too small (a cache without one): it stays on the city shelf.
    const single = new PageCacheEntries({ maxBytes: 100 * 1024, maxEntryBytes: 40 * 1024, crossCityBytes: 0 });
    single.set('/sdgs/3?page=2', page(10), 'city');
    expect(single.get('/sdgs/3?page=2', 0, 'crossCity')).toBeDefined();
    expect([single.bytesOn('city') > 0, single.size]).toEqual([true, 1]);
  });

  it('through HTTP: a city page flood leaves the pages across cities kept', async () => {
    const store = { crossCityVersion: 0, cityVersion: () => 0 } as unknown as CityDataStore;
    const entries = new PageCacheEntries({ maxBytes: 200 * 1024, maxEntryBytes: 64 * 1024 });
    let renders = 0;
    const app = new Hono();
    app.use('*', pageCache(store, entries));
    app.get('/sdgs/:goal', (c) => c.body(`goal ${c.req.param('goal')} render ${++renders}`, 200, { 'content-type': 'text/plain' }));
    app.get('/cities/:city/kpis/:kpi', (c) => c.body('x'.repeat(10 * 1024), 200, { 'content-type': 'text/plain' }));
    await app.request('/sdgs/3');
    for (let i = 0; i < 60; i++) await app.request(`/cities/c${i}/kpis/k`);
    expect(await (await app.request('/sdgs/3')).text()).toBe('goal 3 render 1');
    expect(entries.bytesOn('city')).toBeGreaterThan(100 * 1024);
    expect(entries.bytes).toBeLessThanOrEqual(200 * 1024);
  });

  it('through HTTP: a flood of made-up searches, compared cities, name fragments, filters, pages past the end and repeated parameters leaves the pages across cities kept', async () => {
    const store = { crossCityVersion: 0, cityVersion: () => 0 } as unknown as CityDataStore;
    const entries = new PageCacheEntries({ maxBytes: 400 * 1024, maxEntryBytes: 64 * 1024 });
    const renders = new Map<string, number>();
    const render = (path: string) => {
      renders.set(path, (renders.get(path) ?? 0) + 1);
      return `${path} ${'x'.repeat(8 * 1024)}`;
    };
    const app = new Hono();
    app.use('*', pageCache(store, entries));
    for (const path of ['/', '/sdgs/:goal', '/search', '/compare', '/data', '/cities/:city/kpis/:kpi']) app.get(path, (c) => c.body(render(new URL(c.req.url).pathname + new URL(c.req.url).search), 200, { 'content-type': 'text/plain' }));
    // The national pages themselves are kept on their shelf at once; a page of a list, a filter
    // or a search once asked for again.
    const national = ['/', '/sdgs/3', '/data?lang=en'];
    const askedAgain = ['/sdgs/3?page=2', '/sdgs/3?prefecture=%E5%B2%A9%E6%89%8B%E7%9C%8C', `/search?q=${encodeURIComponent('観光')}`];
    for (const p of national) await app.request(p);
    for (const p of askedAgain) for (let i = 0; i < 2; i++) await app.request(p);
    // Each flood page is asked for once: 7 × 60 pages of 8 kB, more than the whole cache.
    for (let i = 0; i < 60; i++) {
      await app.request(`/search?q=${encodeURIComponent(`の${i}`)}`);
      await app.request(`/compare?cities=c${i}&cities=d${i}`);
      await app.request(`/?name=${i}`);
      await app.request(`/sdgs/3${'?lang=en'}${'&lang=en'.repeat(i + 1)}`);
      await app.request(`/sdgs/3?prefecture=x${i}`);
      await app.request(`/data?page=${1000 + i}`);
      await app.request(`/cities/c${i}/kpis/k`);
    }
    for (const p of [...national, ...askedAgain]) await app.request(p);
    // Each national page rendered once, each page asked for again too: the later askings were hits.
    expect([...national, ...askedAgain].map((p) => renders.get(p))).toEqual([1, 1, 1, 1, 1, 1]);
    expect(entries.bytesOn('crossCity')).toBeLessThanOrEqual(150 * 1024);
    expect(entries.bytes).toBeLessThanOrEqual(400 * 1024);
    // A made-up search asked for again soon is still a hit (kept on the city shelf meanwhile).
    const search = `/search?q=${encodeURIComponent('の59')}`;
    await app.request(search);
    expect(renders.get(search)).toBe(1);
  });

  it('through HTTP: a flood of pages made up in the path (one KPI across cities, percent-encoded ids) leaves the pages across cities kept, and a city page with an encoded id is that city’s', async () => {
    const versions = new Map<string, number>();
    const store = { crossCityVersion: 0, cityVersion: (id: string) => versions.get(id) ?? 0 } as unknown as CityDataStore;
    const entries = new PageCacheEntries({ maxBytes: 400 * 1024, maxEntryBytes: 64 * 1024 });
    const renders = new Map<string, number>();
    const render = (path: string) => {
      renders.set(path, (renders.get(path) ?? 0) + 1);
      return `${path} ${renders.get(path)} ${'x'.repeat(8 * 1024)}`;
    };
    const app = new Hono();
    app.use('*', pageCache(store, entries));
    for (const path of ['/', '/sdgs/:goal', '/data', '/compare/kpis/:city/:kpi', '/cities/:city', '/api/v1/cities/:city/kpis']) app.get(path, (c) => c.body(render(new URL(c.req.url).pathname), 200, { 'content-type': 'text/plain' }));
    const national = ['/', '/sdgs/3', '/data'];
    for (const p of national) await app.request(p);
    // 3 × 60 pages of 8 kB asked for once each: one KPI of a city across cities (303,814 of them
    // nationally), city pages and API lists with a letter of the id percent-encoded; and two goals
    // spelt with a percent-encoded digit.
    for (let i = 0; i < 60; i++) {
      await app.request(`/compare/kpis/c${i}/k${i}`);
      await app.request(i % 2 ? '/sdgs/%33' : '/sdgs/%34');
      await app.request(`/cities/c${i}%61`);
      await app.request(`/api/v1/cities/c${i}%61/kpis`);
    }
    for (const p of national) await app.request(p);
    expect(national.map((p) => renders.get(p))).toEqual([1, 1, 1]);
    expect(entries.bytesOn('crossCity')).toBeLessThanOrEqual(150 * 1024);
    // A city's page asked for with its id encoded is that city's page: kept on the city shelf, and
    // dropped when that city is written.
    const encoded = '/cities/c7%61';
    const before = await (await app.request(encoded)).text();
    expect(before).toBe(await (await app.request(encoded)).text());
    versions.set('c7a', 1);
    expect(await (await app.request(encoded)).text()).not.toBe(before);
  });

  it('through HTTP: large answers are served but the total stays under the bound', async () => {
    const { app, entries } = appWithCounter({ maxBytes: 200 * 1024, maxEntryBytes: 64 * 1024 });
    for (let i = 0; i < 20; i++) expect((await app.request(`/big/${30 + i}`)).status).toBe(200);
    expect(entries.bytes).toBeLessThanOrEqual(200 * 1024);
    expect(entries.size).toBeGreaterThan(0);
    await app.request('/big/100'); // 100 KB > maxEntryBytes: not kept
    expect(entries.bytes).toBeLessThanOrEqual(200 * 1024);
  });
});

describe('pageCache: each coding made once, when a client first asks for it (issue 11.5)', () => {
  const text = (kb: number) => 'x'.repeat(kb * 1024);

  it('keeps a miss for a client taking no coding uncompressed, and adds Brotli and gzip on first demand', async () => {
    const { app, entries, renders } = appWithCounter();
    const plain = await app.request('/big/20');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.headers.get('vary')).toMatch(/accept-encoding/i);
    const plainBytes = entries.bytes;
    // Nothing but the plain body (20 KB) and its headers and key is kept.
    expect(plainBytes).toBeLessThan(21 * 1024);

    const br = await app.request('/big/20', { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(brotliDecompressSync(new Uint8Array(await br.arrayBuffer())).toString()).toBe(text(20));
    const withBr = entries.bytes;
    expect(withBr).toBeGreaterThan(plainBytes);

    // Made once: a second Brotli client adds nothing.
    await app.request('/big/20', { headers: { 'accept-encoding': 'br' } });
    expect(entries.bytes).toBe(withBr);

    const gz = await app.request('/big/20', { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(new Uint8Array(await gz.arrayBuffer())).toString()).toBe(text(20));
    expect(entries.bytes).toBeGreaterThan(withBr);
    expect(new Set([plain.headers.get('etag'), br.headers.get('etag'), gz.headers.get('etag')]).size).toBe(3);
    expect(renders()).toBe(1);
    expect(entries.size).toBe(1);
  });

  it('answers a first Brotli client with Brotli, keeping no gzip copy until asked', async () => {
    const { app, entries } = appWithCounter();
    const br = await app.request('/big/20', { headers: { 'accept-encoding': 'br' } });
    expect(br.headers.get('content-encoding')).toBe('br');
    const brOnly = entries.bytes;
    const plain = await app.request('/big/20');
    expect(await plain.text()).toBe(text(20));
    expect(entries.bytes).toBe(brOnly);
  });

  it("answers 304 to a coding's validator before that coding is made again, naming the coding the client takes", async () => {
    const { app, store } = appWithCounter();
    const gz = await app.request('/big/20', { headers: { 'accept-encoding': 'gzip' } });
    const etag = gz.headers.get('etag')!;
    // Another version of the data, with the same bytes: kept again from a plain request.
    (store as { crossCityVersion: number }).crossCityVersion++;
    await app.request('/big/20');
    const again = await app.request('/big/20', { headers: { 'accept-encoding': 'gzip', 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
  });

  it('a page with a newer version kept meanwhile is not replaced by an older one with a coding added', async () => {
    const { app, store } = appWithCounter();
    await app.request('/page');
    const [br] = await Promise.all([
      app.request('/page', { headers: { 'accept-encoding': 'br' } }),
      (async () => {
        (store as { crossCityVersion: number }).crossCityVersion++;
        return app.request('/page');
      })(),
    ]);
    expect(br.status).toBe(200);
    expect(await (await app.request('/page')).text()).toBe('<p>render 2</p>');
  });
});

describe('PAGE_QUERY_PARAMETERS', () => {
  it('names every query parameter a public route reads (the staff area is never cached)', () => {
    const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));
    const read = new Set<string>();
    for (const file of walk('src/web/routes').filter((f) => !/staff|partner-account|partner-secretariat/.test(f))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\.(?:query|queries)\(\s*'([^']+)'|searchParams\.get\('([^']+)'\)/g)) read.add(m[1] ?? m[2]!);
    }
    expect(read.size).toBeGreaterThan(10);
    expect([...read].filter((n) => !PAGE_QUERY_PARAMETERS.includes(n))).toEqual([]);
  });
});
