/**
 * The one shape of an expected failure (docs/ARCHITECTURE.md, Conventions): a value or an error,
 * never a throw. `ok` tells them apart; TypeScript narrows on it. Exceptions are for bugs.
 *
 * Shapes that carry several problems at once use an array as `E` (e.g. every problem of a file),
 * never a second field name.
 */
export type Result<T, E> = Ok<T> | Err<E>;

/** A success: the value. */
export interface Ok<T> {
  readonly ok: true;
  readonly value: T;
}

/** A failure: what went wrong, as data the caller can show or map to an answer. */
export interface Err<E> {
  readonly ok: false;
  readonly error: E;
}

/** A success. */
export function ok<T>(value: T): Ok<T> {
  return { ok: true, value };
}

/** A failure. */
export function err<E>(error: E): Err<E> {
  return { ok: false, error };
}
