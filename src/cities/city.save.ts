import type { City, SourceDocument } from '../core/city/city.ts';
import type { CityRow, NewCityRow, SourceDocumentRow } from './city.table.ts';
import { insertCity, updateCity } from './city.repository.ts';
import { insertSourceDocuments, updateSourceDocument } from './source-document.repository.ts';
import { cityFromRow, documentFromRow, normalizeCity, normalizeDocument } from './city.mapping.ts';
import { json, same } from './city-data.support.ts';
import type { CityWrite } from './city-write.ts';

/* The city's own row and its source documents, as one step of a whole-city save (city-data.service.ts). */

export async function writeCity(w: CityWrite, row: CityRow | undefined): Promise<void> {
  // A data file without the code or fiscal year start keeps what the city already has (a file
  // written before they were kept, or one that leaves them to the system administrator).
  const stored = row ? cityFromRow(row) : undefined;
  const wanted = normalizeCity({
    ...w.data.city,
    localGovernmentCode: w.data.city.localGovernmentCode ?? stored?.localGovernmentCode,
    fiscalYearStartMonth: w.data.city.fiscalYearStartMonth ?? stored?.fiscalYearStartMonth,
  } as City);
  const values: NewCityRow = {
    id: wanted.id,
    name: wanted.name,
    name_en: wanted.nameEn,
    prefecture: wanted.prefecture,
    prefecture_en: wanted.prefectureEn,
    sdgs_future_city_since: wanted.sdgsFutureCitySince ?? null,
    population: wanted.population ?? null,
    description: wanted.description ?? null,
    local_government_code: wanted.localGovernmentCode ?? null,
    fiscal_year_start_month: wanted.fiscalYearStartMonth ?? 4,
    open_data_licence: wanted.openDataLicence ?? null,
  };
  if (!row) {
    await insertCity(w.db, values);
    w.note({ action: 'create', entity: 'city', entityId: w.cityId, new: json(wanted) });
    return;
  }
  const current = cityFromRow(row);
  if (same(current, wanted)) return;
  const { id: _id, ...patch } = values;
  await updateCity(w.db, w.cityId, patch);
  w.note({ action: 'update', entity: 'city', entityId: w.cityId, old: json(current), new: json(wanted) });
}

/** Inserts and updates documents; returns the ids of removed ones, deleted once no rate cites them. */
export async function writeDocuments(w: CityWrite, rows: SourceDocumentRow[]): Promise<number[]> {
  const stored = new Map(rows.map((r) => [r.slug, r]));
  const inserts: SourceDocument[] = [];
  const insertPositions: number[] = [];
  for (const [position, doc] of w.data.documents.entries()) {
    const wanted = normalizeDocument(doc);
    const row = stored.get(doc.id);
    stored.delete(doc.id);
    if (!row) {
      inserts.push(wanted);
      insertPositions.push(position);
      continue;
    }
    w.documentIds.set(doc.id, row.id);
    const current = documentFromRow(row);
    if (same(current, wanted) && row.position === position) continue;
    await updateSourceDocument(w.db, row.id, { title: wanted.title, published: wanted.published, source: wanted.source ?? null, position });
    if (!same(current, wanted)) w.note({ action: 'update', entity: 'source_document', entityId: doc.id, old: json(current), new: json(wanted) });
  }
  const inserted = await insertSourceDocuments(
    w.db,
    inserts.map((d, i) => ({ city_id: w.cityId, slug: d.id, position: insertPositions[i]!, title: d.title, published: d.published, source: d.source ?? null })),
  );
  for (const row of inserted) w.documentIds.set(row.slug, row.id);
  for (const d of inserts) w.note({ action: 'create', entity: 'source_document', entityId: d.id, new: json(d) });
  for (const row of stored.values()) w.note({ action: 'delete', entity: 'source_document', entityId: row.slug, old: json(documentFromRow(row)) });
  return [...stored.values()].map((r) => r.id);
}
