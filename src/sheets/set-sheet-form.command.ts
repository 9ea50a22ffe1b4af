import { z } from 'zod';
import { SHEET_LAYOUTS, type Plan, type SheetLayout } from '../core/plan/plan.ts';
import type { Executor } from '../storage/database.ts';
import { findPlanBySlug, lockPlan, updatePlan } from '../plans/plan.repository.ts';
import { appendStaffChangeLog, inStaffTransaction } from '../storage/staff-database.ts';
import type { ChangeSignal } from './set-submission-month.command.ts';

/** A field of the form and what is wrong with it. */
export type SheetFormProblem = { readonly field: 'layout'; readonly problem: 'unknown-layout' } | { readonly field: 'ordinal'; readonly problem: 'bad-ordinal' } | { readonly field: 'plan'; readonly problem: 'gone' };

/** The form a plan's sheets follow, as typed: the layout and 第N期 (empty: the plan states none). */
export interface SheetFormInput {
  readonly layout: string;
  /** 「2」「２」「第2期」「第２期」; empty for none. */
  readonly ordinal: string;
}

const layoutSchema = z.enum(SHEET_LAYOUTS as [SheetLayout, ...SheetLayout[]]);

/**
 * 第N期 as typed: ASCII or full-width digits, with or without 「第…期」; 1–99 (the database's
 * check); empty for none. Null when it is none of these.
 */
export function parsePeriodOrdinal(input: string): { value: number | null } | null {
  const s = input.normalize('NFKC').trim();
  if (s === '') return { value: null };
  const m = /^第?\s*(\d{1,2})\s*期?$/.exec(s);
  if (!m) return null;
  const n = Number(m[1]);
  return n >= 1 && n <= 99 ? { value: n } : null;
}

/**
 * Sets which form a plan's sheets follow (issue 14.3) and its period's ordinal (14.2: the
 * 様式3-3 title 「第１期…」 and the 「第2期計画…への反映状況」 column), so a city built in the app
 * gets its own forms without a plan data file. Validates both fields, writes the plan row and an
 * audit entry (old → new) in one transaction, then signals the change. The 作成年月 and
 * published documents of the reports stay; sheets of the other layout are no longer offered.
 */
export async function setSheetForm(db: Executor, signal: ChangeSignal, actor: string, plan: Plan, input: SheetFormInput): Promise<{ ok: true } | { ok: false; error: SheetFormProblem }> {
  const layout = layoutSchema.safeParse(input.layout.trim());
  if (!layout.success) return { ok: false, error: { field: 'layout', problem: 'unknown-layout' } };
  const ordinal = parsePeriodOrdinal(input.ordinal);
  if (!ordinal) return { ok: false, error: { field: 'ordinal', problem: 'bad-ordinal' } };
  const done = await inStaffTransaction(db, async (trx) => {
    const row = await findPlanBySlug(trx, plan.cityId, plan.id);
    if (!row) return false;
    await lockPlan(trx, row.id);
    const before = { layout: row.sheet_layout, ordinal: row.period_ordinal };
    const after = { layout: layout.data, ordinal: ordinal.value };
    if (before.layout === after.layout && before.ordinal === after.ordinal) return true;
    await updatePlan(trx, row.id, { sheet_layout: after.layout, period_ordinal: after.ordinal });
    await appendStaffChangeLog(trx, [{ actor, action: 'update', entity: 'plan', entityId: `${plan.id}/sheet-form`, cityId: plan.cityId, old: before, new: after, reason: null }]);
    return true;
  });
  if (!done) return { ok: false, error: { field: 'plan', problem: 'gone' } };
  signal.invalidate(plan.cityId);
  return { ok: true };
}
