import type { Result } from '../result.ts';
/**
 * Why a printed notation (a cell of a city's sheet: a number, a time point, a list of SDG
 * targets) could not be read. Each kind is a distinct thing the person fixing the import
 * can act on; the message says exactly what was wrong.
 */
export type NotationErrorKind =
  | 'empty'
  /** A placeholder such as 「－」 or 「―」: the cell says "no figure", which is not a typo. */
  | 'not-available'
  | 'unreadable-time'
  | 'unknown-era'
  | 'unreadable-number'
  | 'unreadable-quantity'
  | 'unit-mismatch'
  | 'unreadable-sdg-targets'
  | 'unknown-sdg-target';

/**
 * An expected failure to read a notation. `input` is the text exactly as given (before any
 * normalisation) and both messages quote it, so an error shown out of context still says
 * which cell it is about.
 */
export interface NotationError {
  readonly kind: NotationErrorKind;
  readonly input: string;
  /** English, e.g. `unreadable time point "2024年13月": month 13 is out of range`. */
  readonly message: string;
  /** Japanese, e.g. `時点「2024年13月」を読み取れません：月は1～12です`. */
  readonly messageJa: string;
  /** For a 'unit-mismatch': the unit as read from the figure (「件」 of 「12件」), for messages that name it. */
  readonly unit?: string;
}

/**
 * Something the reader interpreted and the user should see beside the value: an approximate
 * figure (約), a footnote marker (※1), an era year past the era's end. `kind` is a stable id;
 * `ja` and `en` quote the printed text.
 */
export interface NotationNote {
  readonly kind: 'approximate' | 'footnote' | 'bound' | 'era-year-past-end' | 'multiplier-inside' | 'scaled';
  readonly ja: string;
  readonly en: string;
}

/**
 * The result of reading a notation: the value, or why it could not be read. Parsers in this
 * folder never throw for bad input and never return NaN; they return this.
 */
export type Parsed<T> = Result<T, NotationError>;

/** A successful read. */
export function ok<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

/** A failed read; `message` and `messageJa` should quote the input (see {@link quoteEn}). */
export function fail(kind: NotationErrorKind, input: string, message: string, messageJa: string): { readonly ok: false; readonly error: NotationError } {
  return { ok: false, error: { kind, input, message, messageJa } };
}

/** Longest input quoted in full in a message; a longer one is cut with "…" (the full text stays in `input`). */
const MAX_QUOTED = 80;

function shorten(input: string): string {
  return input.length > MAX_QUOTED ? `${input.slice(0, MAX_QUOTED)}…` : input;
}

/** The input quoted for an English message: `"2024年13月"`. */
export function quoteEn(input: string): string {
  return `"${shorten(input)}"`;
}

/** The input quoted for a Japanese message: `「2024年13月」`. */
export function quoteJa(input: string): string {
  return `「${shorten(input)}」`;
}
