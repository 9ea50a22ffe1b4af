// Entry of the import-reading worker thread: registers tsx's loader in this thread (as
// bin/michishirube.mjs does for the main one), then runs the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./observation-import.worker.ts');
