import type { BilingualText } from '../../core/bilingual.ts';
import { ok, type Result } from '../../core/result.ts';
import { isNotAvailable, normalizeNotation, parseFigure, parsePublishedRate, parseTimePointNoted, scaledUnit, scaleQuantity, type Figure, type NotationNote } from '../../core/notation/index.ts';
import type { PublishedRow, StatedMethod } from '../../core/reconciliation/reconcile.ts';
import type { TimePoint } from '../../core/time/time-point.ts';
import { readCsv } from './read-csv.ts';

/** The header of a CSV of KPI rows exactly as a city published them (an optional `method` column may follow). */
export const PUBLISHED_KPI_COLUMNS = ['name', 'baseline_at', 'baseline', 'actual_at', 'actual', 'target_at', 'target', 'published_rate'] as const;

/** Values of the optional `method` column: how the city says it computes the rate. */
const METHODS: Readonly<Record<string, StatedMethod>> = {
  'progress-from-baseline': 'progress-from-baseline',
  ratio: 'ratio-method',
  'ratio-method': 'ratio-method',
  'inverse-ratio': 'inverse-ratio',
  'mirrored-ratio': 'mirrored-ratio',
  capped: 'capped',
  maintained: 'maintained',
  fraction: 'fraction',
};

/** A note of one cell: what was read beside the value (約, ※1, an era year past its end). */
export interface CellNote extends NotationNote {
  readonly column: string;
}

/**
 * Why a row is reported without a check: a figure the table marks as not known (「－」「集計中」,
 * or an empty actual or target), or figures in different base units (「10人」 beside 「12件」),
 * which are never computed across. The same base unit under 万/億/千 (「10万人」 beside
 * 「123,000人」) is scaled instead, with a note; a figure without a unit beside such figures is
 * mixed-units too (which of them it is in cannot be told).
 */
export interface UncheckedRow {
  readonly kind: 'no-figure' | 'mixed-units';
  readonly column: string;
  readonly message: BilingualText;
}

/** One published KPI row, read. `row` is null when the row cannot be checked (see `unchecked`). */
export interface PublishedKpiLine {
  readonly line: number;
  readonly name: string;
  readonly baselineAt: TimePoint | null;
  readonly actualAt: TimePoint | null;
  readonly targetAt: TimePoint | null;
  readonly row: PublishedRow | null;
  readonly unchecked?: UncheckedRow;
  readonly notes: readonly CellNote[];
}

/** Where and why a cell could not be read. */
export interface CellError {
  readonly line: number;
  readonly column?: number;
  readonly columnName?: string;
  readonly input?: string;
  readonly message: string;
}

/** The rows of the file, or the first cell that cannot be read. */
export type PublishedKpiCsvResult = Result<readonly PublishedKpiLine[], CellError>;

