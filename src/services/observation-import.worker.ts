import { parentPort, workerData } from 'node:worker_threads';
import { readImportFile } from './observation-import.read.ts';
import type { ImportFile } from './observation-import.service.ts';

/*
 * The worker that reads one import file (started by observation-import.isolated.ts through
 * observation-import.worker.mjs, which lets Node load TypeScript). It answers once and ends.
 */
const file = workerData as ImportFile;
parentPort!.postMessage(await readImportFile({ path: file.path, name: file.name }));
