import type { BilingualText } from '../bilingual.ts';
import { fmt, lazyRecord, type CalculationRecord } from './calculation-record.ts';
import type { AchievementMethod, KpiDirection } from './kpi.ts';

/** The figures one achievement rate is computed from. */
export interface AchievementInput {
  readonly baseline: number;
  readonly actual: number;
  readonly target: number;
  readonly method: AchievementMethod;
  readonly direction: KpiDirection;
}

/** An achievement rate (達成度) in percent, both ways, with how it was reached. */
export interface Achievement {
  /** By the KPI's method; null where it is undefined (target equals baseline, or a zero target for the ratio). */
  readonly rate: number | null;
  /** (actual − baseline) / (target − baseline) × 100; null when target equals baseline. */
  readonly progressFromBaseline: number | null;
  /** actual / target × 100 (target / actual for a decreasing KPI of positive values); null when undefined. */
  readonly ratio: number | null;
  /** Whether the actual meets the target in the KPI's direction. */
  readonly meetsTarget: boolean;
  /** The rate to show: `rate`, or actual/target where progress is undefined (as Tsukuba publishes). */
  readonly displayRate: number | null;
  readonly record: CalculationRecord;
}

/**
 * A rate of exactly nothing as +0: IEEE arithmetic gives −0 for 0 divided by a negative number
 * (an actual still at the baseline of a decreasing target), which a formatter prints as "-0.0%"
 * and JSON (the summaries, the API) writes as 0, so the pages read from the summaries printed
 * another figure than those computed from the loaded city.
 */
const unsignedZero = (x: number): number => (x === 0 ? 0 : x);

/** (actual − baseline) / (target − baseline) × 100, or null when the denominator is 0; never −0. */
export function progressFromBaseline(baseline: number, actual: number, target: number): number | null {
  const gap = target - baseline;
  if (gap === 0) return null;
  return unsignedZero(((actual - baseline) / gap) * 100);
}

/**
 * actual / target × 100. For a decreasing KPI measured in positive values (waste, emissions)
 * a smaller actual is better, so the ratio is target / actual; signed reductions such as
 * "−21.7 % vs 2013" keep actual / target (both negative, the quotient is positive).
 */
export function ratioToTarget(actual: number, target: number, direction: KpiDirection = 'up'): number | null {
  if (direction === 'down' && actual > 0 && target > 0) return (target / actual) * 100;
  if (target === 0) return null;
  return unsignedZero((actual / target) * 100);
}

/** Whether `actual` has reached `target` in the given direction. */
export function meetsTarget(actual: number, target: number, direction: KpiDirection): boolean {
  return direction === 'up' ? actual >= target : actual <= target;
}

/** The achievement rate of one actual against one target, per DOMAIN.md. */
export function achievement(input: AchievementInput): Achievement {
  const { baseline, actual, target, method, direction } = input;
  const progress = progressFromBaseline(baseline, actual, target);
  const ratio = ratioToTarget(actual, target, direction);
  const rate = method === 'ratio' ? ratio : progress;
  const meets = meetsTarget(actual, target, direction);
  const displayRate = rate ?? ratio;
  return {
    rate,
    progressFromBaseline: progress,
    ratio,
    meetsTarget: meets,
    displayRate,
    record: lazyRecord(method, { baseline, actual, target, direction }, { progressFromBaseline: progress, ratio, rate }, {}, () => {
    let ja: string;
    let en: string;
    if (method === 'ratio') {
      ja = `実績 ${fmt(actual)} ÷ 目標 ${fmt(target)} × 100 = ${fmt(ratio)}%`;
      en = `actual ${fmt(actual)} / target ${fmt(target)} × 100 = ${fmt(ratio)}%`;
    } else if (progress === null) {
      ja = `目標値が当初値と同じ（${fmt(target)}）ため、当初値からの進捗率は定義できません。参考として実績÷目標 = ${fmt(ratio)}% を示します。`;
      en = `The target equals the baseline (${fmt(target)}), so progress from the baseline is undefined; actual / target = ${fmt(ratio)}% is shown instead.`;
    } else {
      ja = `(実績 ${fmt(actual)} − 当初値 ${fmt(baseline)}) ÷ (目標 ${fmt(target)} − 当初値 ${fmt(baseline)}) × 100 = ${fmt(progress)}%`;
      en = `(actual ${fmt(actual)} − baseline ${fmt(baseline)}) / (target ${fmt(target)} − baseline ${fmt(baseline)}) × 100 = ${fmt(progress)}%`;
    }
    return { ja, en };
  }),
  };
}

/**
 * The formula of a KPI's achievement rate (達成度, %) in words, as {@link achievement} computes
 * it for the KPI's method and direction: the same rule the sheets and pages use, written out for
 * the KPI's public metadata (issue 15.2). Progress from the baseline falls back to actual /
 * target when the target equals the baseline; a decreasing KPI's ratio is target / actual.
 */
export function achievementFormula(method: AchievementMethod, direction: KpiDirection): BilingualText {
  if (method === 'ratio') {
    return direction === 'down'
      ? { ja: '達成度（％）＝ 目標値 ÷ 実績値 × 100（値が小さいほど良い指標。実績・目標が正の値のとき）', en: 'achievement (%) = target / actual × 100 (smaller is better; for positive actual and target)' }
      : { ja: '達成度（％）＝ 実績値 ÷ 目標値 × 100', en: 'achievement (%) = actual / target × 100' };
  }
  return {
    ja: '達成度（％）＝（実績値 − 当初値）÷（目標値 − 当初値）× 100（目標値が当初値と同じときは、参考として実績値 ÷ 目標値 × 100）',
    en: 'achievement (%) = (actual − baseline) / (target − baseline) × 100 (where the target equals the baseline, actual / target × 100 is shown instead)',
  };
}
