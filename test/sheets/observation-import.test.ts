import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { zipSync } from 'fflate';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progressSheetXlsxBuffer } from '../../src/formats/xlsx/progress-sheet.xlsx.ts';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { loadCityData } from '../../src/cities/city-data.service.ts';
import { commitObservationImport, MAX_IMPORT_ROWS, previewObservationImport } from '../../src/actuals/observation-import.service.ts';
import { prepareSheet } from '../../src/sheets/progress-sheet.service.ts';
import { listChangeLog } from '../../src/storage/change-log.repository.ts';

let ctx: AppContext;
let dir: string;
beforeAll(async () => {
  ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: true, inMemory: true });
  dir = await mkdtemp(join(tmpdir(), 'michishirube-import-'));
});
afterAll(async () => {
  await ctx.close();
  await rm(dir, { recursive: true, force: true });
});

const file = async (name: string, bytes: Uint8Array | string) => {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return { path, name };
};
const HEADER = '指標ID,指標名,SDGターゲット,時点,値,単位,備考,出典';

async function exportSheet(cityId: string, kind: 'progress' | 'summary' | 'report'): Promise<Uint8Array> {
  const data = (await ctx.store.get(cityId))!;
  const plan = data.plans.find((p) => p.kind === 'sdgs-future-city')!;
  const r = prepareSheet(data, { planId: plan.id, kind, year: 2023 });
  if (!r.ok) throw new Error('no sheet');
  // The export for re-import carries the 指標ID column; the submission file does not (issue 14).
  return progressSheetXlsxBuffer(r.sheet, 'ja', 'reimport');
}

