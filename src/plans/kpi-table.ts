import type { KpiAggregation, KpiSide } from '../core/kpi/kpi.ts';
import { kpiNameKey, normalizeUnit, parseFigure, parseKpiName, parsePublishedRate, parseSdgTargetList, parseTimePoint } from '../core/notation/index.ts';
import { normalizeNotation } from '../core/notation/index.ts';
import { formatTimePointIso, reportingYear, type TimePoint } from '../core/time/time-point.ts';
import { columnName, type RawCell } from '../formats/csv/observation-rows.ts';
import type { GridRow } from '../formats/xlsx/observation-workbook.reader.ts';
import { describeTextProblem, textProblemIn, TEXT_LIMITS } from '../core/text.ts';

/*
 * The KPI table a city already has (issue 13.5), read from displayed cells: the layout of the
 * progress sheets' tables (4)/(1)/(2) — No, side, 取組名, 指標名 with 【targets】 and flags,
 * 当初値 年/値, yearly actuals 年/値, 目標値 年/値, 達成度, 反映状況, as the seeds print them and
 * as the app's own sheet export writes them (a group heading over 年｜値｜単位) — or the one-row
 * KPI-list template (KPI_LIST_TEMPLATE_HEADER). Pure: the cells come from the file readers
 * (src/formats, in the import worker); every printed notation is read by core/notation. A
 * problem names its row and column; nothing here throws for bad input.
 */

/** A problem of a cell or row of the table; `kind` is stable, the messages quote the cell. */
export interface KpiTableProblem {
  readonly sheet?: string;
  readonly row: number;
  readonly column: string;
  readonly kind:
    | 'missing-name'
    | 'missing-baseline'
    | 'missing-unit'
    | 'unit-mismatch'
    | 'wrong-year'
    | 'unreadable-time'
    | 'unreadable-number'
    | 'unreadable-rate'
    | 'unreadable-sdg-targets'
    | 'conflicting-figures'
    | 'bad-text'
    | 'no-table'
    /** A KPI row (name and baseline) under a title that ended the table above, with no header row of its own. */
    | 'outside-table'
    /** A 方向 cell that says neither up nor down. */
    | 'unreadable-direction'
    /** A target below the baseline and no direction stated (issue 13.3: never guessed). */
    | 'direction-required'
    /** The row names (by 指標ID or name) a KPI the city archived: restore it first. */
    | 'archived-kpi'
    /** A new plan and no 「計画期間YYYY年～YYYY年」 row: the period is asked, never inferred from the actuals' years. */
    | 'missing-period';
  readonly message: { readonly ja: string; readonly en: string };
}

/** A figure of a row: where it was printed and what it says. */
export interface TableFigure {
  readonly at: TimePoint;
  readonly value: number;
  readonly decimals: number;
  readonly column: string;
}

/** One KPI row of the table, read. */
export interface KpiTableRow {
  readonly sheet?: string;
  readonly row: number;
  /** Index of the table in the file (0-based) and its title row, if any (「(1) 2030年のあるべき姿…」). */
  readonly table: number;
  /** 取組名 (a merged cell, or blank under the previous row's, continues it). */
  readonly initiative?: string;
  readonly no?: string;
  readonly side: KpiSide;
  /** 指標ID when the file names it (the app's export, the template). */
  readonly kpiId?: string;
  /** The name as printed, flags kept, the SDG bracket removed (parseKpiName). */
  readonly name: string;
  readonly nameKey: string;
  /** Where the name was printed (problems about the KPI as a whole point there). */
  readonly nameColumn?: string;
  /** The 方向 as stated (増加/減少, ↑/↓, up/down); absent when the row does not say. */
  readonly direction?: 'up' | 'down';
  /** Where the 方向 column is, when the table has one. */
  readonly directionColumn?: string;
  readonly aggregation: KpiAggregation;
  readonly sdgTargets: readonly string[];
  readonly unit: string;
  readonly baseline: TableFigure;
  readonly actuals: readonly TableFigure[];
  readonly targets: readonly TableFigure[];
  /** The 達成度 as printed (a rate in %, not a grade). */
  readonly rate?: { readonly value: number; readonly decimals: number; readonly printed: string };
  readonly reflection?: string;
  readonly commentary?: string;
}

