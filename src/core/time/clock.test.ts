import { describe, expect, it } from 'vitest';
import { addDaysToDate, fiscalYearOf, fixedClock, formatTokyoDateTime, tokyoDateOf } from './clock.ts';

describe('the clock in Asia/Tokyo', () => {
  it('takes the Tokyo date: 2025-03-31T23:30Z is 1 April 2025, 08:30 JST, in fiscal year 2025', () => {
    const clock = fixedClock('2025-03-31T23:30:00Z');
    expect(clock.todayInTokyo()).toBe('2025-04-01');
    expect(fiscalYearOf(clock.todayInTokyo())).toBe(2025);
    expect(formatTokyoDateTime(clock.now())).toBe('2025-04-01 08:30 JST');
  });

  it('is a day ahead of UTC from 00:00 to 09:00 JST and the same day after', () => {
    expect(tokyoDateOf('2024-12-31T14:59:59Z')).toBe('2024-12-31');
    expect(tokyoDateOf('2024-12-31T15:00:00Z')).toBe('2025-01-01');
    expect(tokyoDateOf('2025-01-01T08:59:00Z')).toBe('2025-01-01');
    expect(tokyoDateOf(new Date('2024-02-28T15:00:00Z'))).toBe('2024-02-29');
  });

  it('names the fiscal year by the year it starts in (April unless told)', () => {
    expect([fiscalYearOf('2025-03-31'), fiscalYearOf('2025-04-01'), fiscalYearOf('2025-12-31'), fiscalYearOf('2026-01-01')]).toEqual([2024, 2025, 2025, 2025]);
    expect([fiscalYearOf('2025-12-31', 1), fiscalYearOf('2025-06-30', 7), fiscalYearOf('2025-07-01', 7)]).toEqual([2025, 2024, 2025]);
    expect(() => fiscalYearOf('R7')).toThrow();
  });

  it('moves ISO dates by days and refuses a non-instant', () => {
    expect([addDaysToDate('2025-03-31', 1), addDaysToDate('2024-03-01', -1)]).toEqual(['2025-04-01', '2024-02-29']);
    expect(() => fixedClock('yesterday')).toThrow();
  });
});
