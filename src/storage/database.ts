import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import lockfile from 'proper-lockfile';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
// kysely 0.28 (the last line that supports Node 20) has no PGlite dialect of its own.
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { loadPgliteTemplate, savePgliteTemplate } from './pglite-template.ts';
import { withPreparedStatements } from './prepared-statements.ts';
import type { ChangeLogTable } from './tables/change-log.table.ts';
import type { CitiesTable, SourceDocumentsTable } from '../cities/city.table.ts';
import type { KpiSdgTargetsTable, KpisTable } from '../kpis/kpi.table.ts';
import type { ObservationVersionsTable, ObservationsTable } from '../actuals/observation.table.ts';
import type { PlanKpiRowsTable, PlanNarrativesTable, PlanSheetReportsTable, PlanNodesTable, PlanVersionsTable, PlansTable } from '../plans/plan.table.ts';
import type { PreciseFiguresTable, PublishedFiguresTable } from '../kpis/figures.table.ts';
import type { PublishedRatesTable } from '../kpis/published-rate.table.ts';
import type { KpiTargetValuesTable, KpiTargetsTable, TargetRevisionsTable } from '../kpis/target.table.ts';
import type { PlanSnapshotsTable } from '../plans/plan-snapshot.table.ts';

/** Every table, as Kysely sees it; the schema itself is defined by the migrations. */
export interface Database {
  cities: CitiesTable;
  source_documents: SourceDocumentsTable;
  kpis: KpisTable;
  kpi_sdg_targets: KpiSdgTargetsTable;
  kpi_targets: KpiTargetsTable;
  kpi_target_values: KpiTargetValuesTable;
  target_revisions: TargetRevisionsTable;
  observations: ObservationsTable;
  observation_versions: ObservationVersionsTable;
  plans: PlansTable;
  plan_versions: PlanVersionsTable;
  plan_nodes: PlanNodesTable;
  plan_kpi_rows: PlanKpiRowsTable;
  plan_narratives: PlanNarrativesTable;
  plan_snapshots: PlanSnapshotsTable;
  plan_sheet_reports: PlanSheetReportsTable;

  published_rates: PublishedRatesTable;
  precise_figures: PreciseFiguresTable;
  published_figures: PublishedFiguresTable;
  change_log: ChangeLogTable;
}

/** What repositories run on: the database or a transaction, so callers decide the transaction scope. */
export type Executor = Kysely<Database> | Transaction<Database>;

/** Which engine a database runs on; both speak the same PostgreSQL SQL. */
export type DialectName = 'pglite' | 'postgres';

/** Where to open the database: a PGlite data dir (default), PGlite in memory, or a PostgreSQL URL. */
export interface OpenDatabaseOptions {
  /** PGlite data directory (the default engine), created if missing. Ignored when `inMemory` or `databaseUrl` is set. */
  dataDir?: string;
  /** A PostgreSQL connection URL (postgres://user@host:port/db): use a real server. */
  databaseUrl?: string;
  /** A throwaway PGlite in memory (tests, demos). */
  inMemory?: boolean;
  /**
   * When the PGlite folder is held by another process: wait a few seconds for it (the server,
   * which may restart right after a crash) instead of refusing at once (commands).
   */
  waitForDataDir?: boolean;
}

/**
 * The PGlite data folder is held by another process (a running server, another command): PGlite
 * is single-process, and two processes writing one folder corrupt it. Expected, so a value the
 * CLI prints as one line; PostgreSQL (`DATABASE_URL`) is the way to share data between processes.
 */
export class DatabaseInUseError extends Error {
  constructor(readonly dataDir: string) {
    super(
      `the database folder ${dataDir} is in use by another michishirube process (a running server?); ` +
        'stop it first, or use PostgreSQL (DATABASE_URL) to share one database between processes',
    );
    this.name = 'DatabaseInUseError';
  }
}

/**
 * Takes the PGlite folder for this process: a lock directory `<dataDir>.lock` that
 * proper-lockfile keeps fresh while we run and that goes stale (5 s) if the process dies, so a
 * crash never leaves the folder locked for good. Retries for a few seconds when `wait` is set
 * (a server restarting right after a crash), else refuses at once (a command beside a server).
 */
