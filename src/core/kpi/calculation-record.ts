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
  readonly explanation: { readonly ja: string; readonly en: string };
}

/** A number for an explanation sentence: at most 2 decimals, no binary noise. */
export function fmt(n: number | null, decimals = 2): string {
  if (n === null || !Number.isFinite(n)) return '—';
  const r = Number(n.toFixed(decimals));
  return String(r === 0 ? 0 : r);
}