/**
 * Reads a CSV of published KPI rows (UTF-8 with or without BOM, Shift_JIS or UTF-16; comma- or
 * tab-separated; title rows above the header skipped), cells as printed: `2024年3月`,
 * `令和５年度`, `令和5(2023)年度`, `H30.3末現在`, `1,111 社`, `1万2600回`, `約1,200人`, `-21.7 ％`,
 * `▲3.2`, `65%`, `◎`. A figure printed without its unit takes the unit of another figure of the
 * row; figures of one base unit printed with different 万/億/千 prefixes are scaled to the finest
 * (「2万人」 beside 「1万5000人」 is 20,000 人), with a note. No baseline (empty or 「－」) leaves the baseline out; 「－」 or 「集計中」 as actual or
 * target reports the row as having no figure; 「－」 as rate is no published rate. The first
 * unreadable cell stops the read, with its line and column.
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
    const notes: CellNote[] = [];
    const blank = (cell: string) => cell === '' || isNotAvailable(normalizeNotation(cell));

    const times: Record<string, TimePoint | null> = {};
    for (const col of ['baseline_at', 'actual_at', 'target_at']) {
      const cell = cells[col] ?? '';
      if (blank(cell)) {
        times[col] = null;
        continue;
      }
      const t = parseTimePointNoted(cell);
      if (!t.ok) return fail(col, t.error.message);
      times[col] = t.value.point;
      notes.push(...t.value.notes.map((n) => ({ ...n, column: col })));
    }

    const figures: Record<string, Figure | null> = {};
    let unchecked: UncheckedRow | undefined;
    for (const col of ['baseline', 'actual', 'target']) {
      const cell = cells[col] ?? '';
      if (blank(cell)) {
        figures[col] = null;
        if (col !== 'baseline' && !unchecked) {
          unchecked = {
            kind: 'no-figure',
            column: col,
            message: {
              ja: `${col === 'actual' ? '実績' : '目標値'}がありません${cell === '' ? '' : `（「${cell}」）`}：この行の達成度は確認できません`,
              en: `no ${col} figure${cell === '' ? '' : ` ("${cell}")`}: the rate of this row cannot be checked`,
            },
          };
        }
        continue;
      }
      const q = parseFigure(cell);
      if (!q.ok) return fail(col, q.error.message);
      figures[col] = q.value;
      notes.push(...q.value.notes.map((n) => ({ ...n, column: col })));
    }
    const printed = (['baseline', 'actual', 'target'] as const).flatMap((c) => (figures[c] && figures[c].unit !== '' ? [{ c, unit: figures[c].unit, text: cells[c] ?? '' }] : []));
    let units = [...new Set(printed.map((p) => p.unit))];
    if (!unchecked && units.length > 1) {
      // The same base unit under 万/億/千 (「2万人」 beside 「1万5000人」): scaled to the finest unit printed, with a note.
      const bases = new Set(units.map((u) => scaledUnit(u).base));
      const bare = (['baseline', 'actual', 'target'] as const).find((c) => figures[c] && figures[c].unit === '');
      if (bases.size === 1 && bare === undefined) {
        const finest = units.reduce((a, b) => (scaledUnit(b).power < scaledUnit(a).power ? b : a));
        for (const p of printed) {
          if (p.unit === finest) continue;
          const scaled = scaleQuantity(figures[p.c]!, finest)!;
          figures[p.c] = { ...figures[p.c]!, ...scaled.quantity };
          notes.push({ ...scaled.note(p.text), column: p.c });
        }
        units = [finest];
      } else {
        const other = bare ?? printed.find((p) => p.unit !== units[0])!.c;
        const list = (lang: 'ja' | 'en') => printed.map((p) => (lang === 'ja' ? `「${p.text}」（${p.unit}）` : `"${p.text}" (${p.unit})`)).join(lang === 'ja' ? '・' : ', ');
        unchecked = {
          kind: 'mixed-units',
          column: other,
          message:
            bases.size === 1
              ? {
                  ja: `単位のない数値「${cells[other] ?? ''}」が、単位の異なる数値（${list('ja')}）と並んでいます：どの単位か分からないため達成度は計算できません`,
                  en: `the figure "${cells[other] ?? ''}" has no unit beside figures in different units (${list('en')}): which unit it is in cannot be told, so the rate is not computed`,
                }
              : {
                  ja: `数値の単位が異なります（${list('ja')}）：単位をそろえないと達成度は計算できません`,
                  en: `the figures carry different units (${list('en')}): the rate cannot be computed across them`,
                },
        };
      }
    }
    const unit = units[0] ?? '';
    const withUnit = (q: Figure) => ({ value: q.value, decimals: q.decimals, unit: q.unit || unit });

    let publishedRate: PublishedRow['publishedRate'] = null;
    let grade: string | undefined;
    const rateCell = cells['published_rate'] ?? '';
    if (rateCell !== '') {
      const r = parsePublishedRate(rateCell);
      if (r.ok) {
        if (r.value.kind === 'grade') grade = r.value.grade;
        else publishedRate = { value: r.value.value, decimals: r.value.decimals, percentSign: r.value.percentSign };
      } else if (r.error.kind !== 'not-available') return fail('published_rate', r.error.message);
    }
    const methodCell = (cells['method'] ?? '').trim();
    const method = methodCell === '' ? undefined : METHODS[methodCell.toLowerCase()];
    if (methodCell !== '' && method === undefined) return fail('method', `unknown method "${methodCell}"; expected one of ${Object.keys(METHODS).join(', ')}`);
    const base = { line, name, baselineAt: times['baseline_at'] ?? null, actualAt: times['actual_at'] ?? null, targetAt: times['target_at'] ?? null, notes };
    if (unchecked || !figures['actual'] || !figures['target']) {
      rows.push({ ...base, row: null, ...(unchecked ? { unchecked } : {}) });
      continue;
    }
    rows.push({
      ...base,
      row: {
        baseline: figures['baseline'] ? withUnit(figures['baseline']) : null,
        actual: withUnit(figures['actual']),
        target: withUnit(figures['target']),
        publishedRate,
        ...(grade !== undefined ? { grade } : {}),
        ...(method !== undefined ? { method } : {}),
      },
    });
  }
  return ok(rows);
}
