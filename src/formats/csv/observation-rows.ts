import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import iconv from 'iconv-lite';
import type { TextEncoding } from './decode-text.ts';

/**
 * The fields of an observation import, one row per actual: the published template's columns.
 * Each accepts its English key and its Japanese heading.
 */
export const TEMPLATE_FIELDS = {
  kpi: ['kpi_id', '指標ID', 'KPI ID'],
  name: ['kpi_name', '指標名'],
  sdgTargets: ['sdg_targets', 'SDGターゲット'],
  at: ['at', '時点'],
  value: ['value', '値', '実績'],
  unit: ['unit', '単位'],
  note: ['note', '備考'],
  source: ['source', '出典'],
  /** Why the value turns the KPI's status to behind or worsening (asked then; src/actuals/). */
  explanation: ['explanation', '説明'],
} as const;
export type TemplateField = keyof typeof TEMPLATE_FIELDS;
export const TEMPLATE_FIELD_NAMES = Object.keys(TEMPLATE_FIELDS) as TemplateField[];

/** The template's header as written by the system (Japanese headings; English keys are read too). */
export const TEMPLATE_HEADER: readonly string[] = TEMPLATE_FIELD_NAMES.map((f) => TEMPLATE_FIELDS[f][1]);

/** One cell as found: where, its text, and for a spreadsheet number cell the number and decimals of its format. */
export interface RawCell {
  readonly column: string;
  readonly raw: string;
  readonly number?: number;
  readonly decimals?: number;
  /** The formula, when the cell holds one (its cached result is `number`/`raw`). */
  readonly formula?: string;
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

/** Which field a header cell names, or undefined. */
export function fieldOfHeader(header: string): TemplateField | undefined {
  const h = header.trim().toLowerCase();
  return TEMPLATE_FIELD_NAMES.find((f) => (TEMPLATE_FIELDS[f] as readonly string[]).some((a) => a.toLowerCase() === h));
}

export type CsvRowsError = { readonly kind: 'no-header'; readonly found: readonly string[] } | { readonly kind: 'unreadable-csv'; readonly line: number; readonly message: string } | { readonly kind: 'too-many-rows'; readonly limit: number };

/**
 * Detects the encoding of a CSV file without reading it into memory: UTF-8 (with or without
 * BOM) if every byte sequence is valid UTF-8, otherwise Shift_JIS (Windows-31J).
 */
export async function detectFileEncoding(path: string): Promise<TextEncoding> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let first = true;
  let bom = false;
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      const b = chunk as Buffer;
      if (first) {
        bom = b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
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

/**
 * Streams the observation rows of a CSV file (the template's columns, in any order, Japanese or
 * English headings). Yields rows as they are parsed, so a large file never sits in memory; stops
 * with an error past `maxRows` data rows.
 */
export async function* readObservationCsv(path: string, encoding: TextEncoding, maxRows: number): AsyncGenerator<RawObservationRow, CsvRowsError | null> {
  const source = createReadStream(path).pipe(iconv.decodeStream(encoding === 'shift_jis' ? 'cp932' : 'utf-8', { stripBOM: true }));
  const parser = source.pipe(parse({ relax_column_count: true, skip_empty_lines: true, info: true, bom: true }));
  let header: (TemplateField | undefined)[] | null = null;
  let rows = 0;
  try {
    for await (const rec of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const { record, info } = rec;
      if (!header) {
        header = record.map(fieldOfHeader);
        if (!header.includes('at') || !header.includes('value') || (!header.includes('kpi') && !header.includes('name'))) return { kind: 'no-header', found: record.slice(0, 12) };
        continue;
      }
      if (record.every((c) => c.trim() === '')) continue;
      if (++rows > maxRows) return { kind: 'too-many-rows', limit: maxRows };
      const cells: Partial<Record<TemplateField, RawCell>> = {};
      header.forEach((f, i) => {
        if (f && record[i] !== undefined) cells[f] = { column: columnName(i), raw: record[i]!.trim() };
      });
      yield { row: info.lines, cells };
    }
  } catch (e) {
    const err = e as { lines?: number; message?: string };
    return { kind: 'unreadable-csv', line: err.lines ?? 0, message: err.message ?? String(e) };
  }
  return header ? null : { kind: 'no-header', found: [] };
}

/** Spreadsheet column letters for a 0-based index (CSV problems name the column the same way). */
export function columnName(index: number): string {
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** The template as CSV (UTF-8 with BOM so Excel opens it in Japanese), with one example row per given KPI. */
export function templateCsv(examples: readonly { kpi: string; name: string; sdgTargets: string; at: string; value: string; unit: string }[]): string {
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [TEMPLATE_HEADER.join(','), ...examples.map((e) => [e.kpi, e.name, e.sdgTargets, e.at, e.value, e.unit, '', ''].map(q).join(','))];
  return `\ufeff${lines.join('\r\n')}\r\n`;
}
