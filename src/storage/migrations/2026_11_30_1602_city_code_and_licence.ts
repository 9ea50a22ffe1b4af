import { sql, type Kysely } from 'kysely';

/*
 * Open data as data users expect (issue 15.3): each city's 全国地方公共団体コード (the first column
 * of every CSV under the 自治体標準オープンデータセット rules) and the licence of its open data
 * (null = CC BY 4.0; 'PDL-1.0' = 公共データ利用規約（第1.0版）). Both nullable: a city without a
 * code exports an empty code column. The seed cities get their real codes (総務省). Another
 * branch (h/cities) may add a city code too; this column is named apart so both can land.
 * Append-only: never edit this file once it has landed.
 */

/** Adds `cities.local_government_code` and `cities.open_data_licence`; fills the seed cities' codes. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('cities')
    .addColumn('local_government_code', 'text', (c) => c.check(sql`local_government_code ~ '^[0-9]{6}$'`))
    .execute();
  await db.schema
    .alterTable('cities')
    .addColumn('open_data_licence', 'text', (c) => c.check(sql`open_data_licence in ('CC-BY-4.0', 'PDL-1.0')`))
    .execute();
  for (const [id, code] of [
    ['ichinoseki', '032093'],
    ['tsukuba', '082201'],
    ['kanazawa', '172014'],
  ] as const) {
    await sql`update cities set local_government_code = ${code} where id = ${id}`.execute(db);
  }
}
