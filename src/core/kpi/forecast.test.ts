import { describe, expect, it } from 'vitest';
import { year } from '../time/time-point.ts';
import { forecastAtTarget } from './forecast.ts';

describe('forecastAtTarget', () => {
  it('extends the least-squares trend to the target time', () => {
    const f = forecastAtTarget(
      [{ at: year(2020), value: 30 }, { at: year(2021), value: 45 }, { at: year(2022), value: 68 }, { at: year(2023), value: 74 }],
      { at: year(2025), value: 98 },
      'up',
    );
    expect(f.slopePerYear).toBeCloseTo(15.5, 5);
    expect(f.projectedValue).toBeCloseTo(108.5, 5);
    expect(f.verdict).toBe('reaches');
    expect(f.margin).toBeCloseTo(10.5, 5);
  });

  it('says by how much it misses', () => {
    const f = forecastAtTarget([{ at: year(2020), value: 46.7 }, { at: year(2023), value: 47.4 }], { at: year(2025), value: 55 }, 'up');
    expect(f.verdict).toBe('misses');
    expect(f.margin).toBeCloseTo(-7.13, 2);
    expect(f.record.explanation.en).toContain('misses the target 55 by 7.13');
  });

  it('uses the actual itself once the target time has passed', () => {
    const f = forecastAtTarget([{ at: year(2020), value: 4 }, { at: year(2023), value: 19 }], { at: year(2023), value: 20 }, 'up');
    // Final, not a forecast: 未達成 rather than 未達見込み (issue 14.6).
    expect(f).toMatchObject({ verdict: 'missed', projectedValue: 19, margin: -1 });
  });

  it('needs two points', () => {
    expect(forecastAtTarget([{ at: year(2020), value: 4 }], { at: year(2023), value: 20 }, 'up').verdict).toBe('no-data');
  });
});
