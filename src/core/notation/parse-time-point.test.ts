import { describe, expect, it } from 'vitest';
import type { SimpleTimePoint, TimePoint } from '../time/time-point.ts';
import { formatTimePointWareki, parseTimePoint, parseTimePointNoted } from './parse-time-point.ts';

function time(s: string): TimePoint {
  const r = parseTimePoint(s);
  if (!r.ok) throw new Error(`expected ${s} to be read: ${r.error.message}`);
  return r.value;
}

function timeError(s: string) {
  const r = parseTimePoint(s);
  if (r.ok) throw new Error(`expected ${s} to be rejected, got ${JSON.stringify(r.value)}`);
  return r.error;
}

const year = (y: number): SimpleTimePoint => ({ kind: 'year', year: y });
const fy = (y: number): SimpleTimePoint => ({ kind: 'fiscal-year', year: y });
const month = (y: number, m: number): SimpleTimePoint => ({ kind: 'month', year: y, month: m });

describe('parseTimePoint: 西暦', () => {
  it('reads years, with or without 年, in ASCII or full width', () => {
    expect(time('2020年')).toEqual(year(2020));
    expect(time('２０２４年')).toEqual(year(2024));
    expect(time('2023')).toEqual(year(2023));
  });

  it('reads fiscal years (年度 runs April to March), with a space as sheets print it', () => {
    expect(time('2021年度')).toEqual(fy(2021));
    expect(time('2021 年度')).toEqual(fy(2021));
    expect(time('FY2021')).toEqual(fy(2021));
  });

  it('reads months in Japanese and numeric forms', () => {
    expect(time('2024年3月')).toEqual(month(2024, 3));
    expect(time('2024年３月')).toEqual(month(2024, 3));
    expect(time('2019年12月')).toEqual(month(2019, 12));
    expect(time('2024/3')).toEqual(month(2024, 3));
    expect(time('2024-03')).toEqual(month(2024, 3));
    expect(time('2024.3')).toEqual(month(2024, 3));
  });

  it('reads days', () => {
    expect(time('2024年3月31日')).toEqual({ kind: 'day', year: 2024, month: 3, day: 31 });
    expect(time('2024/3/31')).toEqual({ kind: 'day', year: 2024, month: 3, day: 31 });
    expect(time('2024-02-29')).toEqual({ kind: 'day', year: 2024, month: 2, day: 29 });
  });
});

describe('parseTimePoint: 和暦', () => {
  it('reads 令和, 平成 and 昭和 years and fiscal years', () => {
    expect(time('令和６年８月')).toEqual(month(2024, 8));
    expect(time('令和5年度')).toEqual(fy(2023));
    expect(time('平成28年度')).toEqual(fy(2016));
    expect(time('平成31年3月')).toEqual(month(2019, 3));
    expect(time('昭和64年')).toEqual(year(1989));
    expect(time('平成 17 年９月')).toEqual(month(2005, 9));
  });

  it('reads 元年 as year 1', () => {
    expect(time('令和元年')).toEqual(year(2019));
    expect(time('令和元年度')).toEqual(fy(2019));
    expect(time('平成元年')).toEqual(year(1989));
  });

  it('reads the short forms R6, R6.8, H28', () => {
    expect(time('R6')).toEqual(year(2024));
    expect(time('R6.8')).toEqual(month(2024, 8));
    expect(time('R5年度')).toEqual(fy(2023));
    expect(time('H28')).toEqual(year(2016));
  });

  it('accepts 平成31年度, the fiscal year that began in April 2019', () => {
    expect(time('平成31年度')).toEqual(fy(2019));
  });

  it('reads the square era character ㍻ like the spelled-out era', () => {
    expect(time('㍻28年度')).toEqual(fy(2016));
  });
});

describe('parseTimePoint: wrappers cities print around a time', () => {
  it('removes 現在( ) and trailing 現在 / 時点 / 末', () => {
    expect(time('現在(2022 年度)')).toEqual(fy(2022));
    expect(time('現在（2021 年）')).toEqual(year(2021));
    expect(time('令和６年８月時点')).toEqual(month(2024, 8));
    expect(time('2024年3月末')).toEqual(month(2024, 3));
    expect(time('2023年3月末時点')).toEqual(month(2023, 3));
    expect(time('令和7年度末')).toEqual(fy(2025));
  });

  it('reads both notations together when they agree', () => {
    expect(time('平成28年度（2016年度）')).toEqual(fy(2016));
    expect(time('平成8年(1996年)')).toEqual(year(1996));
  });

  it('accepts an era year written before the era ended, when the western year confirms it', () => {
    // 一関市総合計画 基本構想 (2016): 「平成 37 年度（2025 年度）」
    expect(time('平成 37 年度（2025 年度）')).toEqual(fy(2025));
  });

  it('rejects two notations that disagree', () => {
    const e = timeError('平成28年度(2017年度)');
    expect(e.kind).toBe('unreadable-time');
    expect(e.message).toBe('unreadable time point "平成28年度(2017年度)": "平成28年度" (2016年度) and "2017年度" (2017年度) are not the same time');
  });

  it('rejects a note in parentheses', () => {
    expect(timeError('2024年3月(速報)').message).toBe('unreadable time point "2024年3月(速報)": "速報" in parentheses is not a time point');
  });
});

