import type { BilingualText } from '../core/bilingual.ts';
import { z } from 'zod';
import type { Kpi, Observation } from '../core/kpi/kpi.ts';
import { evaluateKpi } from '../core/kpi/kpi-evaluation.ts';
import type { KpiStatus } from '../core/kpi/status.ts';
import { normalizeUnit, parseQuantity, parseTimePoint } from '../core/notation/index.ts';
import { decimalsOf } from '../core/quantity.ts';
import { formatTimePointIso, reportingYear, timePointEnd, type TimePoint } from '../core/time/time-point.ts';
import { textProblemIn, TEXT_LIMITS } from '../core/text.ts';
import { fillMessage } from '../i18n/fill.ts';
import { t, type MessageKey } from '../i18n/messages.ts';

/*
 * One validator for every way an actual is written (issue 10, point 3): the staff form, the
 * file import and the staff JSON API give it the same input and get the same answer. The partner
 * platform is not a writer: its counts are derived at read time (src/partners/platform-count.ts)
 * and never stored, so they need no validation; what reaches here for a KPI the platform feeds
 * is a person's override, which must give its reason. It reads the time point and figure as printed, checks them against the KPI,
 * decides new / correction / unchanged once, and says what else the write needs (a correction's
 * reason, an explanation when the status turns to behind or worsening, an override reason for a
 * KPI the platform feeds). Pure: the command hands in the KPI as stored (drafts included).
 */

/** The fields of one actual, as typed or as found in a file's cells. */
export interface ActualInput {
  /**
   * The time point as printed (`2024年3月`, `令和6年度`, `2020年～2024年`), or one a file's reader
   * already read from its cell (a date cell, a bare year under a 「年度」 heading).
   */
  readonly at: string | { readonly point: TimePoint };
  /** The figure as printed (`1,111 社`, `▲3.2`), or a spreadsheet number with its format's decimals. */
  readonly value: string | { readonly number: number; readonly decimals?: number | undefined };
  /** A unit given beside the value (an import's 単位 column); must be the KPI's. */
  readonly unit?: string | null | undefined;
  /** Empty or absent keeps the stored note (or none). */
  readonly note?: string | null | undefined;
  /** Empty or absent keeps the stored source (or none). */
  readonly source?: string | null | undefined;
  /** Why an existing actual is corrected; required for a correction. */
  readonly reason?: string | null | undefined;
  /** Why the status turns to behind or worsening; required then. */
  readonly explanation?: string | null | undefined;
  /** Why a platform-fed KPI is entered by hand; without it such a KPI refuses the entry. */
  readonly platformOverride?: string | null | undefined;
}

/** The fields a problem can be about (the form's field names; the import maps them to columns). */
export type ActualField = 'kpi' | 'at' | 'value' | 'unit' | 'note' | 'source' | 'reason' | 'explanation' | 'platformOverride';

/** What is wrong with an input. */
export type ActualProblemKind =
  | 'required'
  | 'too-long'
  | 'control-character'
  /** A bidi override or isolate, a zero-width or other invisible format character (core/text.ts): it can disguise the text. */
  | 'invisible-character'
  | 'unreadable-date'
  | 'unreadable-value'
  | 'unit-mismatch'
  | 'percentage-out-of-range'
  | 'reason-required'
  | 'explanation-required'
  | 'platform-fed'
  | 'not-permitted';

/** One problem of an input: where, what kind, and the message in both languages. */
export interface ActualProblem {
  readonly field: ActualField;
  readonly kind: ActualProblemKind;
  readonly message: BilingualText;
}

/** A valid input: what to write, and whether it is new, a correction or already current. */
export interface ValidActual {
  readonly kpiId: string;
  readonly at: TimePoint;
  readonly atIso: string;
  readonly year: number;
  readonly value: number;
  /** Decimals to store (null: the figure's own, when a correction keeps a stored figure without them). */
  readonly decimals: number | null;
  readonly note: string | null;
  readonly source: string | null;
  readonly kind: 'new' | 'correct' | 'unchanged';
  readonly before: Observation | null;
  readonly reason: string | null;
  readonly explanation: string | null;
  readonly platformOverride: string | null;
  /** The status the KPI had before and has with this value (staff data). */
  readonly statusBefore: KpiStatus | null;
  readonly statusAfter: KpiStatus | null;
}

