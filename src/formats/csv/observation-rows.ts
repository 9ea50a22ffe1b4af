import type { BilingualText } from '../../core/bilingual.ts';
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { unguardFormula } from '../formula-guard.ts';
import { toCsv } from './write-csv.ts';
import iconv from 'iconv-lite';
import { detectDelimiter, iconvName, sniffEncoding, type TextEncoding } from './decode-text.ts';

/**
 * The fields of an observation import, one row per actual: the published template's columns.
 * Each accepts its English key, its Japanese heading (the second, written by the template) and
 * the headings cities use in their own tables (「実績値」「年度」「指標」…); headings compare after
 * NFKC, without spaces and case-folded (「指標ＩＤ」 is 指標ID).
 */
export const TEMPLATE_FIELDS = {
  kpi: ['kpi_id', '指標ID', 'KPI ID', 'KPIID', '指標コード', '指標番号'],
  name: ['kpi_name', '指標名', '指標', 'KPI', 'KPI名', '指標名称', '成果指標', '重要業績評価指標', '重要業績評価指標(KPI)'],
  sdgTargets: ['sdg_targets', 'SDGターゲット', 'SDGsターゲット', 'ターゲット'],
  at: ['at', '時点', '年度', '年', '年月', '年月日', '実績時点', '実績年度', '基準日', '調査時点', '時期', '対象年度', '計測時点'],
  value: ['value', '値', '実績', '実績値', '数値', '現状値', '実績(値)', '測定値'],
  unit: ['unit', '単位'],
  note: ['note', '備考', '注記', 'メモ'],
  source: ['source', '出典', '出所', 'データ出典'],
  /** Why the value turns the KPI's status to behind or worsening (asked then; src/actuals/). */
  explanation: ['explanation', '説明'],
  /**
   * Why a hand-entered value replaces the partner platform's count for a KPI the platform feeds
   * (issue 10.3: refused without one, shown as an override when given; src/actuals/).
   */
  platformOverride: ['platform_override', '集計を上書きする理由', '上書きの理由', 'プラットフォーム集計の上書き理由'],
} as const;
export type TemplateField = keyof typeof TEMPLATE_FIELDS;
export const TEMPLATE_FIELD_NAMES = Object.keys(TEMPLATE_FIELDS) as TemplateField[];

/**
 * The template's header as written by the system (Japanese headings; English keys are read too).
 * 上書きの理由 is read when a file has it but not written: only platform-fed KPIs need it.
 */
export const TEMPLATE_HEADER: readonly string[] = TEMPLATE_FIELD_NAMES.filter((f) => f !== 'platformOverride').map((f) => TEMPLATE_FIELDS[f][1]);

/** One cell as found: where, its text, and for a spreadsheet number cell the number and decimals of its format. */
export interface RawCell {
  /** Column letter (A, B, …), for the cell reference. */
  readonly column: string;
  /** The column's heading as written in the file (「実績値」「時点」), for messages. */
  readonly heading?: string;
  /**
   * The text: as typed (CSV, text cells), or as Excel displays a number cell whose format
   * changes its meaning (a date cell shows 「令和6年3月」, not its serial 45352).
   */
  readonly raw: string;
  /** A number cell's number as displayed: a percent cell's 0.901 is 90.1. */
  readonly number?: number;
  readonly decimals?: number;
  /** The formula, when the cell holds one (its cached result is `number`/`raw`). */
  readonly formula?: string;
  /** A formula whose result was never saved (written by a program, never opened in Excel). */
  readonly noCachedResult?: boolean;
  /** A date cell's text as Excel displays it (「令和6年3月」), when it differs from `raw` (2024年3月). */
  readonly shown?: string;
  /**
   * How the cell's number format made the reader interpret it: a percent cell (0.901 shown
   * 「90.1%」, `number` 90.1), a literal-% cell (0.8 under 「0.0"%"」 shown 「0.8%」, `number` 0.8,
   * `raw` the text shown), a date cell.
   */
  readonly shownAs?: 'percent' | 'literal-percent' | 'date';
  /** What a date cell's format does not show (a time of day, no year): the date is not read. */
  readonly displayProblem?: BilingualText;
  /** For a 時点 cell: what the heading says a bare year is (「年度」 heading: a fiscal year). */
  readonly yearKind?: 'fiscal-year' | 'year';
}

