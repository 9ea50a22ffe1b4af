import { afterAll, beforeAll } from 'vitest';
import type { Kysely } from 'kysely';
import { findPostgresBinDir, startPostgresServer, type PostgresServer } from '../../test/support/postgres-server.ts';
import { openDatabase, type Database, type DialectName, type OpenedDatabase } from './database.ts';
import { migrateToLatest } from './migrate.ts';

/*
 * For tests only: the databases every storage suite runs against (habit 4: one suite, two
 * databases). Test support reads the environment itself; the app reads it only in config.ts.
 *
 *   MICHISHIRUBE_TEST_DATABASES=pglite           only PGlite (quick local runs)
 *   MICHISHIRUBE_TEST_DATABASES=pglite,postgres  both (the default)
 *   CI=true                                      a missing PostgreSQL fails instead of skipping
 */

/** One database a storage suite runs on; `skipReason` says why this run leaves it out. */
export interface TestDatabase {
  readonly name: DialectName;
  readonly skipReason: string | null;
}

const ALL: readonly DialectName[] = ['pglite', 'postgres'];

/** The databases to run storage suites on, from MICHISHIRUBE_TEST_DATABASES, CI and the installed PostgreSQL. */
export function testDatabases(
  env: Readonly<Record<string, string | undefined>> = process.env,
  postgresBinDir: string | null = findPostgresBinDir(),
): TestDatabase[] {
  const wanted = (env.MICHISHIRUBE_TEST_DATABASES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const w of wanted) {
    if (!ALL.includes(w as DialectName)) throw new Error(`MICHISHIRUBE_TEST_DATABASES: unknown database "${w}" (expected ${ALL.join(', ')})`);
  }
  const names = wanted.length > 0 ? ALL.filter((n) => wanted.includes(n)) : ALL;
  const onCi = env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0';
  return names.map((name) => {
    if (name === 'postgres' && !onCi && postgresBinDir === null) {
      const skipReason = 'no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (apt-get install -y postgresql); CI=true makes this a failure';
      console.warn(`[storage tests] skipping PostgreSQL: ${skipReason}`);
      return { name, skipReason };
    }
    return { name, skipReason: null };
  });
}

/**
 * Opens a fresh, migrated database of this kind for the enclosing describe block (a PGlite in
 * memory, or a throwaway PostgreSQL server started for it) and closes it afterwards. Returns a
 * getter, valid inside tests and hooks.
 */
export function useTestDatabase(database: TestDatabase): () => Kysely<Database> {
  let server: PostgresServer | null = null;
  let opened: OpenedDatabase | null = null;
  beforeAll(async () => {
    if (database.name === 'postgres') {
      server = await startPostgresServer();
      opened = await openDatabase({ databaseUrl: server.url });
    } else {
      opened = await openDatabase({ inMemory: true });
    }
    await migrateToLatest(opened.db);
  });
  afterAll(async () => {
    await opened?.close();
    await server?.stop();
  });
  return () => {
    if (!opened) throw new Error('the test database is not open yet (use it inside tests or hooks)');
    return opened.db;
  };
}
