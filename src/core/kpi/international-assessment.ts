import { timePointEnd } from '../time/time-point.ts';
import { meetsTarget } from './achievement.ts';
import { fmt, type CalculationRecord } from './calculation-record.ts';
import type { DatedValue, KpiDirection } from './kpi.ts';

/** The UN SDG Progress Chart's categories for an indicator with a numeric target. */
export type UnProgressCategory = 'on-track' | 'moderate-progress' | 'stagnation-or-regression' | 'no-data';

export interface UnProgressAssessment {
  readonly category: UnProgressCategory;
  /** R = (projected − baseline) / (target − baseline). */
  readonly ratio: number | null;
  readonly projectedValue: number | null;
  readonly record: CalculationRecord;
}

const UN_THRESHOLDS = { onTrack: 0.95, moderate: 0.1 } as const;

/**
 * The UN SDG Progress Chart method: project the latest value to the target year with the
 * observed compound annual growth rate since the baseline, then R = (projected − baseline) /
 * (target − baseline): ≥ 0.95 on track, ≥ 0.10 moderate progress, else stagnation or
 * regression. A compound rate needs positive values; for zero or negative values (signed
 * reductions) the observed average annual change is used instead, and the record says so.
 */
export function unProgressChart(baseline: DatedValue, latest: DatedValue | undefined, target: DatedValue): UnProgressAssessment {
  if (!latest) return unNoData(baseline, target, 'No actual yet.', '実績値がまだありません。');
  const t0 = timePointEnd(baseline.at);
  const t1 = timePointEnd(latest.at);
  const tT = timePointEnd(target.at);
  const years = t1 - t0;
  const gap = target.value - baseline.value;
  if (years <= 0) return unNoData(baseline, target, 'The actual is not later than the baseline.', '実績の時点が当初値より後ではありません。');
  if (gap === 0) return unNoData(baseline, target, 'The target equals the baseline: R is undefined.', '目標値が当初値と同じため R を定義できません。');
  const compound = baseline.value > 0 && latest.value > 0;
  const growth = compound ? (latest.value / baseline.value) ** (1 / years) - 1 : (latest.value - baseline.value) / years;
  const ahead = Math.max(0, tT - t1);
  const projected = compound ? latest.value * (1 + growth) ** ahead : latest.value + growth * ahead;
  const ratio = (projected - baseline.value) / gap;
  const category: UnProgressCategory =
    ratio >= UN_THRESHOLDS.onTrack ? 'on-track' : ratio >= UN_THRESHOLDS.moderate ? 'moderate-progress' : 'stagnation-or-regression';
  const how = compound
    ? { ja: `年平均成長率 ${fmt(growth * 100)}%`, en: `compound annual growth ${fmt(growth * 100)}%` }
    : { ja: `値が正でないため年平均変化量 ${fmt(growth)}`, en: `average annual change ${fmt(growth)} (values not positive, so no compound rate)` };
  return {
    category,
    ratio,
    projectedValue: projected,
    record: {
      method: compound ? 'un-progress-chart-cagr' : 'un-progress-chart-linear',
      inputs: { baseline: baseline.value, baselineAt: t0, latest: latest.value, latestAt: t1, target: target.value, targetAt: tT },
      intermediate: { growth, projectedValue: projected, ratio },
      thresholds: UN_THRESHOLDS,
      explanation: {
        ja: `${how.ja}で目標年まで延ばすと ${fmt(projected)}。R = (${fmt(projected)} − ${fmt(baseline.value)}) ÷ (${fmt(target.value)} − ${fmt(baseline.value)}) = ${fmt(ratio, 3)}（0.95以上: 順調、0.10以上: 一定の進捗、それ未満: 停滞・後退）。`,
        en: `Projected to the target year with ${how.en}: ${fmt(projected)}. R = (${fmt(projected)} − ${fmt(baseline.value)}) / (${fmt(target.value)} − ${fmt(baseline.value)}) = ${fmt(ratio, 3)} (≥ 0.95 on track, ≥ 0.10 moderate progress, else stagnation or regression).`,
      },
    },
  };
}

function unNoData(baseline: DatedValue, target: DatedValue, en: string, ja: string): UnProgressAssessment {
  return {
    category: 'no-data',
    ratio: null,
    projectedValue: null,
    record: { method: 'un-progress-chart', inputs: { baseline: baseline.value, target: target.value }, intermediate: {}, thresholds: UN_THRESHOLDS, explanation: { ja, en } },
  };
}