/** A figure of an exported sheet that the import checks but does not write (当初値, 目標値). */
export interface RawFigure {
  readonly at: RawCell;
  readonly value: RawCell;
  readonly what: 'baseline' | 'target';
}

/** One actual as read from a file, before validation. */
export interface RawObservationRow {
  /** Worksheet name for workbooks. */
  readonly sheet?: string;
  /** 1-based row (line for CSV) in the file. */
  readonly row: number;
  readonly cells: Partial<Record<TemplateField, RawCell>>;
  /** Exported sheets: baseline and target printed on the row, checked against the stored ones. */
  readonly checks?: readonly RawFigure[];
}

/** A heading as compared: NFKC, no spaces or line breaks, brackets folded, lower case. */
function headingKeyOf(h: string): string {
  return h.normalize('NFKC').replace(/[\s\u3000]+/g, '').replace(/[［\[【〔]/g, '(').replace(/[］\]】〕]/g, ')').toLowerCase();
}

const FIELD_BY_HEADING = new Map<string, TemplateField>();
for (const f of Object.keys(TEMPLATE_FIELDS) as TemplateField[]) for (const a of TEMPLATE_FIELDS[f]) FIELD_BY_HEADING.set(headingKeyOf(a), f);

/** Which field a header cell names, or undefined. Headings compare after NFKC, without spaces, case-folded. */
export function fieldOfHeader(header: string): TemplateField | undefined {
  const key = headingKeyOf(header);
  return FIELD_BY_HEADING.get(key) ?? FIELD_BY_HEADING.get(key.replace(/\(.*\)$/, ''));
}

/** Whether a heading says a bare year is a fiscal year (「年度」「実績年度」) or a calendar year (「年」). */
export function yearKindOfHeader(header: string): 'fiscal-year' | 'year' | undefined {
  const key = headingKeyOf(header);
  if (key.endsWith('年度')) return 'fiscal-year';
  if (key === '年') return 'year';
  return undefined;
}

/** A header found: the field of each column, the heading as written, and the rows it took. */
export interface TableHeader {
  readonly fields: readonly (TemplateField | undefined)[];
  readonly headings: readonly string[];
  /** 1 for a one-row header, 2 for 「実績」 merged over 「時点｜値」. */
  readonly rows: 1 | 2;
}

/** The headings the import looks for, for the message when no table is found. */
export const LOOKED_FOR_HEADINGS = { kpi: TEMPLATE_FIELDS.kpi.slice(0, 3), name: TEMPLATE_FIELDS.name.slice(0, 3), at: TEMPLATE_FIELDS.at.slice(0, 3), value: TEMPLATE_FIELDS.value.slice(0, 4) };

/** Rows above a table searched for its header (a title, a date, a blank row). */
export const MAX_ROWS_BEFORE_HEADER = 30;

/**
 * Limits of a CSV import beyond its rows: columns of a line (the template has 8) and characters
 * of a cell (Excel's own limit, 32,767). A line is never read whole past `maxLineChars`.
 */
export interface CsvLimits {
  readonly maxColumns: number;
  readonly maxCellChars: number;
  readonly maxLineChars: number;
}

export const DEFAULT_CSV_LIMITS: CsvLimits = { maxColumns: 1024, maxCellChars: 32_767, maxLineChars: 1024 * 1024 };

/**
 * Whether a row is the template's header, alone or with the row above it (a two-row header:
 * 「実績」 merged over 「時点｜値」, 「指標ID」 merged down over both rows). A column takes the lower
 * heading when it has one, else the upper. A header names 時点 and 値 and 指標ID or 指標名.
 */
export function matchHeader(row: readonly string[], above?: readonly string[]): TableHeader | null {
  const one = headerOf(row, row, 1);
  if (one) return one;
  if (!above) return null;
  const width = Math.max(row.length, above.length);
  const combined = Array.from({ length: width }, (_, i) => ((row[i] ?? '').trim() !== '' ? row[i]! : (above[i] ?? '')));
  return headerOf(combined, combined, 2);
}

function headerOf(texts: readonly string[], headings: readonly string[], rows: 1 | 2): TableHeader | null {
  const fields = texts.map((t) => fieldOfHeader(t));
  if (!fields.includes('at') || !fields.includes('value') || (!fields.includes('kpi') && !fields.includes('name'))) return null;
  // One column per field: a second 「値」 (another year's group) is left out rather than overwriting the first.
  const seen = new Set<TemplateField>();
  const unique = fields.map((f) => (f && !seen.has(f) ? (seen.add(f), f) : undefined));
  return { fields: unique, headings: headings.map((h) => h.trim()), rows };
}

