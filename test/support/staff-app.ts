import { afterAll, beforeAll, describe, it } from 'vitest';
import type { StaffRole } from '../../src/auth/user.ts';
import { testDatabases } from '../../src/storage/test-databases.ts';
import { makeUser } from '../web/staff-helpers.ts';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import type { DialectName } from '../../src/storage/database.ts';
import { createApp } from '../../src/web/app.tsx';
import { startPostgresServer, type PostgresServer } from './postgres-server.ts';

/** A seeded app (no HTTP server: requests go through `app.request`) on PGlite in memory or a throw-away PostgreSQL. */
export interface StaffTestApp {
  readonly ctx: AppContext;
  readonly app: ReturnType<typeof createApp>;
  stop(): Promise<void>;
}

/**
 * Opens the app the staff HTTP tests drive, on the database named: `pglite` (in memory) or
 * `postgres` (a real server started for this suite by test/support/postgres-server.ts), so the
 * same HTTP test runs on both engines.
 */
export async function startStaffTestApp(database: DialectName, options: { announce?: (line: string) => void } = {}): Promise<StaffTestApp> {
  let server: PostgresServer | null = null;
  if (database === 'postgres') server = await startPostgresServer();
  try {
    const ctx = await openAppContext(
      { dataDir: '', databaseUrl: server?.url, seed: true, inMemory: server === null },
      { announce: options.announce ?? (() => undefined) },
    );
    const app = createApp({ db: ctx.db, store: ctx.store, staff: ctx.staff });
    return {
      ctx,
      app,
      async stop() {
        await ctx.close();
        await server?.stop();
      },
    };
  } catch (e) {
    await server?.stop();
    throw e;
  }
}

/** A staff user a suite needs: user name, city, role (see test/web/staff-helpers.ts makeUser). */
export type SuiteUser = readonly [username: string, cityId: string, role: StaffRole];

/**
 * A describe block run once per test database (PGlite, PostgreSQL; see testDatabases): the
 * seeded staff app started before its tests with `users` made, stopped after. `body` gets the
 * app (a getter: it starts in beforeAll) and the database's name.
 */
export function describeStaffApp(title: string, users: readonly SuiteUser[], body: (app: () => StaffTestApp, database: DialectName) => void, setup?: (t: StaffTestApp) => Promise<void>): void {
  describe.each(testDatabases())(`${title} on $name`, (database) => {
    if (database.skipReason) {
      it.skip(`skipped: ${database.skipReason}`, () => {});
      return;
    }
    let t: StaffTestApp;
    beforeAll(async () => {
      t = await startStaffTestApp(database.name);
      for (const [username, cityId, role] of users) await makeUser(t.ctx, username, cityId, role);
      await setup?.(t);
    }, 120_000);
    afterAll(async () => {
      await t?.stop();
    });
    body(() => t, database.name);
  });
}
