import type { GeneratedAlways, Insertable, Selectable } from 'kysely';
import type { CreatedAtColumn, NullableNumericColumn } from '../storage/columns.ts';

/** `observations`: one actual (実績) slot per KPI and time point; its content is versioned. */
export interface ObservationsTable {
  id: GeneratedAlways<number>;
  kpi_id: number;
  /** formatTimePointIso of the time point. */
  at: string;
  /** timePointEnd of `at`, for ordering. */
  at_end: number;
}

/**
 * `observation_versions`: append-only versions of an observation; the highest version is
 * current, a correction appends one, a deletion appends a `deleted` tombstone.
 */
export interface ObservationVersionsTable {
  id: GeneratedAlways<number>;
  observation_id: number;
  version: number;
  value: NullableNumericColumn;
  decimals: number | null;
  note: string | null;
  source: string | null;
  deleted: boolean;
  actor: string;
  reason: string | null;
  recorded_at: CreatedAtColumn;
}

/** A `observations` row as read. */
export type ObservationRow = Selectable<ObservationsTable>;
/** A `observations` row to insert. */
export type NewObservationRow = Insertable<ObservationsTable>;
/** A `observation_versions` row as read. */
export type ObservationVersionRow = Selectable<ObservationVersionsTable>;
/** A `observation_versions` row to insert. */
export type NewObservationVersionRow = Insertable<ObservationVersionsTable>;
