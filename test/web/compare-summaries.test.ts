import { expect, it } from 'vitest';
import { generateCity } from '../../bench/national/generate.ts';
import type { CityData } from '../../src/core/city/city.ts';
import { fixedClock } from '../../src/core/time/clock.ts';
import { importPlanData } from '../../src/cities/plan-data-import.service.ts';
import { listAllNodes, lockPlanBySlug } from '../../src/plans/plan-building.repository.ts';
import { setNodeArchived } from '../../src/plans/plan.commands.ts';
import {
  COMPARE_ROWS_ON_ONE_PAGE,
  compareCities,
  comparisonGoalPage,
  comparisonPage,
  readComparePage,
  type ComparedCitySource,
  KPIS_SHOWN_PER_THEME,
  MAX_COMPARED,
  type CityComparison,
  type ComparedKpi,
  type ComparisonGoalPage,
  type ComparisonPage,
} from '../../src/summaries/city-comparison.service.ts';
import { sdgGoals } from '../../src/core/sdg/sdg-framework.ts';
import { citiesById } from '../../src/summaries/comparison.service.ts';
import { bumpCityRevision, readCompareRows, readComparisonRows } from '../../src/summaries/summary.repository.ts';
import { sql } from 'kysely';
import type { CityKpi } from '../../src/summaries/sdg-overview.service.ts';
import { createApp } from '../../src/web/app.tsx';
import { CompareGoalView, CompareView } from '../../src/web/views/compare.view.tsx';
import { viewContext } from '../../src/web/views/view-context.ts';
import { importCompareFixtures } from '../fixtures/compare-cities.ts';
import { describeStaffApp, type StaffTestApp } from '../support/staff-app.ts';
import { OVERRIDDEN_KPI, SECOND_OVERRIDDEN_KPI, setUpPublicNotes } from './public-notes-fixture.ts';
import { StaffClient } from './staff-helpers.ts';
import { countingStatements } from '../support/statement-counter.ts';

/*
 * Issue 11.1: the compare page is answered from the KPI summaries (comparisonPage), never by
 * loading the chosen cities. Its content must be what comparing the cities loaded whole gives
 * (compareCities, mapped below as the page showed it), for the seeds, the comparison fixtures
 * and generated cities (bench/national/generate.ts), in the public states that change what is
 * shown: status overrides, a published and an unpublished year, an actual submitted and not yet
 * approved, KPIs hidden by an archived node, a partner-platform-bound KPI (Ichinoseki's). Compared as view models and as the rendered HTML
 * of the comparison in ja and en, on PGlite and PostgreSQL; then a staff write shows on the
 * page once the summaries are rebuilt, although the page before it was kept by the page cache.
 */

const TODAY = '2025-06-01T12:00:00+09:00';
/** Two generated cities whose last three KPIs declare indicators GEN-1, GEN-2, GEN-2 (generated names never match across cities). */
const gens = [generateCity(0), generateCity(1)].map((g) => {
  const n = g.file.kpis.length;
  const kpis = g.file.kpis.map((k, i) => (i >= n - 3 ? { ...k, indicator: i === n - 3 ? 'GEN-1' : 'GEN-2' } : k));
  return { ...g, file: { ...g.file, kpis } };
});
const [A, B] = gens.map((g) => g.id) as [string, string];

