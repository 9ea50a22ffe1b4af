import { systemClock, type Clock } from './core/time/clock.ts';
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { DEFAULT_STAFF_CONFIG, type Config, type StaffConfig } from './config.ts';
import { openDatabase, type DialectName } from './storage/database.ts';
import type { Database } from './storage/database.ts';
import { migrateToLatest } from './storage/migrate.ts';
import { CityDataStore } from './cities/city-data.store.ts';
import { kpiPageRenderer } from './web/kpi-page-renderer.ts';
import { sourceVersion } from './source-version.ts';
import { seedDepartmentsIfMissing } from './departments/department.service.ts';
import { loadSeedCitiesIfEmpty } from './cities/plan-data-import.service.ts';
import { attachPartnerPlatform, recountBoundCities } from './partners/partner-platform.ts';
import { startReminderJob } from './review/round.service.ts';
import { listenForChanges } from './summaries/change-listener.ts';
import { ensureInitialAdmin, reissueExpiredAdminPasswords, seedDemoUsers, type OneTimeCredentials } from './auth/user.service.ts';

/** An opened, migrated (and on first start, seeded) database with its data store. */
export interface AppContext {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  readonly store: CityDataStore;
  readonly seededCities: number;
  /** Settings of the staff area (sessions, proxy, demo, SMTP, reminders). */
  readonly staff: StaffConfig;
  /** The administrator created on this start, with its one-time password (first start only). */
  readonly initialAdmin: OneTimeCredentials | null;
  /** The clock the app runs on (pass it to createApp with the store). */
  readonly clock: Clock;
  close(): Promise<void>;
}

/** Options of {@link openAppContext} beyond the configuration. */
export interface AppContextOptions {
  /**
   * Where start-up notices go: the first administrator's one-time password, demo users. The
   * console (stderr, so a command's stdout stays clean) unless given.
   */
  readonly announce?: (line: string) => void;
  /**
   * What the process opens the database for, so each starts only what it needs (issue 11.7):
   * - `serve` (default): seed cities on first start (when `seed`), the first administrator,
   *   demo users, the partner programmes, and the hourly reminder/outbox job;
   * - `init`: the same without the job (`michishirube init`, a one-off set-up);
   * - `command`: migrate only; no seeding, no administrator password, no job (plans, report,
   *   import, template); an empty database then says so instead of being filled behind the user's back.
   */
  readonly purpose?: 'serve' | 'init' | 'command';
  /** The clock of the app ("today" in Asia/Tokyo for counts and reminders); the system's unless given (tests). */
  readonly clock?: Clock;
}

/**
 * Opens the configured database, applies migrations, loads the seed cities (and their
 * departments) on first start, and creates the first administrator when there is no user.
 */
export async function openAppContext(
  config: Pick<Config, 'dataDir' | 'databaseUrl' | 'seed'> & { inMemory?: boolean; staff?: StaffConfig },
  options: AppContextOptions = {},
): Promise<AppContext> {
  const announce = options.announce ?? ((line: string) => console.error(line));
  const clock = options.clock ?? systemClock;
  const staff = config.staff ?? DEFAULT_STAFF_CONFIG;
  const purpose = options.purpose ?? 'serve';
  const setUp = purpose !== 'command';
  const opened = await openDatabase(
    config.databaseUrl
      ? { databaseUrl: config.databaseUrl }
      : config.inMemory
        ? { inMemory: true }
        : { dataDir: config.dataDir, waitForDataDir: purpose === 'serve' },
  );
  try {
    await migrateToLatest(opened.db);
    await opened.saveAsTemplate?.();
    const seed = setUp && config.seed;
    const seededCities = seed ? await loadSeedCitiesIfEmpty(opened.db) : 0;
    if (seed) await seedDepartmentsIfMissing(opened.db);
    const initialAdmin = setUp ? await ensureInitialAdmin(opened.db) : null;
    if (initialAdmin) {
      announce(`michishirube: created the administrator "${initialAdmin.username}" with the one-time password ${initialAdmin.password}`);
      announce('michishirube: log in at /staff/login and choose a new password; this password is not shown again.');
    }
    for (const again of setUp ? await reissueExpiredAdminPasswords(opened.db) : []) {
      announce(`michishirube: the one-time password of the administrator "${again.username}" expired unused; the new one-time password is ${again.password}`);
      announce('michishirube: log in at /staff/login within 24 hours and choose a new password; this password is not shown again.');
    }
    if (setUp && staff.demo) {
      const password = staff.demo.password ?? randomBytes(12).toString('base64url');
      const created = await seedDemoUsers(opened.db, password);
      if (created.length > 0) {
        announce(`michishirube: DEMO=true: created demo users ${created.join(', ')}`);
        announce(staff.demo.password ? 'michishirube: their password is DEMO_PASSWORD.' : `michishirube: their password (not shown again) is ${password}`);
      }
    }
    const store = new CityDataStore(opened.db);
    // Every process that rebuilds a city's summaries keeps its KPI pages with them (issue 11.5).
    store.renderKpiPagesWith(kpiPageRenderer, sourceVersion());
    await attachPartnerPlatform(opened.db, store, seed, clock);
    // The cross-city pages read summaries maintained on write; build those missing or older
    // than their city (first start, seed cities, a process that stopped before its rebuild).
    if (setUp) await store.catchUpSummaries();
    // Platform counts are by day: a serving process recounts the bound cities before it serves.
    if (purpose === 'serve') await recountBoundCities(opened.db, store, clock.todayInTokyo());
    // Several processes behind one PostgreSQL: hear about the cities the others write.
    const stopListening =
      purpose === 'serve' && opened.dialect === 'postgres' && config.databaseUrl
        ? await listenForChanges(config.databaseUrl, (cityId) => store.forget(cityId), () => store.forget())
        : async () => {};
    // Pages another version of the code rendered (a deploy) are rendered again meanwhile.
    const stopKpiPages = purpose === 'serve' ? store.startKpiPageCatchUp((n, s) => announce(`michishirube: rendered the KPI pages of ${n} cities in ${s} s`)) : async () => {};
    const stopJob =
      purpose === 'serve' ? startReminderJob(opened.db, store, { reminderDays: staff.reminderDays, smtp: staff.smtp, log: announce, clock }) : async () => {};
    const close = async () => {
      await stopKpiPages();
      await stopJob();
      await stopListening();
      // The last writes' revisions, summaries and notifications go out before the database closes.
      await store.settled();
      await opened.close();
    };
    return { db: opened.db, dialect: opened.dialect, store, seededCities, staff, initialAdmin, clock, close };
  } catch (e) {
    await opened.close();
    throw e;
  }
}
