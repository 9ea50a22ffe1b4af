import type { BilingualText } from '../bilingual.ts';
import { progressFromBaseline } from '../kpi/achievement.ts';
import { roundHalfUp, roundingInterval } from '../kpi/rounding.ts';
import { isCountUnit } from '../quantity.ts';

/** A figure as a document printed it: value, decimals shown, unit. */
export interface PrintedFigure {
  readonly value: number;
  readonly decimals: number;
  readonly unit: string;
}

/** One published row: the figures and the rate (達成度, percent) printed beside them. */
export interface PublishedRow {
  /** null when the document prints no baseline (Funabashi prints actual and target only). */
  readonly baseline: PrintedFigure | null;
  readonly actual: PrintedFigure;
  readonly target: PrintedFigure;
  /** `percentSign` false: printed as a bare number (「-1.25」), which may be a fraction of 1. */
  readonly publishedRate: { readonly value: number; readonly decimals: number; readonly percentSign?: boolean } | null;
  /** A grade printed instead of a rate (「◎」「A」「100%超」), kept as printed. */
  readonly grade?: string;
  /** How the KPI's method says its rate is computed: a rate computed so is `reproduced`, not explained. */
  readonly method?: StatedMethod;
}

/**
 * - `reproduced`: progress from the baseline (or the method the KPI states) gives the published rate;
 * - `explained`: another known way gives it (see {@link ExplanationKind});
 * - `unexplained`: nothing found; `no-published-rate`: the cell is empty or 「－」;
 * - `grade`: a grade (◎, A, 100%超) was published instead of a rate; it is kept, not compared.
 */
export type ReconciliationVerdict = 'reproduced' | 'explained' | 'unexplained' | 'no-published-rate' | 'grade';

/**
 * The ways a published rate that is not progress from the baseline is explained, simplest
 * first (the order they are tried; field research of 2026-11, DOMAIN.md):
 * - `ratio-method`: actual / target × 100 (the Cabinet Office's 様式3-3; Funabashi, with no baseline);
 * - `inverse-ratio`: target / actual × 100, for a smaller-is-better KPI (waste per person per day);
 * - `mirrored-ratio`: (2 − actual / target) × 100, the same KPI's other convention;
 * - `capped`: a rate over 100 % printed as 100 % (Sano);
 * - `maintained`: a KPI to keep at its level (待機児童数 0 → 0 → 0) published as 100 %;
 * - `fraction`: the rate written as a fraction of 1 (−1.25 for −125 %);
 * - `rounded-figure`: computed from a figure before it was rounded for printing.
 */
export type ExplanationKind = 'ratio-method' | 'inverse-ratio' | 'mirrored-ratio' | 'capped' | 'maintained' | 'fraction' | 'rounded-figure';

/** The explanation kinds in the order they are tried (simplest first). */
export const EXPLANATION_KINDS: readonly ExplanationKind[] = ['ratio-method', 'inverse-ratio', 'mirrored-ratio', 'capped', 'maintained', 'fraction', 'rounded-figure'];

/** A method a KPI or a table states for its rate: the default, or one of the explanation kinds. */
export type StatedMethod = 'progress-from-baseline' | Exclude<ExplanationKind, 'rounded-figure'>;

export interface Explanation {
  readonly kind: ExplanationKind;
  readonly text: BilingualText;
  /** For rounded-figure: which figure, the value that reproduces the rate, and by which method. */
  readonly figure?: 'baseline' | 'actual' | 'target';
  readonly value?: number;
  readonly method?: 'progress-from-baseline' | 'ratio';
}

export interface Reconciliation {
  readonly verdict: ReconciliationVerdict;
  /** Progress from the baseline, unrounded, in percent; null where target equals baseline or no baseline is printed. */
  readonly rate: number | null;
  /** actual / target × 100, unrounded; null for a zero target. */
  readonly ratio: number | null;
  readonly publishedRate: number | null;
  /** The grade published instead of a rate, as printed (verdict `grade`). */
  readonly grade?: string;
  readonly explanation: Explanation | null;
}

const FIGURE_NAMES = {
  baseline: { ja: '当初値', en: 'a baseline' },
  actual: { ja: '実績', en: 'an actual' },
  target: { ja: '目標値', en: 'a target' },
} as const;

/** Extra decimals tried when looking for the unrounded figure behind a printed one. */
const MAX_EXTRA_DECIMALS = 3;

