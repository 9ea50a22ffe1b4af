import type { Kysely } from 'kysely';
import type { City, CityData } from '../core/city/city.ts';
import type { Database } from '../storage/database.ts';
import { listCities, loadCityData } from './city-data.service.ts';

/**
 * Read access to cities for the web and the CLI, cached in memory: a city's data is loaded
 * once and kept until a write to it calls {@link CityDataStore.invalidate}.
 */
export class CityDataStore {
  private readonly cache = new Map<string, Promise<CityData | null>>();
  private cities: Promise<City[]> | null = null;
  /** Bumped on every invalidation, so caches built on top (rendered pages) know to drop. */
  version = 0;

  constructor(readonly db: Kysely<Database>) {}

  listCities(): Promise<City[]> {
    this.cities ??= listCities(this.db);
    return this.cities;
  }

  get(cityId: string): Promise<CityData | null> {
    let p = this.cache.get(cityId);
    if (!p) {
      p = loadCityData(this.db, cityId);
      this.cache.set(cityId, p);
      p.catch(() => this.cache.delete(cityId));
    }
    return p;
  }

  /** Forgets what was cached of a city (or of all) after a write. */
  invalidate(cityId?: string): void {
    if (cityId) this.cache.delete(cityId);
    else this.cache.clear();
    this.cities = null;
    this.version++;
  }
}
