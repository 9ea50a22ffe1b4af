import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CityData } from '../../src/core/city/city.ts';
import { formatTimePointJa } from '../../src/core/time/time-point.ts';
import { preciseNoteText } from '../../src/sheets/sheet-text.ts';
import { PdfPrinter } from '../../src/formats/pdf/pdf-printer.ts';
import { progressSheetXlsxBuffer } from '../../src/formats/xlsx/progress-sheet.xlsx.ts';
import { openAppContext, type AppContext } from '../../src/services/app-context.ts';
import { prepareSheet } from '../../src/services/progress-sheet.service.ts';
import type { ProgressSheet, SheetFigure, SheetRow } from '../../src/sheets/progress-sheet.ts';
import { createApp } from '../../src/web/app.tsx';
import { sheetFooter, sheetHtml } from '../../src/web/views/sheet/render.ts';
import { formatFixed } from '../../src/web/views/sheet/sheet.view.tsx';

const run = promisify(execFile);
const onCi = !!process.env['CI'] && process.env['CI'] !== 'false';
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/*
 * The seed documents' KPI tables, read from the seed texts themselves: every run of
 * "年 値単位" pairs followed by a rate is one printed row (当初値, actuals, 目標値, 達成度).
 */
const TIME = String.raw`\d{4}年(?:\d{1,2}月)?(?:～\d{4}年)?`;
const FIG = String.raw`-?[\d,]+(?:\.\d+)?[ \t]*(?:[%％]|[^\s\d%％]+)`;
interface PrintedRow {
  readonly figures: string[];
  readonly rate: string;
}
async function seedRows(file: string): Promise<PrintedRow[]> {
  const text = await readFile(new URL(`../fixtures/seeds/${file}`, import.meta.url), 'utf8');
  const row = new RegExp(String.raw`((?:${TIME}[\s　]+${FIG}[\s　]+){3,})(-?[\d.]+%)`, 'g');
  return [...text.matchAll(row)].map((m) => ({
    figures: [...m[1]!.matchAll(new RegExp(String.raw`(${TIME})[\s　]+(${FIG})`, 'g'))].map((p) => norm(`${p[1]} ${p[2]}`)),
    rate: m[2]!,
  }));
}
const norm = (s: string) => s.replace(/[ \t　]/g, '').replace(/％/g, '%');
const figureText = (f: SheetFigure) => norm(`${formatTimePointJa(f.at)}${formatFixed(f.value, f.decimals, 'ja', true)}${f.unit}`);
const rowFigures = (r: SheetRow) => [r.baseline, ...r.actuals.filter((a): a is SheetFigure => a !== null), r.target].map(figureText);

let ctx: AppContext;
let ichinoseki: CityData;
let tsukuba: CityData;
let dir: string;

beforeAll(async () => {
  ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: true, inMemory: true });
  ichinoseki = (await ctx.store.get('ichinoseki'))!;
  tsukuba = (await ctx.store.get('tsukuba'))!;
  dir = await mkdtemp(join(tmpdir(), 'michishirube-sheets-'));
});
afterAll(async () => {
  await ctx.close();
  await rm(dir, { recursive: true, force: true });
});

function sheetOf(data: CityData, kind: 'progress' | 'summary'): ProgressSheet {
  const plan = data.plans.find((p) => p.kind === 'sdgs-future-city')!;
  const r = prepareSheet(data, { planId: plan.id, kind, year: 2023, generatedOn: '2024-09-30' });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.sheet;
}

/** Every row's figures equal the printed ones; its rate equals the printed one or the sheet explains the difference. */
function expectRowsMatch(sheet: ProgressSheet, printed: readonly PrintedRow[]): { row: SheetRow; printed: string }[] {
  const rows = sheet.tables.flatMap((t) => t.rows);
  expect(rows).toHaveLength(printed.length);
  const explained: { row: SheetRow; printed: string }[] = [];
  rows.forEach((row, i) => {
    const p = printed[i]!;
    expect(rowFigures(row), `row ${row.no} ${row.name}`).toEqual(p.figures);
    const ours = `${formatFixed(row.rate!.value, sheet.rateDecimals, 'ja')}%`;
    if (ours === p.rate) return;
    const note = row.notes.find((n) => n.published === p.rate);
    expect(note, `row ${row.no} ${row.name}: ${ours} vs printed ${p.rate} without a note`).toBeDefined();
    expect(note!.reconciliation.verdict).toBe('explained');
    explained.push({ row, printed: p.rate });
  });
  return explained;
}

