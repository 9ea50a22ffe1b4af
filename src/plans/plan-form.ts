import { z } from 'zod';
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

/** Optional text: trimmed, empty → null. */
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((s) => (s === '' ? null : s));
