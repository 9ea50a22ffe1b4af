import { describe, expect, it } from 'vitest';
import { parseNumber } from './parse-number.ts';

/** The value of a successful read; fails the test otherwise. */
function value(s: string) {
  const r = parseNumber(s);
  if (!r.ok) throw new Error(`expected ${s} to be read: ${r.error.message}`);
  return r.value;
}

/** The error of a failed read; fails the test otherwise. */
function error(s: string) {
  const r = parseNumber(s);
  if (r.ok) throw new Error(`expected ${s} to be rejected, got ${r.value.value}`);
  return r.error;
}

describe('parseNumber: numbers as printed', () => {
  it('reads thousands separators, in ASCII or full width', () => {
    expect(value('1,111')).toEqual({ value: 1111, decimals: 0 });
    expect(value('１，１１１')).toEqual({ value: 1111, decimals: 0 });
    expect(value('147,679')).toEqual({ value: 147679, decimals: 0 });
    expect(value('1,234,567.8')).toEqual({ value: 1234567.8, decimals: 1 });
  });

  it('reads signs, including the minus sign U+2212', () => {
    expect(value('-21.7')).toEqual({ value: -21.7, decimals: 1 });
    expect(value('−21.7')).toEqual({ value: -21.7, decimals: 1 });
    expect(value('+5')).toEqual({ value: 5, decimals: 0 });
  });

  it('reads ▲ and △ as negative (Japanese accounting)', () => {
    expect(value('▲3.2')).toEqual({ value: -3.2, decimals: 1 });
    expect(value('△3.2')).toEqual({ value: -3.2, decimals: 1 });
    expect(value('▲ 1,200')).toEqual({ value: -1200, decimals: 0 });
  });

  it('keeps how many decimals were printed', () => {
    expect(value('0.0')).toEqual({ value: 0, decimals: 1 });
    expect(value('72.02')).toEqual({ value: 72.02, decimals: 2 });
    expect(value('41.20')).toEqual({ value: 41.2, decimals: 2 });
    expect(value('157')).toEqual({ value: 157, decimals: 0 });
  });

  it('reads -0.0 as 0, not -0', () => {
    expect(Object.is(value('-0.0').value, 0)).toBe(true);
  });

  it('tolerates surrounding spaces', () => {
    expect(value('  13 ')).toEqual({ value: 13, decimals: 0 });
  });
});

describe('parseNumber: what it rejects, and why', () => {
  it('rejects an empty cell as empty', () => {
    expect(error('').kind).toBe('empty');
    expect(error('　').kind).toBe('empty');
  });

  it('marks a dash placeholder as "not available", not as a typo', () => {
    for (const s of ['-', '－', '―', '—', '…', 'N/A']) expect(error(s).kind).toBe('not-available');
    expect(error('－').message).toBe('no figure "－": the cell marks a missing value');
  });

  it('rejects text without digits', () => {
    const e = error('abc');
    expect(e).toMatchObject({ kind: 'unreadable-number', input: 'abc' });
    expect(e.message).toBe('unreadable number "abc": no digits');
    expect(e.messageJa).toBe('数値「abc」を読み取れません：数字がありません');
  });

  it('rejects thousands separators that do not group by three', () => {
    const e = error('1,11');
    expect(e.message).toBe('unreadable number "1,11": thousands separators must group the digits in threes');
    expect(e.messageJa).toBe('数値「1,11」を読み取れません：桁区切りのカンマは3桁ごとです');
    expect(error('1111,111').kind).toBe('unreadable-number');
    expect(error(',111').kind).toBe('unreadable-number');
  });

  it('rejects several decimal points', () => {
    expect(error('1.2.3').message).toBe('unreadable number "1.2.3": more than one decimal point');
  });

  it('rejects several signs', () => {
    expect(error('--5').message).toBe('unreadable number "--5": more than one sign "--"');
    expect(error('+▲5').kind).toBe('unreadable-number');
  });

  it('rejects Infinity, NaN and exponents, never returning NaN', () => {
    expect(error('Infinity').message).toBe('unreadable number "Infinity": no digits');
    expect(error('NaN').message).toBe('unreadable number "NaN": no digits');
    expect(error('1e5').message).toBe('unreadable number "1e5": unexpected "e"');
  });

  it('rejects a unit or multiplier: that is parseQuantity\'s job', () => {
    expect(error('41%').message).toBe('unreadable number "41%": unexpected "%"');
    expect(error('1.5万').message).toBe('unreadable number "1.5万": unexpected "万"');
  });

  it('rejects a decimal point without digits on one side', () => {
    expect(error('.5').message).toBe('unreadable number ".5": no digits before the decimal point');
    expect(error('5.').message).toBe('unreadable number "5.": no digits after the decimal point');
    expect(error('1.234,5').message).toBe('unreadable number "1.234,5": a comma after the decimal point');
  });

  it('quotes the input as given, before normalisation', () => {
    expect(error('１，１１').input).toBe('１，１１');
    expect(error('１，１１').message).toContain('"１，１１"');
  });
});
