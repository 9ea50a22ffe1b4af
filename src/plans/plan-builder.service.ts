import type { Executor } from '../storage/database.ts';
import { listKpiRows } from '../kpis/kpi.repository.ts';
import { listDepartments } from '../departments/department.repository.ts';
import { kpiPlansOfCity, listAllNodes, listAllPlanRows, listArchivedKpis, listPlanSnapshots } from './plan-building.repository.ts';
import type { PlanVersionSummary } from './plan-diff.service.ts';
import { kpiIdsWithData } from '../kpis/kpi-delete.repository.ts';

/*
 * What the staff plan pages show beyond the plan as loaded (issue 13.2): the versions forms
 * carry, archived plans, nodes and KPIs (to restore), which other plans share a KPI, recorded
 * versions, and the departments a new KPI may belong to. View models only: no rows leave here.
 */

/** A plan row as the staff list shows it. */
export interface PlanListEntry {
  readonly id: string;
  readonly title: string;
  readonly titleEn: string | null;
  readonly periodStart: number;
  readonly periodEnd: number;
  readonly version: number;
  readonly archived: boolean;
}

/** The staff plan list: every plan (archived ones apart) and the archived KPIs of the city. */
export interface PlanListState {
  readonly plans: readonly PlanListEntry[];
  /** `deletable`: it has no data (kpi-delete.repository.ts), so it may be deleted instead of kept archived. */
  readonly archivedKpis: readonly { readonly id: string; readonly name: string; readonly version: number; readonly deletable: boolean }[];
}

/** The staff plan list of a city. */
export async function loadPlanListState(db: Executor, cityId: string): Promise<PlanListState> {
  const [plans, archived, withData] = await Promise.all([listAllPlanRows(db, cityId), listArchivedKpis(db, cityId), kpiIdsWithData(db, cityId)]);
  return {
    plans: plans.map((p) => ({ id: p.slug, title: p.title, titleEn: p.title_en, periodStart: p.period_start, periodEnd: p.period_end, version: p.version, archived: p.archived_at !== null })),
    archivedKpis: archived.map((k) => ({ id: k.slug, name: k.name, version: k.version, deletable: !withData.has(k.id) })),
  };
}

/** What the plan builder page needs beyond the plan as loaded. */
export interface PlanBuilderState {
  readonly kind: string;
  readonly periodStart: number;
  readonly periodEnd: number;
  /** Archived nodes of the plan (restorable), with their versions. */
  readonly archivedNodes: readonly { readonly id: string; readonly title: string; readonly version: number }[];
  /** KPI id → its row version (archive forms), the other plans it is a row of (titles), and whether it has no data (may be deleted). */
  readonly kpis: ReadonlyMap<string, { readonly version: number; readonly sharedWith: readonly string[]; readonly deletable: boolean }>;
  /** The city's KPIs that are not archived, for "add an existing KPI". */
  readonly cityKpis: readonly { readonly id: string; readonly name: string }[];
  readonly departments: readonly { readonly id: number; readonly name: string }[];
  readonly versions: readonly PlanVersionSummary[];
}

/** The builder state of a plan of a city, or null for an unknown plan. */
export async function loadPlanBuilderState(db: Executor, cityId: string, planId: string): Promise<PlanBuilderState | null> {
  const plan = (await listAllPlanRows(db, cityId)).find((p) => p.slug === planId);
  if (!plan) return null;
  const [nodes, kpis, departments, snapshots, kpiPlans, withData] = await Promise.all([
    listAllNodes(db, plan.id),
    listKpiRows(db, cityId),
    listDepartments(db, cityId),
    listPlanSnapshots(db, plan.id),
    kpiPlansOfCity(db, cityId),
    kpiIdsWithData(db, cityId),
  ]);
  const kpiState = new Map<string, { version: number; sharedWith: string[]; deletable: boolean }>();
  for (const k of kpis) {
    const shared = kpiPlans.filter((p) => p.kpi_id === k.id && p.plan_id !== plan.id).map((p) => p.title);
    kpiState.set(k.slug, { version: k.version, sharedWith: shared, deletable: !withData.has(k.id) });
  }
  return {
    kind: plan.kind,
    periodStart: plan.period_start,
    periodEnd: plan.period_end,
    archivedNodes: nodes.filter((n) => n.archived_at !== null).map((n) => ({ id: n.slug, title: `${n.code ? `${n.code} ` : ''}${n.title}`, version: n.version })),
    kpis: kpiState,
    cityKpis: kpis.map((k) => ({ id: k.slug, name: k.name })),
    departments: departments.map((d) => ({ id: d.id, name: d.name })),
    versions: snapshots.map((s) => ({ number: s.number, label: s.label, kind: s.kind, date: s.date, reason: s.reason, actor: s.actor, recordedAt: s.recorded_at })),
  };
}