describe('importing actuals', () => {
  it('export then re-import gives identical data and writes nothing (both cities, every sheet)', async () => {
    for (const [cityId, kinds] of [
      ['ichinoseki', ['progress', 'summary']],
      ['tsukuba', ['report']],
    ] as const) {
      for (const kind of kinds) {
        const before = await loadCityData(ctx.db, cityId);
        const logBefore = (await listChangeLog(ctx.db, { cityId })).length;
        const f = await file(`${cityId}-${kind}.xlsx`, await exportSheet(cityId, kind));
        const r = await commitObservationImport(ctx.db, f, { actor: 'test', reason: 'round trip' });
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.value.preview.format).toBe('sheet');
        expect(r.value.preview.cityId).toBe(cityId);
        expect(r.value.preview.problems).toEqual([]);
        expect(r.value.preview.changes).toEqual([]);
        expect(r.value.preview.unchanged).toBeGreaterThan(5);
        expect(r.value.written).toBe(0);
        expect(await loadCityData(ctx.db, cityId)).toEqual(before);
        expect((await listChangeLog(ctx.db, { cityId })).length).toBe(logBefore);
      }
    }
  });

  it('a Shift_JIS CSV of the template commits in one go with history, and re-importing it changes nothing', async () => {
    // 120 人 turns 新規就農者数 to 遅れ: the 説明 column gives the explanation that asks for (issue 10, point 3).
    const csv = `${HEADER},説明\r\nnew-farmers,新規就農者数※累計,【2.3,2.4,8.3,8.5】,2024年,120 人,人,速報値,農政課,天候不順で就農時期が遅れた\r\nwomen-on-councils,,,令和6年,52.3,％,,,\r\n`;
    const f = await file('sjis.csv', iconv.encode(csv.replace('【2.3,2.4,8.3,8.5】', '"【2.3,2.4,8.3,8.5】"'), 'cp932'));
    const preview = await previewObservationImport(ctx.db, { ...f, cityId: 'ichinoseki' });
    expect(preview.ok && preview.value.encoding).toBe('shift_jis');
    const r = await commitObservationImport(ctx.db, { ...f, cityId: 'ichinoseki' }, { actor: 'tester', reason: '2024 actuals' });
    expect(r.ok && r.value.written).toBe(2);
    const data = (await loadCityData(ctx.db, 'ichinoseki'))!;
    const farmers = data.kpis.find((k) => k.id === 'new-farmers')!.observations.find((o) => o.at.kind === 'year' && o.at.year === 2024)!;
    expect(farmers).toMatchObject({ value: 120, note: '速報値', source: '農政課' });
    const log = await listChangeLog(ctx.db, { cityId: 'ichinoseki' });
    expect(log.some((e) => e.actor === 'tester' && e.reason === '2024 actuals' && e.entity_id === 'new-farmers@2024')).toBe(true);
    const again = await commitObservationImport(ctx.db, { ...f, cityId: 'ichinoseki' }, { actor: 'tester', reason: 'again' });
    expect(again.ok && again.value.written).toBe(0);
  });

  it('lists every problem with row, column, raw value and what is wrong, and writes nothing', async () => {
    const rows = [
      'new-farmers,,【2.3,2.4】,2024年,130,人,,', // SDG targets differ from the KPI's
      'new-farmers,,【2.9】,2024年,130,人,,', // unknown SDG target
      'no-such-kpi,,,2024年,1,人,,',
      'new-farmers,,,2024年13月,130,人,,',
      'new-farmers,,,2025年,百三十,人,,',
      'women-on-councils,,,2024年,130,%,,',
      'new-products-technologies,,,2024年,170,件,,',
      'new-products-technologies,,,2024年,171,件,,',
      'fuel-wood-production,,,2024年,80,t,,',
    ].map((r) => r.replace(/(【[^】]*】)/, '"$1"'));
    const f = await file('bad.csv', `${HEADER}\n${rows.join('\n')}\n`);
    const before = await loadCityData(ctx.db, 'ichinoseki');
    const r = await commitObservationImport(ctx.db, { ...f, cityId: 'ichinoseki' }, { actor: 'test', reason: 'bad' });
    expect(r.ok).toBe(false);
    const problems = !r.ok && r.error.kind === 'rows' ? r.error.preview.problems : [];
    expect(problems.map((p) => [p.kind, p.row, p.column, p.raw])).toEqual([
      ['sdg-targets-differ', 2, 'C', '【2.3,2.4】'],
      ['unknown-sdg-target', 3, 'C', '【2.9】'],
      ['unknown-kpi', 4, 'A', 'no-such-kpi'],
      ['unreadable-date', 5, 'D', '2024年13月'],
      ['text-in-number-cell', 6, 'E', '百三十'],
      ['percentage-out-of-range', 7, 'E', '130'],
      ['duplicate-row', 9, 'D', '2024年'],
      ['unit-mismatch', 10, 'F', 't'],
    ]);
    for (const p of problems) expect(p.message.ja.length * p.message.en.length).toBeGreaterThan(0);
    expect(await loadCityData(ctx.db, 'ichinoseki')).toEqual(before);
  });

  it('accepts a signed percentage where the KPI itself is signed (CO₂ −21.7 % vs 2013)', async () => {
    const f = await file('co2.csv', `${HEADER}\nco2-reduction-vs-2013,,,2024年,-23.0,%,,\n`);
    const r = await previewObservationImport(ctx.db, { ...f, cityId: 'ichinoseki' });
    expect(r.ok && r.value.problems).toEqual([]);
    expect(r.ok && r.value.changes.map((c) => [c.kind, c.value, c.decimals])).toEqual([['new', -23, 1]]);
  });

  it('refuses hostile or broken files with a clear message and writes nothing', async () => {
    const cityId = 'tsukuba';
    const expectError = async (name: string, bytes: Uint8Array | string, kind: string) => {
      const r = await commitObservationImport(ctx.db, { ...(await file(name, bytes)), cityId }, { actor: 't', reason: 'r' });
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error.kind === 'file' ? r.error.file.kind : 'problems').toBe(kind);
    };
    await expectError('empty.xlsx', new Uint8Array(0), 'empty-file');
    await expectError('empty.csv', '', 'empty-file');
    await expectError('report.xlsx', '%PDF-1.7 this is not a workbook', 'not-xlsx');
    await expectError('notes.xlsx', `${HEADER}\nx,,,2024年,1,,,\n`, 'not-xlsx');
    // A zip bomb: 400 MB of zeros that compress to a few hundred kB.
    const bomb = zipSync({ 'xl/worksheets/sheet1.xml': new Uint8Array(400 * 1024 * 1024) }, { level: 9 });
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    await expectError('bomb.xlsx', bomb, 'zip-bomb');
    // A 50 MB file: refused by its size, before it is read.
    const big = await file('big.csv', '');
    await truncate(big.path, 50 * 1024 * 1024 + 1);
    const r = await previewObservationImport(ctx.db, { ...big, cityId });
    expect(!r.ok && r.error.kind).toBe('too-large');
    await expectError('plan.pdf', 'x', 'unsupported-type');
  });

  it('reports formulas referring to other workbooks and merged cells in the data area', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('実績');
    ws.addRow(HEADER.split(','));
    ws.addRow(['usable-open-data', '', '', '2024年', { formula: '[1]Sheet1!A1', result: 200 }, '件']);
    ws.addRow(['low-carbon-certified-homes', '', '', '2024年', 470, '戸']);
    ws.addRow(['low-carbon-certified-homes', '', '', '2025年', 480, '戸']);
    ws.mergeCells('E3:E4');
    const f = await file('hostile.xlsx', new Uint8Array(await wb.xlsx.writeBuffer()));
    const r = await previewObservationImport(ctx.db, { ...f, cityId: 'tsukuba' });
    expect(r.ok).toBe(true);
    const kinds = r.ok ? r.value.problems.map((p) => [p.kind, p.row, p.column, p.raw]) : [];
    expect(kinds).toContainEqual(['external-reference', 2, 'E', '=[1]Sheet1!A1']);
    expect(kinds).toContainEqual(['merged-cells', 3, 'E', 'E3:E4']);
    expect(kinds).toContainEqual(['merged-cells', 4, 'E', 'E3:E4']);
  });

  it(`takes ${MAX_IMPORT_ROWS.toLocaleString('en-US')} rows and refuses one more with a clear limit`, async () => {
    const data = (await ctx.store.get('kanazawa'))!;
    const ids = data.kpis.map((k) => [k.id, k.unit] as const);
    const lines = (n: number) => {
      const out = [HEADER];
      for (let i = 0; i < n; i++) {
        const [id, unit] = ids[i % ids.length]!;
        out.push(`${id},,,${1900 + Math.floor(i / ids.length)}年${(i % 12) + 1}月,${(i % 90) + 1},${unit},,`);
      }
      return out.join('\n');
    };
    const ok = await previewObservationImport(ctx.db, { ...(await file('100k.csv', lines(MAX_IMPORT_ROWS))), cityId: 'kanazawa' });
    expect(ok.ok && ok.value.rows).toBe(MAX_IMPORT_ROWS);
    const tooMany = await previewObservationImport(ctx.db, { ...(await file('100k1.csv', lines(MAX_IMPORT_ROWS + 1))), cityId: 'kanazawa' });
    expect(!tooMany.ok && tooMany.error).toEqual({ kind: 'too-many-rows', limit: MAX_IMPORT_ROWS });
  });
});
