import { beforeAll, describe, expect, it } from 'vitest';
import { generateCity } from '../../bench/national/generate.ts';
import { goalOfTarget } from '../core/sdg/sdg-framework.ts';
import { CityDataStore } from '../cities/city-data.store.ts';
import { importPlanData, loadSeedCitiesIfEmpty } from '../cities/plan-data-import.service.ts';
import { testDatabases, useTestDatabase } from '../storage/test-databases.ts';
import { createApp } from '../web/app.tsx';
import { cityPeers, goalCitiesPage, PEER_FACTOR, sameKpiPage } from './comparison.service.ts';
import { goalCountsAll } from './national.service.ts';

/**
 * Issue 15.6 at national scale: 200 generated cities (bench/national/generate.ts, cut to three
 * KPIs each so the import stays short; the first declares indicator "NAT-1") beside the seeds,
 * on PGlite and PostgreSQL. The national pages are paged and a prefecture filter returns only
 * that prefecture's cities; every expected size is computed from the generated files.
 */
const N = 200;
const files = Array.from({ length: N }, (_, i) => {
  const { file } = generateCity(i);
  const kpis = file.kpis.slice(0, 3).map((k, j) => (j === 0 ? { ...k, indicator: 'NAT-1' } : k));
  const kept = new Set(kpis.map((k) => k.id));
  const plans = file.plans.map((p) => ({ ...p, nodes: p.nodes.map((g) => ({ ...g, children: g.children.map((c) => ({ ...c, kpis: c.kpis.filter((r) => kept.has(r.kpi)) })) })) }));
  return { ...file, kpis, plans };
});
const SEED_POPULATION: Record<string, number | undefined> = { ichinoseki: 110_000, kanazawa: 463_254, tsukuba: undefined };
const SEED_PREFECTURE: Record<string, string> = { ichinoseki: '岩手県', kanazawa: '石川県', tsukuba: '茨城県' };

