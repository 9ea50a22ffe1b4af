import { open, stat } from 'node:fs/promises';
import { DEFAULT_CSV_LIMITS, detectFileEncoding, readObservationCsv, type RawObservationRow } from '../formats/csv/observation-rows.ts';
import type { TextEncoding } from '../formats/csv/decode-text.ts';
import { readObservationWorkbook } from '../formats/xlsx/observation-workbook.reader.ts';
import { DEFAULT_ZIP_LIMITS, inspectXlsxZip } from '../formats/xlsx/zip-guard.ts';
import type { ImportFile, ImportFileError, ImportPreview, ImportProblem } from './observation-import.service.ts';

/*
 * Reading an import file into raw rows: the part of an import that looks at bytes an uploader
 * chose. It runs in a worker thread with memory and time limits (observation-import.worker.ts,
 * started by observation-import.isolated.ts), never on the thread that answers requests.
 */

/** Files larger than this are refused before they are read (the web refuses them while uploading). */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;
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
 * what they claim, or hostile (see {@link DEFAULT_ZIP_LIMITS} and {@link DEFAULT_CSV_LIMITS}).
 * Call it through `readImportFileIsolated`, not directly, wherever a server is answering.
 */
export async function readImportFile(file: ImportFile): Promise<ImportReadResult> {
  const size = (await stat(file.path)).size;
  if (size === 0) return { ok: false, error: { kind: 'empty-file' } };
  if (size > MAX_IMPORT_BYTES) return { ok: false, error: { kind: 'too-large', bytes: size, limit: MAX_IMPORT_BYTES } };
  const lower = file.name.toLowerCase();
  if (lower.endsWith('.csv') || lower.endsWith('.txt')) {
    const encoding = await detectFileEncoding(file.path);
    const rows: RawObservationRow[] = [];
    const it = readObservationCsv(file.path, encoding, MAX_IMPORT_ROWS, DEFAULT_CSV_LIMITS);
    for (;;) {
      const next = await it.next();
      if (next.done) {
        const e = next.value;
        if (e?.kind === 'no-header') return { ok: false, error: { kind: 'no-data', found: e.found, ...(e.closest ? { closest: e.closest } : {}) } };
        if (e) return { ok: false, error: e };
        break;
      }
      rows.push(next.value);
    }
    if (rows.length === 0) return { ok: false, error: { kind: 'no-data', found: [] } };
    return { ok: true, format: 'csv', encoding, cityId: null, rows, layoutProblems: [] };
  }
  if (!lower.endsWith('.xlsx')) return { ok: false, error: { kind: 'unsupported-type', name: file.name } };
  const bytes = await readWhole(file.path, size);
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
  let wb;
  try {
    wb = await readObservationWorkbook(bytes, zip.value, MAX_IMPORT_ROWS);
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

async function readWhole(path: string, size: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(size);
    await handle.read(buf, 0, size, 0);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } finally {
    await handle.close();
  }
}
