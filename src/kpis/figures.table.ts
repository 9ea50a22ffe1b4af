import type { GeneratedAlways, Insertable, Selectable } from 'kysely';
import type { CreatedAtColumn, NumericColumn } from '../storage/columns.ts';

/** `precise_figures`: the unrounded value behind a printed baseline, actual or target. */
export interface PreciseFiguresTable {
  id: GeneratedAlways<number>;
  city_id: string;
  kpi_id: number;
  figure: 'baseline' | 'actual' | 'target';
  /** '' for the baseline, formatTimePointIso of an actual, the slug of a target. */
  ref: string;
  value: NumericColumn;
  source: string;
  basis: 'stated' | 'inferred-from-published-rate';
  actor: string;
  recorded_at: CreatedAtColumn;
}

/** A `precise_figures` row as read. */
export type PreciseFigureRow = Selectable<PreciseFiguresTable>;
/** A `precise_figures` row to insert. */
export type NewPreciseFigureRow = Insertable<PreciseFiguresTable>;

/** `published_figures`: a figure a city published about its programmes, dated, with its source passage. */
export interface PublishedFiguresTable {
  id: GeneratedAlways<number>;
  city_id: string;
  slug: string;
  position: number;
  subject: string;
  label: string;
  label_en: string | null;
  value: NumericColumn;
  unit: string;
  as_of: string;
  period: 'as-of' | 'year-total';
  document: string;
  source: string;
  passage: string;
  recorded_at: CreatedAtColumn;
}

/** A `published_figures` row as read. */
export type PublishedFigureRow = Selectable<PublishedFiguresTable>;
/** A `published_figures` row to insert. */
export type NewPublishedFigureRow = Insertable<PublishedFiguresTable>;
