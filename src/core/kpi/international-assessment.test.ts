import { describe, expect, it } from 'vitest';
import { year } from '../time/time-point.ts';
import { openSdgProgress, unProgressChart } from './international-assessment.ts';

describe('UN SDG Progress Chart method', () => {
  it('projects with the compound annual growth rate and grades R', () => {
    // 100 → 121 over 2 years: 10 % a year; 2 more years → 146.41; R = 46.41 / 50 = 0.93.
    const a = unProgressChart({ at: year(2020), value: 100 }, { at: year(2022), value: 121 }, { at: year(2024), value: 150 });
    expect(a.projectedValue).toBeCloseTo(146.41, 2);
    expect(a.ratio).toBeCloseTo(0.928, 3);
    expect(a.category).toBe('moderate-progress');
    expect(a.record.thresholds).toEqual({ onTrack: 0.95, moderate: 0.1 });
  });

  it('is on track at R ≥ 0.95 and stagnation below 0.10', () => {
    expect(unProgressChart({ at: year(2020), value: 13 }, { at: year(2023), value: 101 }, { at: year(2025), value: 157 }).category).toBe('on-track');
    expect(unProgressChart({ at: year(2020), value: 20 }, { at: year(2023), value: 19.1 }, { at: year(2030), value: 30 }).category).toBe('stagnation-or-regression');
  });

  it('falls back to average annual change for non-positive values and says so', () => {
    const a = unProgressChart({ at: year(2018), value: -11.4 }, { at: year(2023), value: -21.7 }, { at: year(2025), value: -20.4 });
    expect(a.record.method).toBe('un-progress-chart-linear');
    expect(a.category).toBe('on-track');
  });
});

describe('Open SDG progress status', () => {
  it('compares observed with required growth', () => {
    const a = openSdgProgress({ at: year(2020), value: 100 }, { at: year(2022), value: 110 }, { at: year(2030), value: 200 }, 'up');
    // observed 4.88 %/yr, required 7.18 %/yr → 0.68
    expect(a.ratio).toBeCloseTo(0.68, 2);
    expect(a.status).toBe('acceleration-needed');
  });

  it('reports target achieved and deterioration', () => {
    expect(openSdgProgress({ at: year(2020), value: 18 }, { at: year(2023), value: 163 }, { at: year(2025), value: 60 }, 'up').status).toBe('target-achieved');
    expect(openSdgProgress({ at: year(2020), value: 83.4 }, { at: year(2023), value: 79 }, { at: year(2024), value: 84 }, 'up').status).toBe('deterioration');
  });

  it('respects a decreasing direction', () => {
    const a = openSdgProgress({ at: year(2021), value: 2778 }, { at: year(2023), value: 2500 }, { at: year(2030), value: 1761 }, 'down');
    expect(a.status).toBe('on-track');
  });
});
