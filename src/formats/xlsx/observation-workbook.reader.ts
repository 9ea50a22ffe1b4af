import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { columnName, headerScore, matchHeader, MAX_ROWS_BEFORE_HEADER, yearKindOfHeader, type ClosestRow, type RawCell, type RawFigure, type RawObservationRow, type TableHeader, type TemplateField } from '../csv/observation-rows.ts';
import { dateFormatShows, decimalsOfFormat, isLiteralPercentFormat, isPercentFormat, JA_BUILTIN_NUMBER_FORMATS, readDateCell, renderNumber, serialOfDate } from './cell-format.ts';
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
  /** When no table was found: the row that came closest to a header (for the message). */
  readonly closest?: ClosestRow;
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
  let closest: ClosestRow | undefined;
  let closestScore = -1;
  for await (const worksheet of reader as unknown as AsyncIterable<AsyncIterable<ExcelJS.Row> & { id: number; name: string }>) {
    const sheetName = worksheet.name ?? `sheet${worksheet.id}`;
    const merges = (zip.merges.get(`xl/worksheets/sheet${worksheet.id}.xml`) ?? []).map(parseRange);
    let layout: Layout | null = null;
    let pendingSheetHeader: ExcelJS.Row | null = null;
    let above: { number: number; texts: string[] } | null = null;
    let dataStarted = false;
    let rowsBefore = 0;
    for await (const row of worksheet) {
      if (tooManyRows) continue;
      if (count % 2000 === 0) await new Promise((r) => setImmediate(r));
      if (!layout) {
        const texts = rowTexts(row);
        if (pendingSheetHeader) {
          // The exported sheet: 指標ID over figure groups 年｜値｜単位; else a two-row template header.
          const sheet = sheetLayout(pendingSheetHeader, row);
          pendingSheetHeader = null;
          if (sheet && sheet.readColumns.length > 1) {
            layout = sheet;
            format = 'sheet';
            continue;
          }
        }
        // The template's header names 時点 and 値 (in one row, or under a merged 「実績」 in two).
        const header = matchHeader(texts, above && above.number === row.number - 1 ? above.texts : undefined);
        if (header) {
          layout = templateLayout(header);
          format ??= 'template';
          continue;
        }
        if (texts.some((t) => SHEET_ID_HEADERS.includes(t))) pendingSheetHeader = row;
        const score = headerScore(texts);
        if (score > closestScore && texts.some((t) => t !== '')) {
          closestScore = score;
          closest = { sheet: sheetName, row: row.number, texts: texts.slice(0, 12) };
        }
        above = { number: row.number, texts };
        // Past the rows a title can take, this sheet holds no table: skip the rest of it.
        if (++rowsBefore > MAX_ROWS_BEFORE_HEADER && !pendingSheetHeader) layout = NO_TABLE;
        continue;
      }
      if (layout === NO_TABLE) continue;
      const read = layout.read(row, sheetName);
      if (!read) {
        if (layout.kind === 'sheet' && dataStarted) {
          // The exported sheet may hold another table further down: look for its header again.
          layout = null;
          dataStarted = false;
          rowsBefore = 0;
        }
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
  return { format, cityId, rows, problems, tooManyRows, ...(format === null && closest ? { closest } : {}) };
}

/** One row of a worksheet or CSV file as displayed cells: `cells[i]` is column i (0-based, A = 0). */
export interface GridRow {
  readonly sheet?: string;
  /** 1-based row of the worksheet (line of a CSV file). */
  readonly row: number;
  readonly cells: readonly RawCell[];
}

/** Every non-empty row of a workbook as displayed cells (see {@link readWorkbookGrid}). */
export interface WorkbookGrid {
  readonly rows: readonly GridRow[];
  readonly problems: readonly WorkbookLayoutProblem[];
  readonly tooManyRows: boolean;
}

/**
 * Reads every non-empty row of every worksheet of a workbook that passed {@link inspectXlsxZip}
 * as the cells Excel displays (the same cell reading as the observation import: percent cells
 * as percentages, date cells as the time point they show, formulas by their saved result),
 * for readers of other table layouts (the KPI-table import, src/plans/kpi-table.ts). Streams
 * the sheets; stops counting past `maxRows`. Formulas referring to another workbook are problems.
 */
export async function readWorkbookGrid(bytes: Uint8Array, zip: ZipInspection, maxRows: number): Promise<WorkbookGrid> {
  const ascii = asciiXmlWorkbook(bytes);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([Buffer.from(ascii.buffer, ascii.byteOffset, ascii.byteLength)]), {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  const rows: GridRow[] = [];
  const problems: WorkbookLayoutProblem[] = [];
  let tooManyRows = false;
  for await (const worksheet of reader as unknown as AsyncIterable<AsyncIterable<ExcelJS.Row> & { id: number; name: string }>) {
    const sheet = worksheet.name ?? `sheet${worksheet.id}`;
    for await (const row of worksheet) {
      if (tooManyRows) continue;
      if (rows.length % 2000 === 0) await new Promise((r) => setImmediate(r));
      const cells: RawCell[] = [];
      row.eachCell({ includeEmpty: true }, (c, col) => (cells[col - 1] = cellOf(c, col)));
      const filled = Array.from(cells, (c, i) => c ?? { column: columnName(i), raw: '' });
      if (filled.every((c) => c.raw === '' && c.formula === undefined)) continue;
      for (const c of filled) if (c.formula && /\[[^\]]*\]/.test(c.formula)) problems.push({ kind: 'external-reference', sheet, row: row.number, column: c.column, raw: `=${c.formula}` });
      if (rows.length >= maxRows) {
        tooManyRows = true;
        continue;
      }
      rows.push({ sheet, row: row.number, cells: filled });
    }
  }
  return { rows, problems, tooManyRows };
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
  const styles = files['xl/styles.xml'];
  if (styles) {
    const xml = decoder.decode(styles);
    const escapesQuoted = withEscapesQuoted(xml);
    const patched = withJapaneseBuiltinFormats(escapesQuoted) ?? escapesQuoted;
    if (patched !== xml) {
      files['xl/styles.xml'] = strToU8(patched);
      changed = true;
    }
  }
  for (const [name, data] of Object.entries(files)) {
    if (!/\.(xml|rels)$/i.test(name)) continue;
    if (!data.some((b) => b > 0x7f)) continue;
    files[name] = strToU8(decoder.decode(data).replace(/[^\x00-\x7f]/gu, (ch) => `&#${ch.codePointAt(0)!};`));
    changed = true;
  }
  // Parts the worksheets depend on first: ExcelJS's streaming reader otherwise parks each
  // worksheet met before workbook.xml or sharedStrings.xml in a temporary file and reads it
  // after the rest, and under load it was seen to read one before the workbook's sheet list
  // (「Cannot read properties of undefined (reading 'sheets')」). Tools other than Excel write
  // xl/workbook.xml last.
  const names = Object.keys(files);
  const firstSheet = names.findIndex((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n));
  const needed = names.filter((n) => /^(\[Content_Types\]\.xml|_rels\/\.rels|xl\/_rels\/workbook\.xml\.rels|xl\/workbook\.xml|xl\/sharedStrings\.xml|xl\/styles\.xml)$/.test(n));
  if (firstSheet >= 0 && needed.some((n) => names.indexOf(n) > firstSheet)) {
    const ordered: Record<string, Uint8Array> = {};
    for (const n of needed) ordered[n] = files[n]!;
    for (const n of names) if (!(n in ordered)) ordered[n] = files[n]!;
    return zipSync(ordered, { level: 1 });
  }
  return changed ? zipSync(files, { level: 1 }) : bytes;
}

/**
 * styles.xml with every backslash-escaped character of a number format code written as a quoted
 * literal (`0.0\%` → `0.0"%"`, `#,##0\人` → `#,##0"人"`). ExcelJS drops the backslashes when
 * it reads a format (lib/xlsx/xform/style/numfmt-xform.js: `formatCode.replace(/[\\](.)/g, '$1')`),
 * so `0.0\%` — a common way to show 「0.8%」 over a cell holding 0.8 without Excel's ×100 —
 * reached the cell reader as the percent format `0.0%` and 0.8 was imported as 80 %. A quoted
 * literal means the same to Excel and survives ExcelJS. Text inside quotes is left as it is.
 */
function withEscapesQuoted(xml: string): string {
  return xml.replace(/(<numFmt\b[^>]*?\bformatCode\s*=\s*)(?:"([^"]*)"|'([^']*)')/g, (whole, open: string, double?: string, single?: string) => {
    const attr = double ?? single ?? '';
    if (!attr.includes('\\')) return whole;
    return `${open}"${encodeAttribute(quoteEscapes(decodeAttribute(attr)))}"`;
  });
}

