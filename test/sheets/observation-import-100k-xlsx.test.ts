import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { loadCityData } from '../../src/cities/city-data.service.ts';
import { commitObservationImport, MAX_IMPORT_ROWS, previewObservationImport } from '../../src/actuals/observation-import.service.ts';
import { listChangeLog } from '../../src/storage/change-log.repository.ts';

/*
 * A workbook of 100,000 actuals (the template's columns as .xlsx, numbers with a number
 * format), generated here with ExcelJS's streaming writer: previewed, committed in one
 * transaction with full history, re-imported without a change, and one row more refused.
 */

let ctx: AppContext;
let dir: string;
const HEADER = ['指標ID', '指標名', 'SDGターゲット', '時点', '値', '単位', '備考', '出典'];

beforeAll(async () => {
  ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: true, inMemory: true }, { announce: () => {} });
  dir = await mkdtemp(join(tmpdir(), 'michishirube-100k-'));
});
afterAll(async () => {
  await ctx.close();
  await rm(dir, { recursive: true, force: true });
});

/** `rows` daily actuals (from 1 January 1900) spread over the city's count KPIs (no percentages, so every value is in range). */
async function workbook(path: string, kpis: readonly { id: string; unit: string }[], rows: number): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: false, useStyles: true });
  const ws = wb.addWorksheet('実績');
  ws.addRow(HEADER).commit();
  for (let i = 0; i < rows; i++) {
    const k = kpis[i % kpis.length]!;
    const day = new Date(Date.UTC(1900, 0, 1) + Math.floor(i / kpis.length) * 86_400_000);
    const row = ws.addRow([k.id, '', '', `${day.getUTCFullYear()}年${day.getUTCMonth() + 1}月${day.getUTCDate()}日`, (i % 900) + 0.5, k.unit, '', '']);
    row.getCell(5).numFmt = '#,##0.0';
    row.commit();
  }
  ws.commit();
  await wb.commit();
}

describe(`a ${MAX_IMPORT_ROWS.toLocaleString('en-US')}-row workbook`, () => {
  it('previews, commits in one go with history, re-imports without a change, and one row more is refused', async () => {
    const data = (await ctx.store.get('tsukuba'))!;
    const kpis = data.kpis.filter((k) => !/^[%％]$/.test(k.unit.trim())).map((k) => ({ id: k.id, unit: k.unit }));
    const path = join(dir, 'actuals-100k.xlsx');
    await workbook(path, kpis, MAX_IMPORT_ROWS);
    const file = { path, name: 'actuals-100k.xlsx', cityId: 'tsukuba' };

    const preview = await previewObservationImport(ctx.db, file);
    expect(preview.ok).toBe(true);
    if (!preview.ok) return;
    expect(preview.value.format).toBe('template');
    expect(preview.value.rows).toBe(MAX_IMPORT_ROWS);
    expect(preview.value.problems.slice(0, 3)).toEqual([]);
    expect(preview.value.changes).toHaveLength(MAX_IMPORT_ROWS);
    expect(preview.value.changes[1]).toMatchObject({ kind: 'new', decimals: 1, value: 1.5 });

    const logBefore = (await listChangeLog(ctx.db, { cityId: 'tsukuba' })).length;
    const committed = await commitObservationImport(ctx.db, file, { actor: 'bulk tester', reason: '100k workbook' });
    expect(committed.ok && committed.value.written).toBe(MAX_IMPORT_ROWS);
    const log = await listChangeLog(ctx.db, { cityId: 'tsukuba' });
    expect(log.length - logBefore).toBe(MAX_IMPORT_ROWS);
    expect(log.at(-1)).toMatchObject({ actor: 'bulk tester', action: 'create', reason: '100k workbook', old: null });
    const stored = (await loadCityData(ctx.db, 'tsukuba'))!;
    const first = stored.kpis.find((k) => k.id === kpis[0]!.id)!.observations.find((o) => o.at.kind === 'day' && o.at.year === 1900 && o.at.month === 1 && o.at.day === 1);
    expect(first).toMatchObject({ value: 0.5, decimals: 1 });

    const again = await commitObservationImport(ctx.db, file, { actor: 'bulk tester', reason: 'again' });
    expect(again.ok && again.value.written).toBe(0);
    expect((await listChangeLog(ctx.db, { cityId: 'tsukuba' })).length).toBe(log.length);

    const over = join(dir, 'actuals-100k1.xlsx');
    await workbook(over, kpis, MAX_IMPORT_ROWS + 1);
    const refused = await previewObservationImport(ctx.db, { path: over, name: 'actuals-100k1.xlsx', cityId: 'tsukuba' });
    expect(!refused.ok && refused.error).toEqual({ kind: 'too-many-rows', limit: MAX_IMPORT_ROWS });
  }, 300_000);
});
