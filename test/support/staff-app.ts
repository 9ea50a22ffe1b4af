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
