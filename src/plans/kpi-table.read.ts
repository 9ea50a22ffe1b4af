import type { TextEncoding } from '../formats/csv/decode-text.ts';
import { DEFAULT_CSV_LIMITS, detectFileEncoding, readCsvGrid } from '../formats/csv/observation-rows.ts';
import { readWorkbookGrid, type GridRow } from '../formats/xlsx/observation-workbook.reader.ts';
import { drainCsvRows, readGuardedXlsx, uploadFormat, uploadSize } from '../formats/upload-file.ts';
import { SHEET_KEYWORD_PREFIX } from '../formats/xlsx/progress-sheet.xlsx.ts';
import type { ImportFile, ImportFileError } from '../actuals/observation-import.service.ts';

/*
 * Reading a KPI-table file into displayed cells: the part of the KPI-table import that looks at
 * bytes an uploader chose. It runs in the import worker thread (observation-import.worker.ts,
 * task 'kpi-table') with the same memory and time limits, the same zip guard and the same CSV
 * decoding (UTF-8, BOM, Shift_JIS, UTF-16) as the observation import.
 */

/** Rows a KPI table may hold (a city has tens to a few hundred KPIs; a sheet a few lines each). */
export const MAX_KPI_TABLE_ROWS = 5_000;

/** A KPI-table file read into rows of displayed cells. */
export interface KpiTableRead {
  readonly ok: true;
  readonly format: 'xlsx' | 'csv';
  readonly encoding?: TextEncoding;
  readonly rows: readonly GridRow[];
  /**
   * Whether the workbook is one this system wrote (a progress sheet, submission or re-import:
   * its keywords start with SHEET_KEYWORD_PREFIX): its 達成度 are the system's own rates, not
   * rates a document published.
   */
  readonly ownExport: boolean;
  /** Layout problems found while reading (a formula referring to another workbook). */
  readonly layoutProblems: readonly { readonly sheet: string; readonly row: number; readonly column: string; readonly raw: string }[];
}

export type KpiTableReadResult = KpiTableRead | { readonly ok: false; readonly error: ImportFileError };

/** Reads a .xlsx, .csv or .txt KPI table; whole-file refusals are the observation import's. Call it through the worker. */
export async function readKpiTableFile(file: ImportFile): Promise<KpiTableReadResult> {
  const size = await uploadSize(file.path);
  if (!size.ok) return size;
  const format = uploadFormat(file.name);
  if (format === 'csv') {
    const encoding = await detectFileEncoding(file.path);
    const read = await drainCsvRows(readCsvGrid(file.path, encoding, MAX_KPI_TABLE_ROWS, DEFAULT_CSV_LIMITS));
    if (!read.ok) {
      const e = read.error;
      if (e.kind === 'no-header') return { ok: false, error: { kind: 'no-data', found: e.found } };
      return { ok: false, error: e };
    }
    return { ok: true, format: 'csv', encoding, rows: read.rows, ownExport: false, layoutProblems: [] };
  }
  if (format !== 'xlsx') return { ok: false, error: { kind: 'unsupported-type', name: file.name } };
  const xlsx = await readGuardedXlsx(file.path, size.size);
  if (!xlsx.ok) return xlsx;
  try {
    const grid = await readWorkbookGrid(xlsx.bytes, xlsx.zip, MAX_KPI_TABLE_ROWS);
    if (grid.tooManyRows) return { ok: false, error: { kind: 'too-many-rows', limit: MAX_KPI_TABLE_ROWS } };
    return { ok: true, format: 'xlsx', rows: grid.rows, ownExport: (xlsx.zip.keywords ?? '').startsWith(SHEET_KEYWORD_PREFIX), layoutProblems: grid.problems };
  } catch (e) {
    return { ok: false, error: { kind: 'corrupt-xlsx', detail: e instanceof Error ? e.message : String(e) } };
  }
}
