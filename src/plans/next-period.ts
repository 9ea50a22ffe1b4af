import type { CityData } from '../core/city/city.ts';
import type { Kpi, KpiTarget, TargetRevision } from '../core/kpi/kpi.ts';
import { targetValueOn } from '../core/kpi/kpi.ts';
import { planKpiRows, type Plan, type PlanKpiRow, type PlanNode } from '../core/plan/plan.ts';
import { formatTimePointIso, type TimePoint } from '../core/time/time-point.ts';

/*
 * "Start the next period" (issue 13, point 4): the plan of the next period built from the
 * current one, as a pure change of a city's data. The command (next-period.command.ts) reads
 * the city inside its transaction, calls this, and saves the result.
 */

/** A KPI carried into the next period, with its new target when it gets one. */
export interface CarriedKpi {
  /** The KPI's id (slug): the same KPI continues, its actuals and targets stay. */
  readonly kpiId: string;
  /** The next period's target (目標値); absent: the row keeps measuring against its current target. */
  readonly target?: { readonly at: TimePoint; readonly value: number; readonly decimals?: number };
  /**
   * Why the target changes (上方修正…); absent: the 1st period's 次期計画のKPIへの反映状況 of the
   * KPI's row, which is where the sheets state it.
   */
  readonly reason?: string;
}

/** What the next period is: from which plan, its id, title and years, which KPIs it carries. */
export interface NextPeriodInput {
  readonly fromPlanId: string;
  /** ASCII id of the new plan (`ichinoseki-sdgs-future-city-2`). */
  readonly newPlanId: string;
  /** The new title; absent: the current plan's title. */
  readonly title?: string;
  readonly titleEn?: string;
  /** First and last calendar year (or fiscal year, as the plan counts) of the new period. */
  readonly periodStart: number;
  readonly periodEnd: number;
  readonly kpis: readonly CarriedKpi[];
  /** ISO date (Asia/Tokyo) the new plan and its target revisions were decided. */
  readonly decidedOn: string;
}

/** Why a next period cannot be built as asked; `field` names the input at fault. */
export type NextPeriodProblem =
  | { readonly kind: 'unknown-plan'; readonly field: 'from'; readonly planId: string }
  | { readonly kind: 'plan-id-taken'; readonly field: 'id'; readonly planId: string }
  | { readonly kind: 'bad-plan-id'; readonly field: 'id'; readonly planId: string }
  | { readonly kind: 'bad-period'; readonly field: 'period'; readonly periodStart: number; readonly periodEnd: number; readonly fromEnd: number }
  | { readonly kind: 'kpi-not-in-plan'; readonly field: 'kpis'; readonly kpiId: string }
  | { readonly kind: 'duplicate-kpi'; readonly field: 'kpis'; readonly kpiId: string }
  | { readonly kind: 'no-kpis'; readonly field: 'kpis' }
  | { readonly kind: 'target-outside-period'; readonly field: 'kpis'; readonly kpiId: string; readonly at: string }
  /** The plan already has a next-period plan (not archived) for overlapping years: starting it twice is refused. */
  | { readonly kind: 'successor-exists'; readonly field: 'period'; readonly planId: string; readonly title: string; readonly periodStart: number; readonly periodEnd: number };

/** A target change the next period makes: a revision of a target, or a new target recorded with its revision. */
export interface TargetChange {
  readonly kpiId: string;
  readonly targetId: string;
  readonly action: 'new' | 'revised' | 'unchanged';
  readonly revision?: TargetRevision;
}

export type NextPeriodResult =
  | { readonly ok: true; readonly data: CityData; readonly plan: Plan; readonly targetChanges: readonly TargetChange[] }
  | { readonly ok: false; readonly problems: readonly NextPeriodProblem[] };

/** What {@link buildNextPeriod} must know beyond the loaded data. */
export interface NextPeriodOptions {
  /** Ids of the city's archived plans (outside the loaded data): taken, as the plans are kept for staff to restore. */
  readonly archivedPlanIds?: ReadonlySet<string>;
}

/** The ASCII ids plans, cities and KPIs take in URLs and the CLI. */
export const PLAN_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$/;

