import { reportingYear, timePointEnd } from '../time/time-point.ts';
import { achievement, type Achievement } from './achievement.ts';
import { fmt, lazyRecord, type CalculationRecord } from './calculation-record.ts';
import type { AchievementMethod, DatedValue, KpiDirection } from './kpi.ts';
import type { BilingualText } from '../bilingual.ts';

/** Where a KPI stands against one target. */
/**
 * Where a KPI stands against one target. `missed` (未達成): the target's year has come (an actual
 * of that year or later is in: a closed period's target) and the target was not met; it replaces behind and
 * worsening, which describe a target still ahead (issue 14.6).
 */
export type KpiStatus = 'achieved' | 'on-track' | 'behind' | 'worsening' | 'missed' | 'no-data';
export const KPI_STATUSES: readonly KpiStatus[] = ['achieved', 'on-track', 'behind', 'worsening', 'missed', 'no-data'];

export interface StatusInput {
  readonly baseline: DatedValue;
  /** The latest actual; undefined when there is none yet. */
  readonly actual?: DatedValue;
  readonly target: DatedValue;
  readonly direction: KpiDirection;
  readonly method: AchievementMethod;
}

export interface StatusAssessment {
  readonly status: KpiStatus;
  readonly achievement: Achievement | null;
  /** Where the straight line from baseline to target stands at the actual's time. */
  readonly expectedValue: number | null;
  /** The share of the way (0–100 %) the line has covered at the actual's time. */
  readonly expectedProgress: number | null;
  readonly record: CalculationRecord;
}

const THRESHOLDS = { achieved: 100, worsening: 0 } as const;

/**
 * The status of a KPI against a target: achieved (rate ≥ 100 %), worsening (moved away from
 * the target since the baseline), on track (at or beyond where a straight line from baseline
 * to target stands at the actual's time), behind otherwise; no data without an actual.
 */
export function assessStatus(input: StatusInput): StatusAssessment {
  const { baseline, actual, target, direction, method } = input;
  if (!actual) {
    return {
      status: 'no-data',
      achievement: null,
      expectedValue: null,
      expectedProgress: null,
      record: {
        method: 'status',
        inputs: { baseline: baseline.value, target: target.value },
        intermediate: {},
        thresholds: THRESHOLDS,
        explanation: { ja: '実績値がまだありません。', en: 'No actual has been recorded yet.' },
      },
    };
  }
  const a = achievement({ baseline: baseline.value, actual: actual.value, target: target.value, method, direction });
  const t0 = timePointEnd(baseline.at);
  const t1 = timePointEnd(actual.at);
  const tT = timePointEnd(target.at);
  const span = tT - t0;
  const elapsed = span <= 0 ? 1 : Math.min(1, Math.max(0, (t1 - t0) / span));
  const expectedValue = baseline.value + (target.value - baseline.value) * elapsed;
  const expectedProgress = elapsed * 100;
  const progress = a.progressFromBaseline;
  const rate = a.rate;

  let status: KpiStatus;
  // The target is closed (met or missed) once an actual of its year is in: one at or after its
  // time, or of the same reporting year (2023年10月 for a 2023 target). A period target
  // (2020年～2024年) closes only at its end.
  const closed = t1 >= tT || (target.at.kind !== 'period' && reportingYear(actual.at) >= reportingYear(target.at));
  if (closed && !a.meetsTarget && !((rate ?? progress ?? -Infinity) >= THRESHOLDS.achieved)) {
    status = 'missed';
  } else if (progress === null) {
    // Target equals baseline: the KPI is to be held. Met is achieved, anything else moved away.
    status = a.meetsTarget ? 'achieved' : 'worsening';
  } else if ((rate ?? progress) >= THRESHOLDS.achieved || a.meetsTarget) {
    status = 'achieved';
  } else if (progress < THRESHOLDS.worsening) {
    status = 'worsening';
  } else if (progress >= expectedProgress - 1e-9) {
    status = 'on-track';
  } else {
    status = 'behind';
  }
  return {
    status,
    achievement: a,
    expectedValue,
    expectedProgress,
    record: lazyRecord(
      'status',
      { baseline: baseline.value, baselineAt: t0, actual: actual.value, actualAt: t1, target: target.value, targetAt: tT, direction, method },
      { progressFromBaseline: progress, rate, elapsedShare: elapsed, expectedValue, expectedProgress },
      THRESHOLDS,
      (): BilingualText => {
    const line = `（${fmt(expectedProgress)}%、値 ${fmt(expectedValue)}）`;
    const lineEn = `(${fmt(expectedProgress)}%, value ${fmt(expectedValue)})`;
    if (progress === null) {
      return a.meetsTarget
        ? { ja: `目標値（＝当初値 ${fmt(target.value)}）を満たしています。`, en: `The target (equal to the baseline, ${fmt(target.value)}) is met.` }
        : { ja: `目標値（＝当初値 ${fmt(target.value)}）から離れています。`, en: `The value moved away from the target (equal to the baseline, ${fmt(target.value)}).` };
    }
    switch (status) {
      case 'missed':
        return {
          ja: `目標時点（${fmt(tT)}）以降の実績で目標に届いていない（達成度 ${fmt(rate ?? progress)}%）ため「未達成」。`,
          en: `The actual at or after the target time (${fmt(tT)}) falls short of the target (rate ${fmt(rate ?? progress)}%): missed.`,
        };
      case 'achieved':
        return { ja: `達成度 ${fmt(rate)}% が ${THRESHOLDS.achieved}% 以上のため「達成」。`, en: `The rate ${fmt(rate)}% is at least ${THRESHOLDS.achieved}%: achieved.` };
      case 'worsening':
        return {
          ja: `当初値からの進捗率 ${fmt(progress)}% が 0% 未満（当初値より目標から遠ざかった）ため「悪化」。`,
          en: `Progress from the baseline is ${fmt(progress)}%, below 0% (further from the target than the baseline): worsening.`,
        };
      case 'on-track':
        return {
          ja: `進捗率 ${fmt(progress)}% が、当初値から目標への直線上の同時点の位置${line}以上のため「順調」。`,
          en: `Progress ${fmt(progress)}% is at or beyond the straight line from baseline to target at that time ${lineEn}: on track.`,
        };
      default:
        return {
          ja: `進捗率 ${fmt(progress)}% が、当初値から目標への直線上の同時点の位置${line}に届かないため「遅れ」。`,
          en: `Progress ${fmt(progress)}% falls short of the straight line from baseline to target at that time ${lineEn}: behind.`,
        };
    }
  },
    ),
  };
}
