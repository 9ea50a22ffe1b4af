/**
 * Run by `npm ci` / `npm install` (prepare): caches an empty, migrated PGlite cluster so fresh
 * databases (first start, tests, benchmarks) start fast. See src/storage/pglite-template.ts.
 */
import { openDatabase } from '../src/storage/database.ts';
import { migrateToLatest } from '../src/storage/migrate.ts';

const opened = await openDatabase({ inMemory: true });
try {
  await migrateToLatest(opened.db);
  await opened.saveAsTemplate?.();
} finally {
  await opened.close();
}
