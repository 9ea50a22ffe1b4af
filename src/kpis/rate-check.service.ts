import { ok, type Result } from '../core/result.ts';
import { reconcile, type Reconciliation } from '../core/reconciliation/reconcile.ts';
import { readPublishedKpiCsv, type CellError, type PublishedKpiLine } from '../formats/csv/published-kpi-csv.ts';

/** A published row and what reconciliation made of its rate (null: the row could not be checked, see `line.unchecked`). */
export interface RateCheck {
  readonly line: PublishedKpiLine;
  readonly result: Reconciliation | null;
}

/** Every row's check, or the first cell of the file that cannot be read. */
export type RateCheckResult = Result<readonly RateCheck[], CellError>;

/**
 * Recomputes every published rate of a CSV of KPI rows and explains those that differ. A row
 * without a figure (「－」「集計中」) or with figures in different units is reported, unchecked;
 * it never refuses the file.
 */
export function checkPublishedRates(bytes: Uint8Array): RateCheckResult {
  const read = readPublishedKpiCsv(bytes);
  if (!read.ok) return read;
  return ok(read.value.map((line) => ({ line, result: line.row ? reconcile(line.row) : null })));
}

/** The verdict of a check: the reconciliation's, or why the row was not checked. */
export function rateCheckVerdict(c: RateCheck): string {
  return c.result?.verdict ?? c.line.unchecked?.kind ?? 'no-figure';
}

/** 0 when every rate is reproduced, explained, a grade or has no figure; 1 when one is unexplained or mixes units. */
export function rateCheckExitCode(checks: readonly RateCheck[]): 0 | 1 {
  return checks.some((c) => c.result?.verdict === 'unexplained' || c.line.unchecked?.kind === 'mixed-units') ? 1 : 0;
}