describe('parseTimePoint: periods', () => {
  const period = (from: SimpleTimePoint, to: SimpleTimePoint): TimePoint => ({ kind: 'period', from, to });

  it('reads 2020年～2024年 with any wave dash', () => {
    expect(time('2020年～2024年')).toEqual(period(year(2020), year(2024)));
    expect(time('2020年~2024年')).toEqual(period(year(2020), year(2024)));
    expect(time('2020年〜2024年')).toEqual(period(year(2020), year(2024)));
  });

  it('lets a bare side take the kind of the other', () => {
    expect(time('2020～2024年')).toEqual(period(year(2020), year(2024)));
    expect(time('2021～2023')).toEqual(period(year(2021), year(2023)));
    expect(time('2021～2023年度')).toEqual(period(fy(2021), fy(2023)));
  });

  it('lets the end borrow the era or the year of the start', () => {
    expect(time('令和3～5年度')).toEqual(period(fy(2021), fy(2023)));
    expect(time('2024年3月～9月')).toEqual(period(month(2024, 3), month(2024, 9)));
  });

  it('reads a period across eras and with a hyphen between whole points', () => {
    expect(time('平成30年度～令和2年度')).toEqual(period(fy(2018), fy(2020)));
    expect(time('（令和３年度-令和７年度）')).toEqual(period(fy(2021), fy(2025)));
    expect(time('2021-2023')).toEqual(period(year(2021), year(2023)));
    expect(time('2020年8月～2023年度')).toEqual(period(month(2020, 8), fy(2023)));
  });

  it('rejects a period that ends before it starts', () => {
    expect(timeError('2024年～2020年').message).toBe('unreadable time point "2024年～2020年": the period ends (2020年) before it starts (2024年)');
  });

  it('rejects a half-open or doubled range', () => {
    expect(timeError('2020年～').kind).toBe('unreadable-time');
    expect(timeError('2020～2022～2024').message).toBe('unreadable time point "2020～2022～2024": more than one "～"');
  });
});

