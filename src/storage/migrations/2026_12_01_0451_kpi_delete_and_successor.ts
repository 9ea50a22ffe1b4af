import { sql, type Kysely } from 'kysely';

/*
 * Issue 13.2 and 13.4:
 * - A KPI with no data may be deleted (a KPI created by mistake). Its initial target values
 *   sit in `kpi_target_values`, which is append-only in the database (migration
 *   2026_11_23_0001_initial). That table's trigger now lets a DELETE through only inside a
 *   transaction that set `michishirube.delete_unused_kpi` to 'on' (set_config(..., true): local
 *   to that one transaction); only the KPI delete command does that, after checking the KPI has
 *   no data. Updates and truncates stay refused, and every other append-only table is unchanged.
 * - `plans.succeeds_plan_id`: the plan whose next period this plan is ("Start the next
 *   period"), so a second successor for overlapping years can be refused. Null for plans made
 *   otherwise, and for successors started before this migration.
 * Append-only: never edit this file once it has landed.
 */

/** Replaces the append-only trigger of kpi_target_values; adds plans.succeeds_plan_id. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger kpi_target_values_append_only on kpi_target_values`.execute(db);
  await sql`
    create function kpi_target_values_forbid_rewrite() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' and coalesce(current_setting('michishirube.delete_unused_kpi', true), '') = 'on' then
        return null;
      end if;
      raise exception '% is append-only: % is not allowed', tg_table_name, tg_op;
    end
    $$`.execute(db);
  await sql`
    create trigger kpi_target_values_append_only
    before update or delete or truncate on kpi_target_values
    for each statement execute function kpi_target_values_forbid_rewrite()`.execute(db);
  await sql`alter table plans add column succeeds_plan_id integer references plans(id) on delete set null`.execute(db);
  await sql`create index plans_succeeds on plans (succeeds_plan_id)`.execute(db);
}

/** Undoes {@link up} (for development only; production databases only move forward). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table plans drop column succeeds_plan_id`.execute(db);
  await sql`drop trigger kpi_target_values_append_only on kpi_target_values`.execute(db);
  await sql`drop function kpi_target_values_forbid_rewrite()`.execute(db);
  await sql`
    create trigger kpi_target_values_append_only
    before update or delete or truncate on kpi_target_values
    for each statement execute function forbid_history_rewrite()`.execute(db);
}