/** How many of the needed fields (id or name, 時点, 値) a row names: to say which row came closest to a header. */
export function headerScore(row: readonly string[]): number {
  const fields = new Set(row.map((t) => fieldOfHeader(t)));
  return (fields.has('kpi') || fields.has('name') ? 1 : 0) + (fields.has('at') ? 1 : 0) + (fields.has('value') ? 1 : 0);
}

/** The row that came closest to a header when none was found: where, and what it holds. */
export interface ClosestRow {
  readonly row: number;
  readonly sheet?: string;
  readonly texts: readonly string[];
}

export type CsvRowsError =
  | { readonly kind: 'no-header'; readonly found: readonly string[]; readonly closest?: ClosestRow }
  | { readonly kind: 'unreadable-csv'; readonly line: number; readonly message: string }
  | { readonly kind: 'too-many-rows'; readonly limit: number }
  /** `place` is the cell in spreadsheet notation (column letters, line): `AMK2`. */
  | { readonly kind: 'too-many-columns'; readonly place: string; readonly limit: number }
  | { readonly kind: 'cell-too-long'; readonly place: string; readonly limit: number };

/**
 * Detects the encoding of a CSV or text file without reading it into memory: UTF-16 (BOM or
 * zero bytes, see sniffEncoding), UTF-8 (with or without BOM) if every byte sequence is valid
 * UTF-8, otherwise Shift_JIS (Windows-31J).
 */
export async function detectFileEncoding(path: string): Promise<TextEncoding> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let first = true;
  let bom = false;
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      const b = chunk as Buffer;
      if (first) {
        const sniffed = sniffEncoding(b.subarray(0, 4096));
        if (sniffed === 'utf-16le' || sniffed === 'utf-16be') return sniffed;
        bom = sniffed === 'utf-8-bom';
        first = false;
      }
      decoder.decode(b, { stream: true });
    }
    decoder.decode();
  } catch {
    return 'shift_jis';
  }
  return bom ? 'utf-8-bom' : 'utf-8';
}

/** The first characters of a file in its encoding, to detect the field separator. */
async function headText(path: string, encoding: TextEncoding): Promise<string> {
  for await (const chunk of createReadStream(path, { start: 0, end: 64 * 1024 - 1 })) return iconv.decode(chunk as Buffer, iconvName(encoding));
  return '';
}

/**
 * Streams the observation rows of a CSV or tab-separated text file (the template's columns, in
 * any order, Japanese or English headings, or the headings cities use; title rows above the
 * header and a two-row header are accepted, as in a workbook). Yields rows as they are parsed,
 * so a large file never sits in memory; stops with an error past `maxRows` data rows.
 */
