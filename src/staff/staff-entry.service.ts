import type { BilingualText } from '../core/bilingual.ts';
import { z } from 'zod';
import { TEXT_LIMITS } from '../core/text.ts';
import type { CityData } from '../core/city/city.ts';
import type { Kpi } from '../core/kpi/kpi.ts';
import type { NotationError } from '../core/notation/index.ts';
import { parseQuantity, parseTimePoint } from '../core/notation/index.ts';
import type { Plan } from '../core/plan/plan.ts';
import { formatTimePointIso } from '../core/time/time-point.ts';
import { actorName, type StaffUser } from '../auth/user.ts';
import type { Executor } from '../storage/database.ts';
import { listDepartments, setKpiOwner } from '../departments/department.repository.ts';
import { isConcurrentWriteError, StaleVersionError } from '../storage/edit-version.ts';
import { findKpiBySlug, lockKpi, updateKpiAtVersion } from '../kpis/kpi.repository.ts';
import { appendPlanNarrative, findPlanBySlug, findPlanNodeBySlug, listPlanNarratives, lockPlan, updatePlanAtVersion, updatePlanNarrativeAtVersion, updatePlanNodeAtVersion } from '../plans/plan.repository.ts';
import { freeText, requiredText, zodProblems } from '../plans/plan-form.ts';
import { recordActuals } from '../actuals/record-actual.command.ts';
import { submitTextForReview } from '../review/review.service.ts';
import { appendStaffChangeLog, inStaffTransaction } from '../storage/staff-database.ts';
import { appendCommentary, appendStatusOverride, appendYearPublication, latestCommentaries, latestStatusOverride, listCommentaries, listYearPublications } from './staff-record.repository.ts';
import type { OverrideStatus } from '../storage/tables/staff.table.ts';
import { findTarget, reviseTarget } from '../kpis/target.repository.ts';
import type { CityDataStore } from '../cities/city-data.store.ts';
import { formVersion, formVersions } from './form-versions.ts';

/**
 * Writes of the staff area: actuals, target revisions, publication, commentary, status
 * overrides, KPI and plan edits, expert evaluations. Each validates, writes only what it edits,
 * in place, in one transaction with its history row and change-log entry (issue 11.3: never by
 * rewriting the city or the plan), and invalidates the cached city. Routes check the policy
 * before calling.
 *
 * Every edit carries the version it started from (the form's `version` or `versions` field,
 * see form-versions.ts); the write checks it under a row lock or in its UPDATE's WHERE clause
 * and answers `{ ok: false, conflict }` when someone else saved meanwhile (issue 10.4). A write
 * that loses a race in the database (a unique violation, a serialization failure) is the same
 * conflict, never an exception.
 */

/** Why one field of a form is not accepted. */
export type FieldProblem =
  | { readonly kind: 'required' | 'too-long' | 'invalid' | 'reason-required' | 'not-a-date' | 'unknown-target' | 'unknown-department' | 'missing-version' | 'direction-required' }
  | { readonly kind: 'notation'; readonly error: NotationError }
  /** A problem the shared actual validator found, with its own message in both languages. */
  | { readonly kind: 'message'; readonly kindOf: string; readonly message: BilingualText };

/**
 * A save refused because what it edits changed since the form was opened (or changed at the
 * same moment): names the thing as the change log does, so the conflict page can say who
 * changed it and when.
 */
export interface EditConflict {
  readonly kind: 'edit-conflict';
  /** change_log entity and entity id of what was changed meanwhile. */
  readonly entity: string;
  readonly entityId: string;
}

/** A form's outcome: success with a value, field problems by field name, or an edit conflict. */
export type FormResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errors: Readonly<Record<string, FieldProblem>>; readonly conflict?: undefined }
  | { readonly ok: false; readonly conflict: EditConflict; readonly errors?: undefined };

/** A note typed in a form: the same bound as an imported one (core/text.ts). */
const MAX_TEXT = TEXT_LIMITS.note;

/** The result of a form without the version field the edit must carry (the route answers 400). */
const MISSING_VERSION = { ok: false, errors: { version: { kind: 'missing-version' } } } as const;

function text(form: Readonly<Record<string, string>>, name: string, errors: Record<string, FieldProblem>, opts: { required?: boolean; max?: number } = {}): string | null {
  const v = (form[name] ?? '').trim();
  if (v === '') {
    if (opts.required) errors[name] = { kind: 'required' };
    return null;
  }
  if (v.length > (opts.max ?? MAX_TEXT)) errors[name] = { kind: 'too-long' };
  return v;
}

