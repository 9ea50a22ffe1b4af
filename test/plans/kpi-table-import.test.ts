import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { City } from '../../src/core/city/city.ts';
import { formatTimePointIso } from '../../src/core/time/time-point.ts';
import { importKpiTable } from '../../src/plans/kpi-table-import.command.ts';
import { KPI_LIST_TEMPLATE_HEADER } from '../../src/plans/kpi-table.ts';
import { loadCityData, saveCityData } from '../../src/cities/city-data.service.ts';
import { buildPlanReport } from '../../src/plans/plan-report.service.ts';
import { testDatabases, useTestDatabase } from '../../src/storage/test-databases.ts';
import { ichinosekiXlsx, kanazawaTemplateCsv, printedRows, tsukubaCsv } from './kpi-table-fixtures.ts';

/*
 * Issue 13.5: the KPI tables the seed cities printed, imported into fresh cities: plan, nodes,
 * KPIs, baselines, targets, actuals and published rates in one transaction; the same file again
 * changes nothing; bad rows (a wrong year, a unit mismatch, a missing 指標名) are problems at row
 * and column and nothing is written. On PGlite and PostgreSQL; the CLI contract on PGlite.
 */

const NOW = new Date('2026-11-30T12:00:00+09:00');
const TODAY = '2026-11-30';
const signal = { invalidate: () => {} };
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'michishirube-kpi-table-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function file(name: string, bytes: Buffer) {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return { path, name };
}

const freshCity = (id: string, name: string): City => ({ id, name, nameEn: id, prefecture: '岩手県', prefectureEn: 'Iwate' });

