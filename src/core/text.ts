/**
 * Rules every stored or shown text obeys, whatever its way in (a form, a query, an imported
 * cell): a length limit per kind of field, and no control characters. PostgreSQL refuses a NUL
 * byte in a text column, and the other C0 controls make no sense in a KPI note; tab and line
 * breaks are text.
 */

/** Largest length (UTF-16 code units, as zod and `String.length` count) of each kind of free text. */
export const TEXT_LIMITS = {
  /** A note on an actual (備考), typed or imported; the same as the staff form's commentary limit. */
  note: 2000,
  /** The source of an actual (出典). */
  source: 500,
  /** A reason given for a change (publication, correction). */
  reason: 1000,
  /** Any other single form field; nothing the app asks for is longer (plan visions: 4,000). */
  field: 10_000,
  /** One query parameter value; a search text is at most 100, a log-in return path a few hundred. */
  query: 2000,
} as const;

// C0 controls but tab (09), line feed (0A) and carriage return (0D); DEL (7F).
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
// In a single-line value (a query parameter, a path segment) line breaks are not text either.
const CONTROL_SINGLE_LINE = /[\u0000-\u001F\u007F]/;

/**
 * The first control character of a text as `U+0000` (a NUL byte, a bell…), or null when there is
 * none. `singleLine` also counts tab and line breaks (query parameters, path segments, ids).
 */
export function controlCharacterIn(text: string, singleLine = false): string | null {
  const m = (singleLine ? CONTROL_SINGLE_LINE : CONTROL).exec(text);
  return m ? `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` : null;
}
