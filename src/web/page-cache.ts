import { htmlPageBody } from './html-page.ts';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress as brotliCompressCallback, brotliCompressSync, constants as zlibConstants, gzip as gzipCallback, gzipSync } from 'node:zlib';
import type { Hono, MiddlewareHandler } from 'hono';
import Negotiator from 'negotiator';
import { requestTargetProblem } from './middleware/input-guard.ts';
import type { CityDataStore } from '../cities/city-data.store.ts';

/**
 * The query parameters public pages and the API read (`?lang=en`, `?format=csv`, the plan and
 * goal filters, paging, compare's `cities`, search's `q`, the sheet's `kind`/`year`, the city
 * directory's and partner directory's filters, the KPI list's node and department, the sheet's purpose). A request with any other parameter is answered
 * without the cache, neither served from it nor stored: random query strings cannot fill it, and
 * a parameter a new route reads but this list forgets costs speed, never a wrong page (a test
 * checks the list against the parameters the code reads).
 */
export const PAGE_QUERY_PARAMETERS: readonly string[] = ['lang', 'format', 'side', 'goal', 'status', 'target', 'prefecture', 'name', 'city', 'cities', 'q', 'kind', 'year', 'type', 'area', 'page', 'page_size', 'node', 'department', 'purpose', 'peers'];

/** Bounds of the cache. */
export interface PageCacheLimits {
  /** Total bytes of the kept bodies, headers and keys (default 64 MB). */
  readonly maxBytes: number;
  /** A larger answer is served but not kept (default 4 MB). */
  readonly maxEntryBytes: number;
  /**
   * The part of `maxBytes` kept for pages across cities (default 3/8 of it): their shelf is
   * apart, so a stream of city and KPI pages asked for once each cannot evict them.
   */
  readonly crossCityBytes?: number;
}

export const DEFAULT_PAGE_CACHE_LIMITS: PageCacheLimits = { maxBytes: 64 * 1024 * 1024, maxEntryBytes: 4 * 1024 * 1024 };

/** An answer as the cache keeps it. */
export interface CachedPage {
  readonly version: number;
  readonly status: number;
  /** The body as bytes (a Uint8Array is the Node adapter's fast path, an ArrayBuffer is not). */
  readonly body: Uint8Array;
  /**
   * Whether the body may be sent compressed (text over 1 kB without a coding of its own). Its
   * codings are made when a client first asks for one, once each per kept page: most pages of a
   * national deployment are asked for once, and compressing each miss twice (gzip and Brotli) for
   * clients that may accept neither cost a core of a 2-core server (issue 11.5).
   */
  readonly compressible?: boolean;
  /** The same body gzipped, once a client accepting gzip (and not Brotli) has asked, else null. */
  readonly gzipped: Uint8Array | null;
  /** The same body compressed with Brotli (smaller than gzip), once a client accepting it has asked, else null or absent. */
  readonly brotli?: Uint8Array | null;
  readonly headers: [string, string][];
  /** The strong validator of the body (`"…"`, a hash of its bytes), else absent. */
  readonly etag?: string;
  readonly bytes: number;
  /** The headers of each encoding as plain records, built once (the Node adapter's fast path). */
  readonly answers: Readonly<Record<Encoding, Record<string, string> | null>>;
}

/** The content codings the cache may answer with. */
export type Encoding = 'br' | 'gzip' | 'identity';

/**
 * Where a kept answer lives: `city` for a city's pages (and anything else), `crossCity` for pages
 * across cities (those keyed by a query only once asked for twice: see placeOf). At national scale (issue 11.5) almost every city, plan and KPI page is asked for
 * once between writes, and with one shelf they pushed out the home, SDG goal, open data and
 * search pages, whose miss reads the summaries of every city (40–600 ms of PostgreSQL each, against
 * 2–3 ms for a city page): those were rendered again and again under a mixed load.
 */
export type PageShelf = 'city' | 'crossCity';