/** The outcome of validating one input. */
export type ActualValidation = { readonly ok: true; readonly value: ValidActual } | { readonly ok: false; readonly problems: readonly ActualProblem[] };

/** What the validator needs to know of a KPI beyond its stored data. */
export interface ActualContext {
  /** The first year the partner platform feeds this KPI (null: not platform-fed). */
  readonly platformFrom?: number | null;
  /** Whether the writer may enter actuals of this KPI (false: refused as not permitted). */
  readonly permitted?: boolean;
}

/** Longest texts accepted (the same for every path); note, source and reason as every text of their kind (core/text.ts). */
export const ACTUAL_LIMITS = { at: 100, value: 100, note: TEXT_LIMITS.note, source: TEXT_LIMITS.source, reason: TEXT_LIMITS.reason, explanation: 400, platformOverride: 500 } as const;

/** Statuses that ask whoever enters the value for an explanation. */
const EXPLAIN: readonly KpiStatus[] = ['behind', 'worsening', 'missed'];

/** The schema of the staff JSON API's body: the same fields as the form. */
export const actualInputSchema = z.object({
  at: z.string(),
  value: z.union([z.string(), z.number().finite().transform((n) => ({ number: n }))]),
  unit: z.string().nullish(),
  note: z.string().nullish(),
  source: z.string().nullish(),
  reason: z.string().nullish(),
  explanation: z.string().nullish(),
  platformOverride: z.string().nullish(),
  draft: z.boolean().optional(),
  /** The version of this actual the client read (0: none); given, a change meanwhile is a 409 (issue 10.4). */
  version: z.number().int().min(0).max(2_147_483_647).optional(),
});

/**
 * Validates a batch of inputs for one KPI each, in order (an import's rows, or the form's one):
 * each row alone, then per KPI whether the batch turns its status to behind or worsening, in
 * which case the row holding the KPI's latest changed time point needs an explanation. Rows of
 * the same KPI and time point after the first are the caller's concern (the import reports them).
 */
export function validateActuals(items: readonly ValidationItem[]): ActualValidation[] {
  const steps = validationSteps(items);
  for (let step = steps.next(); ; step = steps.next()) if (step.done) return step.value;
}

/**
 * {@link validateActuals} for a large batch (an import's 100,000 rows), giving the event loop a
 * turn every {@link VALIDATION_SLICE} rows or KPIs: the same answer, without holding every other
 * request of the server for the seconds the whole batch takes.
 */
export async function validateActualsYielding(items: readonly ValidationItem[]): Promise<ActualValidation[]> {
  const steps = validationSteps(items);
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done) return step.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** One input of {@link validateActuals}: the KPI it is for, what was typed, and what the writer may do. */
export type ValidationItem = { readonly kpi: Kpi; readonly input: ActualInput; readonly context?: ActualContext };

/** Rows (or KPIs) validated between two turns of the event loop in {@link validateActualsYielding}. */
const VALIDATION_SLICE = 1000;

