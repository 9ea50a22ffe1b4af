import type { GeneratedAlways, Insertable, Selectable, Updateable } from 'kysely';
import type { NarrativeKind, PlanKind, PlanNodeKind, PlanVersion } from '../../core/plan/plan.ts';
import type { NullableNumericColumn } from '../columns.ts';

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
  vision: string | null;
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
}

export type PlanRow = Selectable<PlansTable>;
export type NewPlanRow = Insertable<PlansTable>;
export type PlanRowUpdate = Updateable<PlansTable>;
export type PlanVersionRow = Selectable<PlanVersionsTable>;
export type NewPlanVersionRow = Insertable<PlanVersionsTable>;
export type PlanNodeRow = Selectable<PlanNodesTable>;
export type NewPlanNodeRow = Insertable<PlanNodesTable>;
export type PlanKpiRowRow = Selectable<PlanKpiRowsTable>;
export type NewPlanKpiRowRow = Insertable<PlanKpiRowsTable>;
export type PlanNarrativeRow = Selectable<PlanNarrativesTable>;
export type NewPlanNarrativeRow = Insertable<PlanNarrativesTable>;
