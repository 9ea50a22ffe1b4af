import { tokyoDateOf } from '../core/time/clock.ts';
import type { CityData, StatusOverride, YearlyCommentary } from '../core/city/city.ts';
import type { Kpi, Observation } from '../core/kpi/kpi.ts';
import { formatTimePointIso, reportingYear } from '../core/time/time-point.ts';
import { foldReviewRows, listReviewStatuses } from '../review/review.repository.ts';
import type { ReviewEntryRow } from '../review/review.table.ts';
import { actualKey, slugOfKey, yearKey, type ActualContent, type ReviewEntity, type ReviewStatus, type TextContent } from '../review/review.ts';
import { listObservationTimePointsOfCity } from '../actuals/observation.repository.ts';
import { listNarrativeYearsOfCity } from '../plans/plan.repository.ts';
import { parseTimePointIso } from '../core/time/time-point.ts';
import type { Executor } from '../storage/database.ts';
import { appendYearPublication, listCommentaries, listStatusOverrides, listYearPublications } from '../staff/staff-record.repository.ts';
import { loadCityData } from '../cities/city-data.service.ts';

/**
 * A city's data as staff see it (every actual, drafts included), with what decides what the
 * public sees: the published years and the review state of each reviewed entry.
 */
export interface StaffCityData {
  readonly data: CityData;
  /** Reporting years the secretariat published (a year is unpublished until it does). */
  readonly publishedYears: ReadonlySet<number>;
  /** Years holding data (or held by a round) that are not published. */
  readonly unpublishedYears: ReadonlySet<number>;
  /** The review status of every reviewed entry, by {@link reviewId}. */
  readonly reviews: ReadonlyMap<string, ReviewStatus>;
  /**
   * KPIs held only by archived plan nodes or plans (src/plans/archived-visibility.service.ts):
   * staff still see them (to restore the node); the public view leaves them out.
   */
  readonly hiddenKpiIds?: ReadonlySet<string>;
}

/** The map key of a review status: entity and key. */
export function reviewId(entity: ReviewEntity, key: string): string {
  return `${entity} ${key}`;
}

/** The staff decisions that decorate a city's data (see {@link loadStaffDecorations}). */
export interface StaffDecorations {
  readonly publishedYears: Set<number>;
  readonly heldYears: Set<number>;
  readonly statusOverrides: StatusOverride[];
  readonly yearlyCommentaries: YearlyCommentary[];
  readonly reviews: Map<string, ReviewStatus>;
}

/** The staff decisions that decorate a city's data: published years, overrides, commentaries, reviews. */
export async function loadStaffDecorations(db: Executor, cityId: string): Promise<StaffDecorations> {
  const [publications, overrides, commentaries, reviews] = await Promise.all([
    listYearPublications(db, cityId),
    listStatusOverrides(db, cityId),
    listCommentaries(db, cityId),
    listReviewStatuses(db, cityId),
  ]);
  return decorationsOf(publications, overrides, commentaries, reviews);
}

/** The rows that decorate some KPIs of a city, as read with them (cities/kpi-view.repository.ts `KpiViewRows`). */
export interface KpiDecorationRows {
  readonly publications: readonly { year: number; published: boolean }[];
  readonly overrides: readonly { kpi_slug: string; status: StatusOverride['status'] | null; justification: string; recorded_at: Date }[];
  readonly commentaries: readonly { kpi_slug: string; year: number; body: string }[];
  /** Review entries in id order (folded here). */
  readonly reviewEntries: readonly ReviewEntryRow[];
}

/**
 * {@link loadStaffDecorations} for one KPI, from rows read for it: the city's published and held
 * years, and of the overrides, commentaries and review statuses only those of this KPI
 * (actuals, commentaries) and of the expert evaluations of `planSlugs` (the plans holding it,
 * whose narratives its page dates commentary by).
 */
export function kpiDecorations(rows: KpiDecorationRows, kpiSlug: string, planSlugs: readonly string[]): StaffDecorations {
  const plans = new Set(planSlugs);
  return decorationsOf(
    rows.publications,
    rows.overrides.filter((o) => o.kpi_slug === kpiSlug),
    rows.commentaries.filter((c) => c.kpi_slug === kpiSlug),
    foldReviewRows(rows.reviewEntries).filter((r) => (r.entity === 'evaluation' ? plans.has(slugOfKey(r.key)) : slugOfKey(r.key) === kpiSlug)),
  );
}

