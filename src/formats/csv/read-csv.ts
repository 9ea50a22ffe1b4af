import { parse } from 'csv-parse/sync';
import { decodeText, detectDelimiter, type TextEncoding } from './decode-text.ts';

/** Cells of one line and characters of one line a CSV may hold (a million columns is an attack, not a table). */
const MAX_COLUMNS = 1024;
const MAX_LINE_CHARS = 1024 * 1024;

/** A data row of a CSV file with its 1-based line number in the file. */
export interface CsvRow {
  readonly line: number;
  readonly cells: Readonly<Record<string, string>>;
}

export type CsvReadResult =
  | { readonly ok: true; readonly encoding: TextEncoding; readonly delimiter: ',' | '\t'; readonly header: readonly string[]; readonly rows: readonly CsvRow[] }
  | { readonly ok: false; readonly error: { readonly line: number; readonly column?: number; readonly message: string } };

/** Rows above the header searched for it (a title, a date, a blank line, a unit note). */
const MAX_ROWS_ABOVE_HEADER = 10;

/** A heading as compared: NFKC (full-width letters, spaces), trimmed, lower case. */
export function headingKey(h: string): string {
  return h.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase();
}

/**
 * Reads a delimited text file with a header row, in UTF-8 (BOM or not), Shift_JIS or UTF-16
 * (see decodeText), comma- or tab-separated (see detectDelimiter), checking that the header
 * holds every required column. Title rows above the header are skipped (the header is the
 * first of the first rows that names every required column); headings compare after NFKC and
 * case folding. Blank lines are skipped; line numbers are the file's.
 */
export function readCsv(bytes: Uint8Array, requiredColumns: readonly string[]): CsvReadResult {
  const { text, encoding } = decodeText(bytes);
  const delimiter = detectDelimiter(text);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { delimiter, relax_column_count: true, relax_quotes: delimiter === '\t', skip_empty_lines: true, info: true, trim: false, max_record_size: MAX_LINE_CHARS }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    const err = e as { lines?: number; message?: string };
    return { ok: false, error: { line: err.lines ?? 1, message: `the file is not valid CSV: ${err.message ?? String(e)}` } };
  }
  const wide = records.find((r) => r.record.length > MAX_COLUMNS);
  if (wide) return { ok: false, error: { line: wide.info.lines, column: MAX_COLUMNS + 1, message: `the row has ${wide.record.length.toLocaleString('en-US')} cells; at most ${MAX_COLUMNS.toLocaleString('en-US')} are read` } };
  if (records.length === 0) return { ok: false, error: { line: 1, message: 'the file is empty: expected a header row' } };
  const wanted = requiredColumns.map(headingKey);
  let headerAt = -1;
  let closest = { at: 0, found: -1 };
  for (let i = 0; i < Math.min(records.length, MAX_ROWS_ABOVE_HEADER + 1); i++) {
    const keys = records[i]!.record.map(headingKey);
    const found = wanted.filter((w) => keys.includes(w)).length;
    if (found === wanted.length) {
      headerAt = i;
      break;
    }
    if (found > closest.found) closest = { at: i, found };
  }
  if (headerAt < 0) {
    const near = records[closest.at]!;
    const keys = near.record.map(headingKey);
    const missing = requiredColumns.filter((c, i) => !keys.includes(wanted[i]!));
    return { ok: false, error: { line: near.info.lines, message: `the header lacks column(s) ${missing.join(', ')}; expected ${requiredColumns.join(',')} (closest row: line ${near.info.lines})` } };
  }
  const first = records[headerAt]!;
  // Headings as the file spells them, keyed the way callers ask for them (the required names).
  const header = first.record.map((h) => {
    const i = wanted.indexOf(headingKey(h));
    return i >= 0 ? requiredColumns[i]! : h.trim();
  });
  const rows: CsvRow[] = [];
  for (const { record, info } of records.slice(headerAt + 1)) {
    if (record.every((c) => c.trim() === '')) continue;
    if (record.length > header.length && record.slice(header.length).some((c) => c.trim() !== '')) {
      return { ok: false, error: { line: info.lines, column: header.length + 1, message: `the row has ${record.length} cells but the header has ${header.length}` } };
    }
    const cells: Record<string, string> = {};
    header.forEach((h, i) => (cells[h] = (record[i] ?? '').trim()));
    rows.push({ line: info.lines, cells });
  }
  return { ok: true, encoding, delimiter, header, rows };
}
