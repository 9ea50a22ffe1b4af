import type { Executor } from './database.ts';
import { chunks } from './batch.ts';
import type { NewPublishedRateRow, PublishedRateRow } from './tables/published-rate.table.ts';

/** A city's published rates in their order. */
export async function listPublishedRates(db: Executor, cityId: string): Promise<PublishedRateRow[]> {
  return db.selectFrom('published_rates').selectAll().where('city_id', '=', cityId).orderBy('position').orderBy('id').execute();
}

/** The published rates of one KPI, in their order. */
export async function listPublishedRatesOfKpi(db: Executor, kpiId: number): Promise<PublishedRateRow[]> {
  return db.selectFrom('published_rates').selectAll().where('kpi_id', '=', kpiId).orderBy('position').orderBy('id').execute();
}

/** Inserts published rates. */
export async function insertPublishedRates(db: Executor, rows: readonly NewPublishedRateRow[]): Promise<void> {
  for (const batch of chunks(rows)) await db.insertInto('published_rates').values(batch).execute();
}

/**
 * Deletes all published rates of a city, before writing the new set: they are transcriptions
 * of printed documents, replaced as a whole (the change log keeps the old set).
 */
export async function deletePublishedRates(db: Executor, cityId: string): Promise<void> {
  await db.deleteFrom('published_rates').where('city_id', '=', cityId).execute();
}
