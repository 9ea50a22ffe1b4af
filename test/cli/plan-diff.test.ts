import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { unzipSync, strFromU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { addNode, recordPlanVersion } from '../../src/plans/plan.commands.ts';
import { listPlanVersionSummaries } from '../../src/plans/plan-diff.service.ts';
import { loadCityData } from '../../src/cities/city-data.service.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { findKpiBySlug } from '../../src/kpis/kpi.repository.ts';
import { findPlanBySlug } from '../../src/plans/plan.repository.ts';
import { reviseTarget } from '../../src/kpis/target.repository.ts';

/*
 * `michishirube plan diff` (issue 13.6): a seeded plan starts with its 策定 version; after a
 * revision (a target raised with its reason, a node added) the 新旧対照表 written as .xlsx and
 * .docx says so — read back from the files (the .docx unzipped, word/document.xml's text).
 */

let dir: string;
const saved = { DATA_DIR: process.env['DATA_DIR'], DATABASE_URL: process.env['DATABASE_URL'] };
const PLAN = 'ichinoseki-sdgs-future-city-1';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'michishirube-plan-diff-'));
  process.env['DATA_DIR'] = join(dir, 'db');
  delete process.env['DATABASE_URL'];
});
afterAll(async () => {
  process.env['DATA_DIR'] = saved.DATA_DIR;
  if (saved.DATABASE_URL) process.env['DATABASE_URL'] = saved.DATABASE_URL;
  await rm(dir, { recursive: true, force: true });
});

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, (s) => out.push(s), (s) => err.push(s));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('michishirube plan diff', () => {
  it('writes the 新旧対照表 of the seed 策定 and a revision as .xlsx and .docx', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect((await run('init')).code).toBe(0);
    } finally {
      spy.mockRestore();
    }
    const opened = await openDatabase({ dataDir: process.env['DATA_DIR']! });
    let kpiName = '';
    try {
      const db = opened.db;
      const versions = await listPlanVersionSummaries(db, 'ichinoseki', PLAN);
      expect(versions.map((v) => [v.number, v.kind])).toEqual([[1, 'adopted']]);
      const data = (await loadCityData(db, 'ichinoseki'))!;
      const plan = data.plans.find((p) => p.id === PLAN)!;
      const kpiId = plan.nodes.flatMap(function all(n): string[] { return [...n.kpiRows.map((r) => r.kpiId), ...n.children.flatMap(all)]; })[0]!;
      const kpi = data.kpis.find((k) => k.id === kpiId)!;
      kpiName = kpi.name;
      const target = kpi.targets.at(-1)!;
      await reviseTarget(db, { kpiId: (await findKpiBySlug(db, 'ichinoseki', kpiId))!.id, targetSlug: target.id, newValue: target.value + 10, reason: '目標達成のため上方修正', revisedOn: '2024-09-30' }, 'sec');
      const signal = { invalidate: () => {} };
      await addNode(db, signal, { cityId: 'ichinoseki', actor: 'sec', planId: PLAN, parentNodeId: null, nodeId: 'partners', node: { kind: 'initiative', title: 'SDGsパートナー登録制度の推進' } });
      const version = (await findPlanBySlug(db, 'ichinoseki', PLAN))!.version;
      expect(await recordPlanVersion(db, signal, { cityId: 'ichinoseki', actor: 'sec', planId: PLAN, version, kind: 'revised', label: '改訂版', date: '2024-09-30', reason: '第2期計画に向けた改訂' })).toEqual({ ok: true, value: { number: 2 } });
      // A second 策定 is refused at the kind field: a plan is adopted once, then revised.
      const again = await recordPlanVersion(db, signal, { cityId: 'ichinoseki', actor: 'sec', planId: PLAN, version: (await findPlanBySlug(db, 'ichinoseki', PLAN))!.version, kind: 'adopted', date: '2024-10-01' });
      expect(again.ok).toBe(false);
      expect(!again.ok && again.errors?.['kind']).toMatchObject({ kindOf: 'plans.error.alreadyAdopted' });
      expect((await listPlanVersionSummaries(db, 'ichinoseki', PLAN)).length).toBe(2);
    } finally {
      await opened.close();
    }

    const xlsxPath = join(dir, 'diff.xlsx');
    const x = await run('plan', 'diff', 'ichinoseki', PLAN, '--from', '1', '--to', '2', '--out', xlsxPath);
    expect(x.err).toBe('');
    expect(x.code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsxPath);
    const ws = wb.worksheets[0]!;
    const rows: string[][] = [];
    ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
    expect(rows[0]![0]).toContain('新旧対照表');
    // eachRow skips the empty third row: the header is the third row read.
    expect(rows[2]).toEqual(['区分', '箇所', '項目', '旧', '新', '理由']);
    const changed = rows.find((r) => r[0] === '目標値の変更')!;
    expect(changed[1]).toBe(kpiName);
    expect(changed[5]).toBe('目標達成のため上方修正（2024-09-30）');
    // Every changed row is as tall as its wrapped text (Calc printed one line of each and cut the rest).
    for (let n = 5; n <= ws.rowCount; n++) {
      const row = ws.getRow(n);
      const longest = Math.max(...(row.values as unknown[]).slice(1).map((v, i) => [...String(v ?? '')].reduce((u, ch) => u + (ch.charCodeAt(0) > 0x2e80 ? 2 : 1), 0) / (ws.getColumn(i + 1).width ?? 9)));
      expect(row.height, `row ${n}`).toBeGreaterThanOrEqual(Math.min(409, 14 * Math.ceil(longest)));
    }
    expect(rows.find((r) => r[0] === '項目の追加')).toEqual(['項目の追加', 'SDGsパートナー登録制度の推進', '項目', '', 'SDGsパートナー登録制度の推進', '第2期計画に向けた改訂']);

    const docxPath = join(dir, 'diff.docx');
    expect((await run('plan', 'diff', 'ichinoseki', PLAN, '--from', '1', '--to', '2', '--out', docxPath)).code).toBe(0);
    const files = unzipSync(new Uint8Array(await readFile(docxPath)));
    const text = strFromU8(files['word/document.xml']!).replace(/<w:br\/>/g, '\n').replace(/<[^>]+>/g, '');
    expect(text).toContain('新旧対照表');
    expect(text).toContain('目標値の変更');
    expect(text).toContain(kpiName);
    expect(text).toContain('目標達成のため上方修正（2024-09-30）');
    expect(text).toContain('SDGsパートナー登録制度の推進');

    // Mistakes: one line, exit 2.
    const unknown = await run('plan', 'diff', 'ichinoseki', PLAN, '--from', '1', '--to', '9', '--out', xlsxPath);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(new RegExp(`^michishirube: plan "${PLAN}" has no version 9; recorded versions: 1 \\([^)]+\\), 2 \\(改訂版 2024-09-30\\)$`));
    expect((await run('plan', 'diff', 'ichinoseki', PLAN, '--from', '1', '--to', '2', '--out', join(dir, 'x.pdf'))).err).toBe('michishirube: --out must end in .xlsx or .docx, not "' + join(dir, 'x.pdf') + '"');
    expect((await run('plan', 'diff', 'ichinoseki', PLAN, '--from', 'one', '--to', '2', '--out', xlsxPath)).code).toBe(2);
    expect((await run('plan', 'diff', 'ichinoseki', 'nope', '--from', '1', '--to', '2', '--out', xlsxPath)).err).toMatch(/^michishirube: unknown plan "nope" in ichinoseki; known: /);
  }, 300_000);
});
