import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCity } from '../../src/cities/city-create.command.ts';
import { loadCityData } from '../../src/cities/city-data.service.ts';
import { testDatabases } from '../../src/storage/test-databases.ts';
import { startStaffTestApp, type StaffTestApp } from '../support/staff-app.ts';
import { makeUser, StaffClient } from '../web/staff-helpers.ts';

/*
 * Issue 14 as a new city lives it: a town created in the app builds its SDGs plan in the plan
 * builder, chooses the form and its period (第N期) on the plan's sheets page, and gets its sheets
 * with every section of the form (empty ones printed empty), its own ordinal, no crash; a year
 * outside the plan answers the page linking the plans of that year; another city's plan id is a
 * 404. Storage (the form's columns) on PGlite and PostgreSQL.
 */

const CITY = 'hiraizumi';
const PLAN = 'hiraizumi-sdgs-1';
const visible = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&').replace(/[ \t\r\n]+/g, ' ');

for (const database of testDatabases()) {
  describe.skipIf(database.skipReason !== null)(`a new city's sheets on ${database.name}`, () => {
    let t: StaffTestApp;
    let sec: StaffClient;
    beforeAll(async () => {
      t = await startStaffTestApp(database.name);
      const created = await createCity({
        db: t.ctx.db,
        store: t.ctx.store,
        creator: { kind: 'cli' },
        input: { id: CITY, name: '平泉町', nameEn: 'Hiraizumi', prefecture: '岩手県', code: '034029', fiscalYearStartMonth: '4', adminUsername: '', adminDisplayName: '平泉 太郎', adminEmail: '' },
      });
      expect(created.ok).toBe(true);
      await makeUser(t.ctx, 'hz-sec', CITY, 'secretariat');
      await makeUser(t.ctx, 'hz-ichi', 'ichinoseki', 'secretariat');
      sec = new StaffClient(t.app);
      await sec.login('hz-sec');
    }, 180_000);
    afterAll(() => t?.stop());

    const staffPlans = `/staff/cities/${CITY}/plans`;
    const sheet = (query: string) => t.app.request(`/cities/${CITY}/plans/${PLAN}/sheet${query}`);

    it('builds the plan in the builder and prints every section of the progress sheet, empty ones empty, without a crash', async () => {
      await sec.get(staffPlans);
      const plan = await sec.post(staffPlans, { planId: PLAN, title: '平泉町ＳＤＧｓ未来都市計画', kind: 'sdgs-future-city', periodStart: '2024', periodEnd: '2026' });
      expect(plan.status).toBe(303);
      await sec.get(`${staffPlans}/${PLAN}`);
      for (const title of ['2030年のあるべき姿の実現へ向けた取組', '自治体ＳＤＧｓの推進に資する取組']) {
        expect((await sec.post(`${staffPlans}/${PLAN}/nodes`, { parent: '', kind: 'goal', title })).status).toBe(303);
      }
      const vision = (await loadCityData(t.ctx.db, CITY))!.plans.find((p) => p.id === PLAN)!.nodes[0]!.id;
      const kpi = await sec.submit(`${staffPlans}/${PLAN}`, `${staffPlans}/${PLAN}/nodes/${vision}/kpis/new`, {
        kpiId: 'visitors',
        name: '観光客入込数',
        unit: '万人',
        side: 'economy',
        aggregation: 'per-year',
        direction: 'up',
        method: 'progress-from-baseline',
        baselineAt: '2023年',
        baselineValue: '50',
        targets: '2026年 60',
        sdgTargets: '8.9',
        no: '1',
      });
      expect(kpi.status, visible(kpi.text).match(/[^ ]*(?:してください|ません|です)[^ ]*/g)?.join(' ')).toBe(303);

      const res = await sheet('?year=2024');
      expect(res.status).toBe(200);
      const text = visible(await res.text());
      let at = 0;
      for (const h of [
        'SDGs未来都市等進捗評価シート',
        '１．全体計画（2030年のあるべき姿）',
        '（１）計画タイトル',
        '平泉町ＳＤＧｓ未来都市計画',
        '（２）2030年のあるべき姿',
        '（３）2030年のあるべき姿の実現へ向けた優先的なゴール',
        '（４）2030年のあるべき姿の実現へ向けた取組の達成状況',
        '観光客入込数',
        '（５）',
        '１．全体計画（自治体ＳＤＧｓの推進に資する取組）：計画期間2024年～2026年',
        '（１）自治体SDGsの推進に資する取組の達成状況',
        '（２）自律的好循環の形成へ向けた制度の構築等',
        '（３）',
        '（４）有識者からの取組に対する評価',
        '1.地域の特徴と課題及び目標',
        '8.他地域への展開状況（普及効果）',
      ]) {
        const i = text.indexOf(h, at);
        expect(i, h).toBeGreaterThanOrEqual(0);
        at = i + 1;
      }
      // Nothing the city would have to delete: no placeholder text in an empty section.
      expect(text).not.toContain('記載なし');
      const xlsx = await t.app.request(`/cities/${CITY}/plans/${PLAN}/sheet.xlsx?year=2024`);
      expect(xlsx.status).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await xlsx.arrayBuffer()) as ArrayBuffer);
      const cells: string[] = [];
      wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => void (typeof c.value === 'string' && cells.push(c.value)))));
      expect(cells.join('\n')).toContain('（２）自律的好循環の形成へ向けた制度の構築等');
      expect(cells.join('\n')).not.toMatch(/記載なし|表\(1\)のKPI/);
    });

    it('without a stated period the 様式3-3 names none; the secretariat sets the form and 第N期 on the sheets page, and the sheets follow', async () => {
      const before = visible(await (await sheet('?year=2024&kind=summary')).text());
      expect(before).toContain('SDGs未来都市計画（2024～2026）の進捗評価結果報告シート（様式3-3）');
      expect(before).not.toMatch(/第[0-9０-９]+期SDGs/);
      expect(before).toContain('次期計画（または独自計画）のKPIへの反映状況');

      const page = await sec.get(`${staffPlans}/${PLAN}/sheets`);
      expect(page.status).toBe(200);
      expect(page.text).toContain(`action="${staffPlans}/${PLAN}/sheets/form"`);
      const saved = await sec.post(`${staffPlans}/${PLAN}/sheets/form`, { layout: 'cabinet-office', ordinal: '第１期' });
      expect(saved.status).toBe(303);
      const summary = visible(await (await sheet('?year=2024&kind=summary')).text());
      expect(summary).toContain('第１期SDGs未来都市計画（2024～2026）の進捗評価結果報告シート（様式3-3）');
      expect(summary).toContain('岩手県平泉町　第１期ＳＤＧｓ未来都市計画：計画期間2024年～2026年');
      expect(summary).toContain('第2期計画（または独自計画）のKPIへの反映状況');
      expect(summary).toContain('（３）第１期SDGs未来都市計画の進捗評価結果を踏まえた総括');
      const data = (await loadCityData(t.ctx.db, CITY))!;
      expect(data.plans.find((p) => p.id === PLAN)!.periodOrdinal).toBe(1);
      const log = await t.ctx.db.selectFrom('change_log').selectAll().where('entity_id', '=', `${PLAN}/sheet-form`).execute();
      expect(log.map((l) => [l.actor.includes('hz-sec'), l.new])).toEqual([[true, { layout: 'cabinet-office', ordinal: 1 }]]);

      // The result report instead: its own sheet, the Cabinet Office sheets no longer offered.
      expect((await sec.post(`${staffPlans}/${PLAN}/sheets/form`, { layout: 'result-report', ordinal: '2' })).status).toBe(303);
      expect((await sheet('?year=2024&kind=progress')).status).toBe(400);
      const report = visible(await (await sheet('?year=2024&kind=report')).text());
      expect(report).toContain('SDGs未来都市進捗状況結果報告シート');
      expect(report).toContain('岩手県平泉町 第2期SDGs未来都市計画：計画期間2024年～2026年');
      expect(report).toContain('第3期計画（または独自計画）のKPIへの反映状況');
      expect(report).toContain('1. 地域の特徴と課題及び目標');
      expect(report).toContain('(3) 第2期SDGs未来都市計画の進捗評価結果を踏まえた総括');
      expect((await sec.post(`${staffPlans}/${PLAN}/sheets/form`, { layout: 'cabinet-office', ordinal: '' })).status).toBe(303);
      expect((await loadCityData(t.ctx.db, CITY))!.plans.find((p) => p.id === PLAN)!.periodOrdinal).toBeUndefined();
    });

    it('bad input is a 400 with the message and writes nothing; another city\'s secretariat is refused', async () => {
      await sec.post(`${staffPlans}/${PLAN}/sheets/form`, { layout: 'cabinet-office', ordinal: '1' });
      for (const [form, message] of [
        [{ layout: 'cabinet-office', ordinal: '0' }, '計画の期は 1～99 の数字'],
        [{ layout: 'cabinet-office', ordinal: '第100期' }, '計画の期は 1～99 の数字'],
        [{ layout: 'cabinet-office', ordinal: '1.5' }, '計画の期は 1～99 の数字'],
        [{ layout: 'word', ordinal: '1' }, '様式は一覧から選んでください'],
      ] as const) {
        const r = await sec.post(`${staffPlans}/${PLAN}/sheets/form`, form);
        expect(r.status, JSON.stringify(form)).toBe(400);
        expect(visible(r.text)).toContain(message);
      }
      const plan = (await loadCityData(t.ctx.db, CITY))!.plans.find((p) => p.id === PLAN)!;
      expect([plan.sheetLayout ?? 'cabinet-office', plan.periodOrdinal]).toEqual(['cabinet-office', 1]);
      const other = new StaffClient(t.app);
      await other.login('hz-ichi');
      await other.get('/staff');
      expect((await other.post(`${staffPlans}/${PLAN}/sheets/form`, { layout: 'result-report', ordinal: '5' })).status).toBe(403);
      expect((await other.post(`/staff/cities/ichinoseki/plans/${PLAN}/sheets/form`, { layout: 'result-report', ordinal: '5' })).status).toBe(404);
      expect((await loadCityData(t.ctx.db, CITY))!.plans.find((p) => p.id === PLAN)!.periodOrdinal).toBe(1);
    });

    it('a year outside the plan answers the page linking the plans of that year; another city\'s plan id is a 404', async () => {
      const outside = await sheet('?year=2023');
      expect(outside.status).toBe(404);
      expect(outside.headers.get('content-type')).toContain('text/html');
      const html = await outside.text();
      expect(html).toContain(`/cities/${CITY}/plans/${PLAN}/sheet?year=2024`);
      expect(visible(html)).toContain('2024');
      for (const path of [
        `/cities/${CITY}/plans/ichinoseki-sdgs-future-city-1/sheet?year=2023`,
        `/cities/${CITY}/plans/ichinoseki-sdgs-future-city-1/sheet.xlsx?year=2023`,
        `/cities/ichinoseki/plans/${PLAN}/sheet?year=2024`,
        `/cities/ichinoseki/plans/${PLAN}/sheet.pdf?year=2024`,
      ]) {
        expect((await t.app.request(path)).status, path).toBe(404);
      }
    });
  });
}
