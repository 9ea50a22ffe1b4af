/**
 * A figure as printed: its value, how many decimals it was shown with (which bounds what the
 * unrounded value could have been), and its unit. 「41 %」 is { value: 41, decimals: 0, unit: '%' }.
 */
export interface Quantity {
  readonly value: number;
  readonly decimals: number;
  readonly unit: string;
}

/** Units that count whole things: a figure in these is exact and never the rounding of another. */
export const COUNT_UNITS: ReadonlySet<string> = new Set([
  '人', '件', '社', '団体', '校', 'か所', 'ヶ所', 'カ所', '箇所', '店舗', '戸', '学園', '取組', '地区', '事業所', '回', '名', '世帯', '台', '本', '施設',
]);

/** Whether a figure in this unit is an exact count (people, cases, companies...). */
export function isCountUnit(unit: string): boolean {
  return COUNT_UNITS.has(unit.trim());
}

/** Number of decimals in a plain decimal rendering of n ("41.20" has 2 only when printed so; here 41.2 → 1). */
export function decimalsOf(n: number): number {
  const s = String(n);
  const e = s.indexOf('e-');
  if (e >= 0) return Number(s.slice(e + 2));
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}