/** The compare page's content as it was drawn from the cities loaded whole (the reference). */
function referencePage(c: CityComparison, unfolded = false): ComparisonPage {
  const item = (k: CityKpi): ComparedKpi => {
    const e = k.evaluation;
    const a = e?.status.achievement ?? null;
    const fig = (f: { at: ComparedKpi['targets'][number]['at']; value: number; decimals?: number | undefined } | null | undefined) =>
      f ? { at: f.at, value: f.value, ...(f.decimals === undefined ? {} : { decimals: f.decimals }) } : null;
    return {
      city: k.city,
      id: k.kpi.id,
      name: k.kpi.name,
      ...(k.kpi.nameEn ? { nameEn: k.kpi.nameEn } : {}),
      unit: k.kpi.unit,
      baseline: fig(k.kpi.baseline),
      latest: fig(e?.latest),
      target: fig(e?.target),
      targets: k.kpi.targets.map((t) => fig(t)!),
      achievement: a ? { rate: a.rate, displayRate: a.displayRate } : null,
      status: e?.status.status ?? 'no-data',
      ...(k.override ? { override: { status: k.override.status, justification: k.override.justification, decidedOn: k.override.decidedOn } } : {}),
    };
  };
  const sharedTargets = c.sharedTargets.map((t) => ({ target: t.theme, columns: t.columns.map((col) => ({ city: col.city, total: col.kpis.length })) }));
  const sameKpis = c.sameKpis.map((g) => ({ key: g.key, ...(g.indicator ? { indicator: g.indicator } : {}), kpis: g.kpis.map((k) => ({ ...item(k), series: k.series, latestIndex: k.latestIndex })) }));
  // Folded (issue 11.1) when the shared targets and the KPIs listed under the goals are more than a page holds.
  const rows = sharedTargets.length + c.sharedGoals.reduce((n, g) => n + g.columns.reduce((m, col) => m + Math.min(col.kpis.length, KPIS_SHOWN_PER_THEME), 0), 0);
  if (!unfolded && rows > COMPARE_ROWS_ON_ONE_PAGE) {
    return { cities: c.cities, sharedTargets, sameKpis, folded: true, sharedGoals: c.sharedGoals.map((g) => ({ goal: g.theme, columns: g.columns.map((col) => ({ city: col.city, total: col.kpis.length })) })) };
  }
  const sharedGoals = c.sharedGoals.map((g) => ({ goal: g.theme, columns: g.columns.map((col) => ({ city: col.city, total: col.kpis.length, kpis: col.kpis.slice(0, KPIS_SHOWN_PER_THEME).map(item) })) }));
  return { cities: c.cities, sharedTargets, sameKpis, folded: false, sharedGoals };
}

/** One shared goal's page (`?goal=N`) as drawn from the cities loaded whole (the reference), null for a goal they do not share. */
function referenceGoalPage(c: CityComparison, goal: number): ComparisonGoalPage | null {
  const whole = referencePage(c, true);
  if (whole.folded) throw new Error('asked unfolded');
  const theme = whole.sharedGoals.find((g) => g.goal.number === goal);
  if (!theme) return null;
  return {
    cities: c.cities,
    goal: theme.goal,
    sharedGoals: c.sharedGoals.map((g) => g.theme),
    sharedTargets: c.sharedTargets.filter((t) => t.theme.goal === theme.goal.id).map((t) => ({ target: t.theme, columns: t.columns.map((col) => ({ city: col.city, total: col.kpis.length })) })),
    columns: theme.columns,
  };
}

/** The comparison part of the page (same-KPI groups, shared targets and goals, or the goals' overview) as HTML. */
function comparisonHtml(page: ComparisonPage, lang: 'ja' | 'en'): string {
  const html = String(CompareView({ ctx: viewContext(lang, '/compare'), all: page.cities, selected: page.cities.map((c) => c.id), comparison: page, nationalCounts: new Map(), today: '2025-06-01' }));
  return html.slice(html.indexOf('<section aria-labelledby="same-h">'), html.indexOf('</main>'));
}

/** A goal page's main content as HTML. */
function goalHtml(page: ComparisonGoalPage, lang: 'ja' | 'en'): string {
  const html = String(CompareGoalView({ ctx: viewContext(lang, '/compare'), page, today: '2025-06-01' }));
  return html.slice(html.indexOf('<main'), html.indexOf('</main>'));
}

