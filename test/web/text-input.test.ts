import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { validateCityInput } from '../../src/cities/city-input.ts';
import { readPlanData } from '../../src/formats/plan-data/plan-data.reader.ts';
import { readKpiTable } from '../../src/plans/kpi-table.ts';
import { describeStaffApp } from '../support/staff-app.ts';
import { hiddenFields, StaffClient } from './staff-helpers.ts';

/*
 * Issue 13 (gap 2): titles, names, codes, descriptions refuse C1 controls and the invisible
 * format characters that can spoof a text (bidi overrides and isolates, zero-width characters),
 * with the field named, at every way in: the plan builder's and the KPI forms (422, the message
 * next to the field, the input kept, nothing written), the input guard (C1: 400 naming the
 * field), the next period, city creation, the KPI-table import (row and column) and the plan
 * data file (JSON path). Japanese text, full-width forms and line breaks in descriptions pass.
 * The HTTP part on PGlite and PostgreSQL.
 */

const RLO = '\u202E';
const ZWSP = '\u200B';
const RLI = '\u2067';

describeStaffApp('text input rules over HTTP', [['tx-sec', 'tsukuba', 'secretariat']], (app) => {
  const logCount = async () => Number((await sql<{ n: string }>`select count(*)::text as n from change_log`.execute(app().ctx.db)).rows[0]!.n);

  it('refuses spoofing characters field by field, keeps the input, writes nothing; accepts Japanese and line breaks in descriptions', async () => {
    const a = new StaffClient(app().app);
    await a.login('tx-sec');
    await a.get('/staff/cities/tsukuba/plans');
    const before = await logCount();
    const plan = (await app().ctx.store.getStaff('tsukuba'))!.data.plans[0]!;
    const page = `/staff/cities/tsukuba/plans/${plan.id}`;
    const node = plan.nodes[0]!;
    const kpi = (await app().ctx.store.getStaff('tsukuba'))!.data.kpis[0]!;

    // A plan whose title reads 「2025」 but is stored 「5202」 backwards.
    const created = await a.post('/staff/cities/tsukuba/plans', { planId: 'spoof', title: `計画${RLO}5202${'\u202C'}`, kind: 'sdgs-future-city', periodStart: '2024', periodEnd: '2026' });
    expect(created.status).toBe(422);
    expect(created.text).toContain('見えない書式文字（U+202E');
    expect(created.text).toContain('value="spoof"');
    // A node code with a zero-width space; a node description of three lines is fine.
    const opened = await a.get(page);
    const nodeForm = { parent: '', kind: 'goal', title: '目標', description: '一行目\n二行目\n三行目' };
    const zw = await a.post(`${page}/nodes`, { ...nodeForm, code: `1${ZWSP}-1` });
    expect(zw.status).toBe(422);
    expect(zw.text).toContain('U+200B');
    // A KPI created with an isolate in its name, edited with an override in its definition.
    const v = hiddenFields(opened.text, `${page}/nodes/${node.id}/archive`);
    const kpiForm = { ...v, name: `新規就農者数${RLI}`, unit: '人', side: 'economy', aggregation: 'snapshot', direction: 'up', method: 'progress-from-baseline', baselineAt: '2020年', baselineValue: '10', targets: '2025年 20' };
    const newKpi = await a.post(`${page}/nodes/${node.id}/kpis/new`, kpiForm);
    expect(newKpi.status).toBe(422);
    expect(newKpi.text).toContain('U+2067');
    const kpiPage = await a.get(`/staff/cities/tsukuba/kpis/${kpi.id}`);
    const edit = await a.post(`/staff/cities/tsukuba/kpis/${kpi.id}/edit`, { ...hiddenFields(kpiPage.text, `/staff/cities/tsukuba/kpis/${kpi.id}/edit`), definition: `定義${RLO}` });
    expect(edit.status).toBe(422);
    expect(edit.text).toContain('U+202E');
    // The plan head edited on the plan page: a C1 control is refused by the input guard, naming the field.
    const c1 = await a.post(page, { ...hiddenFields(opened.text, page), title: `計画\u0085` });
    expect(c1.status).toBe(400);
    expect(c1.text).toContain('title');
    expect(c1.text).toContain('U+0085');
    // The next period's title.
    const next = await a.post(`${page}/next-period`, { id: 'spoof-next', title: `第3期${RLO}`, from: '2027', to: '2029' });
    expect(next.status).toBe(422);
    expect(next.text).toContain('計画の名称に見えない書式文字（U+202E');
    expect(await logCount()).toBe(before);

    // What cities type passes: Japanese with full-width digits and 【】, a three-line description.
    const ok = await a.post(`${page}/nodes`, { ...nodeForm, code: '１－１', title: '新規就農者の確保【２．３】' });
    expect(ok.status).toBe(303);
    const saved = (await app().ctx.store.getStaff('tsukuba'))!.data.plans[0]!.nodes.find((n) => n.title === '新規就農者の確保【２．３】')!;
    expect(saved.description).toBe('一行目\n二行目\n三行目');
  }, 120_000);
});

describe('text input rules at the other ways in', () => {
  it('city creation names the field', () => {
    const r = validateCityInput({ id: 'spoof', name: `一関${RLO}市`, nameEn: `Ichi${ZWSP}noseki`, prefecture: '岩手県', code: '032093', adminDisplayName: `管理者${RLI}` });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toMatchObject({ name: { kind: 'invisible' }, nameEn: { kind: 'invisible' }, adminDisplayName: { kind: 'invisible' } });
    expect(validateCityInput({ id: 'ok', name: '一関市', nameEn: 'Ichinoseki', prefecture: '岩手県', code: '032093' }).ok).toBe(true);
  });

  it('the KPI-table import names the row and column', () => {
    const cell = (column: string, raw: string) => ({ column, raw, display: raw });
    const rows = [
      { row: 1, cells: [cell('A', '指標名'), cell('B', '単位'), cell('C', '当初値'), cell('D', ''), cell('E', '目標値'), cell('F', '')] },
      { row: 2, cells: [cell('A', ''), cell('B', ''), cell('C', '年'), cell('D', '値'), cell('E', '年'), cell('F', '値')] },
      { row: 3, cells: [cell('A', `新規就農者数${RLO}`), cell('B', '人'), cell('C', '2020年'), cell('D', '10'), cell('E', '2025年'), cell('F', '20')] },
      { row: 4, cells: [cell('A', '観光客数\n【8.9】'), cell('B', `人${ZWSP}`), cell('C', '2020年'), cell('D', '10'), cell('E', '2025年'), cell('F', '20')] },
    ];
    const table = readKpiTable(rows as never, 2026);
    const bad = table.problems.filter((p) => p.kind === 'bad-text');
    expect(bad.map((p) => [p.row, p.column])).toEqual([
      [3, 'A'],
      [4, 'B'],
    ]);
    expect(bad[0]!.message.ja).toContain('3行目・A列：見えない書式文字（U+202E');
    expect(bad[1]!.message.en).toContain('row 4, column B');
  });

  it('the plan data file (CLI import) names the JSON path', () => {
    const r = readPlanData({ city: { id: 'x', name: `市${RLO}`, nameEn: 'X', prefecture: '岩手県' }, documents: [], kpis: [], plans: [] });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toContainEqual({ path: 'city.name', message: expect.stringContaining('U+202E') });
  });
});
