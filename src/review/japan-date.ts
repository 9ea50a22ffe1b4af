/*
 * Dates of the review cycle as people in Japan count them (deadlines, days since an update):
 * Asia/Tokyo, never the server's or UTC's date. Thin names over the one clock
 * (src/core/time/clock.ts), kept for the review code that reads better with them.
 */
import { daysBetween, systemClock, tokyoDateOf } from '../core/time/clock.ts';

/** The calendar date in Japan (YYYY-MM-DD) of an instant, by default the system clock's now. */
export function todayInJapan(now: Date = systemClock.now()): string {
  return tokyoDateOf(now);
}

export { daysBetween };
