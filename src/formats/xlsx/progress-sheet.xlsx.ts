import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { guardWorkbookText } from './guard-workbook.ts';
import { findSdgGoal } from '../../core/sdg/sdg-framework.ts';
import { formatTimePointEn, formatTimePointJa } from '../../core/time/time-point.ts';
import type { Lang } from '../../i18n/lang.ts';
import { t } from '../../i18n/messages.ts';
import type { PlanNarrative } from '../../core/plan/plan.ts';
import type { ProgressSheet, SheetFigure, SheetRow, SheetTable } from '../../sheets/progress-sheet.ts';
import { sheetLabels, nameWithTargets, preciseNoteText, rateNoteText } from '../../sheets/sheet-text.ts';

/** Marks a workbook this system wrote, with what it holds, so an import can recognise it. */
export const SHEET_KEYWORD_PREFIX = 'michishirube-sheet/1';

const FONT = { name: 'Yu Gothic', size: 10 } as const;
const THIN = { style: 'thin', color: { argb: 'FF808080' } } as const;
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN } as const;
const HEADER_FILL = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF6' } } as const;

/** One column of a table worksheet: what it holds and how wide it is (in characters). */
interface ColumnSpec {
  readonly key: string;
  readonly header: string;
  /** Second header row for the three cells of a figure (年, 値, 単位). */
  readonly sub?: string;
  readonly width: number;
  readonly hidden?: boolean;
}

/** Where a table's figure cells are, for the 達成度 formula and for reading the sheet back. */
interface FigureColumns {
  readonly at: number;
  readonly value: number;
  readonly unit: number;
}

/**
 * Writes a sheet as an .xlsx workbook: an overview worksheet (title, plan, 2030 vision,
 * priority goals, overview sections), one worksheet per table, and one for the summary and the
 * experts' evaluation. Figures are numbers with number formats, units have their own column,
 * 達成度 is a formula over the row's cells with the system's rate as its cached value, and
 * every worksheet prints on A4 landscape fitted to the width with its header rows repeated.
 */
export function buildProgressSheetWorkbook(sheet: ProgressSheet, lang: Lang): ExcelJS.Workbook {
  const L = sheetLabels(sheet, lang);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'michishirube';
  wb.title = `${L.sheetTitle} ${sheet.city.name} ${sheet.year}`;
  wb.subject = sheet.plan.title;
  wb.keywords = `${SHEET_KEYWORD_PREFIX};city=${sheet.city.id};plan=${sheet.plan.id};year=${sheet.year};kind=${sheet.kind};lang=${lang}`;
  wb.created = new Date(`${sheet.generatedOn}T00:00:00Z`);
  wb.modified = wb.created;

  writeOverview(wb, sheet, lang, L);
  sheet.tables.forEach((table, i) => writeTable(wb, sheet, table, i, lang, L));
  writeClosing(wb, sheet, lang, L);
  return guardWorkbookText(wb);
}

/** Streams the workbook to `out` (an HTTP response, a file). */
export async function writeProgressSheetXlsx(sheet: ProgressSheet, lang: Lang, out: Writable): Promise<void> {
  await buildProgressSheetWorkbook(sheet, lang).xlsx.write(out);
}

/** The workbook as bytes. */
export async function progressSheetXlsxBuffer(sheet: ProgressSheet, lang: Lang): Promise<Uint8Array> {
  return new Uint8Array(await buildProgressSheetWorkbook(sheet, lang).xlsx.writeBuffer());
}

type Labels = ReturnType<typeof sheetLabels>;

function newWorksheet(wb: ExcelJS.Workbook, name: string, sheet: ProgressSheet, L: Labels): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(safeSheetName(name, wb), {
    pageSetup: {
      paperSize: 9, // A4
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.6, header: 0.2, footer: 0.25 },
    },
    headerFooter: {
      oddFooter: `&L${escapeFooter(L.footerCity)}&C&P / &N&R${escapeFooter(L.footerDate)}`,
      evenFooter: `&L${escapeFooter(L.footerCity)}&C&P / &N&R${escapeFooter(L.footerDate)}`,
    },
    views: [{ showGridLines: false }],
  });
  ws.properties.defaultRowHeight = 16;
  return ws;
}

