import { readdirSync } from 'node:fs';
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { loadSeedCitiesIfEmpty } from '../../src/cities/plan-data-import.service.ts';
import { openDatabase, type OpenedDatabase } from '../../src/storage/database.ts';
import type { Database } from '../../src/storage/database.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import { testDatabases } from '../../src/storage/test-databases.ts';
import { startPostgresServer, type PostgresServer } from './postgres-server.ts';

const MIGRATIONS_DIR = new URL('../../src/storage/migrations/', import.meta.url);

/** The migrations up to `last` (included), as the app's own list names them (file names). */
export function migrationsUpTo(last: string): MigrationProvider {
  return {
    async getMigrations() {
      const names = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).filter((name) => name <= last);
      return Object.fromEntries(await Promise.all(names.map(async (name) => [name, (await import(new URL(`${name}.ts`, MIGRATIONS_DIR).href)) as Migration] as const)));
    },
  };
}

/** The seed cities {@link describeMigratedDatabase} holds. */
export const MIGRATED_SEEDS = ['ichinoseki', 'tsukuba', 'kanazawa'] as const;

/**
 * A describe block on a database that was in use before the migrations after `last`: a
 * throw-away PostgreSQL server's database migrated up to `last`, holding the seed cities and
 * summaries built then (two cities looked fresh, Ichinoseki at revision 4 and Tsukuba at 1;
 * Kanazawa was never summarised), then migrated to the latest. PostgreSQL only (skipped without
 * it): a PGlite in memory starts from the cached, fully migrated template. `body` gets the
 * database (a getter: it opens in beforeAll).
 */
export function describeMigratedDatabase(title: string, last: string, body: (db: () => Kysely<Database>) => void): void {
  const postgres = testDatabases().find((d) => d.name === 'postgres');
  describe.skipIf(!postgres || postgres.skipReason !== null)(title, () => {
    let server: PostgresServer;
    let opened: OpenedDatabase;
    beforeAll(async () => {
      server = await startPostgresServer();
      opened = await openDatabase({ databaseUrl: server.url });
      const { error } = await new Migrator({ db: opened.db, provider: migrationsUpTo(last), allowUnorderedMigrations: true }).migrateTo(last);
      expect(error).toBeUndefined();
      expect(await loadSeedCitiesIfEmpty(opened.db)).toBe(MIGRATED_SEEDS.length);
      await sql`insert into city_revisions (city_id, revision, summarized_revision) values ('ichinoseki', 4, 4), ('tsukuba', 1, 1)`.execute(opened.db);
      await migrateToLatest(opened.db);
    }, 120_000);
    afterAll(async () => {
      await opened?.close();
      await server?.stop();
    });
    body(() => opened.db);
  });
}
