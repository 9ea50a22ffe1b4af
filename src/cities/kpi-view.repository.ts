import { sql, type CompiledQuery } from 'kysely';
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
import type { Executor } from '../storage/database.ts';
import { StatementTemplates, templateMarker } from '../storage/prepared-statements.ts';
import { cityRowQuery } from './city.repository.ts';
import { sourceDocumentsQuery } from './source-document.repository.ts';
import { kpiRowsQuery, kpiSdgTargetsQuery } from '../kpis/kpi.repository.ts';
import { targetRevisionsQuery, targetsQuery, targetValueVersionsQuery } from '../kpis/target.repository.ts';
import { preciseFiguresQuery } from '../kpis/figures.repository.ts';
import { publishedActualVersionsQuery, publishedRatesQuery } from '../kpis/published-rate.repository.ts';
import { currentObservationsQuery } from '../actuals/observation.repository.ts';
import { planKpiRowsQuery, planNarrativesOfKpisQuery, planNodesAboveKpisQuery, planRowsQuery } from '../plans/plan.repository.ts';
import { commentariesQuery, listCommentaries, listStatusOverrides, listYearPublications, statusOverridesQuery, yearPublicationsQuery } from '../staff/staff-record.repository.ts';
import { reviewEntriesOfKpisQuery } from '../review/review.repository.ts';
import type { ReviewEntryRow } from '../review/review.table.ts';
import { freshUnpublishedYearsQuery } from '../summaries/summary.repository.ts';
import type { Snapshot } from './city-snapshot.ts';

/** The rows of some KPIs of a city and of what decorates them, as {@link readKpiViewRows} reads them. */
export interface KpiViewRows {
  /** The KPIs' snapshot: the city, its documents and plans, the KPIs' rows, the plan nodes and narratives that lead to them (plan versions and sheet reports empty). */
  readonly snapshot: Snapshot;
  /** The city's latest publication decision per year. */
  readonly publications: Awaited<ReturnType<typeof listYearPublications>>;
  /** The current status override of each of the KPIs that has one. */
  readonly overrides: Awaited<ReturnType<typeof listStatusOverrides>>;
  /** The current yearly commentaries of the KPIs. */
  readonly commentaries: Awaited<ReturnType<typeof listCommentaries>>;
  /** The review entries of the KPIs' actuals and commentaries and of the evaluations of the plans holding them, in id order. */
  readonly reviewEntries: ReviewEntryRow[];
  /**
   * The city's unpublished years as its summaries have them, when they are as new as its data
   * (`summarized_revision ≥ revision`); null when they are older or missing.
   */
  readonly summaryUnpublishedYears: number[] | null;
}

/**
 * Every row a page about some KPIs of a city (by slug, at least one) needs, read in one statement
 * (so one snapshot of the database, without a transaction, and one round trip: a KPI page of a
 * city not in memory cost 24 statements, issue 11.5): the city, its documents and plans, the
 * KPIs (retired ones included) with their SDG targets, targets (with `withHistory` every stored
 * value), revisions, current actuals, precise figures and published rates (with `withHistory`
 * the actuals behind them), the plan nodes on the paths down to their rows and the narratives
 * of the plans holding them; their status overrides, yearly commentaries and review entries; the
 * city's year publications and, when the summaries are fresh, its unpublished years. Each
 * part is the query its concept's repository runs alone, nested here as JSON; the rows come back
 * as those queries give them (timestamps as Dates; numerics as numbers, which `toNumber` reads
 * alike). Null for an unknown city.
 */
export async function readKpiViewRows(db: Executor, cityId: string, slugs: readonly string[], withHistory: boolean): Promise<KpiViewRows | null> {
  if (slugs.length === 0) throw new Error('readKpiViewRows needs at least one KPI slug');
  const row = (await db.executeQuery(compiledKpiView(db, cityId, slugs, withHistory))).rows[0]!;
  if (!row.city) return null;
  // JSON carries timestamps as ISO text: each becomes the Date the driver gives for the column
  // (both truncate to the millisecond), so the rows are those of the queries run alone.
  const snapshot: Snapshot = {
    city: dated(row.city, ['created_at']),
    documents: row.documents as unknown as Snapshot['documents'],
    kpis: datedRows(row.kpis, ['retired_at']),
    sdgTargets: row.sdgTargets,
    targets: row.targets as unknown as Snapshot['targets'],
    revisions: datedRows(row.revisions, ['recorded_at']),
    targetVersions: datedRows(row.targetVersions, ['recorded_at']),
    observations: datedRows(row.observations, ['recorded_at']),
    plans: datedRows(row.plans, ['archived_at']),
    planVersions: [],
    planNodes: datedRows(row.planNodes, ['archived_at']),
    planKpiRows: row.planKpiRows as unknown as Snapshot['planKpiRows'],
    planNarratives: row.planNarratives as unknown as Snapshot['planNarratives'],
    planSheetReports: [],
    rates: row.rates as unknown as Snapshot['rates'],
    rateActuals: datedRows(row.rateActuals, ['recorded_at']),
    precise: datedRows(row.precise, ['recorded_at']),
  };
  return {
    snapshot,
    publications: datedRows(row.publications, ['recorded_at']),
    overrides: datedRows(row.overrides, ['recorded_at']),
    commentaries: datedRows(row.commentaries, ['recorded_at']),
    reviewEntries: datedRows(row.reviewEntries, ['recorded_at']),
    // The subquery's value is JSON: pg parses it, PGlite too (a string only if a driver did not).
    summaryUnpublishedYears: row.summaryUnpublishedYears === null ? null : (typeof row.summaryUnpublishedYears === 'string' ? (JSON.parse(row.summaryUnpublishedYears) as number[]) : row.summaryUnpublishedYears),
  };
}

