/**
 * The one guard against spreadsheet formula injection (CSV injection, OWASP), shared by every
 * CSV and .xlsx the app writes. A spreadsheet runs a text cell as a formula when it starts with
 * = + - or @ (Excel also after a tab or a carriage return, and Japanese Excel takes the full-width
 * ＝ ＋ － ＠ typed through an IME as the same): `-2+3+cmd|' /C calc'!A0` or
 * `-0+HYPERLINK("http://evil", "x")` look like negative numbers to a naive check and are not.
 * Such a text gets an apostrophe in front, the spreadsheets' own "this is text" mark; a text that
 * is a plain number ("-21.7", "+3") is left alone, and numbers written as numbers are never
 * touched.
 */

/** First characters that make a spreadsheet read a text cell as a formula. */
const TRIGGER = /^[=+\-@\t\r\n\uFF1D\uFF0B\uFF0D\uFF20]/;
/** A plain decimal number, which a spreadsheet reads as that number and never runs. */
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The text as it must be written into a spreadsheet cell: guarded when it could run as a formula. */
export function guardFormula(text: string): string {
  return TRIGGER.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/**
 * The text a guarded cell held before {@link guardFormula}: reading back a file the app wrote
 * (an exported progress sheet, the import template) gives the original text, not the mark.
 */
export function unguardFormula(text: string): string {
  return text.startsWith("'") && TRIGGER.test(text.slice(1)) && !PLAIN_NUMBER.test(text.slice(1)) ? text.slice(1) : text;
}
