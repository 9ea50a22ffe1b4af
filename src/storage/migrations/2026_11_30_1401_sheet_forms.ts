import { sql, type Kysely } from 'kysely';

/*
 * The Cabinet Office forms (issue 14):
 * - `plans.sheet_layout`: which form the plan reports on ('cabinet-office': 進捗評価シート and
 *   様式3-3; 'result-report': Tsukuba's 結果報告シート); `plans.period_ordinal`: 第N期.
 * - `plan_narratives.section`: where on the forms a narrative is printed (null: derived from its
 *   kind and title).
 * - `plan_sheet_reports`: one row per submitted sheet (plan, reporting year, sheet): the 作成年月
 *   the secretariat sets and the source document it was published as.
 * Append-only: never edit this file once it has landed.
 */

/** Adds the layout and ordinal columns, the narratives' section, and the sheet reports. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('plans')
    .addColumn('sheet_layout', 'text', (c) => c.notNull().defaultTo('cabinet-office').check(sql`sheet_layout in ('cabinet-office', 'result-report')`))
    .execute();
  await db.schema.alterTable('plans').addColumn('period_ordinal', 'integer', (c) => c.check(sql`period_ordinal between 1 and 99`)).execute();
  await db.schema.alterTable('plan_narratives').addColumn('section', 'text').execute();
  await db.schema
    .createTable('plan_sheet_reports')
    .addColumn('plan_id', 'integer', (c) => c.notNull().references('plans.id').onDelete('cascade'))
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('progress', 'summary', 'report')`))
    .addColumn('submitted_on', 'text', (c) => c.notNull().check(sql`submitted_on ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'`))
    .addColumn('document_id', 'text')
    .addPrimaryKeyConstraint('plan_sheet_reports_pk', ['plan_id', 'year', 'kind'])
    .execute();
}