/**
 * Kept answers on two shelves ({@link PageShelf}), each in least-recently-used order and
 * bounded by its total size in bytes: `crossCityBytes` for pages across cities, the rest of
 * `maxBytes` for the others.
 */
export class PageCacheEntries {
  private readonly shelves: Readonly<Record<PageShelf, LruShelf>>;

  constructor(readonly limits: PageCacheLimits = DEFAULT_PAGE_CACHE_LIMITS) {
    const crossCity = Math.min(limits.maxBytes, limits.crossCityBytes ?? Math.floor((limits.maxBytes * 3) / 8));
    this.shelves = { city: new LruShelf(limits.maxBytes - crossCity, limits.maxEntryBytes), crossCity: new LruShelf(crossCity, limits.maxEntryBytes) };
  }

  /** Bytes kept (bodies, headers and keys) on both shelves, or on one. */
  bytesOn(shelf?: PageShelf): number {
    return shelf ? this.shelves[shelf].total : this.shelves.city.total + this.shelves.crossCity.total;
  }

  /** Bytes kept (bodies, headers and keys). */
  get bytes(): number {
    return this.bytesOn();
  }

  /** Number of kept answers. */
  get size(): number {
    return this.shelves.city.entries.size + this.shelves.crossCity.entries.size;
  }

  /**
   * The answer kept for a key at this data version (refreshing its place), or undefined. Asked
   * on the `crossCity` shelf, a page kept on the city shelf is found too and moved to its own
   * shelf: a page across cities admitted on the city shelf (see {@link set}) is asked for again.
   */
  get(key: string, version: number, shelf: PageShelf = 'city'): CachedPage | undefined {
    const hit = this.shelves[shelf].get(key, version);
    if (hit || shelf === 'city') return hit;
    const first = this.shelves.city.take(key, version);
    if (!first) return undefined;
    // Kept on the city shelf still when its own shelf cannot hold it.
    const moved = this.shelves.crossCity.set(key, first) ? 'crossCity' : 'city';
    if (moved === 'city') this.shelves.city.set(key, first);
    return this.shelves[moved].entries.get(key) ?? first;
  }

  /**
   * Keeps an answer on a shelf (the key leaves the other one), evicting the least recently used
   * ones of that shelf until the total fits; false when it is too large to keep, or when a page
   * of a newer data version is kept for the key (a miss rendered before a write finishing after
   * one rendered since: a version only grows, so the older one would never be served again).
   */
  set(key: string, page: Omit<CachedPage, 'bytes' | 'answers'>, shelf: PageShelf = 'city'): boolean {
    for (const kept of [this.shelves.city.entries.get(key), this.shelves.crossCity.entries.get(key)]) if (kept && kept.version > page.version) return false;
    this.shelves[shelf === 'city' ? 'crossCity' : 'city'].take(key, null);
    return this.shelves[shelf].set(key, page);
  }

  /**
   * Puts a page with a coding added in place of the kept one it was made from, on the shelf that
   * keeps it, if it is still kept (a newer version or an eviction in the meantime wins); its place
   * in the order is refreshed as a hit refreshes it.
   */
  addCoding(key: string, from: CachedPage, page: Omit<CachedPage, 'bytes' | 'answers'>): void {
    for (const shelf of ['city', 'crossCity'] as const) if (this.shelves[shelf].entries.get(key) === from) this.shelves[shelf].set(key, page);
  }
}

