import { parentPort } from 'node:worker_threads';
import { readImportFile } from './observation-import.read.ts';
import type { ImportFile } from './observation-import.service.ts';
import { readKpiTableFile } from '../plans/kpi-table.read.ts';

/*
 * The worker that reads import files (started by observation-import.isolated.ts through
 * observation-import.worker.mjs, which lets Node load TypeScript): one file per message, one
 * answer per file. The pool reuses it for the next file while it stays within its limits.
 */
// A library's warnings about a hostile file are not for the user's terminal (the answer says what is wrong).
for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) console[level] = () => {};

// One task per message: the observation import's rows (default) or a KPI table's cells (issue 13.5).
parentPort!.on('message', async (file: ImportFile & { task?: 'observations' | 'kpi-table' }) => {
  const plain = { path: file.path, name: file.name };
  parentPort!.postMessage(file.task === 'kpi-table' ? await readKpiTableFile(plain) : await readImportFile(plain));
});
parentPort!.postMessage('ready');
