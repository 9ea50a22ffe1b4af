import { beforeAll, describe, expect, it } from 'vitest';
import { CityDataStore } from './city-data.store.ts';
import { loadSeedCitiesIfEmpty } from './plan-data-import.service.ts';
import { approximateCityBytes } from '../core/city/city-size.ts';
import { testDatabases, useTestDatabase } from '../storage/test-databases.ts';

for (const database of testDatabases()) {
  describe.skipIf(database.skipReason !== null)(`the city store's memory bound on ${database.name} (issue 11.1)`, () => {
    const db = useTestDatabase(database);
    beforeAll(async () => {
      await loadSeedCitiesIfEmpty(db());
    });

    it('keeps every city within its byte budget and the most recently used ones when the budget is small', async () => {
      const roomy = new CityDataStore(db());
      const first = await roomy.get('ichinoseki');
      await roomy.get('tsukuba');
      await roomy.get('kanazawa');
      // A roomy store hands out the same object again (held, not read again).
      expect(await roomy.get('ichinoseki')).toBe(first);

      // Room for about one seed city per view: reading the others pushes the first out.
      const sizes = await Promise.all(['ichinoseki', 'tsukuba', 'kanazawa'].map(async (id) => approximateCityBytes((await roomy.getStaff(id))!.data)));
      const tight = new CityDataStore(db(), { cacheBytes: Math.max(...sizes) + 1 });
      const held = await tight.get('ichinoseki');
      expect(await tight.get('ichinoseki')).toBe(held);
      await tight.get('tsukuba');
      await tight.get('kanazawa');
      const again = await tight.get('ichinoseki');
      expect(again).not.toBe(held);
      // Read again, the same figures.
      expect(again).toEqual(held);
    });

    it('counts each city at its loaded size, not at what it counted while loading', async () => {
      const sizes = new Map<string, number>();
      const roomy = new CityDataStore(db());
      for (const id of ['ichinoseki', 'tsukuba', 'kanazawa']) sizes.set(id, approximateCityBytes((await roomy.getStaff(id))!.data));
      const total = [...sizes.values()].reduce((a, b) => a + b, 0);
      expect(roomy.heldBytes().staff).toBe(total);
      // A budget for all but the smallest: the least recently used city leaves, and what is held fits.
      const budget = total - Math.min(...sizes.values()) + 1;
      const tight = new CityDataStore(db(), { cacheBytes: budget });
      for (const id of ['ichinoseki', 'tsukuba', 'kanazawa']) await tight.get(id);
      const held = tight.heldBytes();
      expect(held.staff).toBeLessThanOrEqual(budget);
      expect(held.public).toBeLessThanOrEqual(budget);
      expect(held.staff).toBeLessThan(total);
    });

    it('estimates a city by its rows: more actuals, more bytes', async () => {
      const store = new CityDataStore(db());
      const data = (await store.getStaff('ichinoseki'))!.data;
      const bytes = approximateCityBytes(data);
      expect(bytes).toBeGreaterThan(10_000);
      const kpi = data.kpis[0]!;
      const more = { ...data, kpis: [{ ...kpi, observations: [...kpi.observations, ...kpi.observations] }, ...data.kpis.slice(1)] };
      expect(approximateCityBytes(more)).toBeGreaterThan(bytes);
    });
  });
}