/** Finds a KPI of a city's data by slug, with its database id. */
async function kpiRow(db: Executor, cityId: string, slug: string) {
  const row = await findKpiBySlug(db, cityId, slug);
  if (!row || row.retired_at !== null) throw new Error(`no KPI "${slug}" in ${cityId}`);
  return row;
}

/**
 * Runs a versioned write: its result, or an edit conflict when the version check failed
 * (StaleVersionError) or the database refused a concurrent write. Anything else is a bug and
 * propagates.
 */
async function versioned<T>(entity: string, entityId: string, write: () => Promise<T>): Promise<FormResult<T>> {
  try {
    return { ok: true, value: await write() };
  } catch (e) {
    if (isConcurrentWriteError(e)) return { ok: false, conflict: { kind: 'edit-conflict', entity, entityId } };
    throw e;
  }
}

/** The outcome of saving an actual: whether anything changed, and the review state it went to. */
export interface RecordedActual {
  readonly changed: boolean;
  readonly at: string;
  readonly intent: 'draft' | 'submit';
}

/**
 * Enters or corrects an actual from the data-entry form through the one command that writes
 * actuals (src/actuals/record-actual.command.ts): the same validator as the import and the API,
 * then a review step (draft, or submitted for the secretariat's review). Field problems come
 * back by form field name. The form's `versions` field gives the version of each time point's
 * actual when the form was opened: entering a time point someone else entered (or corrected)
 * meanwhile is an edit conflict, not a silent correction.
 */
export async function recordActual(
  db: Executor,
  store: CityDataStore,
  user: StaffUser,
  kpi: Kpi,
  form: Readonly<Record<string, string>>,
): Promise<FormResult<RecordedActual>> {
  const versions = formVersions(form);
  if (versions === null) return MISSING_VERSION;
  const intent = form['intent'] === 'draft' ? 'draft' : 'submit';
  const input = { at: form['at'] ?? '', value: form['value'] ?? '', note: form['note'], source: form['source'], reason: form['reason'], explanation: form['explanation'], platformOverride: form['platformOverride'] };
  // The version the form showed for the time point typed (none listed: 0, no actual then).
  const at = parseTimePoint(input.at.trim());
  const expectedVersion = at.ok ? (versions.get(formatTimePointIso(at.value)) ?? 0) : 0;
  const r = await recordActuals(db, store, { cityId: kpi.cityId, actor: actorName(user), intent, rows: [{ kpiId: kpi.id, input, expectedVersion }] });
  if (!r.ok) {
    if (r.conflict) return { ok: false, conflict: { kind: 'edit-conflict', entity: 'observation', entityId: `${r.conflict.kpiId}@${r.conflict.atIso}` } };
    const errors: Record<string, FieldProblem> = {};
    for (const p of r.problems.flatMap((x) => x.problems)) errors[p.field] ??= { kind: 'message', kindOf: p.kind, message: p.message };
    // The form's KPI was found when the request came in: missing now, it was deleted meanwhile (a conflict, 409).
    if (r.unknownKpis.length > 0) return { ok: false, conflict: { kind: 'edit-conflict', entity: 'kpi', entityId: kpi.id } };
    return { ok: false, errors };
  }
  const v = r.results[0]!;
  return { ok: true, value: { changed: r.written > 0, at: v.atIso, intent } };
}

/** Revises a target with a required reason and the date it was decided; refused when the target's value changed since the form was opened. */
export async function reviseKpiTarget(db: Executor, store: CityDataStore, user: StaffUser, kpi: Kpi, form: Readonly<Record<string, string>>): Promise<FormResult<null>> {
  const errors: Record<string, FieldProblem> = {};
  const versions = formVersions(form);
  if (versions === null) return MISSING_VERSION;
  const targetSlug = text(form, 'target', errors, { required: true, max: 100 });
  const valueText = text(form, 'newValue', errors, { required: true, max: 100 });
  const revisedOnText = text(form, 'revisedOn', errors, { required: true, max: 40 });
  const reason = text(form, 'reason', errors, { required: true, max: 1000 });
  const target = kpi.targets.find((t) => t.id === targetSlug);
  if (targetSlug !== null && !target) errors['target'] = { kind: 'unknown-target' };
  const value = valueText === null ? null : parseQuantity(valueText, { expectedUnit: kpi.unit });
  if (value && !value.ok) errors['newValue'] = { kind: 'notation', error: value.error };
  // The decision date as every other date field reads it: 2024-03-31, 2024/3/31, 令和6年3月31日, R6.3.31.
  const revised = revisedOnText === null ? null : parseTimePoint(revisedOnText);
  if (revised && !revised.ok) errors['revisedOn'] = { kind: 'notation', error: revised.error };
  else if (revised?.ok && revised.value.kind !== 'day') errors['revisedOn'] = { kind: 'not-a-date' };
  const revisedOn = revised?.ok && revised.value.kind === 'day' ? formatTimePointIso(revised.value) : null;
  if (Object.keys(errors).length > 0 || !value?.ok || !target || reason === null || revisedOn === null) return { ok: false, errors };
  const row = await kpiRow(db, kpi.cityId, kpi.id);
  if (!(await findTarget(db, row.id, target.id))) return { ok: false, errors: { target: { kind: 'unknown-target' } } };
  const r = await versioned('kpi_target', `${kpi.id}#${target.id}`, () =>
    reviseTarget(
      db,
      { kpiId: row.id, targetSlug: target.id, newValue: value.value.value, decimals: value.value.decimals, reason, revisedOn, expectedVersion: versions.get(target.id) ?? 0 },
      actorName(user),
    ),
  );
  if (!r.ok) return r;
  store.invalidate(kpi.cityId);
  return { ok: true, value: null };
}