/** A table of the file: its title row above the header, if any. */
export interface KpiTableSection {
  readonly title?: string;
}

/** The whole file read: the plan's title and period when a title row states them, the tables, rows and problems. */
export interface KpiTable {
  /** 「茨城県つくば市 第2期SDGs未来都市計画」 from a row 「…：計画期間2021年～2023年」. */
  readonly title?: string;
  readonly period?: { readonly start: number; readonly end: number };
  readonly sections: readonly KpiTableSection[];
  readonly rows: readonly KpiTableRow[];
  readonly problems: readonly KpiTableProblem[];
}

/**
 * The KPI-list template's first row: the plan's period, which a new plan needs (never inferred
 * from the actuals' years). The user writes the years; 「<計画名>：計画期間…」 also names the plan.
 */
export const KPI_LIST_TEMPLATE_PERIOD_ROW = '計画期間：2024年～2026年';

/**
 * The KPI-list template's headings (the row under {@link KPI_LIST_TEMPLATE_PERIOD_ROW}; Japanese,
 * as downloaded from the app): a KPI per row with its baseline, latest actual and target. Extra
 * actual years are more 「実績の時点｜実績」 pairs.
 */
export const KPI_LIST_TEMPLATE_HEADER = ['No', '側面', '施策・取組', '指標名', 'SDGターゲット', '単位', '当初値の時点', '当初値', '実績の時点', '実績', '目標値の時点', '目標値', '達成度', '次期計画への反映状況', '方向'] as const;

type GroupKind = 'baseline' | 'actual' | 'target';
type Role = 'no' | 'side' | 'initiative' | 'name' | 'kpiId' | 'unit' | 'sdg' | 'rate' | 'reflection' | 'commentary' | 'direction';

interface Layout {
  readonly roles: Map<Role, number>;
  readonly groups: { kind: GroupKind; label: string; at?: number; value?: number; unit?: number }[];
}

/**
 * The words a 方向 (direction) cell may hold, as compared (NFKC, no spaces, lower case): larger
 * is better (上, 増, 増加, 上昇, 向上, ↑, 高い方が良い, up …) or smaller is better (下, 減, 減少,
 * 低下, 削減, ↓, 低い方が良い, down …). The spellings are those of cities' KPI tables and of
 * 「高いほどよい／低いほどよい」 notes in plans; anything else is refused, never guessed.
 */
const BETTER = '(?:方|ほう)?が?(?:よい|良い|いい|望ましい)|ほど(?:よい|良い|いい|望ましい)';
const DIRECTION_UP = new RegExp(`^(?:↑|⬆|↗|⤴|up|upward|increase|increasing|higher|higherisbetter|上|増|増加|上昇|向上|拡大|増やす|増加傾向|(?:高い|大きい|多い)(?:${BETTER}))$`);
const DIRECTION_DOWN = new RegExp(`^(?:↓|⬇|↘|⤵|down|downward|decrease|decreasing|lower|lowerisbetter|下|減|減少|低下|削減|縮小|減らす|減少傾向|(?:低い|小さい|少ない)(?:${BETTER}))$`);
/** Words meaning "as close to the target as possible" or "keep": a direction the app cannot evaluate. */
const DIRECTION_TARGET = new RegExp(`^(?:→|維持|現状維持|横ばい|目標値?|target|maintain|keep|(?:目標値?に)?近い(?:${BETTER}))$`);

/** A 方向 cell read: up, down, 'target' (keep / closest to the target: not evaluable), or null when it says neither. */
export function readDirection(text: string): 'up' | 'down' | 'target' | null {
  const k = key(text);
  if (DIRECTION_UP.test(k)) return 'up';
  if (DIRECTION_DOWN.test(k)) return 'down';
  if (DIRECTION_TARGET.test(k)) return 'target';
  return null;
}

