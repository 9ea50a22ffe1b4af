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

// C0 controls but tab (09), line feed (0A) and carriage return (0D); DEL (7F); C1 controls (80–9F),
// which no Japanese or Western text encoding in use here produces (a mis-decoded file does).
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
// In a single-line value (a query parameter, a path segment) line breaks are not text either.
const CONTROL_SINGLE_LINE = /[\u0000-\u001F\u007F-\u009F]/;
// Invisible format characters (Unicode category Cf) and the line/paragraph separators: the
// bidirectional embeddings, overrides and isolates (U+202A–202E, U+2066–2069) that make 「2025」
// read as 「5202」 (Trojan Source, CVE-2021-42574), the zero-width space, joiners and marks
// (U+200B–200F), the word joiner and invisible operators (U+2060–2064), the soft hyphen (U+00AD),
// U+FEFF inside a text, the tag characters (U+E0001–E007F). None is part of a Japanese text; a
// name or figure carrying one can look like another. Variation selectors (異体字, U+FE00–FE0F,
// U+E0100–E01EF) are combining marks (Mn), not format characters: 葛󠄀 stays allowed, as do
// full-width forms (ＡＢＣ、１２３) and the ideographic space.
const INVISIBLE = /[\p{Cf}\u2028\u2029]/u;

/** `U+XXXX` of a character (the first code point of `s`). */
function codePointName(s: string): string {
  return `U+${s.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * The first control character of a text as `U+0000` (a NUL byte, a bell, a C1 control…), or null
 * when there is none. `singleLine` also counts tab and line breaks (query parameters, path
 * segments, ids).
 */
export function controlCharacterIn(text: string, singleLine = false): string | null {
  const m = (singleLine ? CONTROL_SINGLE_LINE : CONTROL).exec(text);
  return m ? codePointName(m[0]) : null;
}

/** The first invisible format character of a text (bidi override or isolate, zero-width…) as `U+202E`, or null. */
export function invisibleCharacterIn(text: string): string | null {
  const m = INVISIBLE.exec(text);
  return m ? codePointName(m[0]) : null;
}

/**
 * Why a free text (a title, name, code, description, note) cannot be stored, or null: a control
 * character, or an invisible format character that can make it read as something else. Line
 * breaks and tabs are text unless `singleLine` (titles, names, codes, units).
 */
export type TextProblem = { readonly kind: 'control' | 'invisible'; readonly char: string };

/** The first {@link TextProblem} of a text, or null when it may be stored. */
export function textProblemIn(text: string, singleLine = false): TextProblem | null {
  const control = controlCharacterIn(text, singleLine);
  if (control) return { kind: 'control', char: control };
  const invisible = invisibleCharacterIn(text);
  return invisible ? { kind: 'invisible', char: invisible } : null;
}

/** A text problem in words, both languages, for a message that names its field or cell ({@link textProblemIn}). */
export function describeTextProblem(p: TextProblem): { readonly ja: string; readonly en: string } {
  return p.kind === 'control'
    ? { ja: `制御文字（${p.char}）が含まれています。削除してから入力し直してください`, en: `contains a control character (${p.char}); remove it and enter the text again` }
    : { ja: `見えない書式文字（${p.char}：文字の向きを変える文字やゼロ幅の文字など）が含まれています。表示をごまかせるため使えません。削除してから入力し直してください`, en: `contains an invisible format character (${p.char}: a bidirectional override, a zero-width character or the like), which can disguise the text; remove it and enter the text again` };
}