/** Title rows at the top of every worksheet: the sheet's name, the city and the plan. */
function writeTitle(ws: ExcelJS.Worksheet, width: number, L: Labels): number {
  const row = ws.addRow([L.sheetTitle]);
  ws.mergeCells(row.number, 1, row.number, Math.max(1, width - 2));
  row.getCell(1).font = { ...FONT, size: 14, bold: true };
  const right = Math.max(2, width - 1);
  row.getCell(right).value = L.cityLine;
  row.getCell(right).font = { ...FONT, bold: true };
  row.getCell(right).alignment = { horizontal: 'right', vertical: 'middle' };
  if (right < width) ws.mergeCells(row.number, right, row.number, width);
  row.height = 24;
  const sub = ws.addRow([L.planLine]);
  ws.mergeCells(sub.number, 1, sub.number, width);
  sub.getCell(1).font = { ...FONT, bold: true };
  sub.getCell(1).alignment = { wrapText: true, vertical: 'top' };
  sub.height = estimateHeight(L.planLine, totalWidth(ws, width));
  ws.addRow([]);
  return sub.number;
}

function writeOverview(wb: ExcelJS.Workbook, sheet: ProgressSheet, lang: Lang, L: Labels): void {
  const ws = newWorksheet(wb, L.overviewSheetName, sheet, L);
  const widths = [22, 18, 18, 18, 18, 18, 18];
  widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  const width = widths.length;
  writeTitle(ws, width, L);
  const block = (label: string, body: string) => {
    const head = ws.addRow([label, body]);
    head.getCell(1).font = { ...FONT, bold: true };
    head.getCell(1).alignment = { wrapText: true, vertical: 'top' };
    head.getCell(1).fill = HEADER_FILL;
    head.getCell(1).border = BORDER;
    ws.mergeCells(head.number, 2, head.number, width);
    const cell = head.getCell(2);
    cell.font = FONT;
    cell.alignment = { wrapText: true, vertical: 'top' };
    cell.border = BORDER;
    head.height = Math.max(estimateHeight(body, totalWidth(ws, width) - widths[0]!), estimateHeight(label, widths[0]!));
  };
  block(`（１）${t(lang, 'sheets.planTitle')}`, sheet.plan.title);
  block(t(lang, 'sheets.period'), L.period);
  block(`（２）${t(lang, 'sheets.vision')}`, sheet.plan.vision ?? t(lang, 'sheets.none'));
  block(`（３）${t(lang, 'sheets.priorityGoals')}`, priorityGoalsText(sheet, lang));
  for (const n of sheet.overview) block(n.title, n.body);
}

function priorityGoalsText(sheet: ProgressSheet, lang: Lang): string {
  if (sheet.priorityGoals.length === 0) return t(lang, 'sheets.none');
  const lines = sheet.priorityGoals.map((g) => {
    const side = t(lang, `sheets.side.${g.side}`);
    const goals = g.goals.map((n) => `${n} ${findSdgGoal(n)?.short[lang] ?? ''}`.trim()).join('、');
    return side ? `${side}：${goals}` : goals;
  });
  return `${lines.join('\n')}\n${t(lang, 'sheets.priorityGoals.note')}`;
}

