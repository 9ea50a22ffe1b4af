import type { ColumnType, Generated, GeneratedAlways, Insertable, Selectable, Updateable } from 'kysely';
import type { NarrativeKind, NarrativeSection, PlanKind, PlanNodeKind, PlanVersion, SheetKind, SheetLayout } from '../core/plan/plan.ts';
import type { NullableNumericColumn } from '../storage/columns.ts';

/** `plans`: a city's plans (comprehensive, SDGs Future City ...). */
export interface PlansTable {
  id: GeneratedAlways<number>;
  city_id: string;
  /** The plan's id within the city (Plan.id). */
  slug: string;
  position: number;
  kind: PlanKind;
  title: string;
  title_en: string | null;
  period_start: number;
  period_end: number;
  parent_plan_id: number | null;
  /** The plan whose next period this one is ("Start the next period", migration 2026_12_01_0451); null otherwise. */
  succeeds_plan_id: ColumnType<number | null, number | null | undefined, number | null>;
  vision: string | null;
  /** The form its sheets follow (issue 14). */
  sheet_layout: Generated<SheetLayout>;
  /** 第N期 as the forms print it. */
  period_ordinal: number | null;
  /** Row version from the `edit_versions` sequence: a new number on every update (optimistic concurrency). */
  version: Generated<number>;
  /** Set when the secretariat archived the plan: it leaves public lists, its rows and history stay (migration 2026_11_30_1201). */
  archived_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** `plan_versions`: adoption (策定) and revisions (改訂) of a plan. */
export interface PlanVersionsTable {
  plan_id: number;
  position: number;
  label: string;
  kind: PlanVersion['kind'];
  date: string;
  note: string | null;
}

/** `plan_nodes`: the plan tree (goals, policies, initiatives ...), any depth, siblings by position. */
export interface PlanNodesTable {
  id: GeneratedAlways<number>;
  plan_id: number;
  parent_id: number | null;
  /** The node's id within the plan (PlanNode.id). */
  slug: string;
  position: number;
  kind: PlanNodeKind;
  code: string | null;
  title: string;
  title_en: string | null;
  description: string | null;
  /** Row version from the `edit_versions` sequence: a new number on every update (optimistic concurrency). */
  version: Generated<number>;
  /** Set when the secretariat archived the node (with its subtree): it leaves the plan as loaded, its rows stay. */
  archived_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** `plan_kpi_rows`: a KPI as a row of a plan node's table. */
export interface PlanKpiRowsTable {
  id: GeneratedAlways<number>;
  node_id: number;
  kpi_id: number;
  kpi_target_id: number | null;
  position: number;
  no: string | null;
  weight: NullableNumericColumn;
  commentary: string | null;
  reflection: string | null;
}

/** `plan_narratives`: free sections of a plan (results, problems, outlook, expert evaluation). */
export interface PlanNarrativesTable {
  plan_id: number;
  position: number;
  kind: NarrativeKind;
  title: string;
  body: string;
  year: number | null;
  /** Where the forms print it; null: derived from kind and title. */
  section: NarrativeSection | null;
  /** Row version from the `edit_versions` sequence: a new number on every update (optimistic concurrency). */
  version: Generated<number>;
}

/** `plan_sheet_reports`: a sheet's 作成年月 and the document it was published as. */
export interface PlanSheetReportsTable {
  plan_id: number;
  year: number;
  kind: SheetKind;
  /** YYYY-MM. */
  submitted_on: string;
  document_id: string | null;
}

/** A `plan_sheet_reports` row as read. */
export type PlanSheetReportRow = Selectable<PlanSheetReportsTable>;
/** A `plan_sheet_reports` row to insert. */
export type NewPlanSheetReportRow = Insertable<PlanSheetReportsTable>;
/** A `plans` row as read. */
export type PlanRow = Selectable<PlansTable>;
/** A `plans` row to insert. */
export type NewPlanRow = Insertable<PlansTable>;
/** A `plans` row as a partial update. */
export type PlanRowUpdate = Updateable<PlansTable>;
/** A `plan_versions` row as read. */
export type PlanVersionRow = Selectable<PlanVersionsTable>;
/** A `plan_versions` row to insert. */
export type NewPlanVersionRow = Insertable<PlanVersionsTable>;
/** A `plan_nodes` row as read. */
export type PlanNodeRow = Selectable<PlanNodesTable>;
/** A `plan_nodes` row to insert. */
export type NewPlanNodeRow = Insertable<PlanNodesTable>;
/** A `plan_kpi_rows` row as read. */
export type PlanKpiRowRow = Selectable<PlanKpiRowsTable>;
/** A `plan_kpi_rows` row to insert. */
export type NewPlanKpiRowRow = Insertable<PlanKpiRowsTable>;
/** A `plan_narratives` row as read. */
export type PlanNarrativeRow = Selectable<PlanNarrativesTable>;
/** A `plan_narratives` row to insert. */
export type NewPlanNarrativeRow = Insertable<PlanNarrativesTable>;
