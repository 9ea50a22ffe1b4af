import type { GeneratedAlways, Insertable, Selectable } from 'kysely';
import type { CreatedAtColumn, JsonbColumn } from '../storage/columns.ts';

/**
 * `plan_snapshots`: a plan as it stood when a version (策定 / 改訂) was recorded: its head, tree,
 * KPI rows, KPIs and targets as JSON ({@link PlanSnapshot} in plan-snapshot.ts). Append-only.
 */
export interface PlanSnapshotsTable {
  id: GeneratedAlways<number>;
  plan_id: number;
  /** 1, 2, 3 … in the order the versions were recorded: the version number the diff names. */
  number: number;
  label: string;
  kind: 'adopted' | 'revised';
  /** ISO date (YYYY-MM-DD or YYYY-MM) of the adoption or revision. */
  date: string;
  reason: string | null;
  snapshot: JsonbColumn;
  actor: string;
  recorded_at: CreatedAtColumn;
}

/** A `plan_snapshots` row as read. */
export type PlanSnapshotRow = Selectable<PlanSnapshotsTable>;
/** A `plan_snapshots` row to insert. */
export type NewPlanSnapshotRow = Insertable<PlanSnapshotsTable>;