/**
 * Builds the next period's plan from `fromPlanId` and returns the city's data with it added.
 *
 * - The tree is the current plan's (same node ids, codes, titles; every node kept, so the
 *   secretariat edits it from there), holding only the rows of the carried KPIs, each once per
 *   place it had, without the 1st period's commentary and reflection.
 * - Carried KPIs keep their identity: their baseline, actuals and targets stay, so their history
 *   continues across periods (a sheet of the new plan shows the earlier actuals).
 * - A new target at a time point the KPI already has a target for changes that target's value
 *   with a {@link TargetRevision} (old → new, reason, decided on); at a new time point it is a
 *   new target whose revision records the value it replaces (the 1st-period row's target as it
 *   stood on `decidedOn`). The reason is the one given, else the 1st period's 反映状況 (the
 *   sheet's words: 「第２期計画では目標値を上方修正して取り組む」).
 * - The new plan reports on the same form (layout) as period N+1 (第N+1期) when the current
 *   plan states its ordinal.
 * - Nothing of other plans changes; the new plan has one version, 策定 on `decidedOn`.
 */
export function buildNextPeriod(data: CityData, input: NextPeriodInput, options: NextPeriodOptions = {}): NextPeriodResult {
  const problems: NextPeriodProblem[] = [];
  const from = data.plans.find((p) => p.id === input.fromPlanId);
  if (!from) return { ok: false, problems: [{ kind: 'unknown-plan', field: 'from', planId: input.fromPlanId }] };
  if (!PLAN_ID_PATTERN.test(input.newPlanId)) problems.push({ kind: 'bad-plan-id', field: 'id', planId: input.newPlanId });
  else if (data.plans.some((p) => p.id === input.newPlanId) || options.archivedPlanIds?.has(input.newPlanId)) problems.push({ kind: 'plan-id-taken', field: 'id', planId: input.newPlanId });
  const fromEnd = Math.max(from.periodStart, from.periodEnd);
  if (!Number.isInteger(input.periodStart) || !Number.isInteger(input.periodEnd) || input.periodStart > input.periodEnd || input.periodStart <= from.periodStart || input.periodEnd - input.periodStart > 30) {
    problems.push({ kind: 'bad-period', field: 'period', periodStart: input.periodStart, periodEnd: input.periodEnd, fromEnd });
  }
  if (input.kpis.length === 0) problems.push({ kind: 'no-kpis', field: 'kpis' });
  const rows = planKpiRows(from);
  const seen = new Set<string>();
  for (const c of input.kpis) {
    if (seen.has(c.kpiId)) problems.push({ kind: 'duplicate-kpi', field: 'kpis', kpiId: c.kpiId });
    seen.add(c.kpiId);
    if (!rows.some((r) => r.row.kpiId === c.kpiId)) problems.push({ kind: 'kpi-not-in-plan', field: 'kpis', kpiId: c.kpiId });
    else if (c.target && targetYear(c.target.at) < input.periodStart) {
      problems.push({ kind: 'target-outside-period', field: 'kpis', kpiId: c.kpiId, at: formatTimePointIso(c.target.at) });
    }
  }
  if (problems.length > 0) return { ok: false, problems };

  const carried = new Map(input.kpis.map((c) => [c.kpiId, c]));
  const targetChanges: TargetChange[] = [];
  /** The target id each carried KPI's rows measure against in the new plan. */
  const newTargetOf = new Map<string, string>();
  const kpis = data.kpis.map((kpi): Kpi => {
    const c = carried.get(kpi.id);
    if (!c?.target) return kpi;
    const firstRow = rows.find((r) => r.row.kpiId === kpi.id)!.row;
    const reason = nonEmpty(c.reason) ?? nonEmpty(rows.filter((r) => r.row.kpiId === kpi.id).map((r) => r.row.reflection ?? '').find((s) => s.trim() !== '')) ?? '次期計画の目標値';
    const atIso = formatTimePointIso(c.target.at);
    const same = kpi.targets.find((t) => formatTimePointIso(t.at) === atIso);
    if (same) {
      newTargetOf.set(kpi.id, same.id);
      if (same.value === c.target.value && (same.decimals ?? null) === (c.target.decimals ?? same.decimals ?? null)) {
        targetChanges.push({ kpiId: kpi.id, targetId: same.id, action: 'unchanged' });
        return kpi;
      }
      const revision: TargetRevision = { oldValue: same.value, newValue: c.target.value, reason, revisedOn: input.decidedOn };
      targetChanges.push({ kpiId: kpi.id, targetId: same.id, action: 'revised', revision });
      const revised: KpiTarget = { ...bare(same), value: c.target.value, ...decimalsOf(c.target.decimals), revisions: [...same.revisions, revision] };
      return { ...kpi, targets: kpi.targets.map((t) => (t.id === same.id ? revised : t)) };
    }
    const replaced = kpi.targets.find((t) => t.id === firstRow.targetId) ?? kpi.targets[0];
    const id = freeTargetId(kpi, atIso);
    newTargetOf.set(kpi.id, id);
    const revision: TargetRevision | undefined = replaced ? { oldValue: targetValueOn(replaced, input.decidedOn).value, newValue: c.target.value, reason, revisedOn: input.decidedOn } : undefined;
    targetChanges.push({ kpiId: kpi.id, targetId: id, action: 'new', ...(revision && { revision }) });
    const target: KpiTarget = { id, at: c.target.at, value: c.target.value, ...decimalsOf(c.target.decimals), revisions: revision ? [revision] : [] };
    return { ...kpi, targets: [...kpi.targets, target] };
  });

  const copyNode = (n: PlanNode): PlanNode => ({
    id: n.id,
    kind: n.kind,
    ...(n.code !== undefined && { code: n.code }),
    title: n.title,
    ...(n.titleEn !== undefined && { titleEn: n.titleEn }),
    ...(n.description !== undefined && { description: n.description }),
    children: n.children.map(copyNode),
    kpiRows: n.kpiRows
      .filter((r) => carried.has(r.kpiId))
      .map((r): PlanKpiRow => {
        const targetId = newTargetOf.get(r.kpiId) ?? r.targetId;
        return { kpiId: r.kpiId, ...(r.no !== undefined && { no: r.no }), ...(targetId !== undefined && { targetId }), ...(r.weight !== undefined && { weight: r.weight }) };
      }),
  });
  const plan: Plan = {
    id: input.newPlanId,
    cityId: data.city.id,
    kind: from.kind,
    title: nonEmpty(input.title) ?? from.title,
    ...((nonEmpty(input.titleEn) ?? from.titleEn) !== undefined && { titleEn: nonEmpty(input.titleEn) ?? from.titleEn! }),
    periodStart: input.periodStart,
    periodEnd: input.periodEnd,
    ...(from.parentPlanId !== undefined && { parentPlanId: from.parentPlanId }),
    ...(from.vision !== undefined && { vision: from.vision }),
    // The next period reports on the same form, one period on: Ichinoseki's 2nd plan prints
    // 「第２期…（様式3-3）」 and 「第3期計画…への反映状況」; Tsukuba's 3rd keeps its result report.
    ...(from.sheetLayout !== undefined && { sheetLayout: from.sheetLayout }),
    ...(from.periodOrdinal !== undefined && from.periodOrdinal < 99 && { periodOrdinal: from.periodOrdinal + 1 }),
    versions: [{ label: `${input.periodStart}年～${input.periodEnd}年 策定`, kind: 'adopted', date: input.decidedOn, note: `${from.title}（${from.periodStart}年～${from.periodEnd}年）の次期計画` }],
    nodes: from.nodes.map(copyNode),
    narratives: [],
  };
  return { ok: true, data: { ...data, kpis, plans: [...data.plans, plan] }, plan, targetChanges };
}

/** The calendar year a target's time point falls in (a period's end). */
function targetYear(t: TimePoint): number {
  return t.kind === 'period' ? t.to.year : t.year;
}

/** A target id not yet used by the KPI: the ISO time point (`2026`, `FY2026`), then `2026-2`, … */
function freeTargetId(kpi: Kpi, atIso: string): string {
  const base = atIso.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  const taken = new Set(kpi.targets.map((t) => t.id));
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

function decimalsOf(decimals: number | undefined): { decimals?: number } {
  return decimals === undefined ? {} : { decimals };
}

/** A target without its value's decimals and unrounded value (they belonged to the old value). */
function bare(t: KpiTarget): Omit<KpiTarget, 'decimals' | 'precise'> {
  const { precise: _precise, decimals: _decimals, ...rest } = t;
  return rest;
}

function nonEmpty(s: string | undefined): string | undefined {
  const v = s?.trim();
  return v ? v : undefined;
}
