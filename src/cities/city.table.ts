import type { ColumnType, GeneratedAlways, Insertable, Selectable, Updateable } from 'kysely';
import type { CreatedAtColumn } from '../storage/columns.ts';

/** `cities`: one row per municipality; `id` is the city's ASCII slug. */
export interface CitiesTable {
  id: string;
  name: string;
  name_en: string;
  prefecture: string;
  prefecture_en: string;
  sdgs_future_city_since: number | null;
  population: number | null;
  description: string | null;
  /** 'CC-BY-4.0' | 'PDL-1.0'; null is CC BY 4.0. Added by migration 2026_11_30_1602. */
  open_data_licence?: string | null;
  created_at: CreatedAtColumn;
  /** The 6-digit 全国地方公共団体コード with its check digit (migration 2026_11_30_1101); null only for rows from before it. */
  local_government_code: string | null;
  /** First month (1–12) of the city's fiscal year (年度); 4 (April) unless the body says otherwise. */
  fiscal_year_start_month: ColumnType<number, number | undefined, number>;
}

/** `source_documents`: the published documents a city's figures were taken from. */
export interface SourceDocumentsTable {
  id: GeneratedAlways<number>;
  city_id: string;
  /** The document's id within the city (SourceDocument.id). */
  slug: string;
  position: number;
  title: string;
  /** YYYY-MM or YYYY-MM-DD. */
  published: string;
  source: string | null;
}

/** A `cities` row as read. */
export type CityRow = Selectable<CitiesTable>;
/** A `cities` row to insert. */
export type NewCityRow = Insertable<CitiesTable>;
/** A `cities` row as a partial update. */
export type CityRowUpdate = Updateable<CitiesTable>;
/** A `source_documents` row as read. */
export type SourceDocumentRow = Selectable<SourceDocumentsTable>;
/** A `source_documents` row to insert. */
export type NewSourceDocumentRow = Insertable<SourceDocumentsTable>;
/** A `source_documents` row as a partial update. */
export type SourceDocumentRowUpdate = Updateable<SourceDocumentsTable>;
