import { formatTimePointIso, formatTimePointJa, parseTimePointIso } from '../core/time/time-point.ts';
import type { AchievementMethod, KpiAggregation, KpiSide } from '../core/kpi/kpi.ts';
import { listChangeLog } from '../storage/change-log.repository.ts';
import { toNumberOrNull } from '../storage/columns.ts';
import type { Executor } from '../storage/database.ts';
import { findKpiOwner } from '../departments/department.repository.ts';
import { findKpiBySlug, listKpiSdgTargets } from '../kpis/kpi.repository.ts';
import { kpisHaveData } from '../plans/plan-building.repository.ts';
import { listObservationSlotVersions } from '../actuals/observation.repository.ts';
import { findPlanBySlug, listPlanNarratives, listPlanNodes } from '../plans/plan.repository.ts';
import { latestCommentaries, latestStatusOverride } from './staff-record.repository.ts';
import { listTargets } from '../kpis/target.repository.ts';
import type { OverrideStatus } from '../storage/tables/staff.table.ts';
import type { TimePoint } from '../core/time/time-point.ts';

/*
 * What a staff edit form starts from, read fresh from the database together with the version
 * of each editable thing (issue 10.4): the form shows these values and carries these versions,
 * and a save is refused when what is stored has moved on. Also what a conflict page shows as
 * "the other person's change".
 */

/** A KPI's editable state: its definition, override, commentaries, actuals and targets, each with its version. */
export interface KpiEditState {
  readonly kpiId: number;
  /** Version of the KPI row (name, English name, unit; the owning department is saved with it). */
  readonly version: number;
  readonly name: string;
  readonly nameEn: string;
  readonly unit: string;
  /** As stored; null on a KPI stored before directions were required (see directionNeedsConfirmation). */
  readonly direction: 'up' | 'down' | null;
  readonly departmentId: number | null;
  /** SDG targets as the form shows them ("2.3, 8.5"). */
  readonly sdgTargets: string;
  readonly side: KpiSide;
  readonly aggregation: KpiAggregation;
  readonly method: AchievementMethod;
  /** The baseline's time point as the form shows it (2020年, 2020年度) and its value as a plain figure ("1111", "12.5"). */
  readonly baselineAt: string;
  readonly baselineValue: string;
  readonly definition: string;
  readonly dataSource: string;
  readonly dataProvider: string;
  /** One of KPI_UPDATE_FREQUENCIES, or '' when not stated. */
  readonly updateFrequency: string;
  /** The standard indicator code, or ''. */
  readonly indicator: string;
  /** Whether the KPI has actuals, target revisions or published rates (its unit, direction, method, aggregation and baseline then change only with a reason). */
  readonly hasData: boolean;
  /** The latest override row (version 0: none ever set). */
  readonly override: { readonly version: number; readonly status: OverrideStatus | null; readonly justification: string };
  /** Per reporting year, the latest commentary (absent years: version 0). */
  readonly commentaries: ReadonlyMap<number, { readonly version: number; readonly body: string }>;
  /** Per time point (formatTimePointIso), the latest version of the actual, tombstones included (absent: version 0). */
  readonly actuals: ReadonlyMap<string, { readonly version: number; readonly value: number | null; readonly decimals: number | null; readonly note: string | null; readonly source: string | null }>;
  /** Per target slug, the version of its current value. */
  readonly targets: ReadonlyMap<string, { readonly version: number; readonly value: number | null; readonly decimals: number | null }>;
}