/**
 * {@link yearsWithData} of a whole city without loading it: the years of its stored actuals (of
 * live KPIs, less those of `derived`, read as distinct time points), of `derived`'s actuals as
 * given (KPIs a deriver recomputes, with the deriver's result), of its yearly commentaries, and
 * of the dated narratives of its live plans.
 */
export async function cityYearsWithData(db: Executor, cityId: string, derived: readonly Pick<Kpi, 'id' | 'observations'>[]): Promise<Set<number>> {
  const [points, narrativeYears, commentaries] = await Promise.all([listObservationTimePointsOfCity(db, cityId, derived.map((k) => k.id)), listNarrativeYearsOfCity(db, cityId), listCommentaries(db, cityId)]);
  const years = new Set<number>();
  for (const c of commentaries) if (c.body.trim() !== '') years.add(c.year);
  for (const at of points) {
    const point = parseTimePointIso(at);
    if (point) years.add(reportingYear(point));
  }
  for (const k of derived) for (const o of k.observations) years.add(reportingYear(o.at));
  for (const y of narrativeYears) years.add(y);
  return years;
}

function decorationsOf(
  publications: readonly { year: number; published: boolean }[],
  overrides: readonly { kpi_slug: string; status: StatusOverride['status'] | null; justification: string; recorded_at: Date }[],
  commentaries: readonly { kpi_slug: string; year: number; body: string }[],
  reviews: readonly ReviewStatus[],
): StaffDecorations {
  return {
    publishedYears: new Set(publications.filter((p) => p.published).map((p) => p.year)),
    heldYears: new Set(publications.filter((p) => !p.published).map((p) => p.year)),
    statusOverrides: overrides.flatMap((o) =>
      o.status === null ? [] : [{ kpiId: o.kpi_slug, status: o.status, justification: o.justification, decidedOn: isoDate(o.recorded_at) }],
    ),
    yearlyCommentaries: commentaries.filter((c) => c.body.trim() !== '').map((c) => ({ kpiId: c.kpi_slug, year: c.year, body: c.body })),
    reviews: new Map(reviews.map((r) => [reviewId(r.entity, r.key), r])),
  };
}

/** Every reporting year a city's data touches: actuals, commentaries, dated narratives. */
export function yearsWithData(data: CityData): Set<number> {
  const years = new Set<number>();
  for (const k of data.kpis) for (const o of k.observations) years.add(reportingYear(o.at));
  for (const c of data.yearlyCommentaries ?? []) years.add(c.year);
  for (const p of data.plans) for (const n of p.narratives) if (n.year !== undefined) years.add(n.year);
  return years;
}

/**
 * What the public may see of a city (issue 10, point 1): only published years, and of those
 * only approved content; a figure the city printed in a published document (an observation
 * marked `documented`) is public whatever its year. An actual, commentary or evaluation under review shows its last
 * approved content (a correction waits), or nothing when none was approved; entries never
 * reviewed were documented before review existed and show as stored. Rates, statuses, charts,
 * sheets, downloads and search computed from the result are those of the published data.
 * `unpublishedYears` lists the years withheld that hold data, so pages can say so.
 */