/** The validation itself, pausing (a `yield`) after each {@link VALIDATION_SLICE} rows or KPIs; the drivers above run it. */
function* validationSteps(items: readonly ValidationItem[]): Generator<void, ActualValidation[], void> {
  // A file repeats the same time points on many rows: each is read once per batch.
  const timePoints = new Map<string, ReturnType<typeof parseTimePoint>>();
  const readAt = (raw: string) => {
    let p = timePoints.get(raw);
    if (!p) timePoints.set(raw, (p = parseTimePoint(raw)));
    return p;
  };
  const results: ActualValidation[] = [];
  for (const { kpi, input, context } of items) {
    results.push(validateOne(kpi, input, context ?? {}, readAt));
    if (results.length % VALIDATION_SLICE === 0) yield;
  }
  // Per KPI: apply every valid change, compare the status before and after.
  const byKpi = new Map<string, number[]>();
  items.forEach((it, i) => {
    const r = results[i]!;
    if (!r.ok || r.value.kind === 'unchanged') return;
    let list = byKpi.get(it.kpi.id);
    if (!list) byKpi.set(it.kpi.id, (list = []));
    list.push(i);
  });
  let kpisDone = 0;
  for (const [, indexes] of byKpi) {
    if (++kpisDone % VALIDATION_SLICE === 0) yield;
    const kpi = items[indexes[0]!]!.kpi;
    const changes = new Map(indexes.map((i) => [(results[i] as { value: ValidActual }).value.atIso, (results[i] as { value: ValidActual }).value]));
    const after: Kpi = {
      ...kpi,
      observations: [
        ...kpi.observations.filter((o) => !changes.has(formatTimePointIso(o.at))),
        ...[...changes.values()].map((v) => ({ at: v.at, value: v.value, ...(v.decimals !== null && { decimals: v.decimals }) })),
      ],
    };
    const statusBefore = evaluateKpi(kpi)?.status.status ?? null;
    const statusAfter = evaluateKpi(after)?.status.status ?? null;
    const last = indexes.reduce((a, b) => (timePointEnd((results[b] as { value: ValidActual }).value.at) >= timePointEnd((results[a] as { value: ValidActual }).value.at) ? b : a));
    for (const i of indexes) {
      const v = (results[i] as { value: ValidActual }).value;
      results[i] = { ok: true, value: { ...v, statusBefore, statusAfter } };
    }
    const turned = statusAfter !== null && EXPLAIN.includes(statusAfter) && statusAfter !== statusBefore;
    const chosen = (results[last] as { value: ValidActual }).value;
    if (turned && chosen.explanation === null) {
      results[last] = { ok: false, problems: [problem('explanation', 'explanation-required', { status: `${t('ja', `status.${statusAfter}` as MessageKey)}` }, { status: t('en', `status.${statusAfter}` as MessageKey) })] };
    }
  }
  return results;
}

/** Validates one input (see {@link validateActuals}, which also asks for explanations). */
export function validateActual(kpi: Kpi, input: ActualInput, context: ActualContext = {}): ActualValidation {
  return validateActuals([{ kpi, input, context }])[0]!;
}

