import type { Kysely } from 'kysely';
import type { City, CityData } from '../core/city/city.ts';
import type { Database } from '../storage/database.ts';
import { listCities, loadCityData } from './city-data.service.ts';
import { loadStaffDecorations, publicView, type StaffCityData } from './publication.service.ts';

/**
 * Read access to cities for the web and the CLI, cached in memory: a city's data is loaded
 * once and kept until a write to it calls {@link CityDataStore.invalidate}.
 *
 * {@link get} returns what the public may see (the actuals of unpublished years left out, the
 * secretariat's status overrides and the yearly commentaries attached); {@link getStaff} returns
 * everything, for the staff area only.
 */
export class CityDataStore {
  private readonly staffCache = new Map<string, Promise<StaffCityData | null>>();
  private readonly publicCache = new Map<string, Promise<CityData | null>>();
  private cities: Promise<City[]> | null = null;
  /** Bumped on every invalidation, so caches built on top (rendered pages) know to drop. */
  version = 0;

  /** Steps run on every load after the stored data is read (the partner platform's KPI counts). */
  private readonly derivers: ((data: CityData) => Promise<CityData>)[] = [];

  constructor(readonly db: Kysely<Database>) {}

  /** Adds a step that completes a city's data on load (e.g. platform-computed actuals of bound KPIs). */
  addDeriver(derive: (data: CityData) => Promise<CityData>): void {
    this.derivers.push(derive);
  }

  listCities(): Promise<City[]> {
    this.cities ??= listCities(this.db);
    return this.cities;
  }

  /** A city's public data (unpublished years removed), or null for an unknown city. */
  get(cityId: string): Promise<CityData | null> {
    let p = this.publicCache.get(cityId);
    if (!p) {
      p = this.getStaff(cityId).then((s) => (s ? publicView(s) : null));
      this.publicCache.set(cityId, p);
      p.catch(() => this.publicCache.delete(cityId));
    }
    return p;
  }

  /** Everything of a city, unpublished actuals included, with the years withheld: staff pages only. */
  getStaff(cityId: string): Promise<StaffCityData | null> {
    let p = this.staffCache.get(cityId);
    if (!p) {
      p = this.load(cityId);
      this.staffCache.set(cityId, p);
      p.catch(() => this.staffCache.delete(cityId));
    }
    return p;
  }

  /** Forgets what was cached of a city (or of all) after a write. */
  invalidate(cityId?: string): void {
    if (cityId) {
      this.staffCache.delete(cityId);
      this.publicCache.delete(cityId);
    } else {
      this.staffCache.clear();
      this.publicCache.clear();
    }
    this.cities = null;
    this.version++;
  }

  private async load(cityId: string): Promise<StaffCityData | null> {
    let data = await loadCityData(this.db, cityId);
    if (!data) return null;
    for (const derive of this.derivers) data = await derive(data);
    const { unpublishedYears, statusOverrides, yearlyCommentaries } = await loadStaffDecorations(this.db, cityId);
    return {
      data: {
        ...data,
        ...(statusOverrides.length > 0 && { statusOverrides }),
        ...(yearlyCommentaries.length > 0 && { yearlyCommentaries }),
      },
      unpublishedYears,
    };
  }
}
