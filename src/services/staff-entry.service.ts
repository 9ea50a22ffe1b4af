import { z } from 'zod';
import type { CityData } from '../core/city/city.ts';
import type { Kpi } from '../core/kpi/kpi.ts';
import type { NotationError } from '../core/notation/index.ts';
import { parseQuantity } from '../core/notation/index.ts';
import type { Plan, PlanNode } from '../core/plan/plan.ts';
import { actorName, type StaffUser } from '../auth/user.ts';
import type { Executor } from '../storage/database.ts';
import { listDepartments, setKpiOwner } from '../storage/department.repository.ts';
import { findKpiBySlug } from '../storage/kpi.repository.ts';
import { recordActuals } from '../actuals/record-actual.command.ts';
import { submitTextForReview } from '../review/review.service.ts';
import { appendStaffChangeLog, inStaffTransaction } from '../storage/staff-database.ts';
import { appendCommentary, appendStatusOverride, appendYearPublication, listYearPublications } from '../storage/staff-record.repository.ts';
import type { OverrideStatus } from '../storage/tables/staff.table.ts';
import { findTarget, reviseTarget } from '../storage/target.repository.ts';
import { loadCityData, saveCityData } from './city-data.service.ts';
import type { CityDataStore } from './city-data.store.ts';

/**
 * Writes of the staff area: actuals, target revisions, publication, commentary, status
 * overrides, KPI and plan edits, expert evaluations. Each validates, writes in one transaction
 * with the actor in the history and the change log, and invalidates the cached city. Routes check
 * the policy before calling.
 */

/** Why one field of a form is not accepted. */
export type FieldProblem =
  | { readonly kind: 'required' | 'too-long' | 'invalid' | 'reason-required' | 'not-a-date' | 'unknown-target' | 'unknown-department' }
  | { readonly kind: 'notation'; readonly error: NotationError }
  /** A problem the shared actual validator found, with its own message in both languages. */
  | { readonly kind: 'message'; readonly kindOf: string; readonly message: { readonly ja: string; readonly en: string } };

/** A form's field problems by field name, or success with a value. */
export type FormResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: Readonly<Record<string, FieldProblem>> };

const MAX_TEXT = 2000;

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
 * back by form field name.
 */
export async function recordActual(
  db: Executor,
  store: CityDataStore,
  user: StaffUser,
  kpi: Kpi,
  form: Readonly<Record<string, string>>,
): Promise<FormResult<RecordedActual>> {
  const intent = form['intent'] === 'draft' ? 'draft' : 'submit';
  const r = await recordActuals(db, store, {
    cityId: kpi.cityId,
    actor: actorName(user),
    intent,
    rows: [
      {
        kpiId: kpi.id,
        input: { at: form['at'] ?? '', value: form['value'] ?? '', note: form['note'], source: form['source'], reason: form['reason'], explanation: form['explanation'], platformOverride: form['platformOverride'] },
      },
    ],
  });
  if (!r.ok) {
    const errors: Record<string, FieldProblem> = {};
    for (const p of r.problems.flatMap((x) => x.problems)) errors[p.field] ??= { kind: 'message', kindOf: p.kind, message: p.message };
    if (r.unknownKpis.length > 0) errors['kpi'] = { kind: 'invalid' };
    return { ok: false, errors };
  }
  const v = r.results[0]!;
  return { ok: true, value: { changed: r.written > 0, at: v.atIso, intent } };
}

