import { sql, type Kysely } from 'kysely';

/*
 * Review before publishing (issue 10, point 1): every actual, KPI commentary and expert
 * evaluation written in the staff area gets a review state (draft → submitted → approved, or
 * returned with a reason), kept append-only in `review_entries` with a snapshot of the content
 * each step saw, so the public view shows the last approved content while a correction waits.
 *
 * Years are no longer public by default: the years that already have actuals when this runs
 * (documented figures entered before review existed) are recorded as published, so an
 * upgraded city keeps showing what it showed. Never edit this file once it has landed.
 */

/** Creates `review_entries` and publishes the years that already hold actuals. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('review_entries')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('city_id', 'text', (c) => c.notNull().references('cities.id'))
    .addColumn('entity', 'text', (c) => c.notNull())
    // actual: `kpi-slug@2024-03`; commentary: `kpi-slug@2024`; evaluation: `plan-slug@2024`.
    .addColumn('entity_key', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    // What the step saw (an actual's figures, a commentary's or evaluation's text); null: withdrawn.
    .addColumn('content', 'jsonb')
    // Why the value turned the status to behind or worsening (asked of whoever enters it).
    .addColumn('explanation', 'text')
    // A return's reason, or a correction's reason.
    .addColumn('reason', 'text')
    // A manual value of a KPI the partner platform feeds, with the reason given for overriding it.
    .addColumn('platform_override', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('review_entries_entity', sql`entity in ('actual', 'commentary', 'evaluation')`)
    .addCheckConstraint('review_entries_state', sql`state in ('draft', 'submitted', 'approved', 'returned')`)
    .addCheckConstraint('review_entries_actor', sql`btrim(actor) <> ''`)
    .addCheckConstraint('review_entries_returned_reason', sql`state <> 'returned' or btrim(coalesce(reason, '')) <> ''`)
    .execute();
  await db.schema.createIndex('review_entries_key').on('review_entries').columns(['city_id', 'entity', 'entity_key', 'id']).execute();
  await sql`
    create trigger review_entries_append_only
    before update or delete or truncate on review_entries
    for each statement execute function forbid_history_rewrite()`.execute(db);

  // The reporting year of a stored time point ("2024", "FY2024", "2024-03", "2020/2024": the end's year).
  await sql`
    insert into year_publications (city_id, year, published, actor, reason)
    select distinct k.city_id,
      cast(substring(case when position('/' in o.at) > 0 then split_part(o.at, '/', 2) else o.at end from '[0-9]{4}') as integer),
      true, 'migration', 'documented before review existed'
    from observations o join kpis k on k.id = o.kpi_id
    where not exists (
      select 1 from year_publications p where p.city_id = k.city_id
        and p.year = cast(substring(case when position('/' in o.at) > 0 then split_part(o.at, '/', 2) else o.at end from '[0-9]{4}') as integer))`.execute(db);
}
