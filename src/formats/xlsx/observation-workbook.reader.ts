import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { columnName, fieldOfHeader, type RawCell, type RawFigure, type RawObservationRow, type TemplateField } from '../csv/observation-rows.ts';
import { SHEET_KEYWORD_PREFIX } from './progress-sheet.xlsx.ts';
import type { ZipInspection } from './zip-guard.ts';
import { unguardFormula } from '../formula-guard.ts';

/** A problem of the workbook's layout, found while reading (merged cells in the data, links to other workbooks). */
export interface WorkbookLayoutProblem {
  readonly kind: 'merged-cells' | 'external-reference';
  readonly sheet: string;
  readonly row: number;
  readonly column: string;
  readonly raw: string;
}

/** What a workbook holds: the exported sheet (by its layout) or the template, and the rows found. */
export interface WorkbookRows {
  readonly format: 'sheet' | 'template' | null;
  /** The city named in the workbook's properties when this system wrote it. */
  readonly cityId: string | null;
  readonly rows: readonly RawObservationRow[];
  readonly problems: readonly WorkbookLayoutProblem[];
  readonly tooManyRows: boolean;
}

const SHEET_ID_HEADERS = ['指標ID', 'KPI ID'];
const ACTUAL = /(実績|actual)$/i;
const BASELINE = /^(当初値|Baseline)$/;
const TARGET = /^(目標値|Target)$/;
const SUB = { at: ['年', 'Year'], value: ['値', 'Value'], unit: ['単位', 'Unit'] } as const;

/**
 * Reads the observation rows of a workbook that passed {@link inspectXlsxZip}, with ExcelJS's
 * streaming reader (rows one at a time; a 100,000-row workbook is never a cell model in memory).
 * Two layouts: the progress sheet this system writes (a header row with 指標ID, figure groups
 * 年/値/単位 under 当初値, "… 実績" and 目標値) and the template (one actual per row).
 */
export async function readObservationWorkbook(bytes: Uint8Array, zip: ZipInspection, maxRows: number): Promise<WorkbookRows> {
  const ascii = asciiXmlWorkbook(bytes);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([Buffer.from(ascii.buffer, ascii.byteOffset, ascii.byteLength)]), {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  let cityId: string | null = null;
  const rows: RawObservationRow[] = [];
  const problems: WorkbookLayoutProblem[] = [];
  let format: WorkbookRows['format'] = null;
  let tooManyRows = false;
  let count = 0;
  for await (const worksheet of reader as unknown as AsyncIterable<AsyncIterable<ExcelJS.Row> & { id: number; name: string }>) {
    const sheetName = worksheet.name ?? `sheet${worksheet.id}`;
    const merges = (zip.merges.get(`xl/worksheets/sheet${worksheet.id}.xml`) ?? []).map(parseRange);
    let layout: Layout | null = null;
    let pendingSheetHeader: ExcelJS.Row | null = null;
    let dataStarted = false;
    for await (const row of worksheet) {
      if (tooManyRows) continue;
      if (count % 2000 === 0) await new Promise((r) => setImmediate(r));
      if (!layout) {
        if (pendingSheetHeader) {
          layout = sheetLayout(pendingSheetHeader, row);
          pendingSheetHeader = null;
          if (layout) format = 'sheet';
          continue;
        }
        // The template's header names 時点 and 値 in one row; an exported table's 指標ID row does not.
        const texts = rowTexts(row);
        const template = templateLayout(texts);
        if (template) {
          layout = template;
          format ??= 'template';
        } else if (texts.some((t) => SHEET_ID_HEADERS.includes(t))) pendingSheetHeader = row;
        continue;
      }
      const read = layout.read(row, sheetName);
      if (!read) {
        if (layout.kind === 'sheet' && dataStarted) layout = null;
        continue;
      }
      dataStarted = true;
      if (++count > maxRows) {
        tooManyRows = true;
        continue;
      }
      // Merged cells over a cell the import reads: the value would sit in one row only.
      for (const m of merges) {
        if (row.number < m.top || row.number > m.bottom || m.top === m.bottom) continue;
        for (const col of layout.readColumns) {
          if (col >= m.left && col <= m.right) problems.push({ kind: 'merged-cells', sheet: sheetName, row: row.number, column: columnName(col - 1), raw: m.ref });
        }
      }
      for (const raw of read) {
        for (const cell of Object.values(raw.cells)) {
          if (cell?.formula && /\[[^\]]*\]/.test(cell.formula)) problems.push({ kind: 'external-reference', sheet: sheetName, row: row.number, column: cell.column, raw: `=${cell.formula}` });
        }
        rows.push(raw);
      }
    }
  }
  const keywords = zip.keywords ?? '';
  if (keywords.startsWith(SHEET_KEYWORD_PREFIX)) cityId = /;city=([a-z0-9-]+)/.exec(keywords)?.[1] ?? null;
  return { format, cityId, rows, problems, tooManyRows };
}

