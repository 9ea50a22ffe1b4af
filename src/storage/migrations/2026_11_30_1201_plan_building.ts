import { sql, type Kysely } from 'kysely';

/*
 * Plans built in the app (issue 13.2, 13.6). Append-only like every migration: never edit this
 * file once it has landed.
 *
 * - `plans.archived_at`, `plan_nodes.archived_at`: what has data is archived, never deleted; an
 *   archived plan or node leaves the public pages and the plan trees loaded for them but keeps
 *   its rows (and its KPI rows' history) so staff can list and restore it.
 * - `kpis.definition`, `kpis.data_source`: the KPI's definition (how it is counted) and where its
 *   figures come from, as the secretariat types them.
 * - `plan_snapshots`: one snapshot per recorded plan version (策定, 改訂): the plan's head, tree,
 *   KPI rows, KPIs and targets as they stood when the version was recorded, as JSON. Append-only
 *   in the database itself; the 新旧対照表 compares two of them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table plans add column archived_at timestamptz`.execute(db);
  await sql`alter table plan_nodes add column archived_at timestamptz`.execute(db);
  await sql`alter table kpis add column definition text`.execute(db);
  await sql`alter table kpis add column data_source text`.execute(db);
  await db.schema
    .createTable('plan_snapshots')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('plan_id', 'integer', (c) => c.notNull().references('plans.id').onDelete('cascade'))
    /** 1, 2, 3 … in the order the versions were recorded. */
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('snapshot', 'jsonb', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('plan_snapshots_number', ['plan_id', 'number'])
    .addCheckConstraint('plan_snapshots_number_positive', sql`number >= 1`)
    .addCheckConstraint('plan_snapshots_kind', sql`kind in ('adopted', 'revised')`)
    .addCheckConstraint('plan_snapshots_date', sql.raw(`date ~ '^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$'`))
    .addCheckConstraint('plan_snapshots_actor', sql`btrim(actor) <> ''`)
    .execute();
  // Append-only, except that deleting the plan itself (allowed only while it has no data) takes its snapshots along.
  await sql`
    create function plan_snapshots_forbid_update() returns trigger language plpgsql as $$
    begin
      raise exception 'plan_snapshots is append-only: % is not allowed', tg_op;
    end $$`.execute(db);
  await sql`create trigger plan_snapshots_append_only before update on plan_snapshots for each row execute function plan_snapshots_forbid_update()`.execute(db);
}
