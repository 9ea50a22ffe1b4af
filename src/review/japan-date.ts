/*
 * Dates of the review cycle as people in Japan count them (deadlines, days since an update):
 * Asia/Tokyo, never the server's or UTC's date.
 */

/** The calendar date in Japan (YYYY-MM-DD): deadlines and "days since" count in JST. */
export function todayInJapan(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** Whole days from one YYYY-MM-DD date to another (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
