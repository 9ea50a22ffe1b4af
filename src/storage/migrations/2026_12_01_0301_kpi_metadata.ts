import { sql, type Kysely } from 'kysely';

/*
 * Every KPI explained (issue 15.2): besides its definition and data source (migration
 * 2026_11_30_1201_plan_building), who provides the figures (提供元: 総務省統計局, the city's 農政課…)
 * and how often they are updated (更新頻度), as Open SDG's metadata tabs show them.
 * `update_frequency` is one of KPI_UPDATE_FREQUENCIES (core/kpi/kpi.ts); null = not stated.
 * Append-only: never edit this file once it has landed.
 */

/** Adds `kpis.data_provider` and `kpis.update_frequency`. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('kpis').addColumn('data_provider', 'text').execute();
  await db.schema
    .alterTable('kpis')
    .addColumn('update_frequency', 'text', (c) => c.check(sql`update_frequency in ('monthly', 'quarterly', 'half-yearly', 'yearly', 'every-5-years', 'irregular')`))
    .execute();
}

/** Undoes {@link up} (for development only; production databases only move forward). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('kpis').dropColumn('update_frequency').execute();
  await db.schema.alterTable('kpis').dropColumn('data_provider').execute();
}
