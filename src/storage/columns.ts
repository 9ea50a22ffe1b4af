import type { ColumnType } from 'kysely';

/**
 * A PostgreSQL `numeric`: written as a JS number, read back as whatever the driver gives
 * (`pg` and PGlite both return a string, to keep precision); {@link toNumber} maps it.
 */
export type NumericColumn = ColumnType<string | number, number | string, number | string>;

/** A nullable PostgreSQL `numeric`. */
export type NullableNumericColumn = ColumnType<string | number | null, number | string | null | undefined, number | string | null>;

/** A `timestamptz` filled by the database (`default now()`), read as a Date. */
export type CreatedAtColumn = ColumnType<Date, Date | string | undefined, never>;

/** Any JSON value, as stored in a `jsonb` column. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * A `jsonb` column: read as the parsed value, written as JSON text (`pg` would turn a JS array
 * into a PostgreSQL array literal, so the text is the one form both drivers take alike).
 */
export type JsonbColumn = ColumnType<JsonValue | null, string | null | undefined, never>;

/** A numeric as read from either driver → a JS number (the one place the conversion happens). */
export function toNumber(value: string | number): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) throw new Error(`not a finite numeric value from the database: ${String(value)}`);
  return n;
}

/** {@link toNumber} for nullable columns. */
export function toNumberOrNull(value: string | number | null): number | null {
  return value === null ? null : toNumber(value);
}

/** A value for a `jsonb` column: JSON text, or null. */
export function toJsonb(value: JsonValue | undefined): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}
