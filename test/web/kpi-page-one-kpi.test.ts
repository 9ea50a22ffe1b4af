import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateCity } from '../../bench/national/generate.ts';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { CityDataStore } from '../../src/cities/city-data.store.ts';
import { importPlanData } from '../../src/cities/plan-data-import.service.ts';
import { fixedClock } from '../../src/core/time/clock.ts';
import { formatTimePointIso } from '../../src/core/time/time-point.ts';
import { findKpiBySlug } from '../../src/kpis/kpi.repository.ts';
import { setKpiArchived } from '../../src/kpis/kpi.commands.ts';
import { recordObservation } from '../../src/actuals/observation.repository.ts';
import { attachPartnerPlatform } from '../../src/partners/partner-platform.ts';
import { setNodeArchived } from '../../src/plans/plan.commands.ts';
import { listAllNodes, lockPlanBySlug } from '../../src/plans/plan-building.repository.ts';
import { appendReviewEntries } from '../../src/review/review.repository.ts';
import { actualKey } from '../../src/review/review.ts';
import { appendYearPublication } from '../../src/staff/staff-record.repository.ts';
import { testDatabases } from '../../src/storage/test-databases.ts';
import { bumpCityRevision, citiesWithFreshSummaries } from '../../src/summaries/summary.repository.ts';
import { createApp } from '../../src/web/app.tsx';
import { startPostgresServer, type PostgresServer } from '../support/postgres-server.ts';
import { countingStatements } from '../support/statement-count.ts';
import { setUpPublicNotes, NOTES_CITY, OVERRIDDEN_KPI } from './public-notes-fixture.ts';

/*
 * Issue 11: a KPI's pages (HTML in both languages, CSV, JSON, chart SVG and PNG, the embeddable
 * page and the API) of a city not held by the store are answered from a read of that KPI alone
 * (`CityDataStore.getKpi`). Every KPI of the seed cities and of a generated city
 * (bench/national/generate.ts) is served by both paths and the bytes compared, on PGlite and
 * PostgreSQL, with what changes what the public sees: published and held years, review states of
 * actuals (submitted, returned, an approved value with a correction waiting), status overrides,
 * yearly commentaries and plan evaluations of both kinds of year (public-notes-fixture.ts),
 * partner-platform-bound KPIs (the seeds' programmes), a KPI hidden by an archived node, an
 * archived KPI, an unknown id and another city's KPI (404 both ways).
 */

const GENERATED = generateCity(0);
const CLOCK = fixedClock('2026-12-01T03:00:00Z');
const SEED_CITIES = ['ichinoseki', 'kanazawa', 'tsukuba'];

/** The paths of one KPI's pages and API. */
function kpiPaths(cityId: string, kpiId: string, png: boolean): string[] {
  const base = `/cities/${cityId}/kpis/${kpiId}`;
  return [
    base,
    `${base}?lang=en`,
    `${base}?format=csv`,
    `${base}?format=json`,
    `${base}/chart.svg`,
    `${base}/chart.svg?lang=en`,
    ...(png ? [`${base}/chart.png`] : []),
    `${base}/embed`,
    `${base}/embed?lang=en`,
    `/api/v1${base}`,
  ];
}

async function bytesOf(app: { request: (p: string) => Response | Promise<Response> }, path: string): Promise<{ status: number; type: string | null; body: string }> {
  const res = await app.request(path);
  return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()).toString('base64') };
}

