import type { GeneratedAlways, Insertable, Selectable } from 'kysely';
import type { CreatedAtColumn, JsonbColumn } from '../columns.ts';

/** What happened to an entity, as written to `change_log.action`. */
export type ChangeAction = 'create' | 'update' | 'correct' | 'revise' | 'add-revision' | 'delete' | 'retire' | 'replace' | 'archive' | 'restore';

/** What kind of thing changed, as written to `change_log.entity`. */
export type ChangeEntity = 'city' | 'source_document' | 'kpi' | 'kpi_target' | 'observation' | 'plan' | 'published_rates' | 'precise_figures';

/** `change_log`: the append-only audit trail: who changed what, when, from what to what, and why. */
export interface ChangeLogTable {
  id: GeneratedAlways<number>;
  occurred_at: CreatedAtColumn;
  actor: string;
  action: ChangeAction;
  entity: ChangeEntity;
  /** A readable key within the city: `kpi-slug`, `kpi-slug@2024-03`, `kpi-slug#target-slug`. */
  entity_id: string;
  city_id: string | null;
  old: JsonbColumn;
  new: JsonbColumn;
  reason: string | null;
}

/** A `change_log` row as read. */
export type ChangeLogRow = Selectable<ChangeLogTable>;
/** A `change_log` row to insert. */
export type NewChangeLogRow = Insertable<ChangeLogTable>;