/** One shelf: kept answers in least-recently-used order (a Map's insertion order), bounded in bytes. */
class LruShelf {
  readonly entries = new Map<string, CachedPage>();
  total = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly maxEntryBytes: number,
  ) {}

  get(key: string, version: number): CachedPage | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    this.delete(key);
    if (hit.version !== version) return undefined;
    this.entries.set(key, hit);
    this.total += hit.bytes;
    return hit;
  }

  /** Removes and returns the page kept for a key at this data version (any version: null); undefined when none. */
  take(key: string, version: number | null): CachedPage | undefined {
    const kept = this.entries.get(key);
    if (!kept) return undefined;
    this.delete(key);
    return version === null || kept.version === version ? kept : undefined;
  }

  set(key: string, page: Omit<CachedPage, 'bytes' | 'answers'>): boolean {
    const answers = answerHeaders(page);
    const headerBytes = Object.values(answers).reduce((n, h) => n + (h ? Object.entries(h).reduce((m, [k, v]) => m + (k.length + v.length) * 2, 0) : 0), 0);
    const bytes = page.body.byteLength + (page.gzipped?.byteLength ?? 0) + (page.brotli?.byteLength ?? 0) + key.length * 2 + headerBytes;
    this.delete(key);
    if (bytes > this.maxEntryBytes || bytes > this.maxBytes) return false;
    while (this.total + bytes > this.maxBytes) this.delete(this.entries.keys().next().value!);
    this.entries.set(key, { ...page, bytes, answers });
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

/** The response headers of each encoding a page has, as plain records (content length, coding, Vary, ETag). */
function answerHeaders(page: Omit<CachedPage, 'bytes' | 'answers'>): CachedPage['answers'] {
  const base: Record<string, string> = {};
  for (const [k, v] of page.headers) if (k !== 'content-length' && k !== 'content-encoding' && k !== 'etag' && k !== 'vary') base[k] = v;
  const compressed = hasCodings(page);
  // Kept header names are lower case (Headers#entries gives them so); a route's own Vary is kept.
  const vary = [page.headers.find(([k]) => k === 'vary')?.[1], compressed ? 'accept-encoding' : undefined].filter(Boolean).join(', ');
  const make = (body: Uint8Array | null | undefined, encoding: Encoding): Record<string, string> | null => {
    if (!body) return null;
    return {
      ...base,
      ...(vary && { vary }),
      ...(encoding !== 'identity' && { 'content-encoding': encoding }),
      // One validator per representation (RFC 9110 8.8.3): the coded bytes differ from the plain ones.
      ...(page.etag && { etag: etagOf(page.etag, encoding) }),
      'content-length': String(body.byteLength),
    };
  };
  return { identity: make(page.body, 'identity'), gzip: make(page.gzipped, 'gzip'), br: make(page.brotli, 'br') };
}

/** Whether a kept page is, or may be made, sent compressed (a pdf-queue page sets only `gzipped: null`). */
const hasCodings = (page: Pick<CachedPage, 'compressible' | 'gzipped' | 'brotli'>): boolean => Boolean(page.compressible || page.gzipped || page.brotli);

/** The validator of one coding of a page (RFC 9110 8.8.3: the coded bytes differ from the plain ones). */
const etagOf = (etag: string, encoding: Encoding): string => (encoding === 'identity' ? etag : `${etag.slice(0, -1)}-${encoding}"`);

/**
 * The cache key of a request: its path and the known query parameters in a fixed order (values
 * in request order), and whether the query held anything else (then it is not cached at all).
 */
export function pageCacheKey(url: URL, known: readonly string[] = PAGE_QUERY_PARAMETERS): { key: string; unknown: boolean } {
  return keyOf(url.pathname, url.searchParams, known);
}

function keyOf(pathname: string, search: URLSearchParams, known: readonly string[]): { key: string; unknown: boolean } {
  let unknown = false;
  for (const name of search.keys()) if (!known.includes(name)) unknown = true;
  const params = new URLSearchParams();
  for (const name of known) for (const v of search.getAll(name)) params.append(name, v);
  const query = params.toString();
  return { key: query ? `${pathname}?${query}` : pathname, unknown };
}

/**
 * Where a cacheable request stands: its key, the city whose version it needs (null: across
 * cities), the shelf its page belongs on and the shelf a new page of it is first kept on.
 */
interface Lookup {
  readonly key: string;
  readonly cityId: string | null;
  readonly shelf: PageShelf;
  readonly admit: PageShelf;
}

const CITY_PLACE = { shelf: 'city', admit: 'city' } as const;
const NATIONAL_PLACE = { shelf: 'crossCity', admit: 'crossCity' } as const;
const ASKED_TWICE_PLACE = { shelf: 'crossCity', admit: 'city' } as const;

/**
 * The shelves of a page. A city's page: the city shelf. A page across cities belongs on the
 * `crossCity` shelf; it is kept there at once when it is a national page itself (no query, or
 * only `lang=ja` or `lang=en`), else first on the city shelf and moved to its own when asked for
 * again while kept there (see {@link PageCacheEntries.get}). Searches, compared cities, name
 * fragments, filters and pages of lists are free to make up (unknown prefectures, pages past the
 * end, a parameter twice, each a page of its own): asked for once each, they never push the SDG
 * goal, home and open data pages off their shelf, while those asked for again (a common search,
 * the next page of a goal) are kept beside them. So are paths made up: one KPI across cities
 * (`/compare/kpis/:city/:kpi`, some 300,000 of them nationally) and any path with a
 * percent-encoded character (a route reads `/sdgs/%33` as goal 3; each spelling is a key).
 */
function placeOf(cityId: string | null, pathname: string, params: URLSearchParams | null): { readonly shelf: PageShelf; readonly admit: PageShelf } {
  if (cityId !== null) return CITY_PLACE;
  // A path is made up as freely as a query: one KPI across cities (a page per KPI of the
  // country) or any path with a percent-encoded letter (`/sdgs/%33`, each a key of its own).
  if (pathname.includes('%') || ONE_KPI_ACROSS_CITIES.test(pathname)) return ASKED_TWICE_PLACE;
  if (!params || params.size === 0) return NATIONAL_PLACE;
  const lang = params.size === 1 ? params.get('lang') : null;
  return lang === 'ja' || lang === 'en' ? NATIONAL_PLACE : ASKED_TWICE_PLACE;
}

/**
 * The key and scope of a request, or null when it is not cacheable. Runs on every request ahead
 * of the app, so it reads the request URL (already normalised by the URL parser) by hand rather
 * than parsing it again, and creates no closure.
 */
function lookupOf(req: Request, today: (() => string) | undefined): Lookup | null {
  // A HEAD request reads the page a GET would get (monitors and link checkers ask so): the same
  // headers, no body (RFC 9110 9.3.2).
  if ((req.method !== 'GET' && req.method !== 'HEAD') || req.headers.get('cookie')) return null;
  const url = req.url;
  const pathStart = url.indexOf('/', url.indexOf('//') + 2);
  const queryStart = url.indexOf('?', pathStart);
  const hashStart = url.indexOf('#', pathStart);
  const pathEnd = queryStart !== -1 ? queryStart : hashStart !== -1 ? hashStart : url.length;
  const pathname = url.slice(pathStart, pathEnd);
  // Pages show what is due after today (the next target, Open SDG #1318): a page kept from
  // yesterday is not served today (the Tokyo date from the one clock is part of the key).
  const day = today ? `${today()} ` : '';
  if (queryStart === -1 || queryStart + 1 === (hashStart === -1 ? url.length : hashStart)) {
    const cityId = cityOfPath(pathname, null);
    return { key: day + pathname, cityId, ...placeOf(cityId, pathname, null) };
  }
  const params = new URLSearchParams(url.slice(queryStart + 1, hashStart === -1 ? url.length : hashStart));
  const { key, unknown } = keyOf(pathname, params, PAGE_QUERY_PARAMETERS);
  if (unknown) return null;
  const cityId = cityOfPath(pathname, params);
  return { key: day + key, cityId, ...placeOf(cityId, pathname, params) };
}

/** The data version a kept page must match: its city's, or the cross-city one. */
function versionOf(lookup: Lookup, store: Pick<CityDataStore, 'crossCityVersion' | 'cityVersion'>): number {
  // Each page is valid until its own data changes: a city's pages until that city is written,
  // pages across cities until the summaries change (issue 11.2), not until any write anywhere.
  return lookup.cityId === null ? store.crossCityVersion : store.cityVersion(lookup.cityId);
}

/**
 * A cache hit answered as kept bytes, or null (not cacheable, not kept, or a request the input
 * guard would refuse: the app then answers it).
 */
function hitFor(lookup: Lookup, version: number, req: Request, entries: PageCacheEntries): Response | Promise<Response> | null {
  const hit = entries.get(lookup.key, version, lookup.shelf);
  if (!hit) return null;
  // A kept page answers only a request the app would have answered (two raw queries, one of
  // them malformed, can share a key once decoded).
  if (requestTargetProblem(req.url)) return null;
  const missing = missingCoding(hit, req);
  if (!missing) return answer(hit, req);
  return withCoding(hit, missing, lookup.shelf).then((coded) => {
    entries.addCoding(lookup.key, hit, coded);
    return answer({ ...coded, answers: answerHeaders(coded) }, req);
  });
}

/**
 * The coding a request accepts best that a compressible page has not made yet (null: none to
 * make). A request the client's copy answers (304) needs none.
 */
function missingCoding(page: Omit<CachedPage, 'bytes' | 'answers'>, req: Request): 'br' | 'gzip' | null {
  if (!page.compressible || notModified(page, req.headers.get('if-none-match'))) return null;
  const wanted = chooseEncoding(req.headers.get('accept-encoding'), BR_GZIP);
  if (wanted === 'br' && !page.brotli) return 'br';
  if (wanted === 'gzip' && !page.gzipped) return 'gzip';
  return null;
}

/**
 * The page with one more coding of its body, at the quality of its shelf ({@link CODING_QUALITY}):
 * the fast one at once on this thread, the slow one on zlib's thread pool.
 */
async function withCoding<P extends Omit<CachedPage, 'bytes' | 'answers'>>(page: P, coding: 'br' | 'gzip', shelf: PageShelf): Promise<P> {
  const quality = CODING_QUALITY[shelf];
  const inline = compressesInline(shelf, page.body.byteLength);
  if (coding === 'gzip') {
    const options = { level: quality.gzipLevel };
    const z = inline ? gzipSync(page.body, options) : await gzip(page.body, options);
    return { ...page, gzipped: new Uint8Array(z.buffer, z.byteOffset, z.byteLength) };
  }
  const options = brotliOptions(page.body.byteLength, quality.brotliQuality);
  const b = inline ? brotliCompressSync(page.body, options) : await brotliCompress(page.body, options);
  return { ...page, brotli: new Uint8Array(b.buffer, b.byteOffset, b.byteLength) };
}

/**
 * How hard pages are compressed, by the shelf a page belongs on (issue 11.5; `Lookup.shelf`, not
 * the one a page across cities is first admitted to). A city's own pages (city, plan, KPI, the
 * API's city lists) are at national scale asked for about once between writes, so each is
 * compressed about once per request: Brotli quality 5 took 0.5-0.95 ms of CPU for a 55-65 kB city
 * page or API answer (0.1-0.2 ms of it on the main thread), quality 1 0.07-0.15 ms, for answers
 * 20-30 % larger (city page 5.8 → 7.5 kB, API 7.1 → 8.5 kB) on a 2-core server whose CPU is the
 * queue. Pages across cities (home, SDG goals, open data) are kept on their own shelf and
 * served many times from one compression: there the smaller answer pays. gzip likewise (level 1
 * against 6: 0.1 against 0.25-0.5 ms, 7.7 against 6.8 kB).
 *
 * `inline`: made on the main thread, synchronously. zlib's asynchronous form costs a stream, its
 * callbacks and a hand-over to the thread pool per answer: for a 65 kB page at quality 1 that was
 * 0.3-0.5 ms of the main thread and 1.6-2 ms of the process against 0.08 ms (main thread, all of
 * it) done at once, which blocks the event loop for less than a tenth of a millisecond. Quality 5
 * (0.5-1 ms) stays off the main thread, and so does a body over {@link INLINE_CODING_MAX_BYTES}
 * ({@link compressesInline}).
 */
export const CODING_QUALITY: Readonly<Record<PageShelf, { readonly brotliQuality: number; readonly gzipLevel: number; readonly inline: boolean }>> = {
  city: { brotliQuality: 1, gzipLevel: 1, inline: true },
  crossCity: { brotliQuality: 5, gzipLevel: 6, inline: false },
};

/**
 * Whether a body of `bytes` on `shelf` is compressed at once on the main thread
 * ({@link CODING_QUALITY}`.inline`): only up to {@link INLINE_CODING_MAX_BYTES}. The event loop
 * waits for the whole coding, in proportion to the body: Brotli 1 took some 11 ms for a 2.7 MB
 * page and gzip 1 8 ms, for every request to a page too large to keep (up to `maxEntryBytes`,
 * whose codings would not fit beside it) while every other request waited.
 */
export function compressesInline(shelf: PageShelf, bytes: number): boolean {
  return CODING_QUALITY[shelf].inline && bytes <= INLINE_CODING_MAX_BYTES;
}

/** Largest body compressed on the main thread (some 1 ms at Brotli 1); a larger one goes to zlib's thread pool. */
export const INLINE_CODING_MAX_BYTES = 256 * 1024;

/**
 * Puts the whole app behind the page cache: hits are answered before any routing or middleware
 * runs (the kept bytes and headers, as a static file server would), and a miss is rendered by the
 * app and kept with every header the app's middleware set (security headers included). Keys,
 * versions and what is never kept are those of {@link pageCache}.
 */
export function serveWithPageCache(app: Hono, store: CityDataStore, entries: PageCacheEntries, today?: () => string): void {
  const inner = app.fetch;
  app.fetch = (req, env, executionCtx) => {
    const lookup = lookupOf(req, today);
    if (!lookup) return inner(req, env, executionCtx);
    const version = versionOf(lookup, store);
    const hit = hitFor(lookup, version, req, entries);
    if (hit) return hit;
    // A HEAD miss renders the GET it stands for and keeps it, so it gets the GET's headers (coding, validator, length).
    const rendering = req.method === 'HEAD' ? inner(new Request(req.url, { method: 'GET', headers: req.headers }), env, executionCtx) : inner(req, env, executionCtx);
    return fill(lookup, version, rendering, req, entries);
  };
}

/**
 * Caches rendered public pages and API answers for anonymous GET requests (HEAD reads them too) until the next write
 * to the data (the store's version changes), bounded in bytes ({@link PageCacheLimits}) and keyed
 * by {@link pageCacheKey}; a request with an unknown query parameter passes by. A request carrying a cookie (a logged-in user), a response setting one
 * or a `private` or `no-store` response is never cached: those pages may be personal. Kept answers carry an ETag (a matching
 * If-None-Match gets a 304) and are kept gzipped and Brotli-compressed too, the coding chosen by
 * the request's Accept-Encoding (Vary: accept-encoding). The app uses {@link serveWithPageCache},
 * the same cache in front of its middleware.
 */
export function pageCache(store: CityDataStore, entries = new PageCacheEntries(), today?: () => string): MiddlewareHandler {
  return async (c, next) => {
    const lookup = lookupOf(c.req.raw, today);
    if (!lookup) return next();
    const version = versionOf(lookup, store);
    const hit = hitFor(lookup, version, c.req.raw, entries);
    if (hit) return hit;
    await next();
    c.res = await keep(lookup, version, c.res, c.req.raw, entries);
  };
}

async function fill(lookup: Lookup, version: number, rendering: Response | Promise<Response>, req: Request, entries: PageCacheEntries): Promise<Response> {
  const res = await keep(lookup, version, await rendering, req, entries);
  // A HEAD answer carries no body, kept or not (RFC 9110 9.3.2).
  return req.method === 'HEAD' && res.body ? new Response(null, { status: res.status, headers: res.headers }) : res;
}

/**
 * Keeps a rendered answer when it may be kept (a 200 without cookie or no-store, within the
 * entry bound) with its compressed copies and validator, and returns what to send: the kept
 * answer as a later hit would be (the client's coding, the ETag), else the answer unchanged.
 */
async function keep(lookup: Lookup, version: number, res: Response, req: Request, entries: PageCacheEntries): Promise<Response> {
  // A shared cache keeps neither `no-store` nor `private` answers (RFC 9111 3, 5.2.2.7): a KPI list
  // filtered by a typed name fragment is private, so made-up fragments cannot crowd out the pages.
  if (res.status !== 200 || res.headers.has('set-cookie') || /no-store|private/.test(res.headers.get('cache-control') ?? '')) return res;
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > entries.limits.maxEntryBytes) return res;
  // A page of htmlPage hands its bytes over as they are (its stream is never read: the answer sent is a new one).
  const body = htmlPageBody(res) ?? new Uint8Array(await res.arrayBuffer());
  const type = res.headers.get('content-type') ?? '';
  const compressible = body.byteLength > 1024 && body.byteLength <= entries.limits.maxEntryBytes && /^(text\/|application\/(json|problem\+json|xml)|image\/svg)/.test(type) && !res.headers.has('content-encoding');
  const plain = {
    version,
    status: res.status,
    body,
    compressible,
    gzipped: null,
    brotli: null,
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    headers: [...res.headers.entries()],
  };
  // Only the coding this client takes; another is made when a client first asks for it.
  const missing = missingCoding(plain, req);
  const page = missing ? await withCoding(plain, missing, lookup.shelf) : plain;
  entries.set(lookup.key, page, lookup.admit);
  // This first answer goes out as later ones will: with its validator and the client's coding.
  return answer({ ...page, answers: answerHeaders(page) }, req);
}