/** The editable state of a city's KPI, or null when there is no such (live) KPI. */
export async function loadKpiEditState(db: Executor, cityId: string, kpiSlug: string): Promise<KpiEditState | null> {
  const kpi = await findKpiBySlug(db, cityId, kpiSlug);
  if (!kpi || kpi.retired_at !== null) return null;
  const [owner, override, commentaries, actuals, targets, sdg, hasData] = await Promise.all([
    findKpiOwner(db, kpi.id),
    latestStatusOverride(db, kpi.id),
    latestCommentaries(db, kpi.id),
    listObservationSlotVersions(db, kpi.id),
    listTargets(db, [kpi.id]),
    listKpiSdgTargets(db, [kpi.id]),
    kpisHaveData(db, [kpi.id]),
  ]);
  const baselineAt = parseTimePointIso(kpi.baseline_at);
  const baselineValue = Number(kpi.baseline_value);
  return {
    kpiId: kpi.id,
    version: kpi.version,
    name: kpi.name,
    nameEn: kpi.name_en ?? '',
    unit: kpi.unit,
    direction: kpi.direction,
    departmentId: owner?.department_id ?? null,
    sdgTargets: sdg.map((s) => s.sdg_target).join(', '),
    side: kpi.side,
    aggregation: kpi.aggregation,
    method: kpi.method,
    baselineAt: baselineAt ? formatTimePointJa(baselineAt) : kpi.baseline_at,
    baselineValue: kpi.baseline_decimals !== null ? baselineValue.toFixed(kpi.baseline_decimals) : String(baselineValue),
    definition: kpi.definition ?? '',
    dataSource: kpi.data_source ?? '',
    dataProvider: kpi.data_provider ?? '',
    updateFrequency: kpi.update_frequency ?? '',
    indicator: kpi.indicator_code ?? '',
    hasData,
    override: { version: override?.id ?? 0, status: override?.status ?? null, justification: override?.justification ?? '' },
    commentaries: new Map(commentaries.map((c) => [c.year, { version: c.id, body: c.body }])),
    actuals: new Map(
      actuals.map((a) => [a.at, { version: a.version, value: a.deleted ? null : toNumberOrNull(a.value), decimals: a.decimals, note: a.note, source: a.source }]),
    ),
    targets: new Map(targets.map((t) => [t.slug, { version: t.version ?? 0, value: t.deleted ? null : toNumberOrNull(t.value), decimals: t.decimals }])),
  };
}

/** The version of the actual at a time point in a KPI's edit state (0 when none was ever recorded). */
export function actualVersion(state: KpiEditState, at: TimePoint): number {
  return state.actuals.get(formatTimePointIso(at))?.version ?? 0;
}

/** A plan's editable state: its head, its nodes and its expert evaluations, each with its version. */
export interface PlanEditState {
  readonly planId: number;
  readonly version: number;
  readonly title: string;
  readonly titleEn: string;
  readonly vision: string;
  /** Per node slug. */
  readonly nodes: ReadonlyMap<string, { readonly id: number; readonly version: number; readonly code: string; readonly title: string; readonly titleEn: string; readonly description: string }>;
  /** Per year, the expert evaluation (有識者からの評価) narrative (absent years: version 0). */
  readonly evaluations: ReadonlyMap<number, { readonly version: number; readonly position: number; readonly title: string; readonly body: string }>;
}

/** The editable state of a city's plan, or null when there is no such plan. */
export async function loadPlanEditState(db: Executor, cityId: string, planSlug: string): Promise<PlanEditState | null> {
  const plan = await findPlanBySlug(db, cityId, planSlug);
  if (!plan) return null;
  const [nodes, narratives] = await Promise.all([listPlanNodes(db, [plan.id]), listPlanNarratives(db, [plan.id])]);
  const evaluations = new Map<number, { version: number; position: number; title: string; body: string }>();
  // The last one of a year counts, as on the pages that show them.
  for (const n of narratives) if (n.kind === 'expert-evaluation' && n.year !== null) evaluations.set(n.year, { version: n.version, position: n.position, title: n.title, body: n.body });
  return {
    planId: plan.id,
    version: plan.version,
    title: plan.title,
    titleEn: plan.title_en ?? '',
    vision: plan.vision ?? '',
    nodes: new Map(nodes.map((n) => [n.slug, { id: n.id, version: n.version, code: n.code ?? '', title: n.title, titleEn: n.title_en ?? '', description: n.description ?? '' }])),
    evaluations,
  };
}

/** Who last changed an entity and when (from the change log), for the conflict page; null when the log has nothing. */
export async function lastChange(db: Executor, cityId: string, entity: string, entityId: string): Promise<{ actor: string; at: Date } | null> {
  const [entry] = await listChangeLog(db, { cityId, entity: entity as never, entityId, newestFirst: true, limit: 1 });
  return entry ? { actor: entry.actor, at: new Date(entry.occurred_at) } : null;
}
