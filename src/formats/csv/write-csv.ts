/** A cell of a data table: text, a number, a flag, or empty. */
export type CsvCell = string | number | boolean | null | undefined;

/** Rows with named columns, the shape every open-data download is written from. */
export interface DataTable {
  /** Column keys in order; the header row. */
  readonly columns: readonly string[];
  readonly rows: readonly Readonly<Record<string, CsvCell>>[];
}

/** The UTF-8 byte order mark: without it Excel on Japanese Windows reads UTF-8 as Shift_JIS. */
export const UTF8_BOM = '\uFEFF';

/**
 * One cell as RFC 4180 writes it: quoted when it holds a comma, a quote, a line break or
 * surrounding spaces, quotes doubled. Text that a spreadsheet would run as a formula
 * (=, +, @, or - not starting a number) is prefixed with an apostrophe (CSV injection).
 */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  let s = value;
  if (/^[=+@\t\r]/.test(s) || /^-(?![\d.])/.test(s)) s = `'${s}`;
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Yields a table's lines (header first), each ending in CRLF. */
export function* csvLines(table: DataTable): Generator<string> {
  yield table.columns.map(csvCell).join(',') + '\r\n';
  for (const row of table.rows) yield table.columns.map((c) => csvCell(row[c])).join(',') + '\r\n';
}

/** A whole table as CSV text in UTF-8 with a BOM, so Excel opens it with Japanese intact. */
export function toCsv(table: DataTable): string {
  let out = UTF8_BOM;
  for (const line of csvLines(table)) out += line;
  return out;
}