for (const database of testDatabases()) {
  describe.skipIf(database.skipReason !== null)(`a KPI's pages read for that KPI alone, on ${database.name}`, () => {
    let server: PostgresServer | null = null;
    let ctx: AppContext;
    /** Holds every city it is asked for: today's path. */
    let full: ReturnType<typeof createApp>;
    /** Never asked for a whole city: the one-KPI path. */
    let oneStore: CityDataStore;
    let one: ReturnType<typeof createApp>;
    let hiddenKpi: string;
    let reviewedKpi: string;

    beforeAll(async () => {
      if (database.name === 'postgres') server = await startPostgresServer();
      ctx = await openAppContext({ dataDir: '', databaseUrl: server?.url, seed: true, inMemory: server === null }, { announce: () => {}, clock: CLOCK, purpose: 'init' });
      await setUpPublicNotes(ctx);
      const db = ctx.db;
      const imported = await importPlanData(db, GENERATED.file, 'test');
      expect(imported.ok).toBe(true);
      const cityId = GENERATED.id;
      // A held year with data (2024) and one without (2026).
      await appendYearPublication(db, { city_id: cityId, year: 2024, published: false, actor: 'test', reason: null });
      await appendYearPublication(db, { city_id: cityId, year: 2026, published: false, actor: 'test', reason: null });
      // A policy node archived: its KPIs leave the public pages.
      const plan = (await lockPlanBySlug(db, cityId, GENERATED.planId))!;
      const policy = (await listAllNodes(db, plan.id)).find((n) => n.parent_id !== null)!;
      const archived = await setNodeArchived(db, ctx.store, { cityId, actor: 'test', planId: GENERATED.planId, nodeId: policy.slug, version: policy.version, archived: true });
      expect(archived.ok).toBe(true);
      const rows = await db.selectFrom('plan_kpi_rows').innerJoin('kpis', 'kpis.id', 'plan_kpi_rows.kpi_id').select('kpis.slug').where('plan_kpi_rows.node_id', '=', policy.id).execute();
      hiddenKpi = rows[0]!.slug;
      // An archived KPI.
      const last = GENERATED.kpiIds.at(-1)!;
      expect((await setKpiArchived(db, ctx.store, { cityId, actor: 'test', kpiId: last, version: (await findKpiBySlug(db, cityId, last))!.version, archived: true })).ok).toBe(true);
      // Review states of actuals, on a generated KPI and a seed one.
      const seedData = (await ctx.store.getStaff(NOTES_CITY))!.data;
      const seedKpi = seedData.kpis.find((k) => k.observations.length >= 3 && k.id !== OVERRIDDEN_KPI)!;
      reviewedKpi = GENERATED.kpiIds.find((id) => id !== last && !rows.some((r) => r.slug === id))!;
      const generatedData = (await ctx.store.getStaff(cityId))!.data;
      for (const [city, kpi] of [[cityId, generatedData.kpis.find((k) => k.id === reviewedKpi)!], [NOTES_CITY, seedKpi]] as const) {
        const [a, b, c] = kpi.observations.filter((o) => !o.documented).slice(-3);
        const entry = (at: typeof a, state: 'submitted' | 'approved' | 'returned', value: number) => ({
          cityId: city, entity: 'actual' as const, key: actualKey(kpi.id, formatTimePointIso(at!.at)), year: 2023, state, content: { value, decimals: null, note: null, source: null }, reason: state === 'returned' ? '確認してください' : null, actor: 'test',
        });
        await appendReviewEntries(db, [entry(a, 'submitted', a!.value), entry(b, 'approved', b!.value + 1), entry(b, 'submitted', b!.value), entry(c, 'returned', c!.value)]);
      }
      // Written past the commands: signalled as a command would (the store forgets what it read
      // before, the revisions move and the summaries are rebuilt), so the one-KPI path reads the
      // city's unpublished years from fresh summaries (a test below makes them stale).
      for (const id of [cityId, ...SEED_CITIES]) ctx.store.invalidate(id);
      await ctx.store.settled();

      full = createApp({ db, store: ctx.store, clock: CLOCK });
      oneStore = new CityDataStore(db);
      await attachPartnerPlatform(db, oneStore, false, CLOCK);
      one = createApp({ db, store: oneStore, clock: CLOCK });
    }, 600_000);
    afterAll(async () => {
      await ctx?.close();
      await server?.stop();
    });

    /**
     * Every KPI of the city (hidden and archived ones included), an unknown id and another city's
     * KPI, compared path by path; the city's summaries are as new as its data (the one-KPI path
     * reads its unpublished years there) unless `stale`.
     */
    async function compareCity(cityId: string, png: boolean, stale = false): Promise<number> {
      expect((await citiesWithFreshSummaries(ctx.db, [cityId])).has(cityId)).toBe(!stale);
      const staff = (await ctx.store.getStaff(cityId))!;
      await ctx.store.get(cityId);
      const ids = [...staff.data.kpis.map((k) => k.id), 'no-such-kpi', cityId === NOTES_CITY ? 'kpi-1' : OVERRIDDEN_KPI];
      const whole = vi.spyOn(oneStore, 'get');
      let compared = 0;
      for (const id of ids) {
        for (const path of kpiPaths(cityId, id, png)) {
          const [a, b] = [await bytesOf(full, path), await bytesOf(one, path)];
          expect(b.status, path).toBe(a.status);
          expect(b.type, path).toBe(a.type);
          if (b.body !== a.body) expect(Buffer.from(b.body, 'base64').toString('utf8'), path).toBe(Buffer.from(a.body, 'base64').toString('utf8'));
          compared++;
        }
      }
      // The one-KPI path never loaded the whole city.
      expect(whole).not.toHaveBeenCalled();
      whole.mockRestore();
      return compared;
    }

    for (const cityId of SEED_CITIES) {
      it(`serves every KPI of ${cityId} with the same bytes either way`, async () => {
        expect(await compareCity(cityId, true)).toBeGreaterThan(50);
      }, 300_000);
    }

    it('serves every KPI of a generated city with the same bytes either way (held years, reviews, an archived node and KPI)', async () => {
      const cityId = GENERATED.id;
      // The states set up are visible: a held year, a hidden and an archived KPI answer 404.
      const data = (await ctx.store.get(cityId))!;
      expect(data.unpublishedYears).toEqual([2024, 2026]);
      expect(data.kpis.some((k) => k.id === hiddenKpi)).toBe(false);
      expect((await one.request(`/cities/${cityId}/kpis/${hiddenKpi}`)).status).toBe(404);
      expect((await one.request(`/cities/${cityId}/kpis/${GENERATED.kpiIds.at(-1)}`)).status).toBe(404);
      expect((await one.request(`/cities/${cityId}/kpis/${reviewedKpi}`)).status).toBe(200);
      expect(await compareCity(cityId, false)).toBeGreaterThan(400);
    }, 300_000);

    it('serves every KPI with the same bytes while a write has not reached the summaries (the years read from the data)', async () => {
      const cityId = GENERATED.id;
      // Another process's write: its revision is bumped at once, its summaries rebuilt later.
      await appendYearPublication(ctx.db, { city_id: cityId, year: 2023, published: false, actor: 'test', reason: null });
      await bumpCityRevision(ctx.db, cityId);
      ctx.store.forget(cityId);
      oneStore.forget(cityId);
      try {
        expect((await ctx.store.get(cityId))!.unpublishedYears).toEqual([2023, 2024, 2026]);
        expect(await compareCity(cityId, false, true)).toBeGreaterThan(400);
      } finally {
        await appendYearPublication(ctx.db, { city_id: cityId, year: 2023, published: true, actor: 'test', reason: null });
        ctx.store.invalidate(cityId);
        await ctx.store.settled();
        oneStore.forget(cityId);
      }
    }, 300_000);

    it('answers a made-up KPI id of a real city with a 404 after one statement', async () => {
      const counter = countingStatements(ctx.db);
      const counted = counter.db;
      // As the app runs: the partner platform's deriver (which reads the city's bound KPIs) attached.
      const store = new CityDataStore(counted);
      await attachPartnerPlatform(counted, store, false, CLOCK);
      const app = createApp({ db: ctx.db, store, clock: CLOCK });
      const cityId = GENERATED.id;
      // The city's first KPI page also reads which KPIs the platform feeds there (none), kept per city version.
      counter.reset();
      expect((await store.getKpi(cityId, reviewedKpi))!.kpis).toHaveLength(1);
      expect(counter.count()).toBe(2);
      for (const path of [`/cities/${cityId}/kpis/kpi-99999`, `/api/v1/cities/${cityId}/kpis/kpi-99999`]) {
        counter.reset();
        expect((await app.request(path)).status).toBe(404);
        expect(counter.count()).toBe(1);
      }
      // Another KPI of the city: one statement (its city's summaries are fresh).
      const other = (await ctx.store.get(cityId))!.kpis.find((k) => k.id !== reviewedKpi)!.id;
      counter.reset();
      expect((await store.getKpi(cityId, other))!.kpis).toHaveLength(1);
      expect(counter.count()).toBe(1);
      // A write bumps the city's version: the bound KPIs are read again with the next page.
      store.forget(cityId);
      counter.reset();
      await store.getKpi(cityId, other);
      expect(counter.count()).toBe(2);
    });

    it('answers an unknown city with a 404 page and a problem', async () => {
      for (const path of kpiPaths('no-such-city', 'kpi-1', true)) {
        const [a, b] = [await bytesOf(full, path), await bytesOf(one, path)];
        expect(b, path).toEqual(a);
        expect(b.status, path).toBe(404);
      }
    });

    it('keeps a KPI view per city version: a second request reads nothing, a write is shown at once', async () => {
      const cityId = GENERATED.id;
      const store = new CityDataStore(ctx.db);
      const first = await store.getKpi(cityId, reviewedKpi);
      expect(await store.getKpi(cityId, reviewedKpi)).toBe(first);
      const kpi = (await findKpiBySlug(ctx.db, cityId, reviewedKpi))!;
      // A new actual in a published year, written as another process would: this store hears of it (forget).
      await recordObservation(ctx.db, { kpiId: kpi.id, at: { kind: 'fiscal-year', year: 2025 }, value: 4242 }, { actor: 'test', reason: null });
      // As that process does: its revision bumped (the summaries are older than the data from then on), then told.
      await bumpCityRevision(ctx.db, cityId);
      store.forget(cityId);
      await appendYearPublication(ctx.db, { city_id: cityId, year: 2025, published: true, actor: 'test', reason: null });
      await bumpCityRevision(ctx.db, cityId);
      store.forget(cityId);
      const after = (await store.getKpi(cityId, reviewedKpi))!;
      expect(after).not.toBe(first);
      expect(after.kpis[0]!.observations.some((o) => o.value === 4242)).toBe(true);
      // The page shows it, and the same bytes as the whole city's (the fragment is keyed by the new view).
      ctx.store.forget(cityId);
      const app = createApp({ db: ctx.db, store, clock: CLOCK });
      const page = await app.request(`/cities/${cityId}/kpis/${reviewedKpi}`);
      const text = await page.text();
      expect(text).toContain('4,242');
      await ctx.store.get(cityId);
      expect(text).toBe(await (await createApp({ db: ctx.db, store: ctx.store, clock: CLOCK }).request(`/cities/${cityId}/kpis/${reviewedKpi}`)).text());
      // Forgetting everything forgets the views too.
      const again = await store.getKpi(cityId, reviewedKpi);
      store.forget();
      expect(await store.getKpi(cityId, reviewedKpi)).not.toBe(again);
    });
  });
}