/** Publishes or unpublishes the actuals of a reporting year of a city. */
export async function setYearPublished(db: Executor, store: CityDataStore, user: StaffUser, cityId: string, year: number, published: boolean, reason: string | null): Promise<void> {
  const before = (await listYearPublications(db, cityId)).find((p) => p.year === year);
  await inStaffTransaction(db, async (trx) => {
    await appendYearPublication(trx, { city_id: cityId, year, published, actor: actorName(user), reason });
    await appendStaffChangeLog(trx, [
      { actor: actorName(user), action: published ? 'publish' : 'unpublish', entity: 'publication', entityId: `${cityId}@${year}`, cityId, old: { published: before?.published ?? false }, new: { published }, reason },
    ]);
  });
  store.invalidate(cityId);
}

/**
 * Writes (or with an empty body, withdraws) a KPI's commentary for a reporting year. The form's
 * `versions` field gives each year's commentary version when it was opened (the id of its
 * latest row); a year someone else wrote meanwhile is a conflict.
 */
export async function writeCommentary(db: Executor, store: CityDataStore, user: StaffUser, kpi: Kpi, form: Readonly<Record<string, string>>): Promise<FormResult<null>> {
  const errors: Record<string, FieldProblem> = {};
  const versions = formVersions(form);
  if (versions === null) return MISSING_VERSION;
  const year = yearOf(form['year'], errors, 'year');
  const body = (form['body'] ?? '').trim();
  if (body.length > 4000) errors['body'] = { kind: 'too-long' };
  if (Object.keys(errors).length > 0 || year === null) return { ok: false, errors };
  const row = await kpiRow(db, kpi.cityId, kpi.id);
  const r = await versioned('commentary', `${kpi.id}@${year}`, () =>
    inStaffTransaction(db, async (trx) => {
      await lockKpi(trx, row.id);
      const current = (await latestCommentaries(trx, row.id)).find((c) => c.year === year);
      if ((current?.id ?? 0) !== (versions.get(String(year)) ?? 0)) throw new StaleVersionError(`the ${year} commentary of KPI "${kpi.id}"`);
      if ((current?.body ?? '') === body) return;
      await appendCommentary(trx, { kpi_id: row.id, year, body, actor: actorName(user) });
      // Reviewed before it is public: the text public now (if any) stays until this one is approved.
      await submitTextForReview(trx, { cityId: kpi.cityId, entity: 'commentary', slug: kpi.id, year, content: body === '' ? null : { body }, previous: current?.body ? { body: current.body } : null, actor: actorName(user) });
      await appendStaffChangeLog(trx, [
        { actor: actorName(user), action: current?.body ? 'update' : 'create', entity: 'commentary', entityId: `${kpi.id}@${year}`, cityId: kpi.cityId, old: current?.body || null, new: body === '' ? null : body },
      ]);
    }),
  );
  if (!r.ok) return r;
  store.invalidate(kpi.cityId);
  return { ok: true, value: null };
}

const OVERRIDES = ['achieved', 'on-track', 'behind', 'worsening'] as const;

/**
 * Overrides a KPI's computed status (or withdraws the override) with a required justification;
 * refused when another override was recorded since the form was opened (its `version` is the
 * id of the override row it showed, 0 for none).
 */
