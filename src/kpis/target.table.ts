import type { GeneratedAlways, Insertable, Selectable, Updateable } from 'kysely';
import type { CreatedAtColumn, NullableNumericColumn, NumericColumn } from '../storage/columns.ts';

/**
 * `kpi_targets`: a target (目標値) of a KPI, without its value: the value is versioned in
 * `kpi_target_values` so a revision never overwrites what was there before.
 */
export interface KpiTargetsTable {
  id: GeneratedAlways<number>;
  kpi_id: number;
  /** The target's id within the KPI (KpiTarget.id). */
  slug: string;
  /** formatTimePointIso of the target's time point or period. */
  at: string;
  at_end: number;
  position: number;
}

/**
 * `kpi_target_values`: append-only versions of a target's value (with its decimals, which
 * change with it); the highest version is current, a `deleted` version is a tombstone.
 */
export interface KpiTargetValuesTable {
  id: GeneratedAlways<number>;
  kpi_target_id: number;
  version: number;
  value: NullableNumericColumn;
  decimals: number | null;
  deleted: boolean;
  actor: string;
  reason: string | null;
  recorded_at: CreatedAtColumn;
}

/** `target_revisions`: append-only record of decided target revisions (上方修正 and the like). */
export interface TargetRevisionsTable {
  id: GeneratedAlways<number>;
  kpi_target_id: number;
  position: number;
  old_value: NumericColumn;
  new_value: NumericColumn;
  reason: string;
  /** ISO date or year-month the revision was decided. */
  revised_on: string;
  actor: string;
  recorded_at: CreatedAtColumn;
}

/** A `kpi_targets` row as read. */
export type KpiTargetRow = Selectable<KpiTargetsTable>;
/** A `kpi_targets` row to insert. */
export type NewKpiTargetRow = Insertable<KpiTargetsTable>;
/** A `kpi_targets` row as a partial update. */
export type KpiTargetRowUpdate = Updateable<KpiTargetsTable>;
/** A `kpi_target_values` row as read. */
export type KpiTargetValueRow = Selectable<KpiTargetValuesTable>;
/** A `target_revisions` row as read. */
export type TargetRevisionRow = Selectable<TargetRevisionsTable>;
/** A `target_revisions` row to insert. */
export type NewTargetRevisionRow = Insertable<TargetRevisionsTable>;
