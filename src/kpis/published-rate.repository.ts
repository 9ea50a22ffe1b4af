import type { Executor } from '../storage/database.ts';
import { kpiIdsBySlugQuery } from './kpi.repository.ts';
import { chunks } from '../storage/batch.ts';
import type { NewPublishedRateRow, PublishedRateRow } from './published-rate.table.ts';

/** A city's published rates in their order. */
export async function listPublishedRates(db: Executor, cityId: string): Promise<PublishedRateRow[]> {
  return publishedRatesQuery(db, cityId).execute();
}

/** The query of {@link listPublishedRates}, of the city's KPIs with these `slugs` only when given (non-empty): to run or to nest in a larger read. */
export function publishedRatesQuery(db: Executor, cityId: string, slugs?: readonly string[]) {
  return db
    .selectFrom('published_rates')
    .selectAll()
    .where('city_id', '=', cityId)
    .$if(slugs !== undefined, (q) => q.where('kpi_id', 'in', kpiIdsBySlugQuery(db, cityId, slugs!)))
    .orderBy('position')
    .orderBy('id');
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
 * Deletes the published rates of a city, before writing the new set: they are transcriptions
 * of printed documents, replaced as a whole (the change log keeps the old set). The rates of
 * `keep.kpiIds` (archived KPIs the new set does not speak of) stay, except those citing one of
 * `keep.exceptDocumentIds` (documents being removed).
 */
export async function deletePublishedRates(db: Executor, cityId: string, keep: { readonly kpiIds: readonly number[]; readonly exceptDocumentIds: readonly number[] } = { kpiIds: [], exceptDocumentIds: [] }): Promise<void> {
  const { kpiIds, exceptDocumentIds } = keep;
  await db
    .deleteFrom('published_rates')
    .where('city_id', '=', cityId)
    .where((eb) => {
      if (kpiIds.length === 0) return eb.val(true);
      const notKept = eb('kpi_id', 'not in', kpiIds);
      return exceptDocumentIds.length === 0 ? notKept : eb.or([notKept, eb('document_id', 'in', exceptDocumentIds)]);
    })
    .execute();
}

/**
 * Every version of the actuals a city's published rates refer to, with the citing document's
 * publication date (`YYYY-MM` or `YYYY-MM-DD`), oldest version first: the reader picks the one
 * that stood when the document was published (kpis/published-rate.mapping.ts).
 */
export interface PublishedActualVersionRow {
  readonly kpi_id: number;
  readonly actual_at: string;
  readonly document_id: number;
  readonly published: string;
  readonly version: number;
  readonly value: string | number | null;
  readonly decimals: number | null;
  readonly deleted: boolean;
  readonly recorded_at: Date;
}

/** The observation versions behind a city's published rates (see {@link PublishedActualVersionRow}). */
export async function listPublishedActualVersions(db: Executor, cityId: string): Promise<PublishedActualVersionRow[]> {
  return publishedActualVersionsQuery(db, cityId).execute();
}

/** The query of {@link listPublishedActualVersions}, of the city's KPIs with these `slugs` only when given (non-empty): to run or to nest in a larger read. */
export function publishedActualVersionsQuery(db: Executor, cityId: string, slugs?: readonly string[]) {
  return db
    .selectFrom('published_rates as pr')
    .innerJoin('source_documents as d', 'd.id', 'pr.document_id')
    .innerJoin('observations as o', (j) => j.onRef('o.kpi_id', '=', 'pr.kpi_id').onRef('o.at', '=', 'pr.actual_at'))
    .innerJoin('observation_versions as v', 'v.observation_id', 'o.id')
    .select(['pr.kpi_id', 'pr.actual_at', 'pr.document_id', 'd.published', 'v.version', 'v.value', 'v.decimals', 'v.deleted', 'v.recorded_at'])
    .where('pr.city_id', '=', cityId)
    .$if(slugs !== undefined, (q) => q.where('pr.kpi_id', 'in', kpiIdsBySlugQuery(db, cityId, slugs!)))
    .distinct()
    .orderBy('pr.kpi_id')
    .orderBy('pr.actual_at')
    .orderBy('pr.document_id')
    .orderBy('v.version');
}
