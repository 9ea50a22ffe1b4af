import { sql } from 'kysely';
import { expect, it, vi } from 'vitest';
import { CityDataStore } from '../../src/cities/city-data.store.ts';
import { openCityPages } from '../../src/cities/city-pages.service.ts';
import { KPI_STATUSES } from '../../src/core/kpi/status.ts';
import { runPartnerHourly } from '../../src/partners/partner-platform.ts';
import { createApp } from '../../src/web/app.tsx';
import { cityKpiJsonOf, cityKpisJsonBytes } from '../../src/web/routes/public-json.ts';
import { largeCity } from '../fixtures/large-city.ts';
import { describeStaffApp, type StaffTestApp } from '../support/staff-app.ts';
import { answer, expectSameAnswers, setUpPublicStates } from './public-states-fixture.ts';
import { StaffClient } from './staff-helpers.ts';
import { countingStatements } from '../support/statement-counter.ts';

/*
 * Issue 11 (national scale): a city's own pages — /cities/:city (HTML, CSV, JSON), its KPI list
 * /cities/:city/kpis (every filter, pages, CSV, JSON), /cities/:city/progress and
 * /api/v1/cities/:city[/kpis] — read from the city's summaries when they are fresh give the same
 * bytes as the full-city path, for the seed cities and a generated city of 272 KPIs, in Japanese
 * and English, in the states that change what the public sees (unpublished and held years,
 * review states, status overrides, an archived node hiding KPIs, the partner-platform-bound
 * KPIs of the seeds), and unknown cities and other cities' filter values alike. After a staff
 * write the page shows it at once (the summaries are stale: the full-city path answers), and
 * once rebuilt the summaries answer with it. On PGlite and PostgreSQL.
 */

const big = largeCity();
const SEEDS = ['ichinoseki', 'tsukuba', 'kanazawa'];

/** Every address of a city's own pages the comparison requests, with the filters the city offers. */
async function addresses(t: StaffTestApp, cityId: string): Promise<string[]> {
  const pages = (await openCityPages(t.ctx.db, t.ctx.store, cityId, 'data'))!;
  const { overview, choices } = pages;
  const list = `/cities/${cityId}/kpis`;
  const filters = [
    '',
    'page=2',
    'page=6',
    'page=99',
    ...KPI_STATUSES.map((s) => `status=${s}`),
    ...choices.goals.map((g) => `goal=${g.id}`),
    ...overview.nodes.map((n) => `node=${encodeURIComponent(n)}`),
    ...choices.departments.map((d) => `department=${encodeURIComponent(d)}`),
    ...(choices.hasKpisWithoutDepartment ? ['department=-'] : []),
    `q=${encodeURIComponent('数')}`,
    `q=${encodeURIComponent('ＣＯ２')}`,
    'q=energy',
    `status=no-data&goal=${choices.goals[2]!.id}`,
    ...(overview.nodes[0] ? [`node=${encodeURIComponent(overview.nodes[0])}&status=on-track&page=1`] : []),
    // Values this city does not have: 400 naming the parameter, on both paths.
    'node=nowhere/none',
    `department=${encodeURIComponent('存在しない課')}`,
  ];
  const withFormats = filters.flatMap((f) => (f.startsWith('page=') ? [f] : [f, `${f}${f ? '&' : ''}format=csv`, `${f}${f ? '&' : ''}format=json`]));
  const lists = withFormats.map((f) => (f ? `${list}?${f}` : list));
  // The API's list is paged as every list of the API (default 50, at most 200; junk falls back to the defaults; past the last page an empty list).
  const api = ['', '?page=2', '?page_size=200', '?page=2&page_size=7', '?page=99', '?page=abc&page_size=0', '?page_size=201'].map((q) => `/api/v1/cities/${cityId}/kpis${q}`);
  const own = [`/cities/${cityId}`, `/cities/${cityId}?format=csv`, `/cities/${cityId}?format=json`, `/cities/${cityId}/progress`, `/api/v1/cities/${cityId}`, ...api, ...lists];
  return own.flatMap((p) => (p.startsWith('/api/') ? [p] : [p, `${p}${p.includes('?') ? '&' : '?'}lang=en`]));
}

/** The two apps compared: the full-city path, and the summaries whenever they are fresh. */
function apps(t: StaffTestApp) {
  return {
    data: createApp({ db: t.ctx.db, store: t.ctx.store, cityPages: 'data' }),
    summaries: createApp({ db: t.ctx.db, store: t.ctx.store, cityPages: 'summaries' }),
  };
}

/** The summaries app on a store of its own whose statements are counted, and the full-city app to compare with. */
function countedApps(t: StaffTestApp) {
  const counter = countingStatements(t.ctx.db);
  return {
    counter,
    app: createApp({ db: counter.db, store: new CityDataStore(counter.db), cityPages: 'summaries' }),
    data: createApp({ db: t.ctx.db, store: t.ctx.store, cityPages: 'data' }),
  };
}