/**
 * Recomputes a published achievement rate and says whether it is reproduced at the published
 * precision (rounded half up, 四捨五入); if not, finds the simplest explanation in the order of
 * {@link EXPLANATION_KINDS} (a rounded figure: a baseline, actual or target within the rounding
 * interval of its displayed figure, by either method; counts such as 人 or 件 are exact and
 * never explained so); otherwise it is unexplained. An explanation of the kind the KPI's
 * method states is the KPI's own way of computing: verdict `reproduced`, explanation kept.
 */
export function reconcile(row: PublishedRow): Reconciliation {
  const { baseline, actual, target, publishedRate } = row;
  const rate = baseline ? progressFromBaseline(baseline.value, actual.value, target.value) : null;
  const ratio = target.value === 0 ? null : (actual.value / target.value) * 100;
  const base = { rate, ratio, publishedRate: publishedRate?.value ?? null };
  if (row.grade !== undefined) return { ...base, publishedRate: null, verdict: 'grade', grade: row.grade, explanation: null };
  if (!publishedRate) return { ...base, verdict: 'no-published-rate', explanation: null };
  const matchesAt = (x: number | null, value: number, decimals: number): boolean => x !== null && roundHalfUp(x, decimals) === roundHalfUp(value, decimals);
  const matches = (x: number | null): boolean => matchesAt(x, publishedRate.value, publishedRate.decimals);
  const published = num(publishedRate.value, publishedRate.decimals);

  if (matches(rate)) return { ...base, verdict: 'reproduced', explanation: null };
  const explained = (explanation: Explanation): Reconciliation => ({
    ...base,
    verdict: row.method !== undefined && row.method === explanation.kind ? 'reproduced' : 'explained',
    explanation,
  });

  if (matches(ratio)) {
    const zero = rate === null && baseline !== null;
    const none = baseline === null;
    return explained({
      kind: 'ratio-method',
      method: 'ratio',
      text: {
        ja: `${none ? '当初値が示されておらず、' : zero ? '目標値が当初値と同じで当初値からの進捗率は定義できず、' : ''}公表値は実績÷目標（${num(actual.value)} ÷ ${num(target.value)} × 100 = ${num(ratio!, 2)}%）で計算されています。`,
        en: `${none ? 'No baseline is printed; ' : zero ? 'The target equals the baseline, so progress from the baseline is undefined; ' : ''}the published rate is actual / target (${num(actual.value)} / ${num(target.value)} × 100 = ${num(ratio!, 2)}%).`,
      },
    });
  }

  // Smaller is better: the target lies below the baseline (or no baseline says otherwise).
  const decreasing = baseline === null || target.value < baseline.value;
  const inverse = decreasing && actual.value !== 0 ? (target.value / actual.value) * 100 : null;
  if (matches(inverse)) {
    return explained({
      kind: 'inverse-ratio',
      text: {
        ja: `値が小さいほど良い指標で、公表値は目標÷実績（${num(target.value)} ÷ ${num(actual.value)} × 100 = ${num(inverse!, 2)}%）で計算されています。`,
        en: `A smaller-is-better KPI: the published rate is target / actual (${num(target.value)} / ${num(actual.value)} × 100 = ${num(inverse!, 2)}%).`,
      },
    });
  }
  const mirrored = decreasing && target.value !== 0 ? (2 - actual.value / target.value) * 100 : null;
  if (matches(mirrored)) {
    return explained({
      kind: 'mirrored-ratio',
      text: {
        ja: `値が小さいほど良い指標で、公表値は（2 − 実績÷目標）× 100（2 − ${num(actual.value)} ÷ ${num(target.value)} = ${num(mirrored!, 2)}%）で計算されています。`,
        en: `A smaller-is-better KPI: the published rate is (2 − actual / target) × 100 (2 − ${num(actual.value)} / ${num(target.value)} = ${num(mirrored!, 2)}%).`,
      },
    });
  }

  const uncapped = [rate, ratio].find((x): x is number => x !== null && roundHalfUp(x, publishedRate.decimals) > 100);
  if (matchesAt(100, publishedRate.value, publishedRate.decimals) && uncapped !== undefined) {
    return explained({
      kind: 'capped',
      text: {
        ja: `計算上の達成度は ${num(uncapped, 2)}% で、100% を超える値を 100% として公表しています。`,
        en: `The rate computes to ${num(uncapped, 2)}%; rates over 100% are published as 100%.`,
      },
    });
  }

  if (baseline !== null && baseline.value === target.value && actual.value === target.value && matchesAt(100, publishedRate.value, publishedRate.decimals)) {
    return explained({
      kind: 'maintained',
      text: {
        ja: `現状（${num(baseline.value)}${baseline.unit}）を維持する指標で、実績が目標どおり維持されたため 100% として公表しています（当初値からの進捗率は定義できません）。`,
        en: `A KPI to be maintained at ${num(baseline.value)}${baseline.unit === '%' ? '%' : ` ${baseline.unit}`}: the actual kept the target, published as 100% (progress from the baseline is undefined).`,
      },
    });
  }

  if (publishedRate.percentSign !== true) {
    const asPercent = publishedRate.value * 100;
    const decimals = Math.max(0, publishedRate.decimals - 2);
    const which = matchesAt(rate, asPercent, decimals) ? rate : matchesAt(ratio, asPercent, decimals) ? ratio : null;
    if (which !== null) {
      return explained({
        kind: 'fraction',
        text: {
          ja: `公表値 ${published} は百分率ではなく割合（1 = 100%）で、${num(asPercent, decimals)}%（計算値 ${num(which, 2)}%）を表しています。`,
          en: `The published ${published} is a fraction of 1, not a percentage: ${num(asPercent, decimals)}% (computed ${num(which, 2)}%).`,
        },
      });
    }
  }

  const found = findRoundedFigure(row, matches);
  if (found) {
    const name = FIGURE_NAMES[found.figure];
    const shown = row[found.figure]!;
    const methodJa = found.method === 'ratio' ? '実績÷目標' : '当初値からの進捗率';
    const methodEn = found.method === 'ratio' ? 'actual / target' : 'progress from the baseline';
    return explained({
      kind: 'rounded-figure',
      figure: found.figure,
      value: found.value,
      method: found.method,
      text: {
        ja: `${name.ja}が四捨五入前の値で計算されています：${name.ja} ${num(found.value)}（表示 ${num(shown.value, shown.decimals)}${shown.unit}）なら${methodJa}は ${num(found.rate, 2)}% となり、公表値 ${published}% と一致します。`,
        en: `Computed from an unrounded figure: ${name.en} of ${num(found.value)}, displayed ${num(shown.value, shown.decimals)}${shown.unit === '%' || !shown.unit ? shown.unit : ` ${shown.unit}`}, gives ${num(found.rate, 2)}% by ${methodEn}, which matches the published ${published}%.`,
      },
    });
  }
  return { ...base, verdict: 'unexplained', explanation: null };
}

