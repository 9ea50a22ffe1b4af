import { parse } from 'csv-parse/sync';
import { decodeText, type TextEncoding } from './decode-text.ts';

/** Cells of one line and characters of one line a CSV may hold (a million columns is an attack, not a table). */
const MAX_COLUMNS = 1024;
const MAX_LINE_CHARS = 1024 * 1024;

/** A data row of a CSV file with its 1-based line number in the file. */
export interface CsvRow {
  readonly line: number;
  readonly cells: Readonly<Record<string, string>>;
}

export type CsvReadResult =
  | { readonly ok: true; readonly encoding: TextEncoding; readonly header: readonly string[]; readonly rows: readonly CsvRow[] }
  | { readonly ok: false; readonly error: { readonly line: number; readonly column?: number; readonly message: string } };

/**
 * Reads a CSV file with a header row, in UTF-8 (BOM or not) or Shift_JIS, checking that the
 * header holds every required column. Blank lines are skipped; line numbers are the file's.
 */
export function readCsv(bytes: Uint8Array, requiredColumns: readonly string[]): CsvReadResult {
  const { text, encoding } = decodeText(bytes);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { relax_column_count: true, skip_empty_lines: true, info: true, trim: false, max_record_size: MAX_LINE_CHARS }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    const err = e as { lines?: number; message?: string };
    return { ok: false, error: { line: err.lines ?? 1, message: `the file is not valid CSV: ${err.message ?? String(e)}` } };
  }
  const wide = records.find((r) => r.record.length > MAX_COLUMNS);
  if (wide) return { ok: false, error: { line: wide.info.lines, column: MAX_COLUMNS + 1, message: `the row has ${wide.record.length.toLocaleString('en-US')} cells; at most ${MAX_COLUMNS.toLocaleString('en-US')} are read` } };
  const first = records[0];
  if (!first) return { ok: false, error: { line: 1, message: 'the file is empty: expected a header row' } };
  const header = first.record.map((h) => h.trim());
  const missing = requiredColumns.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    return { ok: false, error: { line: first.info.lines, message: `the header lacks column(s) ${missing.join(', ')}; expected ${requiredColumns.join(',')}` } };
  }
  const rows: CsvRow[] = [];
  for (const { record, info } of records.slice(1)) {
    if (record.every((c) => c.trim() === '')) continue;
    if (record.length > header.length) {
      return { ok: false, error: { line: info.lines, column: header.length + 1, message: `the row has ${record.length} cells but the header has ${header.length}` } };
    }
    const cells: Record<string, string> = {};
    header.forEach((h, i) => (cells[h] = (record[i] ?? '').trim()));
    rows.push({ line: info.lines, cells });
  }
  return { ok: true, encoding, header, rows };
}
