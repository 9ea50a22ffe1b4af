import type { GeneratedAlways, Insertable, Selectable } from 'kysely';
import type { NullableNumericColumn, NumericColumn } from '../storage/columns.ts';

/** `published_rates`: 達成度 as documents printed them, kept to reconcile with computed rates. */
export interface PublishedRatesTable {
  id: GeneratedAlways<number>;
  city_id: string;
  position: number;
  kpi_id: number;
  document_id: number;
  /** formatTimePointIso of the observation's time point the rate was computed from. */
  actual_at: string;
  actual_at_end: number;
  kpi_target_id: number;
  rate: NumericColumn;
  decimals: number;
  printed: string;
  actual_value: NullableNumericColumn;
  actual_decimals: number | null;
  target_value: NullableNumericColumn;
  target_decimals: number | null;
}

/** A `published_rates` row as read. */
export type PublishedRateRow = Selectable<PublishedRatesTable>;
/** A `published_rates` row to insert. */
export type NewPublishedRateRow = Insertable<PublishedRatesTable>;
