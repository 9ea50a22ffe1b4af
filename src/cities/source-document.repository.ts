import type { Executor } from '../storage/database.ts';
import { chunks } from '../storage/batch.ts';
import type { NewSourceDocumentRow, SourceDocumentRow, SourceDocumentRowUpdate } from './city.table.ts';

/** A city's source documents in their order. */
export async function listSourceDocuments(db: Executor, cityId: string): Promise<SourceDocumentRow[]> {
  return sourceDocumentsQuery(db, cityId).execute();
}

/** The query of {@link listSourceDocuments}, to run or to nest in a larger read. */
export function sourceDocumentsQuery(db: Executor, cityId: string) {
  return db.selectFrom('source_documents').selectAll().where('city_id', '=', cityId).orderBy('position').orderBy('id');
}

/** Inserts documents and returns them with their ids. */
export async function insertSourceDocuments(db: Executor, rows: readonly NewSourceDocumentRow[]): Promise<SourceDocumentRow[]> {
  const out: SourceDocumentRow[] = [];
  for (const batch of chunks(rows)) out.push(...(await db.insertInto('source_documents').values(batch).returningAll().execute()));
  return out;
}

/** Updates one document. */
export async function updateSourceDocument(db: Executor, id: number, patch: SourceDocumentRowUpdate): Promise<void> {
  await db.updateTable('source_documents').set(patch).where('id', '=', id).execute();
}

/** Deletes documents (fails while published rates still cite them). */
export async function deleteSourceDocuments(db: Executor, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.deleteFrom('source_documents').where('id', 'in', ids).execute();
}
