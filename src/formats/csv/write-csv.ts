import { stringify, type Options } from 'csv-stringify/sync';
import { guardFormula } from '../formula-guard.ts';

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
 * How every CSV of the app is written (csv-stringify): RFC 4180 quoting (a comma, a quote, a line
 * break or surrounding spaces), CRLF line ends, and one cast per type: text through the formula
 * guard, numbers as numbers (a non-finite one empty), flags as true/false.
 */
const OPTIONS: Options = {
  record_delimiter: '\r\n',
  quoted_match: [/[\r\n]/, /^\s|\s$/],
  cast: {
    string: (value: string) => guardFormula(value),
    number: (value: number) => (Number.isFinite(value) ? String(value) : ''),
    boolean: (value: boolean) => (value ? 'true' : 'false'),
  },
};

/** One cell as the CSV writer writes it (quoted and guarded as needed). */
export function csvCell(value: CsvCell): string {
  return stringify([[value ?? null]], { ...OPTIONS, record_delimiter: '\n' }).replace(/\n$/, '');
}

/** A whole table as CSV text in UTF-8 with a BOM, so Excel opens it with Japanese intact. */
export function toCsv(table: DataTable): string {
  const records = [table.columns, ...table.rows.map((row) => table.columns.map((c) => row[c] ?? null))];
  return UTF8_BOM + stringify(records as unknown[][], OPTIONS);
}
