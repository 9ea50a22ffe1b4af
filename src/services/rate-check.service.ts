import { reconcile, type Reconciliation } from '../core/reconciliation/reconcile.ts';
import { readPublishedKpiCsv, type CellError, type PublishedKpiLine } from '../formats/csv/published-kpi-csv.ts';

/** A published row and what reconciliation made of its rate. */
export interface RateCheck {
  readonly line: PublishedKpiLine;
  readonly result: Reconciliation;
}

export type RateCheckResult = { readonly ok: true; readonly checks: readonly RateCheck[] } | { readonly ok: false; readonly error: CellError };

/** Recomputes every published rate of a CSV of KPI rows and explains those that differ. */
export function checkPublishedRates(bytes: Uint8Array): RateCheckResult {
  const read = readPublishedKpiCsv(bytes);
  if (!read.ok) return read;
  return { ok: true, checks: read.rows.map((line) => ({ line, result: reconcile(line.row) })) };
}

/** 0 when every rate is reproduced or explained, 1 when one is unexplained. */
export function rateCheckExitCode(checks: readonly RateCheck[]): 0 | 1 {
  return checks.some((c) => c.result.verdict === 'unexplained') ? 1 : 0;
}
