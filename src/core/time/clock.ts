/**
 * The one clock of the system. A Japanese municipality lives in Asia/Tokyo: "today", the fiscal
 * year (年度, April to March) and every deadline are Tokyo dates, whatever zone the server runs
 * in. Taking the UTC date instead leaves the system a day behind from 00:00 to 09:00 JST, and a
 * partner approved at 08:30 on 1 April would land in the previous fiscal year.
 *
 * Japan has kept no daylight saving time since 1951, so JST is always UTC+9 and the Tokyo date of
 * an instant is its UTC date nine hours on; no time-zone database is needed.
 *
 * Code that needs the current time takes a {@link Clock} (the app's, injected in tests with
 * {@link fixedClock}); the pure helpers below take an instant or an ISO date.
 */

/** The offset of Japan Standard Time from UTC, in milliseconds (+09:00, no DST). */
const JST_OFFSET_MS = 9 * 3_600_000;

/** The zone label printed beside every time shown to people. */
export const TOKYO_ZONE_LABEL = 'JST';

/** Where the current time comes from. */
export interface Clock {
  /** The current instant. */
  now(): Date;
  /** Today's date in Asia/Tokyo, ISO form (YYYY-MM-DD). */
  todayInTokyo(): string;
}

/** A clock reading the given source of instants. */
export function clockFrom(source: () => Date): Clock {
  return { now: source, todayInTokyo: () => tokyoDateOf(source()) };
}

/** The system's clock (the real time). */
export const systemClock: Clock = clockFrom(() => new Date());

/** A clock stopped at one instant (tests, reproducible runs): an ISO instant with its zone, or a Date. */
export function fixedClock(instant: string | Date): Clock {
  const at = new Date(instant);
  if (Number.isNaN(at.getTime())) throw new Error(`fixedClock: not an instant: ${String(instant)}`);
  return clockFrom(() => new Date(at.getTime()));
}

/** The parts of an instant on the Tokyo wall clock. */
function tokyoParts(instant: Date): { year: number; month: number; day: number; hour: number; minute: number } {
  const d = new Date(instant.getTime() + JST_OFFSET_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes() };
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** The Tokyo date (ISO, YYYY-MM-DD) of an instant: 2025-03-31T23:30Z → 2025-04-01. */
export function tokyoDateOf(instant: Date | string): string {
  const p = tokyoParts(new Date(instant));
  return `${p.year}-${pad2(p.month)}-${pad2(p.day)}`;
}

/** The calendar year of an instant in Tokyo. */
export function tokyoYearOf(instant: Date | string): number {
  return tokyoParts(new Date(instant)).year;
}

/**
 * The fiscal year (年度) an ISO date (YYYY-MM-DD, a Tokyo date) belongs to, named by the year it
 * starts in: with the Japanese public sector's April start, 2025-04-01 → 2025 and 2025-03-31 → 2024.
 * `startMonth` (1–12) is the first month of the fiscal year (4 unless a body says otherwise).
 */
export function fiscalYearOf(date: string, startMonth = 4): number {
  const m = /^(\d{4})-(\d{2})/.exec(date);
  if (!m) throw new Error(`fiscalYearOf: not an ISO date: ${date}`);
  const year = Number(m[1]);
  return Number(m[2]) >= startMonth ? year : year - 1;
}

/** An instant as a Tokyo date and time with its zone: "2025-04-01 08:30 JST". */
export function formatTokyoDateTime(instant: Date | string): string {
  const p = tokyoParts(new Date(instant));
  return `${p.year}-${pad2(p.month)}-${pad2(p.day)} ${pad2(p.hour)}:${pad2(p.minute)} ${TOKYO_ZONE_LABEL}`;
}

/** An instant as its Tokyo date, "2025-04-01" (a date needs no zone once it is the Tokyo date). */
export function formatTokyoDate(instant: Date | string): string {
  return tokyoDateOf(instant);
}

/**
 * A local Tokyo date and time as stored for an event ("2025-02-15T14:00", entered on Tokyo's wall
 * clock) with its zone: "2025-02-15 14:00 JST".
 */
export function formatTokyoWallClock(localDateTime: string): string {
  return `${localDateTime.replace('T', ' ')} ${TOKYO_ZONE_LABEL}`;
}

/** An ISO date moved by whole days (calendar arithmetic, no zone involved). */
export function addDaysToDate(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Whole calendar days from one ISO date (YYYY-MM-DD) to another; negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
