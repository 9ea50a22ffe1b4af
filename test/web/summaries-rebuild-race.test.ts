import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { CityDataStore } from '../../src/cities/city-data.store.ts';
import { walkPlanNodes } from '../../src/core/plan/plan.ts';
import { editKpiDefinition } from '../../src/kpis/kpi-edit.command.ts';
import { attachPartnerPlatform } from '../../src/partners/partner-platform.ts';
import { openPlanPage } from '../../src/plans/plan-page.service.ts';
import { parsePlanPageModel, planPageModelJson, planPageModelOf } from '../../src/plans/plan-page.model.ts';
import { loadKpiEditState } from '../../src/staff/edit-state.service.ts';
import { bumpCityRevision, citiesWithFreshSummaries, listCityKpiSummaries } from '../../src/summaries/summary.repository.ts';
import { refreshCitySummaries } from '../../src/summaries/summary.service.ts';
import { createApp } from '../../src/web/app.tsx';
import { describeStaffApp } from '../support/staff-app.ts';
import { expectSameAnswers } from './public-states-fixture.ts';

/*
 * Issue 11 (attack on the pages read from the summaries): the summaries must never be marked as
 * new as a revision whose write they do not hold, whichever process rebuilds them; and a page of
 * the city's KPI list is read with its total in one snapshot. On PGlite and PostgreSQL.
 */

