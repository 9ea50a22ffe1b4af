import { LRUCache } from 'lru-cache';
import { isStable } from '../../cities/city-view-memo.ts';

/**
 * Rendered parts of pages ("fragments"), kept as UTF-8 bytes per data version (issue 11.4): the
 * main content of a plan or KPI page depends only on the city's data, the language and the
 * page's own filters, so a request that passes the page cache by (another query string, or the
 * page evicted) renders only what varies with the request (the header's language switch, the
 * breadcrumbs) around kept bytes, which are not encoded again either.
 *
 * **Never stale:** a fragment is keyed by the identity of the object it was rendered from, the
 * city's data as the store hands it out (`CityDataStore.get`), which is never changed once loaded
 * (`markStable`). A write makes the store forget that object, so the next request reads a new one
 * and finds no fragment of it; the old fragments are never asked for again and age out. A page
 * read from the city's summaries instead (the plan page, plans/plan-page.service.ts) is owned by
 * an object standing for the summaries of one city revision: a write moves the revision, so the
 * same holds. An owner that is not marked stable (a test's literal, data being built) is rendered
 * afresh each time.
 *
 * **Bounded in bytes:** least recently used fragments are dropped beyond
 * {@link FragmentCache.maxBytes} (bodies and keys counted); a fragment larger than a quarter of
 * the budget is not kept.
 */
export class FragmentCache {
  private readonly entries: LRUCache<string, Uint8Array>;
  /** A number per owner object, so keys are short strings and owners are not kept alive. */
  private readonly ownerIds = new WeakMap<object, number>();
  private nextOwnerId = 1;

  constructor(readonly maxBytes: number = DEFAULT_FRAGMENT_BYTES) {
    this.entries = new LRUCache<string, Uint8Array>({
      maxSize: maxBytes,
      maxEntrySize: Math.floor(maxBytes / 4),
      sizeCalculation: (bytes, key) => bytes.byteLength + key.length * 2,
    });
  }

  /**
   * The UTF-8 bytes of `render()` for `owner` and `key`, rendered once per stable owner while
   * kept. `key` must name everything else the fragment reads (language, page id, filters).
   */
  get(owner: object, key: string, render: () => string): Uint8Array {
    if (!isStable(owner)) return encoder.encode(render());
    let id = this.ownerIds.get(owner);
    if (id === undefined) this.ownerIds.set(owner, (id = this.nextOwnerId++));
    const full = `${id}\u0000${key}`;
    let bytes = this.entries.get(full);
    if (!bytes) {
      bytes = encoder.encode(render());
      this.entries.set(full, bytes);
    }
    return bytes;
  }

  /** Bytes kept (bodies and keys). */
  get bytes(): number {
    return this.entries.calculatedSize;
  }

  /** Number of kept fragments. */
  get size(): number {
    return this.entries.size;
  }

  /** Drops every fragment (the benchmark's "cold" requests; tests). */
  clear(): void {
    this.entries.clear();
  }
}

const encoder = new TextEncoder();

/** The default budget of the process's fragment cache: 32 MB (a 300-KPI plan's page is about 350 kB). */
export const DEFAULT_FRAGMENT_BYTES = 32 * 1024 * 1024;

/** The process's fragment cache, shared by the pages that keep fragments. */
export const fragments = new FragmentCache();
