import type { Kysely } from 'kysely';
import type { CityDataStore } from '../cities/city-data.store.ts';
import type { Database, Executor } from '../storage/database.ts';
import { platformFedKpis, withPlatformObservations } from './partner-kpi.service.ts';
import { citiesWithKpiBindings } from './activity.repository.ts';
import { loadPartnerSeedsIfEmpty, loadPublishedFiguresIfMissing } from './partner-seed.service.ts';
import { listProgrammes, reindexPartnerSearch, sendRenewalReminders } from './partner.service.ts';
import { systemClock, type Clock } from '../core/time/clock.ts';

/**
 * Wires the partner platform into the app at start: loads the programme seeds on a seeded
 * database, and makes the city store feed bound KPIs from platform counts (one call in
 * app-context.ts). The staff area's hourly job calls {@link runPartnerHourly}.
 */

/** The day each city's bound KPIs were last counted for, per store: a new day recounts them. */
const countedOn = new WeakMap<CityDataStore, Map<string, string>>();
/** The day of each store's last hourly run. */
const lastRunOn = new WeakMap<CityDataStore, string>();

/** `clock` gives the Tokyo date bound KPIs are counted on (injected in tests). */
export async function attachPartnerPlatform(db: Kysely<Database>, store: CityDataStore, seed: boolean, clock: Clock = systemClock): Promise<void> {
  if (seed) {
    await loadPartnerSeedsIfEmpty(db);
    await loadPublishedFiguresIfMissing(db);
  }
  // Search documents written before the Japanese analyser get their readings (issue 15.5).
  await reindexPartnerSearch(db);
  const days = new Map<string, string>();
  countedOn.set(store, days);
  store.addDeriver({
    derive: (data) => {
      const today = clock.todayInTokyo();
      days.set(data.city.id, today);
      return withPlatformObservations(db, data, today);
    },
    // Only bound KPIs get platform counts.
    kpisOf: async (cityId) => [...(await platformFedKpis(db, cityId)).keys()],
  });
}

/**
 * Recounts every city with bound KPIs at the start of a serving process, before it serves or
 * listens to other processes, and waits for their summaries: they may have been counted on an
 * earlier day by any process. It was the first hourly run's job, ten seconds after the start,
 * which then dropped those cities in the middle of the first requests (tests saw a PDF printed
 * twice for one data version and a city read again between a form's check and its write).
 * The hourly runs of the same day then have nothing to recount.
 */
export async function recountBoundCities(db: Executor, store: CityDataStore, today: string): Promise<void> {
  for (const cityId of await citiesWithKpiBindings(db)) store.invalidate(cityId);
  lastRunOn.set(store, today);
  await store.settled();
}

/**
 * The partner platform's part of the hourly staff job: queues the renewal reminders due (once
 * per registration period, before the outbox is delivered), and drops a city's cached data when
 * its bound KPIs were counted on an earlier day (registrations run out at midnight without a
 * write to invalidate the cache). On the first run of a day (or of a process that did not
 * {@link recountBoundCities} at its start), every city with bound KPIs is recounted, held here or not: its summaries (which the city's own pages
 * and the cross-city pages read) may have been counted on an earlier day by any process.
 * Returns how many reminders were queued.
 */
export async function runPartnerHourly(db: Executor, store: CityDataStore, today = systemClock.todayInTokyo()): Promise<number> {
  let queued = 0;
  for (const programme of await listProgrammes(db)) queued += await sendRenewalReminders(db, programme, today);
  const recount = new Set<string>();
  for (const [cityId, day] of countedOn.get(store) ?? []) if (day !== today) recount.add(cityId);
  if (lastRunOn.get(store) !== today) for (const cityId of await citiesWithKpiBindings(db)) recount.add(cityId);
  lastRunOn.set(store, today);
  for (const cityId of recount) store.invalidate(cityId);
  return queued;
}