/**
 * A format code with each `\x` outside quotes written `"x"` (consecutive ones joined:
 * `\%\)` → `"%)"`). An escaped quote `\"` is left as it is: a quoted literal cannot hold one.
 */
export function quoteEscapes(code: string): string {
  let out = '';
  let literal = '';
  const flush = () => {
    if (literal !== '') out += `"${literal}"`;
    literal = '';
  };
  for (let i = 0; i < code.length; i++) {
    const ch = code[i]!;
    if (ch === '\\' && i + 1 < code.length && code[i + 1] !== '"') {
      literal += code[i + 1]!;
      i++;
      continue;
    }
    flush();
    if (ch === '"') {
      const end = code.indexOf('"', i + 1);
      const stop = end < 0 ? code.length : end + 1;
      out += code.slice(i, stop);
      i = stop - 1;
    } else out += ch;
  }
  flush();
  return out;
}

function decodeAttribute(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|quot|amp|lt|gt|apos);/gi, (_, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return ({ quot: '"', amp: '&', lt: '<', gt: '>', apos: "'" } as Record<string, string>)[e.toLowerCase()]!;
  });
}

function encodeAttribute(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/**
 * styles.xml with a <numFmt> written for each Japanese built-in format id (27–36, 50–58) its
 * cell formats use without defining: files saved by a Japanese Excel refer to them by id only,
 * and ExcelJS's streaming reader knows no code for them (the cell then read as its serial,
 * 「45352」). null when nothing is to add.
 */
function withJapaneseBuiltinFormats(xml: string): string | null {
  const cellXfs = /<cellXfs\b[\s\S]*?<\/cellXfs>/.exec(xml)?.[0] ?? '';
  const used = new Set([...cellXfs.matchAll(/numFmtId="(\d+)"/g)].map((m) => Number(m[1])));
  const defined = new Set([...xml.matchAll(/<numFmt\b[^>]*numFmtId="(\d+)"/g)].map((m) => Number(m[1])));
  const add = [...used].filter((id) => JA_BUILTIN_NUMBER_FORMATS[id] !== undefined && !defined.has(id));
  if (add.length === 0) return null;
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const entries = add.map((id) => `<numFmt numFmtId="${id}" formatCode="${escape(JA_BUILTIN_NUMBER_FORMATS[id]!)}"/>`).join('');
  if (/<numFmts\b[^>]*\/>/.test(xml)) return xml.replace(/<numFmts\b[^>]*\/>/, `<numFmts count="${add.length}">${entries}</numFmts>`);
  if (/<numFmts\b/.test(xml)) return xml.replace(/(<numFmts\b[^>]*>)/, `$1${entries}`).replace(/<numFmts\b([^>]*?)count="\d+"/, `<numFmts$1count="${defined.size + add.length}"`);
  return xml.replace(/(<styleSheet\b[^>]*>)/, `$1<numFmts count="${add.length}">${entries}</numFmts>`);
}

/** The layout of a sheet that holds no table within its first rows: its other rows are skipped. */
const NO_TABLE: Layout = { kind: 'template', readColumns: [], read: () => null };

interface Layout {
  readonly kind: 'sheet' | 'template';
  /** 1-based columns the import reads (for the merged-cells check). */
  readonly readColumns: readonly number[];
  /** The actuals of a data row (a sheet row holds one per year column), or null for a row outside the data. */
  read(row: ExcelJS.Row, sheet: string): RawObservationRow[] | null;
}

function templateLayout(header: TableHeader): Layout {
  const columns = header.fields.flatMap((f, i) => {
    if (!f) return [];
    const heading = header.headings[i] ?? '';
    const yearKind = f === 'at' ? yearKindOfHeader(heading) : undefined;
    return [{ f, col: i + 1, extra: { heading, ...(yearKind ? { yearKind } : {}) } }];
  });
  return {
    kind: 'template',
    readColumns: columns.filter((c) => c.f !== 'note' && c.f !== 'source').map((c) => c.col),
    read(row, sheet) {
      const cells: Partial<Record<TemplateField, RawCell>> = {};
      for (const { f, col, extra } of columns) {
        const c = { ...cellOf(row.getCell(col), col), ...extra };
        if (c.raw !== '' || c.number !== undefined || c.formula !== undefined) cells[f] = c;
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

/**
 * A cell as the import reads it: text as typed; a number as its format shows it (a percent
 * cell's fraction as a percentage, with the format's decimals; a cell whose format prints a
 * literal % as its number with the text shown, 「0.8%」; a date cell as the time point its format
 * displays); a formula by its saved result, or marked as having none.
 */
function cellOf(cell: ExcelJS.Cell, col: number): RawCell {
  const column = columnName(col - 1);
  const v = cell.value;
  const numFmt = cell.numFmt;
  if (v === null || v === undefined) return { column, raw: '' };
  if (typeof v === 'number' || v instanceof Date) return { column, ...numberCell(v, numFmt) };
  if (typeof v === 'object' && ('formula' in v || 'sharedFormula' in v)) {
    const f = v as { formula?: string; sharedFormula?: string; result?: unknown };
    const formula = f.formula ?? f.sharedFormula ?? '';
    if (typeof f.result === 'number' || f.result instanceof Date) return { column, ...numberCell(f.result, numFmt), formula };
    if (f.result === undefined || f.result === null) return { column, raw: '', formula, noCachedResult: true };
    return { column, raw: text(f.result), formula };
  }
  return { column, raw: text(v) };
}

function numberCell(v: number | Date, numFmt: string | undefined): Omit<RawCell, 'column'> {
  const serial = v instanceof Date ? serialOfDate(v) : v;
  if (v instanceof Date || dateFormatShows(numFmt).unit !== 'none') {
    const read = readDateCell(serial, numFmt ?? '');
    if (!read.ok) return { raw: read.shown, shownAs: 'date', displayProblem: read.problem };
    return { raw: read.meaning, shownAs: 'date', ...(read.shown !== read.meaning ? { shown: read.shown } : {}) };
  }
  if (isPercentFormat(numFmt)) {
    const decimals = decimalsOfFormat(numFmt) ?? 0;
    const percent = Number((serial * 100).toFixed(Math.min(decimals + 6, 15)));
    return { raw: `${percent}%`, number: percent, decimals, shownAs: 'percent' };
  }
  if (isLiteralPercentFormat(numFmt)) {
    // 「0.0"%"」 or 「0.0\%」 over 0.8 shows 「0.8%」: the number as stored, with the % the user saw.
    return { raw: renderNumber(serial, numFmt!), number: serial, decimals: decimalsOfFormat(numFmt) ?? decimalsOfNumber(serial), shownAs: 'literal-percent' };
  }
  return { raw: String(serial), number: serial, decimals: decimalsOfFormat(numFmt) ?? decimalsOfNumber(serial) };
}

function decimalsOfNumber(value: number): number {
  const s = String(value);
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
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
