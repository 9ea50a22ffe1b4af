import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { CityDataStore } from '../../src/cities/city-data.store.ts';
import { KPI_STATUSES } from '../../src/core/kpi/status.ts';
import { walkPlanNodes } from '../../src/core/plan/plan.ts';
import { forgetPlanPageModels, openPlanPage, type PlanOutlineSource, type PlanPageSource } from '../../src/plans/plan-page.service.ts';
import { fragments } from '../../src/web/views/fragment-cache.ts';
import { parsePlanPageModel, planPageModelJson, planPageModelOf, planPageOutlineOf, type PlanPageOutline } from '../../src/plans/plan-page.model.ts';
import { createApp } from '../../src/web/app.tsx';
import { PLAN_ROWS_ON_ONE_PAGE } from '../../src/web/views/plan.view.tsx';
import { largeCity } from '../fixtures/large-city.ts';
import { describeStaffApp, type StaffTestApp } from '../support/staff-app.ts';
import { JUSTIFICATION, NOTES_PLAN, OVERRIDDEN_KPI, EVALUATION_PUBLISHED, EVALUATION_UNPUBLISHED } from './public-notes-fixture.ts';
import { answer, expectSameAnswers, setUpPublicStates } from './public-states-fixture.ts';
import { StaffClient } from './staff-helpers.ts';

/*
 * Issue 11 (national scale): the public plan page /cities/:city/plans/:plan — HTML in Japanese
 * and English, CSV and JSON, every filter value (side, goal, status, and values that are not
 * choices), `?node=` on a folded plan — read from the plan's summary when the city's summaries
 * are fresh gives the same bytes as the full-city path, for every plan of the seed cities and a
 * generated plan of 272 KPIs (folded by top-level node), in the states that change what the
 * public sees (an unpublished year, review states, status overrides, expert evaluations, an
 * archived policy, the seeds' partner-platform-bound KPIs, rows measured against a named
 * target); unknown plans, another city's plan and unknown nodes answer 404 on both. After a
 * staff write the page shows it at once (the summaries are stale: the full-city path answers),
 * then from the rebuilt summaries. On PGlite and PostgreSQL.
 */

const big = largeCity();
const SEEDS = ['ichinoseki', 'tsukuba', 'kanazawa'];

/** The two apps compared: the full-city path, and the summaries whenever they are fresh. */
function apps(t: StaffTestApp) {
  return {
    data: createApp({ db: t.ctx.db, store: t.ctx.store, cityPages: 'data' }),
    summaries: createApp({ db: t.ctx.db, store: t.ctx.store, cityPages: 'summaries' }),
  };
}

/** The outline of a source read with `outline` (fails when it read the model). */
function outlineOf(source: PlanPageSource | PlanOutlineSource): PlanPageOutline {
  if (source.model) throw new Error(`plan ${source.model.plan.id}: the model was read, not the outline`);
  return source.outline;
}

/** Every filter query the comparison requests ("" for none), values that are not choices among them. */
const FILTERS = [
  '',
  ...['economy', 'society', 'environment', 'none'].map((s) => `side=${s}`),
  ...Array.from({ length: 18 }, (_, i) => `goal=${i + 1}`),
  ...[...KPI_STATUSES, 'bogus'].map((s) => `status=${s}`),
  'side=society&goal=11&status=on-track',
  'side=environment&status=no-data',
];

/** Every address of a plan's page the comparison requests. */
async function addresses(t: StaffTestApp, cityId: string, planId: string): Promise<string[]> {
  const source = (await openPlanPage(t.ctx.db, t.ctx.store, cityId, planId, { mode: 'data' }))!;
  const base = `/cities/${cityId}/plans/${planId}`;
  const tops = source.model.plan.nodes.map((n) => n.id);
  const queries = [
    ...FILTERS.flatMap((f) => [f, `${f}${f ? '&' : ''}format=csv`, `${f}${f ? '&' : ''}format=json`]),
    ...tops.flatMap((id) => [`node=${encodeURIComponent(id)}`, `node=${encodeURIComponent(id)}&status=no-data`, `node=${encodeURIComponent(id)}&goal=13`]),
    // 404 on both: a node that is not a top-level node of the plan, an unknown format.
    'node=nowhere',
    ...(source.model.plan.nodes[0]?.children[0] ? [`node=${encodeURIComponent(source.model.plan.nodes[0].children[0].id)}`] : []),
    'format=xml',
  ];
  return queries.flatMap((q) => {
    const path = q ? `${base}?${q}` : base;
    return [path, `${path}${q ? '&' : '?'}lang=en`];
  });
}

