import { describe, expect, it } from 'vitest';
import { year } from '../time/time-point.ts';
import { decidedBy, targetValueKnownOn, targetValueOn, type KpiTarget } from './kpi.ts';

const seeded = '2026-11-30T01:00:00.000Z';
const later = '2026-11-30T02:00:00.000Z';

describe('targets as they stood on a date (issue 10.6)', () => {
  it('compares decision dates at the coarser precision, strictly or not', () => {
    expect(decidedBy('2024-09', '2024-09-30')).toBe(true);
    expect(decidedBy('2024-09', '2024-09', 'before')).toBe(false);
    expect(decidedBy('2024-03-31', '2024-09', 'before')).toBe(true);
    expect(decidedBy('2025-04-01', '2024-03-31')).toBe(false);
  });

  it('undoes revisions decided after the date (Tsukuba 150 → 165 店舗 announced in the 2024-09 sheet itself)', () => {
    const t: KpiTarget = { id: '2024', at: year(2024), value: 165, revisions: [{ oldValue: 150, newValue: 165, reason: '上乗せ', revisedOn: '2024-09' }] };
    expect(targetValueOn(t, '2024-09', 'before').value).toBe(150);
    expect(targetValueOn(t, '2025-03-31').value).toBe(165);
  });

  it('ignores a revision entered after the date even when it is dated back', () => {
    const t: KpiTarget = {
      id: '2025',
      at: year(2025),
      value: 200,
      decimals: 0,
      revisions: [{ oldValue: 60, newValue: 200, reason: '上方修正', revisedOn: '2024-03-31', recordedAt: later }],
      versions: [
        { value: 60, decimals: 0, recordedAt: seeded },
        { value: 200, decimals: 0, recordedAt: later },
      ],
    };
    // A document of 2024-09, transcribed at `seeded`: what the system knew first, 60.
    expect(targetValueKnownOn(t, '2024-09', '2024-09-30T14:59:59.999Z', 'before')).toEqual({ value: 60, decimals: 0 });
    // Known by a date after the revision was entered: 200.
    expect(targetValueKnownOn(t, '2027-03-31', '2027-09-30T14:59:59.999Z')).toEqual({ value: 200, decimals: 0 });
  });

  it('keeps a transcribed revision that was in force at the date, and undoes one decided later', () => {
    const t: KpiTarget = {
      id: '2025',
      at: year(2025),
      value: 157,
      revisions: [{ oldValue: 100, newValue: 157, reason: '上方修正', revisedOn: '2023-04-01', recordedAt: seeded }],
      versions: [{ value: 157, recordedAt: seeded }],
    };
    expect(targetValueKnownOn(t, '2024-09', '2024-09-30T14:59:59.999Z', 'before').value).toBe(157);
    expect(targetValueKnownOn(t, '2023-03-31', '2023-09-30T14:59:59.999Z').value).toBe(100);
  });
});
