import { tokyoDateOf } from '../core/time/clock.ts';
import type { CityData, StatusOverride, YearlyCommentary } from '../core/city/city.ts';
import { reportingYear } from '../core/time/time-point.ts';
import type { Executor } from '../storage/database.ts';
import { listCommentaries, listStatusOverrides, listYearPublications } from '../storage/staff-record.repository.ts';

/** A city's data as staff see it (every actual) with the years withheld from the public. */
export interface StaffCityData {
  readonly data: CityData;
  /** Reporting years whose actuals are unpublished (a year never decided on is published). */
  readonly unpublishedYears: ReadonlySet<number>;
}

/** The staff decisions that decorate a city's data: unpublished years, overrides, commentaries. */
export async function loadStaffDecorations(db: Executor, cityId: string): Promise<{ unpublishedYears: Set<number>; statusOverrides: StatusOverride[]; yearlyCommentaries: YearlyCommentary[] }> {
  const [publications, overrides, commentaries] = await Promise.all([listYearPublications(db, cityId), listStatusOverrides(db, cityId), listCommentaries(db, cityId)]);
  return {
    unpublishedYears: new Set(publications.filter((p) => !p.published).map((p) => p.year)),
    statusOverrides: overrides.flatMap((o) =>
      o.status === null ? [] : [{ kpiId: o.kpi_slug, status: o.status, justification: o.justification, decidedOn: isoDate(o.recorded_at) }],
    ),
    yearlyCommentaries: commentaries.filter((c) => c.body.trim() !== '').map((c) => ({ kpiId: c.kpi_slug, year: c.year, body: c.body })),
  };
}

/**
 * What the public may see of a city: the actuals, the KPI commentaries and the plan narratives
 * (expert evaluations, reviews) of unpublished years are left out; everything else is as stored. Rates, statuses and charts computed from the result
 * are therefore those of the published data.
 */
export function publicView(staff: StaffCityData): CityData {
  const hidden = staff.unpublishedYears;
  if (hidden.size === 0) return staff.data;
  const d = staff.data;
  return {
    ...d,
    kpis: d.kpis.map((k) => ({ ...k, observations: k.observations.filter((o) => !hidden.has(reportingYear(o.at))) })),
    plans: d.plans.map((p) => ({ ...p, narratives: p.narratives.filter((n) => n.year === undefined || !hidden.has(n.year)) })),
    ...(d.yearlyCommentaries && { yearlyCommentaries: d.yearlyCommentaries.filter((c) => !hidden.has(c.year)) }),
  };
}

/** Whether an actual at this time point is public. */
export function isPublishedAt(staff: StaffCityData, at: Parameters<typeof reportingYear>[0]): boolean {
  return !staff.unpublishedYears.has(reportingYear(at));
}

/** The Tokyo date a staff decision was recorded on. */
function isoDate(d: Date | string): string {
  return tokyoDateOf(d);
}
