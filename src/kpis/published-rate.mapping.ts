import { decimalsOf } from '../core/quantity.ts';
import type { PublishedRate } from '../core/city/city.ts';
import { endOfIsoDateInJapan } from '../core/time/iso-date.ts';
import { toNumber, toNumberOrNull } from '../storage/columns.ts';
import { must, timePointFromDb } from '../cities/city-data.support.ts';
import type { SlugIndex } from '../cities/city-snapshot.ts';
import type { PublishedActualVersionRow } from './published-rate.repository.ts';
import type { PublishedRateRow } from './published-rate.table.ts';

/* Published rates (the rates printed in a city's documents): rows → domain and their normal form. */

export function withActualAsPublished(rate: PublishedRate, asPublished: { value: number; decimals: number } | null): PublishedRate {
  return asPublished ? { ...rate, actualAsPublished: asPublished } : rate;
}

/**
 * The actual a published rate was computed from as it stood on the document's date (end of
 * that day or month, Asia/Tokyo): the latest version recorded by then, else the first version
 * (figures transcribed from the document itself are recorded after it). Null when the actual
 * was deleted at that date or never recorded.
 */
export function rateActualAsPublished(rows: readonly PublishedActualVersionRow[], r: PublishedRateRow): { value: number; decimals: number } | null {
  const versions = rows.filter((v) => v.kpi_id === r.kpi_id && v.actual_at === r.actual_at && v.document_id === r.document_id);
  if (versions.length === 0) return null;
  const end = new Date(endOfIsoDateInJapan(versions[0]!.published)).getTime();
  const standing = versions.filter((v) => v.recorded_at.getTime() <= end).at(-1) ?? versions.find((v) => !v.deleted);
  if (!standing || standing.deleted) return null;
  const value = toNumberOrNull(standing.value);
  if (value === null) return null;
  return { value, decimals: standing.decimals ?? decimalsOf(value) };
}

export function rateFromRow(r: PublishedRateRow, slugs: SlugIndex): PublishedRate {
  const actual = toNumberOrNull(r.actual_value);
  const target = toNumberOrNull(r.target_value);
  return {
    kpiId: must(slugs.kpi.get(r.kpi_id), 'KPI of a published rate'),
    documentId: must(slugs.document.get(r.document_id), 'document of a published rate'),
    actualAt: timePointFromDb(r.actual_at),
    targetId: must(slugs.target.get(r.kpi_target_id), 'target of a published rate'),
    rate: toNumber(r.rate),
    decimals: r.decimals,
    printed: r.printed,
    ...(actual !== null && { actual: { value: actual, decimals: must(r.actual_decimals ?? undefined, 'decimals of an actual') } }),
    ...(target !== null && { targetValue: { value: target, decimals: must(r.target_decimals ?? undefined, 'decimals of a target') } }),
  };
}

export function normalizeRate(r: PublishedRate): PublishedRate {
  return {
    kpiId: r.kpiId,
    documentId: r.documentId,
    actualAt: r.actualAt,
    targetId: r.targetId,
    rate: r.rate,
    decimals: r.decimals,
    printed: r.printed,
    ...(r.actual && { actual: { value: r.actual.value, decimals: r.actual.decimals } }),
    ...(r.targetValue && { targetValue: { value: r.targetValue.value, decimals: r.targetValue.decimals } }),
  };
}
