import type { ChangeSignal } from '../actuals/record-actual.command.ts';
import { loadCityData, saveCityData } from '../cities/city-data.service.ts';
import { inTransaction, type Executor } from '../storage/database.ts';
import { isConcurrentWriteError } from '../storage/edit-version.ts';
import { buildNextPeriod, type NextPeriodInput, type NextPeriodProblem, type TargetChange } from './next-period.ts';
import type { Plan } from '../core/plan/plan.ts';
import { holdPlanRow, listArchivedOfCity, listOverlappingSuccessors, lockPlanBySlug, markSuccessor } from './plan-building.repository.ts';

/** What {@link startNextPeriod} needs: the city, who acts, and the next period (see {@link NextPeriodInput}). */
export interface StartNextPeriodProps extends NextPeriodInput {
  readonly cityId: string;
  /** Who starts it (kept in the change log with every row written). */
  readonly actor: string;
}

/** The outcome: the new plan and the target changes made, or why nothing was written. */
export type StartNextPeriodResult =
  | { readonly ok: true; readonly plan: Plan; readonly targetChanges: readonly TargetChange[] }
  | { readonly ok: false; readonly kind: 'unknown-city' }
  | { readonly ok: false; readonly kind: 'invalid'; readonly problems: readonly NextPeriodProblem[] }
  /** Someone else wrote the city's plans or targets at the same moment: nothing written, try again. */
  | { readonly ok: false; readonly kind: 'conflict' };

/**
 * Starts the next period of a plan (issue 13.4): in one repeatable-read transaction it reads the
 * city as stored, builds the new plan and target revisions ({@link buildNextPeriod}), and saves
 * only the difference (the new plan, its tree and rows; new or revised targets with their
 * revisions; change-log rows with actor and reason). All or nothing; a concurrent write to the
 * same rows (two secretariats starting the same period) is a conflict, never a half write.
 * Signals the change once, after the commit.
 */
export async function startNextPeriod(db: Executor, signal: ChangeSignal, props: StartNextPeriodProps): Promise<StartNextPeriodResult> {
  let result: StartNextPeriodResult;
  try {
    result = await inTransaction(
      db,
      async (trx): Promise<StartNextPeriodResult> => {
        const data = await loadCityData(trx, props.cityId);
        if (!data) return { ok: false, kind: 'unknown-city' };
        const archived = await listArchivedOfCity(trx, props.cityId);
        const built = buildNextPeriod(data, props, { archivedPlanIds: new Set(archived.plans) });
        if (!built.ok) return { ok: false, kind: 'invalid', problems: built.problems };
        // One next period per plan and years: a second "start" for overlapping years (a double
        // click, two secretariats) is refused, naming the plan made first. The current plan's row
        // is locked and rewritten unchanged, so a concurrent start waits and then fails to
        // serialize (a conflict) instead of reading a snapshot without the first one's plan.
        const from = await lockPlanBySlug(trx, props.cityId, props.fromPlanId);
        if (!from) return { ok: false, kind: 'invalid', problems: [{ kind: 'unknown-plan', field: 'from', planId: props.fromPlanId }] };
        const existing = await listOverlappingSuccessors(trx, from.id, props.periodStart, props.periodEnd);
        if (existing.length > 0) {
          return { ok: false, kind: 'invalid', problems: existing.map((p) => ({ kind: 'successor-exists' as const, field: 'period' as const, planId: p.slug, title: p.title, periodStart: p.period_start, periodEnd: p.period_end })) };
        }
        await holdPlanRow(trx, from.id);
        await saveCityData(trx, built.data, props.actor, { reason: `次期計画の開始: ${props.fromPlanId} → ${props.newPlanId}` });
        await markSuccessor(trx, props.cityId, props.newPlanId, from.id);
        return { ok: true, plan: built.plan, targetChanges: built.targetChanges };
      },
      { isolation: 'repeatable read' },
    );
  } catch (e) {
    if (isConcurrentWriteError(e)) return { ok: false, kind: 'conflict' };
    throw e;
  }
  if (result.ok) signal.invalidate(props.cityId);
  return result;
}

/** A problem in words (Japanese, English), for the form, the API and the CLI. */
export function describeNextPeriodProblem(p: NextPeriodProblem): { readonly ja: string; readonly en: string } {
  switch (p.kind) {
    case 'unknown-plan':
      return { ja: `計画「${p.planId}」はありません`, en: `there is no plan "${p.planId}"` };
    case 'bad-plan-id':
      return { ja: `計画ID「${p.planId}」は半角の英小文字・数字・ハイフン（80字まで）で指定してください`, en: `the plan id "${p.planId}" must be lower-case ASCII letters, digits and hyphens (at most 80)` };
    case 'plan-id-taken':
      return { ja: `計画ID「${p.planId}」は既に使われています（アーカイブした計画を含む）`, en: `the plan id "${p.planId}" is taken (archived plans included)` };
    case 'bad-period':
      return {
        ja: `計画期間 ${p.periodStart}～${p.periodEnd} は正しくありません（開始 ≦ 終了、現計画の開始より後、30年以内）`,
        en: `the period ${p.periodStart}–${p.periodEnd} is not valid (start ≤ end, after the current plan's start, at most 30 years)`,
      };
    case 'kpi-not-in-plan':
      return { ja: `指標「${p.kpiId}」は現計画の指標ではありません`, en: `the KPI "${p.kpiId}" is not a KPI of the current plan` };
    case 'duplicate-kpi':
      return { ja: `指標「${p.kpiId}」が二度指定されています`, en: `the KPI "${p.kpiId}" is given twice` };
    case 'no-kpis':
      return { ja: '引き継ぐ指標を一つ以上選んでください', en: 'choose at least one KPI to carry over' };
    case 'target-outside-period':
      return { ja: `指標「${p.kpiId}」の目標時点 ${p.at} が新しい計画期間より前です`, en: `the target of KPI "${p.kpiId}" (${p.at}) lies before the new period` };
    case 'successor-exists':
      return {
        ja: `この計画の次期計画「${p.title}」（${p.planId}、${p.periodStart}年～${p.periodEnd}年）が既にあり、期間が重なります。その計画を編集してください（不要ならアーカイブしてから開始してください）`,
        en: `this plan already has a next-period plan "${p.title}" (${p.planId}, ${p.periodStart}–${p.periodEnd}) for overlapping years: edit that plan (or archive it first)`,
      };
  }
}