/** Open SDG's progress statuses (Statistics Canada's method) for an indicator with a target. */
export type OpenSdgProgressStatus = 'target-achieved' | 'on-track' | 'acceleration-needed' | 'limited-progress' | 'deterioration' | 'no-data';

export interface OpenSdgAssessment {
  readonly status: OpenSdgProgressStatus;
  /** Observed over required growth rate. */
  readonly ratio: number | null;
  readonly record: CalculationRecord;
}

const OPEN_SDG_THRESHOLDS = { onTrack: 0.95, accelerationNeeded: 0.6, limited: 0 } as const;

/**
 * Open SDG's progress status: the ratio of the observed compound annual growth rate since the
 * baseline to the rate required to reach the target on time: target achieved; ≥ 0.95 on
 * track; ≥ 0.60 progress made but acceleration needed; ≥ 0 limited progress; else
 * deterioration. Non-positive values use average annual change in place of compound rates.
 */
export function openSdgProgress(baseline: DatedValue, latest: DatedValue | undefined, target: DatedValue, direction: KpiDirection): OpenSdgAssessment {
  const t0 = timePointEnd(baseline.at);
  const tT = timePointEnd(target.at);
  const noData = (en: string, ja: string): OpenSdgAssessment => ({
    status: 'no-data',
    ratio: null,
    record: { method: 'open-sdg-progress', inputs: { baseline: baseline.value, target: target.value }, intermediate: {}, thresholds: OPEN_SDG_THRESHOLDS, explanation: { ja, en } },
  });
  if (!latest) return noData('No actual yet.', '実績値がまだありません。');
  const t1 = timePointEnd(latest.at);
  if (t1 <= t0 || tT <= t0) return noData('The actual or the target is not later than the baseline.', '実績または目標の時点が当初値より後ではありません。');
  const inputs = { baseline: baseline.value, baselineAt: t0, latest: latest.value, latestAt: t1, target: target.value, targetAt: tT, direction };
  if (meetsTarget(latest.value, target.value, direction)) {
    return {
      status: 'target-achieved',
      ratio: null,
      record: {
        method: 'open-sdg-progress',
        inputs,
        intermediate: {},
        thresholds: OPEN_SDG_THRESHOLDS,
        explanation: { ja: `実績 ${fmt(latest.value)} が目標 ${fmt(target.value)} に達しています。`, en: `The actual ${fmt(latest.value)} has reached the target ${fmt(target.value)}.` },
      },
    };
  }
  const compound = baseline.value > 0 && latest.value > 0 && target.value > 0;
  const observed = compound ? (latest.value / baseline.value) ** (1 / (t1 - t0)) - 1 : (latest.value - baseline.value) / (t1 - t0);
  const required = compound ? (target.value / baseline.value) ** (1 / (tT - t0)) - 1 : (target.value - baseline.value) / (tT - t0);
  const d = direction === 'up' ? 1 : -1;
  // Where the target lies in the undesired direction from the baseline, the required rate's
  // sign is wrong; Open SDG's d term compares magnitudes in the desired direction instead.
  const ratio = required === 0 ? (d * observed >= 0 ? Infinity : -Infinity) : (d * observed) / Math.abs(required);
  const status: OpenSdgProgressStatus =
    ratio >= OPEN_SDG_THRESHOLDS.onTrack
      ? 'on-track'
      : ratio >= OPEN_SDG_THRESHOLDS.accelerationNeeded
        ? 'acceleration-needed'
        : ratio >= OPEN_SDG_THRESHOLDS.limited
          ? 'limited-progress'
          : 'deterioration';
  return {
    status,
    ratio,
    record: {
      method: compound ? 'open-sdg-progress-cagr' : 'open-sdg-progress-linear',
      inputs,
      intermediate: { observedGrowth: observed, requiredGrowth: required, ratio },
      thresholds: OPEN_SDG_THRESHOLDS,
      explanation: {
        ja: `観測された成長率 ${fmt(observed * (compound ? 100 : 1))}${compound ? '%' : ''} ÷ 必要な成長率 ${fmt(required * (compound ? 100 : 1))}${compound ? '%' : ''} = ${fmt(ratio, 3)}（0.95以上: 順調、0.60以上: 加速が必要、0以上: 進捗が限定的、0未満: 悪化）。`,
        en: `Observed growth ${fmt(observed * (compound ? 100 : 1))}${compound ? '%' : ''} over required growth ${fmt(required * (compound ? 100 : 1))}${compound ? '%' : ''} = ${fmt(ratio, 3)} (≥ 0.95 on track, ≥ 0.60 acceleration needed, ≥ 0 limited progress, else deterioration).`,
      },
    },
  };
}
