import type { Kysely } from 'kysely';
import { systemClock, type Clock } from '../core/time/clock.ts';
import type { StaffConfig, WebConfig } from '../config.ts';
import type { CityDataStore } from '../cities/city-data.store.ts';
import type { CityPagesMode } from '../cities/city-pages.service.ts';
import type { Database } from '../storage/database.ts';
import type { PageCacheEntries } from './page-cache.ts';
import type { PdfQueue } from './pdf-queue.ts';

/** What the web layer is given: the database (for services that write) and the cached store. */
export interface WebDeps {
  readonly db: Kysely<Database>;
  readonly store: CityDataStore;
  /** Settings of the staff area (sessions, proxy, SMTP); the defaults when absent. */
  readonly staff?: StaffConfig;
  /** Settings of every answer (HSTS); the defaults when absent. */
  readonly web?: WebConfig;
  /** The public page cache (a fresh one, 64 MB, by default); tests pass one to look into it. */
  readonly pageCache?: PageCacheEntries;
  /** The PDF print queue (a fresh one with the default bounds by default). */
  readonly pdfQueue?: PdfQueue;
  /** Where "now" and "today" (Asia/Tokyo) come from; the system clock when absent (tests inject a fixed one). */
  readonly clock?: Clock;
  /**
   * Where a city's own pages read it (cities/city-pages.service.ts): `auto` by default (the held
   * city, else its fresh summaries, else the loaded city); tests pass `data` or `summaries` to
   * compare the two paths.
   */
  readonly cityPages?: CityPagesMode;
}

/** The clock of the app: the injected one, else the system's. */
export function clockOf(deps: Pick<WebDeps, 'clock'>): Clock {
  return deps.clock ?? systemClock;
}
