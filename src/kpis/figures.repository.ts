import type { Executor } from '../storage/database.ts';
import { kpiIdsBySlugQuery } from './kpi.repository.ts';
import { chunks } from '../storage/batch.ts';
import type { NewPreciseFigureRow, NewPublishedFigureRow, PreciseFigureRow, PublishedFigureRow } from './figures.table.ts';

/** A city's precise figures (the unrounded values behind printed ones), in a stable order. */
export async function listPreciseFigures(db: Executor, cityId: string): Promise<PreciseFigureRow[]> {
  return preciseFiguresQuery(db, cityId).execute();
}

/** The query of {@link listPreciseFigures}, of the city's KPIs with these `slugs` only when given (non-empty): to run or to nest in a larger read. */
export function preciseFiguresQuery(db: Executor, cityId: string, slugs?: readonly string[]) {
  return db
    .selectFrom('precise_figures')
    .selectAll()
    .where('city_id', '=', cityId)
    .$if(slugs !== undefined, (q) => q.where('kpi_id', 'in', kpiIdsBySlugQuery(db, cityId, slugs!)))
    .orderBy('kpi_id')
    .orderBy('figure')
    .orderBy('ref');
}

/**
 * Replaces a city's precise figures as a whole (they are transcriptions of documents, or
 * inferences, kept with the data file; the caller logs the old set in the change log). Those
 * of `keepKpiIds` (archived KPIs the new set does not speak of) stay.
 */
export async function replacePreciseFigures(db: Executor, cityId: string, rows: readonly NewPreciseFigureRow[], keepKpiIds: readonly number[] = []): Promise<void> {
  let q = db.deleteFrom('precise_figures').where('city_id', '=', cityId);
  if (keepKpiIds.length > 0) q = q.where('kpi_id', 'not in', keepKpiIds);
  await q.execute();
  for (const batch of chunks(rows)) await db.insertInto('precise_figures').values(batch).execute();
}

/** A city's published figures in their order. */
export async function listPublishedFigures(db: Executor, cityId: string): Promise<PublishedFigureRow[]> {
  return db.selectFrom('published_figures').selectAll().where('city_id', '=', cityId).orderBy('position').orderBy('id').execute();
}

/** Replaces a city's published figures as a whole (seed and programme configuration). */
export async function replacePublishedFigures(db: Executor, cityId: string, rows: readonly NewPublishedFigureRow[]): Promise<void> {
  await db.deleteFrom('published_figures').where('city_id', '=', cityId).execute();
  for (const batch of chunks(rows)) await db.insertInto('published_figures').values(batch).execute();
}
