import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { createApp } from '../../src/web/app.tsx';
import { PageCacheEntries } from '../../src/web/page-cache.ts';

let ctx: AppContext;
let app: ReturnType<typeof createApp>;
const entries = new PageCacheEntries();
beforeAll(async () => {
  ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: true, inMemory: true }, { announce: () => {} });
  app = createApp({ db: ctx.db, store: ctx.store, pageCache: entries });
});
afterAll(() => ctx.close());

describe('the page cache follows each city (issue 11.2) and compresses (11.4)', () => {
  it('a write to one city drops that city’s pages and the cross-city pages, not other cities’ pages', async () => {
    const pages = ['/cities/ichinoseki', '/cities/tsukuba', '/sdgs'];
    for (const p of pages) expect((await app.request(p)).status).toBe(200);
    const size = entries.size;
    expect(size).toBeGreaterThanOrEqual(3);
    ctx.store.invalidate('tsukuba');
    // Tsukuba's page is rendered anew at once; Ichinoseki's stays served from the cache.
    const before = entries.size;
    await app.request('/cities/ichinoseki');
    expect(entries.size).toBe(before);
    await ctx.store.settled();
    const cross = ctx.store.crossCityVersion;
    await app.request('/sdgs');
    await app.request('/cities/tsukuba');
    expect(ctx.store.crossCityVersion).toBe(cross);
    // The same three URLs are still three entries (replaced, not added to).
    expect(entries.size).toBe(size);
  });

  it('serves gzip to clients that accept it (and not Brotli), the same bytes once unzipped, and plain bytes otherwise', async () => {
    const plain = await app.request('/cities/kanazawa');
    const html = await plain.text();
    expect(plain.headers.get('content-encoding')).toBeNull();
    const zipped = await app.request('/cities/kanazawa', { headers: { 'accept-encoding': 'gzip, deflate' } });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(zipped.headers.get('vary')).toMatch(/accept-encoding/i);
    const bytes = new Uint8Array(await zipped.arrayBuffer());
    expect(bytes.byteLength).toBeLessThan(Buffer.byteLength(html) / 3);
    expect(gunzipSync(bytes).toString('utf8')).toBe(html);
  });
});
