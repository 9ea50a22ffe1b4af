/**
 * Rounds half away from zero (四捨五入), as Japanese sheets do, not banker's rounding:
 * 218.5 → 219. Binary noise is removed first so that 437 / 200 × 100 = 218.49999999999997
 * still counts as 218.5.
 */
export function roundHalfUp(x: number, decimals: number): number {
  const factor = 10 ** decimals;
  const scaled = Number((Math.abs(x) * factor).toPrecision(12));
  const rounded = (Math.sign(x) * Math.floor(scaled + 0.5)) / factor;
  return rounded === 0 ? 0 : rounded;
}

/** The half-open interval of values that display as `value` with `decimals` decimals. */
export function roundingInterval(value: number, decimals: number): { low: number; high: number } {
  const half = 0.5 * 10 ** -decimals;
  return { low: value - half, high: value + half };
}