/**
 * The workbook with every non-ASCII character of its XML parts written as a character reference
 * (日 → &#26085;), which XML readers decode to the same text. ExcelJS 4.4's streaming reader
 * decodes each inflated chunk on its own (lib/utils/parse-sax.js, exceljs#2063/#2084), so a
 * Japanese character split across two chunks became U+FFFD in large sheets (1900年6月9日 →
 * 1900年6月9���); ASCII cannot be split. Only called after the zip guard has bounded the sizes.
 */
function asciiXmlWorkbook(bytes: Uint8Array): Uint8Array {
  const files = unzipSync(bytes);
  let changed = false;
  const decoder = new TextDecoder();
  for (const [name, data] of Object.entries(files)) {
    if (!/\.(xml|rels)$/i.test(name)) continue;
    if (!data.some((b) => b > 0x7f)) continue;
    files[name] = strToU8(decoder.decode(data).replace(/[^\x00-\x7f]/gu, (ch) => `&#${ch.codePointAt(0)!};`));
    changed = true;
  }
  return changed ? zipSync(files, { level: 1 }) : bytes;
}

interface Layout {
  readonly kind: 'sheet' | 'template';
  /** 1-based columns the import reads (for the merged-cells check). */
  readonly readColumns: readonly number[];
  /** The actuals of a data row (a sheet row holds one per year column), or null for a row outside the data. */
  read(row: ExcelJS.Row, sheet: string): RawObservationRow[] | null;
}

function templateLayout(texts: readonly string[]): Layout | null {
  const fields = texts.map(fieldOfHeader);
  if (!fields.includes('at') || !fields.includes('value') || (!fields.includes('kpi') && !fields.includes('name'))) return null;
  const columns = fields.flatMap((f, i) => (f ? [{ f, col: i + 1 }] : []));
  return {
    kind: 'template',
    readColumns: columns.filter((c) => c.f !== 'note' && c.f !== 'source').map((c) => c.col),
    read(row, sheet) {
      const cells: Partial<Record<TemplateField, RawCell>> = {};
      for (const { f, col } of columns) {
        const c = cellOf(row.getCell(col), col);
        if (c.raw !== '' || c.number !== undefined) cells[f] = c;
      }
      if (Object.keys(cells).length === 0) return null;
      return [{ sheet, row: row.number, cells }];
    },
  };
}