async function holdDataDir(dataDir: string, wait: boolean): Promise<() => Promise<void>> {
  try {
    return await lockfile.lock(dataDir, {
      stale: 5_000,
      realpath: false,
      retries: wait ? { retries: 8, minTimeout: 250, maxTimeout: 1_000 } : 0,
      // Lost the lock (the folder was taken after we stalled past `stale`): stop writing at once.
      onCompromised: (e) => {
        console.error(`michishirube: lost the lock on ${dataDir}: ${e.message}`);
        process.exit(70);
      },
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOCKED') throw new DatabaseInUseError(dataDir);
    throw e;
  }
}

/** An open database; `close()` releases the pool or the PGlite instance. */
export interface OpenedDatabase {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  /**
   * Present on a fresh PGlite cluster made without the cached template: call it once migrated
   * and before any data goes in, and later fresh databases start from this one.
   */
  saveAsTemplate?(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the database: a real PostgreSQL when `databaseUrl` is given, else an embedded PGlite
 * (in memory or in `dataDir`). Does not migrate: call `migrateToLatest` at start.
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<OpenedDatabase> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    // The few statements a repository names are sent as prepared statements (prepared-statements.ts).
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: withPreparedStatements(pool) }) });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  if (!options.inMemory && !options.dataDir) throw new Error('openDatabase needs a dataDir, a databaseUrl or inMemory: true');
  // A new cluster starts from the cached template when there is one (see pglite-template.ts).
  const fresh = options.inMemory || !existsSync(join(options.dataDir!, 'PG_VERSION'));
  const template = fresh ? await loadPgliteTemplate() : undefined;
  if (!options.inMemory) await mkdir(options.dataDir!, { recursive: true });
  const release = options.inMemory ? null : await holdDataDir(options.dataDir!, options.waitForDataDir ?? false);
  // pg_trgm: the partner search's trigram index (PGlite ships contrib extensions to load here).
  const pgliteOptions = template ? { loadDataDir: template, extensions: { pg_trgm } } : { extensions: { pg_trgm } };
  const pglite = options.inMemory ? new PGlite(pgliteOptions) : new PGlite(options.dataDir!, pgliteOptions);
  try {
    await pglite.waitReady;
  } catch (e) {
    await release?.();
    throw e;
  }
  const db = new Kysely<Database>({ dialect: new PGliteDialect(yieldingEachStatement(pglite)) });
  return {
    db,
    dialect: 'pglite',
    ...(fresh && !template ? { saveAsTemplate: () => savePgliteTemplate(pglite) } : {}),
    async close() {
      await db.destroy();
      // Kysely only closes an instance it has used; close it ourselves if no query ran.
      if (!pglite.closed) await pglite.close();
      await release?.();
    },
  };
}

/**
 * PGlite as Kysely's dialect sees it, except that each statement first waits for one turn of the
 * event loop. PGlite runs a statement synchronously in this thread and its promises settle
 * without I/O, so a chain of statements (the commit of a 100,000-row import, a city's summaries
 * being rebuilt) never let the server answer anything else until its end: an attack measured
 * the event loop held 21 s by one accepted import. The wait costs a few microseconds a statement.
 */
function yieldingEachStatement(pglite: PGlite): PGlite {
  const query: PGlite['query'] = async (...args) => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    return pglite.query(...args);
  };
  return new Proxy(pglite, {
    get(target, prop) {
      if (prop === 'query') return query;
      const value: unknown = Reflect.get(target, prop, target);
      // PGlite's methods use private fields: they run on the instance, not on this proxy.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Runs `fn` in a transaction: a new one on a database, or the caller's when `db` already is one,
 * so a repository's several writes are all-or-nothing either way. `repeatable read` gives a
 * multi-query read one consistent snapshot (it applies only when a new transaction is opened).
 */
export function inTransaction<T>(
  db: Executor,
  fn: (trx: Transaction<Database>) => Promise<T>,
  options: { isolation?: 'read committed' | 'repeatable read' | 'serializable' } = {},
): Promise<T> {
  if (db.isTransaction) return fn(db as Transaction<Database>);
  const builder = db.transaction();
  return (options.isolation ? builder.setIsolationLevel(options.isolation) : builder).execute(fn);
}
