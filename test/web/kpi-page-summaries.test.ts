import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { CityDataStore } from '../../src/cities/city-data.store.ts';
import { openKpiPageSummary } from '../../src/kpis/kpi-page.service.ts';
import { kpiPageKeys } from '../../src/summaries/summary.repository.ts';
import { platformFedKpis } from '../../src/partners/partner-kpi.service.ts';
import { createApp } from '../../src/web/app.tsx';
import { kpiPageRenderer } from '../../src/web/kpi-page-renderer.ts';
import { sourceVersion } from '../../src/source-version.ts';
import { largeCity } from '../fixtures/large-city.ts';
import { describeStaffApp, type StaffTestApp } from '../support/staff-app.ts';
import { COMMENTARY_PUBLISHED, COMMENTARY_UNPUBLISHED, JUSTIFICATION, OVERRIDDEN_KPI } from './public-notes-fixture.ts';
import { answer, expectSameAnswers, setUpPublicStates } from './public-states-fixture.ts';
import { StaffClient } from './staff-helpers.ts';

/*
 * Issue 11.5 (national scale): the public KPI page /cities/:city/kpis/:kpi (Japanese and English,
 * with and without PUBLIC_URL) read from the city's summaries (kpi_page_summaries: its main
 * content rendered on write) gives the same bytes as the full-city path, for every KPI of the
 * seed cities and of a generated city of 272 KPIs, in the states that change what the public sees
 * (an unpublished year, review states, status overrides, commentaries, an archived policy hiding
 * KPIs, the seeds' partner-platform-bound KPIs, which keep no page and take the path of today);
 * unknown KPIs, another city's KPI, a hidden KPI and an unknown city answer 404 on both. A staff
 * write shows at once (the summaries are stale: the KPI's view answers), then from the rebuilt
 * summaries, rendering again only the pages whose input changed; another process's write
 * likewise. Only pages the running code rendered are served.
 * On PGlite and PostgreSQL.
 */

const big = largeCity();
const SEEDS = ['ichinoseki', 'tsukuba', 'kanazawa'];
const PUBLIC_URL = 'https://sdgs.example.jp';

/** The apps compared: the full-city path, and the summaries whenever they are fresh (each with and without PUBLIC_URL). */
function apps(t: StaffTestApp) {
  const { db, store } = t.ctx;
  const web = { hstsMaxAgeSeconds: 0, publicUrl: PUBLIC_URL };
  return {
    data: createApp({ db, store, cityPages: 'data' }),
    summaries: createApp({ db, store, cityPages: 'summaries' }),
    dataUrl: createApp({ db, store, cityPages: 'data', web }),
    summariesUrl: createApp({ db, store, cityPages: 'summaries', web }),
  };
}

/** Every public KPI of a city (held by the test's store). */
async function publicKpis(t: StaffTestApp, cityId: string): Promise<string[]> {
  return (await t.ctx.store.get(cityId))!.kpis.map((k) => k.id);
}

/** Each KPI page's addresses (both languages, a query string the page cache passes by, and CSV/JSON beside them). */
function addresses(cityId: string, kpiIds: readonly string[]): string[] {
  return kpiIds.flatMap((id) => {
    const base = `/cities/${cityId}/kpis/${id}`;
    return [base, `${base}?lang=en`, `${base}?utm_source=x&lang=en`, `${base}?format=json`];
  });
}

/** Compares every KPI page of the cities on both paths, with and without PUBLIC_URL; returns how many answers were compared. */
async function compare(t: StaffTestApp, cityIds: readonly string[]): Promise<number> {
  const { data, summaries, dataUrl, summariesUrl } = apps(t);
  let n = 0;
  for (const cityId of cityIds) {
    const paths = addresses(cityId, await publicKpis(t, cityId));
    n += await expectSameAnswers(data, summaries, paths);
    n += await expectSameAnswers(dataUrl, summariesUrl, paths.filter((p) => !p.includes('format=')));
  }
  return n;
}

/** Whether the KPI's page in `lang` is read from the summaries by a process (of this code) that holds nothing. */
async function fromSummaries(t: StaffTestApp, cityId: string, kpiId: string, lang: 'ja' | 'en' = 'ja'): Promise<boolean> {
  const other = new CityDataStore(t.ctx.db);
  other.renderKpiPagesWith(kpiPageRenderer, sourceVersion());
  return (await openKpiPageSummary(t.ctx.db, other, cityId, kpiId, lang)) !== undefined;
}

