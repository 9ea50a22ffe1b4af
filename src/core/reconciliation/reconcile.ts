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
  readonly baseline: PrintedFigure;
  readonly actual: PrintedFigure;
  readonly target: PrintedFigure;
  readonly publishedRate: { readonly value: number; readonly decimals: number } | null;
}

export type ReconciliationVerdict = 'reproduced' | 'explained' | 'unexplained' | 'no-published-rate';
export type ExplanationKind = 'ratio-method' | 'rounded-figure';

export interface Explanation {
  readonly kind: ExplanationKind;
  readonly text: { readonly ja: string; readonly en: string };
  /** For rounded-figure: which figure, the value that reproduces the rate, and by which method. */
  readonly figure?: 'baseline' | 'actual' | 'target';
  readonly value?: number;
  readonly method?: 'progress-from-baseline' | 'ratio';
}

export interface Reconciliation {
  readonly verdict: ReconciliationVerdict;
  /** Progress from the baseline, unrounded, in percent; null where target equals baseline. */
  readonly rate: number | null;
  /** actual / target × 100, unrounded; null for a zero target. */
  readonly ratio: number | null;
  readonly publishedRate: number | null;
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
 * precision (rounded half up, 四捨五入); if not, finds the simplest explanation: first the
 * ratio method (actual / target), then one figure printed rounded (a baseline, actual or
 * target within the rounding interval of its displayed figure, by either method; counts such
 * as 人 or 件 are exact and never explained so); otherwise it is unexplained.
 */
export function reconcile(row: PublishedRow): Reconciliation {
  const { baseline, actual, target, publishedRate } = row;
  const rate = progressFromBaseline(baseline.value, actual.value, target.value);
  const ratio = target.value === 0 ? null : (actual.value / target.value) * 100;
  const base = { rate, ratio, publishedRate: publishedRate?.value ?? null };
  if (!publishedRate) return { ...base, verdict: 'no-published-rate', explanation: null };
  const matches = (x: number | null): boolean => x !== null && roundHalfUp(x, publishedRate.decimals) === roundHalfUp(publishedRate.value, publishedRate.decimals);

  if (matches(rate)) return { ...base, verdict: 'reproduced', explanation: null };

  if (matches(ratio)) {
    const zero = rate === null;
    return {
      ...base,
      verdict: 'explained',
      explanation: {
        kind: 'ratio-method',
        method: 'ratio',
        text: {
          ja: `${zero ? '目標値が当初値と同じで当初値からの進捗率は定義できず、' : ''}公表値は実績÷目標（${num(actual.value)} ÷ ${num(target.value)} × 100 = ${num(ratio!, 2)}%）で計算されています。`,
          en: `${zero ? 'The target equals the baseline, so progress from the baseline is undefined; ' : ''}the published rate is actual / target (${num(actual.value)} / ${num(target.value)} × 100 = ${num(ratio!, 2)}%).`,
        },
      },
    };
  }

  const found = findRoundedFigure(row, matches);
  if (found) {
    const name = FIGURE_NAMES[found.figure];
    const shown = row[found.figure];
    const methodJa = found.method === 'ratio' ? '実績÷目標' : '当初値からの進捗率';
    const methodEn = found.method === 'ratio' ? 'actual / target' : 'progress from the baseline';
    return {
      ...base,
      verdict: 'explained',
      explanation: {
        kind: 'rounded-figure',
        figure: found.figure,
        value: found.value,
        method: found.method,
        text: {
          ja: `${name.ja}が四捨五入前の値で計算されています：${name.ja} ${num(found.value)}（表示 ${num(shown.value, shown.decimals)}${shown.unit}）なら${methodJa}は ${num(found.rate, 2)}% となり、公表値 ${num(publishedRate.value, publishedRate.decimals)}% と一致します。`,
          en: `Computed from an unrounded figure: ${name.en} of ${num(found.value)}, displayed ${num(shown.value, shown.decimals)}${shown.unit === '%' || !shown.unit ? shown.unit : ` ${shown.unit}`}, gives ${num(found.rate, 2)}% by ${methodEn}, which matches the published ${num(publishedRate.value, publishedRate.decimals)}%.`,
        },
      },
    };
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
  const figures = (['actual', 'baseline', 'target'] as const).filter((f) => !isCountUnit(row[f].unit));
  for (let extra = 1; extra <= MAX_EXTRA_DECIMALS; extra++) {
    let best: (RoundedFigureFind & { distance: number }) | null = null;
    for (const figure of figures) {
      const shown = row[figure];
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
        const values = { baseline: row.baseline.value, actual: row.actual.value, target: row.target.value, [figure]: candidate };
        const progress = progressFromBaseline(values.baseline, values.actual, values.target);
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