interface RoundedFigureFind {
  readonly figure: 'baseline' | 'actual' | 'target';
  readonly value: number;
  readonly rate: number;
  readonly method: 'progress-from-baseline' | 'ratio';
}

/**
 * The simplest unrounded figure that reproduces the rate: fewest extra decimals first, then
 * closest to the displayed value, trying the actual, the baseline and the target in turn.
 */
function findRoundedFigure(row: PublishedRow, matches: (x: number | null) => boolean): RoundedFigureFind | null {
  const figures = (['actual', 'baseline', 'target'] as const).filter((f) => row[f] !== null && !isCountUnit(row[f].unit));
  for (let extra = 1; extra <= MAX_EXTRA_DECIMALS; extra++) {
    let best: (RoundedFigureFind & { distance: number }) | null = null;
    for (const figure of figures) {
      const shown = row[figure]!;
      const decimals = shown.decimals + extra;
      const step = 10 ** -decimals;
      const { low, high } = roundingInterval(shown.value, shown.decimals);
      const first = Math.ceil(Number((low / step).toPrecision(12)));
      const last = Math.floor(Number((high / step).toPrecision(12)));
      for (let i = first; i <= last; i++) {
        const candidate = Number((i * step).toFixed(decimals));
        // The interval is half-open on the side away from zero: 41.5 displays as 42.
        if (roundHalfUp(candidate, shown.decimals) !== roundHalfUp(shown.value, shown.decimals)) continue;
        if (candidate === shown.value) continue;
        const values = { baseline: row.baseline?.value ?? null, actual: row.actual.value, target: row.target.value, [figure]: candidate };
        const progress = values.baseline === null ? null : progressFromBaseline(values.baseline, values.actual, values.target);
        const ratio = values.target === 0 ? null : (values.actual / values.target) * 100;
        const method = matches(progress) ? 'progress-from-baseline' : matches(ratio) ? 'ratio' : null;
        if (!method) continue;
        const distance = Math.abs(candidate - shown.value);
        if (!best || distance < best.distance) best = { figure, value: candidate, rate: (method === 'ratio' ? ratio : progress)!, method, distance };
      }
    }
    if (best) return { figure: best.figure, value: best.value, rate: best.rate, method: best.method };
  }
  return null;
}

function num(x: number, decimals?: number): string {
  if (decimals !== undefined) return x.toFixed(decimals);
  return String(Number(x.toPrecision(12)));
}
