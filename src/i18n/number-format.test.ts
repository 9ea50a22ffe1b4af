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
