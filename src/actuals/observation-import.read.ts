import { DEFAULT_CSV_LIMITS, detectFileEncoding, readObservationCsv, type RawObservationRow } from '../formats/csv/observation-rows.ts';
import type { TextEncoding } from '../formats/csv/decode-text.ts';
import { readObservationWorkbook } from '../formats/xlsx/observation-workbook.reader.ts';
import { drainCsvRows, readGuardedXlsx, uploadFormat, uploadSize } from '../formats/upload-file.ts';
import type { ImportFile, ImportFileError, ImportPreview, ImportProblem } from './observation-import.service.ts';

/*
 * Reading an import file into raw rows: the part of an import that looks at bytes an uploader
 * chose. It runs in a worker thread with memory and time limits (observation-import.worker.ts,
 * started by observation-import.isolated.ts), never on the thread that answers requests.
 */

/** Files larger than this are refused before they are read (formats/upload-file.ts). */
export { MAX_IMPORT_BYTES } from '../formats/upload-file.ts';
/** Data rows one import may hold. */
export const MAX_IMPORT_ROWS = 100_000;

/** A file read into raw rows (not yet validated against any city's KPIs). */
export interface ImportRead {
  readonly ok: true;
  readonly format: ImportPreview['format'];
  readonly encoding?: TextEncoding;
  readonly cityId: string | null;
  readonly rows: readonly RawObservationRow[];
  readonly layoutProblems: readonly ImportProblem[];
}

export type ImportReadResult = ImportRead | { readonly ok: false; readonly error: ImportFileError };

/**
 * Reads any accepted file into raw rows, refusing whole files that are empty, too large, not
 * what they claim, or hostile (formats/upload-file.ts: the zip guard's limits and {@link DEFAULT_CSV_LIMITS}).
 * Call it through `readImportFileIsolated`, not directly, wherever a server is answering.
 */
export async function readImportFile(file: ImportFile): Promise<ImportReadResult> {
  const size = await uploadSize(file.path);
  if (!size.ok) return size;
  const format = uploadFormat(file.name);
  if (format === 'csv') {
    const encoding = await detectFileEncoding(file.path);
    const read = await drainCsvRows(readObservationCsv(file.path, encoding, MAX_IMPORT_ROWS, DEFAULT_CSV_LIMITS));
    if (!read.ok) {
      const e = read.error;
      if (e.kind === 'no-header') return { ok: false, error: { kind: 'no-data', found: e.found, ...(e.closest ? { closest: e.closest } : {}) } };
      return { ok: false, error: e };
    }
    if (read.rows.length === 0) return { ok: false, error: { kind: 'no-data', found: [] } };
    return { ok: true, format: 'csv', encoding, cityId: null, rows: read.rows, layoutProblems: [] };
  }
  if (format !== 'xlsx') return { ok: false, error: { kind: 'unsupported-type', name: file.name } };
  const xlsx = await readGuardedXlsx(file.path, size.size);
  if (!xlsx.ok) return xlsx;
  let wb;
  try {
    wb = await readObservationWorkbook(xlsx.bytes, xlsx.zip, MAX_IMPORT_ROWS);
  } catch (e) {
    return { ok: false, error: { kind: 'corrupt-xlsx', detail: e instanceof Error ? e.message : String(e) } };
  }
  if (wb.tooManyRows) return { ok: false, error: { kind: 'too-many-rows', limit: MAX_IMPORT_ROWS } };
  if (!wb.format || wb.rows.length === 0) return { ok: false, error: { kind: 'no-data', found: wb.closest?.texts ?? [], ...(wb.closest ? { closest: wb.closest } : {}) } };
  const layoutProblems = wb.problems.map(
    (p): ImportProblem => ({
      kind: p.kind,
      sheet: p.sheet,
      row: p.row,
      column: p.column,
      raw: p.raw,
      message:
        p.kind === 'merged-cells'
          ? { ja: `結合セル（${p.raw}）がデータの範囲にあります。結合を解除して、行ごとに値を入れてください`, en: `merged cells (${p.raw}) in the data area: unmerge them and give each row its own value` }
          : { ja: `他のブックを参照する数式です（${p.raw}）。値に置き換えてください`, en: `a formula referring to another workbook (${p.raw}): replace it with its value` },
    }),
  );
  return { ok: true, format: wb.format, cityId: wb.cityId, rows: wb.rows, layoutProblems };
}