/** Revises a target with a required reason and the date it was decided. */
export async function reviseKpiTarget(db: Executor, store: CityDataStore, user: StaffUser, kpi: Kpi, form: Readonly<Record<string, string>>): Promise<FormResult<null>> {
  const errors: Record<string, FieldProblem> = {};
  const targetSlug = text(form, 'target', errors, { required: true, max: 100 });
  const valueText = text(form, 'newValue', errors, { required: true, max: 100 });
  const revisedOn = text(form, 'revisedOn', errors, { required: true, max: 10 });
  const reason = text(form, 'reason', errors, { required: true, max: 1000 });
  const target = kpi.targets.find((t) => t.id === targetSlug);
  if (targetSlug !== null && !target) errors['target'] = { kind: 'unknown-target' };
  const value = valueText === null ? null : parseQuantity(valueText, { expectedUnit: kpi.unit });
  if (value && !value.ok) errors['newValue'] = { kind: 'notation', error: value.error };
  if (revisedOn !== null && !isIsoDate(revisedOn)) errors['revisedOn'] = { kind: 'not-a-date' };
  if (Object.keys(errors).length > 0 || !value?.ok || !target || reason === null || revisedOn === null) return { ok: false, errors };
  const row = await kpiRow(db, kpi.cityId, kpi.id);
  if (!(await findTarget(db, row.id, target.id))) return { ok: false, errors: { target: { kind: 'unknown-target' } } };
  await reviseTarget(db, { kpiId: row.id, targetSlug: target.id, newValue: value.value.value, decimals: value.value.decimals, reason, revisedOn }, actorName(user));
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

/** Writes (or with an empty body, withdraws) a KPI's commentary for a reporting year. */
export async function writeCommentary(db: Executor, store: CityDataStore, user: StaffUser, kpi: Kpi, form: Readonly<Record<string, string>>, current: string | undefined): Promise<FormResult<null>> {
  const errors: Record<string, FieldProblem> = {};
  const year = yearOf(form['year'], errors, 'year');
  const body = (form['body'] ?? '').trim();
  if (body.length > 4000) errors['body'] = { kind: 'too-long' };
  if (Object.keys(errors).length > 0 || year === null) return { ok: false, errors };
  const row = await kpiRow(db, kpi.cityId, kpi.id);
  await inStaffTransaction(db, async (trx) => {
    await appendCommentary(trx, { kpi_id: row.id, year, body, actor: actorName(user) });
    await submitTextForReview(trx, { cityId: kpi.cityId, entity: 'commentary', slug: kpi.id, year, content: body === '' ? null : { body }, previous: current ? { body: current } : null, actor: actorName(user) });
    await appendStaffChangeLog(trx, [
      { actor: actorName(user), action: current ? 'update' : 'create', entity: 'commentary', entityId: `${kpi.id}@${year}`, cityId: kpi.cityId, old: current ?? null, new: body === '' ? null : body },
    ]);
  });
  store.invalidate(kpi.cityId);
  return { ok: true, value: null };
}

const OVERRIDES = ['achieved', 'on-track', 'behind', 'worsening'] as const;

/** Overrides a KPI's computed status (or withdraws the override) with a required justification. */
export async function overrideStatus(
  db: Executor,
  store: CityDataStore,
  user: StaffUser,
  kpi: Kpi,
  form: Readonly<Record<string, string>>,
  current: { status: string; justification: string } | undefined,
): Promise<FormResult<null>> {
  const errors: Record<string, FieldProblem> = {};
  const raw = form['status'] ?? '';
  const status = raw === '' ? null : (OVERRIDES as readonly string[]).includes(raw) ? (raw as OverrideStatus) : undefined;
  if (status === undefined) errors['status'] = { kind: 'invalid' };
  const justification = text(form, 'justification', errors, { required: true, max: 1000 });
  if (Object.keys(errors).length > 0 || status === undefined || justification === null) return { ok: false, errors };
  const row = await kpiRow(db, kpi.cityId, kpi.id);
  await inStaffTransaction(db, async (trx) => {
    await appendStatusOverride(trx, { kpi_id: row.id, status, justification, actor: actorName(user) });
    await appendStaffChangeLog(trx, [
      { actor: actorName(user), action: status ? 'update' : 'delete', entity: 'status_override', entityId: kpi.id, cityId: kpi.cityId, old: current ?? null, new: status ? { status } : null, reason: justification },
    ]);
  });
  store.invalidate(kpi.cityId);
  return { ok: true, value: null };
}

const kpiEdit = z.object({ name: z.string().trim().min(1).max(300), nameEn: z.string().trim().max(300), unit: z.string().trim().min(1).max(30) });

/** Edits a KPI's name, English name, unit and owning department (its figures are versioned elsewhere). */
export async function editKpi(db: Executor, store: CityDataStore, user: StaffUser, kpi: Kpi, form: Readonly<Record<string, string>>): Promise<FormResult<null>> {
  const parsed = kpiEdit.safeParse({ name: form['name'] ?? '', nameEn: form['nameEn'] ?? '', unit: form['unit'] ?? '' });
  const errors: Record<string, FieldProblem> = {};
  if (!parsed.success) for (const issue of parsed.error.issues) errors[String(issue.path[0])] = { kind: issue.code === 'too_big' ? 'too-long' : 'required' };
  const departmentId = form['department'] ? Number(form['department']) : null;
  const departments = await listDepartments(db, kpi.cityId);
  if (departmentId !== null && !departments.some((d) => d.id === departmentId)) errors['department'] = { kind: 'unknown-department' };
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };
  const reason = (form['reason'] ?? '').trim() || null;
  await inStaffTransaction(db, async (trx) => {
    await updateCity(trx, user, kpi.cityId, reason, (data) => ({
      ...data,
      kpis: data.kpis.map((k) => (k.id === kpi.id ? { ...k, name: parsed.data.name, unit: parsed.data.unit, ...(parsed.data.nameEn ? { nameEn: parsed.data.nameEn } : { nameEn: undefined }) } : k)),
    }));
    if (departmentId !== null) {
      const row = await kpiRow(trx, kpi.cityId, kpi.id);
      await setKpiOwner(trx, row.id, departmentId, 'staff');
      await appendStaffChangeLog(trx, [
        { actor: actorName(user), action: 'assign', entity: 'kpi_department', entityId: kpi.id, cityId: kpi.cityId, new: { department: departments.find((d) => d.id === departmentId)!.slug }, reason },
      ]);
    }
  });
  store.invalidate(kpi.cityId);
  return { ok: true, value: null };
}

