import type { Kysely } from 'kysely';
import type { CityDataStore } from '../services/city-data.store.ts';
import type { Database } from '../storage/database.ts';
import { withPlatformObservations } from './partner-kpi.service.ts';
import { loadPartnerSeedsIfEmpty } from './partner-seed.service.ts';
import { isoDate } from './programme.ts';

/**
 * Wires the partner platform into the app at start: loads the programme seeds on a seeded
 * database, and makes the city store feed bound KPIs from platform counts (one call in
 * app-context.ts).
 */
export async function attachPartnerPlatform(db: Kysely<Database>, store: CityDataStore, seed: boolean): Promise<void> {
  if (seed) await loadPartnerSeedsIfEmpty(db);
  store.addDeriver((data) => withPlatformObservations(db, data, isoDate(new Date())));
}
