import PQueue from 'p-queue';
import { PageCacheEntries, type PageCacheLimits } from './page-cache.ts';

/**
 * PDF printing through a bounded queue, with the results kept per data version. A print runs a
 * Chromium page (tens of MB each), so at most {@link PdfQueueLimits.concurrency} run at once and
 * {@link PdfQueueLimits.maxWaiting} more wait; a request beyond that is told to come back later
 * (the route answers 503 with Retry-After) instead of starting another page. Requests for the same
 * document at the same data version share one print, and its bytes are kept (bounded in bytes)
 * until the data changes, so a repeated request prints nothing.
 */

/** Bounds of the queue and of the kept PDFs. */
export interface PdfQueueLimits {
  /** Prints running at once. */
  readonly concurrency: number;
  /** Prints waiting for a slot; one more is refused. */
  readonly maxWaiting: number;
  /** Bytes of kept PDFs. */
  readonly cache: PageCacheLimits;
  /** A print taking longer fails (and frees its slot), so a stuck browser cannot hold the queue. */
  readonly timeoutMs?: number;
}

export const DEFAULT_PDF_QUEUE_LIMITS: PdfQueueLimits = { concurrency: 2, maxWaiting: 4, cache: { maxBytes: 32 * 1024 * 1024, maxEntryBytes: 8 * 1024 * 1024, crossCityBytes: 0 } };

/** The outcome of asking for a PDF: its bytes, or "busy" with the seconds after which to try again. */
export type PdfResult = { readonly ok: true; readonly pdf: Uint8Array; readonly cached: boolean } | { readonly ok: false; readonly error: { readonly kind: 'busy'; readonly retryAfterSeconds: number } };

export class PdfQueue {
  private readonly queue: PQueue;
  private readonly kept: PageCacheEntries;
  private readonly inFlight = new Map<string, Promise<Uint8Array>>();
  /** Recent print durations (ms), for the Retry-After estimate. */
  private averageMs = 3000;
  /** Prints started (tests and the bench read it). */
  printed = 0;

  constructor(readonly limits: PdfQueueLimits = DEFAULT_PDF_QUEUE_LIMITS) {
    this.queue = new PQueue({ concurrency: limits.concurrency, timeout: limits.timeoutMs ?? 120_000 });
    this.kept = new PageCacheEntries(limits.cache);
  }

  /** Prints running and waiting now. */
  get load(): { readonly running: number; readonly waiting: number } {
    return { running: this.queue.pending, waiting: this.queue.size };
  }

  /**
   * The PDF of `key` at data `version`: kept bytes, a print of the same key already under way, or
   * a new print by `print` if the queue has room; otherwise busy.
   */
  async get(key: string, version: number, print: () => Promise<Uint8Array>): Promise<PdfResult> {
    // Kept by key (an older version is dropped when asked for); printing by key and version.
    const hit = this.kept.get(key, version);
    if (hit) return { ok: true, pdf: new Uint8Array(hit.body), cached: true };
    const flightKey = `${version}\u0000${key}`;
    let running = this.inFlight.get(flightKey);
    if (!running) {
      if (this.queue.pending >= this.limits.concurrency && this.queue.size >= this.limits.maxWaiting) {
        const ahead = this.queue.pending + this.queue.size;
        return { ok: false, error: { kind: 'busy', retryAfterSeconds: Math.max(1, Math.ceil((this.averageMs * ahead) / this.limits.concurrency / 1000)) } };
      }
      running = this.queue.add(
        async () => {
          const started = Date.now();
          this.printed++;
          const pdf = await print();
          this.averageMs = (this.averageMs * 3 + (Date.now() - started)) / 4;
          this.kept.set(key, { version, status: 200, body: new Uint8Array(pdf), gzipped: null, headers: [] });
          return pdf;
        },
        { throwOnTimeout: true },
      );
      this.inFlight.set(flightKey, running);
      const forget = () => this.inFlight.delete(flightKey);
      running.then(forget, forget);
    }
    return { ok: true, pdf: await running, cached: false };
  }
}
