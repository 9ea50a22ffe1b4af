import { z } from 'zod';
import { sheetKindsOf, type Plan, type SheetKind } from '../core/plan/plan.ts';
import type { Executor } from '../storage/database.ts';
import { findPlanBySlug, upsertPlanSheetReport } from '../plans/plan.repository.ts';
import { appendStaffChangeLog, inStaffTransaction } from '../storage/staff-database.ts';

/** What a change must tell so caches and summaries follow (the city data store). */
export interface ChangeSignal {
  invalidate(cityId: string): void;
}

/** A field of the form and what is wrong with it. */
export type SubmissionMonthProblem = { readonly field: 'year' | 'kind' | 'submittedOn'; readonly problem: 'not-in-period' | 'not-a-sheet' | 'bad-month' } | { readonly field: 'plan'; readonly problem: 'gone' };

/** The 作成年月 the secretariat sets for one sheet of a plan. */
export interface SubmissionMonthInput {
  readonly year: string;
  readonly kind: string;
  /** YYYY-MM. */
  readonly submittedOn: string;
}

const monthSchema = z.string().trim().regex(/^\d{4}-(0[1-9]|1[0-2])$/);

/**
 * Sets the 作成年月 of a plan's sheet for a reporting year (issue 14.5): the date printed on
 * the submission, set by the secretariat per report (seed: 2024年9月 for 2023), never today's
 * date. Validates the year against the plan period and the sheet against the plan's layout,
 * writes the row and an audit entry in one transaction, then signals the change. Keeps the
 * report's published document.
 */
export async function setSubmissionMonth(db: Executor, signal: ChangeSignal, actor: string, plan: Plan, input: SubmissionMonthInput): Promise<{ ok: true } | { ok: false; error: SubmissionMonthProblem }> {
  const year = /^\d{4}$/.test(input.year.trim()) ? Number(input.year.trim()) : NaN;
  if (!(year >= plan.periodStart && year <= plan.periodEnd)) return { ok: false, error: { field: 'year', problem: 'not-in-period' } };
  if (!sheetKindsOf(plan.sheetLayout).includes(input.kind as SheetKind)) return { ok: false, error: { field: 'kind', problem: 'not-a-sheet' } };
  const month = monthSchema.safeParse(input.submittedOn);
  if (!month.success) return { ok: false, error: { field: 'submittedOn', problem: 'bad-month' } };
  const kind = input.kind as SheetKind;
  const before = plan.sheetReports?.find((r) => r.year === year && r.kind === kind)?.submittedOn ?? null;
  const done = await inStaffTransaction(db, async (trx) => {
    const row = await findPlanBySlug(trx, plan.cityId, plan.id);
    if (!row) return false;
    await upsertPlanSheetReport(trx, { plan_id: row.id, year, kind, submitted_on: month.data, document_id: null });
    await appendStaffChangeLog(trx, [
      { actor, action: 'update', entity: 'plan', entityId: `${plan.id}/sheet/${year}/${kind}`, cityId: plan.cityId, old: { submittedOn: before }, new: { submittedOn: month.data }, reason: null },
    ]);
    return true;
  });
  if (!done) return { ok: false, error: { field: 'plan', problem: 'gone' } };
  signal.invalidate(plan.cityId);
  return { ok: true };
}
