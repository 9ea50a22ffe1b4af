import { sql, type Kysely } from 'kysely';

/*
 * Cities created in the app (issue 13 point 1). Append-only: never edit this file once it has landed.
 *
 * - `cities.local_government_code`: the 6-digit 全国地方公共団体コード (JIS X 0402 five digits and
 *   the check digit of 総務省), unique: two cities with one code are one municipality entered
 *   twice. Nullable only for rows written before this migration whose code is not known; the
 *   three seed cities get their real codes here (一関市 032093, つくば市 082201, 金沢市 172014).
 * - `cities.fiscal_year_start_month`: the first month of the city's fiscal year (年度), 4 for
 *   every Japanese municipality today (地方自治法 208条), kept per city so a body with another
 *   year can be hosted.
 */

const SEED_CODES: readonly (readonly [string, string])[] = [
  ['ichinoseki', '032093'],
  ['tsukuba', '082201'],
  ['kanazawa', '172014'],
];

/** Adds the code and fiscal year start to `cities`, with the seed cities' codes. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('cities')
    .addColumn('local_government_code', 'text')
    .addColumn('fiscal_year_start_month', 'integer', (c) => c.notNull().defaultTo(4))
    .execute();
  await db.schema.alterTable('cities').addCheckConstraint('cities_local_government_code', sql.raw(`local_government_code ~ '^[0-9]{6}$'`)).execute();
  await db.schema.alterTable('cities').addCheckConstraint('cities_fiscal_year_start_month', sql`fiscal_year_start_month between 1 and 12`).execute();
  await db.schema.createIndex('cities_local_government_code_unique').on('cities').column('local_government_code').unique().execute();
  for (const [id, code] of SEED_CODES) {
    await sql`update cities set local_government_code = ${code} where id = ${id} and local_government_code is null`.execute(db);
  }
}

/** Undoes {@link up} (for development only; production databases only move forward). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('cities_local_government_code_unique').execute();
  await db.schema.alterTable('cities').dropColumn('local_government_code').dropColumn('fiscal_year_start_month').execute();
}