for (const database of testDatabases()) {
  describe.skipIf(database.skipReason !== null)(`KPI-table import on ${database.name}`, () => {
    const db = useTestDatabase(database);
    const changeLogCount = async () => Number((await db().selectFrom('change_log').select(db().fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

    beforeAll(async () => {
      for (const [id, name] of [['t-ichinoseki', '一関市（取込試験）'], ['t-tsukuba', 'つくば市（取込試験）'], ['t-kanazawa', '金沢市（取込試験）'], ['t-bad', '取込試験']] as const) {
        await saveCityData(db(), { city: freshCity(id, name), documents: [], kpis: [], plans: [], publishedRates: [] }, 'test');
      }
    }, 120_000);

    it('Ichinoseki (4) and (2), .xlsx: every KPI with its figures and published rate; the report recomputes the rates', async () => {
      const f = await file('ichinoseki-4-2.xlsx', await ichinosekiXlsx());
      const dry = await importKpiTable(db(), signal, { cityId: 't-ichinoseki', file: f, planId: 'sdgs-1', dryRun: true, actor: 'test', now: NOW, today: TODAY });
      expect(dry.ok && dry.written).toBe(false);
      expect((await loadCityData(db(), 't-ichinoseki'))!.plans).toEqual([]);
      const r = await importKpiTable(db(), signal, { cityId: 't-ichinoseki', file: f, planId: 'sdgs-1', dryRun: false, actor: 'test', now: NOW, today: TODAY });
      if (!r.ok) throw new Error(JSON.stringify(r));
      expect(r.preview.problems).toEqual([]);
      expect(r.written).toBe(true);
      // The period as the title row states it (never inferred from the actuals' year, 2023).
      expect(r.preview.plan).toMatchObject({ id: 'sdgs-1', action: 'new', period_start: 2021, period_end: 2023 });
      expect(r.preview.plan.nodes.map((n) => n.title)).toEqual(['（４）2030年のあるべき姿の実現へ向けた取組の達成状況', '（２）自治体SDGsの推進に資する取組の達成状況']);
      expect(r.preview.plan.nodes[1]!.children.map((n) => n.title)).toEqual(['多様な人材が活躍するまち', '地域資源が好循環する持続可能なまち', '2030年のその先の未来も見つめるまち']);
      expect(r.preview.kpis).toHaveLength(12);
      expect(r.preview.kpis.filter((k) => k.action === 'new')).toHaveLength(12);
      const data = (await loadCityData(db(), 't-ichinoseki'))!;
      // Nine distinct KPIs: three are printed in both tables (one KPI, two targets).
      expect(data.kpis).toHaveLength(9);
      const farmers = data.kpis.find((k) => k.name === '新規就農者数※累計')!;
      expect(farmers).toMatchObject({ unit: '人', aggregation: 'cumulative', side: 'economy', sdgTargets: ['2.3', '2.4', '8.3', '8.5'], baseline: { value: 13 } });
      expect(farmers.observations.map((o) => [formatTimePointIso(o.at), o.value])).toEqual([['2023', 101]]);
      expect(farmers.targets.map((t) => [t.id, t.value])).toEqual([['2025', 157]]);
      const co2 = data.kpis.find((k) => k.name.startsWith('二酸化炭素排出削減割合'))!;
      expect(co2.targets.map((t) => [t.id, t.value]).sort()).toEqual([['2023', -18.2], ['2025', -20.4]]);
      const employment = data.kpis.find((k) => k.name === '新規高卒者の管内就職率')!;
      // The percent cell (0.474 under 0.0%) is read as displayed: 47.4 %.
      expect(employment.unit).toBe('%');
      expect(employment.observations.find((o) => formatTimePointIso(o.at) === '2023')).toMatchObject({ value: 47.4, decimals: 1 });
      expect(data.publishedRates).toHaveLength(printedRows('ichinoseki').filter((x) => x.rate !== '').length);
      const report = buildPlanReport(data, data.plans.find((p) => p.id === 'sdgs-1')!);
      const rate = (name: string) => report.rows.find((x) => x.kpi.name === name)!.evaluation;
      expect(report.rows).toHaveLength(12);
      expect(JSON.stringify(rate('新規就農者数※累計'))).toContain('61.1');
      expect(data.plans[0]!.nodes[0]!.kpiRows[1]!.reflection).toBe('目標は達成されたものの一層の推進を図る見地から、第２期計画では目標値を上方修正して取り組む。');
    });

    it('the same file again changes nothing (no version, no change-log row)', async () => {
      const f = await file('ichinoseki-4-2.xlsx', await ichinosekiXlsx());
      const before = await changeLogCount();
      const r = await importKpiTable(db(), signal, { cityId: 't-ichinoseki', file: f, planId: 'sdgs-1', dryRun: false, actor: 'test', now: NOW, today: TODAY });
      if (!r.ok) throw new Error(JSON.stringify(r));
      expect(r.written).toBe(false);
      expect(r.preview.plan.action).toBe('unchanged');
      expect(new Set(r.preview.kpis.map((k) => k.action))).toEqual(new Set(['unchanged']));
      expect(await changeLogCount()).toBe(before);
    });

    it('Tsukuba (1) and (2), Shift_JIS CSV: title row gives the plan and period; 取組名 blank below continues; rates as printed', async () => {
      const f = await file('tsukuba.csv', tsukubaCsv());
      const r = await importKpiTable(db(), signal, { cityId: 't-tsukuba', file: f, planId: 'sdgs-2', dryRun: false, actor: 'test', now: NOW, today: TODAY });
      if (!r.ok) throw new Error(JSON.stringify(r));
      expect(r.preview.problems).toEqual([]);
      expect(r.preview.plan).toMatchObject({ title: '茨城県つくば市 第2期SDGs未来都市計画', period_start: 2021, period_end: 2023, action: 'new' });
      expect(r.preview.kpis).toHaveLength(23);
      const data = (await loadCityData(db(), 't-tsukuba'))!;
      const plan = data.plans[0]!;
      expect(plan.nodes[1]!.children.map((c) => [c.title, c.kpiRows.length])).toEqual([
        ['① 市民自らが社会課題解決に向けた取組を実施する', 1],
        ['② つくば市におけるSDGs(持続可能な開発目標)に関する認知度向上', 1],
        ['③Ⅰ 魅力をみんなで創るまち', 3],
        ['③Ⅱ 誰もが自分らしく生きるまち', 3],
        ['③Ⅲ 未来をつくる人が育つまち', 3],
        ['③Ⅳ 市民のために科学技術をいかすまち', 5],
      ]);
      const founders = data.kpis.find((k) => k.name.startsWith('2015年度以降'))!;
      expect(founders).toMatchObject({ unit: '社', baseline: { value: 420 }, sdgTargets: ['8.2', '9.5'] });
      expect(founders.targets[0]).toMatchObject({ value: 1111 });
      const startups = data.kpis.find((k) => k.name.startsWith('つくば市の支援によるテクノロジー') || k.targets.some((t) => t.at.kind === 'period'));
      expect(startups?.targets.some((t) => t.at.kind === 'period')).toBe(true);
      const rates = data.publishedRates.map((p) => p.printed);
      expect(rates).toEqual(expect.arrayContaining(['65%', '-683%', '567%', '219%']));
      expect(data.publishedRates).toHaveLength(23);
    });

    it('Kanazawa, KPI-list template (UTF-8): one KPI printed in two places is one KPI', async () => {
      const f = await file('kanazawa.csv', kanazawaTemplateCsv());
      const r = await importKpiTable(db(), signal, { cityId: 't-kanazawa', file: f, dryRun: false, actor: 'test', now: NOW, today: TODAY });
      if (!r.ok) throw new Error(JSON.stringify(r));
      expect(r.preview.problems).toEqual([]);
      expect(r.preview.plan).toMatchObject({ id: 't-kanazawa-kpi-table', period_start: 2023, period_end: 2025 });
      const data = (await loadCityData(db(), 't-kanazawa'))!;
      const rows = printedRows('kanazawa');
      expect(data.kpis).toHaveLength(new Set(rows.map((x) => x.kpiId)).size);
      const machinori = data.kpis.find((k) => k.name.includes('まちのり'))!;
      expect(machinori.baseline.value).toBe(163666);
      expect(machinori.targets[0]!.value).toBe(100000);
      const young = data.kpis.filter((k) => k.name === '地域連携若者起業家支援事業の採択人数(累計)');
      expect(young).toHaveLength(1);
      expect(young[0]!.baseline).toMatchObject({ at: { kind: 'fiscal-year', year: 2022 }, value: 73 });
    });

    it('bad input: a wrong year, a unit mismatch and a missing 指標名 are problems at row and column; nothing is written', async () => {
      const rows = printedRows('ichinoseki');
      const bad = rows.map((r, i) =>
        i === 0 ? { ...r, actual: { at: '2031年', value: '101 人' } } : i === 1 ? { ...r, actual: { at: '2023年', value: '163 t' } } : i === 2 ? { ...r, name: '', sdg: '' } : r,
      );
      const f = await file('bad.xlsx', await ichinosekiXlsx(bad));
      const before = await changeLogCount();
      const r = await importKpiTable(db(), signal, { cityId: 't-bad', file: f, dryRun: false, actor: 'test', now: NOW, today: TODAY });
      if (!r.ok) throw new Error(JSON.stringify(r));
      expect(r.written).toBe(false);
      expect(r.preview.problems.map((p) => [p.row, p.column, p.kind])).toEqual([
        [6, 'G', 'wrong-year'],
        [7, 'G', 'unit-mismatch'],
        [8, 'C', 'missing-name'],
      ]);
      expect(r.preview.problems[0]!.message.ja).toContain('将来');
      expect(r.preview.problems[1]!.message.en).toContain('"t"');
      const data = (await loadCityData(db(), 't-bad'))!;
      expect(data.plans).toEqual([]);
      expect(data.kpis).toEqual([]);
      expect(await changeLogCount()).toBe(before);
      // A unit other than the stored KPI's, in a later file: refused, never converted.
      const other = rows.slice(0, 1).map((x) => ({ ...x, baseline: { at: '2020年', value: '13 件' }, actual: { at: '2023年', value: '101 件' }, target: { at: '2025年', value: '157 件' } }));
      const r2 = await importKpiTable(db(), signal, { cityId: 't-ichinoseki', file: await file('other-unit.xlsx', await ichinosekiXlsx(other)), planId: 'sdgs-1', dryRun: false, actor: 'test', now: NOW, today: TODAY });
      if (!r2.ok) throw new Error(JSON.stringify(r2));
      expect(r2.preview.problems.map((p) => [p.row, p.kind])).toEqual([[6, 'unit-mismatch']]);
      expect(r2.written).toBe(false);
    });

    it('a KPI list without its period row: a new plan is asked for its period at row 1, column A (never inferred from the actuals); an existing plan or the period row lets it through', async () => {
      const f = await file('kanazawa-no-period.csv', kanazawaTemplateCsv(printedRows('kanazawa'), { period: false }));
      const asked = await importKpiTable(db(), signal, { cityId: 't-kanazawa', file: f, planId: 'no-period', dryRun: false, actor: 'test', now: NOW, today: TODAY });
      if (!asked.ok) throw new Error(JSON.stringify(asked));
      expect(asked.written).toBe(false);
      expect(asked.preview.problems.map((p) => [p.row, p.column, p.kind])).toEqual([[1, 'A', 'missing-period']]);
      expect(asked.preview.problems[0]!.message.ja).toContain('計画期間がありません');
      expect((await loadCityData(db(), 't-kanazawa'))!.plans.map((p) => p.id)).not.toContain('no-period');
      // Into the plan the template with its period row created: no period needed, nothing to change.
      const existing = await importKpiTable(db(), signal, { cityId: 't-kanazawa', file: f, planId: 't-kanazawa-kpi-table', dryRun: true, actor: 'test', now: NOW, today: TODAY });
      if (!existing.ok) throw new Error(JSON.stringify(existing));
      expect(existing.preview.problems).toEqual([]);
      expect(existing.preview.plan).toMatchObject({ action: 'unchanged', period_start: 2023, period_end: 2025 });
    });

    it('attack pass: 1e20, a nameless row and a direction it cannot read are refused at row and column, nothing written; 下 and 上 import as down and up', async () => {
      const header = KPI_LIST_TEMPLATE_HEADER.join(',');
      const csv = (...rows: string[]) => Buffer.from(`計画期間：2024年～2026年\n${header}\n${rows.join('\n')}\n`, 'utf8');
      const before = await changeLogCount();
      const bad = await importKpiTable(db(), signal, {
        cityId: 't-bad',
        file: await file('attack.csv', csv('1,経済,取組A,指標A,,人,2023年,1e20,,,2026年,200,,,上', '2,経済,取組A,,,人,,,,,,,,,', '3,経済,取組A,指標C,,人,2023年,100,,,2026年,50,,,維持', '4,経済,取組A,指標D,,人,2023年,"1,234.5",,,2026年,△12,,,右')),
        dryRun: false,
        actor: 'test',
        now: NOW,
        today: TODAY,
      });
      if (!bad.ok) throw new Error(JSON.stringify(bad));
      expect(bad.written).toBe(false);
      expect(bad.preview.problems.map((p) => [p.row, p.column, p.kind])).toEqual([
        [3, 'H', 'unreadable-number'],
        [4, 'D', 'missing-name'],
        [5, 'O', 'unreadable-direction'],
        [6, 'O', 'unreadable-direction'],
      ]);
      expect(bad.preview.problems[0]!.message.ja).toContain('指数表記');
      expect((await loadCityData(db(), 't-bad'))!.kpis).toEqual([]);
      expect(await changeLogCount()).toBe(before);
      const good = await importKpiTable(db(), signal, {
        cityId: 't-bad',
        file: await file('attack-fixed.csv', csv('1,経済,取組A,指標A,,人,2023年,"100,000,000,000,000,000,000",,,2026年,"200,000,000,000,000,000,000",,,上', '3,経済,取組A,指標C,,人,2023年,１００,,,2026年,50,,,下', '4,経済,取組A,指標D,,人,2023年,"1,234.5",,,2026年,△12,,,下')),
        planId: 'attack',
        dryRun: false,
        actor: 'test',
        now: NOW,
        today: TODAY,
      });
      if (!good.ok) throw new Error(JSON.stringify(good));
      expect(good.preview.problems).toEqual([]);
      expect(good.written).toBe(true);
      const kpis = (await loadCityData(db(), 't-bad'))!.kpis;
      expect(kpis.map((k) => [k.name, k.direction, k.baseline.value, k.targets[0]!.value])).toEqual([
        ['指標A', 'up', 1e20, 2e20],
        ['指標C', 'down', 100, 50],
        ['指標D', 'down', 1234.5, -12],
      ]);
    });

    it('a file that is not a KPI table, or an unknown city, writes nothing', async () => {
      const r = await importKpiTable(db(), signal, { cityId: 't-bad', file: await file('notes.csv', Buffer.from('メモ,内容\na,b\n')), dryRun: false, actor: 'test', now: NOW, today: TODAY });
      if (!r.ok) throw new Error(JSON.stringify(r));
      expect(r.preview.problems.map((p) => p.kind)).toEqual(['no-table']);
      const unknown = await importKpiTable(db(), signal, { cityId: 'nowhere', file: await file('k.csv', kanazawaTemplateCsv()), dryRun: false, actor: 'test', now: NOW, today: TODAY });
      expect(unknown).toEqual({ ok: false, kind: 'unknown-city' });
    });
  });
}

describe('michishirube plan import (CLI contract)', () => {
  const saved = { DATA_DIR: process.env['DATA_DIR'], DATABASE_URL: process.env['DATABASE_URL'] };
  beforeAll(() => {
    process.env['DATA_DIR'] = join(dir, 'cli-db');
    delete process.env['DATABASE_URL'];
  });
  afterAll(() => {
    process.env['DATA_DIR'] = saved.DATA_DIR;
    if (saved.DATABASE_URL) process.env['DATABASE_URL'] = saved.DATABASE_URL;
  });
  const run = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(args, (s) => out.push(s), (s) => err.push(s));
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('--dry-run --json previews, the commit writes, report --json lists the KPIs with their rates, again changes nothing', async () => {
    const cityFile = join(dir, 'city.json');
    await writeFile(cityFile, JSON.stringify({ format: 'michishirube-plan-data/1', city: { id: 'newtown', name: '新町', nameEn: 'Newtown', prefecture: '茨城県', prefectureEn: 'Ibaraki' }, documents: [], kpis: [], plans: [] }));
    const created = await run('import', cityFile);
    expect(created.err).toBe('');
    expect(created.code).toBe(0);
    const f = await file('tsukuba-cli.csv', tsukubaCsv());
    const dry = await run('plan', 'import', f.path, '--city', 'newtown', '--plan', 'newtown-sdgs-2', '--dry-run', '--json');
    expect(dry.code).toBe(0);
    const preview = JSON.parse(dry.out) as { plan: { id: string; action: string }; kpis: { row: number; name: string; kpi_id: string; action: string; baseline: { at: string; value: number }; targets: unknown[]; actuals: unknown[] }[]; problems: unknown[]; written: boolean };
    expect(preview.plan).toMatchObject({ id: 'newtown-sdgs-2', action: 'new' });
    expect(preview.kpis[0]).toEqual(expect.objectContaining({ row: 5, name: '2015年度以降の産業競争力強化法に基づく新規創業者数', action: 'new', baseline: { at: '2020', value: 420, unit: '社' }, targets: [{ at: '2030', value: 1111 }], actuals: [{ at: '2024-03', value: 871 }] }));
    expect(preview.problems).toEqual([]);
    expect(preview.written).toBe(false);
    expect((await run('plans', 'newtown')).out).toBe('');
    const commit = await run('plan', 'import', f.path, '--city', 'newtown', '--plan', 'newtown-sdgs-2');
    expect(commit.code).toBe(0);
    expect(commit.out).toContain('imported 23 KPI row(s) into newtown-sdgs-2');
    const report = await run('report', 'newtown', 'newtown-sdgs-2', '--json');
    expect(report.code).toBe(0);
    const lines = report.out.split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(23);
    expect(JSON.stringify(lines[0])).toContain('2015年度以降の産業競争力強化法に基づく新規創業者数');
    expect(JSON.stringify(lines[0])).toContain('65');
    const again = await run('plan', 'import', f.path, '--city', 'newtown', '--plan', 'newtown-sdgs-2', '--json');
    const second = JSON.parse(again.out) as { kpis: { action: string }[]; written: boolean };
    expect(second.written).toBe(false);
    expect(new Set(second.kpis.map((k) => k.action))).toEqual(new Set(['unchanged']));
    const bad = await run('plan', 'import', join(dir, 'missing.csv'), '--city', 'newtown');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('no such file');
  }, 180_000);

  it('every --dry-run exits 2 (as the refused commit does) when it lists problems, in JSON and text; 0 when it lists none', async () => {
    const header = KPI_LIST_TEMPLATE_HEADER.join(',');
    const problems = await file('problems.csv', Buffer.from(`計画期間：2024年～2026年\n${header}\n1,経済,取組A,指標A,,人,2023年,1e20,,,2026年,200,,,下\n2,経済,取組A,,,人,,,,,,,,,\n`, 'utf8'));
    const answers: string[] = [];
    for (const mode of [['--dry-run', '--json'], ['--dry-run'], ['--json'], []]) {
      const r = await run('plan', 'import', problems.path, '--city', 'newtown', '--plan', 'attack-cli', ...mode);
      answers.push(`${mode.join(' ') || 'commit'}: ${r.code}`);
      if (mode.includes('--json')) expect((JSON.parse(r.out) as { problems: { row: number; column: string }[] }).problems.map((p) => `${p.column}${p.row}`)).toEqual(['H3', 'D4']);
      else expect(`${r.out}\n${r.err}`).toContain('2 problem(s); nothing was imported');
    }
    expect(answers).toEqual(['--dry-run --json: 2', '--dry-run: 2', '--json: 2', 'commit: 2']);
    expect((await run('plans', 'newtown')).out).not.toContain('attack-cli');
    // The observation import's --dry-run: the same exit code as its refused commit.
    const actuals = await file('actuals.csv', Buffer.from('指標ID,時点,値,単位,説明\nno-such-kpi,2024年,1e20,人,検証\n', 'utf8'));
    const observed: string[] = [];
    for (const mode of [['--dry-run', '--json'], ['--dry-run'], ['--json'], []]) observed.push(`${mode.join(' ') || 'commit'}: ${(await run('import', actuals.path, '--city', 'newtown', ...mode)).code}`);
    expect(observed).toEqual(['--dry-run --json: 2', '--dry-run: 2', '--json: 2', 'commit: 2']);
    const clean = await run('plan', 'import', (await file('tsukuba-again.csv', tsukubaCsv())).path, '--city', 'newtown', '--plan', 'newtown-sdgs-2', '--dry-run', '--json');
    expect(clean.code).toBe(0);
  }, 120_000);
});
