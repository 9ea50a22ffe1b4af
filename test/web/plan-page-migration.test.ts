import { expect, it } from 'vitest';
import { CityDataStore } from '../../src/cities/city-data.store.ts';
import { openPlanPage } from '../../src/plans/plan-page.service.ts';
import { staleSummaryCityIds } from '../../src/summaries/summary.repository.ts';
import { createApp } from '../../src/web/app.tsx';
import { describeMigratedDatabase, MIGRATED_SEEDS as SEEDS } from '../support/migrated-database.ts';

/*
 * Issue 11, attacked: migration 2026_12_02_1401 (plan page summaries) on a database that already
 * holds cities and summaries built before it, without plan pages. Those summaries are marked
 * older than their data, so until they are rebuilt the plan pages take the full-city path (never
 * a 404 for want of a row); the rebuild at start (catchUpSummaries) writes every plan's page, and
 * the plan pages read them afterwards with the same bytes.
 */
describeMigratedDatabase('the plan page summaries migration on a database holding cities', '2026_12_01_1301_compare_summaries', (database) => {
  it('marks the old summaries stale, answers every plan page from the data until the rebuild, then from the rebuilt summaries with the same bytes', async () => {
    const db = database();
    expect(await staleSummaryCityIds(db)).toEqual([...SEEDS].sort());

    const store = new CityDataStore(db);
    const plans = new Map<string, string[]>();
    for (const id of SEEDS) plans.set(id, (await store.get(id))!.plans.map((p) => p.id));
    const data = createApp({ db, store, cityPages: 'data' });
    const summaries = createApp({ db, store, cityPages: 'summaries' });
    const paths = (id: string, plan: string) => [`/cities/${id}/plans/${plan}`, `/cities/${id}/plans/${plan}?lang=en&status=on-track`, `/cities/${id}/plans/${plan}?format=csv`, `/cities/${id}/plans/${plan}?format=json&goal=11`];
    const same = async () => {
      for (const id of SEEDS) {
        for (const plan of plans.get(id)!) {
          for (const path of paths(id, plan)) {
            const [a, b] = [await data.request(path), await summaries.request(path)];
            expect(a.status, path).toBe(200);
            expect(b.status, path).toBe(200);
            expect(await b.text(), path).toBe(await a.text());
          }
        }
      }
    };
    const from = async (mode: 'data' | 'summaries') => {
      for (const id of SEEDS) for (const plan of plans.get(id)!) expect((await openPlanPage(db, new CityDataStore(db), id, plan))!.from, `${id} ${plan}`).toBe(mode);
    };
    // Before the rebuild: every plan page comes from its city's data.
    await from('data');
    await same();
    // The rebuild at start.
    expect(await store.catchUpSummaries()).toBe(3);
    expect(await staleSummaryCityIds(db)).toEqual([]);
    await from('summaries');
    await same();
  }, 240_000);
});