/** Compares every address of every plan of the cities on both paths; returns how many answers were compared. */
async function compare(t: StaffTestApp, cityIds: readonly string[]): Promise<number> {
  const { data, summaries } = apps(t);
  let n = 0;
  for (const cityId of cityIds) {
    const plans = (await t.ctx.store.get(cityId))!.plans;
    for (const plan of plans) {
      // The summaries are fresh: the summaries app reads them (not the loaded city).
      expect((await openPlanPage(t.ctx.db, t.ctx.store, cityId, plan.id, { mode: 'summaries' }))?.from, plan.id).toBe('summaries');
      n += await expectSameAnswers(data, summaries, await addresses(t, cityId, plan.id));
    }
  }
  return n;
}

describeStaffApp(
  'the plan page from its summary',
  [],
  (t) => {
    it('serves the same bytes as the full-city path for every plan of the seed cities (notes, years, review states, overrides, platform-bound KPIs)', async () => {
      const { ctx } = t();
      // The states are there: an override with its reason, the published evaluation, not the unpublished one.
      const notes = await (await apps(t()).summaries.request(`/cities/ichinoseki/plans/${NOTES_PLAN}`)).text();
      expect(notes).toContain(JUSTIFICATION);
      expect(notes).toContain(EVALUATION_PUBLISHED);
      expect(notes).not.toContain(EVALUATION_UNPUBLISHED);
      expect(notes).toContain('unpublished-years');
      // Rows measured against a named target (Ichinoseki's SDGs plan).
      const data = (await ctx.store.get('ichinoseki'))!;
      expect(planPageModelOf(data, data.plans.find((p) => p.id === NOTES_PLAN)!).rows.some((r) => r.targetId !== undefined)).toBe(true);
      expect(await compare(t(), SEEDS)).toBeGreaterThan(1000);
    }, 600_000);

    it('serves the same bytes for a generated plan of 272 KPIs folded by top-level node, with an archived policy, every filter and node', async () => {
      const { ctx } = t();
      const source = (await openPlanPage(ctx.db, ctx.store, big.id, big.planId, { mode: 'summaries' }))!;
      expect(source.from).toBe('summaries');
      // Folded, and the archived policy hid some KPI rows.
      expect(source.model.rows.length).toBeGreaterThan(PLAN_ROWS_ON_ONE_PAGE);
      expect(source.model.rows.length).toBeLessThan(big.kpiIds.length);
      expect(await compare(t(), [big.id])).toBeGreaterThan(150);
    }, 600_000);

    it('draws a folded plan’s page without filter nor node from its outline alone (a few kB, not the model), the same bytes; a row summarised before the outline reads the model', async () => {
      const { ctx } = t();
      const { data, summaries } = apps(t());
      const other = new CityDataStore(ctx.db);
      const outlined = (await openPlanPage(ctx.db, other, big.id, big.planId, { mode: 'summaries', outline: true }))!;
      expect(outlined.from).toBe('summaries');
      expect(outlined.model).toBeUndefined();
      // What the summaries keep is the outline the full-city path computes from the same data.
      const city = (await ctx.store.get(big.id))!;
      const model = planPageModelOf(city, city.plans.find((p) => p.id === big.planId)!);
      expect(outlineOf(outlined)).toStrictEqual(JSON.parse(JSON.stringify(planPageOutlineOf(model))));
      expect(outlineOf(outlined).rowCount).toBe(model.rows.length);
      const sizes = await sql<{ model: number; outline: number }>`select length(model_json) as model, length(outline_json) as outline from plan_page_summaries where city_id = ${big.id} and plan_id = ${big.planId}`.execute(ctx.db);
      expect(Number(sizes.rows[0]!.outline) * 5).toBeLessThan(Number(sizes.rows[0]!.model));
      // Plans shown whole (not folded) keep no outline: their page reads the model.
      for (const cityId of SEEDS) {
        for (const plan of (await ctx.store.get(cityId))!.plans) {
          const source = (await openPlanPage(ctx.db, other, cityId, plan.id, { mode: 'summaries', outline: true }))!;
          expect(source.from, plan.id).toBe('summaries');
          expect(source.model?.plan.id, plan.id).toBe(plan.id);
        }
      }
      const paths = [`/cities/${big.id}/plans/${big.planId}`, `/cities/${big.id}/plans/${big.planId}?lang=en`, `/cities/${big.id}/plans/${big.planId}?status=`];
      expect(await expectSameAnswers(data, summaries, paths)).toBe(paths.length);
      // A row summarised before the migration has no outline: the page reads the model, the same bytes, drawn again.
      await sql`update plan_page_summaries set outline_json = null where city_id = ${big.id}`.execute(ctx.db);
      fragments.clear();
      forgetPlanPageModels(ctx.db);
      const fallback = (await openPlanPage(ctx.db, other, big.id, big.planId, { mode: 'summaries', outline: true }))!;
      expect(fallback.from).toBe('summaries');
      expect(fallback.model?.rows.length).toBe(model.rows.length);
      expect(await expectSameAnswers(data, summaries, paths)).toBe(paths.length);
      // The city's next rebuild writes the outline.
      ctx.store.invalidate(big.id);
      await ctx.store.settled();
      expect((await openPlanPage(ctx.db, other, big.id, big.planId, { mode: 'summaries', outline: true }))!.model).toBeUndefined();
    });

    it('shows a write to a folded plan at once, then from the rebuilt outline', async () => {
      const { ctx } = t();
      const { summaries } = apps(t());
      const path = `/cities/${big.id}/plans/${big.planId}`;
      // The outline's page and its fragment are kept first.
      const before = await (await summaries.request(path)).text();
      const top = (await ctx.store.get(big.id))!.plans.find((p) => p.id === big.planId)!.nodes[0]!;
      expect(before).toContain(top.title);
      const title = `${top.title}（折り畳みページの確認）`;
      // A node edit as its command writes it, then the change signal.
      await sql`update plan_nodes set title = ${title} where id = (select n.id from plan_nodes n join plans p on p.id = n.plan_id where p.city_id = ${big.id} and p.slug = ${big.planId} and n.slug = ${top.id})`.execute(ctx.db);
      ctx.store.invalidate(big.id);
      expect(ctx.store.summariesPending(big.id)).toBe(true);
      expect((await openPlanPage(ctx.db, ctx.store, big.id, big.planId, { mode: 'summaries', outline: true }))!.from).toBe('data');
      expect(await (await summaries.request(path)).text()).toContain(title);
      await ctx.store.settled();
      const after = (await openPlanPage(ctx.db, new CityDataStore(ctx.db), big.id, big.planId, { mode: 'summaries', outline: true }))!;
      expect(after.model).toBeUndefined();
      expect(outlineOf(after).plan.nodes[0]!.title).toBe(title);
      expect(await (await summaries.request(`${path}?lang=en`)).text()).toContain(top.titleEn ?? title);
      expect(await (await summaries.request(path)).text()).toContain(title);
      expect(await compare(t(), [big.id])).toBeGreaterThan(150);
    }, 600_000);

    it('keeps the model as JSON values only: what the summaries store reads back equal, for every plan', async () => {
      for (const cityId of [...SEEDS, big.id]) {
        const data = (await t().ctx.store.get(cityId))!;
        for (const plan of data.plans) {
          const model = planPageModelOf(data, plan);
          expect(JSON.parse(JSON.stringify(model)), plan.id).toStrictEqual(model);
          // The stored form reads back equal, its absent fields as undefined.
          expect(parsePlanPageModel(planPageModelJson(model)), plan.id).toEqual(model);
        }
      }
    });

    it('answers 404 for an unknown plan, another city’s plan and an unknown city on both paths, without loading the city from fresh summaries', async () => {
      const { ctx } = t();
      const { data, summaries } = apps(t());
      const tsukubaPlan = (await ctx.store.get('tsukuba'))!.plans[0]!.id;
      for (const path of ['/cities/ichinoseki/plans/no-such-plan', `/cities/ichinoseki/plans/${tsukubaPlan}`, `/cities/ichinoseki/plans/${tsukubaPlan}?format=csv`, '/cities/no-such-city/plans/no-such-plan', `/cities/no-such-city/plans/${NOTES_PLAN}?format=json`]) {
        const [a, b] = [await answer(data, path), await answer(summaries, path)];
        expect(a.status, path).toBe(404);
        expect(b, path).toEqual(a);
      }
      // A process that holds nothing: the fresh summaries say the plan is not the city's.
      const other = new CityDataStore(ctx.db);
      expect(await openPlanPage(ctx.db, other, 'ichinoseki', tsukubaPlan)).toBeNull();
      expect(other.holds('ichinoseki')).toBe(false);
    });

    it('keeps one fragment owner per summarised revision: the same for two reads, another after a write', async () => {
      const { ctx } = t();
      const other = new CityDataStore(ctx.db);
      const first = (await openPlanPage(ctx.db, other, 'kanazawa', (await ctx.store.get('kanazawa'))!.plans[0]!.id))!;
      const again = (await openPlanPage(ctx.db, other, 'kanazawa', first.model.plan.id))!;
      expect(first.from).toBe('summaries');
      expect(again.owner).toBe(first.owner);
      ctx.store.invalidate('kanazawa');
      await ctx.store.settled();
      const after = (await openPlanPage(ctx.db, other, 'kanazawa', first.model.plan.id))!;
      expect(after.from).toBe('summaries');
      expect(after.owner).not.toBe(first.owner);
    });

    it('shows a staff write at once (the summaries are stale until rebuilt, the full-city path answers), then from the rebuilt summaries', async () => {
      const { ctx } = t();
      const { summaries } = apps(t());
      const staff = new StaffClient(createApp({ db: ctx.db, store: ctx.store, staff: ctx.staff }));
      expect((await staff.login('cp-sec')).status).toBe(303);
      const path = `/cities/ichinoseki/plans/${NOTES_PLAN}`;
      // Fragments of the page are kept first (both languages, a filter), on the summaries.
      for (const p of [path, `${path}?lang=en`, `${path}?status=behind`]) await (await summaries.request(p)).arrayBuffer();
      // A node title edit.
      const plan = (await ctx.store.get('ichinoseki'))!.plans.find((p) => p.id === NOTES_PLAN)!;
      const node = [...walkPlanNodes(plan.nodes)].map(({ node }) => node).find((n) => n.kpiRows.length > 0)!;
      const staffPlan = `/staff/cities/ichinoseki/plans/${NOTES_PLAN}`;
      await staff.get(staffPlan);
      const title = `${node.title}（書き込み直後の確認）`;
      const r = await staff.submit(staffPlan, `${staffPlan}/nodes/${node.id}`, { code: node.code ?? '', title, titleEn: node.titleEn ?? '', description: node.description ?? '' });
      expect(r.status, r.text.slice(0, 300)).toBe(303);
      // Right after the response: the rebuild has not run yet (it waits for this turn to end).
      expect(ctx.store.summariesPending('ichinoseki')).toBe(true);
      expect((await openPlanPage(ctx.db, ctx.store, 'ichinoseki', NOTES_PLAN, { mode: 'summaries' }))!.from).toBe('data');
      expect(await (await summaries.request(path)).text()).toContain(title);
      expect(await (await summaries.request(`${path}?format=csv`)).text()).toContain(title);
      // An override's new reason, the same way.
      const kpiPage = `/staff/cities/ichinoseki/kpis/${OVERRIDDEN_KPI}`;
      await staff.get(kpiPage);
      const justification = '計画ページで書き込み直後の表示を確かめる理由。';
      expect((await staff.submit(kpiPage, `${kpiPage}/override`, { status: 'achieved', justification })).status).toBe(303);
      expect(await (await summaries.request(`${path}?lang=en`)).text()).toContain(justification);
      await ctx.store.settled();
      // Rebuilt: the summaries answer, with both writes, in every language and filter kept before.
      expect((await openPlanPage(ctx.db, ctx.store, 'ichinoseki', NOTES_PLAN, { mode: 'summaries' }))!.from).toBe('summaries');
      const [ja, en] = [await (await summaries.request(path)).text(), await (await summaries.request(`${path}?lang=en`)).text()];
      expect(ja).toContain(title);
      expect(ja).toContain(justification);
      expect(en).toContain(node.titleEn ?? title);
      expect(en).toContain(justification);
      expect(await compare(t(), ['ichinoseki'])).toBeGreaterThan(300);
    }, 600_000);

    it('falls back to the full-city path while another process’s write is not summarised (summarized_revision < revision)', async () => {
      const { ctx } = t();
      const planId = (await ctx.store.get('tsukuba'))!.plans[0]!.id;
      await sql`update city_revisions set revision = revision + 1 where city_id = 'tsukuba'`.execute(ctx.db);
      expect((await openPlanPage(ctx.db, ctx.store, 'tsukuba', planId, { mode: 'summaries' }))!.from).toBe('data');
      expect(await ctx.store.catchUpSummaries()).toBeGreaterThanOrEqual(1);
      expect((await openPlanPage(ctx.db, ctx.store, 'tsukuba', planId, { mode: 'summaries' }))!.from).toBe('summaries');
    });
  },
  (t) => setUpPublicStates(t, big),
);
