import { describe, expect, it } from 'vitest';
import { formatDecimal } from './number-format.ts';

describe('formatDecimal', () => {
  it('formats as toLocaleString would, for each shape', () => {
    const cases: Array<[number, 'ja' | 'en', number | undefined, number, boolean | undefined]> = [
      [1111, 'ja', undefined, 0, undefined],
      [-21.75, 'en', undefined, 1, undefined],
      [163666, 'ja', undefined, 2, false],
      [0.5, 'en', 0, 4, true],
      [2024.25, 'ja', 0, 2, false],
    ];
    for (const [v, lang, min, max, grouping] of cases) {
      const expected = v.toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-GB', { minimumFractionDigits: min ?? max, maximumFractionDigits: max, useGrouping: grouping ?? true });
      expect(formatDecimal(v, lang, { ...(min === undefined ? {} : { minDecimals: min }), maxDecimals: max, ...(grouping === undefined ? {} : { grouping }) })).toBe(expected);
    }
    expect(formatDecimal(1234.5, 'ja', { maxDecimals: 1 })).toBe('1,234.5');
    expect(formatDecimal(1234.5, 'ja', { maxDecimals: 1, grouping: false })).toBe('1234.5');
  });
});

describe('formatDecimal keeps what it formatted (issue 11.4)', () => {
  it('gives the same text from its memory as from Intl, -0 and 0 apart', () => {
    for (let i = 0; i < 3; i++) {
      expect(formatDecimal(1234.5, 'ja', { maxDecimals: 1 })).toBe('1,234.5');
      expect(formatDecimal(-0, 'en', { maxDecimals: 0 })).toBe(new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 }).format(-0));
      expect(formatDecimal(0, 'en', { maxDecimals: 0 })).toBe('0');
    }
    // More figures than it keeps: still right after it starts afresh.
    for (let v = 0; v < 20_000; v++) expect(formatDecimal(v + 0.25, 'en', { maxDecimals: 2 })).toBe((v + 0.25).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
  });
});

describe('formatDecimal without Intl where nothing rounds (issue 11.5)', () => {
  it('writes the same text as Intl for every value, shape and language, rounding cases and edge values included', () => {
    const shapes = new Map<string, Intl.NumberFormat>();
    const intl = (v: number, lang: 'ja' | 'en', min: number, max: number, grouping: boolean) => {
      const key = `${lang}${min}-${max}${grouping}`;
      if (!shapes.has(key)) shapes.set(key, new Intl.NumberFormat(lang === 'ja' ? 'ja-JP' : 'en-GB', { minimumFractionDigits: min, maximumFractionDigits: max, useGrouping: grouping }));
      return shapes.get(key)!.format(v);
    };
    let seed = 11;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const values = [0, 1, -1, 5, 999, 1000, -1000, 9999, 12345, 123456, 1234567, 999999999999999, 1e15, -1e15, 1e21, 1.5e300, 1e-6, 1e-7, -2.5e-8, 0.1 + 0.2, 1.005, 2.675, 0.5, -0.5, 1.25, 74.5, 75, 0.05, 1234.5, -21.75, 163666.666, Number.MAX_SAFE_INTEGER, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
    for (let i = 0; i < 1500; i++) {
      const magnitude = 10 ** Math.floor(rnd() * 16 - 4);
      const raw = (rnd() - 0.3) * magnitude;
      const decimals = Math.floor(rnd() * 5);
      values.push(raw, Math.round(raw * 10 ** decimals) / 10 ** decimals, Math.round(raw));
    }
    for (const v of values) {
      for (const lang of ['ja', 'en'] as const) {
        for (const [min, max] of [[0, 0], [1, 1], [2, 2], [0, 2], [0, 4], [3, 3], [0, 20], [20, 20]] as const) {
          for (const grouping of [true, false]) {
            expect(formatDecimal(v, lang, { minDecimals: min, maxDecimals: max, grouping }), `${v} ${lang} ${min}-${max} ${grouping}`).toBe(intl(v, lang, min, max, grouping));
          }
        }
      }
    }
  });
});
