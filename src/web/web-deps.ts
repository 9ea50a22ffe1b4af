import type { Kysely } from 'kysely';
import { systemClock, type Clock } from '../core/time/clock.ts';
import type { StaffConfig } from '../config.ts';
import type { CityDataStore } from '../services/city-data.store.ts';
import type { Database } from '../storage/database.ts';

/** What the web layer is given: the database (for services that write) and the cached store. */
export interface WebDeps {
  readonly db: Kysely<Database>;
  readonly store: CityDataStore;
  /** Settings of the staff area (sessions, proxy, SMTP); the defaults when absent. */
  readonly staff?: StaffConfig;
  /** Where "now" and "today" (Asia/Tokyo) come from; the system clock when absent (tests inject a fixed one). */
  readonly clock?: Clock;
}

/** The clock of the app: the injected one, else the system's. */
export function clockOf(deps: Pick<WebDeps, 'clock'>): Clock {
  return deps.clock ?? systemClock;
}