/** The statement of {@link readKpiViewRows}. */
export function kpiViewQuery(db: Executor, cityId: string, slugs: readonly string[], withHistory: boolean) {
  const kpis = { cityId, slugs };
  const none = sql<never[]>`'[]'::json`;
  return db
    .selectNoFrom([
      jsonObjectFrom(cityRowQuery(db, cityId)).as('city'),
      jsonArrayFrom(sourceDocumentsQuery(db, cityId)).as('documents'),
      jsonArrayFrom(kpiRowsQuery(db, cityId, { includeRetired: true, slugs })).as('kpis'),
      jsonArrayFrom(planRowsQuery(db, cityId)).as('plans'),
      jsonArrayFrom(kpiSdgTargetsQuery(db, kpis)).as('sdgTargets'),
      jsonArrayFrom(targetsQuery(db, kpis)).as('targets'),
      jsonArrayFrom(targetRevisionsQuery(db, kpis)).as('revisions'),
      (withHistory ? jsonArrayFrom(targetValueVersionsQuery(db, kpis)) : none).as('targetVersions'),
      jsonArrayFrom(currentObservationsQuery(db, kpis)).as('observations'),
      jsonArrayFrom(planKpiRowsQuery(db, kpis)).as('planKpiRows'),
      jsonArrayFrom(planNodesAboveKpisQuery(db, kpis)).as('planNodes'),
      jsonArrayFrom(planNarrativesOfKpisQuery(db, kpis)).as('planNarratives'),
      jsonArrayFrom(publishedRatesQuery(db, cityId, slugs)).as('rates'),
      (withHistory ? jsonArrayFrom(publishedActualVersionsQuery(db, cityId, slugs)) : none).as('rateActuals'),
      jsonArrayFrom(preciseFiguresQuery(db, cityId, slugs)).as('precise'),
      jsonArrayFrom(yearPublicationsQuery(db, cityId)).as('publications'),
      jsonArrayFrom(statusOverridesQuery(db, cityId, slugs)).as('overrides'),
      jsonArrayFrom(commentariesQuery(db, cityId, slugs)).as('commentaries'),
      jsonArrayFrom(reviewEntriesOfKpisQuery(db, cityId, slugs)).as('reviewEntries'),
      freshUnpublishedYearsQuery(db, cityId).as('summaryUnpublishedYears'),
    ]);
}

type KpiViewRow = Awaited<ReturnType<ReturnType<typeof kpiViewQuery>['executeTakeFirstOrThrow']>>;

/**
 * The statement compiled once per shape (how many slugs, with history or not) and database
 * handle, with markers for the city and the slugs that each read replaces by its own values:
 * building and compiling the nested queries cost about as much CPU as the rest of a page.
 * Bounded in bytes (a shape's SQL is some 7 KB; a handle holds a few shapes). On PostgreSQL the
 * statement is prepared (storage/prepared-statements.ts).
 */
const templates = new StatementTemplates<KpiViewRow>(256 * 1024);

function compiledKpiView(db: Executor, cityId: string, slugs: readonly string[], withHistory: boolean): CompiledQuery<KpiViewRow> {
  const values: Record<string, string> = { city: cityId };
  slugs.forEach((s, i) => (values[`slug${i}`] = s));
  // A marker may stand inside a parameter (a review key prefix is the slug and '@').
  return templates.get(db, `${slugs.length}:${withHistory}`, () => kpiViewQuery(db, templateMarker('city'), slugs.map((_, i) => templateMarker(`slug${i}`)), withHistory).compile(), values);
}

/** A row read as JSON with its timestamp `columns` (ISO text or null) turned into Dates, typed as the row the query gives alone. */
function dated<T>(row: object, columns: readonly string[]): T {
  const out: Record<string, unknown> = { ...row };
  for (const c of columns) {
    const v = out[c];
    if (typeof v === 'string') out[c] = new Date(v);
  }
  return out as T;
}

/** {@link dated} of every row. */
function datedRows<T>(rows: readonly object[], columns: readonly string[]): T[] {
  return rows.map((r) => dated<T>(r, columns));
}
