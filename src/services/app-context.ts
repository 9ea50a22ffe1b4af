import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import { openDatabase, type DialectName } from '../storage/database.ts';
import type { Database } from '../storage/database.ts';
import { migrateToLatest } from '../storage/migrate.ts';
import { CityDataStore } from './city-data.store.ts';
import { loadSeedCitiesIfEmpty } from './plan-data-import.service.ts';

/** An opened, migrated (and on first start, seeded) database with its data store. */
export interface AppContext {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  readonly store: CityDataStore;
  readonly seededCities: number;
  close(): Promise<void>;
}

/** Opens the configured database, applies migrations, loads the seed cities on first start. */
export async function openAppContext(config: Pick<Config, 'dataDir' | 'databaseUrl' | 'seed'> & { inMemory?: boolean }): Promise<AppContext> {
  const opened = await openDatabase(
    config.databaseUrl ? { databaseUrl: config.databaseUrl } : config.inMemory ? { inMemory: true } : { dataDir: config.dataDir },
  );
  try {
    await migrateToLatest(opened.db);
    const seededCities = config.seed ? await loadSeedCitiesIfEmpty(opened.db) : 0;
    return { db: opened.db, dialect: opened.dialect, store: new CityDataStore(opened.db), seededCities, close: opened.close };
  } catch (e) {
    await opened.close();
    throw e;
  }
}
