import { describe, expect, it } from 'vitest';
import { month, year } from '../time/time-point.ts';
import { assessStatus } from './status.ts';

const up = { direction: 'up', method: 'progress-from-baseline' } as const;

describe('assessStatus', () => {
  it('is achieved at 100 % or more', () => {
    const s = assessStatus({ ...up, baseline: { at: year(2020), value: 18 }, actual: { at: year(2023), value: 163 }, target: { at: year(2025), value: 60 } });
    expect(s.status).toBe('achieved');
  });

  it('is on track when at or beyond the straight line at the actual time', () => {
    // 2020 → 2025: at the end of 2023, 3/5 of the way: the line stands at 60 %.
    const s = assessStatus({ ...up, baseline: { at: year(2020), value: 0 }, actual: { at: year(2023), value: 65 }, target: { at: year(2025), value: 100 } });
    expect(s.status).toBe('on-track');
    expect(s.expectedProgress).toBeCloseTo(60);
    expect(s.record.intermediate['expectedValue']).toBeCloseTo(60);
  });

  it('is behind when short of the line (新規就農者数 61.1 % where 60 % is expected → on track; 新規高卒者 8.4 % → behind)', () => {
    const farmers = assessStatus({ ...up, baseline: { at: year(2020), value: 13 }, actual: { at: year(2023), value: 101 }, target: { at: year(2025), value: 157 } });
    expect(farmers.status).toBe('on-track');
    const graduates = assessStatus({ ...up, baseline: { at: year(2020), value: 46.7 }, actual: { at: year(2023), value: 47.4 }, target: { at: year(2025), value: 55.0 } });
    expect(graduates.status).toBe('behind');
    expect(graduates.record.explanation.en).toContain('falls short');
  });

  it('is worsening below 0 % (低炭素 satisfaction 20 → 19.1, target 30)', () => {
    const s = assessStatus({ ...up, baseline: { at: month(2020, 3), value: 20 }, actual: { at: month(2024, 3), value: 19.1 }, target: { at: year(2030), value: 30 } });
    expect(s.status).toBe('worsening');
  });

  it('has no data without an actual', () => {
    expect(assessStatus({ ...up, baseline: { at: year(2021), value: 0 }, target: { at: year(2030), value: 100 } }).status).toBe('no-data');
  });

  it('handles a target equal to the baseline: met is achieved, moved away is worsening (missed once the target time has come)', () => {
    const base = { ...up, baseline: { at: year(2020), value: 16 }, target: { at: year(2025), value: 16 } };
    expect(assessStatus({ ...base, actual: { at: year(2023), value: 17 } }).status).toBe('achieved');
    expect(assessStatus({ ...base, actual: { at: year(2023), value: 15 } }).status).toBe('worsening');
    expect(assessStatus({ ...base, target: { at: year(2023), value: 16 }, actual: { at: year(2023), value: 15 } }).status).toBe('missed');
  });

  it('reads 未達成 (missed) for a closed target not met, whether it was behind or worsening (issue 14.6)', () => {
    // Ichinoseki 新規高卒者の管内就職率 against the 2023 target 52.0 %: 47.4 % in 2023 (13.2 %).
    const graduates = assessStatus({ ...up, baseline: { at: year(2020), value: 46.7 }, actual: { at: year(2023), value: 47.4 }, target: { at: year(2023), value: 52.0 } });
    expect(graduates.status).toBe('missed');
    expect(graduates.record.explanation.ja).toContain('未達成');
    // Tsukuba バス停圏域カバー人口 83.4 → 79 % (October 2023) against 84.0 % in 2023: worsening, and closed.
    const bus = assessStatus({ ...up, baseline: { at: year(2020), value: 83.4 }, actual: { at: month(2023, 10), value: 79 }, target: { at: year(2023), value: 84.0 } });
    expect(bus.status).toBe('missed');
    // Met at the target time stays achieved; the same shortfall before the target time is behind.
    expect(assessStatus({ ...up, baseline: { at: year(2020), value: 4 }, actual: { at: year(2023), value: 20 }, target: { at: year(2023), value: 20 } }).status).toBe('achieved');
    expect(assessStatus({ ...up, baseline: { at: year(2020), value: 46.7 }, actual: { at: year(2022), value: 47.4 }, target: { at: year(2023), value: 52.0 } }).status).toBe('behind');
  });

  it('treats a decreasing KPI symmetrically (waste 147,679 t → 142,579 t)', () => {
    const s = assessStatus({ direction: 'down', method: 'progress-from-baseline', baseline: { at: year(2021), value: 147679 }, actual: { at: year(2023), value: 146000 }, target: { at: year(2029), value: 142579 } });
    expect(s.status).toBe('on-track');
  });
});
