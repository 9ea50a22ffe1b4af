import { kpiNameKey } from '../notation/parse-kpi-name.ts';
import { normalizeUnit } from '../notation/parse-quantity.ts';
import { compareTimePoints, timePointEnd } from '../time/time-point.ts';
import type { DatedValue, Kpi, KpiTarget } from './kpi.ts';

/**
 * When two cities' KPIs measure "the same thing" (issue 15.6), and how figures of cities of
 * different sizes are put on one scale.
 *
 * Two KPIs share a definition when:
 * - both carry the same explicit indicator code ({@link Kpi.indicator}: an SDG global indicator
 *   such as "12.5.1", or a code of another published list the cities agreed on) — the city
 *   says so, whatever the KPI is called; or, without a code,
 * - their names are the same under {@link kpiNameKey} (full-width, brackets, spaces, case and
 *   the trailing SDG list do not matter; flags such as ※累計 or (年間) do, since a cumulative
 *   count and a yearly count are different measures) AND their units are the same under
 *   {@link normalizeUnit} (「％」 = 「%」, but 千人 ≠ 人).
 * A name never matches a code: a KPI with a code is compared only with KPIs declaring it.
 */

/** A KPI's indicator code as stored: 1–64 characters, letters, digits and . _ : - (no spaces). */
export const INDICATOR_CODE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/** The key under which KPIs of several cities compare as one definition (see the module comment). */
export function kpiDefinitionKey(kpi: Pick<Kpi, 'name' | 'unit' | 'indicator'>): string {
  if (kpi.indicator) return `indicator:${kpi.indicator}`;
  return `name:${kpiNameKey(kpi.name)}|${normalizeUnit(kpi.unit)}`;
}

/**
 * A figure indexed to the KPI's baseline (baseline = 100): 100 × value / baseline, so a city of
 * 460,000 and one of 110,000 compare by how far each moved from its own start. Undefined (null)
 * when the baseline is 0 (no ratio exists) or when baseline and value have opposite signs (a
 * ratio of a reduction to an increase means nothing); a negative baseline with a negative value
 * (a reduction rate such as −11.4 % → −21.7 %) gives a positive index (190.4).
 */
export function indexToBaseline(value: number, baseline: number): number | null {
  if (!Number.isFinite(value) || !Number.isFinite(baseline) || baseline === 0) return null;
  if (value !== 0 && Math.sign(value) !== Math.sign(baseline)) return null;
  return (100 * value) / baseline;
}

/**
 * The day `today` (ISO date in Asia/Tokyo, YYYY-MM-DD, from the one clock) as a fractional year
 * on the scale of {@link timePointEnd}, so it compares with the end of a target's span.
 */
export function fractionalYearOf(today: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(today);
  if (!m) throw new Error(`fractionalYearOf: not an ISO date: ${today}`);
  return timePointEnd({ kind: 'day', year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) });
}

/**
 * The next target after today (Open SDG #1318, "次の目標"): of the targets whose span has not
 * ended by `today` (a 2030年度 target is open until 31 March 2031), the earliest; null when
 * every target's time has passed. Works on any dated values (KPI targets, summarised ones).
 */
export function nextTarget<T extends Pick<DatedValue, 'at'>>(targets: readonly T[], today: string): T | null {
  const now = fractionalYearOf(today);
  const open = targets.filter((t) => timePointEnd(t.at) > now).sort((a, b) => compareTimePoints(a.at, b.at));
  return open[0] ?? null;
}

/** The targets of a KPI with the next one after today, for tables that show both. */
export function nextKpiTarget(kpi: Pick<Kpi, 'targets'>, today: string): KpiTarget | null {
  return nextTarget(kpi.targets, today);
}
