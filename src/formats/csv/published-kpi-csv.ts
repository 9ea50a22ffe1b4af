import { parseQuantity, parseRate, parseTimePoint } from '../../core/notation/index.ts';
import type { Quantity } from '../../core/quantity.ts';
import type { PublishedRow } from '../../core/reconciliation/reconcile.ts';
import type { TimePoint } from '../../core/time/time-point.ts';
import { readCsv } from './read-csv.ts';

/** The header of a CSV of KPI rows exactly as a city published them. */
export const PUBLISHED_KPI_COLUMNS = ['name', 'baseline_at', 'baseline', 'actual_at', 'actual', 'target_at', 'target', 'published_rate'] as const;

/** One published KPI row, read. */
export interface PublishedKpiLine {
  readonly line: number;
  readonly name: string;
  readonly baselineAt: TimePoint | null;
  readonly actualAt: TimePoint | null;
  readonly targetAt: TimePoint | null;
  readonly row: PublishedRow;
}

/** Where and why a cell could not be read. */
export interface CellError {
  readonly line: number;
  readonly column?: number;
  readonly columnName?: string;
  readonly input?: string;
  readonly message: string;
}

export type PublishedKpiCsvResult = { readonly ok: true; readonly rows: readonly PublishedKpiLine[] } | { readonly ok: false; readonly error: CellError };

/**
 * Reads a CSV of published KPI rows (UTF-8 with or without BOM, or Shift_JIS), cells as
 * printed: `2024年3月`, `令和５年度`, `1,111 社`, `-21.7 ％`, `▲3.2`, `65%`. A figure printed
 * without its unit takes the unit of another figure of the row. The first unreadable cell
 * stops the read, with its line and column.
 */
export function readPublishedKpiCsv(bytes: Uint8Array): PublishedKpiCsvResult {
  const csv = readCsv(bytes, PUBLISHED_KPI_COLUMNS);
  if (!csv.ok) return csv;
  const columnOf = (name: string): number => csv.header.indexOf(name) + 1;
  const rows: PublishedKpiLine[] = [];
  for (const { line, cells } of csv.rows) {
    const fail = (columnName: string, message: string): PublishedKpiCsvResult => ({
      ok: false,
      error: { line, column: columnOf(columnName), columnName, input: cells[columnName] ?? '', message },
    });
    const name = cells['name'] ?? '';
    if (name === '') return fail('name', 'the KPI name is empty');

    const times: Record<string, TimePoint | null> = {};
    for (const col of ['baseline_at', 'actual_at', 'target_at']) {
      const cell = cells[col] ?? '';
      if (cell === '') {
        times[col] = null;
        continue;
      }
      const t = parseTimePoint(cell);
      if (!t.ok) return fail(col, t.error.message);
      times[col] = t.value;
    }

    const figures: Record<string, Quantity> = {};
    for (const col of ['baseline', 'actual', 'target']) {
      const cell = cells[col] ?? '';
      if (cell === '') return fail(col, `the ${col} figure is empty`);
      const q = parseQuantity(cell);
      if (!q.ok) return fail(col, q.error.message);
      figures[col] = q.value;
    }
    const unit = [figures['baseline']!, figures['actual']!, figures['target']!].find((q) => q.unit !== '')?.unit ?? '';
    const withUnit = (q: Quantity) => ({ value: q.value, decimals: q.decimals, unit: q.unit || unit });

    let publishedRate: PublishedRow['publishedRate'] = null;
    const rateCell = cells['published_rate'] ?? '';
    if (rateCell !== '') {
      const r = parseRate(rateCell);
      if (!r.ok) return fail('published_rate', r.error.message);
      publishedRate = r.value;
    }
    rows.push({
      line,
      name,
      baselineAt: times['baseline_at'] ?? null,
      actualAt: times['actual_at'] ?? null,
      targetAt: times['target_at'] ?? null,
      row: { baseline: withUnit(figures['baseline']!), actual: withUnit(figures['actual']!), target: withUnit(figures['target']!), publishedRate },
    });
  }
  return { ok: true, rows };
}