function validateOne(kpi: Kpi, input: ActualInput, context: ActualContext, readAt: (raw: string) => ReturnType<typeof parseTimePoint> = parseTimePoint): ActualValidation {
  const problems: ActualProblem[] = [];
  if (context.permitted === false) return { ok: false, problems: [problem('kpi', 'not-permitted', { kpi: kpi.name })] };
  const text = (field: keyof typeof ACTUAL_LIMITS, raw: string | null | undefined, required = false): string | null => {
    const v = (raw ?? '').trim();
    if (v === '') {
      if (required) problems.push(problem(field, 'required', { field: fieldLabel('ja', field) }, { field: fieldLabel('en', field) }));
      return null;
    }
    // Stored and shown on public pages as typed: no control characters (a NUL byte, a bell…).
    const bad = textProblemIn(v);
    if (bad) problems.push(problem(field, bad.kind === 'control' ? 'control-character' : 'invisible-character', { field: fieldLabel('ja', field), char: bad.char }, { field: fieldLabel('en', field), char: bad.char }));
    else if (v.length > ACTUAL_LIMITS[field]) {
      const max = ACTUAL_LIMITS[field];
      problems.push(problem(field, 'too-long', { field: fieldLabel('ja', field), length: v.length.toLocaleString('ja-JP'), max: max.toLocaleString('ja-JP') }, { field: fieldLabel('en', field), length: v.length.toLocaleString('en'), max: max.toLocaleString('en') }));
    }
    return v;
  };
  const atText = typeof input.at === 'string' ? text('at', input.at, true) : null;
  let at: TimePoint | null = typeof input.at === 'string' ? null : input.at.point;
  if (atText !== null) {
    const parsed = readAt(atText);
    if (parsed.ok) at = parsed.value;
    else problems.push(problem('at', 'unreadable-date', { detail: parsed.error.messageJa }, { detail: parsed.error.message }));
  }
  let value: number | null = null;
  let decimals = 0;
  if (typeof input.value === 'object') {
    value = input.value.number;
    decimals = input.value.decimals ?? decimalsOf(value);
  } else {
    const valueText = text('value', input.value, true);
    if (valueText !== null) {
      const q = parseQuantity(valueText, { expectedUnit: kpi.unit });
      if (q.ok) {
        value = q.value.value;
        decimals = q.value.decimals;
      } else if (q.error.kind === 'unit-mismatch') {
        problems.push(problem('value', 'unit-mismatch', { unit: q.error.unit ?? valueText, kpiUnit: kpi.unit }));
      } else {
        problems.push(problem('value', 'unreadable-value', { detail: q.error.messageJa }, { detail: q.error.message }));
      }
    }
  }
  const unit = (input.unit ?? '').trim();
  if (unit !== '' && normalizeUnit(unit) !== normalizeUnit(kpi.unit)) problems.push(problem('unit', 'unit-mismatch', { unit, kpiUnit: kpi.unit }));
  if (value !== null && normalizeUnit(kpi.unit) === '%') {
    const range = percentRange(kpi);
    if (value < range.low || value > range.high) problems.push(problem('value', 'percentage-out-of-range', { value, low: range.low, high: range.high === Infinity ? '∞' : range.high }));
  }
  const noteIn = text('note', input.note);
  const sourceIn = text('source', input.source);
  const reason = text('reason', input.reason);
  const explanation = text('explanation', input.explanation);
  const platformOverride = text('platformOverride', input.platformOverride);
  if (at && context.platformFrom != null && reportingYear(at) >= context.platformFrom && platformOverride === null) {
    problems.push(problem('platformOverride', 'platform-fed', {}));
  }
  if (problems.length > 0 || at === null || value === null) return { ok: false, problems };

  const atIso = formatTimePointIso(at);
  const before = storedByIso(kpi).get(atIso) ?? null;
  const note = noteIn ?? before?.note ?? null;
  const source = sourceIn ?? before?.source ?? null;
  const beforeDecimals = before ? (before.decimals ?? decimalsOf(before.value)) : null;
  const same = before !== null && before.value === value && beforeDecimals === decimals && (before.note ?? null) === note && (before.source ?? null) === source;
  if (before && !same && reason === null) return { ok: false, problems: [problem('reason', 'reason-required', {})] };
  return {
    ok: true,
    value: {
      kpiId: kpi.id,
      at,
      atIso,
      year: reportingYear(at),
      value,
      // A stored figure without explicit decimals keeps that form when the figure itself is unchanged.
      decimals: before && before.value === value && before.decimals === undefined && decimals === decimalsOf(value) ? null : decimals,
      note,
      source,
      kind: same ? 'unchanged' : before ? 'correct' : 'new',
      before,
      reason,
      explanation,
      platformOverride,
      statusBefore: null,
      statusAfter: null,
    },
  };
}

/** A KPI's stored actuals by ISO time point, built once per KPI object (an import checks 100,000 rows against it). */
const storedIndex = new WeakMap<Kpi, Map<string, Observation>>();
function storedByIso(kpi: Kpi): Map<string, Observation> {
  let m = storedIndex.get(kpi);
  if (!m) storedIndex.set(kpi, (m = new Map(kpi.observations.map((o) => [formatTimePointIso(o.at), o]))));
  return m;
}

/**
 * The values a percentage KPI may take: 0–100 for a share; a KPI whose own baseline or targets
 * are negative (a reduction such as −21.7 % vs 2013) may go down to −100; one whose figures
 * exceed 100 (a growth rate) has no upper bound.
 */
export function percentRange(kpi: Kpi): { low: number; high: number } {
  const own = [kpi.baseline.value, ...kpi.targets.map((x) => x.value)];
  return { low: own.some((v) => v < 0) ? -100 : 0, high: own.some((v) => v > 100) ? Number.POSITIVE_INFINITY : 100 };
}

function fieldLabel(lang: 'ja' | 'en', field: ActualField): string {
  return field === 'kpi' || field === 'unit' ? field : t(lang, `actual.field.${field}` as MessageKey);
}

function problem(field: ActualField, kind: ActualProblemKind, varsJa: Record<string, string | number>, varsEn: Record<string, string | number> = varsJa): ActualProblem {
  const key = `actual.problem.${kind}` as MessageKey;
  return { field, kind, message: { ja: fillMessage(t('ja', key), varsJa), en: fillMessage(t('en', key), varsEn) } };
}
