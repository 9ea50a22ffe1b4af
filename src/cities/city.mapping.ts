import type { City, OpenDataLicence, SourceDocument } from '../core/city/city.ts';
import type { CityRow, SourceDocumentRow } from './city.table.ts';
import { opt } from './city-data.support.ts';

/** A `cities` row as the domain City. */
export function cityFromRow(r: CityRow): City {
  return normalizeCity({
    id: r.id,
    name: r.name,
    nameEn: r.name_en,
    prefecture: r.prefecture,
    prefectureEn: r.prefecture_en,
    ...opt('sdgsFutureCitySince', r.sdgs_future_city_since),
    ...opt('population', r.population),
    ...opt('description', r.description),
    ...opt('localGovernmentCode', r.local_government_code),
    ...(r.fiscal_year_start_month !== 4 ? { fiscalYearStartMonth: r.fiscal_year_start_month } : {}),
    ...opt('openDataLicence', r.open_data_licence as OpenDataLicence | null | undefined),
  });
}

export function documentFromRow(r: SourceDocumentRow): SourceDocument {
  return { id: r.slug, title: r.title, published: r.published, ...opt('source', r.source) };
}

/*
 * The normal forms keep exactly the fields the domain types declare and drop absent optional
 * ones, so a CityData built by hand, read from a file or loaded from the database compares
 * equal whenever it says the same thing.
 */

export function normalizeCity(c: City): City {
  return {
    id: c.id,
    name: c.name,
    nameEn: c.nameEn,
    prefecture: c.prefecture,
    prefectureEn: c.prefectureEn,
    ...opt('sdgsFutureCitySince', c.sdgsFutureCitySince),
    ...opt('population', c.population),
    ...opt('description', c.description),
    ...opt('localGovernmentCode', c.localGovernmentCode),
    ...(c.fiscalYearStartMonth !== undefined && c.fiscalYearStartMonth !== 4 ? { fiscalYearStartMonth: c.fiscalYearStartMonth } : {}),
    ...opt('openDataLicence', c.openDataLicence),
  };
}

export function normalizeDocument(d: SourceDocument): SourceDocument {
  return { id: d.id, title: d.title, published: d.published, ...opt('source', d.source) };
}
