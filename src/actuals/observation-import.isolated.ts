import { Worker } from 'node:worker_threads';
import type { ImportReadResult } from './observation-import.read.ts';
import type { ImportFile } from './observation-import.service.ts';
import type { KpiTableReadResult } from '../plans/kpi-table.read.ts';

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
export const DEFAULT_READ_ISOLATION: ReadIsolation = { maxHeapMb: 768, timeoutMs: 180_000, maxConcurrent: 2 };

const WORKER_ENTRY = new URL('./observation-import.worker.mjs', import.meta.url);
/** A worker reads this many files, then a fresh one takes over (nothing a file left behind stays for long). */
const READS_PER_WORKER = 50;

/** How many reads were started in this process (tests check that a kept upload is read once). */
export const isolatedReads = { started: 0 };

interface PooledWorker {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  readonly heapMb: number;
  reads: number;
}

let running = 0;
const waiting: (() => void)[] = [];
/** Idle workers, kept unreferenced so they never hold a CLI process open. */
const idle: PooledWorker[] = [];

/**
 * Reads `file` (see `readImportFile`) in a worker with the given limits. Never throws for what
 * the file holds: a worker that runs out of memory or time, or fails, gives a file error and
 * is ended; a worker that answered is kept for the next file (starting one costs seconds).
 */
export async function readImportFileIsolated(file: ImportFile, isolation: ReadIsolation = DEFAULT_READ_ISOLATION): Promise<ImportReadResult> {
  if (running >= isolation.maxConcurrent) await new Promise<void>((r) => waiting.push(r));
  running++;
  isolatedReads.started++;
  try {
    return await runInWorker(file, isolation);
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function startWorker(heapMb: number): PooledWorker {
  const worker = new Worker(WORKER_ENTRY, {
    resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
    // The worker's output is not the user's: it must not reach the CLI's stdout. The worker
    // silences its console; these streams are never read (reading them would keep a CLI alive).
    stdout: true,
    stderr: true,
  });
  const pooled: PooledWorker = {
    worker,
    heapMb,
    reads: 0,
    ready: new Promise((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
      worker.once('exit', () => reject(new Error('the reader stopped before it started')));
    }),
  };
  pooled.ready.catch(() => {});
  worker.on('exit', () => {
    const i = idle.indexOf(pooled);
    if (i >= 0) idle.splice(i, 1);
  });
  return pooled;
}

/**
 * Reads a KPI table (issue 13.5, src/plans/kpi-table.read.ts) in the same worker pool, with the
 * same limits and the same turn-taking as the observation import.
 */
export async function readKpiTableFileIsolated(file: ImportFile, isolation: ReadIsolation = DEFAULT_READ_ISOLATION): Promise<KpiTableReadResult> {
  if (running >= isolation.maxConcurrent) await new Promise<void>((r) => waiting.push(r));
  running++;
  isolatedReads.started++;
  try {
    return (await runInWorker(file, isolation, 'kpi-table')) as unknown as KpiTableReadResult;
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function runInWorker(file: ImportFile, isolation: ReadIsolation, task: 'observations' | 'kpi-table' = 'observations'): Promise<ImportReadResult> {
  const xlsx = file.name.toLowerCase().endsWith('.xlsx');
  const failed = (detail: string): ImportReadResult => ({ ok: false, error: xlsx ? { kind: 'corrupt-xlsx', detail } : { kind: 'unreadable-csv', line: 0, message: detail } });
  const i = idle.findIndex((p) => p.heapMb === isolation.maxHeapMb);
  const pooled = i >= 0 ? idle.splice(i, 1)[0]! : startWorker(isolation.maxHeapMb);
  const { worker } = pooled;
  worker.ref();
  return new Promise((resolve) => {
    let settled = false;
    const onMessage = (r: ImportReadResult) => settle(r, true);
    const onError = (e: Error & { code?: string }) =>
      settle(e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? { ok: false, error: { kind: 'read-limit', what: 'memory', limit: isolation.maxHeapMb } } : failed(e.message), false);
    const onExit = (code: number) => settle(failed(`the reader stopped (exit code ${code})`), false);
    const settle = (r: ImportReadResult, reusable: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (reusable && ++pooled.reads < READS_PER_WORKER && idle.length < isolation.maxConcurrent) {
        worker.unref();
        idle.push(pooled);
      } else void worker.terminate();
      resolve(r);
    };
    const timer = setTimeout(() => settle({ ok: false, error: { kind: 'read-limit', what: 'time', limit: Math.round(isolation.timeoutMs / 1000) } }, false), isolation.timeoutMs);
    worker.on('error', onError);
    worker.on('exit', onExit);
    pooled.ready.then(
      () => {
        if (settled) return;
        worker.on('message', onMessage);
        worker.postMessage({ path: file.path, name: file.name, task });
      },
      (e: Error & { code?: string }) => onError(e),
    );
  });
}