/** The columns of a table: No, [側面], [取組名], 指標名, 当初値, actuals, 目標値, 達成度, [反映状況], 指標ID. */
function tableColumns(sheet: ProgressSheet, table: SheetTable, lang: Lang, L: Labels): { specs: ColumnSpec[]; baseline: FigureColumns; actuals: FigureColumns[]; target: FigureColumns; rate: number; id: number } {
  const specs: ColumnSpec[] = [];
  const add = (s: ColumnSpec) => (specs.push(s), specs.length);
  const figure = (header: string): FigureColumns => ({
    at: add({ key: 'at', header, sub: t(lang, 'sheets.sub.at'), width: 11 }),
    value: add({ key: 'value', header, sub: t(lang, 'sheets.sub.value'), width: 10 }),
    unit: add({ key: 'unit', header, sub: t(lang, 'sheets.sub.unit'), width: 7 }),
  });
  if (!table.withInitiatives && table.rows.some((r) => r.side !== 'none')) add({ key: 'side', header: t(lang, 'sheets.col.side'), width: 6 });
  add({ key: 'no', header: t(lang, 'sheets.col.no'), width: 5 });
  if (table.withInitiatives) add({ key: 'initiative', header: t(lang, 'sheets.col.initiative'), width: 18 });
  add({ key: 'name', header: t(lang, 'sheets.col.name'), width: table.withInitiatives ? 30 : 40 });
  const baseline = figure(t(lang, 'sheets.col.baseline'));
  const actuals = table.years.map((y) => figure(L.actualHeader(y)));
  const target = figure(t(lang, 'sheets.col.target'));
  const rate = add({ key: 'rate', header: t(lang, 'sheets.col.rate'), width: 10 });
  if (sheet.kind === 'summary') add({ key: 'reflection', header: t(lang, 'sheets.col.reflection'), width: 44 });
  const id = add({ key: 'id', header: t(lang, 'sheets.col.kpiId'), width: 24, hidden: true });
  return { specs, baseline, actuals, target, rate, id };
}

function writeTable(wb: ExcelJS.Workbook, sheet: ProgressSheet, table: SheetTable, index: number, lang: Lang, L: Labels): void {
  const ws = newWorksheet(wb, L.tableSheetName(table, index), sheet, L);
  const cols = tableColumns(sheet, table, lang, L);
  cols.specs.forEach((s, i) => {
    const c = ws.getColumn(i + 1);
    c.width = s.width;
    if (s.hidden) c.hidden = true;
  });
  const width = cols.specs.length;
  const visible = cols.specs.filter((s) => !s.hidden).length;
  writeTitle(ws, visible, L);

  const caption = ws.addRow([L.tableCaption(table)]);
  ws.mergeCells(caption.number, 1, caption.number, visible);
  caption.getCell(1).font = { ...FONT, bold: true, size: 11 };

  // Two header rows: a figure's label spans its 年/値/単位 cells; other labels span both rows.
  const h1 = ws.addRow(cols.specs.map((s) => s.header));
  const h2 = ws.addRow(cols.specs.map((s) => s.sub ?? s.header));
  for (const row of [h1, h2]) {
    row.eachCell({ includeEmpty: true }, (cell) => {
      cell.font = { ...FONT, bold: true };
      cell.fill = HEADER_FILL;
      cell.border = BORDER;
      cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    });
  }
  h1.height = 30;
  for (let c = 1; c <= width; ) {
    const spec = cols.specs[c - 1]!;
    if (spec.sub) {
      ws.mergeCells(h1.number, c, h1.number, c + 2);
      c += 3;
    } else {
      ws.mergeCells(h1.number, c, h2.number, c);
      c += 1;
    }
  }
  ws.pageSetup.printTitlesRow = `${h1.number}:${h2.number}`;
  ws.views = [{ state: 'frozen', ySplit: h2.number, showGridLines: false }];

  const firstData = h2.number + 1;
  for (const r of table.rows) writeDataRow(ws, sheet, r, cols, lang);
  const lastData = firstData + table.rows.length - 1;
  if (table.withInitiatives) mergeInitiatives(ws, table, firstData, cols.specs.findIndex((s) => s.key === 'initiative') + 1);
  if (lastData < firstData) return;

  // Footnotes: published rates the system's rate does not reproduce, with the reason.
  const notes = table.rows.flatMap((r) => r.notes.map((n) => ({ r, n })));
  if (notes.length > 0) {
    ws.addRow([]);
    const head = ws.addRow([`※ ${t(lang, 'sheets.rateNote')}`]);
    head.getCell(1).font = { ...FONT, bold: true };
    ws.mergeCells(head.number, 1, head.number, visible);
    for (const { r, n } of notes) textBlock(ws, `${L.rowRef(r)}：${rateNoteText(n, lang)}`, visible);
  }

  if (sheet.kind === 'progress') {
    const withCommentary = table.rows.filter((r) => r.commentary !== '');
    if (withCommentary.length > 0) {
      ws.addRow([]);
      const head = ws.addRow([`${L.commentaryHeading(table)}`]);
      head.getCell(1).font = { ...FONT, bold: true, size: 11 };
      ws.mergeCells(head.number, 1, head.number, visible);
      for (const r of withCommentary) textBlock(ws, `●${L.rowRef(r)}\n・　${r.commentary}`, visible);
    }
  }
}