for (const database of testDatabases()) {
  describe.skipIf(database.skipReason !== null)(`comparing ${N} cities on ${database.name}`, () => {
    const db = useTestDatabase(database);
    let store: CityDataStore;

    beforeAll(async () => {
      await loadSeedCitiesIfEmpty(db());
      for (const f of files) {
        const r = await importPlanData(db(), f, 'test');
        if (!r.ok) throw new Error(`${f.city.id}: import failed`);
      }
      store = new CityDataStore(db());
      expect(await store.catchUpSummaries()).toBe(N + 3);
    }, 600_000);

    it('pages the cities of a goal and filters them by prefecture', async () => {
      const goal = 11;
      const seedData = await Promise.all(Object.keys(SEED_PREFECTURE).map((id) => store.get(id)));
      const onGoal = (targets: readonly string[]) => targets.some((t) => goalOfTarget(t)?.number === goal);
      const expected = [
        ...files.filter((f) => f.kpis.some((k) => onGoal(Array.isArray(k.sdgTargets) ? k.sdgTargets : [k.sdgTargets]))).map((f) => ({ id: f.city.id, prefecture: f.city.prefecture })),
        ...seedData.filter((d) => d!.kpis.some((k) => onGoal(k.sdgTargets))).map((d) => ({ id: d!.city.id, prefecture: d!.city.prefecture })),
      ];
      expect(expected.length).toBeGreaterThan(10);
      const first = (await goalCitiesPage(db(), String(goal), undefined, 1, 10))!;
      expect(first.cities.total).toBe(expected.length);
      expect(first.cities.items).toHaveLength(10);
      expect(first.cities.pageCount).toBe(Math.ceil(expected.length / 10));
      const last = (await goalCitiesPage(db(), String(goal), undefined, first.cities.pageCount, 10))!;
      expect(last.cities.items).toHaveLength(expected.length - 10 * (first.cities.pageCount - 1));
      // Every city exactly once across the pages.
      const seen: string[] = [];
      for (let p = 1; p <= first.cities.pageCount; p++) seen.push(...(await goalCitiesPage(db(), String(goal), undefined, p, 10))!.cities.items.map((c) => c.city.id));
      expect(seen.sort()).toEqual(expected.map((e) => e.id).sort());
      // Each city's counts add up to its KPIs on the goal.
      const c1 = first.cities.items[0]!;
      const data = (await store.get(c1.city.id))!;
      expect(c1.total).toBe(data.kpis.filter((k) => onGoal(k.sdgTargets)).length);
      // Prefecture filter: only that prefecture's cities, all of them.
      for (const prefecture of ['北海道', '岩手県', '沖縄県']) {
        const page = (await goalCitiesPage(db(), String(goal), prefecture, 1, 200))!;
        expect(page.cities.items.every((c) => c.city.prefecture === prefecture), prefecture).toBe(true);
        expect(page.cities.total, prefecture).toBe(expected.filter((e) => e.prefecture === prefecture).length);
      }
      expect((await goalCitiesPage(db(), String(goal), '存在しない県', 1, 50))!.cities.total).toBe(0);
      // The 17 goals of one prefecture count only its cities.
      const hokkaido = await goalCountsAll(db(), '北海道');
      const cities = files.filter((f) => f.city.prefecture === '北海道');
      const g = hokkaido.find((x) => x.goal.number === goal)!;
      expect(g.cityCount).toBe(cities.filter((f) => f.kpis.some((k) => onGoal(k.sdgTargets as string[]))).length);
    });

    it('finds peers by population within a factor 1.5 either way, nearest first; none without a population', async () => {
      const me = files[0]!.city;
      const all = [...files.map((f) => ({ id: f.city.id, population: f.city.population })), ...Object.entries(SEED_POPULATION).map(([id, population]) => ({ id, population }))];
      const inBand = all.filter((c) => c.id !== me.id && c.population !== undefined && c.population >= Math.ceil(me.population! / PEER_FACTOR) && c.population <= Math.floor(me.population! * PEER_FACTOR));
      const peers = await cityPeers(db(), { id: me.id, population: me.population }, 10);
      expect(peers.total).toBe(inBand.length);
      expect(peers.peers).toHaveLength(Math.min(10, inBand.length));
      const ratio = (p: number) => Math.abs(Math.log(p / me.population!));
      const distances = peers.peers.map((p) => ratio(p.population!));
      expect([...distances].sort((a, b) => a - b)).toEqual(distances);
      expect(Math.max(...distances)).toBeLessThanOrEqual(Math.min(...inBand.filter((c) => !peers.peers.some((p) => p.id === c.id)).map((c) => ratio(c.population!))));
      expect(await cityPeers(db(), { id: 'tsukuba', population: undefined })).toEqual({ population: null, band: null, peers: [], total: 0 });
      expect((await cityPeers(db(), { id: 'x', population: 0 })).total).toBe(0);
    });

    it('lists every city of one KPI definition (indicator NAT-1), paged, by prefecture, over HTTP too', async () => {
      const page1 = (await sameKpiPage(db(), files[0]!.city.id, 'kpi-1', {}, 1, 50))!;
      expect(page1.cityCount).toBe(N);
      expect(page1.kpis.total).toBe(N);
      expect(page1.kpis.items).toHaveLength(50);
      expect(page1.kpis.pageCount).toBe(4);
      expect((await sameKpiPage(db(), files[0]!.city.id, 'kpi-1', {}, 5, 50))!.kpis.items).toHaveLength(0);
      const aomori = (await sameKpiPage(db(), files[0]!.city.id, 'kpi-1', { prefecture: '青森県' }, 1, 50))!;
      expect(aomori.kpis.total).toBe(files.filter((f) => f.city.prefecture === '青森県').length);
      expect(aomori.kpis.items.every((k) => k.city.prefecture === '青森県')).toBe(true);
      // Each index is the latest actual over the baseline, × 100.
      const k = page1.kpis.items[0]!;
      expect(k.latestIndex).toBeCloseTo((100 * k.latest!.value) / k.baseline!.value, 9);

      const app = createApp({ db: db(), store });
      const html = await (await app.request(`/sdgs/11/cities?prefecture=${encodeURIComponent('北海道')}&page_size=5`)).text();
      const rows = [...html.matchAll(/<th scope="row"><a href="\/cities\/([^"]+)">/g)].map((m) => m[1]!);
      expect(rows.length).toBeLessThanOrEqual(5);
      expect(rows.every((id) => files.find((f) => f.city.id === id)?.city.prefecture === '北海道')).toBe(true);
      const same = await (await app.request(`/compare/kpis/${files[0]!.city.id}/kpi-1?page=4`)).text();
      expect(same).toContain('全200件中 151～200件目');
    });
  });
}
