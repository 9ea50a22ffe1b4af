import type { Executor } from '../storage/database.ts';
import { RateLimiterKysely } from './rate-limit.repository.ts';

/**
 * Log-in throttling (issue 9 point 7). Failures are counted per account *and address* (user
 * name + client IP) with an exponential back-off, and per address across accounts (password
 * spraying). There is no lock-out of an account as such: an attacker guessing from one address
 * slows down only itself, and the owner logging in from another address is never held up.
 *
 * - Per account and address: 5 free failures in 15 minutes; then the pair waits 30 s, and every
 *   further failure after a wait doubles it (60 s, 2 min, … at most 15 min), allowing one try
 *   after each wait. The back-off level is forgotten 24 hours after the last wait, or at once
 *   on a successful log-in from that address.
 * - Per address: 30 failures in 15 minutes (any accounts, unknown names too), then the same
 *   back-off for the address. A success does not reset it.
 *
 * Counters live in the database (`rate_limits`, through rate-limiter-flexible), so several
 * processes share them. Everything the log-in needs is behind {@link LoginThrottle}.
 */
export interface LoginThrottle {
  /** How long this account and address must wait before another try (0: may try now). */
  waitMs(username: string, ip: string): Promise<number>;
  /** Counts a failed try; returns how long the pair must now wait (0: may try again at once). */
  failed(username: string, ip: string): Promise<number>;
  /** A successful log-in: the pair's counters start again (the address's do not). */
  succeeded(username: string, ip: string): Promise<void>;
}

/** The figures of the throttle (exported for tests and docs/AUTH.md). */
export const THROTTLE = {
  freeFailuresPerAccountAndAddress: 5,
  freeFailuresPerAddress: 30,
  windowSeconds: 15 * 60,
  firstWaitSeconds: 30,
  maxWaitSeconds: 15 * 60,
  backoffMemorySeconds: 24 * 3600,
} as const;

/** The wait after the `level`-th (1-based) back-off: 30 s × 2^(level − 1), at most 15 minutes. */
export function backoffSeconds(level: number): number {
  return Math.min(THROTTLE.maxWaitSeconds, THROTTLE.firstWaitSeconds * 2 ** Math.max(0, Math.min(level - 1, 20)));
}

/** The throttle with its counters in the database. */
export function databaseLoginThrottle(db: Executor): LoginThrottle {
  const window = THROTTLE.windowSeconds;
  const pair = new RateLimiterKysely(db, { keyPrefix: 'login-pair', points: THROTTLE.freeFailuresPerAccountAndAddress, duration: window });
  const address = new RateLimiterKysely(db, { keyPrefix: 'login-ip', points: THROTTLE.freeFailuresPerAddress, duration: window });
  // The back-off level of a key: how many waits it has had, remembered for a day after the last.
  const level = new RateLimiterKysely(db, { keyPrefix: 'login-backoff', points: 1_000_000, duration: THROTTLE.backoffMemorySeconds });
  const pairKey = (username: string, ip: string) => `${username}\n${ip}`;

  /** Counts one failure on `limiter`; when its allowance is used up, starts the next (longer) wait. */
  async function count(limiter: RateLimiterKysely, key: string): Promise<number> {
    const levelKey = `${limiter.keyPrefix}\n${key}`;
    const current = (await level.get(levelKey))?.consumedPoints ?? 0;
    const used = await limiter.penalty(key, 1);
    // After a first wait only one try is allowed between waits.
    const allowance = current > 0 ? 1 : limiter.points;
    if (used.consumedPoints < allowance) return 0;
    const next = (await level.penalty(levelKey, 1)).consumedPoints;
    const seconds = backoffSeconds(next);
    // The wait is stored as a counter over the limit that lapses when the wait ends; after it
    // the key starts empty (one try, then the next wait, while the level is remembered).
    await limiter.set(key, limiter.points + 1, seconds);
    return seconds * 1000;
  }

  async function blockedFor(limiter: RateLimiterKysely, key: string): Promise<number> {
    const res = await limiter.get(key);
    return res && res.consumedPoints > limiter.points ? Math.max(res.msBeforeNext, 1) : 0;
  }

  return {
    async waitMs(username, ip) {
      return Math.max(await blockedFor(pair, pairKey(username, ip)), await blockedFor(address, ip));
    },
    async failed(username, ip) {
      const [a, b] = await Promise.all([count(pair, pairKey(username, ip)), count(address, ip)]);
      return Math.max(a, b);
    },
    async succeeded(username, ip) {
      const key = pairKey(username, ip);
      await pair.delete(key);
      await level.delete(`${pair.keyPrefix}\n${key}`);
    },
  };
}
