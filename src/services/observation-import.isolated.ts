import { Worker } from 'node:worker_threads';
import type { ImportReadResult } from './observation-import.read.ts';
import type { ImportFile } from './observation-import.service.ts';

/**
 * Where and with what an import file is read: in a worker thread of its own, so parsing never
 * blocks the thread that answers requests and a hostile file can exhaust only the worker.
 * `maxHeapMb` bounds the worker's V8 heap (a file that needs more is refused, the process
 * lives on); `timeoutMs` ends a read that takes too long; at most `maxConcurrent` files are
 * read at once, the others wait their turn.
 */
export interface ReadIsolation {
  readonly maxHeapMb: number;
  readonly timeoutMs: number;
  readonly maxConcurrent: number;
}

/**
 * A 100,000-row workbook reads in ~250 MB of heap and 10–20 s on one busy core; the issue's
 * shared-strings bomb needed more than 4 GB before it crashed the process.
 */
export const DEFAULT_READ_ISOLATION: ReadIsolation = { maxHeapMb: 768, timeoutMs: 120_000, maxConcurrent: 2 };

const WORKER_ENTRY = new URL('./observation-import.worker.mjs', import.meta.url);

/** How many reads were started in this process (tests check that a kept upload is read once). */
export const isolatedReads = { started: 0 };

let running = 0;
const waiting: (() => void)[] = [];

/**
 * Reads `file` (see `readImportFile`) in a worker with the given limits. Never throws for what
 * the file holds: a worker that runs out of memory or time, or fails, gives a file error.
 */
export async function readImportFileIsolated(file: ImportFile, isolation: ReadIsolation = DEFAULT_READ_ISOLATION): Promise<ImportReadResult> {
  if (running >= isolation.maxConcurrent) await new Promise<void>((r) => waiting.push(r));
  running++;
  isolatedReads.started++;
  try {
    return await runWorker(file, isolation);
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function runWorker(file: ImportFile, isolation: ReadIsolation): Promise<ImportReadResult> {
  const xlsx = file.name.toLowerCase().endsWith('.xlsx');
  const failed = (detail: string): ImportReadResult => ({ ok: false, error: xlsx ? { kind: 'corrupt-xlsx', detail } : { kind: 'unreadable-csv', line: 0, message: detail } });
  return new Promise((resolve) => {
    let settled = false;
    const settle = (r: ImportReadResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const worker = new Worker(WORKER_ENTRY, {
      workerData: { path: file.path, name: file.name },
      resourceLimits: { maxOldGenerationSizeMb: isolation.maxHeapMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
      // The worker's output is not the user's: it must not reach the CLI's stdout.
      stdout: true,
      stderr: true,
    });
    worker.stdout.resume();
    worker.stderr.resume();
    const timer = setTimeout(() => {
      settle({ ok: false, error: { kind: 'read-limit', what: 'time', limit: Math.round(isolation.timeoutMs / 1000) } });
      void worker.terminate();
    }, isolation.timeoutMs);
    worker.once('message', (r: ImportReadResult) => {
      settle(r);
      void worker.terminate();
    });
    worker.once('error', (e: Error & { code?: string }) => {
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') settle({ ok: false, error: { kind: 'read-limit', what: 'memory', limit: isolation.maxHeapMb } });
      else settle(failed(e.message));
    });
    worker.once('exit', (code) => settle(failed(`the reader stopped (exit code ${code})`)));
  });
}
