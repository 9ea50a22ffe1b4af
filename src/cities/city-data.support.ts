import type { DatedValue } from '../core/kpi/kpi.ts';
import { parseTimePointIso, type TimePoint } from '../core/time/time-point.ts';
import { toNumber, type JsonValue } from '../storage/columns.ts';

/*
 * What the mappers (rows → domain, domain → rows) and the save steps of every concept of a city
 * share: the one error of a CityData that cannot be saved, optional fields, the comparison in
 * normal form, and reading figures and time points back from their columns.
 */

/** A CityData that cannot be saved as given (a dangling reference, a duplicate id, history rewritten). */
export class CityDataError extends Error {
  override readonly name = 'CityDataError';
}

export function finite(n: number, where: string): number {
  if (!Number.isFinite(n)) throw new CityDataError(`${where}: ${n} is not a finite number`);
  return n;
}

/** `{ [key]: value }` when there is a value, `{}` when it is null or undefined: optional fields stay absent. */
export function opt<K extends string, V>(key: K, value: V | null | undefined): { [P in K]?: V } {
  return (value === null || value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

export function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`dangling reference in the database: ${what}`);
  return value;
}

export function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** Equality of two values as JSON with sorted keys (absent and undefined fields are the same). */
export function same(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  );
}

/** A domain value as JSON for the change log. */
export function json(v: unknown): JsonValue {
  return JSON.parse(JSON.stringify(v ?? null)) as JsonValue;
}

export function datedValue(at: string, value: string | number, decimals: number | null): DatedValue {
  return { at: timePointFromDb(at), value: toNumber(value), ...opt('decimals', decimals) };
}

export function timePointFromDb(iso: string): TimePoint {
  const t = parseTimePointIso(iso);
  if (!t) throw new Error(`unreadable time point in the database: ${iso}`);
  return t;
}
