import type { PublishedRate } from '../core/city/city.ts';
import { formatTimePointIso, timePointEnd } from '../core/time/time-point.ts';
import { CityDataError, finite, json, same } from '../cities/city-data.support.ts';
import type { CityWrite } from '../cities/city-write.ts';
import { deletePublishedRates, insertPublishedRates } from './published-rate.repository.ts';
import type { NewPublishedRateRow } from './published-rate.table.ts';
import { normalizeRate } from './published-rate.mapping.ts';

/* A city's published rates, as one step of a whole-city save (city-data.service.ts). */

export async function writePublishedRates(w: CityWrite, current: PublishedRate[], keptCiteRemoved: boolean): Promise<void> {
  const wanted = w.data.publishedRates.map(normalizeRate);
  if (same(current, wanted) && !keptCiteRemoved) return;
  const rows = wanted.map((r, position): NewPublishedRateRow => {
    const where = `published rate of KPI "${r.kpiId}" at ${formatTimePointIso(r.actualAt)}`;
    const kpiId = w.kpiIds.get(r.kpiId);
    if (kpiId === undefined) throw new CityDataError(`${where}: unknown KPI`);
    const documentId = w.documentIds.get(r.documentId);
    if (documentId === undefined) throw new CityDataError(`${where}: unknown document "${r.documentId}"`);
    const targetId = w.targetIds.get(`${r.kpiId}#${r.targetId}`);
    if (targetId === undefined) throw new CityDataError(`${where}: unknown target "${r.targetId}"`);
    return {
      city_id: w.cityId,
      position,
      kpi_id: kpiId,
      document_id: documentId,
      actual_at: formatTimePointIso(r.actualAt),
      actual_at_end: timePointEnd(r.actualAt),
      kpi_target_id: targetId,
      rate: finite(r.rate, where),
      decimals: r.decimals,
      printed: r.printed,
      actual_value: r.actual ? finite(r.actual.value, where) : null,
      actual_decimals: r.actual?.decimals ?? null,
      target_value: r.targetValue ? finite(r.targetValue.value, where) : null,
      target_decimals: r.targetValue?.decimals ?? null,
    };
  });
  await deletePublishedRates(w.db, w.cityId, { kpiIds: [...w.outsideKpiIds], exceptDocumentIds: w.removedDocumentIds });
  await insertPublishedRates(w.db, rows);
  w.note({ action: 'replace', entity: 'published_rates', entityId: w.cityId, old: json(current), new: json(wanted) });
}
