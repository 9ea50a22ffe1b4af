import type { MiddlewareHandler } from 'hono';
import type { CityDataStore } from '../services/city-data.store.ts';

interface CachedPage {
  readonly version: number;
  readonly status: number;
  readonly body: ArrayBuffer;
  readonly headers: [string, string][];
}

/**
 * Caches rendered public pages and API answers for anonymous GET requests, keyed by URL, until
 * the next write to the data (the store's version changes). A request carrying a cookie (a
 * logged-in user) or a response setting one is never cached: those pages may be personal.
 */
export function pageCache(store: CityDataStore, maxEntries = 1000): MiddlewareHandler {
  const cache = new Map<string, CachedPage>();
  return async (c, next) => {
    if (c.req.method !== 'GET' || c.req.header('cookie')) return next();
    const key = c.req.url;
    const hit = cache.get(key);
    if (hit && hit.version === store.version) {
      // Refresh its place in the LRU order.
      cache.delete(key);
      cache.set(key, hit);
      return new Response(hit.body, { status: hit.status, headers: hit.headers });
    }
    const version = store.version;
    await next();
    const res = c.res;
    if (res.status !== 200 || res.headers.has('set-cookie') || res.headers.get('cache-control')?.includes('no-store')) return;
    const body = await res.clone().arrayBuffer();
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
    cache.set(key, { version, status: res.status, body, headers: [...res.headers.entries()] });
  };
}
