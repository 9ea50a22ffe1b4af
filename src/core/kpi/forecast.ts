import { reportingYear, timePointEnd } from '../time/time-point.ts';
import { meetsTarget } from './achievement.ts';
import { fmt, lazyRecord, type CalculationRecord } from './calculation-record.ts';
import type { DatedValue, KpiDirection } from './kpi.ts';

/** `missed`: an actual at or after the target's time fell short (final, not a forecast: 未達成). */
export type ForecastVerdict = 'reaches' | 'misses' | 'missed' | 'no-data';

export interface Forecast {
  readonly verdict: ForecastVerdict;
  /** The value the trend gives at the target's time. */
  readonly projectedValue: number | null;
  /** projected − target: how far beyond (in the KPI's direction, positive) or short (negative). */
  readonly margin: number | null;
  /** The trend line, value = intercept + slope × fractional year. */
  readonly slopePerYear: number | null;
  readonly intercept: number | null;
  readonly record: CalculationRecord;
}

/**
 * Where the trend (least squares over the baseline and every actual) stands at the target's
 * time, and whether that reaches the target. An actual at or after the target's time is final.
 */
export function forecastAtTarget(points: readonly DatedValue[], target: DatedValue, direction: KpiDirection): Forecast {
  const tT = timePointEnd(target.at);
  const xs = points.map((p) => timePointEnd(p.at));
  const ys = points.map((p) => p.value);
  const inputs = { points: points.length, target: target.value, targetAt: tT, direction };
  if (points.length < 2) {
    return {
      verdict: 'no-data',
      projectedValue: null,
      margin: null,
      slopePerYear: null,
      intercept: null,
      record: {
        method: 'linear-trend',
        inputs,
        intermediate: {},
        thresholds: {},
        explanation: { ja: '当初値と実績が揃っていないため予測できません。', en: 'A forecast needs the baseline and at least one actual.' },
      },
    };
  }
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    sxx += dx * dx;
    sxy += dx * (ys[i]! - my);
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  const intercept = my - slope * mx;
  let latestIndex = 0;
  for (let i = 1; i < n; i++) if (xs[i]! > xs[latestIndex]!) latestIndex = i;
  // An actual of the target's year (or later) is final, as the status counts it (status.ts): no projection.
  const latestAt = points[latestIndex]!.at;
  const final = xs[latestIndex]! >= tT || (target.at.kind !== 'period' && reportingYear(latestAt) >= reportingYear(target.at));
  const projected = final ? ys[latestIndex]! : intercept + slope * tT;
  const reaches = meetsTarget(projected, target.value, direction);
  const signed = direction === 'up' ? projected - target.value : target.value - projected;
  const verdict: ForecastVerdict = reaches ? 'reaches' : final ? 'missed' : 'misses';
  return {
    verdict,
    projectedValue: projected,
    margin: signed,
    slopePerYear: slope,
    intercept,
    record: lazyRecord(final ? 'final-actual' : 'linear-trend', inputs, { slopePerYear: slope, intercept, projectedValue: projected, margin: signed }, {}, () => ({
    ja: final
    ? `目標時点以降の実績 ${fmt(projected)} は目標 ${fmt(target.value)} に${reaches ? '達しています' : `${fmt(Math.abs(signed))} 届きません`}。`
    : `当初値と実績 ${n - 1} 点の傾向（年 ${fmt(slope)} の変化）を延ばすと、目標時点で ${fmt(projected)}。目標 ${fmt(target.value)} に${reaches ? `${fmt(signed)} 上回って到達する見込み` : `${fmt(Math.abs(signed))} 届かない見込み`}です。`,
    en: final
    ? `The actual at or after the target time, ${fmt(projected)}, ${reaches ? 'meets' : `misses by ${fmt(Math.abs(signed))}`} the target ${fmt(target.value)}.`
    : `Extending the trend of the baseline and ${n - 1} actual(s) (${fmt(slope)} a year) gives ${fmt(projected)} at the target time: ${reaches ? `reaches the target ${fmt(target.value)} with ${fmt(signed)} to spare` : `misses the target ${fmt(target.value)} by ${fmt(Math.abs(signed))}`}.` })),
  };
}
