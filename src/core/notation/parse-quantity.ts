import type { Quantity } from '../quantity.ts';
import { normalizeNotation } from './normalize.ts';
import { fail, ok, quoteEn, quoteJa, type Parsed } from './notation-error.ts';
import { isNotAvailable, readNormalizedNumber, type PrintedNumber } from './parse-number.ts';

/** Options of {@link parseQuantity}. */
export interface ParseQuantityOptions {
  /**
   * The KPI's unit. A bare number takes it; a figure printed with another unit is a
   * 'unit-mismatch' (千t-CO2 typed into a column in t is a factor of 1,000 off).
   */
  readonly expectedUnit?: string;
}

/**
 * Brings a unit to one spelling so that units compare: full-width forms and spaces go
 * (「千 t-CO₂」 → 「千t-CO2」, 「％」 → 「%」), and m2/m3 are written m²/m³ as printed in plans.
 * Counting words (か所, ヶ所, 箇所) are kept as printed: they are listed separately in COUNT_UNITS.
 */
export function normalizeUnit(unit: string): string {
  return normalizeNotation(unit)
    .replace(/ /g, '')
    .replace(/(?<![A-Za-z])(k?m)([23])(?![0-9])/g, (_, base: string, power: string) => base + (power === '2' ? '²' : '³'));
}

/**
 * Reads a figure with its unit as printed: 「1,111 社」, 「-21.7 ％」, 「2,778 千 t-CO2」,
 * 「6,657 m³」, 「147,679t」, 「3か所」, 「▲3.2」, or a bare 「157」 (unit ''). The number is
 * read like parseNumber, so a bad number gives the same precise reason.
 */
export function parseQuantity(s: string, opts: ParseQuantityOptions = {}): Parsed<Quantity> {
  const read = readQuantity(s, QUANTITY);
  if (!read.ok || opts.expectedUnit === undefined) return read;
  const expected = normalizeUnit(opts.expectedUnit);
  const printed = read.value.unit;
  if (printed === '' || printed === expected) return ok({ ...read.value, unit: expected });
  return fail(
    'unit-mismatch',
    s,
    `unit mismatch in ${quoteEn(s)}: the unit is "${printed}", expected "${expected}"`,
    `${quoteJa(s)}の単位「${printed}」は期待される単位「${expected}」と異なります`,
  );
}

/**
 * Reads a published achievement rate (達成度) in percent: 「65%」, 「61.1%」, 「-683%」,
 * 「１０６％」, or a bare 「106」 (sheets often print the % in the column header only).
 * Any other unit is a 'unit-mismatch'.
 */
export function parseRate(s: string): Parsed<PrintedNumber> {
  const read = readQuantity(s, RATE);
  if (!read.ok) return read;
  const { value, decimals, unit } = read.value;
  if (unit !== '' && unit !== '%') {
    return fail(
      'unit-mismatch',
      s,
      `unreadable ${RATE.en} ${quoteEn(s)}: a rate is in percent (%), not "${unit}"`,
      `${RATE.ja}${quoteJa(s)}を読み取れません：達成度の単位は「%」で、「${unit}」ではありません`,
    );
  }
  return ok({ value, decimals });
}

/** What is being read, for messages. */
interface Subject {
  readonly en: string;
  readonly ja: string;
}
const QUANTITY: Subject = { en: 'quantity', ja: '数量' };
const RATE: Subject = { en: 'achievement rate', ja: '達成度' };

function readQuantity(s: string, what: Subject): Parsed<Quantity> {
  const n = normalizeNotation(s);
  if (n === '') return fail('empty', s, `empty ${what.en} ${quoteEn(s)}`, `${what.ja}が空です${quoteJa(s)}`);
  if (isNotAvailable(n)) {
    return fail('not-available', s, `no figure ${quoteEn(s)}: the cell marks a missing value`, `${quoteJa(s)}は数値なし（欠測）の記号です`);
  }

  // The number is the leading run of signs, digits, commas and points; the rest is the unit.
  const m = /^([+\-▲△ ]*[0-9.,]+)(.*)$/.exec(n);
  const numberText = m?.[1];
  const unitText = m?.[2];
  if (numberText === undefined || unitText === undefined || !/\d/.test(numberText)) {
    return fail(
      'unreadable-quantity',
      s,
      `unreadable ${what.en} ${quoteEn(s)}: expected a number then a unit, such as "1,111 社" or "41%"`,
      `${what.ja}${quoteJa(s)}を読み取れません：「1,111 社」「41%」のように数値と単位を書いてください`,
    );
  }
  const number = readNormalizedNumber(numberText.trim());
  if ('reason' in number) {
    return fail('unreadable-number', s, `unreadable ${what.en} ${quoteEn(s)}: ${number.reason}`, `${what.ja}${quoteJa(s)}を読み取れません：${number.reasonJa}`);
  }
  return ok({ value: number.value, decimals: number.decimals, unit: normalizeUnit(unitText) });
}
