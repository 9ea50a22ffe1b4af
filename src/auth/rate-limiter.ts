import { RateLimiterRes } from 'rate-limiter-flexible';
import type { Executor } from '../storage/database.ts';
import { RateLimiterKysely } from './rate-limit.repository.ts';

/**
 * A fixed-window counter per key whose counts live in the database (rate-limiter-flexible over
 * the `rate_limits` table, auth/rate-limit.repository.ts), so every app process behind one
 * PostgreSQL shares them (issue 11.2) and a restart does not reset them.
 */
export class RateLimiter {
  private readonly limiter: RateLimiterKysely;
  constructor(
    db: Executor,
    keyPrefix: string,
    readonly limit: number,
    readonly windowMs: number,
  ) {
    this.limiter = new RateLimiterKysely(db, { keyPrefix, points: limit, duration: Math.max(1, Math.round(windowMs / 1000)) });
  }

  /** Counts a hit; false when the key has reached the limit within the window. A database error propagates. */
  async take(key: string): Promise<boolean> {
    try {
      await this.limiter.consume(key, 1);
      return true;
    } catch (e) {
      if (e instanceof RateLimiterRes) return false;
      throw e;
    }
  }
}

