import { sql } from 'kysely';
import { RateLimiterRes, type IRateLimiterOptions } from 'rate-limiter-flexible';
import RateLimiterStoreAbstract from 'rate-limiter-flexible/lib/RateLimiterStoreAbstract.js';
import type { Executor } from '../storage/database.ts';
import { staffDb, type StaffExecutor } from '../storage/staff-database.ts';

/**
 * A rate-limiter-flexible limiter whose counters live in the `rate_limits` table (migration
 * 2026_11_30_0101_accounts), reached through Kysely, so it runs the same on PGlite and on
 * PostgreSQL and every process sees the same counts. The library's own RateLimiterPostgres
 * cannot be used: it calls `query({ text, values, name })` on a pg client (PGlite takes
 * `query(text, values)`) and would run beside Kysely's PGlite connection, inside whatever
 * transaction is open there. The SQL below is that store's atomic upsert; the counting logic
 * (points, duration, block) stays the library's.
 */
export class RateLimiterKysely extends RateLimiterStoreAbstract {
  private readonly db: StaffExecutor;

  constructor(db: Executor | StaffExecutor, opts: IRateLimiterOptions) {
    super({ ...opts, storeClient: db });
    this.db = staffDb(db);
  }

  /** Adds `points` to the key (or sets them when the counter lapsed or `forceExpire`), returns the row. */
  _upsert(key: string, points: number, msDuration: number, forceExpire = false): Promise<{ points: number; expire: number | null }> {
    const now = Date.now();
    const newExpire = msDuration > 0 ? now + msDuration : null;
    const force = forceExpire ? sql`true` : sql`false`;
    return sql<{ points: number; expire: string | number | null }>`
      insert into rate_limits (key, points, expire) values (${key}, ${points}, ${newExpire})
      on conflict (key) do update set
        points = case when ${force} or rate_limits.expire <= ${now} then excluded.points else rate_limits.points + excluded.points end,
        expire = case when ${force} or rate_limits.expire <= ${now} then excluded.expire else rate_limits.expire end
      returning points, expire`
      .execute(this.db)
      .then((r) => rowOf(r.rows[0]!));
  }

  /** The live counter of the key, or null. */
  _get(key: string): Promise<{ points: number; expire: number | null } | null> {
    const now = Date.now();
    return this.db
      .selectFrom('rate_limits')
      .select(['points', 'expire'])
      .where('key', '=', key)
      .where((eb) => eb.or([eb('expire', '>', now), eb('expire', 'is', null)]))
      .executeTakeFirst()
      .then((r) => (r ? rowOf(r) : null));
  }

  /** Deletes the key's counter; whether there was one. */
  _delete(key: string): Promise<boolean> {
    return this.db
      .deleteFrom('rate_limits')
      .where('key', '=', key)
      .executeTakeFirst()
      .then((r) => Number(r.numDeletedRows) > 0);
  }

  /** The library's answer from a stored row (as RateLimiterPostgres computes it). */
  _getRateLimiterRes(_key: string, changedPoints: number, row: { points: number; expire: number | null }): RateLimiterRes {
    const isFirstInDuration = changedPoints === row.points;
    const consumedPoints = isFirstInDuration ? changedPoints : row.points;
    const msBeforeNext = row.expire !== null ? Math.max(row.expire - Date.now(), 0) : -1;
    return new RateLimiterRes(Math.max(this.points - consumedPoints, 0), msBeforeNext, consumedPoints, isFirstInDuration);
  }
}

function rowOf(r: { points: number | string; expire: string | number | null }): { points: number; expire: number | null } {
  return { points: Number(r.points), expire: r.expire === null ? null : Number(r.expire) };
}

/** Deletes counters that lapsed before `now` (the hourly purge). Returns how many. */
export async function purgeRateLimits(db: Executor | StaffExecutor, now: Date): Promise<number> {
  const r = await staffDb(db).deleteFrom('rate_limits').where('expire', '<', now.getTime()).executeTakeFirst();
  return Number(r.numDeletedRows);
}