const SETS: readonly (readonly string[])[] = [
  ['ichinoseki', 'hikaku-town'],
  ['hikaku-town', 'hikaku-city'],
  ['ichinoseki', 'kanazawa', 'tsukuba'],
  [A, B],
  [B, 'ichinoseki'],
  [A, 'ichinoseki', B, 'hikaku-town', 'kanazawa', 'tsukuba'],
];

/** Public states on top of the seeds: overrides and publication (public-notes-fixture), an unapproved actual, an archived node. */
async function setUp(t: StaffTestApp): Promise<void> {
  const { ctx } = t;
  await setUpPublicNotes(ctx);
  await importCompareFixtures(ctx.db, ctx.store);
  for (const g of gens) {
    const r = await importPlanData(ctx.db, g.file, 'test');
    if (!r.ok) throw new Error(`${g.id}: import failed`);
    ctx.store.invalidate(g.id);
  }
  // An archived policy of the first generated city: its KPIs leave the public pages.
  const plan = (await lockPlanBySlug(ctx.db, A, gens[0]!.planId))!;
  const policy = (await listAllNodes(ctx.db, plan.id)).find((n) => n.parent_id !== null)!;
  expect((await setNodeArchived(ctx.db, ctx.store, { cityId: A, actor: 'test', planId: gens[0]!.planId, nodeId: policy.slug, version: policy.version, archived: true })).ok).toBe(true);
  // An actual submitted for the published year and not yet approved: not public.
  const sec = new StaffClient(t.app);
  expect((await sec.login('cmp-sec')).status).toBe(303);
  const page = `/staff/cities/ichinoseki/kpis/${SECOND_OVERRIDDEN_KPI}/actuals`;
  await sec.get(`${page}/new`);
  expect((await sec.submit(`${page}/new`, page, { at: '2024年', value: '140 人', explanation: '検証' })).status).toBe(303);
  await ctx.store.settled();
}