const SIDES: Readonly<Record<string, KpiSide>> = { 経済: 'economy', 社会: 'society', 環境: 'environment', economy: 'economy', society: 'society', environment: 'environment' };

/** A heading as compared: NFKC, no spaces, brackets and their content after the first word kept. */
function key(text: string): string {
  return text.normalize('NFKC').replace(/[\s\u3000]+/g, '').toLowerCase();
}

function roleOf(heading: string): Role | null {
  const k = key(heading);
  if (k === '') return null;
  if (/^(no\.?|番号|№|#)$/.test(k)) return 'no';
  if (/^(側面|分野|区分|side)$/.test(k)) return 'side';
  if (/^(取組名|取組|施策|施策名|施策・取組|取組み|initiative)$/.test(k)) return 'initiative';
  if (/^(指標id|kpiid|kpi_id)$/.test(k)) return 'kpiId';
  if (k.startsWith('指標名') || /^(指標|kpi|kpi名|成果指標|indicator)/.test(k)) return 'name';
  if (/^(単位|unit)$/.test(k)) return 'unit';
  if (/^(方向|方向性|増減|目標の方向|望ましい方向|指標の方向|direction)$/.test(k)) return 'direction';
  if (/ターゲット/.test(k) && !k.startsWith('指標名')) return 'sdg';
  if (k.startsWith('達成度') || k.startsWith('達成率') || k.startsWith('achievement')) return 'rate';
  if (k.includes('反映状況') || k.startsWith('reflection')) return 'reflection';
  if (k.startsWith('進捗状況') || k.startsWith('commentary')) return 'commentary';
  return null;
}

function groupKindOf(label: string): GroupKind {
  const k = key(label);
  if (/当初|基準|baseline/.test(k)) return 'baseline';
  if (/目標|target/.test(k)) return 'target';
  return 'actual';
}

const SUB_AT = /^(年|時点|年月|年度|year)$/;
const SUB_VALUE = /^(値|数|数値|value)$/;
const SUB_UNIT = /^(単位|unit)$/;
/** One-row headings of a figure: 「当初値の時点」「当初値（年）」 and 「当初値」. */
const ONE_ROW_AT = /^(当初値|基準値|実績|実績値|目標値|現状値)(の)?[(（]?(年|時点|年度|年月)[)）]?$/;
const ONE_ROW_VALUE = /^(当初値|基準値|実績|実績値|目標値|現状値)[(（]?(値|数)?[)）]?$/;

/** A header row (and its sub-header row below, when figures are split into 年｜値): the columns' roles. */
function layoutOf(top: readonly RawCell[], below: readonly RawCell[] | undefined): { layout: Layout; rows: 1 | 2 } | null {
  const texts = top.map((c) => c.raw);
  if (!texts.some((t) => roleOf(t) === 'name')) return null;
  const subs = (below ?? []).map((c) => key(c.raw));
  const twoRow = subs.filter((s) => SUB_AT.test(s) || SUB_VALUE.test(s)).length >= 2;
  const roles = new Map<Role, number>();
  const groups: Layout['groups'] = [];
  let current: Layout['groups'][number] | null = null;
  const width = Math.max(texts.length, subs.length);
  for (let i = 0; i < width; i++) {
    const t = texts[i] ?? '';
    const sub = twoRow ? (subs[i] ?? '') : '';
    if (twoRow && (SUB_AT.test(sub) || SUB_VALUE.test(sub) || (SUB_UNIT.test(sub) && current))) {
      const open = current as Layout['groups'][number] | null;
      if (t.trim() !== '' || !open || (SUB_AT.test(sub) && open.at !== undefined)) {
        const label = t.trim() !== '' ? t.trim() : (open?.label ?? '');
        current = { kind: groupKindOf(label), label };
        groups.push(current);
      }
      const g = current!;
      if (SUB_AT.test(sub)) g.at = i;
      // The result report heads value and unit both 「数」 (年｜数｜数, one merged 数): the second is the unit.
      else if (SUB_VALUE.test(sub)) g[g.value === undefined ? 'value' : 'unit'] = i;
      else g.unit = i;
      continue;
    }
    // Under a merged 「数」 over value and unit (the result report's 年｜数), the unit column's
    // headings are both empty: it is the unit of the figure whose value is just before it.
    if (twoRow && sub === '' && t.trim() === '' && current && current.value === i - 1 && current.unit === undefined) {
      current.unit = i;
      continue;
    }
    if (t.trim() !== '') current = null;
    const k = key(t);
    const at = ONE_ROW_AT.exec(k);
    const value = at ? null : ONE_ROW_VALUE.exec(k);
    if (at || value) {
      const word = (at ?? value)![1]!;
      const kind = groupKindOf(word === '現状値' || word.startsWith('実績') ? '実績' : word);
      // A new group when this word's previous group already has this part (several actual years).
      let g = [...groups].reverse().find((x) => x.label === word);
      if (!g || (at && g.at !== undefined) || (value && g.value !== undefined)) {
        g = { kind, label: word };
        groups.push(g);
      }
      if (at) g.at = i;
      else g.value = i;
      continue;
    }
    const role = roleOf(t);
    if (role && !roles.has(role)) roles.set(role, i);
  }
  if (!groups.some((g) => g.kind === 'baseline' && g.value !== undefined)) return null;
  return { layout: { roles, groups }, rows: twoRow ? 2 : 1 };
}

/** Longest KPI name, 取組名 or title taken from a table (printed ones are under 100 characters). */
const MAX_NAME = 500;

const PERIOD = /計画期間\s*[:：]?\s*(\d{4})\s*年?(?:度)?\s*[～〜~\-－ー]\s*(\d{4})/;

/**
 * Reads the KPI tables of a file. Rows before a header are titles (the last one names the next
 * table; one stating 「計画期間YYYY年～YYYY年」 gives the plan's title and period); a header is a
 * row naming 指標名 with a 当初値 figure, over a sub-header 年｜値 (the sheets) or not (the
 * template). `todayYear` (Asia/Tokyo) bounds actuals: one dated after it is a wrong year.
 */
export function readKpiTable(rows: readonly GridRow[], todayYear: number): KpiTable {
  const problems: KpiTableProblem[] = [];
  const out: KpiTableRow[] = [];
  const sections: KpiTableSection[] = [];
  let title: string | undefined;
  let period: KpiTable['period'];
  let pendingTitle: string | undefined;
  let layout: Layout | null = null;
  /** The last header read and its sheet: rows under a title that ended its table are checked against it. */
  let lastLayout: { layout: Layout; sheet: string | undefined } | undefined;
  let initiative: string | undefined;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const found = layoutOf(r.cells, rows[i + 1]?.sheet === r.sheet ? rows[i + 1]?.cells : undefined);
    if (found) {
      layout = found.layout;
      lastLayout = { layout: found.layout, sheet: r.sheet };
      sections.push(pendingTitle ? { title: pendingTitle } : {});
      pendingTitle = undefined;
      initiative = undefined;
      i += found.rows - 1;
      continue;
    }
    const filled = r.cells.filter((c) => c.raw !== '');
    const one = filled.length === 1 ? filled[0]!.raw : undefined;
    // A title is one short line of text (a stray long cell is not the name of a table).
    const only = one !== undefined && one.length <= MAX_NAME && textProblemIn(one) === null ? one : undefined;
    const periodMatch = only ? PERIOD.exec(normalizeNotation(only)) : null;
    if (periodMatch) {
      period = { start: Number(periodMatch[1]), end: Number(periodMatch[2]) };
      // 「<計画名>：計画期間2024年～2026年」; the template's bare 「計画期間：2024年～2026年」 names no plan.
      title = only!.split(/計画期間/)[0]!.replace(/[\s\u3000:：]+$/, '').trim() || title;
      continue;
    }
    if (!layout) {
      if (only) pendingTitle = only;
      // Narrative rows of other sheets (an overview's 「1.地域の特徴…」) are no table. A KPI row
      // under a title that ended the table above, with no header of its own, is refused, never skipped.
      else if (filled.length > 1 && lastLayout && r.sheet === lastLayout.sheet && looksLikeKpiRow(r, lastLayout.layout)) problems.push(outsideTable(r, filled));
      continue;
    }
    const cell = (i: number | undefined): RawCell | undefined => (i === undefined ? undefined : r.cells[i]);
    const text = (role: Role) => cell(layout!.roles.get(role))?.raw ?? '';
    const figureCells = layout.groups.flatMap((g) => [cell(g.at), cell(g.value)]).filter((c): c is RawCell => c !== undefined && c.raw !== '');
    const nameCol = layout.roles.get('name')!;
    if (text('name') === '' && figureCells.length === 0) {
      if (filled.length === 0) continue;
      // A title between two tables (「(2) 自治体SDGsの推進に資する取組の達成状況」): one line of text
      // outside the columns of a KPI's figures, codes and unit, and not a bare No.
      if (only && isTitleCell(filled[0]!, layout)) {
        pendingTitle = only;
        layout = null;
        continue;
      }
      // Anything else is a KPI row without its name: never skipped silently (issue 13 attack pass).
      const nameColumn = r.cells[nameCol]?.column ?? columnOf(nameCol);
      const held = heldCells(filled);
      problems.push({ ...(r.sheet !== undefined && { sheet: r.sheet }), row: r.row, column: nameColumn, kind: 'missing-name', message: { ja: `指標名がありません（この行には ${held} があります）。指標名を書くか、この行を削除してください`, en: `the indicator name (指標名) is missing (the row holds ${held}): write the name or delete the row` } });
      continue;
    }
    if (text('initiative') !== '') initiative = text('initiative');
    const read = readRow(r, layout, nameCol, todayYear, problems);
    if (read) out.push({ ...read, table: sections.length - 1, ...(initiative !== undefined && { initiative }) });
  }
  if (sections.length === 0) {
    problems.push({ row: rows[0]?.row ?? 1, column: 'A', kind: 'no-table', message: { ja: '指標の表が見つかりません。「指標名」と「当初値」（年・値）の見出しがある行を探しました', en: 'no KPI table found: looked for a header row naming 指標名 (indicator) and 当初値 (baseline) with its year and value' } });
  }
  return { ...(title !== undefined && { title }), ...(period && { period }), sections, rows: out, problems };
}

/** Roles whose lone cell on a row is part of a KPI row, never the title of a table. */
const KPI_ROW_ROLES: readonly Role[] = ['kpiId', 'unit', 'sdg', 'rate', 'direction'];

/**
 * Whether a row's only cell is a table's title (「（２）自治体SDGsの推進に資する取組の達成状況」,
 * printed in the first column, which may be the side's): not in a column of a KPI's codes, unit
 * or figures, not a bare No (「5」「経1」) and not a side word alone.
 */
function isTitleCell(c: RawCell, layout: Layout): boolean {
  const index = columnIndexOf(c.column);
  if (KPI_ROW_ROLES.some((role) => layout.roles.get(role) === index)) return false;
  if (layout.groups.some((g) => g.at === index || g.value === index || g.unit === index)) return false;
  const k = key(c.raw);
  if (layout.roles.get('side') === index && SIDES[k] !== undefined) return false;
  return !/^[経社環]?[\d.\-]+$/.test(k);
}

/** Whether a row, read with a table's header, has a KPI's name and a baseline figure. */
function looksLikeKpiRow(r: GridRow, layout: Layout): boolean {
  const filledAt = (i: number | undefined) => i !== undefined && (r.cells[i]?.raw ?? '') !== '';
  return filledAt(layout.roles.get('name')) && layout.groups.some((g) => g.kind === 'baseline' && (filledAt(g.at) || filledAt(g.value)));
}

/** 0-based index of column letters (A → 0, AA → 26). */
function columnIndexOf(column: string): number {
  let n = 0;
  for (const ch of column) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

/** What a row holds, for a message: its first cells with their columns. */
function heldCells(filled: readonly RawCell[]): string {
  return filled
    .slice(0, 4)
    .map((c) => `${c.column}「${c.raw.length > 20 ? `${c.raw.slice(0, 20)}…` : c.raw}」`)
    .join('、');
}

/** A KPI row under a title that ended the table above it, with no header of its own: refused with its row, never skipped. */
function outsideTable(r: GridRow, filled: readonly RawCell[]): KpiTableProblem {
  const held = heldCells(filled);
  return {
    ...(r.sheet !== undefined && { sheet: r.sheet }),
    row: r.row,
    column: filled[0]!.column,
    kind: 'outside-table',
    message: {
      ja: `この行（${held}）は表の題の下にあり、見出し行がないため読めません。題の下に「指標名」と「当初値」の見出し行を置くか、題の行を削除してください`,
      en: `this row (${held}) follows a table title with no header row under it: put a header row naming 指標名 and 当初値 under the title, or delete the title row`,
    },
  };
}

function readRow(r: GridRow, layout: Layout, nameCol: number, todayYear: number, problems: KpiTableProblem[]): Omit<KpiTableRow, 'table' | 'initiative'> | null {
  const at = (column: string, kind: KpiTableProblem['kind'], ja: string, en: string) => problems.push({ ...(r.sheet !== undefined && { sheet: r.sheet }), row: r.row, column, kind, message: { ja, en } });
  const get = (i: number | undefined): RawCell | undefined => (i === undefined ? undefined : r.cells[i]);
  const text = (role: Role) => get(layout.roles.get(role))?.raw ?? '';
  const before = problems.length;
  const printedName = text('name');
  const nameColumn = get(nameCol)?.column ?? columnOf(nameCol);
  // Texts that become names, codes and notes: no control character and no invisible format
  // character that could disguise them (bidi override, zero-width…), a bounded length (core/text.ts).
  for (const [role, limit] of [['name', MAX_NAME], ['initiative', MAX_NAME], ['no', 20], ['kpiId', 80], ['unit', 30], ['reflection', TEXT_LIMITS.field], ['commentary', TEXT_LIMITS.field]] as const) {
    const c = get(layout.roles.get(role));
    if (!c || c.raw === '') continue;
    const bad = textProblemIn(c.raw);
    if (c.raw.length > limit) at(c.column, 'bad-text', `${c.raw.length.toLocaleString('ja-JP')}字あります（${limit.toLocaleString('ja-JP')}字まで）`, `${c.raw.length} characters (at most ${limit})`);
    else if (bad) at(c.column, 'bad-text', `${r.row}行目・${c.column}列：${describeTextProblem(bad).ja}`, `row ${r.row}, column ${c.column} ${describeTextProblem(bad).en}`);
    else if (role === 'kpiId' && !/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(c.raw)) at(c.column, 'bad-text', `指標ID「${c.raw}」は半角の英小文字・数字・ハイフンで書いてください`, `the KPI id "${c.raw}" must be lower-case ASCII letters, digits and hyphens`);
  }
  if (printedName === '') at(nameColumn, 'missing-name', '指標名がありません', 'the indicator name (指標名) is missing');
  const parsedName = parseKpiName(printedName);
  let sdgTargets: string[] = [];
  const sdgText = text('sdg') || parsedName.sdgTargetsText || '';
  if (sdgText !== '') {
    const s = parseSdgTargetList(sdgText);
    if (s.ok) sdgTargets = s.value;
    else at(get(layout.roles.get('sdg'))?.column ?? nameColumn, 'unreadable-sdg-targets', s.error.messageJa, s.error.message);
  }
  const unitCell = get(layout.roles.get('unit'));
  let unit: string | null = unitCell && unitCell.raw !== '' ? normalizeUnit(unitCell.raw) : null;
  let unitFrom = unitCell?.column ?? '';
  const figures: { kind: GroupKind; figure: TableFigure }[] = [];
  for (const g of layout.groups) {
    const atCell = get(g.at);
    const valueCell = get(g.value);
    const atText = atCell?.raw ?? '';
    const valueText = valueCell?.raw ?? '';
    if (atText === '' && valueText === '') {
      if (g.kind === 'baseline') at(valueCell?.column ?? columnOf(g.value ?? 0), 'missing-baseline', '当初値（年・値）がありません', 'the baseline (当初値: year and value) is missing');
      continue;
    }
    const point = readTime(atCell, g.label);
    if (!point.ok) {
      at(atCell?.column ?? columnOf(g.at ?? 0), 'unreadable-time', point.ja, point.en);
      continue;
    }
    if (valueText === '' && valueCell?.number === undefined) {
      at(valueCell?.column ?? columnOf(g.value ?? 0), 'unreadable-number', `「${atText}」の値がありません`, `the value for "${atText}" is missing`);
      continue;
    }
    let value: number;
    let decimals: number;
    let figureUnit = '';
    if (valueCell!.number !== undefined) {
      value = valueCell!.number;
      decimals = valueCell!.decimals ?? 0;
      if (valueCell!.shownAs === 'percent' || valueCell!.shownAs === 'literal-percent') figureUnit = '%';
    } else {
      const f = parseFigure(valueText);
      if (!f.ok) {
        at(valueCell!.column, f.error.kind === 'unit-mismatch' ? 'unit-mismatch' : 'unreadable-number', f.error.messageJa, f.error.message);
        continue;
      }
      value = f.value.value;
      decimals = f.value.decimals;
      figureUnit = f.value.unit;
    }
    const unitCellOfGroup = get(g.unit);
    if (figureUnit === '' && unitCellOfGroup && unitCellOfGroup.raw !== '') figureUnit = normalizeUnit(unitCellOfGroup.raw);
    if (figureUnit !== '') {
      if (unit === null) {
        unit = figureUnit;
        unitFrom = valueCell!.column;
      } else if (normalizeUnit(figureUnit) !== normalizeUnit(unit)) {
        at(valueCell!.column, 'unit-mismatch', `「${valueText}」の単位「${figureUnit}」が、この行の単位「${unit}」（${unitFrom}列）と異なります`, `the unit "${figureUnit}" of "${valueText}" differs from the row's unit "${unit}" (column ${unitFrom})`);
        continue;
      }
    }
    figures.push({ kind: g.kind, figure: { at: point.value, value, decimals, column: valueCell!.column } });
  }
  if (unit === null && printedName !== '') at(nameColumn, 'missing-unit', '単位がわかりません（値に単位を付けるか、「単位」の列に書いてください）', 'the unit is unknown: write it after the values or in a 単位 column');
  const baseline = figures.find((f) => f.kind === 'baseline')?.figure;
  const actuals = figures.filter((f) => f.kind === 'actual').map((f) => f.figure);
  const targets = figures.filter((f) => f.kind === 'target').map((f) => f.figure);
  for (const a of actuals) {
    const y = reportingYear(a.at);
    if (y > todayYear) at(a.column, 'wrong-year', `実績の時点 ${formatTimePointIso(a.at)} が将来です（今年は${todayYear}年）`, `the actual's time point ${formatTimePointIso(a.at)} is in the future (this year is ${todayYear})`);
    else if (baseline && y < reportingYear(baseline.at)) at(a.column, 'wrong-year', `実績の時点 ${formatTimePointIso(a.at)} が当初値の時点 ${formatTimePointIso(baseline.at)} より前です`, `the actual's time point ${formatTimePointIso(a.at)} lies before the baseline's ${formatTimePointIso(baseline.at)}`);
  }
  for (const tg of targets) {
    if (baseline && reportingYear(tg.at) < reportingYear(baseline.at)) at(tg.column, 'wrong-year', `目標の時点 ${formatTimePointIso(tg.at)} が当初値の時点より前です`, `the target's time point ${formatTimePointIso(tg.at)} lies before the baseline's`);
  }
  let rate: KpiTableRow['rate'];
  const rateCell = get(layout.roles.get('rate'));
  if (rateCell && rateCell.raw !== '') {
    if (rateCell.number !== undefined) {
      rate = { value: rateCell.number, decimals: rateCell.decimals ?? 0, printed: rateCell.shownAs === 'percent' || rateCell.shownAs === 'literal-percent' ? rateCell.raw : `${rateCell.raw}%` };
    } else {
      const p = parsePublishedRate(rateCell.raw);
      if (!p.ok) {
        if (p.error.kind !== 'not-available') at(rateCell.column, 'unreadable-rate', p.error.messageJa, p.error.message);
      } else if (p.value.kind === 'rate') rate = { value: p.value.value, decimals: p.value.decimals, printed: rateCell.raw };
    }
  }
  const directionCell = get(layout.roles.get('direction'));
  let direction: 'up' | 'down' | undefined;
  if (directionCell && directionCell.raw.trim() !== '') {
    const d = readDirection(directionCell.raw);
    if (d === 'target') at(directionCell.column, 'unreadable-direction', `方向「${directionCell.raw}」（維持・目標値に近いほど良い）は扱えません。大きいほど良いなら「増加」（上・↑）、小さいほど良いなら「減少」（下・↓）を書いてください`, `the direction "${directionCell.raw}" (keep / closest to the target) cannot be evaluated: write 増加 (up, ↑) if larger is better or 減少 (down, ↓) if smaller is better`);
    else if (d === null) at(directionCell.column, 'unreadable-direction', `方向「${directionCell.raw}」が読めません。大きいほど良いなら「増加」（上・増・上昇・↑・up）、小さいほど良いなら「減少」（下・減・低下・↓・down）を書いてください`, `the direction "${directionCell.raw}" is not readable: write 増加 (上, 増, 上昇, ↑, up) if larger is better or 減少 (下, 減, 低下, ↓, down) if smaller is better`);
    else direction = d;
  }
  if (problems.length > before || !baseline || unit === null) return null;
  const kpiId = text('kpiId');
  const reflection = text('reflection');
  const commentary = text('commentary');
  // The period summary prints the side in the No: 「経1」「社3」「環5」 (as the Cabinet Office's form).
  const printedNo = text('no');
  const sideInNo = /^(経|社|環)\s*(\d.*)?$/.exec(printedNo.normalize('NFKC'));
  const no = sideInNo ? (sideInNo[2] ?? '') : printedNo;
  const sideText = key(text('side')) || (sideInNo ? { 経: '経済', 社: '社会', 環: '環境' }[sideInNo[1] as '経' | '社' | '環'] : '');
  return {
    ...(r.sheet !== undefined && { sheet: r.sheet }),
    row: r.row,
    ...(no !== '' && { no }),
    side: SIDES[sideText] ?? 'none',
    ...(kpiId !== '' && { kpiId }),
    name: parsedName.name,
    nameKey: kpiNameKey(printedName),
    nameColumn,
    ...(direction && { direction }),
    ...(layout.roles.has('direction') && { directionColumn: directionCell?.column ?? columnOf(layout.roles.get('direction')!) }),
    aggregation: parsedName.aggregation ?? 'snapshot',
    sdgTargets,
    unit,
    baseline,
    actuals,
    targets,
    ...(rate && { rate }),
    ...(reflection !== '' && { reflection }),
    ...(commentary !== '' && { commentary }),
  };
}

/** A time cell: a date cell's time point, a bare 4-digit year as a year (「年度」 headings: fiscal), or a printed notation. */
function readTime(cell: RawCell | undefined, groupLabel: string): { ok: true; value: TimePoint } | { ok: false; ja: string; en: string } {
  const raw = (cell?.raw ?? '').trim();
  if (raw === '') return { ok: false, ja: `「${groupLabel}」の時点がありません`, en: `the time point of "${groupLabel}" is missing` };
  const n = raw.normalize('NFKC');
  const text = /^\d{4}$/.test(n) ? `${n}${cell?.yearKind === 'fiscal-year' ? '年度' : '年'}` : raw;
  const p = parseTimePoint(text);
  return p.ok ? { ok: true, value: p.value } : { ok: false, ja: p.error.messageJa, en: p.error.message };
}

/** Column letters of a 0-based index (the readers' own naming). */
const columnOf = columnName;
