import { expect, it } from 'vitest';
import { CityDataStore } from '../../src/cities/city-data.store.ts';
import { openCityPages } from '../../src/cities/city-pages.service.ts';
import { staleSummaryCityIds } from '../../src/summaries/summary.repository.ts';
import { createApp } from '../../src/web/app.tsx';
import { describeMigratedDatabase, MIGRATED_SEEDS as SEEDS } from '../support/migrated-database.ts';

/*
 * Issue 11, attacked: migration 2026_12_01_1201 (city page summaries) on a database that already
 * holds cities and summaries built before it. Those summaries are marked older than their data,
 * so until they are rebuilt a city's own pages take the full-city path; the rebuild at start
 * (catchUpSummaries) builds them all, and the pages read them afterwards with the same bytes.
 */
describeMigratedDatabase('the city page summaries migration on a database holding cities', '2026_12_01_0710_goal_target_index', (database) => {
  it('marks the old summaries stale, answers from the data until the rebuild, then from the rebuilt summaries with the same bytes', async () => {
    const db = database();
    expect(await staleSummaryCityIds(db)).toEqual([...SEEDS].sort());

    const store = new CityDataStore(db);
    const data = createApp({ db, store, cityPages: 'data' });
    const summaries = createApp({ db, store, cityPages: 'summaries' });
    const paths = (id: string) => [`/cities/${id}`, `/cities/${id}?format=json`, `/cities/${id}/kpis?format=csv`, `/cities/${id}/kpis?status=achieved&lang=en`, `/cities/${id}/progress`, `/api/v1/cities/${id}`, `/api/v1/cities/${id}/kpis`];
    const same = async () => {
      for (const id of SEEDS) {
        for (const path of paths(id)) {
          const [a, b] = [await data.request(path), await summaries.request(path)];
          expect(a.status, path).toBe(200);
          expect(b.status, path).toBe(200);
          expect(await b.text(), path).toBe(await a.text());
        }
      }
    };
    // Before the rebuild: every city's pages come from its data.
    for (const id of SEEDS) expect((await openCityPages(db, new CityDataStore(db), id, 'summaries'))!.from, id).toBe('data');
    await same();
    // The rebuild at start.
    expect(await store.catchUpSummaries()).toBe(3);
    expect(await staleSummaryCityIds(db)).toEqual([]);
    for (const id of SEEDS) expect((await openCityPages(db, new CityDataStore(db), id, 'summaries'))!.from, id).toBe('summaries');
    await same();
  }, 240_000);
});
