import type { Kysely } from 'kysely';
import type { StaffConfig, WebConfig } from '../config.ts';
import type { CityDataStore } from '../services/city-data.store.ts';
import type { Database } from '../storage/database.ts';

/** What the web layer is given: the database (for services that write) and the cached store. */
export interface WebDeps {
  readonly db: Kysely<Database>;
  readonly store: CityDataStore;
  /** Settings of the staff area (sessions, proxy, SMTP); the defaults when absent. */
  readonly staff?: StaffConfig;
  /** Settings of every answer (HSTS); the defaults when absent. */
  readonly web?: WebConfig;
}
