import { open, stat } from 'node:fs/promises';
import type { TextEncoding } from '../formats/csv/decode-text.ts';
import { DEFAULT_CSV_LIMITS, detectFileEncoding, readCsvGrid } from '../formats/csv/observation-rows.ts';
import { readWorkbookGrid, type GridRow } from '../formats/xlsx/observation-workbook.reader.ts';
import { DEFAULT_ZIP_LIMITS, inspectXlsxZip } from '../formats/xlsx/zip-guard.ts';
import { SHEET_KEYWORD_PREFIX } from '../formats/xlsx/progress-sheet.xlsx.ts';
import { MAX_IMPORT_BYTES } from '../services/observation-import.read.ts';
import type { ImportFile, ImportFileError } from '../services/observation-import.service.ts';

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
  const size = (await stat(file.path)).size;
  if (size === 0) return { ok: false, error: { kind: 'empty-file' } };
  if (size > MAX_IMPORT_BYTES) return { ok: false, error: { kind: 'too-large', bytes: size, limit: MAX_IMPORT_BYTES } };
  const lower = file.name.toLowerCase();
  if (lower.endsWith('.csv') || lower.endsWith('.txt')) {
    const encoding = await detectFileEncoding(file.path);
    const rows: GridRow[] = [];
    const it = readCsvGrid(file.path, encoding, MAX_KPI_TABLE_ROWS, DEFAULT_CSV_LIMITS);
    for (;;) {
      const next = await it.next();
      if (next.done) {
        const e = next.value;
        if (e?.kind === 'no-header') return { ok: false, error: { kind: 'no-data', found: e.found } };
        if (e) return { ok: false, error: e };
        break;
      }
      rows.push(next.value);
    }
    return { ok: true, format: 'csv', encoding, rows, ownExport: false, layoutProblems: [] };
  }
  if (!lower.endsWith('.xlsx')) return { ok: false, error: { kind: 'unsupported-type', name: file.name } };
  const handle = await open(file.path, 'r');
  const buf = Buffer.alloc(size);
  try {
    await handle.read(buf, 0, size, 0);
  } finally {
    await handle.close();
  }
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  const zip = await inspectXlsxZip(bytes, DEFAULT_ZIP_LIMITS);
  if (!zip.ok) {
    switch (zip.error.kind) {
      case 'not-a-zip':
        return { ok: false, error: { kind: 'not-xlsx' } };
      case 'corrupt-zip':
        return { ok: false, error: { kind: 'corrupt-xlsx', detail: zip.error.detail } };
      case 'macro-enabled':
        return { ok: false, error: { kind: 'macro-enabled', part: zip.error.part } };
      default:
        return { ok: false, error: zip.error };
    }
  }
  try {
    const grid = await readWorkbookGrid(bytes, zip.value, MAX_KPI_TABLE_ROWS);
    if (grid.tooManyRows) return { ok: false, error: { kind: 'too-many-rows', limit: MAX_KPI_TABLE_ROWS } };
    return { ok: true, format: 'xlsx', rows: grid.rows, ownExport: (zip.value.keywords ?? '').startsWith(SHEET_KEYWORD_PREFIX), layoutProblems: grid.problems };
  } catch (e) {
    return { ok: false, error: { kind: 'corrupt-xlsx', detail: e instanceof Error ? e.message : String(e) } };
  }
}
