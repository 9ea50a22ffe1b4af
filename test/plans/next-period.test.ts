import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { loadCityData } from '../../src/cities/city-data.service.ts';
import { testDatabases } from '../../src/storage/test-databases.ts';
import { makeUser, StaffClient } from '../web/staff-helpers.ts';
import { startStaffTestApp, type StaffTestApp } from '../support/staff-app.ts';

/*
 * Issue 13.4: "Start the next period". Ichinoseki's 2nd-period SDGs plan (2024–2026) is created
 * in the staff area from the 1st (2021–2023), two KPIs carried over with the same identity, a
 * new target recorded as a revision with the 1st period's 反映状況 as its reason; its 2024
 * sheet is produced once a 2024 actual is approved and published; a sheet year outside a plan
 * answers a page in the site's layout linking the plans that cover it. On PGlite and PostgreSQL.
 */

const PLAN1 = 'ichinoseki-sdgs-future-city-1';
const PLAN2 = 'ichinoseki-sdgs-future-city-2';
const visible = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&').replace(/\s+/g, ' ');

for (const database of testDatabases()) {
  describe.skipIf(database.skipReason !== null)(`next period on ${database.name}`, () => {
    let t: StaffTestApp;
    let sec: StaffClient;
    beforeAll(async () => {
      t = await startStaffTestApp(database.name);
      await makeUser(t.ctx, 'np-sec', 'ichinoseki', 'secretariat');
      await makeUser(t.ctx, 'np-tsu', 'tsukuba', 'secretariat');
      sec = new StaffClient(t.app);
      await sec.login('np-sec');
    }, 180_000);
    afterAll(() => t?.stop());

    const form = `/staff/cities/ichinoseki/plans/${PLAN1}/next-period`;
    const fields = (extra: Record<string, string> = {}) => ({
      id: PLAN2,
      title: '一関市ＳＤＧｓ未来都市計画（第２期）',
      from: '2024',
      to: '2026',
      'carry:new-farmers': 'on',
      'carry:new-products-technologies': 'on',
      'at:new-products-technologies': '2026年',
      'target:new-products-technologies': '200 件',
      ...extra,
    });

    it('a sheet year outside the plan answers 404 with a page in the site layout linking the plans covering it (plain text before)', async () => {
      const res = await t.app.request(`/cities/ichinoseki/plans/${PLAN1}/sheet?year=2024`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('text/html');
      const html = await res.text();
      expect(html).toContain('class="site-header"');
      expect(visible(html)).toContain('2024年 は計画期間外です');
      // The comprehensive plan's latter basic plan (2021–2025) covers 2024; the 2nd SDGs plan does not exist yet.
      expect(html).toContain('/cities/ichinoseki/plans/ichinoseki-latter-basic-plan-2021/sheet?year=2024');
      expect(html).not.toContain(`/plans/${PLAN2}/`);
      expect(html).toContain(`/cities/ichinoseki/plans/${PLAN1}/sheet?year=2023`);
      const bad = await t.app.request(`/cities/ichinoseki/plans/${PLAN1}/sheet?year=20x4`);
      expect(bad.status).toBe(400);
      expect(visible(await bad.text())).toContain('報告年は4桁の西暦で指定してください');
      const en = await t.app.request(`/cities/ichinoseki/plans/${PLAN1}/sheet?year=2024&lang=en`);
      expect(visible(await en.text())).toContain('is outside the plan period');
    });

    it('only the secretariat of the city may open the form; another city’s secretariat is refused', async () => {
      const other = new StaffClient(t.app);
      await other.login('np-tsu');
      expect((await other.get(form)).status).toBe(403);
      await other.get('/staff');
      expect((await other.post(form, fields())).status).toBe(403);
      expect((await sec.get('/staff/cities/ichinoseki/plans/no-such-plan/next-period')).status).toBe(404);
    });

    it('bad input keeps the form with the message next to the field and writes nothing', async () => {
      const page = await sec.get(form);
      expect(page.status).toBe(200);
      expect(visible(page.text)).toContain('目標は達成されたものの一層の推進を図る見地から、第２期計画では目標値を上方修正して取り組む。');
      const unit = await sec.post(form, fields({ 'target:new-products-technologies': '200 t' }));
      expect(unit.status).toBe(422);
      expect(unit.text).toContain('value="200 t"');
      expect(visible(unit.text)).toMatch(/単位/);
      const period = await sec.post(form, fields({ from: '2019' }));
      expect(period.status).toBe(422);
      expect(visible(period.text)).toContain('計画期間 2019～2026 は正しくありません');
      const taken = await sec.post(form, fields({ id: PLAN1 }));
      expect(taken.status).toBe(422);
      expect(visible(taken.text)).toContain(`計画ID「${PLAN1}」は既に使われています`);
      const none = await sec.post(form, { id: PLAN2, from: '2024', to: '2026' });
      expect(none.status).toBe(422);
      expect(visible(none.text)).toContain('引き継ぐ指標を一つ以上選んでください');
      const half = await sec.post(form, fields({ 'at:new-products-technologies': '' }));
      expect(half.status).toBe(422);
      const data = await loadCityData(t.ctx.db, 'ichinoseki');
      expect(data!.plans.map((p) => p.id)).not.toContain(PLAN2);
      expect(data!.kpis.find((k) => k.id === 'new-products-technologies')!.targets.map((x) => x.id)).toEqual(['2025']);
    });

    it('creates the 2nd-period plan: same tree, the two KPIs with the same identity, the new target as a revision with the 反映状況 as reason', async () => {
      const res = await sec.post(form, fields());
      expect(res.status).toBe(303);
      expect(res.location).toContain(`/staff/cities/ichinoseki/plans/${PLAN2}`);
      const data = (await loadCityData(t.ctx.db, 'ichinoseki', { withHistory: true }))!;
      const plan1 = data.plans.find((p) => p.id === PLAN1)!;
      const plan2 = data.plans.find((p) => p.id === PLAN2)!;
      expect(plan2).toMatchObject({ kind: 'sdgs-future-city', periodStart: 2024, periodEnd: 2026, title: '一関市ＳＤＧｓ未来都市計画（第２期）' });
      // The same form, one period on (issue 14.2): 第２期 in its 様式3-3, 第3期 in the reflection column.
      expect([plan2.sheetLayout ?? 'cabinet-office', plan2.periodOrdinal]).toEqual(['cabinet-office', 2]);
      expect(plan2.nodes.map((n) => n.id)).toEqual(plan1.nodes.map((n) => n.id));
      expect(plan2.nodes[1]!.children.map((n) => n.title)).toEqual(plan1.nodes[1]!.children.map((n) => n.title));
      const rows = plan2.nodes.flatMap(function all(n): { kpiId: string; targetId?: string | undefined }[] {
        return [...n.kpiRows, ...n.children.flatMap(all)];
      });
      expect(rows).toEqual([
        { kpiId: 'new-farmers', no: '1', targetId: '2025' },
        { kpiId: 'new-products-technologies', no: '2', targetId: '2026' },
      ]);
      const products = data.kpis.find((k) => k.id === 'new-products-technologies')!;
      expect(products.observations.map((o) => [o.at, o.value])).toEqual([[{ kind: 'year', year: 2023 }, 163]]);
      const target = products.targets.find((x) => x.id === '2026')!;
      expect(target.value).toBe(200);
      expect(target.revisions).toHaveLength(1);
      expect(target.revisions[0]).toMatchObject({ oldValue: 60, newValue: 200, reason: '目標は達成されたものの一層の推進を図る見地から、第２期計画では目標値を上方修正して取り組む。' });
      // The 1st period is untouched: its rows, targets and reflections stay.
      expect(products.targets.find((x) => x.id === '2025')!.value).toBe(60);
      expect(plan1.nodes[0]!.kpiRows.length).toBe(6);
      // The change log says who did it.
      const log = await t.ctx.db.selectFrom('change_log').selectAll().where('entity', '=', 'plan').where('entity_id', '=', PLAN2).execute();
      expect(log).toHaveLength(1);
      expect(log[0]!.actor).toContain('np-sec');
      // The same request again is refused (the id is taken), nothing doubles.
      expect((await sec.post(form, fields())).status).toBe(422);
    });

    it('produces the 2024 progress sheet of the new plan for the carried KPIs once a 2024 actual is approved and published', async () => {
      const entry = '/staff/cities/ichinoseki/kpis/new-farmers/actuals/new';
      const saved = await sec.submit(entry, '/staff/cities/ichinoseki/kpis/new-farmers/actuals', { at: '2024年', value: '118 人', note: '', source: '農政課', explanation: '就農相談の増加' });
      expect(saved.status).toBe(303);
      await sec.get('/staff/cities/ichinoseki/review');
      expect((await sec.post('/staff/cities/ichinoseki/review', { entity: 'actual', key: 'new-farmers@2024', action: 'approve' })).status).toBe(303);
      await sec.get('/staff/cities/ichinoseki/publication');
      expect((await sec.post('/staff/cities/ichinoseki/publication', { year: '2024', published: 'true' })).status).toBe(303);
      const res = await t.app.request(`/cities/ichinoseki/plans/${PLAN2}/sheet?year=2024`);
      expect(res.status).toBe(200);
      const text = visible(await res.text());
      expect(text).toContain('新規就農者数');
      expect(text).toContain('新製品・新技術開発の件数');
      expect(text).toContain('118');
      expect(text).not.toContain('燃料用木材生産量');
      const summary = visible(await (await t.app.request(`/cities/ichinoseki/plans/${PLAN2}/sheet?year=2024&kind=summary`)).text());
      expect(summary).toContain('第２期SDGs未来都市計画（2024～2026）の進捗評価結果報告シート（様式3-3）');
      expect(summary).toContain('第3期計画（または独自計画）のKPIへの反映状況');
      // The 1st plan's 2024 page now links the 2nd plan's sheet.
      const outside = await (await t.app.request(`/cities/ichinoseki/plans/${PLAN1}/sheet?year=2024`)).text();
      expect(outside).toContain(`/cities/ichinoseki/plans/${PLAN2}/sheet?year=2024`);
    });

    it('refuses a second next-period plan of the same plan for overlapping years, naming the one made first; later years are allowed', async () => {
      for (const [from, to] of [['2024', '2026'], ['2025', '2027'], ['2026', '2026']]) {
        const again = await sec.post(form, fields({ id: `${PLAN2}-again`, from: from!, to: to! }));
        expect(again.status).toBe(422);
        expect(visible(again.text)).toContain(`この計画の次期計画「一関市ＳＤＧｓ未来都市計画（第２期）」（${PLAN2}、2024年～2026年）が既にあり、期間が重なります`);
      }
      const en = await sec.post(`${form}?lang=en`, fields({ id: `${PLAN2}-again` }));
      expect(en.status).toBe(422);
      expect(visible(en.text)).toContain('this plan already has a next-period plan');
      const data = await loadCityData(t.ctx.db, 'ichinoseki');
      expect(data!.plans.map((p) => p.id)).not.toContain(`${PLAN2}-again`);
      // The years after it do not overlap: a 3rd period (2027–2029) may be started from the 1st.
      const third = await sec.post(form, fields({ id: 'ichinoseki-sdgs-future-city-3', from: '2027', to: '2029', 'at:new-products-technologies': '2029年' }));
      expect(third.status).toBe(303);
      const link = await t.ctx.db.selectFrom('plans').select(['slug', 'succeeds_plan_id']).where('city_id', '=', 'ichinoseki').where('slug', 'in', [PLAN2, 'ichinoseki-sdgs-future-city-3']).orderBy('slug').execute();
      const plan1Id = (await t.ctx.db.selectFrom('plans').select('id').where('city_id', '=', 'ichinoseki').where('slug', '=', PLAN1).executeTakeFirstOrThrow()).id;
      expect(link.map((l) => [l.slug, l.succeeds_plan_id])).toEqual([[PLAN2, plan1Id], ['ichinoseki-sdgs-future-city-3', plan1Id]]);
    });
  });
}

describe('michishirube plan next-period (CLI)', () => {
  let dir: string;
  const saved = { DATA_DIR: process.env['DATA_DIR'], DATABASE_URL: process.env['DATABASE_URL'] };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'michishirube-period-'));
    process.env['DATA_DIR'] = join(dir, 'db');
    delete process.env['DATABASE_URL'];
  });
  afterAll(async () => {
    process.env['DATA_DIR'] = saved.DATA_DIR;
    if (saved.DATABASE_URL) process.env['DATABASE_URL'] = saved.DATABASE_URL;
    await rm(dir, { recursive: true, force: true });
  });
  const run = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(args, (s) => out.push(s), (s) => err.push(s));
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('creates the next plan; mistakes exit 2 with one line and write nothing', async () => {
    expect((await run('init')).code).toBe(0);
    const base = ['plan', 'next-period', 'ichinoseki', PLAN1, '--id', PLAN2, '--from', '2024', '--to', '2026', '--kpis', 'new-farmers,co2-reduction-vs-2013'];
    const unit = await run(...base, '--target', 'co2-reduction-vs-2013=2026年:-25 t');
    expect(unit.code).toBe(2);
    expect(unit.err).toMatch(/^michishirube: --target co2-reduction-vs-2013: .*unit.*nothing was written$/);
    const unknown = await run(...base.slice(0, -1), 'new-farmers,no-such-kpi');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('--kpis: the KPI "no-such-kpi" is not a KPI of the current plan');
    expect((await run('plans', 'ichinoseki')).out).not.toContain(PLAN2);
    const ok = await run(...base, '--target', 'co2-reduction-vs-2013=2025年:-25.0 ％', '--json');
    expect(ok.code).toBe(0);
    const json = JSON.parse(ok.out) as { plan: { id: string }; targets: { kpi_id: string; target_id: string; action: string; old_value: number; new_value: number; reason: string }[] };
    expect(json.plan.id).toBe(PLAN2);
    // A target at the same time point is revised in place: -20.4 → -25.0, with the 反映状況 as reason.
    expect(json.targets).toEqual([expect.objectContaining({ kpi_id: 'co2-reduction-vs-2013', target_id: '2025', action: 'revised', old_value: -20.4, new_value: -25, reason: '目標は達成されたものの一層の推進を図る見地から、第２期計画では目標値を上方修正して取り組む。' })]);
    expect((await run('plans', 'ichinoseki')).out).toContain(PLAN2);
    const again = await run(...base);
    expect(again.code).toBe(2);
    expect(again.err).toContain('is taken');
  }, 120_000);
});
