import { sql } from 'kysely';
import { jsonRows } from '../storage/change-log.repository.ts';
import type { JsonValue } from '../storage/columns.ts';
import type { Executor } from '../storage/database.ts';
import type { StaffExecutor } from '../storage/staff-database.ts';
import type { ActualContent, ReviewEntity, ReviewState, ReviewStatus, TextContent } from './review.ts';
import { reviewDb, type ReviewEntryRow, type ReviewExecutor } from './review.table.ts';

type AnyExecutor = Executor | StaffExecutor | ReviewExecutor;

/** A review step to append. */
export interface NewReviewEntry {
  readonly cityId: string;
  readonly entity: ReviewEntity;
  readonly key: string;
  readonly year: number;
  readonly state: ReviewState;
  readonly content: ActualContent | TextContent | null;
  readonly explanation?: string | null;
  readonly reason?: string | null;
  readonly platformOverride?: string | null;
  readonly actor: string;
}

/**
 * Appends review steps: one statement per 2,000 steps, the rows bound as one JSON parameter
 * (an import of 100,000 actuals appends as many steps; see `jsonRows`). Small enough that, on
 * PGlite, other requests get a turn between two statements (observation.repository.ts BULK_ROWS).
 */
export async function appendReviewEntries(db: AnyExecutor, entries: readonly NewReviewEntry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += 2_000) {
    const rows = entries.slice(i, i + 2_000).map((e) => ({
      city_id: e.cityId,
      entity: e.entity,
      entity_key: e.key,
      year: e.year,
      state: e.state,
      content: (e.content ?? null) as unknown as JsonValue,
      explanation: e.explanation ?? null,
      reason: e.reason ?? null,
      platform_override: e.platformOverride ?? null,
      actor: e.actor,
    }));
    await sql`
      insert into review_entries (city_id, entity, entity_key, year, state, content, explanation, reason, platform_override, actor)
      select r.city_id, r.entity, r.entity_key, r.year, r.state, r.content, r.explanation, r.reason, r.platform_override, r.actor
      from rows from (json_to_recordset(${jsonRows(rows)}::json) as (city_id text, entity text, entity_key text, year integer, state text, content jsonb, explanation text, reason text, platform_override text, actor text)) with ordinality as r(city_id, entity, entity_key, year, state, content, explanation, reason, platform_override, actor, n)
      order by r.n`.execute(reviewDb(db));
  }
}

/**
 * Makes the review steps of one city take turns until the caller's transaction ends (a
 * transaction-scoped advisory lock keyed by the city). Every writer of review steps takes it
 * before reading the statuses it decides on, so two secretariat users approving or returning
 * the same entry at once, or an approval racing a correction, never both act on the state they
 * read: the second sees the first's step (on PostgreSQL's read committed, each statement after
 * the lock reads what the holder committed). Must run inside a transaction.
 */
export async function lockCityReview(db: AnyExecutor, cityId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`review:${cityId}`}))`.execute(reviewDb(db));
}

/**
 * The review status of every reviewed entry of a city (entries never reviewed are absent: they
 * were documented before review existed and count as approved). One query; folded in order.
 */
export async function listReviewStatuses(db: AnyExecutor, cityId: string, entity?: ReviewEntity): Promise<ReviewStatus[]> {
  let q = reviewDb(db).selectFrom('review_entries').selectAll().where('city_id', '=', cityId);
  if (entity) q = q.where('entity', '=', entity);
  const rows = await q.orderBy('id').execute();
  return foldReviewRows(rows);
}

/**
 * The review entries (in id order, to fold with {@link foldReviewRows}) of the actuals and
 * commentaries of a city's KPIs with these slugs (non-empty), and of the expert evaluations of
 * the plans holding a row of them: what the public view of those KPIs needs without the city's
 * other entries. A query to nest in a larger read. A key may match more (a slug `a` matches
 * `a@b@…`): the caller checks the key's slug (`slugOfKey`, review.ts).
 */
export function reviewEntriesOfKpisQuery(db: AnyExecutor, cityId: string, slugs: readonly string[]) {
  return reviewDb(db)
    .selectFrom('review_entries as e')
    .selectAll('e')
    .where('e.city_id', '=', cityId)
    .where((eb) =>
      eb.or([
        eb.and([eb('e.entity', 'in', ['actual', 'commentary']), eb.or(slugs.map((s) => eb.fn<boolean>('starts_with', ['e.entity_key', eb.val(`${s}@`)])))]),
        eb.and([
          eb('e.entity', '=', 'evaluation'),
          eb.exists(
            eb
              .selectFrom('plan_kpi_rows as r')
              .innerJoin('plan_nodes as n', 'n.id', 'r.node_id')
              .innerJoin('plans as p', 'p.id', 'n.plan_id')
              .innerJoin('kpis as k', 'k.id', 'r.kpi_id')
              .select(sql<number>`1`.as('one'))
              .where('k.city_id', '=', cityId)
              .where('k.slug', 'in', slugs)
              .where(sql<boolean>`starts_with(${sql.ref('e.entity_key')}, ${sql.ref('p.slug')} || '@')`),
          ),
        ]),
      ]),
    )
    .orderBy('e.id');
}

/** The steps of one entry, oldest first (its review history). */
export async function reviewHistory(db: AnyExecutor, cityId: string, entity: ReviewEntity, key: string): Promise<ReviewEntryRow[]> {
  return reviewDb(db).selectFrom('review_entries').selectAll().where('city_id', '=', cityId).where('entity', '=', entity).where('entity_key', '=', key).orderBy('id').execute();
}

/** Folds rows (in id order) into one status per entity and key. */
export function foldReviewRows(rows: readonly ReviewEntryRow[]): ReviewStatus[] {
  const out = new Map<string, ReviewStatus>();
  for (const r of rows) {
    const id = `${r.entity} ${r.entity_key}`;
    const before = out.get(id);
    const content = (r.content ?? null) as ActualContent | TextContent | null;
    const approvedNow = r.state === 'approved';
    out.set(id, {
      entity: r.entity,
      key: r.entity_key,
      year: r.year,
      state: r.state,
      content,
      approved: approvedNow ? content : (before?.approved ?? null),
      approvedAt: approvedNow ? new Date(r.recorded_at) : (before?.approvedAt ?? null),
      everApproved: approvedNow || (before?.everApproved ?? false),
      explanation: r.explanation,
      reason: r.reason,
      platformOverride: r.platform_override,
      approvedPlatformOverride: approvedNow ? r.platform_override : (before?.approvedPlatformOverride ?? null),
      actor: r.actor,
      recordedAt: new Date(r.recorded_at),
      step: r.id,
    });
  }
  return [...out.values()];
}

/** When each KPI of a city last had an actual written by a person (UTC instants; KPIs never updated are absent). */
export async function lastActualUpdates(db: AnyExecutor, cityId: string): Promise<Map<string, Date>> {
  const rows = await reviewDb(db)
    .selectFrom('observation_versions as v')
    .innerJoin('observations as o', 'o.id', 'v.observation_id')
    .innerJoin('kpis as k', 'k.id', 'o.kpi_id')
    .select(['k.slug'])
    .select((eb) => eb.fn.max('v.recorded_at').as('last'))
    .where('k.city_id', '=', cityId)
    // The seed transcribes published documents: loading it is nobody's update, so a KPI known
    // only from the seed was never updated here (reminders then count from the round's opening).
    .where('v.actor', '!=', 'seed')
    .groupBy('k.slug')
    .execute();
  return new Map(rows.map((r) => [r.slug, new Date(r.last as unknown as string)]));
}
