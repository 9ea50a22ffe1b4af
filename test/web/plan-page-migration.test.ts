import { readdirSync } from 'node:fs';
import { Migrator, sql, type Migration, type MigrationProvider } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CityDataStore } from '../../src/cities/city-data.store.ts';
import { loadSeedCitiesIfEmpty } from '../../src/cities/plan-data-import.service.ts';
import { openPlanPage } from '../../src/plans/plan-page.service.ts';
import { openDatabase, type OpenedDatabase } from '../../src/storage/database.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import { testDatabases } from '../../src/storage/test-databases.ts';
import { staleSummaryCityIds } from '../../src/summaries/summary.repository.ts';
import { createApp } from '../../src/web/app.tsx';
import { startPostgresServer, type PostgresServer } from '../support/postgres-server.ts';

/*
 * Issue 11, attacked: migration 2026_12_02_1401 (plan page summaries) on a database that already
 * holds cities and summaries built before it, without plan pages. Those summaries are marked
 * older than their data, so until they are rebuilt the plan pages take the full-city path (never
 * a 404 for want of a row); the rebuild at start (catchUpSummaries) writes every plan's page, and
 * the plan pages read them afterwards with the same bytes. PostgreSQL only: a PGlite in memory
 * starts from the cached, fully migrated template.
 */
const BEFORE = '2026_12_01_1301_compare_summaries';
const MIGRATIONS_DIR = new URL('../../src/storage/migrations/', import.meta.url);
/** The migrations up to {@link BEFORE}, as the app's own list names them (file names). */
const earlier: MigrationProvider = {
  async getMigrations() {
    const names = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).filter((name) => name <= BEFORE);
    return Object.fromEntries(await Promise.all(names.map(async (name) => [name, (await import(new URL(`${name}.ts`, MIGRATIONS_DIR).href)) as Migration] as const)));
  },
};
const SEEDS = ['ichinoseki', 'tsukuba', 'kanazawa'];

const postgres = testDatabases().find((d) => d.name === 'postgres');
describe.skipIf(!postgres || postgres.skipReason !== null)('the plan page summaries migration on a database holding cities', () => {
  let server: PostgresServer;
  let opened: OpenedDatabase;
  beforeAll(async () => {
    server = await startPostgresServer();
    opened = await openDatabase({ databaseUrl: server.url });
  }, 120_000);
  afterAll(async () => {
    await opened?.close();
    await server?.stop();
  });

  it('marks the old summaries stale, answers every plan page from the data until the rebuild, then from the rebuilt summaries with the same bytes', async () => {
    const db = opened.db;
    const { error } = await new Migrator({ db, provider: earlier, allowUnorderedMigrations: true }).migrateTo(BEFORE);
    expect(error).toBeUndefined();
    expect(await loadSeedCitiesIfEmpty(db)).toBe(3);
    // Summaries built before the migration: two cities looked fresh, one was never summarised.
    await sql`insert into city_revisions (city_id, revision, summarized_revision) values ('ichinoseki', 4, 4), ('tsukuba', 1, 1)`.execute(db);
    await migrateToLatest(db);
    expect(await staleSummaryCityIds(db)).toEqual([...SEEDS].sort());

    const store = new CityDataStore(db);
    const plans = new Map<string, string[]>();
    for (const id of SEEDS) plans.set(id, (await store.get(id))!.plans.map((p) => p.id));
    const data = createApp({ db, store, cityPages: 'data' });
    const summaries = createApp({ db, store, cityPages: 'summaries' });
    const paths = (id: string, plan: string) => [`/cities/${id}/plans/${plan}`, `/cities/${id}/plans/${plan}?lang=en&status=on-track`, `/cities/${id}/plans/${plan}?format=csv`, `/cities/${id}/plans/${plan}?format=json&goal=11`];
    const same = async () => {
      for (const id of SEEDS) {
        for (const plan of plans.get(id)!) {
          for (const path of paths(id, plan)) {
            const [a, b] = [await data.request(path), await summaries.request(path)];
            expect(a.status, path).toBe(200);
            expect(b.status, path).toBe(200);
            expect(await b.text(), path).toBe(await a.text());
          }
        }
      }
    };
    const from = async (mode: 'data' | 'summaries') => {
      for (const id of SEEDS) for (const plan of plans.get(id)!) expect((await openPlanPage(db, new CityDataStore(db), id, plan))!.from, `${id} ${plan}`).toBe(mode);
    };
    // Before the rebuild: every plan page comes from its city's data.
    await from('data');
    await same();
    // The rebuild at start.
    expect(await store.catchUpSummaries()).toBe(3);
    expect(await staleSummaryCityIds(db)).toEqual([]);
    await from('summaries');
    await same();
  }, 240_000);
});