describe('parseTimePoint: what it rejects, and why', () => {
  it('rejects an empty cell', () => {
    expect(timeError('').kind).toBe('empty');
    expect(timeError('現在()').kind).toBe('empty');
  });

  it('rejects a month out of range, quoting the input', () => {
    const e = timeError('2024年13月');
    expect(e).toMatchObject({ kind: 'unreadable-time', input: '2024年13月' });
    expect(e.message).toBe('unreadable time point "2024年13月": month 13 is out of range');
    expect(e.messageJa).toBe('時点「2024年13月」を読み取れません：月は1～12です（13月）');
    expect(timeError('2024/0').message).toBe('unreadable time point "2024/0": month 0 is out of range');
  });

  it('rejects a day that does not exist', () => {
    expect(timeError('2023年2月29日').message).toBe('unreadable time point "2023年2月29日": day 29 does not exist in 2023-02 (it has 28 days)');
    expect(timeError('2024年4月31日').kind).toBe('unreadable-time');
  });

  it('reads an era year past the end of the era as the year it means, with a note; the unit stays as printed', () => {
    const r = parseTimePointNoted('平成37年度');
    expect(r.ok && r.value.point).toEqual(fy(2025));
    expect(r.ok && r.value.notes.map((n) => n.kind)).toEqual(['era-year-past-end']);
    expect(r.ok && r.value.notes[0]!.ja).toContain('2025年度（令和7年度）');
    expect(time('平成40年')).toEqual({ kind: 'year', year: 2028 });
    expect(time('平成32年3月')).toEqual(month(2020, 3));
    expect(time('昭和65年')).toEqual({ kind: 'year', year: 1990 });
    // Confirmed by the western year: no note.
    const dual = parseTimePointNoted('平成37年度(2025年度)');
    expect(dual.ok && dual.value.notes).toEqual([]);
  });

  it('rejects an era year far past the end of the era, with a hint that keeps 年度 a fiscal year', () => {
    const e = timeError('平成80年度');
    expect(e.kind).toBe('unreadable-time');
    expect(e.message).toBe(
      'unreadable time point "平成80年度": 平成 ended in its year 31 (2019); 平成80 would be 2068: write 2068年度 or 令和50年度, or both as "平成80年度(2068年度)"',
    );
    expect(e.messageJa).not.toMatch(/2068年[^度]/);
    expect(timeError('平成80年').message).toContain('write 2068年 or 令和50年');
  });

  it('follows its own hint: the dual notation it offers is read at any distance, and a month or day stays in the advice', () => {
    expect(time('平成80年度(2068年度)')).toEqual(fy(2068));
    const dual = parseTimePointNoted('平成80年度(2068年度)');
    expect(dual.ok && dual.value.notes).toEqual([]);
    const e = timeError('平成80年3月');
    expect(e.message).toBe(
      'unreadable time point "平成80年3月": 平成 ended in its year 31 (2019); 平成80 would be 2068: write 2068年3月 or 令和50年3月, or both as "平成80年3月(2068年3月)"',
    );
    expect(time('平成80年3月(2068年3月)')).toEqual(month(2068, 3));
    expect(timeError('平成80年3月31日').message).toContain('write 2068年3月31日 or 令和50年3月31日');
    expect(time('平成80年3月31日(2068年3月31日)')).toEqual({ kind: 'day', year: 2068, month: 3, day: 31 });
  });

  it('rejects era year 0', () => {
    expect(timeError('令和0年').message).toBe('unreadable time point "令和0年": 令和 years start at 1 (元年), not 0');
  });

  it('rejects a month outside its era: 令和 began on 1 May 2019', () => {
    expect(timeError('令和元年4月').message).toBe(
      'unreadable time point "令和元年4月": 令和 began on 2019-05-01, so 令和元年4月 did not exist (it is 平成31年4月)',
    );
    expect(timeError('平成31年5月').message).toBe(
      'unreadable time point "平成31年5月": 平成 ended on 2019-04-30, so 平成31年5月 did not exist (it is 令和元年5月)',
    );
    expect(timeError('令和元年4月30日').kind).toBe('unreadable-time');
    expect(time('令和元年5月1日')).toEqual({ kind: 'day', year: 2019, month: 5, day: 1 });
    // 昭和64年 ran 1–7 January 1989, so January is in both eras
    expect(time('昭和64年1月')).toEqual(month(1989, 1));
    expect(time('平成元年1月')).toEqual(month(1989, 1));
    expect(timeError('昭和64年1月8日').kind).toBe('unreadable-time');
  });

  it('reports an era it does not know as unknown-era', () => {
    const e = timeError('大化3年');
    expect(e.kind).toBe('unknown-era');
    expect(e.message).toBe('unknown era in time point "大化3年": "大化" is not an era this system reads (令和, 平成, 昭和, 大正, 明治, or R, H, S, T, M)');
    expect(timeError('X6').kind).toBe('unknown-era');
  });

  it('rejects a two-digit year without an era', () => {
    expect(timeError('24年').message).toBe('unreadable time point "24年": the year "24" needs four digits or an era, as in 2024年 or 令和6年');
  });

  it('rejects an implausible western year', () => {
    expect(timeError('2204年').message).toBe('unreadable time point "2204年": year 2204 is out of range (1800–2199)');
  });

  it('rejects text that is not a time', () => {
    const e = timeError('abc');
    expect(e.kind).toBe('unreadable-time');
    expect(e.message).toBe('unreadable time point "abc": expected a time point such as 2024年, 2021年度, 2024年3月, 令和6年8月 or 2020年～2024年');
    expect(timeError('第2期').kind).toBe('unreadable-time');
    expect(timeError('9月').message).toBe('unreadable time point "9月": the month has no year, as in 2024年3月');
  });
});

describe('formatTimePointWareki', () => {
  it('formats years, fiscal years, months and days in 和暦', () => {
    expect(formatTimePointWareki(fy(2023))).toBe('令和5年度');
    expect(formatTimePointWareki(month(2024, 8))).toBe('令和6年8月');
    expect(formatTimePointWareki(fy(2016))).toBe('平成28年度');
    expect(formatTimePointWareki(year(2020))).toBe('令和2年');
    expect(formatTimePointWareki({ kind: 'day', year: 2024, month: 3, day: 31 })).toBe('令和6年3月31日');
  });

  it('writes year 1 as 元年', () => {
    expect(formatTimePointWareki(year(2019))).toBe('令和元年');
    expect(formatTimePointWareki(fy(2019))).toBe('令和元年度');
    expect(formatTimePointWareki(year(1989))).toBe('平成元年');
  });

  it('names a month of 2019 by the era in force at its end', () => {
    expect(formatTimePointWareki(month(2019, 1))).toBe('平成31年1月');
    expect(formatTimePointWareki(month(2019, 4))).toBe('平成31年4月');
    expect(formatTimePointWareki(month(2019, 5))).toBe('令和元年5月');
    expect(formatTimePointWareki({ kind: 'day', year: 2019, month: 4, day: 30 })).toBe('平成31年4月30日');
    expect(formatTimePointWareki({ kind: 'day', year: 2019, month: 5, day: 1 })).toBe('令和元年5月1日');
  });

  it('formats periods side by side', () => {
    expect(formatTimePointWareki(time('2021～2025年度'))).toBe('令和3年度～令和7年度');
  });

  it('falls back to 西暦 before 明治', () => {
    expect(formatTimePointWareki(year(1850))).toBe('1850年');
  });

  it('round-trips through parseTimePoint', () => {
    for (const t of [year(2019), fy(2019), month(2019, 4), month(2019, 5), fy(1989), year(1926), month(2024, 8)]) {
      expect(time(formatTimePointWareki(t))).toEqual(t);
    }
  });
});
