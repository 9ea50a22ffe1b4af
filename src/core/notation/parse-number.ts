import { normalizeNotation } from './normalize.ts';
import { fail, ok, quoteEn, quoteJa, type Parsed } from './notation-error.ts';

/**
 * A number as printed, with how many decimals it was printed with: 「72.02」 is
 * { value: 72.02, decimals: 2 } and 「0.0」 is { value: 0, decimals: 1 }. The decimals bound
 * what the unrounded figure could have been, which reconciling published rates needs.
 */
export interface PrintedNumber {
  readonly value: number;
  readonly decimals: number;
}

/**
 * Reads a number as Japanese sheets print it: thousands separators (1,111), full-width digits
 * (１，１１１), a leading sign (+5, -21.7, −21.7) or the accounting marks ▲ and △ for a negative
 * figure (▲3.2 is -3.2). Multipliers such as 万 are not read: 「70.1千人」 is 70.1 in the unit
 * 千人 (see parseQuantity). Rejects anything doubtful (1,11, 1.2.3, --5, NaN) with a reason.
 */
export function parseNumber(s: string): Parsed<PrintedNumber> {
  const n = normalizeNotation(s);
  if (n === '') return fail('empty', s, `empty number ${quoteEn(s)}`, `数値が空です${quoteJa(s)}`);
  if (isNotAvailable(n)) {
    return fail('not-available', s, `no figure ${quoteEn(s)}: the cell marks a missing value`, `${quoteJa(s)}は数値なし（欠測）の記号です`);
  }
  const read = readNormalizedNumber(n);
  if ('reason' in read) {
    return fail('unreadable-number', s, `unreadable number ${quoteEn(s)}: ${read.reason}`, `数値${quoteJa(s)}を読み取れません：${read.reasonJa}`);
  }
  return ok(read);
}

/** Why a number could not be read, in both languages, without the quoted input. */
export interface NumberProblem {
  readonly reason: string;
  readonly reasonJa: string;
}

/**
 * The reading behind {@link parseNumber}, on text already normalised and known non-empty;
 * shared with parseQuantity so that its messages give the same precise reason.
 */
export function readNormalizedNumber(n: string): PrintedNumber | NumberProblem {
  const bad = (reason: string, reasonJa: string): NumberProblem => ({ reason, reasonJa });
  const m = /^([+\-▲△]*) ?(.*)$/.exec(n);
  const signs = m?.[1] ?? '';
  const body = m?.[2] ?? '';
  if (signs.length > 1) return bad(`more than one sign "${signs}"`, `符号「${signs}」が重なっています`);
  if (!/\d/.test(body)) return bad('no digits', '数字がありません');
  const stray = /[^0-9.,]/.exec(body);
  if (stray) return bad(`unexpected "${stray[0]}"`, `「${stray[0]}」は数値に使えません`);

  const parts = body.split('.');
  if (parts.length > 2) return bad('more than one decimal point', '小数点が複数あります');
  const intPart = parts[0] ?? '';
  const fraction = parts[1];
  if (intPart === '') return bad('no digits before the decimal point', '小数点の前に数字がありません');
  if (fraction === '') return bad('no digits after the decimal point', '小数点の後に数字がありません');
  if (fraction?.includes(',')) return bad('a comma after the decimal point', '小数点の後にカンマがあります');
  if (intPart.includes(',') && !/^\d{1,3}(,\d{3})+$/.test(intPart)) {
    return bad('thousands separators must group the digits in threes', '桁区切りのカンマは3桁ごとです');
  }

  const digits = intPart.replace(/,/g, '') + (fraction ?? '');
  // A double keeps 15 significant digits exactly: more would be stored as another number
  // (zeros before the first and after the last other digit are not significant: 1e20 is exact).
  if (digits.replace(/^0+/, '').replace(/0+$/, '').length > MAX_SIGNIFICANT_DIGITS) {
    return bad(`more than ${MAX_SIGNIFICANT_DIGITS} significant digits cannot be kept exactly`, `有効数字が${MAX_SIGNIFICANT_DIGITS}桁を超えるため正確に記録できません`);
  }
  const magnitude = Number(intPart.replace(/,/g, '') + (fraction === undefined ? '' : `.${fraction}`));
  if (!Number.isFinite(magnitude)) return bad('too large', '大きすぎます');
  const negative = signs === '-' || signs === '▲' || signs === '△';
  // 0 rather than -0 for 「-0.0」: the sign of zero carries no meaning in a sheet.
  const value = negative && magnitude !== 0 ? -magnitude : magnitude;
  return { value, decimals: fraction?.length ?? 0 };
}

/** Significant digits a figure may have: what a double (and PostgreSQL's double precision) keeps exactly. */
export const MAX_SIGNIFICANT_DIGITS = 15;

/**
 * Whether a normalised cell is a placeholder for "no figure": one or more dashes of any kind
 * (「－」「―」「‐」「—」「ー」), 「…」「N/A」, or a word saying the figure is not known yet
 * (「集計中」「調査中」「未集計」…). Such a cell is a missing value, not a typo to fix.
 */
export function isNotAvailable(normalized: string): boolean {
  return /^(?:[-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30FC\uFF70]+|\.{3}|…|n\/a|na|nd)$/i.test(normalized) || NOT_YET.test(normalized);
}

/** Words cities print for a figure not known yet (being counted, surveyed, not published). */
const NOT_YET = /^[(]?(?:集計中|調査中|算出中|精査中|確認中|未集計|未確定|未公表|非公表|未把握|把握できず|データなし|速報値なし)[)]?$/;