describeStaffApp(
  'the compare page from the KPI summaries',
  [['cmp-sec', 'ichinoseki', 'secretariat']],
  (t) => {
    const loaded = async (ids: readonly string[]) => (await Promise.all(ids.map((id) => t().ctx.store.get(id)))).map((d) => d!) as CityData[];
    const fromSummaries = async (ids: readonly string[]) => {
      const found = await citiesById(t().ctx.db, ids);
      return comparisonPage(t().ctx.db, ids.map((id) => found.get(id)!));
    };

    it('gives what comparing the cities loaded whole gives, as view models and as HTML (ja, en), in every public state set up', async () => {
      const archived = (await t().ctx.store.get(A))!;
      expect(archived.kpis.length, 'the archived policy hides KPIs').toBeLessThan(gens[0]!.kpiIds.length);
      const ich = (await t().ctx.store.get('ichinoseki'))!;
      expect(ich.statusOverrides?.map((o) => o.kpiId).sort()).toEqual([SECOND_OVERRIDDEN_KPI, OVERRIDDEN_KPI].sort());
      const pages: ComparisonPage[] = [];
      const goalPages: ComparisonGoalPage[] = [];
      for (const ids of SETS) {
        const whole = compareCities(await loaded(ids));
        const reference = referencePage(whole);
        const summary = await fromSummaries(ids);
        pages.push(summary);
        expect(summary, ids.join(',')).toEqual(reference);
        for (const lang of ['ja', 'en'] as const) expect(comparisonHtml(summary, lang), `${ids.join(',')} ${lang}`).toBe(comparisonHtml(reference, lang));
        // Every goal's page (`?goal=N`), folded or not: the same from the summaries; none for a goal not shared.
        const found = await citiesById(t().ctx.db, ids);
        for (const goal of sdgGoals) {
          const want = referenceGoalPage(whole, goal.number);
          const got = await comparisonGoalPage(t().ctx.db, ids.map((id) => found.get(id)!), goal.number);
          expect(got, `${ids.join(',')} goal ${goal.number}`).toEqual(want);
          if (!got || !want) continue;
          goalPages.push(got);
          for (const lang of ['ja', 'en'] as const) expect(goalHtml(got, lang), `${ids.join(',')} goal ${goal.number} ${lang}`).toBe(goalHtml(want, lang));
        }
      }
      // Large comparisons fold (the generated cities), the seeds' do not; each folded one's goals all have a page.
      expect(pages.filter((p) => p.folded).map((p) => p.cities.map((c) => c.id).join(','))).toEqual([[A, B].join(','), [A, 'ichinoseki', B, 'hikaku-town', 'kanazawa', 'tsukuba'].join(',')]);
      for (const p of pages.filter((p) => p.folded)) {
        const ids = p.cities.map((c) => c.id).join(',');
        expect(goalPages.filter((g) => g.cities.map((c) => c.id).join(',') === ids).map((g) => g.goal.number), ids).toEqual(p.sharedGoals.map((g) => g.goal.number));
      }
      // The sets above exercise every part: same-definition groups with series, more KPIs on a goal than shown, overrides.
      const groups = pages.flatMap((p) => p.sameKpis);
      expect(groups.some((g) => g.kpis.some((k) => k.series.length > 2)), JSON.stringify(groups.map((g) => [g.key, g.kpis.map((k) => k.series.length)]))).toBe(true);
      expect(groups.some((g) => g.indicator !== undefined)).toBe(true);
      expect(goalPages.some((p) => p.columns.some((c) => c.total > KPIS_SHOWN_PER_THEME))).toBe(true);
      const seeds = await fromSummaries(['ichinoseki', 'hikaku-town']);
      const farmers = seeds.sameKpis.flatMap((g) => g.kpis).find((k) => k.id === SECOND_OVERRIDDEN_KPI)!;
      expect(farmers.override?.status).toBe('behind');
      // Ichinoseki's partner-platform-bound KPI shows the figure the platform derives (its published 22 groups).
      const bound = goalPages.flatMap((p) => p.columns.flatMap((c) => c.kpis)).find((k) => k.id === 'sdgs-platform-groups');
      expect(bound?.latest?.value).toBe(22);
      // The unapproved 2024 actual (140 人) is in no series.
      expect(farmers.series.map((f) => f.value)).not.toContain(140);
    });

    it('draws the folded page and each goal page the same from the summaries and from the cities loaded while a write is not yet summarised', async () => {
      const { ctx } = t();
      await ctx.store.settled();
      // A source whose summaries lag a write (CityDataStore.whileSummarised answers undefined): the cities are loaded and compared.
      const lagging = { whileSummarised: async () => undefined, get: (id: string) => ctx.store.get(id) };
      // The real source, noting the sets it answered from the summaries (the partner platform's hourly run may write Ichinoseki at any time: then its sets are loaded, the fallback working).
      const summarised = new Set<string>();
      const fresh = {
        whileSummarised: async <T,>(ids: readonly string[], read: () => Promise<T | undefined>) => {
          const r = await ctx.store.whileSummarised(ids, read);
          if (r !== undefined) summarised.add(ids.join(','));
          return r;
        },
        get: (id: string) => ctx.store.get(id),
      };
      const read = (source: ComparedCitySource, ids: readonly string[], goal?: number) => readComparePage(ctx.db, source, { named: ids, peersId: null, offer: null, goal });
      for (const ids of SETS) {
        const fromLoaded = (await read(lagging, ids)).comparison!;
        const fromSummaries = (await read(fresh, ids)).comparison!;
        expect(fromSummaries, ids.join(',')).toEqual(fromLoaded);
        for (const goal of sdgGoals) {
          const a = (await read(lagging, ids, goal.number)).goalPage;
          const b = (await read(fresh, ids, goal.number)).goalPage;
          expect(b, `${ids.join(',')} goal ${goal.number}`).toEqual(a);
          if (a && b) for (const lang of ['ja', 'en'] as const) expect(goalHtml(b, lang)).toBe(goalHtml(a, lang));
        }
        for (const lang of ['ja', 'en'] as const) expect(comparisonHtml(fromSummaries.page, lang)).toBe(comparisonHtml(fromLoaded.page, lang));
      }
      expect(summarised.has([A, B].join(',')), 'the generated cities were compared from their summaries').toBe(true);
      expect(summarised.has(['hikaku-town', 'hikaku-city'].join(','))).toBe(true);
    });

    it('serves the folded overview and the goal pages over HTTP: links, anchors, 400 for a bad goal, 404 for a goal not shared', async () => {
      const { ctx } = t();
      const app = createApp({ db: ctx.db, store: ctx.store, clock: fixedClock(TODAY) });
      const base = `/compare?cities=${A}&cities=${B}`;
      for (const lang of ['ja', 'en'] as const) {
        const suffix = lang === 'en' ? '&lang=en' : '';
        const r = await app.request(base + suffix);
        expect(r.status).toBe(200);
        const html = await r.text();
        const json = JSON.parse(await (await app.request(`${base}&format=json`)).text()) as { shared_goals: { id: string; columns: { kpis: unknown[] }[] }[]; shared_targets: unknown[] };
        // The overview: a row per shared goal (its anchor kept) linking to its page, each city's count; no KPI listed, no target table.
        const goals = json.shared_goals.map((g) => g.id);
        expect([...html.matchAll(/<tr id="g-(\d+)">/g)].map((m) => m[1])).toEqual(goals);
        for (const g of json.shared_goals) {
          expect(html).toContain(`href="${base.replaceAll('&', '&amp;')}&amp;goal=${g.id}${suffix.replace('&', '&amp;')}"`);
          const row = html.slice(html.indexOf(`<tr id="g-${g.id}">`), html.indexOf('</tr>', html.indexOf(`<tr id="g-${g.id}">`)));
          expect([...row.matchAll(/<td>(?:<a [^>]*>)?(\d+)/g)].slice(1).map((m) => Number(m[1])), `goal ${g.id}`).toEqual(g.columns.map((c) => c.kpis.length));
        }
        expect(html).not.toContain('class="compare-kpis"');
        expect(html).not.toContain('id="targets-h"');
        // Bounded whatever the cities' size: the page less its same-definition groups (two here, each with its chart) is the form, the summary and the goals' table.
        const same = html.slice(html.indexOf('<section aria-labelledby="same-h">'), html.indexOf('<section aria-labelledby="goals-h">'));
        expect(Buffer.byteLength(html) - Buffer.byteLength(same)).toBeLessThan(20_000);
        // Each goal page: its targets with their text, each city's first KPIs, the way back; together every shared target once.
        const seen: string[] = [];
        for (const g of goals) {
          const page = await app.request(`${base}&goal=${g}${suffix}`);
          expect(page.status, g).toBe(200);
          const text = await page.text();
          seen.push(...[...text.matchAll(/<tr id="t-([^"]+)">/g)].map((m) => m[1]!));
          expect(text).toContain('class="compare-grid"');
          expect(text).toContain(`href="${base.replaceAll('&', '&amp;')}${suffix.replace('&', '&amp;')}"`);
          expect(text).toContain('aria-current="page"');
          expect(Buffer.byteLength(text)).toBeLessThan(40_000);
        }
        expect(seen.length).toBe(json.shared_targets.length);
      }
      // The downloads stay whole whatever goal is asked.
      expect(await (await app.request(`${base}&format=json&goal=3`)).text()).toBe(await (await app.request(`${base}&format=json`)).text());
      // A goal that is no goal number is a 400 naming the parameter; a goal not shared, or fewer than two cities, a 404.
      for (const bad of ['0', '18', '03', 'x', '1.2', '']) {
        expect((await app.request(`${base}&goal=${bad}`)).status, bad).toBe(400);
        for (const format of ['csv', 'json']) expect((await app.request(`${base}&format=${format}&goal=${bad}`)).status, `${format} ${bad}`).toBe(400);
      }
      expect((await app.request(`${base}&goal=1&goal=2`)).status).toBe(400);
      const small = (await (await app.request('/compare?cities=ichinoseki&cities=hikaku-town&format=json')).json()) as { shared_goals: { id: string }[] };
      const notShared = sdgGoals.find((g) => !small.shared_goals.some((s) => s.id === g.id))!;
      expect((await app.request(`/compare?cities=ichinoseki&cities=hikaku-town&goal=${notShared.number}`)).status).toBe(404);
      expect((await app.request(`/compare?cities=ichinoseki&cities=hikaku-town&goal=${small.shared_goals[0]!.id}`)).status).toBe(200);
      expect((await app.request(`/compare?cities=ichinoseki&goal=2`)).status).toBe(404);
    });

    it('serves the page without loading any chosen city', async () => {
      const { ctx } = t();
      ctx.store.forget();
      const app = createApp({ db: ctx.db, store: ctx.store, clock: fixedClock(TODAY) });
      const get = ctx.store.get.bind(ctx.store);
      const asked: string[] = [];
      // The partner platform's hourly run writes Ichinoseki at any time: its summary rebuild reads
      // the city whole, and while it runs the page compares the cities loaded whole on purpose
      // (currentComparisonPage). Neither is a load of a city whose summaries hold every write.
      await ctx.store.settled();
      ctx.store.get = (id: string) => (new Error().stack?.includes('refreshCitySummaries') || ctx.store.summariesPending(id) ? null : asked.push(id), get(id));
      try {
        const r = await app.request(`/compare?cities=${A}&cities=ichinoseki&cities=${A}&cities=nowhere&peers=ichinoseki&lang=en`);
        expect(r.status).toBe(200);
        const html = await r.text();
        expect(html).toContain('id="same-h"');
        expect(html).toContain('nowhere');
        // The folded overview of the two generated cities and one goal's page load no city either.
        const folded = await (await app.request(`/compare?cities=${A}&cities=${B}`)).text();
        const goal = /&amp;goal=(\d+)"/.exec(folded)![1];
        expect((await app.request(`/compare?cities=${A}&cities=${B}&goal=${goal}`)).status).toBe(200);
      } finally {
        ctx.store.get = get;
      }
      expect(asked).toEqual([]);
    });

    it('answers each compare page from one statement with the bytes the cities loaded whole give: every set in ja and en, its overview and all 17 goal pages, odd queries, a city another process wrote', async () => {
      const { ctx } = t();
      await ctx.store.settled();
      const counted = countingStatements(ctx.db);
      // Two apps, each with its own page cache: one as served, one whose store says its summaries lag a write of this process on every read (each page compares the cities loaded whole).
      const apps = () => ({
        fresh: createApp({ db: counted.db, store: ctx.store, clock: fixedClock(TODAY) }),
        lagging: createApp({ db: ctx.db, store: Object.create(ctx.store, { whileSummarised: { value: async () => undefined } }) as typeof ctx.store, clock: fixedClock(TODAY) }),
      });
      let { fresh, lagging } = apps();
      const pathsOf = (ids: readonly string[]) => {
        const q = ids.map((id) => `cities=${id}`).join('&');
        return ['', '&lang=en'].flatMap((lang) => [`/compare?${q}${lang}`, ...sdgGoals.map((g) => `/compare?${q}&goal=${g.number}${lang}`)]);
      };
      const odd = [
        // Repeated, unknown and malformed ids, a peers' city: the notices, the chooser and the comparison of the two found.
        `/compare?cities=${A}&cities=${A}&cities=nowhere&cities=Bad!&cities=${B}&peers=hikaku-town&lang=en`,
        // Choices narrowed by prefecture or name, one city chosen, none.
        `/compare?cities=hikaku-town&cities=hikaku-city&prefecture=${encodeURIComponent('岩手県')}`,
        '/compare?cities=hikaku-town&name=hikaku&lang=en',
        '/compare',
        `/compare?cities=${A}&goal=3`,
        `/compare?cities=nowhere&cities=${B}&goal=3&lang=en`,
      ];
      // The cities the served app loads whole (none while the summaries hold every write).
      const loads: string[] = [];
      const get = ctx.store.get.bind(ctx.store);
      const same = async (path: string) => {
        counted.reset();
        loads.length = 0;
        ctx.store.get = (id: string) => (loads.push(id), get(id));
        let a: Response;
        try {
          a = await fresh.request(path);
        } finally {
          ctx.store.get = get;
        }
        const b = await lagging.request(path);
        expect(a.status, path).toBe(b.status);
        expect(await a.text(), path).toBe(await b.text());
        return counted.count();
      };
      for (const ids of SETS) {
        for (const path of pathsOf(ids)) {
          const n = await same(path);
          // One statement from the summaries, no city loaded (Ichinoseki's sets may compare loaded: the partner platform writes it at any time).
          if (!ids.includes('ichinoseki')) expect([n, loads], path).toEqual([1, []]);
        }
      }
      // With `peers=`, the peers' list and count besides (comparison.service.ts cityPeers).
      for (const path of odd) expect(await same(path), path).toBe(path.includes('peers=') ? 3 : 1);
      // Another process wrote a city (its revision bumped, its summaries not yet rebuilt): the statement finds them stale and the page compares the cities loaded whole.
      await bumpCityRevision(ctx.db, 'hikaku-city');
      ({ fresh, lagging } = apps());
      try {
        for (const path of pathsOf(['hikaku-town', 'hikaku-city']).filter((p, i) => i % 6 === 0)) {
          await same(path);
          expect(loads.sort(), path).toEqual(['hikaku-city', 'hikaku-town']);
        }
      } finally {
        ctx.store.invalidate('hikaku-city');
        await ctx.store.settled();
      }
      ({ fresh, lagging } = apps());
      expect(await same(pathsOf(['hikaku-town', 'hikaku-city'])[0]!)).toBe(1);
    });

    it('still lists the first KPIs of an unfolded comparison when its summaries hold SDG targets the framework does not know', async () => {
      const { ctx } = t();
      await ctx.store.settled();
      const ids = ['hikaku-town', 'hikaku-city'];
      const found = await citiesById(ctx.db, ids);
      const cities = ids.map((id) => found.get(id)!);
      const before = await comparisonPage(ctx.db, cities);
      expect(before.folded).toBe(false);
      // A hundred tags of unknown targets (as summaries built before a framework's correction would hold) on KPIs both cities have on goal 12.
      const onGoal = (await sql<{ city_id: string; kpi_id: string }>`select city_id, kpi_id from kpi_summary_targets where city_id in ('hikaku-town', 'hikaku-city') and goal = 12`.execute(ctx.db)).rows;
      expect(new Set(onGoal.map((r) => r.city_id)).size).toBe(2);
      const fake = Array.from({ length: COMPARE_ROWS_ON_ONE_PAGE }, (_, i) => `12.z${i}`);
      for (const r of onGoal) for (const target of fake) await sql`insert into kpi_summary_targets (city_id, kpi_id, goal, target) values (${r.city_id}, ${r.kpi_id}, 12, ${target})`.execute(ctx.db);
      try {
        // The statement counts them and leaves the first KPIs out, as for a folded page; the page, which drops them, does not fold and reads them apart.
        const rows = await readComparisonRows(ctx.db, ids, { page: 'overview', limit: KPIS_SHOWN_PER_THEME, foldAbove: COMPARE_ROWS_ON_ONE_PAGE });
        expect(rows.first).toBeNull();
        expect(rows.targets.filter((r) => fake.includes(r.key))).toHaveLength(2 * fake.length);
        expect(await comparisonPage(ctx.db, cities)).toEqual(before);
      } finally {
        await sql`delete from kpi_summary_targets where city_id in ('hikaku-town', 'hikaku-city') and target like '12.z%'`.execute(ctx.db);
      }
    });

    it('has PostgreSQL keep one generic plan for the compare statement instead of planning each run (PostgreSQL only)', async ({ skip }) => {
      const { ctx } = t();
      if (ctx.dialect !== 'postgres') skip();
      await ctx.store.settled();
      const pairs = [[A, B], ['hikaku-town', 'hikaku-city'], [B, 'kanazawa'], ['tsukuba', A], ['hikaku-city', B], ['kanazawa', 'tsukuba'], [A, 'hikaku-town'], [B, A]];
      // On one connection (prepared statements live per connection, which earlier tests may have used), the overview's and a goal page's statements for different cities.
      const counts = (conn: typeof ctx.db) => sql<{ name: string; generic_plans: string | number; custom_plans: string | number }>`select name, generic_plans, custom_plans from pg_prepared_statements where statement like '%chosen as%'`.execute(conn);
      const [before, after] = await ctx.db.connection().execute(async (conn) => {
        const first = (await counts(conn)).rows;
        for (const ids of pairs) {
          await readCompareRows(conn, { named: ids, max: MAX_COMPARED, part: { page: 'overview', limit: KPIS_SHOWN_PER_THEME, foldAbove: COMPARE_ROWS_ON_ONE_PAGE } }, []);
          await readCompareRows(conn, { named: ids, max: MAX_COMPARED, part: { page: 'goal', goal: 12, limit: KPIS_SHOWN_PER_THEME } }, []);
        }
        return [first, (await counts(conn)).rows];
      });
      const runs = after.flatMap((p) => {
        const b = before.find((x) => x.name === p.name);
        const [custom, generic] = [Number(p.custom_plans) - Number(b?.custom_plans ?? 0), Number(p.generic_plans) - Number(b?.generic_plans ?? 0)];
        return custom + generic > 0 ? [{ custom, generic }] : [];
      });
      // Two statements ran, each once per pair: at most five custom plans (PostgreSQL's rule), then the generic one every run.
      expect(runs).toHaveLength(2);
      for (const r of runs) {
        expect(r.custom + r.generic).toBe(pairs.length);
        expect(r.custom).toBeLessThanOrEqual(5);
      }
    });

    it('shows a staff write once the summaries are rebuilt, though the page before it was kept by the page cache', async () => {
      const { ctx } = t();
      const app = createApp({ db: ctx.db, store: ctx.store, staff: ctx.staff, clock: fixedClock(TODAY) });
      const path = '/compare?cities=ichinoseki&cities=hikaku-town';
      const before = await (await app.request(path)).text();
      expect(before).not.toContain('140 人');
      // The secretariat approves the 2024 actual: it becomes public.
      const sec = new StaffClient(app);
      expect((await sec.login('cmp-sec')).status).toBe(303);
      await sec.get(`/staff/cities/ichinoseki/kpis/${SECOND_OVERRIDDEN_KPI}`);
      expect((await sec.post('/staff/cities/ichinoseki/review', { entity: 'actual', key: `${SECOND_OVERRIDDEN_KPI}@2024`, action: 'approve' })).status).toBe(303);
      await ctx.store.settled();
      const after = await (await app.request(path)).text();
      expect(after).toContain('140 人');
      expect(after).not.toBe(before);
      // And still what the whole cities give.
      const ids = ['ichinoseki', 'hikaku-town'];
      expect(await fromSummaries(ids)).toEqual(referencePage(compareCities(await loaded(ids))));
    });
  },
  setUp,
);