describe('sheets from the seeded data match the seed documents figure for figure', () => {
  it('Ichinoseki: the progress evaluation sheet (seed 000, tables (4) and (1))', async () => {
    const printed = (await seedRows('000_4151ac16d27bea8a.txt')).slice(0, 12);
    const sheet = sheetOf(ichinoseki, 'progress');
    expect(sheet.tables.map((t) => t.years)).toEqual([[2023], [2021, 2022, 2023]]);
    expect(sheet.rateDecimals).toBe(1);
    expect(expectRowsMatch(sheet, printed)).toEqual([]);
  });

  it('Ichinoseki: the period summary 様式3-3 (seed 000): CO₂ 106.4% is explained as actual / target', async () => {
    const printed = (await seedRows('000_4151ac16d27bea8a.txt')).slice(12, 24);
    const explained = expectRowsMatch(sheetOf(ichinoseki, 'summary'), printed);
    expect(explained.map((e) => [e.row.kpiId, e.printed, e.row.notes[0]!.reconciliation.explanation!.kind])).toEqual([['co2-reduction-vs-2013', '106.4%', 'ratio-method']]);
  });

  it('Tsukuba: the period report (seed 002): rates from unrounded figures are explained on the sheet', async () => {
    const printed = await seedRows('002_73bc758f859c448f.txt');
    const sheet = sheetOf(tsukuba, 'summary');
    expect(sheet.rateDecimals).toBe(0);
    // The four rates Tsukuba computed from unrounded figures are reproduced from the precise
    // values (issue 10.7); the row prints the printed figure and a note says which was unrounded.
    expect(expectRowsMatch(sheet, printed)).toEqual([]);
    const byId = new Map(sheet.tables.flatMap((t) => t.rows).map((r) => [r.kpiId, r]));
    expect(
      ['population-in-residential-inducement-area', 'low-carbon-satisfaction', 'public-transport-satisfaction', 'bus-stop-coverage'].map((id) => preciseNoteText(byId.get(id)!, 'ja')),
    ).toEqual([
      '四捨五入前の値で計算：当初値 53 → 53.3（公表された達成度からの推定値）',
      '四捨五入前の値で計算：当初値 20 → 19.6（公表された達成度からの推定値）',
      '四捨五入前の値で計算：実績 41 → 41.2（公表された達成度からの推定値）',
      '四捨五入前の値で計算：実績 79 → 79.3（公表された達成度からの推定値）',
    ]);
    // The ratio-method KPIs (つくばスタイル科, STEAM) and the target before its 上方修正 reproduce the printed rates.
    const rows = sheet.tables.flatMap((t) => t.rows);
    expect(rows.find((r) => r.kpiId === 'steam-compass-participants')!.rate!.formula).toBe('actual-over-target');
    expect(figureText(rows.find((r) => r.kpiId === 'local-produce-restaurants-shops')!.target)).toBe('2024年150店舗');
  });

  it('the .xlsx holds the same figures as numbers with number formats, and 達成度 as a formula caching the rate', async () => {
    for (const [data, kind, printed] of [
      [ichinoseki, 'progress', (await seedRows('000_4151ac16d27bea8a.txt')).slice(0, 12)],
      [tsukuba, 'summary', await seedRows('002_73bc758f859c448f.txt')],
    ] as const) {
      const sheet = sheetOf(data, kind);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(Buffer.from(await progressSheetXlsxBuffer(sheet, 'ja')) as unknown as ArrayBuffer);
      const rows = sheet.tables.flatMap((t) => t.rows);
      const read = readTables(wb);
      expect(read).toHaveLength(rows.length);
      read.forEach((r, i) => {
        const row = rows[i]!;
        expect(r.id).toBe(row.kpiId);
        expect(r.figures).toEqual(printed[i]!.figures);
        // ExcelJS reads a cached <v>0</v> back as no result; the file holds it (Calc's check below recomputes all).
        expect(r.rate.result ?? 0).toBe(row.rate!.value / 100);
        expect(r.rate.numFmt).toBe(sheet.rateDecimals === 0 ? '0%' : '0.0%');
      });
      for (const ws of wb.worksheets) {
        expect(ws.pageSetup.orientation).toBe('landscape');
        expect(ws.pageSetup.paperSize).toBe(9);
        expect(ws.pageSetup.fitToPage).toBe(true);
        expect(ws.pageSetup.fitToWidth).toBe(1);
        expect(ws.headerFooter.oddFooter).toContain(data.city.name);
        expect(ws.headerFooter.oddFooter).toContain('2024年9月30日');
      }
      const tableSheets = wb.worksheets.filter((ws) => ws.pageSetup.printTitlesRow);
      expect(tableSheets).toHaveLength(sheet.tables.length);
      for (const ws of tableSheets) {
        const merges = (ws.model as unknown as { merges: string[] }).merges;
        expect(merges.length).toBeGreaterThan(5);
        const [first] = ws.pageSetup.printTitlesRow!.split(':').map(Number);
        expect(ws.getCell(first!, 1).isMerged).toBe(true);
      }
    }
  });

  it('LibreOffice Calc opens the .xlsx and recalculates every 達成度 to the system rate', async () => {
    if (!has('soffice')) {
      if (onCi) throw new Error('soffice missing: apt-get install -y libreoffice-calc');
      console.warn('[sheets] skipping the LibreOffice check: soffice not installed');
      return;
    }
    for (const [data, kind] of [
      [ichinoseki, 'progress'],
      [tsukuba, 'summary'],
    ] as const) {
      const sheet = sheetOf(data, kind);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(Buffer.from(await progressSheetXlsxBuffer(sheet, 'ja')) as unknown as ArrayBuffer);
      // Without cached results Calc has to compute every formula itself.
      for (const ws of wb.worksheets) ws.eachRow((row) => row.eachCell((cell) => {
        const v = cell.value as { formula?: string } | null;
        if (v && typeof v === 'object' && 'formula' in v) cell.value = { formula: v.formula! } as ExcelJS.CellFormulaValue;
      }));
      const base = `${data.city.id}-${kind}`;
      await wb.xlsx.writeFile(join(dir, `${base}.xlsx`));
      await run('soffice', [`-env:UserInstallation=file://${dir}/lo-profile`, '--headless', '--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1', '--outdir', dir, join(dir, `${base}.xlsx`)], { timeout: 120_000 });
      const csvs = (await readdir(dir)).filter((f) => f.startsWith(`${base}-`) && f.endsWith('.csv'));
      for (const table of sheet.tables) {
        const file = csvs.find((f) => f.includes(table.title));
        expect(file, table.title).toBeDefined();
        const records = parseCsv(await readFile(join(dir, file!), 'utf8'), { relax_column_count: true }) as string[][];
        const header = records.findIndex((r) => r.includes('指標ID'));
        const idCol = records[header]!.indexOf('指標ID');
        const rateCol = records[header]!.findIndex((h) => h.startsWith('達成度'));
        const calc: [string, number][] = records
          .slice(header + 2)
          .filter((r) => /^[a-z0-9-]+$/.test(r[idCol] ?? ''))
          .map((r) => [r[idCol]!, Number(r[rateCol]!.replace('%', ''))]);
        expect(calc.map(([id]) => id)).toEqual(table.rows.map((r) => r.kpiId));
        calc.forEach(([, rate], i) => {
          const expected = table.rows[i]!.rate!.value;
          expect(Math.abs(rate - expected)).toBeLessThan(1e-9 * Math.max(1, Math.abs(expected)));
        });
      }
    }
  });

  it('the PDF is A4 landscape with selectable Japanese text and every figure of the seed document', async () => {
    const sheet = sheetOf(tsukuba, 'summary');
    const printer = new PdfPrinter();
    const pdf = await printer.print(await sheetHtml(sheet, 'ja'), sheetFooter(sheet, 'ja')).finally(() => printer.close());
    expect(Buffer.from(pdf.subarray(0, 5)).toString()).toBe('%PDF-');
    if (!has('pdftotext')) {
      if (onCi) throw new Error('pdftotext missing: apt-get install -y poppler-utils');
      return;
    }
    const file = join(dir, 'tsukuba.pdf');
    await writeFile(file, pdf);
    const info = (await run('pdfinfo', [file])).stdout;
    expect(info).toMatch(/Page size:\s+841\.\d+ x 59[45]\.\d+ pts \(A4\)/);
    const text = norm((await run('pdftotext', ['-layout', file, '-'])).stdout);
    for (const p of await seedRows('002_73bc758f859c448f.txt')) for (const f of p.figures) expect(text).toContain(f.replace(/^\d{4}年(\d{1,2}月)?(～\d{4}年)?/, ''));
    expect(text).toContain('茨城県つくば市');
    expect(text).toContain('四捨五入前の値で計算');
  });
});