const gzip = promisify(gzipCallback);
const brotliCompress = promisify(brotliCompressCallback);
/**
 * Brotli at `quality` ({@link CODING_QUALITY}: 5 is within a few per cent of the best size at a
 * small fraction of its time, 1 a fifth of 5's time), with a window just large enough for the
 * body ({@link brotliWindowBits}).
 */
const brotliOptions = (size: number, quality: number) => ({ params: { [zlibConstants.BROTLI_PARAM_QUALITY]: quality, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: size, [zlibConstants.BROTLI_PARAM_LGWIN]: brotliWindowBits(size) } });

/**
 * The Brotli window (log2 of its bytes, 10 to the default 22) that holds a body of `size` bytes whole. The
 * default window (4 MB) is allocated and zeroed for every page however small: ten 20-60 kB pages
 * compressed at once cost 2.3-2.7 ms of CPU each with it and 0.8-1.5 ms with this one (main
 * thread 0.25 → 0.10 ms: the encoder's memory is reported to V8 as external memory, which starts
 * garbage collections), for the same size within 0.3 %; a window larger than the body finds no
 * match further back, so nothing is lost but that memory.
 */
export function brotliWindowBits(size: number): number {
  // A window of 2^bits holds 2^bits - 16 bytes.
  return Math.min(zlibConstants.BROTLI_DEFAULT_WINDOW, Math.max(zlibConstants.BROTLI_MIN_WINDOW_BITS, Math.ceil(Math.log2(size + 16))));
}

