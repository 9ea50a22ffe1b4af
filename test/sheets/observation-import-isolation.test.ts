import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ZIP_LIMITS, inspectXlsxZip } from '../../src/formats/xlsx/zip-guard.ts';
import { readImportFileIsolated } from '../../src/actuals/observation-import.isolated.ts';
import { rawZip, rezip, templateParts } from '../support/hostile-files.ts';

/*
 * The two walls of issue 9 point 2 on their own: the zip guard counts what inflates (per part
 * and in all, whatever the zip declares), and the worker that reads a file is stopped by its
 * memory or time limit with a file error while this process carries on.
 */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'michishirube-isolation-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the zip guard', () => {
  it('stops a part at its limit by the bytes inflated, with true sizes declared', async () => {
    const parts = await templateParts();
    const ss = new TextDecoder().decode(parts['xl/sharedStrings.xml']!).replace('</sst>', `${'<si><t>abcdefghij</t></si>'.repeat(100_000)}</sst>`);
    const bytes = rezip(parts, { 'xl/sharedStrings.xml': ss });
    const r = await inspectXlsxZip(bytes, { ...DEFAULT_ZIP_LIMITS, maxPartBytes: 1024 * 1024 });
    expect(!r.ok && r.error).toEqual({ kind: 'zip-bomb', detail: 'xl/sharedStrings.xml is larger than 1 MB' });
    const all = await inspectXlsxZip(bytes, { ...DEFAULT_ZIP_LIMITS, maxUncompressedBytes: 1024 * 1024 });
    expect(!all.ok && all.error).toEqual({ kind: 'zip-bomb', detail: 'more than 1 MB uncompressed' });
    expect((await inspectXlsxZip(bytes)).ok).toBe(true);
  });

  it('refuses an entry that inflates to less or more than it declares, and a stored entry that lies', async () => {
    const body = strToU8('<worksheet><sheetData/></worksheet>');
    const { deflateSync } = await import('fflate');
    const more = await inspectXlsxZip(rawZip([{ name: 'xl/worksheets/sheet1.xml', method: 8, data: deflateSync(body), declaredSize: 10, crc: 0 }]));
    expect(!more.ok && more.error).toEqual({ kind: 'zip-bomb', detail: 'xl/worksheets/sheet1.xml inflates beyond its declared 10 bytes' });
    const less = await inspectXlsxZip(rawZip([{ name: 'xl/worksheets/sheet1.xml', method: 8, data: deflateSync(body), declaredSize: 900_000, crc: 0 }]));
    expect(!less.ok && less.error.kind).toBe('corrupt-zip');
    const stored = await inspectXlsxZip(rawZip([{ name: 'xl/worksheets/sheet1.xml', method: 0, data: body, declaredSize: 3, crc: 0 }]));
    expect(!stored.ok && stored.error.kind).toBe('zip-bomb');
  });
});

describe('reading in a worker', () => {
  it('turns a worker out of memory or out of time into a file error, and this process goes on', async () => {
    const path = join(dir, 'rows.xlsx');
    const rows = Array.from({ length: 3000 }, (_, i) => ['new-farmers', `名前${i}`, '', `${1900 + (i % 100)}年`, i, '人', `備考${i}`.repeat(20)]);
    await writeFile(path, rezip(await templateParts(rows)));
    const file = { path, name: 'rows.xlsx' };
    const fine = await readImportFileIsolated(file);
    expect(fine.ok && fine.rows.length).toBe(3000);
    const memory = await readImportFileIsolated(file, { maxHeapMb: 4, timeoutMs: 120_000, maxConcurrent: 2 });
    expect(!memory.ok && memory.error).toEqual({ kind: 'read-limit', what: 'memory', limit: 4 });
    const time = await readImportFileIsolated(file, { maxHeapMb: 768, timeoutMs: 20, maxConcurrent: 2 });
    expect(!time.ok && time.error).toEqual({ kind: 'read-limit', what: 'time', limit: 0 });
    expect((await readImportFileIsolated(file)).ok).toBe(true);
  }, 120_000);
});
