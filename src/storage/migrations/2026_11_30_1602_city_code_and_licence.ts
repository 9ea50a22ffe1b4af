import { sql, type Kysely } from 'kysely';

/*
 * Open data as data users expect (issue 15.3): the licence of each city's open data
 * (null = CC BY 4.0; 'PDL-1.0' = 公共データ利用規約（第1.0版）). The city's 全国地方公共団体コード,
 * the first column of every CSV under the 自治体標準オープンデータセット rules, is the column
 * `cities.local_government_code` of migration 2026_11_30_1101_cities (with the seed cities' codes).
 * Append-only: never edit this file once it has landed.
 */

/** Adds `cities.open_data_licence`. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('cities')
    .addColumn('open_data_licence', 'text', (c) => c.check(sql`open_data_licence in ('CC-BY-4.0', 'PDL-1.0')`))
    .execute();
}

/** Undoes {@link up} (for development only; production databases only move forward). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('cities').dropColumn('open_data_licence').execute();
}
