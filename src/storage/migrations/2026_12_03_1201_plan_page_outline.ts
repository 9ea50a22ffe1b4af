import type { Kysely } from 'kysely';

/*
 * Issue 11.5 (national scale): a folded plan page (a plan of more than 100 KPI rows, no filter,
 * no `?node=`: the page most requested of a large plan) read from its outline instead of the
 * whole model (plans/plan-page.model.ts PlanPageOutline): some kB to parse instead of 126 kB.
 *
 * - `plan_page_summaries.outline_json`: the outline of a folded plan's model, null for a plan
 *   whose page is not folded.
 *
 * Rows summarised before this migration have no outline (null): their page reads the model as
 * before until the city's next rebuild writes it, so no city is rebuilt for it at start.
 * Append-only: never edit this file once it has landed.
 */

/** Adds the column (null for the existing rows). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('plan_page_summaries').addColumn('outline_json', 'text').execute();
}
