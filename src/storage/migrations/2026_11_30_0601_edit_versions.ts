import { sql, type Kysely } from 'kysely';

/*
 * Row versions for optimistic concurrency (issue 10.4): the rows a staff form edits in place
 * (a KPI, a plan, a plan node, a plan narrative such as an expert evaluation) carry a `version`
 * drawn from one sequence. A form carries the version it was opened on; a save updates the row
 * only `where version = <that version>` and sets a new one, so a save from a stale form changes
 * nothing and is answered with a conflict. One sequence for all (not version + 1 per row): a row
 * that an import deletes and re-creates gets a number no open form can hold.
 *
 * Actuals and target values are versioned already (observation_versions, kpi_target_values);
 * status overrides and commentaries are append-only, the id of their latest row is their version.
 * Append-only like every migration: never edit this file once it has landed.
 */

const TABLES = ['kpis', 'plans', 'plan_nodes', 'plan_narratives'] as const;

/** Creates the version sequence and a version column on each table edited in place. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create sequence edit_versions as integer`.execute(db);
  for (const table of TABLES) {
    // A volatile default: every existing row gets its own number.
    await sql`alter table ${sql.table(table)} add column version integer not null default nextval('edit_versions')`.execute(db);
  }
}
