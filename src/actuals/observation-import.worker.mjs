// Entry of the import-reading worker thread: registers tsx's loader in this thread (as
// bin/michishirube.mjs does for the main one), then runs the TypeScript worker.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// The project's tsconfig, wherever the process was started (see bin/michishirube.mjs).
register({ tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)) });
await import('./observation-import.worker.ts');
