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
  /**
   * The unrounded value behind the printed one, when known (Tsukuba computed 567 % from an
   * actual of 41.2 printed as 41 %): rates use it, pages and sheets print `value`. It always
   * rounds (half up) to `value` at `decimals`; the loader drops one that no longer does.
   */
  readonly precise?: PreciseValue;
}

/** Where a precise value comes from: a document states it, or reconciliation inferred it from the published rate. */
export type PreciseBasis = 'stated' | 'inferred-from-published-rate';

/** The unrounded value of a printed figure, with its source (see {@link DatedValue.precise}). */
export interface PreciseValue {
  readonly value: number;
  /** The document (or reasoning) it comes from, as a reader can find it. */
  readonly source: string;
  readonly basis: PreciseBasis;
}

/** The value rates are computed from: the precise one when known, else the printed one. */
export function valueForRates(d: Pick<DatedValue, 'value' | 'precise'>): number {
  return d.precise?.value ?? d.value;
}

/** A dated value with its precise value put in place of the printed one, for computing rates. */
export function forRates<T extends DatedValue>(d: T): T {
  return d.precise ? { ...d, value: d.precise.value } : d;
}

/** A yearly actual (実績). */
export interface Observation extends DatedValue {
  readonly note?: string;
  readonly source?: string;
  /**
   * Printed in a document the city published (a published figure a platform count starts
   * from): public whatever the publication state of its reporting year, since the city already
   * made it public (issue 10.1 holds back only what the system or staff produced).
   */
  readonly documented?: true;
  /**
   * On a value typed in to override a platform count: the platform's observations of the same
   * reporting year it replaces. While the override is not public (waiting in review, or its
   * year unpublished) the public sees these instead (publication.service.ts), so a pending
   * override never removes a public count or the city's published figure.
   */
  readonly replaces?: readonly Observation[];
  /**
   * On a value typed in to override a platform count: the reason the person gave (as entered,
   * any language). Pages, the API and downloads label the value with it ("手入力（自動集計を上書き）：
   * reason", src/actuals/observation-source.ts), so a citizen sees the count was replaced; the
   * public view keeps the reason of the approved step (publication.service.ts).
   */
  readonly platformOverride?: string;
  /**
   * ISO instant the shown content was recorded (the version's entry, or its approval when a
   * reviewed value is shown); filled by the loader with history, absent in data files.
   */
  readonly recordedAt?: string;
}

/** A change of a target's value (上方修正 and the like), never an overwrite. */
export interface TargetRevision {
  readonly oldValue: number;
  readonly newValue: number;
  readonly reason: string;
  /** ISO date (YYYY-MM-DD) the revision was decided. */
  readonly revisedOn: string;
  /** ISO instant it was entered in the system (filled by the loader; absent in data files). */
  readonly recordedAt?: string;
}

/** A stored value of a target as it was entered (the loader fills these; absent in data files). */
export interface TargetValueVersion {
  readonly value: number;
  readonly decimals?: number;
  /** ISO instant it was entered in the system. */
  readonly recordedAt: string;
}

/** A target (目標値) for a time point or a period; `value` is its current value. */
export interface KpiTarget extends DatedValue {
  readonly id: string;
  readonly revisions: readonly TargetRevision[];
  /** Every stored value, oldest first (deleted ones left out): what the system knew when. */
  readonly versions?: readonly TargetValueVersion[];
}

/**
 * How often a KPI's figures are updated (更新頻度): every month, quarter, half year, year, every
 * five years (国勢調査 and other census-based figures), or irregularly.
 */
export type KpiUpdateFrequency = 'monthly' | 'quarterly' | 'half-yearly' | 'yearly' | 'every-5-years' | 'irregular';
export const KPI_UPDATE_FREQUENCIES: readonly KpiUpdateFrequency[] = ['monthly', 'quarterly', 'half-yearly', 'yearly', 'every-5-years', 'irregular'];

/**
 * What a KPI's metadata says of it (issue 15.2, Open SDG's metadata tabs), as staff typed it;
 * each absent when not stated. Kept apart from the KPI's head because plan data files do not
 * carry it: saving a file keeps what staff entered.
 */
export interface KpiMetadata {
  /** How the KPI is counted (定義). */
  readonly definition?: string;
  /** Where its figures come from (出典・データソース): a survey, a register, a statistic. */
  readonly dataSource?: string;
  /** Who provides the figures (提供元): a ministry, the city's section. */
  readonly dataProvider?: string;
  readonly updateFrequency?: KpiUpdateFrequency;
}

/** A KPI: what is measured, its baseline, actuals and targets. */
export interface Kpi extends KpiMetadata {
  readonly id: string;
  readonly cityId: string;
  readonly name: string;
  readonly nameEn?: string;
  readonly unit: string;
  readonly department?: string;
  /**
   * A standard indicator code the city declares this KPI measures (an SDG global indicator
   * such as "12.5.1", or a code of another published list): KPIs of several cities with the same
   * code compare as one definition (core/kpi/kpi-definition.ts, issue 15.6). Absent for most.
   */
  readonly indicator?: string;
  readonly sdgTargets: readonly string[];
  readonly side: KpiSide;
  readonly aggregation: KpiAggregation;
  /**
   * As stated ('up': more is better, 'down': less is better). Plan data and staff forms require it
   * when a target lies below the baseline; absent only on KPIs stored before (see {@link kpiDirection}).
   */
  readonly direction?: KpiDirection;
  readonly method: AchievementMethod;
  readonly baseline: DatedValue;
  readonly observations: readonly Observation[];
  readonly targets: readonly KpiTarget[];
}