function writeDataRow(ws: ExcelJS.Worksheet, sheet: ProgressSheet, r: SheetRow, cols: ReturnType<typeof tableColumns>, lang: Lang): void {
  const row = ws.addRow([]);
  const n = row.number;
  const set = (col: number, value: ExcelJS.CellValue, align: Partial<ExcelJS.Alignment> = {}) => {
    const cell = row.getCell(col);
    cell.value = value;
    cell.font = FONT;
    cell.border = BORDER;
    cell.alignment = { vertical: 'middle', wrapText: true, ...align };
    return cell;
  };
  cols.specs.forEach((s, i) => {
    const c = i + 1;
    switch (s.key) {
      case 'side':
        set(c, t(lang, `sheets.side.${r.side}`), { horizontal: 'center' });
        break;
      case 'no':
        set(c, r.no, { horizontal: 'center' });
        break;
      case 'initiative':
        set(c, r.initiative, { vertical: 'top' });
        break;
      case 'name':
        set(c, nameWithTargets(r), { vertical: 'top' });
        break;
      case 'reflection':
        set(c, r.reflection, { vertical: 'top' });
        break;
      case 'id':
        set(c, r.kpiId);
        break;
      default:
        set(c, null);
    }
  });
  const figure = (f: SheetFigure | null, at: FigureColumns) => {
    set(at.at, f ? timeLabel(f, lang) : null, { horizontal: 'center' });
    const v = set(at.value, f ? f.value : null, { horizontal: 'right', wrapText: false });
    if (f) v.numFmt = numberFormat(f.decimals);
    set(at.unit, f ? f.unit : null, { horizontal: 'left', indent: 1 });
  };
  figure(r.baseline, cols.baseline);
  r.actuals.forEach((a, i) => figure(a, cols.actuals[i]!));
  figure(r.target, cols.target);
  // Calc and Excel keep a row's stored height, so it is sized for its longest wrapped text.
  row.height = Math.max(
    ...cols.specs.map((s, i) => {
      const text = s.key === 'name' ? nameWithTargets(r) : s.key === 'initiative' ? r.initiative : s.key === 'reflection' ? r.reflection : '';
      return text ? estimateHeight(text, s.width) : 18;
    }),
  );
  const lastActual = cols.actuals.at(-1)!;
  const rateCell = set(cols.rate, null, { horizontal: 'right', wrapText: false });
  if (r.rate) {
    const ref = (col: number) => `${columnLetter(col)}${n}`;
    const b = ref(cols.baseline.value);
    const a = ref(lastActual.value);
    const tg = ref(cols.target.value);
    const formula = r.rate.formula === 'progress' ? `(${a}-${b})/(${tg}-${b})` : r.rate.formula === 'actual-over-target' ? `${a}/${tg}` : `${tg}/${a}`;
    // A rate computed from unrounded figures (issue 10.7) cannot be a formula over the printed
    // cells: it is written as a value, and the note says which figure was unrounded.
    const precise = preciseNoteText(r, lang) !== null;
    rateCell.value = precise ? r.rate.value / 100 : { formula, result: r.rate.value / 100 };
    if (precise) rateCell.note = preciseNoteText(r, lang)!;
    rateCell.numFmt = sheet.rateDecimals > 0 ? `0.${'0'.repeat(sheet.rateDecimals)}%` : '0%';
    if (r.notes.length > 0) rateCell.note = [...(precise ? [preciseNoteText(r, lang)!] : []), ...r.notes.map((x) => rateNoteText(x, lang))].join('\n');
  }
}

