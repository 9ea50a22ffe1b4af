import type { BilingualText } from '../bilingual.ts';

/**
 * How a computed figure or status was reached: its inputs, the intermediate values and the
 * thresholds it was compared with, and a sentence in Japanese and English, so a page can
 * show "why" next to every status.
 */
export interface CalculationRecord {
  readonly method: string;
  readonly inputs: Readonly<Record<string, number | string | null>>;
  readonly intermediate: Readonly<Record<string, number | string | null>>;
  readonly thresholds: Readonly<Record<string, number>>;
  readonly explanation: BilingualText;
}

/** A number for an explanation sentence: at most 2 decimals, no binary noise. */
export function fmt(n: number | null, decimals = 2): string {
  if (n === null || !Number.isFinite(n)) return '—';
  const r = Number(n.toFixed(decimals));
  return String(r === 0 ? 0 : r);
}

/**
 * A record whose sentence is written only when read: pages read it, while bulk computations
 * (a national view, the benchmark) never pay for formatting text they do not show. A class,
 * not an object literal with a getter: V8 keeps one shape for all instances.
 */
class LazyRecord implements CalculationRecord {
  private text: BilingualText | undefined;
  constructor(
    readonly method: string,
    readonly inputs: CalculationRecord['inputs'],
    readonly intermediate: CalculationRecord['intermediate'],
    readonly thresholds: CalculationRecord['thresholds'],
    private readonly explain: () => BilingualText,
  ) {}
  get explanation(): BilingualText {
    return (this.text ??= this.explain());
  }
  toJSON(): CalculationRecord {
    return { method: this.method, inputs: this.inputs, intermediate: this.intermediate, thresholds: this.thresholds, explanation: this.explanation };
  }
}

export function lazyRecord(
  method: string,
  inputs: CalculationRecord['inputs'],
  intermediate: CalculationRecord['intermediate'],
  thresholds: CalculationRecord['thresholds'],
  explain: () => BilingualText,
): CalculationRecord {
  return new LazyRecord(method, inputs, intermediate, thresholds, explain);
}