/**
 * The content coding a request accepts best among those a page has (Brotli, then gzip, then none),
 * by its Accept-Encoding with q-values (`negotiator`); the few distinct header values are remembered.
 */
export function chooseEncoding(acceptEncoding: string | null, available: readonly Encoding[]): Encoding | null {
  const header = acceptEncoding ?? '';
  const key = `${available.length}${available[0]}\u0000${header}`;
  let chosen = encodingChoices.get(key);
  if (chosen === undefined) {
    // negotiator 1.x takes the server's order of preference for equal q-values (its types are 0.6's).
    const negotiator = new Negotiator({ headers: { 'accept-encoding': header } }) as unknown as { encodings(available: string[], options: { preferred: string[] }): string[] };
    const best = negotiator.encodings([...available, 'identity'], { preferred: ['br', 'gzip', 'identity'] })[0];
    chosen = (best as Encoding | undefined) ?? null;
    if (encodingChoices.size >= 256) encodingChoices.clear();
    encodingChoices.set(key, chosen);
  }
  return chosen;
}
const encodingChoices = new Map<string, Encoding | null>();
const BR_GZIP: readonly Encoding[] = ['br', 'gzip'];
const BR: readonly Encoding[] = ['br'];
const GZIP: readonly Encoding[] = ['gzip'];
const NONE: readonly Encoding[] = [];

