import type { Executor } from '../storage/database.ts';
import { staffDb, type StaffExecutor } from '../storage/staff-database.ts';
import type { OverrideStatus } from '../storage/tables/staff.table.ts';

/*
 * Decisions recorded by the staff area, each append-only (the latest row is current): which
 * years of a city are published, the yearly commentary per KPI, status overrides.
 */

/** The latest publication decision per year of a city (years never decided are absent: published). */
export async function listYearPublications(db: Executor | StaffExecutor, cityId: string): Promise<{ year: number; published: boolean; actor: string; recorded_at: Date; reason: string | null }[]> {
  return yearPublicationsQuery(db, cityId).execute();
}

/** The query of {@link listYearPublications}, to run or to nest in a larger read. */
export function yearPublicationsQuery(db: Executor | StaffExecutor, cityId: string) {
  return staffDb(db)
    .selectFrom('year_publications')
    .select(['year', 'published', 'actor', 'recorded_at', 'reason'])
    .where('city_id', '=', cityId)
    .distinctOn('year')
    .orderBy('year')
    .orderBy('id', 'desc');
}

/** Records that a year of a city is (un)published. */
export async function appendYearPublication(db: Executor | StaffExecutor, row: { city_id: string; year: number; published: boolean; actor: string; reason: string | null }): Promise<void> {
  await staffDb(db).insertInto('year_publications').values(row).execute();
}

/** The current commentary per KPI and year of a city's KPIs. */
export async function listCommentaries(db: Executor | StaffExecutor, cityId: string): Promise<{ kpi_id: number; kpi_slug: string; year: number; body: string; actor: string; recorded_at: Date }[]> {
  return commentariesQuery(db, cityId).execute();
}

/** The query of {@link listCommentaries}, of the city's KPIs with these `slugs` only when given (non-empty): to run or to nest in a larger read. */
export function commentariesQuery(db: Executor | StaffExecutor, cityId: string, slugs?: readonly string[]) {
  return staffDb(db)
    .selectFrom('kpi_commentaries as c')
    .innerJoin('kpis as k', 'k.id', 'c.kpi_id')
    .select(['c.kpi_id', 'k.slug as kpi_slug', 'c.year', 'c.body', 'c.actor', 'c.recorded_at'])
    .where('k.city_id', '=', cityId)
    .$if(slugs !== undefined, (q) => q.where('k.slug', 'in', slugs!))
    .distinctOn(['c.kpi_id', 'c.year'])
    .orderBy('c.kpi_id')
    .orderBy('c.year')
    .orderBy('c.id', 'desc');
}

/** Appends a commentary version (an empty body withdraws it). */
export async function appendCommentary(db: Executor | StaffExecutor, row: { kpi_id: number; year: number; body: string; actor: string }): Promise<void> {
  await staffDb(db).insertInto('kpi_commentaries').values(row).execute();
}

/** The current status override per KPI of a city (withdrawn ones have status null). */
export async function listStatusOverrides(
  db: Executor | StaffExecutor,
  cityId: string,
): Promise<{ kpi_id: number; kpi_slug: string; status: OverrideStatus | null; justification: string; actor: string; recorded_at: Date }[]> {
  return statusOverridesQuery(db, cityId).execute();
}

/** The query of {@link listStatusOverrides}, of the city's KPIs with these `slugs` only when given (non-empty): to run or to nest in a larger read. */
export function statusOverridesQuery(db: Executor | StaffExecutor, cityId: string, slugs?: readonly string[]) {
  return staffDb(db)
    .selectFrom('status_overrides as o')
    .innerJoin('kpis as k', 'k.id', 'o.kpi_id')
    .select(['o.kpi_id', 'k.slug as kpi_slug', 'o.status', 'o.justification', 'o.actor', 'o.recorded_at'])
    .where('k.city_id', '=', cityId)
    .$if(slugs !== undefined, (q) => q.where('k.slug', 'in', slugs!))
    .distinctOn('o.kpi_id')
    .orderBy('o.kpi_id')
    .orderBy('o.id', 'desc');
}

/** Appends a status override (status null withdraws it). */
export async function appendStatusOverride(db: Executor | StaffExecutor, row: { kpi_id: number; status: OverrideStatus | null; justification: string; actor: string }): Promise<void> {
  await staffDb(db).insertInto('status_overrides').values(row).execute();
}

/** The latest status-override row of a KPI (its id is the override's version), if any. */
export async function latestStatusOverride(db: Executor | StaffExecutor, kpiId: number): Promise<{ id: number; status: OverrideStatus | null; justification: string; actor: string; recorded_at: Date } | undefined> {
  return staffDb(db).selectFrom('status_overrides').select(['id', 'status', 'justification', 'actor', 'recorded_at']).where('kpi_id', '=', kpiId).orderBy('id', 'desc').limit(1).executeTakeFirst();
}

/** The latest commentary row per year of a KPI (its id is that year's commentary version). */
export async function latestCommentaries(db: Executor | StaffExecutor, kpiId: number): Promise<{ id: number; year: number; body: string; actor: string; recorded_at: Date }[]> {
  return staffDb(db)
    .selectFrom('kpi_commentaries')
    .select(['id', 'year', 'body', 'actor', 'recorded_at'])
    .where('kpi_id', '=', kpiId)
    .distinctOn('year')
    .orderBy('year')
    .orderBy('id', 'desc')
    .execute();
}