const planEdit = z.object({ title: z.string().trim().min(1).max(300), titleEn: z.string().trim().max(300), vision: z.string().trim().max(4000) });

/** Edits a plan's title, English title and vision. */
export async function editPlan(db: Executor, store: CityDataStore, user: StaffUser, plan: Plan, form: Readonly<Record<string, string>>): Promise<FormResult<null>> {
  const parsed = planEdit.safeParse({ title: form['title'] ?? '', titleEn: form['titleEn'] ?? '', vision: form['vision'] ?? '' });
  if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error.issues) };
  await updateCity(db, user, plan.cityId, (form['reason'] ?? '').trim() || null, (data) => ({
    ...data,
    plans: data.plans.map((p) =>
      p.id === plan.id ? { ...p, title: parsed.data.title, titleEn: parsed.data.titleEn || undefined, vision: parsed.data.vision || undefined } : p,
    ),
  }));
  store.invalidate(plan.cityId);
  return { ok: true, value: null };
}

const nodeEdit = z.object({ title: z.string().trim().min(1).max(300), titleEn: z.string().trim().max(300), code: z.string().trim().max(30), description: z.string().trim().max(4000) });

/** Edits a node of a plan's tree: code, title, English title, description. */
export async function editNode(db: Executor, store: CityDataStore, user: StaffUser, plan: Plan, nodeId: string, form: Readonly<Record<string, string>>): Promise<FormResult<null>> {
  const parsed = nodeEdit.safeParse({ title: form['title'] ?? '', titleEn: form['titleEn'] ?? '', code: form['code'] ?? '', description: form['description'] ?? '' });
  if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error.issues) };
  const edit = (nodes: readonly PlanNode[]): PlanNode[] =>
    nodes.map((n) =>
      n.id === nodeId
        ? { ...n, title: parsed.data.title, titleEn: parsed.data.titleEn || undefined, code: parsed.data.code || undefined, description: parsed.data.description || undefined, children: edit(n.children) }
        : { ...n, children: edit(n.children) },
    );
  await updateCity(db, user, plan.cityId, (form['reason'] ?? '').trim() || null, (data) => ({
    ...data,
    plans: data.plans.map((p) => (p.id === plan.id ? { ...p, nodes: edit(p.nodes) } : p)),
  }));
  store.invalidate(plan.cityId);
  return { ok: true, value: null };
}

/** Writes the expert evaluation (有識者からの評価) of a plan for a year, replacing that year's. */
export async function writeEvaluation(db: Executor, store: CityDataStore, user: StaffUser, plan: Plan, form: Readonly<Record<string, string>>, title: string): Promise<FormResult<null>> {
  const errors: Record<string, FieldProblem> = {};
  const year = yearOf(form['year'], errors, 'year');
  const body = text(form, 'body', errors, { required: true, max: 8000 });
  if (Object.keys(errors).length > 0 || year === null || body === null) return { ok: false, errors };
  const previous = plan.narratives.find((n) => n.kind === 'expert-evaluation' && n.year === year);
  await inStaffTransaction(db, async (trx) => {
    await updateCity(trx, user, plan.cityId, null, (data) => ({
      ...data,
      plans: data.plans.map((p) => {
        if (p.id !== plan.id) return p;
        const others = p.narratives.filter((n) => !(n.kind === 'expert-evaluation' && n.year === year));
        return { ...p, narratives: [...others, { kind: 'expert-evaluation' as const, title, body, year }] };
      }),
    }));
    await submitTextForReview(trx, { cityId: plan.cityId, entity: 'evaluation', slug: plan.id, year, content: { title, body }, previous: previous ? { title: previous.title, body: previous.body } : null, actor: actorName(user) });
    await appendStaffChangeLog(trx, [{ actor: actorName(user), action: 'update', entity: 'plan_evaluation', entityId: `${plan.id}@${year}`, cityId: plan.cityId, new: body }]);
  });
  store.invalidate(plan.cityId);
  return { ok: true, value: null };
}

/**
 * Applies an edit to the whole stored city and saves the difference: the full data is read fresh
 * from the database (never the public view, which lacks unpublished actuals), so nothing else
 * changes; the save writes the change log with old → new.
 */
async function updateCity(db: Executor, user: StaffUser, cityId: string, reason: string | null, edit: (data: CityData) => CityData): Promise<void> {
  await inStaffTransaction(db, async (trx) => {
    const data = await loadCityData(trx, cityId);
    if (!data) throw new Error(`no city ${cityId}`);
    await saveCityData(trx, edit(data), actorName(user), reason ? { reason } : {});
  });
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

function zodErrors(issues: readonly z.core.$ZodIssue[]): Record<string, FieldProblem> {
  const out: Record<string, FieldProblem> = {};
  for (const i of issues) out[String(i.path[0])] = { kind: i.code === 'too_big' ? 'too-long' : 'required' };
  return out;
}