/**
 * The direction a KPI is evaluated in. Stated directions win. A KPI without one is read as
 * "more is better" only when no target lies below its baseline (nothing to decide then); a
 * target below the baseline without a stated direction is ambiguous (Kanazawa's まちのり users
 * 163,666 → 100,000 is still "more is better": the target came from an older plan), so it is
 * never settled here: {@link directionNeedsConfirmation} flags it, the plan-data reader refuses
 * it, the staff form asks. Until a person answers, such a legacy row is evaluated as before
 * (target below baseline → down) and every evaluation says the direction is unconfirmed.
 */
export function kpiDirection(kpi: Pick<Kpi, 'direction' | 'baseline' | 'targets'>, target?: DatedValue): KpiDirection {
  if (kpi.direction) return kpi.direction;
  const t = target ?? kpi.targets[0];
  if (!t) return 'up';
  return t.value < kpi.baseline.value ? 'down' : 'up';
}

/**
 * True when a KPI states no direction and one of its targets lies below its baseline: whether
 * smaller is better must be asked (issue 13.3), not inferred. Such a KPI is shown to staff as
 * "direction unconfirmed" until someone chooses.
 */
export function directionNeedsConfirmation(kpi: Pick<Kpi, 'direction' | 'baseline' | 'targets'>): boolean {
  return !kpi.direction && targetBelowBaseline(kpi.baseline.value, kpi.targets.map((t) => t.value));
}

/** Whether any target value lies below the baseline (the case where direction must be stated). */
export function targetBelowBaseline(baseline: number, targets: readonly number[]): boolean {
  return targets.some((t) => t < baseline);
}

/**
 * Whether a dated decision (a target revision's `revisedOn`) was in force on a date. Both are
 * ISO dates of any precision (`2024`, `2024-09`, `2024-09-30`), compared at the coarser one.
 * `on-or-before`: decided on the date or earlier counts (a sheet's cut-off day). `before`:
 * only strictly earlier counts — a document published in 2024-09 that announces a revision of
 * 2024-09 computed its rates with the old target (Tsukuba's 150 → 165 店舗).
 */
export function decidedBy(decidedOn: string, isoDate: string, mode: 'on-or-before' | 'before' = 'on-or-before'): boolean {
  const n = Math.min(decidedOn.length, isoDate.length);
  const a = decidedOn.slice(0, n);
  const b = isoDate.slice(0, n);
  return mode === 'before' ? a < b : a <= b;
}

/**
 * The value a target had on a date: revisions decided after it are undone (the old value of
 * the first later revision). Decimals of a revised-away value are those of its number.
 */
export function targetValueOn(target: KpiTarget, isoDate: string, mode: 'on-or-before' | 'before' = 'on-or-before'): { value: number; decimals: number } {
  const later = target.revisions.filter((r) => r.revisedOn.length >= 4 && !decidedBy(r.revisedOn, isoDate, mode)).sort((a, b) => (a.revisedOn < b.revisedOn ? -1 : a.revisedOn > b.revisedOn ? 1 : 0));
  const first = later[0];
  if (first) return { value: first.oldValue, decimals: decimalsOfNumber(first.oldValue) };
  return { value: target.value, decimals: target.decimals ?? decimalsOfNumber(target.value) };
}

function decimalsOfNumber(n: number): number {
  const s = String(n);
  const dot = s.indexOf('.');
  return dot < 0 || s.includes('e') ? 0 : s.length - dot - 1;
}

/**
 * The value a target had for a document or sheet, as the system knew it then: the value
 * entered by `knownBy` (an ISO instant; the first value when every one was entered later, as
 * figures transcribed from the documents are), with the revisions already reflected in that
 * value undone when decided after `decidedBy` (see {@link targetValueOn}). A revision entered
 * later — even one dated back — does not change what a published document or a past sheet
 * used (issue 10.6). Without stored versions it is {@link targetValueOn}.
 */
export function targetValueKnownOn(target: KpiTarget, decidedBy: string, knownBy: string, mode: 'on-or-before' | 'before' = 'on-or-before'): { value: number; decimals: number } {
  const versions = target.versions ?? [];
  if (versions.length === 0) return targetValueOn(target, decidedBy, mode);
  const known = versions.filter((v) => v.recordedAt <= knownBy).at(-1) ?? versions[0]!;
  const reflected = target.revisions.filter((r) => r.recordedAt === undefined || r.recordedAt <= known.recordedAt);
  return targetValueOn({ ...target, value: known.value, ...(known.decimals !== undefined ? { decimals: known.decimals } : { decimals: undefined }), revisions: reflected }, decidedBy, mode);
}