/** Whether the If-None-Match header names one of the page's validators (or `*`). */
function notModified(page: Omit<CachedPage, 'bytes' | 'answers'>, ifNoneMatch: string | null): boolean {
  if (!ifNoneMatch || !page.etag) return false;
  if (ifNoneMatch.trim() === '*') return true;
  // Every coding's validator, made or not yet: the client's copy may be a coding this kept page has not made again.
  const etag = page.etag;
  const tags = hasCodings(page) ? (['identity', 'gzip', 'br'] as const).map((e) => etagOf(etag, e)) : [etag];
  // Weak comparison (RFC 9110 13.1.2): a W/ prefix does not matter.
  return ifNoneMatch.split(',').some((t) => tags.includes(t.trim().replace(/^W\//, '')));
}

/** A kept page as a response: 304 when the client holds it, else the best coding it accepts. */
function answer(page: Omit<CachedPage, 'bytes'>, req: Request): Response {
  const available = page.brotli ? (page.gzipped ? BR_GZIP : BR) : page.gzipped ? GZIP : NONE;
  const encoding = available.length > 0 ? chooseEncoding(req.headers.get('accept-encoding'), available) : 'identity';
  if (notModified(page, req.headers.get('if-none-match'))) {
    // The validator of the coding this client would get, made or not yet.
    const held = page.compressible ? (chooseEncoding(req.headers.get('accept-encoding'), BR_GZIP) ?? 'identity') : (encoding ?? 'identity');
    const h = page.answers.identity!;
    const etag = page.etag && etagOf(page.etag, held);
    return new Response(null, { status: 304, headers: { ...(etag && { etag }), ...(h.vary && { vary: h.vary }), ...(h['cache-control'] && { 'cache-control': h['cache-control'] }) } });
  }
  // No acceptable coding at all (identity;q=0 with none of ours): the plain bytes still (RFC 9110 12.5.3 allows it).
  const coding = encoding ?? 'identity';
  const body = coding === 'br' ? page.brotli! : coding === 'gzip' ? page.gzipped! : page.body;
  return new Response(req.method === 'HEAD' ? null : body, { status: page.status, headers: page.answers[coding]! });
}

/**
 * The city a page belongs to (`/cities/:id/…`, `/api/v1/cities/:id/…`, `/api/v1/kpis?city=`),
 * or null for a page across cities (home, SDG goals, compare, search, open data, programmes).
 */
export function cityOfPage(url: URL): string | null {
  return cityOfPath(url.pathname, url.searchParams);
}

function cityOfPath(pathname: string, params: URLSearchParams | null): string | null {
  const m = CITY_PAGE.exec(pathname);
  if (m) return cityIdOfSegment(m[1]!);
  if (pathname === '/api/v1/kpis') return params?.get('city') ?? null;
  return null;
}
const CITY_PAGE = /^\/(?:api\/v1\/)?cities\/([^/]+)(?:\/|$)/;

/**
 * The city id a path segment names as the router reads it (percent-decoded: `/cities/%69chinoseki`
 * is ichinoseki's page, kept and dropped with that city's pages), or null when it names none.
 */
function cityIdOfSegment(segment: string): string | null {
  let id = segment;
  if (id.includes('%')) {
    try {
      id = decodeURIComponent(id);
    } catch {
      return null;
    }
  }
  return CITY_ID.test(id) ? id : null;
}
const CITY_ID = /^[a-z0-9-]+$/;
/** The page of one KPI across cities (compare.routes.tsx): one per KPI of the country. */
const ONE_KPI_ACROSS_CITIES = /^\/compare\/kpis\//;