export function publicView(staff: StaffCityData): CityData {
  const published = (year: number) => staff.publishedYears.has(year);
  const approvedOf = (entity: ReviewEntity, key: string): { show: boolean; content?: ActualContent | TextContent; approvedAt?: Date | null; platformOverride?: string | null } => {
    const r = staff.reviews.get(reviewId(entity, key));
    if (!r) return { show: true };
    return r.approved ? { show: true, content: r.approved, approvedAt: r.approvedAt, platformOverride: r.approvedPlatformOverride } : { show: false };
  };
  const hidden = staff.hiddenKpiIds ?? new Set<string>();
  const shown = (kpiId: string) => !hidden.has(kpiId);
  // A KPI held only by archived nodes leaves the public pages with them, its rates and notes too.
  const d = hidden.size === 0 ? staff.data : { ...staff.data, kpis: staff.data.kpis.filter((k) => shown(k.id)), publishedRates: staff.data.publishedRates.filter((r) => shown(r.kpiId)), ...(staff.data.statusOverrides && { statusOverrides: staff.data.statusOverrides.filter((o) => shown(o.kpiId)) }) };
  const kpis = d.kpis.map((k) => ({
    ...k,
    observations: k.observations.flatMap((withReplaced): Observation[] => {
      // A typed-in override of a platform count: while it is not public, the counts it replaces are.
      // (Most actuals replace nothing: they are kept as they are, not copied.)
      const replaces = withReplaced.replaces;
      const o: Observation = 'replaces' in withReplaced ? withoutReplaces(withReplaced) : withReplaced;
      const instead = (): Observation[] => (replaces ?? []).filter((r) => r.documented || published(reportingYear(r.at)));
      if (!published(reportingYear(o.at))) return o.documented ? [o] : instead();
      const a = approvedOf('actual', actualKey(k.id, formatTimePointIso(o.at)));
      if (!a.show) return instead();
      if (!a.content) return [o];
      const c = a.content as ActualContent;
      const { decimals: _d, note: _n, source: _s, recordedAt: _r, platformOverride: _p, ...rest } = o;
      // The time the public content was approved, never that of a correction still waiting.
      const recordedAt = a.approvedAt ? { recordedAt: a.approvedAt.toISOString() } : {};
      // An approved override of a platform count stays labelled with the reason approved with it
      // (the reviewed content holds the figures only; the reason travels beside them in the step).
      const override = o.platformOverride !== undefined && a.platformOverride ? { platformOverride: a.platformOverride } : {};
      return [{ ...rest, value: c.value, ...(c.decimals !== null && { decimals: c.decimals }), ...(c.note !== null && { note: c.note }), ...(c.source !== null && { source: c.source }), ...override, ...recordedAt }];
    }),
  }));
  const plans = d.plans.map((p) => ({
    ...p,
    narratives: p.narratives.flatMap((n) => {
      if (n.year === undefined) return [n];
      if (!published(n.year)) return [];
      if (n.kind !== 'expert-evaluation') return [n];
      const a = approvedOf('evaluation', yearKey(p.id, n.year));
      if (!a.show) return [];
      return [a.content ? { ...n, body: (a.content as TextContent).body } : n];
    }),
  }));
  const yearlyCommentaries = (d.yearlyCommentaries ?? []).flatMap((c) => {
    if (!published(c.year) || !shown(c.kpiId)) return [];
    const a = approvedOf('commentary', yearKey(c.kpiId, c.year));
    if (!a.show) return [];
    const body = a.content ? (a.content as TextContent).body : c.body;
    return body.trim() === '' ? [] : [{ ...c, body }];
  });
  const { yearlyCommentaries: _y, ...rest } = d;
  const unpublishedYears = [...staff.unpublishedYears].sort((a, b) => a - b);
  return {
    ...rest,
    kpis,
    plans,
    ...(yearlyCommentaries.length > 0 && { yearlyCommentaries }),
    ...(unpublishedYears.length > 0 && { unpublishedYears }),
  };
}

/** The actual without the counts it replaces (what the public view shows of an override). */
function withoutReplaces(withReplaced: Observation): Observation {
  const { replaces: _r, ...o } = withReplaced;
  return o;
}

/** Whether an actual at this time point is in a published year. */
export function isPublishedAt(staff: StaffCityData, at: Parameters<typeof reportingYear>[0]): boolean {
  return staff.publishedYears.has(reportingYear(at));
}

/** The Tokyo date a staff decision was recorded on. */
function isoDate(d: Date | string): string {
  return tokyoDateOf(d);
}

/**
 * Publishes the years a city's stored data documents and nobody has decided on yet (the seed
 * cities and plan data files transcribe published documents: their years are public). A year
 * held by a round or unpublished by the secretariat keeps that decision. Returns the years published.
 */
export async function publishDocumentedYears(db: Executor, cityId: string, actor: string): Promise<number[]> {
  const data = await loadCityData(db, cityId);
  if (!data) return [];
  const decided = new Set((await listYearPublications(db, cityId)).map((p) => p.year));
  const years = [...yearsWithData(data)].filter((y) => !decided.has(y)).sort((a, b) => a - b);
  for (const year of years) await appendYearPublication(db, { city_id: cityId, year, published: true, actor, reason: 'documented in the source documents' });
  return years;
}