describeStaffApp(
  'the KPI page from its summary',
  [],
  (t) => {
    it('serves the same bytes as the full-city path for every KPI of the seed cities (notes, years, review states, overrides), in both languages, with and without PUBLIC_URL', async () => {
      const { ctx } = t();
      const { summaries } = apps(t());
      // The states are there, read from the summaries.
      expect(await fromSummaries(t(), 'ichinoseki', OVERRIDDEN_KPI)).toBe(true);
      const page = await (await summaries.request(`/cities/ichinoseki/kpis/${OVERRIDDEN_KPI}`)).text();
      expect(page).toContain(JUSTIFICATION);
      expect(page).toContain(COMMENTARY_PUBLISHED);
      expect(page).not.toContain(COMMENTARY_UNPUBLISHED);
      expect(page).toContain('unpublished-years');
      // Every public KPI keeps its page in both languages, but those the partner platform feeds.
      for (const cityId of SEEDS) {
        const bound = new Set((await platformFedKpis(ctx.db, cityId)).keys());
        for (const id of await publicKpis(t(), cityId)) {
          expect(await fromSummaries(t(), cityId, id), `${cityId} ${id}`).toBe(!bound.has(id));
          expect(await fromSummaries(t(), cityId, id, 'en'), `${cityId} ${id}`).toBe(!bound.has(id));
        }
      }
      expect((await Promise.all(SEEDS.map((id) => platformFedKpis(ctx.db, id)))).some((m) => m.size > 0)).toBe(true);
      expect(await compare(t(), SEEDS)).toBeGreaterThan(200);
    }, 600_000);

    it('serves the same bytes for every KPI of a generated city of 272 KPIs with an archived policy (its hidden KPIs keep no page)', async () => {
      const { ctx } = t();
      const shown = await publicKpis(t(), big.id);
      expect(shown.length).toBeLessThan(big.kpiIds.length);
      const rows = await sql<{ n: number }>`select count(*)::int as n from kpi_page_summaries where city_id = ${big.id}`.execute(ctx.db);
      expect(Number(rows.rows[0]!.n)).toBe(shown.length * 2);
      const hidden = big.kpiIds.filter((id) => !shown.includes(id));
      for (const id of hidden) expect(await fromSummaries(t(), big.id, id)).toBe(false);
      expect(await compare(t(), [big.id])).toBeGreaterThan(1000);
      // The hidden KPIs answer 404 on both paths.
      const { data, summaries } = apps(t());
      for (const path of addresses(big.id, hidden.slice(0, 3))) {
        const [a, b] = [await answer(data, path), await answer(summaries, path)];
        expect(a.status, path).toBe(404);
        expect(b, path).toEqual(a);
      }
    }, 600_000);

    it('answers 404 for an unknown KPI, another city’s KPI and an unknown city on both paths', async () => {
      const { data, summaries } = apps(t());
      const tsukubaKpi = (await publicKpis(t(), 'tsukuba'))[0]!;
      expect(await fromSummaries(t(), 'ichinoseki', tsukubaKpi)).toBe(false);
      for (const path of ['/cities/ichinoseki/kpis/no-such-kpi', `/cities/ichinoseki/kpis/${tsukubaKpi}`, `/cities/ichinoseki/kpis/${tsukubaKpi}?lang=en`, '/cities/no-such-city/kpis/no-such-kpi', `/cities/no-such-city/kpis/${OVERRIDDEN_KPI}`]) {
        const [a, b] = [await answer(data, path), await answer(summaries, path)];
        expect(a.status, path).toBe(404);
        expect(b, path).toEqual(a);
      }
    });

    it('shows a staff write at once (the summaries are stale until rebuilt: the KPI’s view answers), then from the rebuilt summaries', async () => {
      const { ctx } = t();
      const { summaries } = apps(t());
      const path = `/cities/ichinoseki/kpis/${OVERRIDDEN_KPI}`;
      for (const p of [path, `${path}?lang=en`]) expect(await (await summaries.request(p)).text()).toContain(JUSTIFICATION);
      const staff = new StaffClient(createApp({ db: ctx.db, store: ctx.store, staff: ctx.staff }));
      expect((await staff.login('cp-sec')).status).toBe(303);
      const keysBefore = await kpiPageKeys(ctx.db, 'ichinoseki', sourceVersion());
      expect(keysBefore.size).toBeGreaterThan(3);
      const kpiPage = `/staff/cities/ichinoseki/kpis/${OVERRIDDEN_KPI}`;
      await staff.get(kpiPage);
      const justification = 'KPIページで書き込み直後の表示を確かめる理由。';
      expect((await staff.submit(kpiPage, `${kpiPage}/override`, { status: 'achieved', justification })).status).toBe(303);
      // Right after the response: the rebuild has not run yet, the page is not read from the summaries.
      expect(ctx.store.summariesPending('ichinoseki')).toBe(true);
      expect(await openKpiPageSummary(ctx.db, ctx.store, 'ichinoseki', OVERRIDDEN_KPI, 'ja', 'summaries')).toBeUndefined();
      for (const p of [path, `${path}?lang=en`, `${path}?x=1`]) {
        const text = await (await summaries.request(p)).text();
        expect(text, p).toContain(justification);
        expect(text, p).not.toContain(JUSTIFICATION);
      }
      await ctx.store.settled();
      // Rebuilt: the summaries answer, with the write, in both languages.
      expect(await fromSummaries(t(), 'ichinoseki', OVERRIDDEN_KPI)).toBe(true);
      for (const p of [path, `${path}?lang=en`]) expect(await (await summaries.request(p)).text()).toContain(justification);
      expect(await compare(t(), ['ichinoseki'])).toBeGreaterThan(40);
      // The rebuild rendered again only the written KPI's pages: every other key is unchanged.
      const keysAfter = await kpiPageKeys(ctx.db, 'ichinoseki', sourceVersion());
      expect([...keysAfter.keys()].filter((id) => keysAfter.get(id) !== keysBefore.get(id))).toEqual([OVERRIDDEN_KPI]);
      const again = (await ctx.store.kpiPagesOf((await ctx.store.get('ichinoseki'))!, keysBefore))!;
      expect(again.pages.map((p) => `${p.kpiId} ${p.lang}`)).toEqual([`${OVERRIDDEN_KPI} ja`, `${OVERRIDDEN_KPI} en`]);
      // A plan title shows on the pages of the KPIs it holds: their keys change, the pages follow.
      const plan = (await ctx.store.get('ichinoseki'))!.plans.find((p) => p.nodes.length > 0)!;
      const planKpis = new Set([...JSON.stringify(plan).matchAll(/"kpiId":"([^"]+)"/g)].map((m) => m[1]!));
      const planTitle = `${plan.title}（KPIページの確認）`;
      await sql`update plans set title = ${planTitle} where city_id = 'ichinoseki' and slug = ${plan.id}`.execute(ctx.db);
      ctx.store.invalidate('ichinoseki');
      await ctx.store.settled();
      const keysPlan = await kpiPageKeys(ctx.db, 'ichinoseki', sourceVersion());
      const changed = [...keysPlan.keys()].filter((id) => keysPlan.get(id) !== keysAfter.get(id));
      expect(changed.length).toBeGreaterThan(0);
      for (const id of changed) expect(planKpis.has(id), id).toBe(true);
      expect(await (await summaries.request(`/cities/ichinoseki/kpis/${changed[0]}`)).text()).toContain(planTitle);
      expect(await compare(t(), ['ichinoseki'])).toBeGreaterThan(40);
    }, 600_000);

    it('falls back to the KPI’s view while another process’s write is not summarised, and when the summaries keep no page for it', async () => {
      const { ctx } = t();
      const { data, summaries } = apps(t());
      const kpiId = (await publicKpis(t(), 'tsukuba'))[0]!;
      const paths = addresses('tsukuba', [kpiId]);
      expect(await fromSummaries(t(), 'tsukuba', kpiId)).toBe(true);
      await sql`update city_revisions set revision = revision + 1 where city_id = 'tsukuba'`.execute(ctx.db);
      expect(await fromSummaries(t(), 'tsukuba', kpiId)).toBe(false);
      expect(await expectSameAnswers(data, summaries, paths)).toBe(paths.length);
      expect(await ctx.store.catchUpSummaries()).toBeGreaterThanOrEqual(1);
      expect(await fromSummaries(t(), 'tsukuba', kpiId)).toBe(true);
      // Summarised before the table existed (no rows): the KPI's view answers, the same bytes; the next rebuild writes them.
      await sql`delete from kpi_page_summaries where city_id = 'tsukuba'`.execute(ctx.db);
      expect(await fromSummaries(t(), 'tsukuba', kpiId)).toBe(false);
      expect(await expectSameAnswers(data, summaries, paths)).toBe(paths.length);
      ctx.store.invalidate('tsukuba');
      await ctx.store.settled();
      expect(await fromSummaries(t(), 'tsukuba', kpiId)).toBe(true);
    });

    it('serves only pages the running code rendered (a page of another version is read as before); a store without a renderer keeps and serves none', async () => {
      const { ctx } = t();
      const { data, summaries } = apps(t());
      const kanazawa = (await ctx.store.get('kanazawa'))!;
      const kept = (await ctx.store.kpiPagesOf(kanazawa))!;
      expect(kept.renderedBy).toBe(sourceVersion());
      expect(kept.pages.length).toBe(kanazawa.kpis.length * 2);
      const kpiId = kanazawa.kpis[0]!.id;
      const paths = addresses('kanazawa', [kpiId]);
      expect(await fromSummaries(t(), 'kanazawa', kpiId)).toBe(true);
      await sql`update kpi_page_summaries set rendered_by = 'another-version' where city_id = 'kanazawa'`.execute(ctx.db);
      expect(await fromSummaries(t(), 'kanazawa', kpiId)).toBe(false);
      expect(await expectSameAnswers(data, summaries, paths)).toBe(paths.length);
      ctx.store.invalidate('kanazawa');
      await ctx.store.settled();
      expect(await fromSummaries(t(), 'kanazawa', kpiId)).toBe(true);
      // A store without a renderer renders nothing and reads nothing.
      const bare = new CityDataStore(ctx.db);
      expect(await bare.kpiPagesOf(kanazawa)).toBeUndefined();
      expect(await openKpiPageSummary(ctx.db, bare, 'kanazawa', kpiId, 'ja', 'summaries')).toBeUndefined();
    });

    it('renders in the background the pages another version of the code rendered, or none (a deploy, the migration), skipping a city written meanwhile; stops when told', async () => {
      const { ctx } = t();
      const { data, summaries } = apps(t());
      const version = sourceVersion();
      const rowsBy = async (cityId: string) => (await sql<{ rendered_by: string; n: number }>`select rendered_by, count(*)::int as n from kpi_page_summaries where city_id = ${cityId} group by rendered_by`.execute(ctx.db)).rows;
      const pagesBy = async () => Object.fromEntries((await sql<{ city_id: string; kpi_pages_by: string | null }>`select city_id, kpi_pages_by from city_revisions order by city_id`.execute(ctx.db)).rows.map((r) => [r.city_id, r.kpi_pages_by]));
      await ctx.store.settled();
      // As built: every city's pages by this code; nothing to catch up.
      expect(Object.values(await pagesBy()).every((v) => v === version)).toBe(true);
      expect(await ctx.store.catchUpKpiPages()).toBe(0);
      const kanazawaKpis = (await ctx.store.get('kanazawa'))!.kpis.length;
      const kpiId = (await publicKpis(t(), 'kanazawa'))[0]!;
      const tsukubaKpi = (await publicKpis(t(), 'tsukuba'))[0]!;
      // Another version rendered kanazawa's pages (a deploy); ichinoseki's were never rendered (the migration); tsukuba too, but it is written meanwhile.
      await sql`update kpi_page_summaries set rendered_by = 'another-version' where city_id = 'kanazawa'`.execute(ctx.db);
      await sql`update city_revisions set kpi_pages_by = 'another-version' where city_id = 'kanazawa'`.execute(ctx.db);
      await sql`delete from kpi_page_summaries where city_id in ('ichinoseki', 'tsukuba')`.execute(ctx.db);
      await sql`update city_revisions set kpi_pages_by = null where city_id in ('ichinoseki', 'tsukuba')`.execute(ctx.db);
      await sql`update city_revisions set revision = revision + 1 where city_id = 'tsukuba'`.execute(ctx.db);
      expect(await fromSummaries(t(), 'kanazawa', kpiId)).toBe(false);
      // Stopped at once: nothing rendered.
      expect(await ctx.store.catchUpKpiPages(() => true)).toBe(0);
      expect(await rowsBy('ichinoseki')).toEqual([]);
      // Kanazawa and Ichinoseki get this code's pages, every public KPI in both languages; the pages give the same bytes.
      expect(await ctx.store.catchUpKpiPages()).toBe(2);
      expect(await rowsBy('kanazawa')).toEqual([{ rendered_by: version, n: kanazawaKpis * 2 }]);
      expect((await rowsBy('ichinoseki'))[0]).toMatchObject({ rendered_by: version });
      expect(await fromSummaries(t(), 'kanazawa', kpiId)).toBe(true);
      expect(await expectSameAnswers(data, summaries, addresses('kanazawa', [kpiId]))).toBe(4);
      // Tsukuba, written and not yet summarised, is left to its rebuild, which renders its pages.
      expect(await rowsBy('tsukuba')).toEqual([]);
      expect(await fromSummaries(t(), 'tsukuba', tsukubaKpi)).toBe(false);
      expect(await ctx.store.catchUpSummaries()).toBe(1);
      expect(await fromSummaries(t(), 'tsukuba', tsukubaKpi)).toBe(true);
      expect(Object.values(await pagesBy()).every((v) => v === version)).toBe(true);
      // In the background (as a serving process runs it): reports what it rendered; stopping waits for it.
      await sql`update city_revisions set kpi_pages_by = null where city_id = 'kanazawa'`.execute(ctx.db);
      let stop = async () => {};
      const reported = new Promise<number>((resolve) => (stop = ctx.store.startKpiPageCatchUp((n) => resolve(n))));
      expect(await reported).toBe(1);
      await stop();
      expect((await pagesBy())['kanazawa']).toBe(version);
    });
  },
  async (t) => {
    await setUpPublicStates(t, big);
  },
);
