import { describe, expect, it } from 'vitest';
import { achievement, achievementFormula, progressFromBaseline, ratioToTarget } from './achievement.ts';
import { roundHalfUp } from './rounding.ts';

describe('achievement rate (達成度)', () => {
  it('is progress from the baseline by default (新製品 18 → 163, target 60: 345.2 %)', () => {
    const a = achievement({ baseline: 18, actual: 163, target: 60, method: 'progress-from-baseline', direction: 'up' });
    expect(roundHalfUp(a.rate!, 1)).toBe(345.2);
    expect(a.meetsTarget).toBe(true);
    expect(a.record.explanation.en).toContain('(actual 163 − baseline 18)');
  });

  it('works unchanged for decreasing and signed indicators', () => {
    expect(progressFromBaseline(147679, 145000, 142579)).toBeCloseTo(52.53, 2);
    expect(roundHalfUp(progressFromBaseline(20, 19.1, 30)!, 0)).toBe(-9);
  });

  it('is undefined when the target equals the baseline, and shows actual / target instead', () => {
    const a = achievement({ baseline: 16, actual: 17, target: 16, method: 'progress-from-baseline', direction: 'up' });
    expect(a.rate).toBeNull();
    expect(a.displayRate).toBeCloseTo(106.25);
    expect(a.record.explanation.ja).toContain('定義できません');
  });

  it('uses actual / target for a KPI whose city computes it so', () => {
    const a = achievement({ baseline: 495, actual: 437, target: 200, method: 'ratio', direction: 'up' });
    expect(roundHalfUp(a.rate!, 0)).toBe(219);
  });

  it('inverts the ratio for a decreasing KPI of positive values', () => {
    expect(ratioToTarget(150000, 142579, 'down')).toBeCloseTo(95.05, 2);
    expect(ratioToTarget(-21.7, -20.4, 'down')).toBeCloseTo(106.37, 2);
  });
});

describe('achievement rate of no change', () => {
  it('is +0, never −0 (JSON, the summaries and the database carry no −0: a page read from them printed "0.0%" where the loaded city printed "-0.0%")', () => {
    // An actual still at the baseline of a decreasing target: 0 / (80 − 100) is −0 in IEEE arithmetic.
    expect(Object.is(progressFromBaseline(100, 100, 80), 0)).toBe(true);
    // Nothing yet of a negative target (a signed reduction): 0 / −5 is −0.
    expect(Object.is(ratioToTarget(0, -5), 0)).toBe(true);
    const a = achievement({ baseline: 100, actual: 100, target: 80, method: 'progress-from-baseline', direction: 'down' });
    expect(Object.is(a.rate, 0) && Object.is(a.displayRate, 0) && Object.is(a.progressFromBaseline, 0)).toBe(true);
    expect(Object.is(achievement({ baseline: 3, actual: 0, target: -5, method: 'ratio', direction: 'down' }).rate, 0)).toBe(true);
  });
});

describe('roundHalfUp (四捨五入)', () => {
  it('rounds halves away from zero despite binary noise', () => {
    expect(roundHalfUp((437 / 200) * 100, 0)).toBe(219);
    expect(roundHalfUp(93.75, 1)).toBe(93.8);
    expect(roundHalfUp(-682.5, 0)).toBe(-683);
    expect(roundHalfUp(-0.2, 0)).toBe(0);
  });

  it('writes out the formula each method computes (issue 15.2)', () => {
    expect(achievementFormula('progress-from-baseline', 'up').ja).toContain('（実績値 − 当初値）÷（目標値 − 当初値）× 100');
    expect(achievementFormula('progress-from-baseline', 'down').en).toContain('(actual − baseline) / (target − baseline) × 100');
    expect(achievementFormula('ratio', 'up').en).toBe('achievement (%) = actual / target × 100');
    // The ratio of a decreasing KPI is target / actual, as ratioToTarget computes it.
    expect(achievementFormula('ratio', 'down').en).toContain('target / actual × 100');
    expect(ratioToTarget(50, 40, 'down')).toBe(80);
  });
});
