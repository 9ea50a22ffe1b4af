import type { Lang } from '../i18n/lang.ts';
import type { Executor } from '../storage/database.ts';
import { listPlanSnapshots } from './plan-building.repository.ts';
import { diffLabels, planDiffDocx, planDiffXlsx } from './plan-diff.document.ts';
import { diffPlanVersions, type PlanDiff } from './plan-diff.ts';
import type { PlanSnapshot } from './plan-snapshot.ts';
import { findPlanBySlug } from './plan.repository.ts';

/*
 * Reading plan versions and comparing two of them (issue 13.6), for the staff page and the CLI
 * (`michishirube plan diff CITY PLAN --from N --to N --out FILE.xlsx|FILE.docx`).
 */

/** A recorded version of a plan as lists show it. */
export interface PlanVersionSummary {
  readonly number: number;
  readonly label: string;
  readonly kind: 'adopted' | 'revised';
  readonly date: string;
  readonly reason: string | null;
  readonly actor: string;
  readonly recordedAt: Date;
}

/** The recorded versions of a plan of a city, oldest first (empty for an unknown plan). */
export async function listPlanVersionSummaries(db: Executor, cityId: string, planId: string): Promise<PlanVersionSummary[]> {
  const plan = await findPlanBySlug(db, cityId, planId);
  if (!plan) return [];
  return (await listPlanSnapshots(db, plan.id)).map((s) => ({ number: s.number, label: s.label, kind: s.kind, date: s.date, reason: s.reason, actor: s.actor, recordedAt: s.recorded_at }));
}

/** Why two versions cannot be compared. */
export type PlanDiffProblem = { readonly kind: 'unknown-plan' } | { readonly kind: 'unknown-version'; readonly which: 'from' | 'to'; readonly known: readonly number[] } | { readonly kind: 'same-version' };

/** The 新旧対照表 of versions `from` → `to` of a plan (numbers as listed), or why not. */
export async function comparePlanVersions(db: Executor, cityId: string, planId: string, from: number, to: number, lang: Lang): Promise<{ ok: true; diff: PlanDiff } | { ok: false; problem: PlanDiffProblem }> {
  const plan = await findPlanBySlug(db, cityId, planId);
  if (!plan) return { ok: false, problem: { kind: 'unknown-plan' } };
  const snaps = await listPlanSnapshots(db, plan.id);
  const known = snaps.map((s) => s.number);
  const a = snaps.find((s) => s.number === from);
  const b = snaps.find((s) => s.number === to);
  if (!a) return { ok: false, problem: { kind: 'unknown-version', which: 'from', known } };
  if (!b) return { ok: false, problem: { kind: 'unknown-version', which: 'to', known } };
  if (from === to) return { ok: false, problem: { kind: 'same-version' } };
  const version = (s: typeof a) => ({ number: s.number, label: s.label, date: s.date, reason: s.reason, snapshot: s.snapshot as unknown as PlanSnapshot });
  return { ok: true, diff: diffPlanVersions(version(a), version(b), diffLabels(lang)) };
}

/** The file formats of the 新旧対照表. */
export type PlanDiffFormat = 'xlsx' | 'docx';

/** The 新旧対照表 as a file. */
export async function planDiffFile(diff: PlanDiff, format: PlanDiffFormat, lang: Lang): Promise<Buffer> {
  return format === 'xlsx' ? planDiffXlsx(diff, lang) : planDiffDocx(diff, lang);
}