export async function overrideStatus(db: Executor, store: CityDataStore, user: StaffUser, kpi: Kpi, form: Readonly<Record<string, string>>): Promise<FormResult<null>> {
  const errors: Record<string, FieldProblem> = {};
  const version = formVersion(form);
  if (version === null) return MISSING_VERSION;
  const raw = form['status'] ?? '';
  const status = raw === '' ? null : (OVERRIDES as readonly string[]).includes(raw) ? (raw as OverrideStatus) : undefined;
  if (status === undefined) errors['status'] = { kind: 'invalid' };
  const justification = text(form, 'justification', errors, { required: true, max: 1000 });
  if (Object.keys(errors).length > 0 || status === undefined || justification === null) return { ok: false, errors };
  const row = await kpiRow(db, kpi.cityId, kpi.id);
  const r = await versioned('status_override', kpi.id, () =>
    inStaffTransaction(db, async (trx) => {
      await lockKpi(trx, row.id);
      const current = await latestStatusOverride(trx, row.id);
      if ((current?.id ?? 0) !== version) throw new StaleVersionError(`the status override of KPI "${kpi.id}"`);
      await appendStatusOverride(trx, { kpi_id: row.id, status, justification, actor: actorName(user) });
      await appendStaffChangeLog(trx, [
        {
          actor: actorName(user),
          action: status ? 'update' : 'delete',
          entity: 'status_override',
          entityId: kpi.id,
          cityId: kpi.cityId,
          old: current?.status ? { status: current.status, justification: current.justification } : null,
          new: status ? { status } : null,
          reason: justification,
        },
      ]);
    }),
  );
  if (!r.ok) return r;
  store.invalidate(kpi.cityId);
  return { ok: true, value: null };
}

const planEdit = z.object({ title: requiredText(300), titleEn: freeText(300, 'single-line'), vision: freeText(4000, 'multi-line') });

/** Edits a plan's title, English title and vision: one UPDATE of the plan's row at the form's version, with its change-log entry. */
export async function editPlan(db: Executor, store: CityDataStore, user: StaffUser, plan: Plan, form: Readonly<Record<string, string>>): Promise<FormResult<null>> {
  const version = formVersion(form);
  if (version === null) return MISSING_VERSION;
  const parsed = planEdit.safeParse({ title: form['title'] ?? '', titleEn: form['titleEn'] ?? '', vision: form['vision'] ?? '' });
  if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error.issues) };
  const reason = (form['reason'] ?? '').trim() || null;
  const r = await versioned('plan', plan.id, () =>
    inStaffTransaction(db, async (trx) => {
      const before = await findPlanBySlug(trx, plan.cityId, plan.id);
      if (!before) throw new StaleVersionError(`plan "${plan.id}"`);
      const after = await updatePlanAtVersion(trx, before.id, version, { title: parsed.data.title, title_en: parsed.data.titleEn || null, vision: parsed.data.vision || null });
      if (!after) throw new StaleVersionError(`plan "${plan.id}"`);
      await appendStaffChangeLog(trx, [
        {
          actor: actorName(user),
          action: 'update',
          entity: 'plan',
          entityId: plan.id,
          cityId: plan.cityId,
          old: { title: before.title, titleEn: before.title_en, vision: before.vision },
          new: { title: after.title, titleEn: after.title_en, vision: after.vision },
          reason,
        },
      ]);
    }),
  );
  if (!r.ok) return r;
  store.invalidate(plan.cityId);
  return { ok: true, value: null };
}

const nodeEdit = z.object({ title: requiredText(300), titleEn: freeText(300, 'single-line'), code: freeText(30, 'single-line'), description: freeText(4000, 'multi-line') });

/**
 * Edits a node of a plan's tree (code, title, English title, description) in place: one UPDATE
 * of that node's row at the form's version; the rest of the tree, its KPI rows and ids stay.
 */
export async function editNode(db: Executor, store: CityDataStore, user: StaffUser, plan: Plan, nodeId: string, form: Readonly<Record<string, string>>): Promise<FormResult<null>> {
  const version = formVersion(form);
  if (version === null) return MISSING_VERSION;
  const parsed = nodeEdit.safeParse({ title: form['title'] ?? '', titleEn: form['titleEn'] ?? '', code: form['code'] ?? '', description: form['description'] ?? '' });
  if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error.issues) };
  const reason = (form['reason'] ?? '').trim() || null;
  const entityId = `${plan.id}/${nodeId}`;
  const r = await versioned('plan_node', entityId, () =>
    inStaffTransaction(db, async (trx) => {
      const planRow = await findPlanBySlug(trx, plan.cityId, plan.id);
      const before = planRow && (await findPlanNodeBySlug(trx, planRow.id, nodeId));
      if (!before) throw new StaleVersionError(`node "${nodeId}" of plan "${plan.id}"`);
      const after = await updatePlanNodeAtVersion(trx, before.id, version, {
        code: parsed.data.code || null,
        title: parsed.data.title,
        title_en: parsed.data.titleEn || null,
        description: parsed.data.description || null,
      });
      if (!after) throw new StaleVersionError(`node "${nodeId}" of plan "${plan.id}"`);
      await appendStaffChangeLog(trx, [
        {
          actor: actorName(user),
          action: 'update',
          entity: 'plan_node',
          entityId,
          cityId: plan.cityId,
          old: { code: before.code, title: before.title, titleEn: before.title_en, description: before.description },
          new: { code: after.code, title: after.title, titleEn: after.title_en, description: after.description },
          reason,
        },
      ]);
    }),
  );
  if (!r.ok) return r;
  store.invalidate(plan.cityId);
  return { ok: true, value: null };
}