/** The layout of an exported table from its two header rows. */
function sheetLayout(h1: ExcelJS.Row, h2: ExcelJS.Row): Layout | null {
  const groups: { label: string; at?: number; value?: number; unit?: number }[] = [];
  let idCol = 0;
  let nameCol = 0;
  let current: (typeof groups)[number] | null = null;
  const width = Math.max(h1.cellCount, h2.cellCount);
  for (let col = 1; col <= width; col++) {
    const top = text(h1.getCell(col).value);
    const sub = text(h2.getCell(col).value);
    if (SHEET_ID_HEADERS.includes(top)) idCol = col;
    if (top.startsWith('指標名') || top.startsWith('Indicator')) nameCol = col;
    if (top !== '') current = null;
    const kind = (Object.keys(SUB) as (keyof typeof SUB)[]).find((k) => (SUB[k] as readonly string[]).includes(sub));
    if (!kind) continue;
    if (top !== '' || !current) {
      current = { label: top };
      groups.push(current);
    }
    current[kind] = col;
  }
  if (!idCol) return null;
  const figures = groups.filter((g) => g.at && g.value);
  const actuals = figures.filter((g) => ACTUAL.test(g.label));
  const checks = figures.filter((g) => BASELINE.test(g.label) || TARGET.test(g.label));
  return {
    kind: 'sheet',
    readColumns: [idCol, ...actuals.flatMap((g) => [g.at!, g.value!])],
    read(row, sheet) {
      const id = cellOf(row.getCell(idCol), idCol);
      if (id.raw === '') return null;
      const figs: RawFigure[] = checks.map((g) => ({ what: BASELINE.test(g.label) ? 'baseline' : 'target', at: cellOf(row.getCell(g.at!), g.at!), value: cellOf(row.getCell(g.value!), g.value!) }));
      const name = nameCol ? cellOf(row.getCell(nameCol), nameCol) : undefined;
      const sdg = name ? /【([^】]*)】\s*$/.exec(name.raw) : null;
      const found = actuals
        .map((g): RawObservationRow => ({
          sheet,
          row: row.number,
          cells: {
            kpi: id,
            at: cellOf(row.getCell(g.at!), g.at!),
            value: cellOf(row.getCell(g.value!), g.value!),
            ...(g.unit ? { unit: cellOf(row.getCell(g.unit), g.unit) } : {}),
            ...(sdg && name ? { sdgTargets: { column: name.column, raw: `【${sdg[1]}】` } } : {}),
          },
        }))
        .filter((r) => r.cells.at!.raw !== '' || r.cells.value!.raw !== '');
      // The baseline and target are checked once per table row.
      return found.map((r, i) => (i === 0 ? { ...r, checks: figs } : r));
    },
  };
}

function rowTexts(row: ExcelJS.Row): string[] {
  const out: string[] = [];
  row.eachCell({ includeEmpty: true }, (c, col) => (out[col - 1] = text(c.value)));
  return Array.from(out, (x) => x ?? '');
}

function cellOf(cell: ExcelJS.Cell, col: number): RawCell {
  const column = columnName(col - 1);
  const v = cell.value;
  if (v === null || v === undefined) return { column, raw: '' };
  if (typeof v === 'number') return { column, raw: String(v), number: v, decimals: decimalsOfFormat(cell.numFmt, v) };
  if (typeof v === 'object' && ('formula' in v || 'sharedFormula' in v)) {
    const f = v as { formula?: string; sharedFormula?: string; result?: unknown };
    const formula = f.formula ?? f.sharedFormula ?? '';
    if (typeof f.result === 'number') return { column, raw: String(f.result), number: f.result, decimals: decimalsOfFormat(cell.numFmt, f.result), formula };
    return { column, raw: text(f.result), formula };
  }
  return { column, raw: text(v) };
}

function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return unguardFormula(v.trim());
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object' && 'richText' in v) return (v as { richText: { text: string }[] }).richText.map((r) => r.text).join('').trim();
  if (typeof v === 'object' && 'text' in v) return String((v as { text: unknown }).text).trim();
  if (typeof v === 'object' && 'error' in v) return String((v as { error: unknown }).error);
  return String(v);
}

/** Decimals a number format shows ("#,##0.0" → 1); without one, the number's own. */
function decimalsOfFormat(numFmt: string | undefined, value: number): number {
  const m = numFmt ? /0\.(0+)/.exec(numFmt) : null;
  if (m) return m[1]!.length;
  if (numFmt && /0/.test(numFmt)) return 0;
  const s = String(value);
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

function parseRange(ref: string): { ref: string; top: number; bottom: number; left: number; right: number } {
  const [a, b = a] = ref.split(':') as [string, string?];
  const pos = (x: string) => {
    const m = /^([A-Z]+)(\d+)$/.exec(x)!;
    let col = 0;
    for (const ch of m[1]!) col = col * 26 + ch.charCodeAt(0) - 64;
    return { col, row: Number(m[2]) };
  };
  const p = pos(a);
  const q = pos(b!);
  return { ref, top: Math.min(p.row, q.row), bottom: Math.max(p.row, q.row), left: Math.min(p.col, q.col), right: Math.max(p.col, q.col) };
}