/** Merges the 取組名 cells of consecutive rows of one initiative, as the printed sheets do. */
function mergeInitiatives(ws: ExcelJS.Worksheet, table: SheetTable, firstRow: number, col: number): void {
  let start = 0;
  for (let i = 1; i <= table.rows.length; i++) {
    if (i < table.rows.length && table.rows[i]!.initiative === table.rows[start]!.initiative) continue;
    if (i - 1 > start) ws.mergeCells(firstRow + start, col, firstRow + i - 1, col);
    start = i;
  }
}

function writeClosing(wb: ExcelJS.Workbook, sheet: ProgressSheet, lang: Lang, L: Labels): void {
  const ws = newWorksheet(wb, L.closingSheetName, sheet, L);
  const width = 8;
  for (let i = 1; i <= width; i++) ws.getColumn(i).width = 20;
  writeTitle(ws, width, L);
  const section = (heading: string, items: readonly PlanNarrative[]) => {
    const head = ws.addRow([heading]);
    head.getCell(1).font = { ...FONT, bold: true, size: 11 };
    ws.mergeCells(head.number, 1, head.number, width);
    if (items.length === 0) textBlock(ws, t(lang, 'sheets.none'), width);
    for (const n of items) textBlock(ws, items.length > 1 || sheet.kind === 'summary' ? `●${n.title}\n${n.body}` : n.body, width);
    ws.addRow([]);
  };
  const n = sheet.tables.length;
  if (sheet.kind === 'summary') section(`（${n + 1}）${t(lang, 'sheets.summaryHeading')}`, sheet.summary);
  section(`（${n + (sheet.kind === 'summary' ? 2 : 1)}）${t(lang, 'sheets.expert')}`, sheet.expertEvaluations);
}

/** A paragraph over the worksheet's width, wrapped, with a row height that shows all of it. */
function textBlock(ws: ExcelJS.Worksheet, text: string, width: number): void {
  const row = ws.addRow([text]);
  ws.mergeCells(row.number, 1, row.number, width);
  const cell = row.getCell(1);
  cell.font = FONT;
  cell.alignment = { wrapText: true, vertical: 'top' };
  cell.border = BORDER;
  row.height = estimateHeight(text, totalWidth(ws, width));
}

/**
 * Neither Excel nor Calc grows a merged cell's row to fit wrapped text, so the height is set:
 * a Japanese character takes about two width units, a line 15 points at 10-point type.
 */
function estimateHeight(text: string, widthChars: number): number {
  const perLine = Math.max(4, Math.floor(widthChars * 1.05));
  let lines = 0;
  for (const para of text.split('\n')) {
    let units = 0;
    for (const ch of para) units += ch.charCodeAt(0) > 0x2e80 ? 2 : 1;
    lines += Math.max(1, Math.ceil(units / perLine));
  }
  return Math.min(409, Math.max(16, lines * 14 + 4));
}

function totalWidth(ws: ExcelJS.Worksheet, width: number): number {
  let w = 0;
  for (let i = 1; i <= width; i++) {
    const c = ws.getColumn(i);
    if (!c.hidden) w += c.width ?? 9;
  }
  return w;
}

/** Thousands separators and the published decimals: 1,111 / 46.7 / 72.02. */
export function numberFormat(decimals: number): string {
  return decimals > 0 ? `#,##0.${'0'.repeat(decimals)}` : '#,##0';
}

function timeLabel(f: SheetFigure, lang: Lang): string {
  return lang === 'ja' ? formatTimePointJa(f.at) : formatTimePointEn(f.at);
}

/** A1 column letters of a 1-based column number. */
export function columnLetter(col: number): string {
  let s = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** Worksheet names: at most 31 characters, none of []:*?/\, unique in the workbook. */
function safeSheetName(name: string, wb: ExcelJS.Workbook): string {
  const base = name.replace(/[[\]:*?/\\]/g, ' ').trim().slice(0, 28) || 'Sheet';
  let candidate = base;
  for (let i = 2; wb.getWorksheet(candidate); i++) candidate = `${base} ${i}`;
  return candidate;
}

/** `&` starts a code in Excel's header/footer language; a literal one is written `&&`. */
function escapeFooter(s: string): string {
  return s.replace(/&/g, '&&');
}
