import type { CityData } from '../core/city/city.ts';
import type { Plan } from '../core/plan/plan.ts';
import { buildProgressSheet, defaultSheetYear, sheetKindsOf, sheetYears, type ProgressSheet, type SheetKind } from '../sheets/progress-sheet.ts';

/** What a request for a sheet names: the plan, the sheet kind, the reporting year. */
export interface SheetRequest {
  readonly planId: string;
  /** One of the plan's layout's sheets: 'progress' (default) or 'summary'; 'report' for the result report. */
  readonly kind?: string | undefined;
  /** A year of the plan period; the period's end (capped at this year) when absent. */
  readonly year?: string | number | undefined;
  readonly generatedOn?: string;
  readonly today?: Date;
}

export type SheetRequestError =
  | { readonly kind: 'unknown-plan'; readonly planId: string; readonly known: readonly string[] }
  | { readonly kind: 'bad-kind'; readonly input: string; readonly known: readonly string[] }
  | { readonly kind: 'bad-year'; readonly input: string; readonly from: number; readonly to: number };

export type SheetResult = { readonly ok: true; readonly sheet: ProgressSheet } | { readonly ok: false; readonly error: SheetRequestError };

/** Builds the sheet a request names from a city's data, or says what is wrong with the request. */
export function prepareSheet(data: CityData, request: SheetRequest): SheetResult {
  const plan = data.plans.find((p) => p.id === request.planId);
  if (!plan) return { ok: false, error: { kind: 'unknown-plan', planId: request.planId, known: data.plans.map((p) => p.id) } };
  const kinds = sheetKindsOf(plan.sheetLayout);
  const kindInput = request.kind === undefined || request.kind === '' ? kinds[0]! : request.kind;
  if (!kinds.includes(kindInput as SheetKind)) return { ok: false, error: { kind: 'bad-kind', input: kindInput, known: kinds } };
  const year = parseYear(plan, request.year, request.today);
  if (year === null) return { ok: false, error: { kind: 'bad-year', input: String(request.year), from: plan.periodStart, to: Math.max(plan.periodEnd, plan.periodStart) } };
  return {
    ok: true,
    sheet: buildProgressSheet(data, plan, { kind: kindInput as SheetKind, year, ...(request.generatedOn ? { generatedOn: request.generatedOn } : {}) }),
  };
}

/** A message for a request error, in English (the CLI's language for errors). */
export function describeSheetRequestError(e: SheetRequestError): string {
  switch (e.kind) {
    case 'unknown-plan':
      return `unknown plan "${e.planId}"; known: ${e.known.join(', ')}`;
    case 'bad-kind':
      return `the plan's form has no sheet "${e.input}"; expected ${e.known.join(' or ')}`;
    case 'bad-year':
      return `the year "${e.input}" is not a year of the plan period ${e.from}–${e.to}`;
  }
}

/** The plans whose period holds `year` (a sheet of that year can be made of them), earliest start first. */
export function plansCoveringYear(data: CityData, year: number): Plan[] {
  return data.plans.filter((p) => p.periodStart <= year && year <= Math.max(p.periodStart, p.periodEnd)).sort((a, b) => a.periodStart - b.periodStart);
}

/** A download's file name: `ichinoseki-sdgs-future-city-1-2023-progress.xlsx`. */
export function sheetFileName(sheet: ProgressSheet, extension: 'xlsx' | 'pdf' | 'html', purpose: 'submission' | 'reimport' = 'submission'): string {
  return `${sheet.plan.id}-${sheet.year}-${sheet.kind}${purpose === 'reimport' ? '-reimport' : ''}.${extension}`;
}

function parseYear(plan: Plan, input: string | number | undefined, today?: Date): number | null {
  if (input === undefined || input === '') return defaultSheetYear(plan, today);
  const year = typeof input === 'number' ? input : /^\d{4}$/.test(input.trim()) ? Number(input.trim()) : NaN;
  if (!Number.isInteger(year) || year < plan.periodStart || year > Math.max(plan.periodEnd, plan.periodStart)) return null;
  return year;
}

/** The review list of one sheet: where it prints something other than the system's figures or methods. */
export interface SheetReview {
  readonly year: number;
  readonly kind: SheetKind;
  readonly submittedOn: string | null;
  readonly documentId: string | null;
  readonly differences: ProgressSheet['differences'];
}

/**
 * Every sheet of a plan (each reporting year of the period so far × each sheet of its layout)
 * with its differences, for the secretariat's review list (issue 14.4): built from the same data
 * as the sheets (the public, published figures), so the list speaks of what is submitted.
 */
export function sheetReviews(data: CityData, plan: Plan, today?: Date): SheetReview[] {
  const out: SheetReview[] = [];
  for (const year of sheetYears(plan, today)) {
    for (const kind of sheetKindsOf(plan.sheetLayout)) {
      const sheet = buildProgressSheet(data, plan, { kind, year });
      out.push({ year, kind, submittedOn: sheet.submittedOn, documentId: sheet.documentId, differences: sheet.differences });
    }
  }
  return out;
}