export async function* readObservationCsv(path: string, encoding: TextEncoding, maxRows: number, limits: CsvLimits = DEFAULT_CSV_LIMITS): AsyncGenerator<RawObservationRow, CsvRowsError | null> {
  const delimiter = detectDelimiter(await headText(path, encoding));
  const source = createReadStream(path).pipe(iconv.decodeStream(iconvName(encoding), { stripBOM: true }));
  const parser = source.pipe(parse({ delimiter, relax_column_count: true, relax_quotes: delimiter === '\t', skip_empty_lines: true, info: true, bom: true, max_record_size: limits.maxLineChars }));
  let header: TableHeader | null = null;
  let columns: Omit<RawCell, 'raw'>[] | undefined;
  let above: string[] | undefined;
  let closest: ClosestRow | undefined;
  let closestScore = -1;
  let seen = 0;
  let rows = 0;
  try {
    for await (const rec of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const { record, info } = rec;
      if (record.length > limits.maxColumns) return { kind: 'too-many-columns', place: `${columnName(limits.maxColumns)}${info.lines}`, limit: limits.maxColumns };
      const long = record.findIndex((c) => c.length > limits.maxCellChars);
      if (long >= 0) return { kind: 'cell-too-long', place: `${columnName(long)}${info.lines}`, limit: limits.maxCellChars };
      if (!header) {
        header = matchHeader(record, above);
        if (header) continue;
        const score = headerScore(record);
        if (score > closestScore && record.some((c) => c.trim() !== '')) {
          closestScore = score;
          closest = { row: info.lines, texts: record.slice(0, 12).map((c) => c.trim()) };
        }
        above = record;
        if (++seen > MAX_ROWS_BEFORE_HEADER) return { kind: 'no-header', found: closest?.texts ?? [], ...(closest ? { closest } : {}) };
        continue;
      }
      if (record.every((c) => c.trim() === '')) continue;
      if (++rows > maxRows) return { kind: 'too-many-rows', limit: maxRows };
      const cells: Partial<Record<TemplateField, RawCell>> = {};
      columns ??= header.fields.map((f, i) => {
        const heading = header!.headings[i] ?? '';
        const yearKind = f === 'at' ? yearKindOfHeader(heading) : undefined;
        return { column: columnName(i), heading, ...(yearKind ? { yearKind } : {}) };
      });
      header.fields.forEach((f, i) => {
        if (!f || record[i] === undefined) return;
        cells[f] = { ...columns![i]!, raw: unguardFormula(record[i]!.trim()) };
      });
      yield { row: info.lines, cells };
    }
  } catch (e) {
    const err = e as { lines?: number; message?: string; code?: string };
    if (err.code === 'CSV_MAX_RECORD_SIZE') return { kind: 'unreadable-csv', line: err.lines ?? 0, message: `the line is longer than ${limits.maxLineChars.toLocaleString('en-US')} characters` };
    return { kind: 'unreadable-csv', line: err.lines ?? 0, message: err.message ?? String(e) };
  }
  return header ? null : { kind: 'no-header', found: closest?.texts ?? [], ...(closest ? { closest } : {}) };
}

/**
 * Streams every non-empty line of a CSV or tab-separated text file as cells (text as typed,
 * formula guard undone), with the same decoding, separator detection and limits as
 * {@link readObservationCsv}: for readers of other table layouts (the KPI-table import).
 */
export async function* readCsvGrid(path: string, encoding: TextEncoding, maxRows: number, limits: CsvLimits = DEFAULT_CSV_LIMITS): AsyncGenerator<{ row: number; cells: RawCell[] }, CsvRowsError | null> {
  const delimiter = detectDelimiter(await headText(path, encoding));
  const source = createReadStream(path).pipe(iconv.decodeStream(iconvName(encoding), { stripBOM: true }));
  const parser = source.pipe(parse({ delimiter, relax_column_count: true, relax_quotes: delimiter === '\t', skip_empty_lines: true, info: true, bom: true, max_record_size: limits.maxLineChars }));
  let rows = 0;
  try {
    for await (const rec of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const { record, info } = rec;
      if (record.length > limits.maxColumns) return { kind: 'too-many-columns', place: `${columnName(limits.maxColumns)}${info.lines}`, limit: limits.maxColumns };
      const long = record.findIndex((c) => c.length > limits.maxCellChars);
      if (long >= 0) return { kind: 'cell-too-long', place: `${columnName(long)}${info.lines}`, limit: limits.maxCellChars };
      if (record.every((c) => c.trim() === '')) continue;
      if (++rows > maxRows) return { kind: 'too-many-rows', limit: maxRows };
      yield { row: info.lines, cells: record.map((c, i) => ({ column: columnName(i), raw: unguardFormula(c.trim()) })) };
    }
  } catch (e) {
    const err = e as { lines?: number; message?: string; code?: string };
    if (err.code === 'CSV_MAX_RECORD_SIZE') return { kind: 'unreadable-csv', line: err.lines ?? 0, message: `the line is longer than ${limits.maxLineChars.toLocaleString('en-US')} characters` };
    return { kind: 'unreadable-csv', line: err.lines ?? 0, message: err.message ?? String(e) };
  }
  return null;
}

/** Spreadsheet column letters for a 0-based index (CSV problems name the column the same way). */
export function columnName(index: number): string {
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** The template as CSV (UTF-8 with BOM so Excel opens it in Japanese), with one example row per given KPI. */
export function templateCsv(examples: readonly { kpi: string; name: string; sdgTargets: string; at: string; value: string; unit: string }[]): string {
  const columns = [...TEMPLATE_HEADER];
  const rows = examples.map((e) => Object.fromEntries([e.kpi, e.name, e.sdgTargets, e.at, e.value, e.unit, '', ''].map((v, i) => [columns[i]!, v])));
  return toCsv({ columns, rows });
}