describeStaffApp('summaries rebuilt while another process writes', [], (t) => {
  it('a rebuild in a process holding the city from before another process’s write reads the city again, so the summaries hold that write', async () => {
    const { ctx } = t();
    const db = ctx.db;
    await ctx.store.settled();
    // Process A (this app's store) holds Kanazawa, loaded now.
    const held = (await ctx.store.get('kanazawa'))!;
    const kpi = held.kpis.find((k) => held.plans.some((p) => [...walkPlanNodes(p.nodes)].some(({ node }) => node.kpiRows.some((r) => r.kpiId === k.id))))!;
    const plan = held.plans.find((p) => [...walkPlanNodes(p.nodes)].some(({ node }) => node.kpiRows.some((r) => r.kpiId === kpi.id)))!;
    const name = '競合書き込み後の指標名';
    // Process B (a second app, the CLI) renames the KPI: its data is committed and its revision
    // bumped (as every write does before its response), its rebuild not yet run.
    const bumps: Promise<number>[] = [];
    const processB = { invalidate: (cityId: string) => void bumps.push(bumpCityRevision(db, cityId)) };
    const state = (await loadKpiEditState(db, 'kanazawa', kpi.id))!;
    const r = await editKpiDefinition(db, processB, { cityId: 'kanazawa', actor: 'テスト 担当', kpiId: kpi.id, version: state.version, input: { name, direction: kpi.direction ?? 'up' } });
    expect(r.ok).toBe(true);
    await Promise.all(bumps);
    expect((await citiesWithFreshSummaries(db, ['kanazawa'])).has('kanazawa')).toBe(false);
    // A rebuilds the city's summaries first (after a write of its own, its catch-up), A not yet told of B's write.
    await refreshCitySummaries(db, ctx.store, 'kanazawa');
    // Then B rebuilds them from its own store (it forgot the city on its write).
    const storeB = new CityDataStore(db);
    await attachPartnerPlatform(db, storeB, false, ctx.clock);
    await refreshCitySummaries(db, storeB, 'kanazawa');
    // The summaries say they are fresh: they must hold B's write, on every page read from them.
    expect((await citiesWithFreshSummaries(db, ['kanazawa'])).has('kanazawa')).toBe(true);
    const third = new CityDataStore(db);
    const source = (await openPlanPage(db, third, 'kanazawa', plan.id))!;
    expect(source.from).toBe('summaries');
    expect(source.model.rows.map((row) => row.kpi.name)).toContain(name);
    const app = createApp({ db, store: third, cityPages: 'summaries' });
    for (const path of [`/cities/kanazawa/plans/${plan.id}`, '/api/v1/cities/kanazawa/kpis?page_size=200', '/cities/kanazawa/kpis']) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      expect(await res.text(), path).toContain(name);
    }
  });

  it('reads a page of a city’s summarised KPIs and its total in one statement (one snapshot: a rebuild landing between two gave a total the page did not match)', async () => {
    const { ctx } = t();
    await ctx.store.settled();
    const statements: string[] = [];
    const counting = ctx.db.withPlugin({
      transformQuery: (args) => {
        statements.push(args.node.kind);
        return args.node;
      },
      transformResult: async (args) => args.result,
    });
    const all = await listCityKpiSummaries(ctx.db, 'ichinoseki', {}, 'api_json');
    expect(all.total).toBeGreaterThan(3);
    const page = await listCityKpiSummaries(counting, 'ichinoseki', {}, 'api_json', { offset: 1, limit: 2 });
    expect(statements).toHaveLength(1);
    expect(page).toEqual({ rows: all.rows.slice(1, 3), total: all.total });
    // Past the last page: no rows, and the total still said.
    statements.length = 0;
    expect(await listCityKpiSummaries(counting, 'ichinoseki', {}, 'api_json', { offset: all.total + 5, limit: 2 })).toEqual({ rows: [], total: all.total });
    // A filter matching nothing: no rows, a total of 0, in one statement.
    statements.length = 0;
    expect(await listCityKpiSummaries(counting, 'ichinoseki', { text: 'この指標名はない' }, 'api_json', { offset: 0, limit: 50 })).toEqual({ rows: [], total: 0 });
    expect(statements).toHaveLength(1);
  });

  it('splices a KPI name that needs JSON escaping into valid JSON, the same bytes as the full-city path, on every page and junk paging value', async () => {
    const { ctx } = t();
    const db = ctx.db;
    const kpi = (await ctx.store.get('tsukuba'))!.kpis[1]!;
    // Quotes, backslashes, U+2028/2029, control characters, a lone surrogate (stored as U+FFFD), markup.
    const name = '引用"と\\と\u2028と\u2029と\u0001と\u001fと\u007fと</script>と\ud800と\u{1F600}';
    await sql`update kpis set name = ${name} where city_id = 'tsukuba' and slug = ${kpi.id}`.execute(db);
    ctx.store.invalidate('tsukuba');
    await ctx.store.settled();
    const data = createApp({ db, store: ctx.store, cityPages: 'data' });
    const summaries = createApp({ db, store: ctx.store, cityPages: 'summaries' });
    const junk = ['-1', '0', '-0', '1.5', '1e1', '0x2', '２', ' 2', 'NaN', 'Infinity', '99999999999', ''];
    const paths = [
      '/api/v1/cities/tsukuba/kpis',
      '/api/v1/cities/tsukuba/kpis?page_size=200',
      '/api/v1/cities/tsukuba/kpis?page=1&page_size=2',
      '/api/v1/cities/tsukuba/kpis?page=2&page_size=1',
      '/api/v1/cities/tsukuba/kpis?page=2&page=1&page_size=1&page_size=3',
      '/api/v1/cities/tsukuba/kpis?page=1000000&page_size=200',
      ...junk.flatMap((v) => [`/api/v1/cities/tsukuba/kpis?page=${encodeURIComponent(v)}`, `/api/v1/cities/tsukuba/kpis?page_size=${encodeURIComponent(v)}`]),
      '/cities/tsukuba/kpis?format=json',
      '/cities/tsukuba/kpis?format=csv',
      '/api/v1/cities/TSUKUBA/kpis',
      '/api/v1/cities/no-such-city/kpis',
    ];
    expect(await expectSameAnswers(data, summaries, paths)).toBe(paths.length);
    for (const path of paths.filter((p) => p.startsWith('/api/v1/cities/tsukuba/'))) {
      const body = await (await summaries.request(path)).text();
      // Valid JSON, and byte for byte what JSON.stringify writes of it.
      const parsed = JSON.parse(body) as { page: number; page_size: number; total: number; page_count: number; kpis: { id: string; name: string }[] };
      expect(JSON.stringify(parsed), path).toBe(body);
      expect(parsed.page_count, path).toBe(Math.max(1, Math.ceil(parsed.total / parsed.page_size)));
      expect(Number.isInteger(parsed.page) && parsed.page >= 1 && parsed.page_size >= 1 && parsed.page_size <= 200, path).toBe(true);
    }
    const all = JSON.parse(await (await summaries.request('/api/v1/cities/tsukuba/kpis?page_size=200')).text()) as { kpis: { id: string; name: string }[] };
    expect(all.kpis.find((k) => k.id === kpi.id)!.name).toBe(name.replace('\ud800', '\ufffd'));
  });

  it('keeps a rate of no change on a decreasing target as +0 in the plan page model, so the summaries print what the loaded city prints', async () => {
    const data = (await t().ctx.store.get('ichinoseki'))!;
    const plan = data.plans.find((p) => planPageModelOf(data, p).rows.some((r) => data.kpis.find((k) => k.id === r.kpi.id)!.observations.length > 0))!;
    const row = planPageModelOf(data, plan).rows.find((r) => data.kpis.find((k) => k.id === r.kpi.id)!.observations.length > 0)!;
    const kpi = data.kpis.find((k) => k.id === row.kpi.id)!;
    const base = kpi.baseline.value;
    // Its latest actual still at the baseline, its targets below it: (actual − baseline) / (target − baseline) = 0 / negative.
    const changed = {
      ...kpi,
      method: 'progress-from-baseline' as const,
      direction: 'down' as const,
      baseline: { ...kpi.baseline, precise: undefined },
      observations: kpi.observations.map((o) => ({ ...o, value: base, precise: undefined })),
      targets: kpi.targets.map((x) => ({ ...x, value: base - 10, precise: undefined, revisions: [] })),
    };
    const city = { ...data, kpis: data.kpis.map((k) => (k.id === kpi.id ? changed : k)), publishedRates: data.publishedRates.filter((r) => r.kpiId !== kpi.id) };
    const model = planPageModelOf(city, plan);
    const achievement = model.rows.find((r) => r.kpi.id === kpi.id)!.evaluation!.status.achievement!;
    expect(achievement.rate).toBe(0);
    // What the summaries store reads back the same, zero's sign included (toEqual tells −0 from 0).
    expect(parsePlanPageModel(planPageModelJson(model))).toEqual(model);
  });
});
