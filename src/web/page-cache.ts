import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { MiddlewareHandler } from 'hono';
import type { CityDataStore } from '../services/city-data.store.ts';

/**
 * The query parameters public pages and the API read (`?lang=en`, `?format=csv`, the plan and
 * goal filters, paging, compare's `cities`, search's `q`, the sheet's `kind`/`year`, the city
 * directory's and partner directory's filters). A request with any other parameter is answered
 * without the cache, neither served from it nor stored: random query strings cannot fill it, and
 * a parameter a new route reads but this list forgets costs speed, never a wrong page (a test
 * checks the list against the parameters the code reads).
 */
export const PAGE_QUERY_PARAMETERS: readonly string[] = ['lang', 'format', 'side', 'goal', 'status', 'target', 'prefecture', 'name', 'city', 'cities', 'peers', 'node', 'department', 'purpose', 'q', 'kind', 'year', 'type', 'area', 'page', 'page_size'];

/** Bounds of the cache. */
export interface PageCacheLimits {
  /** Total bytes of the kept bodies, headers and keys (default 64 MB). */
  readonly maxBytes: number;
  /** A larger answer is served but not kept (default 4 MB). */
  readonly maxEntryBytes: number;
}

export const DEFAULT_PAGE_CACHE_LIMITS: PageCacheLimits = { maxBytes: 64 * 1024 * 1024, maxEntryBytes: 4 * 1024 * 1024 };

interface CachedPage {
  readonly version: number;
  readonly status: number;
  /** The body as bytes (a Uint8Array is the Node adapter's fast path, an ArrayBuffer is not). */
  readonly body: Uint8Array;
  /** The same body gzipped, for clients that accept it (text answers over 1 kB), else null. */
  readonly gzipped: Uint8Array | null;
  readonly headers: [string, string][];
  readonly bytes: number;
}

/** Kept answers in least-recently-used order, bounded by their total size in bytes. */
export class PageCacheEntries {
  private readonly entries = new Map<string, CachedPage>();
  private total = 0;

  constructor(readonly limits: PageCacheLimits = DEFAULT_PAGE_CACHE_LIMITS) {}

  /** Bytes kept (bodies, headers and keys). */
  get bytes(): number {
    return this.total;
  }

  /** Number of kept answers. */
  get size(): number {
    return this.entries.size;
  }

  /** The answer kept for a key at this data version (refreshing its place), or undefined. */
  get(key: string, version: number): CachedPage | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    this.delete(key);
    if (hit.version !== version) return undefined;
    this.entries.set(key, hit);
    this.total += hit.bytes;
    return hit;
  }

  /** Keeps an answer, evicting the least recently used ones until the total fits; false when it is too large to keep. */
  set(key: string, page: Omit<CachedPage, 'bytes'>): boolean {
    const bytes = page.body.byteLength + (page.gzipped?.byteLength ?? 0) + key.length * 2 + page.headers.reduce((n, [k, v]) => n + (k.length + v.length) * 2, 0);
    this.delete(key);
    if (bytes > this.limits.maxEntryBytes || bytes > this.limits.maxBytes) return false;
    while (this.total + bytes > this.limits.maxBytes) this.delete(this.entries.keys().next().value!);
    this.entries.set(key, { ...page, bytes });
    this.total += bytes;
    return true;
  }

  private delete(key: string): void {
    const old = this.entries.get(key);
    if (!old) return;
    this.entries.delete(key);
    this.total -= old.bytes;
  }
}

/**
 * The cache key of a request: its path and the known query parameters in a fixed order (values
 * in request order), and whether the query held anything else (then it is not cached at all).
 */
export function pageCacheKey(url: URL, known: readonly string[] = PAGE_QUERY_PARAMETERS): { key: string; unknown: boolean } {
  const params = new URLSearchParams();
  for (const name of known) for (const v of url.searchParams.getAll(name)) params.append(name, v);
  let unknown = false;
  for (const name of url.searchParams.keys()) if (!known.includes(name)) unknown = true;
  const query = params.toString();
  return { key: query ? `${url.pathname}?${query}` : url.pathname, unknown };
}

/**
 * Caches rendered public pages and API answers for anonymous GET requests until the next write
 * to the data (the store's version changes), bounded in bytes ({@link PageCacheLimits}) and keyed
 * by {@link pageCacheKey}; a request with an unknown query parameter passes by. A request carrying a cookie (a logged-in user) or a response setting one
 * is never cached: those pages may be personal.
 */
export function pageCache(store: CityDataStore, entries = new PageCacheEntries(), today?: () => string): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method !== 'GET' || c.req.header('cookie')) return next();
    const url = new URL(c.req.url);
    const found = pageCacheKey(url);
    const { unknown } = found;
    // Pages show what is due after today (the next target, Open SDG #1318): a page kept from
    // yesterday is not served today (the Tokyo date from the one clock is part of the key).
    const key = today ? `${today()} ${found.key}` : found.key;
    if (unknown) return next();
    // Each page is valid until its own data changes: a city's pages until that city is written,
    // pages across cities until the summaries change (issue 11.2), not until any write anywhere.
    const cityId = cityOfPage(url);
    const versionNow = () => (cityId === null ? store.crossCityVersion : store.cityVersion(cityId));
    const gzipOk = /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
    const hit = entries.get(key, versionNow());
    if (hit) return answer(hit, gzipOk);
    const version = versionNow();
    await next();
    const res = c.res;
    if (res.status !== 200 || res.headers.has('set-cookie') || res.headers.get('cache-control')?.includes('no-store')) return;
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > entries.limits.maxEntryBytes) return;
    const body = new Uint8Array(await res.clone().arrayBuffer());
    const type = res.headers.get('content-type') ?? '';
    const compressible = body.byteLength > 1024 && /^(text\/|application\/(json|problem\+json|xml)|image\/svg)/.test(type) && !res.headers.has('content-encoding');
    const gzipped = compressible ? new Uint8Array(await gzip(body, { level: 6 })) : null;
    const page = { version, status: res.status, body, gzipped, headers: [...res.headers.entries()].filter(([k]) => k !== 'content-length') };
    entries.set(key, page);
    // This first answer goes out compressed too when it can.
    if (gzipped && gzipOk) c.res = answer(page, true);
  };
}

const gzip = promisify(gzipCallback);

/** A kept page as a response: gzipped when the client accepts it and a gzipped copy exists. */
function answer(page: Pick<CachedPage, 'status' | 'body' | 'gzipped' | 'headers'>, gzipOk: boolean): Response {
  const headers = new Headers(page.headers);
  if (page.gzipped) headers.set('vary', 'accept-encoding');
  if (page.gzipped && gzipOk) {
    headers.set('content-encoding', 'gzip');
    headers.set('content-length', String(page.gzipped.byteLength));
    return new Response(page.gzipped, { status: page.status, headers });
  }
  headers.set('content-length', String(page.body.byteLength));
  return new Response(page.body, { status: page.status, headers });
}

/**
 * The city a page belongs to (`/cities/:id/…`, `/api/v1/cities/:id/…`, `/api/v1/kpis?city=`),
 * or null for a page across cities (home, SDG goals, compare, search, open data, programmes).
 */
export function cityOfPage(url: URL): string | null {
  const m = /^\/(?:api\/v1\/)?cities\/([a-z0-9-]+)(?:\/|$)/.exec(url.pathname);
  if (m) return m[1]!;
  if (url.pathname === '/api/v1/kpis') return url.searchParams.get('city');
  return null;
}
