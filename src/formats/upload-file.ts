import { open, stat } from 'node:fs/promises';
import type { CsvRowsError } from './csv/observation-rows.ts';
import { DEFAULT_ZIP_LIMITS, inspectXlsxZip, type ZipGuardError, type ZipInspection } from './xlsx/zip-guard.ts';

/*
 * The first steps of reading any uploaded table file, shared by the actuals import
 * (services/observation-import.read.ts) and the KPI-table import (plans/kpi-table.read.ts):
 * the size check before a byte is read, which reader a file name asks for, draining a CSV row
 * reader into rows or its first refusal, and reading an .xlsx through the zip guard with its
 * refusals named as the imports name them. Both run in the import worker.
 */

/** Files larger than this are refused before they are read (the web refuses them while uploading). */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

/** Why a file is refused before its content is looked at. */
export type UploadSizeError = { readonly kind: 'empty-file' } | { readonly kind: 'too-large'; readonly bytes: number; readonly limit: number };

/** Why an .xlsx upload is refused by the zip guard, as the imports name it. */
export type UploadXlsxError = { readonly kind: 'not-xlsx' } | { readonly kind: 'corrupt-xlsx'; readonly detail: string } | Exclude<ZipGuardError, { readonly kind: 'not-a-zip' | 'corrupt-zip' }>;

/** The file's size in bytes, or why it is refused: empty, or over `limit` ({@link MAX_IMPORT_BYTES}). */
export async function uploadSize(path: string, limit = MAX_IMPORT_BYTES): Promise<{ ok: true; size: number } | { ok: false; error: UploadSizeError }> {
  const size = (await stat(path)).size;
  if (size === 0) return { ok: false, error: { kind: 'empty-file' } };
  if (size > limit) return { ok: false, error: { kind: 'too-large', bytes: size, limit } };
  return { ok: true, size };
}

/** Which reader a file name asks for: CSV (.csv, .txt), .xlsx, or none (refused as an unsupported type). */
export function uploadFormat(name: string): 'csv' | 'xlsx' | null {
  const lower = name.toLowerCase();
  if (lower.endsWith('.csv') || lower.endsWith('.txt')) return 'csv';
  return lower.endsWith('.xlsx') ? 'xlsx' : null;
}

/**
 * Drains a CSV row reader (readObservationCsv, readCsvGrid): every row, or the first refusal it
 * returned (a missing header, an unreadable line, too many rows or columns, a cell too long).
 */
export async function drainCsvRows<T>(rows: AsyncGenerator<T, CsvRowsError | null>): Promise<{ ok: true; rows: T[] } | { ok: false; error: CsvRowsError }> {
  const out: T[] = [];
  for (;;) {
    const next = await rows.next();
    if (next.done) return next.value ? { ok: false, error: next.value } : { ok: true, rows: out };
    out.push(next.value);
  }
}

/**
 * Reads an .xlsx upload of `size` bytes whole and passes it through the zip guard
 * ({@link inspectXlsxZip}): its bytes and what the guard learnt, or the refusal (not a zip →
 * `not-xlsx`, a broken one → `corrupt-xlsx`, a hostile one as the guard names it).
 */
export async function readGuardedXlsx(path: string, size: number): Promise<{ ok: true; bytes: Uint8Array; zip: ZipInspection } | { ok: false; error: UploadXlsxError }> {
  const handle = await open(path, 'r');
  const buf = Buffer.alloc(size);
  try {
    await handle.read(buf, 0, size, 0);
  } finally {
    await handle.close();
  }
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  const zip = await inspectXlsxZip(bytes, DEFAULT_ZIP_LIMITS);
  if (zip.ok) return { ok: true, bytes, zip: zip.value };
  switch (zip.error.kind) {
    case 'not-a-zip':
      return { ok: false, error: { kind: 'not-xlsx' } };
    case 'corrupt-zip':
      return { ok: false, error: { kind: 'corrupt-xlsx', detail: zip.error.detail } };
    default:
      return { ok: false, error: zip.error };
  }
}