/** Compares every address of the cities on both paths; returns how many answers were compared. */
async function compare(t: StaffTestApp, cityIds: readonly string[]): Promise<number> {
  const { data, summaries } = apps(t);
  let n = 0;
  for (const cityId of cityIds) {
    // The summaries are fresh: the summaries app reads them (not the loaded city).
    expect((await openCityPages(t.ctx.db, t.ctx.store, cityId, 'summaries'))?.from, cityId).toBe('summaries');
    n += await expectSameAnswers(data, summaries, await addresses(t, cityId));
  }
  return n;
}

describeStaffApp(
  "a city's own pages from its summaries",
  [],
  (t) => {
    it('serve the same bytes as the full-city path for the seed cities (notes, years, review states, platform-bound KPIs)', async () => {
      expect(await compare(t(), SEEDS)).toBeGreaterThan(300);
    }, 240_000);

    it('serve the same bytes for a generated city of 272 KPIs with an archived policy, every filter and page', async () => {
      const pages = (await openCityPages(t().ctx.db, t().ctx.store, big.id, 'summaries'))!;
      // The archived policy hid some KPIs: the list counts fewer than the file holds.
      expect(pages.overview.kpiCount).toBeLessThan(big.kpiIds.length);
      expect(pages.overview.kpiCount).toBeGreaterThan(200);
      expect(await compare(t(), [big.id])).toBeGreaterThan(200);
    }, 240_000);

    it('splice each page of the API list from each KPI’s JSON text exactly as JSON.stringify writes the objects, every KPI on one page', async () => {
      for (const cityId of [...SEEDS, big.id]) {
        for (const mode of ['data', 'summaries'] as const) {
          const pages = (await openCityPages(t().ctx.db, t().ctx.store, cityId, mode))!;
          const years = pages.overview.unpublishedYears ?? [];
          const all = (await pages.kpiJsons({})).map((k) => cityKpiJsonOf(cityId, k));
          for (const pageSize of [7, 50, 200]) {
            const pageCount = Math.max(1, Math.ceil(all.length / pageSize));
            const seen: unknown[] = [];
            for (let page = 1; page <= pageCount + 1; page++) {
              const { items, total } = await pages.kpiJsonTexts({}, { offset: (page - 1) * pageSize, limit: pageSize });
              expect(total).toBe(all.length);
              const kpis = all.slice((page - 1) * pageSize, page * pageSize);
              const objects = { city: cityId, unpublished_years: years, page, page_size: pageSize, total, page_count: pageCount, kpis };
              const bytes = cityKpisJsonBytes(cityId, years, { items, page, pageSize, total, pageCount });
              expect(Buffer.from(bytes).toString('utf8'), `${cityId} ${mode} ${pageSize} ${page}`).toBe(JSON.stringify(objects));
              seen.push(...(JSON.parse(Buffer.from(bytes).toString('utf8')) as { kpis: unknown[] }).kpis);
            }
            expect(seen).toEqual(all);
          }
        }
      }
    });

    it('read the city page from the summaries in one statement (overview, headline cards and first list page), its download as before', async () => {
      const { ctx } = t();
      const { counter, app, data } = countedApps(t());
      for (const cityId of [...SEEDS, big.id]) {
        for (const path of [`/cities/${cityId}`, `/cities/${cityId}?lang=en`]) {
          counter.reset();
          const [a, b] = [await answer(data, path), await answer(app, path)];
          expect(counter.count(), path).toBe(1);
          expect(b, path).toEqual(a);
          expect(b.status, path).toBe(200);
        }
        // A download reads the overview, then its rows.
        const csv = `/cities/${cityId}?format=csv`;
        counter.reset();
        expect(await answer(app, csv), csv).toEqual(await answer(data, csv));
        expect(counter.count(), csv).toBe(2);
      }
      counter.reset();
      expect((await app.request('/cities/no-such-city')).status).toBe(404);
      // The one statement finds no fresh summaries; the full-city path then finds no city.
      expect(counter.count()).toBeGreaterThanOrEqual(1);
    });

    it('read a page of the API’s list of a city’s KPIs from the summaries in one statement, the same bytes as the full-city path, every page and size', async () => {
      const { ctx } = t();
      const { counter, app, data } = countedApps(t());
      for (const cityId of [...SEEDS, big.id]) {
        for (const q of ['', '?page=2', '?page=4', '?page_size=200', '?page=2&page_size=7', '?page=99', '?page=1000000&page_size=200']) {
          const path = `/api/v1/cities/${cityId}/kpis${q}`;
          counter.reset();
          const b = await answer(app, path);
          expect(counter.count(), path).toBe(1);
          expect(b, path).toEqual(await answer(data, path));
          expect(b.status, path).toBe(200);
        }
      }
      // An unknown city: the statement finds no fresh summaries, the full-city path no city.
      const [a, b] = [await answer(data, '/api/v1/cities/no-such-city/kpis'), await answer(app, '/api/v1/cities/no-such-city/kpis')];
      expect(a.status).toBe(404);
      expect(b).toEqual(a);
    });

    it('answer the API’s list of a city’s KPIs from its data while another process’s write is not summarised, then from the summaries again', async () => {
      const { ctx } = t();
      const { counter, app, data } = countedApps(t());
      const path = '/api/v1/cities/tsukuba/kpis?page=2&page_size=20';
      await sql`update city_revisions set revision = revision + 1 where city_id = 'tsukuba'`.execute(ctx.db);
      counter.reset();
      expect(await answer(app, path)).toEqual(await answer(data, path));
      // The summaries' statement, then the city's load.
      expect(counter.count()).toBeGreaterThan(1);
      expect(await ctx.store.catchUpSummaries()).toBeGreaterThanOrEqual(1);
      const fresh = createApp({ db: counter.db, store: new CityDataStore(counter.db), cityPages: 'summaries' });
      counter.reset();
      expect(await answer(fresh, path)).toEqual(await answer(data, path));
      expect(counter.count()).toBe(1);
    });

    it('answer 404 for an unknown city and another city’s KPI list filters with 400, on both paths', async () => {
      const { data, summaries } = apps(t());
      for (const path of ['/cities/no-such-city', '/cities/no-such-city/kpis', '/cities/no-such-city/progress', '/cities/no-such-city?format=json', '/api/v1/cities/no-such-city', '/api/v1/cities/no-such-city/kpis']) {
        const [a, b] = [await answer(data, path), await answer(summaries, path)];
        expect(a.status, path).toBe(404);
        expect(b, path).toEqual(a);
      }
      const other = (await openCityPages(t().ctx.db, t().ctx.store, 'tsukuba', 'data'))!.overview.nodes[0]!;
      const path = `/cities/ichinoseki/kpis?node=${encodeURIComponent(other)}`;
      const [a, b] = [await answer(data, path), await answer(summaries, path)];
      expect(a.status).toBe(400);
      expect(b).toEqual(a);
    });

    it('show a staff write at once (the summaries are stale until rebuilt, the full-city path answers), then from the rebuilt summaries', async () => {
      const { ctx } = t();
      const { summaries } = apps(t());
      const staff = new StaffClient(createApp({ db: ctx.db, store: ctx.store, staff: ctx.staff }));
      expect((await staff.login('cp-sec')).status).toBe(303);
      const base = '/staff/cities/ichinoseki/kpis/women-on-councils';
      await staff.get(base);
      const justification = '書き込み直後の表示を確かめるための理由。';
      const r = await staff.submit(base, `${base}/override`, { status: 'achieved', justification });
      expect(r.status, r.text.slice(0, 300)).toBe(303);
      // Right after the response: the rebuild has not run yet (it waits for this turn to end).
      expect(ctx.store.summariesPending('ichinoseki')).toBe(true);
      expect((await openCityPages(ctx.db, ctx.store, 'ichinoseki', 'summaries'))!.from).toBe('data');
      for (const path of ['/cities/ichinoseki', '/cities/ichinoseki/kpis?status=behind', '/api/v1/cities/ichinoseki/kpis']) {
        const text = await (await summaries.request(path)).text();
        expect(text, path).toContain(justification);
      }
      await ctx.store.settled();
      expect(ctx.store.summariesPending('ichinoseki')).toBe(false);
      expect((await openCityPages(ctx.db, ctx.store, 'ichinoseki', 'summaries'))!.from).toBe('summaries');
      expect(await (await summaries.request('/cities/ichinoseki/kpis?status=behind')).text()).toContain(justification);
      expect(await compare(t(), ['ichinoseki'])).toBeGreaterThan(100);
    }, 240_000);

    it('fall back to the full-city path while another process’s write is not summarised (summarized_revision < revision)', async () => {
      const { ctx } = t();
      // What another process's write leaves until its rebuild lands: the revision moved on.
      await sql`update city_revisions set revision = revision + 1 where city_id = 'kanazawa'`.execute(ctx.db);
      expect((await openCityPages(ctx.db, ctx.store, 'kanazawa', 'summaries'))!.from).toBe('data');
      expect(await ctx.store.catchUpSummaries()).toBeGreaterThanOrEqual(1);
      expect((await openCityPages(ctx.db, ctx.store, 'kanazawa', 'summaries'))!.from).toBe('summaries');
    });

    it('recount the platform-bound KPIs on a new day: the hourly job rebuilds every city having them, held in this process or not', async () => {
      const { ctx } = t();
      // A process that holds no city (a second app process, a restart after midnight).
      const other = new CityDataStore(ctx.db);
      const invalidated: string[] = [];
      vi.spyOn(other, 'invalidate').mockImplementation((cityId?: string) => void invalidated.push(cityId ?? '*'));
      await runPartnerHourly(ctx.db, other, '2099-01-01');
      expect(invalidated).toContain('ichinoseki');
      expect(invalidated).not.toContain(big.id);
      // Within the day, no more.
      invalidated.length = 0;
      await runPartnerHourly(ctx.db, other, '2099-01-01');
      expect(invalidated).toEqual([]);
    });
  },
  (t) => setUpPublicStates(t, big),
);
