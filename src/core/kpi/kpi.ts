import type { TimePoint } from '../time/time-point.ts';

/** The three sides of an SDGs Future City plan (経済・社会・環境), or none. */
export type KpiSide = 'economy' | 'society' | 'environment' | 'none';
export const KPI_SIDES: readonly KpiSide[] = ['economy', 'society', 'environment', 'none'];

/**
 * How the yearly figures add up: ※累計 (cumulative since the baseline), (年間) per year,
 * a snapshot (a rate or a stock measured at a moment), or (期間累計) a total over a period.
 */
export type KpiAggregation = 'cumulative' | 'per-year' | 'snapshot' | 'period-total';
export const KPI_AGGREGATIONS: readonly KpiAggregation[] = ['cumulative', 'per-year', 'snapshot', 'period-total'];

/** Whether a larger value is better (up) or a smaller one (down: waste, emissions). */
export type KpiDirection = 'up' | 'down';

/**
 * How the achievement rate (達成度) is computed. The Cabinet Office sheets use progress from
 * the baseline; some cities publish actual / target for some KPIs (Tsukuba, 様式3-3).
 */
export type AchievementMethod = 'progress-from-baseline' | 'ratio';
export const ACHIEVEMENT_METHODS: readonly AchievementMethod[] = ['progress-from-baseline', 'ratio'];

/** A figure at a time point, with the number of decimals it was published with. */
export interface DatedValue {
  readonly at: TimePoint;
  readonly value: number;
  /** Decimals as published (41 → 0, 47.4 → 1); bounds the unrounded value for reconciliation. */
  readonly decimals?: number;
}

/** A yearly actual (実績). */
export interface Observation extends DatedValue {
  readonly note?: string;
  readonly source?: string;
}

/** A change of a target's value (上方修正 and the like), never an overwrite. */
export interface TargetRevision {
  readonly oldValue: number;
  readonly newValue: number;
  readonly reason: string;
  /** ISO date (YYYY-MM-DD) the revision was decided. */
  readonly revisedOn: string;
}

/** A target (目標値) for a time point or a period; `value` is its current value. */
export interface KpiTarget extends DatedValue {
  readonly id: string;
  readonly revisions: readonly TargetRevision[];
}

/** A KPI: what is measured, its baseline, actuals and targets. */
export interface Kpi {
  readonly id: string;
  readonly cityId: string;
  readonly name: string;
  readonly nameEn?: string;
  readonly unit: string;
  readonly department?: string;
  readonly sdgTargets: readonly string[];
  readonly side: KpiSide;
  readonly aggregation: KpiAggregation;
  /** As stated; when absent it is inferred from baseline → target (see {@link kpiDirection}). */
  readonly direction?: KpiDirection;
  readonly method: AchievementMethod;
  readonly baseline: DatedValue;
  readonly observations: readonly Observation[];
  readonly targets: readonly KpiTarget[];
}

/** The stated direction, or the one implied by the first target against the baseline (up when equal). */
export function kpiDirection(kpi: Pick<Kpi, 'direction' | 'baseline' | 'targets'>, target?: DatedValue): KpiDirection {
  if (kpi.direction) return kpi.direction;
  const t = target ?? kpi.targets[0];
  if (!t) return 'up';
  return inferDirection(kpi.baseline.value, t.value);
}

/** Up when the target is at or above the baseline, down when below. */
export function inferDirection(baseline: number, target: number): KpiDirection {
  return target < baseline ? 'down' : 'up';
}
