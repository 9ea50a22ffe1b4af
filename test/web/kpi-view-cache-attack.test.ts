import { expect, it, vi } from 'vitest';
import { CityDataStore } from '../../src/cities/city-data.store.ts';
import { findKpiBySlug } from '../../src/kpis/kpi.repository.ts';
import { recordObservation } from '../../src/actuals/observation.repository.ts';
import { appendYearPublication } from '../../src/staff/staff-record.repository.ts';
import { createApp } from '../../src/web/app.tsx';
import { describeStaffApp } from '../support/staff-app.ts';

/*
 * Issue 11, attacked: the one-KPI views CityDataStore.getKpi keeps (per city version, bounded)
 * under concurrent first requests, a write landing while a read is in flight, and a flood of
 * made-up ids, on PGlite and PostgreSQL.
 */

type Loader = { loadKpi(cityId: string, kpiId: string): Promise<unknown> };

describeStaffApp('the one-KPI view cache, attacked', [], (t) => {
  it('reads a KPI once for concurrent first requests, and all of them get the same view', async () => {
    const store = new CityDataStore(t().ctx.db);
    const load = vi.spyOn(store as unknown as Loader, 'loadKpi');
    const views = await Promise.all(Array.from({ length: 12 }, () => store.getKpi('ichinoseki', 'new-farmers')));
    expect(load).toHaveBeenCalledTimes(1);
    expect(new Set(views).size).toBe(1);
    expect(views[0]!.kpis.map((k) => k.id)).toEqual(['new-farmers']);
    // Unknown ids are read each time, never kept, never shared with a known KPI.
    const unknown = await Promise.all([store.getKpi('ichinoseki', 'no-such'), store.getKpi('ichinoseki', 'no-such')]);
    expect(unknown.every((d) => d !== null && d.kpis.length === 0)).toBe(true);
    expect(await store.getKpi('ichinoseki', 'new-farmers')).toBe(views[0]);
  });

  it('never keeps a view read before a write under the version after it (a write while a read is in flight)', async () => {
    const { db } = t().ctx;
    const store = new CityDataStore(db);
    const app = createApp({ db, store });
    const kpi = (await findKpiBySlug(db, 'tsukuba', (await t().ctx.store.get('tsukuba'))!.kpis[0]!.id))!;
    await appendYearPublication(db, { city_id: 'tsukuba', year: 2019, published: true, actor: 'test', reason: null });
    store.forget('tsukuba');
    for (const [i, value] of [7771, 7772, 7773].entries()) {
      // A read starts; the write commits and the store hears of it before the read ends.
      const inFlight = store.getKpi('tsukuba', kpi.slug);
      await recordObservation(db, { kpiId: kpi.id, at: { kind: 'fiscal-year', year: 2019 }, value }, { actor: 'test', reason: `write ${i}` });
      store.forget('tsukuba');
      await inFlight;
      const after = (await store.getKpi('tsukuba', kpi.slug))!;
      expect(after.kpis[0]!.observations.find((o) => o.at.kind === 'fiscal-year' && o.at.year === 2019)?.value, `write ${i}`).toBe(value);
      const json = (await (await app.request(`/api/v1/cities/tsukuba/kpis/${kpi.slug}`)).json()) as unknown;
      expect(JSON.stringify(json)).toContain(String(value));
    }
  });

  it('never keeps a view read before everything was forgotten (a lost notification connection) for a city it never wrote', async () => {
    const { db } = t().ctx;
    const store = new CityDataStore(db);
    const id = (await t().ctx.store.get('kanazawa'))!.kpis[0]!.id;
    const kpi = (await findKpiBySlug(db, 'kanazawa', id))!;
    await appendYearPublication(db, { city_id: 'kanazawa', year: 2019, published: true, actor: 'test', reason: null });
    for (const [i, value] of [8881, 8882].entries()) {
      const inFlight = store.getKpi('kanazawa', id);
      await recordObservation(db, { kpiId: kpi.id, at: { kind: 'fiscal-year', year: 2019 }, value }, { actor: 'test', reason: `write ${i}` });
      store.forget();
      await inFlight;
      const after = (await store.getKpi('kanazawa', id))!;
      expect(after.kpis[0]!.observations.find((o) => o.at.kind === 'fiscal-year' && o.at.year === 2019)?.value, `write ${i}`).toBe(value);
    }
    // Nor does the page cache serve a page of such a city kept before.
    const app = createApp({ db, store });
    const path = `/api/v1/cities/kanazawa/kpis/${id}`;
    expect(await (await app.request(path)).text()).toContain('8882');
    await recordObservation(db, { kpiId: kpi.id, at: { kind: 'fiscal-year', year: 2019 }, value: 8883 }, { actor: 'test', reason: 'write 3' });
    store.forget();
    expect(await (await app.request(path)).text()).toContain('8883');
  });
});
