import { PREFECTURES } from './prefectures.ts';

/*
 * The 全国地方公共団体コード (local government code) of 総務省: five digits (JIS X 0402: the
 * prefecture's two JIS X 0401 digits, then three for the municipality, 000 for the prefecture
 * itself) and a check digit. The check digit rule (総務省「全国地方公共団体コード」仕様):
 * multiply the five digits by 6, 5, 4, 3, 2, add them up, take the remainder mod 11; the check
 * digit is the last digit of 11 − remainder (remainder 0 → 1, remainder 1 → 0).
 * Checked against real codes: 一関市 032093, つくば市 082201, 金沢市 172014, 千代田区 131016,
 * 札幌市 011002, 札幌市中央区 011011 (remainder 0), 福島市 072010 (remainder 1).
 */

const WEIGHTS = [6, 5, 4, 3, 2] as const;

/** The check digit (0–9) of a five-digit JIS X 0402 code. */
export function localGovernmentCheckDigit(fiveDigits: string): number {
  if (!/^[0-9]{5}$/.test(fiveDigits)) throw new Error(`localGovernmentCheckDigit: not five digits: ${fiveDigits}`);
  const sum = WEIGHTS.reduce((s, w, i) => s + w * Number(fiveDigits[i]), 0);
  return (11 - (sum % 11)) % 10;
}

/** Why a typed code is not a valid 全国地方公共団体コード. */
export type LocalGovernmentCodeError =
  | { readonly kind: 'format' }
  | { readonly kind: 'prefecture'; readonly digits: string }
  | { readonly kind: 'check-digit'; readonly expected: number; readonly given: number }
  | { readonly kind: 'prefecture-mismatch'; readonly codePrefecture: string; readonly given: string };

/** A valid code with the prefecture (Japanese name) its first two digits name. */
export interface LocalGovernmentCode {
  readonly code: string;
  readonly prefecture: string;
}

/**
 * Reads a typed 6-digit code (full-width digits and surrounding spaces accepted, as people type
 * them from a PDF) and checks its prefecture digits and check digit; when `prefecture` (its
 * Japanese name) is given, the code must lie in it. Returns the normalized code or why not.
 */
export function parseLocalGovernmentCode(input: string, prefecture?: string): { ok: true; value: LocalGovernmentCode } | { ok: false; error: LocalGovernmentCodeError } {
  const code = input.trim().replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  if (!/^[0-9]{6}$/.test(code)) return { ok: false, error: { kind: 'format' } };
  const pref = PREFECTURES.find((p) => p.code === code.slice(0, 2));
  if (!pref) return { ok: false, error: { kind: 'prefecture', digits: code.slice(0, 2) } };
  const expected = localGovernmentCheckDigit(code.slice(0, 5));
  const given = Number(code[5]);
  if (expected !== given) return { ok: false, error: { kind: 'check-digit', expected, given } };
  if (prefecture !== undefined && prefecture !== pref.ja) return { ok: false, error: { kind: 'prefecture-mismatch', codePrefecture: pref.ja, given: prefecture } };
  return { ok: true, value: { code, prefecture: pref.ja } };
}

/** One English line saying what is wrong with a typed code (CLI, plan data files). */
export function localGovernmentCodeMessage(error: LocalGovernmentCodeError, input: string): string {
  switch (error.kind) {
    case 'format':
      return `"${input}" is not a 6-digit 全国地方公共団体コード`;
    case 'prefecture':
      return `"${input}": its first two digits ${error.digits} name no prefecture (01–47)`;
    case 'check-digit':
      return `"${input}": wrong check digit ${error.given} (expected ${error.expected}: weights 6,5,4,3,2, sum mod 11, 11 − remainder)`;
    case 'prefecture-mismatch':
      return `"${input}" is a code of ${error.codePrefecture}, not of ${error.given}`;
  }
}
