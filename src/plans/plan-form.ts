import { z } from 'zod';
import { INDICATOR_CODE } from '../core/kpi/kpi-definition.ts';
import { describeTextProblem, textProblemIn, type TextProblem } from '../core/text.ts';
import type { FieldProblem, FormResult } from '../staff/staff-entry.service.ts';
import { isConcurrentWriteError } from '../storage/edit-version.ts';
import { fillMessage } from '../i18n/fill.ts';
import { t, type MessageKey } from '../i18n/messages.ts';

/*
 * What the plan and KPI commands share: field problems with their message from the catalog,
 * zod issues as field problems, and the versioned-write wrapper that turns a lost race into an
 * edit conflict (issue 10.4).
 */

/** A field problem with the catalog's message in both languages (vars filled). */
export function problem(key: MessageKey, vars: Readonly<Record<string, string | number>> = {}): FieldProblem {
  return { kind: 'message', kindOf: key, message: { ja: fillMessage(t('ja', key), vars), en: fillMessage(t('en', key), vars) } };
}

/** zod issues as field problems by field name (the first issue of each field). */
export function zodProblems(issues: readonly z.core.$ZodIssue[]): Record<string, FieldProblem> {
  const out: Record<string, FieldProblem> = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? 'form');
    if (out[field]) continue;
    const text = issue.code === 'custom' ? (issue.params as { textProblem?: TextProblem } | undefined)?.textProblem : undefined;
    if (text) {
      out[field] = textFieldProblem(text);
      continue;
    }
    if (field === 'indicator') {
      out[field] = problem('plans.error.indicator');
      continue;
    }
    out[field] = issue.code === 'too_big' ? { kind: 'too-long' } : issue.code === 'too_small' && 'minimum' in issue && issue.minimum === 1 && issue.origin === 'string' ? { kind: 'required' } : { kind: 'invalid' };
  }
  return out;
}

/** Thrown inside a command's transaction to roll it back with field problems (nothing written). */
export class FieldRefusal extends Error {
  constructor(readonly errors: Record<string, FieldProblem>) {
    super('refused');
  }
}

/**
 * Runs a write: its value; field problems when it refused ({@link FieldRefusal}); an edit
 * conflict when a version check failed (StaleVersionError) or the database refused a
 * concurrent write (unique violation, serialization failure). Anything else is a bug.
 */
export async function versionedWrite<T>(entity: string, entityId: string, write: () => Promise<T>): Promise<FormResult<T>> {
  try {
    return { ok: true, value: await write() };
  } catch (e) {
    if (e instanceof FieldRefusal) return { ok: false, errors: e.errors };
    if (isConcurrentWriteError(e)) return { ok: false, conflict: { kind: 'edit-conflict', entity, entityId } };
    throw e;
  }
}

/** An id a user may type for a plan, node or KPI (the database's slug rule). */
export const SLUG = /^[a-z0-9][a-z0-9-]*$/;

/** A short random id suffix for ids the user left empty (`n-4k2j9x`). */
export function randomSlug(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
}

/** A field problem for a text with a control or invisible format character, the character named (core/text.ts). */
export function textFieldProblem(p: TextProblem): FieldProblem {
  const d = describeTextProblem(p);
  return { kind: 'message', kindOf: `text.${p.kind}`, message: { ja: `${d.ja}。`, en: `This field ${d.en}.` } };
}

/** Whether a text field spans lines (descriptions, definitions, reasons) or not (titles, names, codes, units). */
export type TextLines = 'single-line' | 'multi-line';

/**
 * A free text as typed, trimmed, at most `max` characters, refused (with the character named) when
 * it holds a control character or an invisible format character that can disguise it (bidi
 * override, zero-width…; core/text.ts). Japanese text, full-width forms and variation selectors
 * pass; line breaks only in a multi-line field.
 */
export const freeText = (max: number, lines: TextLines) =>
  z
    .string()
    .trim()
    .max(max)
    .superRefine((s, ctx) => {
      const p = textProblemIn(s, lines === 'single-line');
      if (p) ctx.addIssue({ code: 'custom', message: describeTextProblem(p).en, params: { textProblem: p } });
    });

/** A required {@link freeText}. */
export const requiredText = (max: number, lines: TextLines = 'single-line') => freeText(max, lines).pipe(z.string().min(1));

/**
 * An optional standard indicator code (Kpi.indicator: "12.5.1", or a code of another published
 * list; letters, digits and . _ : -, at most 64): KPIs of several cities with one code compare
 * side by side. Empty → null; anything else not a code is refused (zod issue `invalid_format`).
 */
export const indicatorCode = () =>
  z
    .string()
    .trim()
    .transform((s) => (s === '' ? null : s))
    .pipe(z.string().regex(INDICATOR_CODE).nullable());

/** An optional {@link freeText}: empty → null. */
export const optionalText = (max: number, lines: TextLines = 'single-line') => freeText(max, lines).transform((s) => (s === '' ? null : s));
