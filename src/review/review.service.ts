import { actorName, type StaffUser } from '../auth/user.ts';
import { canEditKpi, canReviewData, canWriteEvaluation } from '../policies/staff.policy.ts';
import type { ChangeSignal } from '../actuals/record-actual.command.ts';
import { departmentsOf } from '../departments/department.service.ts';
import type { Executor } from '../storage/database.ts';
import { appendStaffChangeLog, inStaffTransaction } from '../storage/staff-database.ts';
import { appendReviewEntries, listReviewStatuses, lockCityReview } from './review.repository.ts';
import { canTransition, nextState, slugOfKey, yearKey, type ReviewAction, type ReviewEntity, type ReviewStatus, type TextContent } from './review.ts';

/** Why a review decision was refused. */
export type ReviewDecisionError = 'unknown' | 'forbidden' | 'state' | 'changed' | 'reason-required' | 'too-long';

/** A decision on one entry: submit (its author), approve or return (the secretariat; returning needs a reason). */
export interface ReviewDecision {
  readonly entity: ReviewEntity;
  readonly key: string;
  readonly action: ReviewAction;
  readonly reason?: string | null;
  /**
   * The step the reviewer was shown ({@link ReviewStatus.step}); when given and the entry has
   * moved on since (corrected, or decided by another reviewer), the decision is refused as
   * 'changed' instead of approving content nobody reviewed.
   */
  readonly seenStep?: number | null;
}

/**
 * Records a review decision: checks the policy (the command asks it itself, so no route or CLI
 * can skip it), that the entry exists in the city and allows the action in its state, then
 * appends the step (carrying the content, explanation and override the entry had) and an
 * audit entry, and signals the change.
 */
export async function decideReview(
  db: Executor,
  signal: ChangeSignal,
  user: StaffUser,
  cityId: string,
  decision: ReviewDecision,
): Promise<{ ok: true; status: ReviewStatus } | { ok: false; error: ReviewDecisionError; state?: string }> {
  const reason = (decision.reason ?? '').trim() || null;
  if (reason !== null && reason.length > 1000) return { ok: false, error: 'too-long' };
  if (decision.action === 'return' && reason === null) return { ok: false, error: 'reason-required' };
  if (decision.action === 'submit' ? !(await maySubmit(db, user, cityId, decision.entity, decision.key)) : !canReviewData(user, cityId)) return { ok: false, error: 'forbidden' };
  const result = await inStaffTransaction(db, async (trx) => {
    // Two decisions on one entry at once: the second waits, then sees the first's step.
    await lockCityReview(trx, cityId);
    const current = (await listReviewStatuses(trx, cityId, decision.entity)).find((s) => s.key === decision.key);
    if (!current) return { ok: false as const, error: 'unknown' as const };
    if (!canTransition(current.state, decision.action)) return { ok: false as const, error: 'state' as const, state: current.state };
    if (decision.seenStep != null && decision.seenStep !== current.step) return { ok: false as const, error: 'changed' as const, state: current.state };
    const state = nextState(decision.action);
    await appendReviewEntries(trx, [
      {
        cityId,
        entity: decision.entity,
        key: decision.key,
        year: current.year,
        state,
        content: current.content,
        explanation: current.explanation,
        platformOverride: current.platformOverride,
        reason: decision.action === 'approve' ? (reason ?? null) : reason,
        actor: actorName(user),
      },
    ]);
    await appendStaffChangeLog(trx, [
      { actor: actorName(user), action: decision.action, entity: 'review', entityId: `${decision.entity}:${decision.key}`, cityId, old: { state: current.state }, new: { state }, reason },
    ]);
    return { ok: true as const, status: { ...current, state, reason, actor: actorName(user), recordedAt: new Date(), ...(state === 'approved' && { approved: current.content, approvedPlatformOverride: current.platformOverride, everApproved: true }) } };
  });
  if (result.ok) signal.invalidate(cityId);
  return result;
}

/** Whether the user may submit this entry: its KPI's editors (actuals, commentaries), the plan's evaluators. */
async function maySubmit(db: Executor, user: StaffUser, cityId: string, entity: ReviewEntity, key: string): Promise<boolean> {
  if (entity === 'evaluation') return canWriteEvaluation(user, cityId);
  const { ownerOf } = await departmentsOf(db, cityId);
  return canEditKpi(user, { cityId, departmentId: ownerOf.get(slugOfKey(key))?.department.id ?? null });
}

/**
 * Appends the review step of a commentary or evaluation just written (submitted). Text that
 * was public before review existed is first recorded as approved, so it stays public until
 * the new text is approved.
 */
export async function submitTextForReview(
  db: Executor,
  entry: { cityId: string; entity: 'commentary' | 'evaluation'; slug: string; year: number; content: TextContent | null; previous: TextContent | null; actor: string },
): Promise<void> {
  const key = yearKey(entry.slug, entry.year);
  await lockCityReview(db, entry.cityId);
  const known = (await listReviewStatuses(db, entry.cityId, entry.entity)).some((s) => s.key === key);
  await appendReviewEntries(db, [
    ...(!known && entry.previous ? [{ cityId: entry.cityId, entity: entry.entity, key, year: entry.year, state: 'approved' as const, content: entry.previous, actor: 'documented' }] : []),
    { cityId: entry.cityId, entity: entry.entity, key, year: entry.year, state: 'submitted' as const, content: entry.content, actor: entry.actor },
  ]);
}