describe('the sheet in the app and the CLI', () => {
  it('serves the print view, the workbook and a download block on the plan page', async () => {
    const app = createApp({ db: ctx.db, store: ctx.store });
    const plan = ichinoseki.plans.find((p) => p.kind === 'sdgs-future-city')!;
    const base = `/cities/ichinoseki/plans/${plan.id}`;
    const page = await app.request(base);
    const html = await page.text();
    expect(html).toContain(`href="${base}/sheet.xlsx?kind=summary"`);
    expect(html).toContain(`href="${base}/sheet.pdf?kind=progress"`);
    const view = await app.request(`${base}/sheet?year=2023`);
    expect(view.status).toBe(200);
    const body = await view.text();
    expect(body).toContain('SDGs未来都市等進捗評価シート');
    expect(body).toContain('<td class="num">-24.6</td>');
    expect(body).toContain('61.1%');
    expect(body).toContain("'Noto Sans CJK JP'");
    expect(body).toContain('break-inside: avoid');
    const xlsx = await app.request(`${base}/sheet.xlsx?year=2023&kind=summary`);
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    expect(xlsx.headers.get('content-disposition')).toContain(`${plan.id}-2023-summary.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await xlsx.arrayBuffer()) as ArrayBuffer);
    expect(readTables(wb)).toHaveLength(12);
    // A year outside the period: 404 with a page in the site's layout linking the plans covering it (issue 13.4).
    const outside = await app.request(`${base}/sheet?year=1999`);
    expect(outside.status).toBe(404);
    expect(outside.headers.get('content-type')).toContain('text/html');
    expect((await app.request(`${base}/sheet?kind=nope`)).status).toBe(400);
    expect((await app.request('/cities/ichinoseki/plans/nope/sheet')).status).toBe(404);
  });
});

/** Reads the KPI rows back from the workbook: figures as printed (from numbers and formats), the rate cell. */
function readTables(wb: ExcelJS.Workbook) {
  const out: { id: string; figures: string[]; rate: { result: number; numFmt: string } }[] = [];
  for (const ws of wb.worksheets) {
    let header = 0;
    ws.eachRow((row, n) => {
      if (!header && row.values && (row.values as unknown[]).includes('指標ID')) header = n;
    });
    if (!header) continue;
    const groups = ws.getRow(header);
    const subs = ws.getRow(header + 1);
    const idCol = (groups.values as unknown[]).indexOf('指標ID');
    const valueCols: number[] = [];
    subs.eachCell((c, col) => c.value === '値' && valueCols.push(col));
    const rateCol = (groups.values as unknown[]).findIndex((v) => typeof v === 'string' && v.startsWith('達成度'));
    for (let n = header + 2; ws.getCell(n, idCol).value; n++) {
      const figures = valueCols
        .filter((col) => ws.getCell(n, col).value !== null)
        .map((col) => {
          const v = ws.getCell(n, col);
          expect(typeof v.value).toBe('number');
          const decimals = /\.(0+)$/.exec(v.numFmt)?.[1]?.length ?? 0;
          expect(v.numFmt).toBe(decimals > 0 ? `#,##0.${'0'.repeat(decimals)}` : '#,##0');
          return norm(`${ws.getCell(n, col - 1).value}${formatFixed(v.value as number, decimals, 'ja', true)}${ws.getCell(n, col + 1).value}`);
        });
      const rate = ws.getCell(n, rateCol);
      const raw = rate.value as { formula: string; result: number } | number;
      // A rate computed from unrounded figures (issue 10.7) is a value, not a formula over the printed cells.
      const value = typeof raw === 'number' ? { formula: null, result: raw } : raw;
      if (typeof raw === 'number') expect(JSON.stringify(rate.note)).toContain('四捨五入前の値で計算');
      else expect(raw.formula).toMatch(/^[A-Z]+\d+|^\(/);
      out.push({ id: String(ws.getCell(n, idCol).value), figures, rate: { result: value.result, numFmt: rate.numFmt } });
    }
  }
  return out;
}
