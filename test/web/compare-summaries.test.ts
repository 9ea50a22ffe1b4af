import { expect, it } from 'vitest';
import { generateCity } from '../../bench/national/generate.ts';
import type { CityData } from '../../src/core/city/city.ts';
import { fixedClock } from '../../src/core/time/clock.ts';
import { importPlanData } from '../../src/cities/plan-data-import.service.ts';
import { listAllNodes, lockPlanBySlug } from '../../src/plans/plan-building.repository.ts';
import { setNodeArchived } from '../../src/plans/plan.commands.ts';
import {
  compareCities,
  comparisonPage,
  KPIS_SHOWN_PER_THEME,
  type CityComparison,
  type ComparedKpi,
  type ComparisonPage,
} from '../../src/summaries/city-comparison.service.ts';
import { citiesById } from '../../src/summaries/comparison.service.ts';
import type { CityKpi } from '../../src/summaries/sdg-overview.service.ts';
import { createApp } from '../../src/web/app.tsx';
import { CompareView } from '../../src/web/views/compare.view.tsx';
import { viewContext } from '../../src/web/views/view-context.ts';
import { importCompareFixtures } from '../fixtures/compare-cities.ts';
import { describeStaffApp, type StaffTestApp } from '../support/staff-app.ts';
import { OVERRIDDEN_KPI, SECOND_OVERRIDDEN_KPI, setUpPublicNotes } from './public-notes-fixture.ts';
import { StaffClient } from './staff-helpers.ts';

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
function referencePage(c: CityComparison): ComparisonPage {
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
  return {
    cities: c.cities,
    sharedTargets: c.sharedTargets.map((t) => ({ target: t.theme, columns: t.columns.map((col) => ({ city: col.city, total: col.kpis.length })) })),
    sharedGoals: c.sharedGoals.map((g) => ({ goal: g.theme, columns: g.columns.map((col) => ({ city: col.city, total: col.kpis.length, kpis: col.kpis.slice(0, KPIS_SHOWN_PER_THEME).map(item) })) })),
    sameKpis: c.sameKpis.map((g) => ({ key: g.key, ...(g.indicator ? { indicator: g.indicator } : {}), kpis: g.kpis.map((k) => ({ ...item(k), series: k.series, latestIndex: k.latestIndex })) })),
  };
}

/** The comparison part of the page (same-KPI groups, shared targets and goals) as HTML. */
function comparisonHtml(page: ComparisonPage, lang: 'ja' | 'en'): string {
  const html = String(CompareView({ ctx: viewContext(lang, '/compare'), all: page.cities, selected: page.cities.map((c) => c.id), comparison: page, nationalCounts: new Map(), today: '2025-06-01' }));
  return html.slice(html.indexOf('<section aria-labelledby="same-h">'), html.indexOf('</main>'));
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
      for (const ids of SETS) {
        const reference = referencePage(compareCities(await loaded(ids)));
        const summary = await fromSummaries(ids);
        pages.push(summary);
        expect(summary, ids.join(',')).toEqual(reference);
        for (const lang of ['ja', 'en'] as const) expect(comparisonHtml(summary, lang), `${ids.join(',')} ${lang}`).toBe(comparisonHtml(reference, lang));
      }
      // The sets above exercise every part: same-definition groups with series, more KPIs on a goal than shown, overrides.
      const groups = pages.flatMap((p) => p.sameKpis);
      expect(groups.some((g) => g.kpis.some((k) => k.series.length > 2)), JSON.stringify(groups.map((g) => [g.key, g.kpis.map((k) => k.series.length)]))).toBe(true);
      expect(groups.some((g) => g.indicator !== undefined)).toBe(true);
      expect(pages.some((p) => p.sharedGoals.some((g) => g.columns.some((c) => c.total > KPIS_SHOWN_PER_THEME)))).toBe(true);
      const seeds = await fromSummaries(['ichinoseki', 'hikaku-town']);
      const farmers = seeds.sameKpis.flatMap((g) => g.kpis).find((k) => k.id === SECOND_OVERRIDDEN_KPI)!;
      expect(farmers.override?.status).toBe('behind');
      // Ichinoseki's partner-platform-bound KPI shows the figure the platform derives (its published 22 groups).
      const bound = pages.flatMap((p) => p.sharedGoals.flatMap((g) => g.columns.flatMap((c) => c.kpis))).find((k) => k.id === 'sdgs-platform-groups');
      expect(bound?.latest?.value).toBe(22);
      // The unapproved 2024 actual (140 人) is in no series.
      expect(farmers.series.map((f) => f.value)).not.toContain(140);
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
      } finally {
        ctx.store.get = get;
      }
      expect(asked).toEqual([]);
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