/**
 * Writes the expert evaluation (有識者からの評価) of a plan for a year: that year's narrative is
 * updated in place (or appended when the year has none), at the version the form's `versions`
 * field gives for the year (none: 0); the plan's row is locked so two first evaluations of a year
 * take turns and the second is a conflict.
 */
export async function writeEvaluation(db: Executor, store: CityDataStore, user: StaffUser, plan: Plan, form: Readonly<Record<string, string>>, title: string): Promise<FormResult<null>> {
  const errors: Record<string, FieldProblem> = {};
  const versions = formVersions(form);
  if (versions === null) return MISSING_VERSION;
  const year = yearOf(form['year'], errors, 'year');
  const body = text(form, 'body', errors, { required: true, max: 8000 });
  if (Object.keys(errors).length > 0 || year === null || body === null) return { ok: false, errors };
  const entityId = `${plan.id}@${year}`;
  const r = await versioned('plan_evaluation', entityId, () =>
    inStaffTransaction(db, async (trx) => {
      const planRow = await findPlanBySlug(trx, plan.cityId, plan.id);
      if (!planRow) throw new StaleVersionError(`plan "${plan.id}"`);
      await lockPlan(trx, planRow.id);
      const current = (await listPlanNarratives(trx, [planRow.id])).filter((n) => n.kind === 'expert-evaluation' && n.year === year).at(-1);
      const expected = versions.get(String(year)) ?? 0;
      if ((current?.version ?? 0) !== expected) throw new StaleVersionError(`the ${year} evaluation of plan "${plan.id}"`);
      if (current) {
        if (!(await updatePlanNarrativeAtVersion(trx, planRow.id, current.position, expected, { title, body }))) throw new StaleVersionError(`the ${year} evaluation of plan "${plan.id}"`);
      } else {
        await appendPlanNarrative(trx, { plan_id: planRow.id, kind: 'expert-evaluation', title, body, year });
      }
      // Reviewed before it is public: the evaluation public now (if any) stays until this one is approved.
      await submitTextForReview(trx, { cityId: plan.cityId, entity: 'evaluation', slug: plan.id, year, content: { title, body }, previous: current ? { title: current.title, body: current.body } : null, actor: actorName(user) });
      await appendStaffChangeLog(trx, [{ actor: actorName(user), action: current ? 'update' : 'create', entity: 'plan_evaluation', entityId, cityId: plan.cityId, old: current?.body ?? null, new: body }]);
    }),
  );
  if (!r.ok) return r;
  store.invalidate(plan.cityId);
  return { ok: true, value: null };
}

function yearOf(raw: string | undefined, errors: Record<string, FieldProblem>, field: string): number | null {
  const v = (raw ?? '').trim();
  if (v === '') {
    errors[field] = { kind: 'required' };
    return null;
  }
  if (!/^\d{4}$/.test(v) || Number(v) < 1900 || Number(v) > 2200) {
    errors[field] = { kind: 'invalid' };
    return null;
  }
  return Number(v);
}

/** Whether a string is a real calendar date written YYYY-MM-DD. */
export function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** zod issues as field problems: a text's bad character named (plan-form's zodProblems), too long, else required. */
function zodErrors(issues: readonly z.core.$ZodIssue[]): Record<string, FieldProblem> {
  const out = zodProblems(issues);
  for (const [k, v] of Object.entries(out)) if (v.kind === 'invalid') out[k] = { kind: 'required' };
  return out;
}

/**
 * The yearly commentaries (年度ごとのコメント) staff wrote on one KPI, every version in the order
 * written, without blank ones: what the KPI's staff page lists.
 */
export async function commentariesOfKpi(db: Executor, cityId: string, kpiId: string): Promise<{ year: number; body: string }[]> {
  return (await listCommentaries(db, cityId)).filter((x) => x.kpi_slug === kpiId && x.body.trim() !== '').map((x) => ({ year: x.year, body: x.body }));
}
