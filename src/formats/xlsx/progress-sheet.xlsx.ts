import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { guardWorkbookText } from './guard-workbook.ts';
import { findSdgGoal } from '../../core/sdg/sdg-framework.ts';
import { formatTimePointEn, formatTimePointJa } from '../../core/time/time-point.ts';
import type { Lang } from '../../i18n/lang.ts';
import { t, unpublishedYearsText } from '../../i18n/messages.ts';
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
 * What a workbook is for. 'submission': the form as the city submits it (no ID column, no cell
 * comments, nothing but the form). 'reimport': the same tables with the KPI ID column, written
 * for reading actuals back in (the observation import recognises it by the 指標ID header).
 */
export type WorkbookPurpose = 'submission' | 'reimport';

/**
 * Writes a sheet as an .xlsx workbook laid out as its form (issue 14): one worksheet per page
 * of the form, sections numbered and titled as the Cabinet Office prints them, empty sections
 * kept. Figures are numbers with number formats, units have their own column, 達成度 is a
 * formula over the row's cells (by the method the published document used) with the rate as
 * its cached value, rows are as tall as their wrapped text, and every worksheet prints on A4
 * landscape fitted to the width with its table header repeated and manual page breaks that keep
 * each section heading with the start of its content.
 */
export function buildProgressSheetWorkbook(sheet: ProgressSheet, lang: Lang, purpose: WorkbookPurpose = 'submission'): ExcelJS.Workbook {
  const L = sheetLabels(sheet, lang);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'michishirube';
  wb.title = `${L.sheetTitle} ${sheet.city.name} ${sheet.year}`;
  wb.subject = sheet.plan.title;
  wb.keywords = `${SHEET_KEYWORD_PREFIX};city=${sheet.city.id};plan=${sheet.plan.id};year=${sheet.year};kind=${sheet.kind};lang=${lang};purpose=${purpose}`;
  wb.created = new Date(`${sheet.generatedOn}T00:00:00Z`);
  wb.modified = wb.created;
  const withId = purpose === 'reimport';
  const [vision, sdgs] = [sheet.tables.find((x) => x.role === 'vision'), sheet.tables.find((x) => x.role === 'sdgs')];
  const W = new FormWriter(wb, sheet, lang, L, withId);
  if (sheet.kind === 'progress') {
    const ws1 = W.page(lang === 'ja' ? '全体計画（あるべき姿）' : 'Vision', vision);
    W.head(ws1);
    W.partHeading(ws1, t(lang, 'sheets.part.vision'));
    W.section(ws1, `${L.num(1)}${t(lang, 'sheets.vision.1')}`, [lang === 'en' && sheet.plan.titleEn ? sheet.plan.titleEn : sheet.plan.title]);
    W.section(ws1, `${L.num(2)}${t(lang, 'sheets.vision.2')}`, [sheet.plan.vision ?? '']);
    W.section(ws1, `${L.num(3)}${t(lang, 'sheets.vision.3')}`, [priorityGoalsText(sheet, lang)]);
    W.tableSection(ws1, `${L.num(4)}${t(lang, 'sheets.vision.4')}`, vision);
    W.section(ws1, `${L.num(5)}${t(lang, 'sheets.vision.5')}`, [...commentaries(vision, L), ...bulleted(sheet.texts['vision-progress'])]);
    const ws2 = W.page(lang === 'ja' ? '全体計画（自治体SDGs）' : 'Municipal SDGs', sdgs);
    W.partHeading(ws2, `${t(lang, 'sheets.part.sdgs')}${lang === 'ja' ? '：計画期間' : ', plan period '}${L.period}`);
    W.tableSection(ws2, `${L.num(1)}${t(lang, 'sheets.sdgs.1')}`, sdgs);
    W.section(ws2, `${L.num(2)}${t(lang, 'sheets.sdgs.2')}`, bodies(sheet.texts['sdgs-cycle']));
    W.section(ws2, `${L.num(3)}${t(lang, 'sheets.sdgs.3')}`, [...commentaries(sdgs, L), ...bulleted(sheet.texts['sdgs-progress'])]);
    W.section(ws2, `${L.num(4)}${t(lang, 'sheets.expertOf')}`, bodies(sheet.texts['progress-expert']));
    W.overview();
  } else {
    if (sheet.kind === 'report') W.overview();
    const ws1 = W.page(`${L.num(1).trim()} ${t(lang, 'sheets.vision.4')}`, vision);
    W.head(ws1);
    W.tableSection(ws1, `${L.num(1)}${t(lang, 'sheets.vision.4')}`, vision);
    const ws2 = W.page(`${L.num(2).trim()} ${t(lang, 'sheets.sdgs.1')}`, sdgs);
    W.partHeading(ws2, L.planLine);
    W.tableSection(ws2, `${L.num(2)}${t(lang, 'sheets.sdgs.1')}`, sdgs);
    const bullets = (['period-results', 'period-problems', 'period-outlook'] as const).flatMap((at) => {
      const items = sheet.texts[at] ?? [];
      const label = t(lang, at === 'period-results' ? 'sheets.period.results' : at === 'period-problems' ? 'sheets.period.problems' : 'sheets.period.outlook');
      return items.length <= 1 ? [`●${label}${items[0] ? `\n${items[0].body}` : ''}`] : items.map((n) => `●${n.title}\n${n.body}`);
    });
    W.section(ws2, `${L.num(3)}${L.periodSummary}`, bullets);
    W.section(ws2, `${L.num(4)}${t(lang, 'sheets.expertOf')}`, bodies(sheet.texts['period-expert'] ?? (sheet.kind === 'report' ? sheet.texts['progress-expert'] : undefined)));
  }
  return guardWorkbookText(wb);
}

function bodies(items: readonly PlanNarrative[] | undefined): string[] {
  return (items ?? []).map((n) => n.body);
}

function bulleted(items: readonly PlanNarrative[] | undefined): string[] {
  return (items ?? []).map((n) => `●${n.title}\n・　${n.body}`);
}

function commentaries(table: SheetTable | undefined, L: Labels): string[] {
  return (table?.rows ?? []).filter((r) => r.commentary !== '').map((r) => `●${L.rowRef(r)}\n・　${r.commentary}`);
}

/** Streams the workbook to `out` (an HTTP response, a file). */
export async function writeProgressSheetXlsx(sheet: ProgressSheet, lang: Lang, out: Writable, purpose: WorkbookPurpose = 'submission'): Promise<void> {
  await buildProgressSheetWorkbook(sheet, lang, purpose).xlsx.write(out);
}

/** The workbook as bytes. */
export async function progressSheetXlsxBuffer(sheet: ProgressSheet, lang: Lang, purpose: WorkbookPurpose = 'submission'): Promise<Uint8Array> {
  return new Uint8Array(await buildProgressSheetWorkbook(sheet, lang, purpose).xlsx.writeBuffer());
}

type Labels = ReturnType<typeof sheetLabels>;

/**
 * The goals as text (the workbook holds no icons): one line per side, as the print view's
 * icons. Nothing else: the form prints no note on where they come from, and an empty section
 * stays empty for the city to fill in (issue 14).
 */
function priorityGoalsText(sheet: ProgressSheet, lang: Lang): string {
  const lines = sheet.priorityGoals.map((g) => {
    const side = t(lang, `sheets.side.${g.side}`);
    const goals = g.goals.map((n) => `${n} ${findSdgGoal(n)?.short[lang] ?? ''}`.trim()).join('、');
    return side ? `${side}：${goals}` : goals;
  });
  return lines.join('\n');
}

/** The columns of a table: [側面], No, [取組名], 指標名, 当初値, actuals, 目標値, 達成度, [反映状況], [方向, 指標ID]. */
function tableColumns(sheet: ProgressSheet, table: SheetTable, lang: Lang, L: Labels, withId: boolean): { specs: ColumnSpec[]; baseline: FigureColumns; actuals: FigureColumns[]; target: FigureColumns; rate: number; id: number | null } {
  const specs: ColumnSpec[] = [];
  const add = (s: ColumnSpec) => (specs.push(s), specs.length);
  // The figure's label spans 年｜値｜単位; the result report names them 年｜数 (数 over value and unit).
  const report = sheet.layout === 'result-report' && !withId;
  const figure = (header: string): FigureColumns => ({
    at: add({ key: 'at', header, sub: t(lang, 'sheets.sub.at'), width: 11 }),
    value: add({ key: 'value', header, sub: report ? t(lang, 'sheets.sub.figure') : t(lang, 'sheets.sub.value'), width: 10 }),
    unit: add({ key: 'unit', header, sub: report ? t(lang, 'sheets.sub.figure') : t(lang, 'sheets.sub.unit'), width: 7 }),
  });
  if (L.sideColumn(table)) add({ key: 'side', header: '', width: 6 });
  add({ key: 'no', header: t(lang, 'sheets.col.no'), width: 5 });
  if (table.withInitiatives) add({ key: 'initiative', header: t(lang, 'sheets.col.initiative'), width: 18 });
  add({ key: 'name', header: L.withTargets(table) ? t(lang, 'sheets.col.name') : t(lang, 'sheets.col.nameShort'), width: table.withInitiatives ? 28 : 36 });
  const baseline = figure(t(lang, 'sheets.col.baseline'));
  // The re-import export keeps the headers the observation import reads (「2023年 実績」, 「目標値」).
  const actuals = table.years.map((y) => figure(withId ? `${y}${t(lang, 'sheets.col.actual')}` : L.actualHeader(table, y)));
  const target = figure(withId ? t(lang, 'sheets.col.target') : L.targetHeader(table));
  const rate = add({ key: 'rate', header: t(lang, 'sheets.col.rate'), width: 9 });
  if (sheet.kind !== 'progress') add({ key: 'reflection', header: L.reflectionHeader, width: 40 });
  // The re-import export states each KPI's direction, so importing it as a KPI table (issue 13.5)
  // never has to ask for one (a target below the baseline is never read as "less is better" by guess).
  if (withId) add({ key: 'direction', header: t(lang, 'sheets.col.direction'), width: 8 });
  const id = withId ? add({ key: 'id', header: t(lang, 'sheets.col.kpiId'), width: 24 }) : null;
  return { specs, baseline, actuals, target, rate, id };
}

/** Printable height of an A4 landscape page with the margins below, in points (before scaling). */
const PAGE_HEIGHT_PT = (8.27 - 0.5 - 0.6) * 72;
/** Printable width, in points. */
const PAGE_WIDTH_PT = (11.69 - 0.8) * 72;

/**
 * Writes the form's pages as worksheets, tracking each worksheet's printed height (fitted to the
 * page width) so that a section heading never ends a page: a manual break goes before a heading
 * whose first content row would not fit under it.
 */
class FormWriter {
  private readonly used = new Map<ExcelJS.Worksheet, { height: number; titleRows: number; pages: number }>();
  /**
   * Where the sections after a table spanning pages go. Excel repeats a worksheet's print titles
   * on every page of it, so a table whose header repeats must end its worksheet: the texts after
   * it on the same sheet would print under a header with no table (一関市 p.2 had one above （５）).
   */
  private readonly continuation = new Map<ExcelJS.Worksheet, ExcelJS.Worksheet>();
  private readonly widths = new Map<ExcelJS.Worksheet, number>();

  constructor(
    private readonly wb: ExcelJS.Workbook,
    private readonly sheet: ProgressSheet,
    private readonly lang: Lang,
    private readonly L: Labels,
    private readonly withId: boolean,
  ) {}

  /** A worksheet whose columns fit its table (or a plain text grid). */
  page(name: string, table: SheetTable | undefined): ExcelJS.Worksheet {
    const ws = this.wb.addWorksheet(safeSheetName(name, this.wb), {
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
        oddFooter: `&L${escapeFooter(this.L.footerCity)}&C&P / &N`,
        evenFooter: `&L${escapeFooter(this.L.footerCity)}&C&P / &N`,
      },
      views: [{ showGridLines: false }],
    });
    ws.properties.defaultRowHeight = 16;
    const specs = table ? tableColumns(this.sheet, table, this.lang, this.L, this.withId).specs : Array.from({ length: 8 }, (_, i) => ({ key: `c${i}`, header: '', width: i === 0 ? 24 : 18 }));
    specs.forEach((s, i) => (ws.getColumn(i + 1).width = s.width));
    this.widths.set(ws, specs.length);
    this.used.set(ws, { height: 0, titleRows: 0, pages: 1 });
    return ws;
  }

  private width(ws: ExcelJS.Worksheet): number {
    return this.widths.get(ws)!;
  }

  /** Points per printed point: the worksheet is shrunk to the page width. */
  private scale(ws: ExcelJS.Worksheet): number {
    const px = [...Array(this.width(ws)).keys()].reduce((n, i) => n + (ws.getColumn(i + 1).width ?? 9) * 7 + 5, 0);
    return Math.min(1, PAGE_WIDTH_PT / (px * 0.75));
  }

  /** Adds a row's height to the page count; returns whether `extra` more points still fit on the page. */
  private account(ws: ExcelJS.Worksheet, height: number): void {
    const u = this.used.get(ws)!;
    const page = PAGE_HEIGHT_PT / this.scale(ws);
    u.height += height;
    if (u.height > page) {
      u.height = height + u.titleRows;
      u.pages++;
    }
  }

  /** Puts a page break before the next row when a heading and `next` points would not fit. */
  private keepWithNext(ws: ExcelJS.Worksheet, headingHeight: number, next: number): void {
    const u = this.used.get(ws)!;
    const page = PAGE_HEIGHT_PT / this.scale(ws);
    if (u.height > 0 && u.height + headingHeight + next > page) {
      const last = ws.lastRow;
      if (last) last.addPageBreak();
      u.height = u.titleRows;
      u.pages++;
    }
  }

  private text(ws: ExcelJS.Worksheet, text: string, font: Partial<ExcelJS.Font> = FONT, bordered = false): ExcelJS.Row {
    const width = this.width(ws);
    const row = ws.addRow([text]);
    ws.mergeCells(row.number, 1, row.number, width);
    const cell = row.getCell(1);
    cell.font = font;
    cell.alignment = { wrapText: true, vertical: 'top' };
    if (bordered) cell.border = BORDER;
    row.height = estimateHeight(text, totalWidth(ws, width), (font.size ?? 10) / 10);
    this.account(ws, row.height);
    return row;
  }

  /** The form's header: title, then the municipality, 選定年度 and 作成年月 on their own row (never cut), then 計画名 and/or the period's plan line. */
  head(ws: ExcelJS.Worksheet): void {
    const title = this.text(ws, this.L.sheetTitle, { ...FONT, size: 14, bold: true });
    title.height = Math.max(title.height ?? 0, 24);
    const created = this.L.createdOn ? `${t(this.lang, 'sheets.head.createdOn')}：${this.L.createdOn}` : `${t(this.lang, 'sheets.head.createdOn')}：`;
    this.text(ws, [this.L.cityName, this.L.selected, created].filter((x) => x !== '').join('　'), { ...FONT, bold: true });
    if (this.sheet.kind !== 'summary') this.text(ws, `${t(this.lang, 'sheets.head.planName')}：${this.L.planTitle}`, { ...FONT, bold: true });
    if (this.sheet.kind === 'progress') this.text(ws, `${t(this.lang, 'sheets.head.modelProject')}：${this.L.modelProject}`, { ...FONT, bold: true });
    if (this.sheet.kind !== 'progress') this.text(ws, this.L.planLine, { ...FONT, bold: true });
    // Years held back until published (issue 10.1): the year columns show earlier figures meanwhile.
    const held = this.sheet.unpublishedYears;
    if (held.length > 0) this.text(ws, unpublishedYearsText(this.lang, held), { ...FONT, bold: true }, true);
    ws.addRow([]);
  }

  partHeading(ws: ExcelJS.Worksheet, text: string): void {
    this.text(ws, text, { ...FONT, size: 12, bold: true });
  }

  /** A numbered section with its texts (an empty bordered box when there is none). */
  section(on: ExcelJS.Worksheet, heading: string, texts: readonly string[]): void {
    const ws = this.continuation.get(on) ?? on;
    const first = texts[0] ?? '';
    this.keepWithNext(ws, 18, estimateHeight(first || ' ', totalWidth(ws, this.width(ws))));
    this.text(ws, heading, { ...FONT, size: 11, bold: true });
    if (texts.length === 0) this.text(ws, '', FONT, true);
    for (const x of texts) this.text(ws, x, FONT, true);
    ws.addRow([]);
  }

  /** A numbered section holding a KPI table. */
  tableSection(ws: ExcelJS.Worksheet, heading: string, table: SheetTable | undefined): void {
    this.keepWithNext(ws, 18, 30 + 16 + 40);
    this.text(ws, heading, { ...FONT, size: 11, bold: true });
    if (table) this.table(ws, table);
    ws.addRow([]);
  }

  private table(ws: ExcelJS.Worksheet, table: SheetTable): void {
    const { sheet, lang } = this;
    const cols = tableColumns(sheet, table, lang, this.L, this.withId);
    const width = cols.specs.length;
    // Two header rows: a figure's label spans its cells, 年｜値｜単位 (年｜数) below; other labels span both rows.
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
    h1.height = Math.max(30, ...cols.specs.map((s) => (s.sub ? estimateHeight(s.header, s.width * 3) : estimateHeight(s.header, s.width))));
    h2.height = 16;
    for (let c = 1; c <= width; ) {
      const spec = cols.specs[c - 1]!;
      if (spec.sub) {
        ws.mergeCells(h1.number, c, h1.number, c + 2);
        if (sheet.layout === 'result-report' && !this.withId) ws.mergeCells(h2.number, c + 1, h2.number, c + 2);
        c += 3;
      } else {
        ws.mergeCells(h1.number, c, h2.number, c);
        c += 1;
      }
    }
    this.account(ws, h1.height + h2.height);
    const u = this.used.get(ws)!;
    const pagesBefore = u.pages;
    // A page begun inside the table starts with its repeated header.
    u.titleRows = h1.height + h2.height;
    const firstData = h2.number + 1;
    for (const r of table.rows) {
      const row = writeDataRow(ws, sheet, table, r, cols, lang, this.L);
      this.account(ws, row.height ?? 18);
    }
    if (table.withInitiatives) mergeInitiatives(ws, table, firstData, cols.specs.findIndex((s) => s.key === 'initiative') + 1);
    if (u.pages > pagesBefore) {
      // The table runs over a page: its header repeats, and what follows goes on a sheet of its own.
      ws.pageSetup.printTitlesRow = `${h1.number}:${h2.number}`;
      this.continuation.set(ws, this.page(`${ws.name.slice(0, 24)}${t(lang, 'sheets.continued')}`, undefined));
    } else {
      u.titleRows = 0;
    }
  }

  /** The overview page: its title and municipality, then items 1.–8. in the form's grid (2. the goals), each printed even when empty. */
  overview(): void {
    const ws = this.page(this.L.overviewSheetName, undefined);
    const { sheet, lang, L } = this;
    // As both seeds print it: the page's own title and the municipality, not the sheet's header.
    const title = this.text(ws, L.overviewTitle, { ...FONT, size: 14, bold: true });
    title.height = Math.max(title.height ?? 0, 24);
    this.text(ws, L.overviewCityLine, { ...FONT, bold: true });
    ws.addRow([]);
    // The form's grid over eight columns: 1 | 2 side by side, 3 across, 4 | 6 and 5 | 7 as two
    // columns with the heading over the text, 8 across (as both seeds print it).
    [14, 19, 19, 19, 14, 19, 19, 19].forEach((w, i) => (ws.getColumn(i + 1).width = w));
    const body = (no: number) => (no === 2 ? priorityGoalsText(sheet, lang) : (sheet.overview.find((o) => o.no === no)?.bodies ?? []).join('\n'));
    const label = (no: number): OverviewCell => ({ from: 1, to: 1, text: L.overviewItem(no), label: true });
    this.overviewRow(ws, [label(1), { from: 2, to: 4, text: body(1) }, { ...label(2), from: 5, to: 5 }, { from: 6, to: 8, text: body(2) }]);
    this.overviewRow(ws, [label(3), { from: 2, to: 8, text: body(3) }]);
    for (const [left, right] of [
      [4, 6],
      [5, 7],
    ] as const) {
      const texts: OverviewCell[] = [
        { from: 1, to: 4, text: body(left) },
        { from: 5, to: 8, text: body(right) },
      ];
      this.overviewRow(ws, [{ ...label(left), to: 4 }, { ...label(right), from: 5, to: 8 }], this.overviewHeight(ws, texts));
      this.overviewRow(ws, texts);
    }
    this.overviewRow(ws, [label(8), { from: 2, to: 8, text: body(8) }]);
  }

  /** The printed height of a row of the overview's grid: its tallest cell. */
  private overviewHeight(ws: ExcelJS.Worksheet, cells: readonly OverviewCell[]): number {
    const span = (c: OverviewCell) => [...Array(c.to - c.from + 1).keys()].reduce((n, i) => n + (ws.getColumn(c.from + i).width ?? 9), 0);
    return Math.max(24, ...cells.map((c) => estimateHeight(c.text || ' ', span(c))));
  }

  /** One row of the overview's grid; a row of headings is kept with the texts under it (`next` points). */
  private overviewRow(ws: ExcelJS.Worksheet, cells: readonly OverviewCell[], next = 0): void {
    const height = this.overviewHeight(ws, cells);
    this.keepWithNext(ws, 0, height + next);
    const row = ws.addRow([]);
    for (const c of cells) {
      if (c.to > c.from) ws.mergeCells(row.number, c.from, row.number, c.to);
      const cell = row.getCell(c.from);
      cell.value = c.text;
      cell.font = c.label ? { ...FONT, bold: true } : FONT;
      if (c.label) cell.fill = HEADER_FILL;
      cell.border = BORDER;
      cell.alignment = { wrapText: true, vertical: 'top' };
    }
    row.height = height;
    this.account(ws, height);
  }
}

/** A cell of the overview's grid: columns `from`–`to` (merged), a label (shaded, bold) or a text. */
interface OverviewCell {
  readonly from: number;
  readonly to: number;
  readonly text: string;
  readonly label?: boolean;
}

function writeDataRow(ws: ExcelJS.Worksheet, sheet: ProgressSheet, table: SheetTable, r: SheetRow, cols: ReturnType<typeof tableColumns>, lang: Lang, L: Labels): ExcelJS.Row {
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
  const name = L.withTargets(table) ? nameWithTargets(r) : r.name;
  cols.specs.forEach((s, i) => {
    const c = i + 1;
    switch (s.key) {
      case 'side':
        set(c, t(lang, `sheets.side.${r.side}`), { horizontal: 'center' });
        break;
      case 'no':
        set(c, L.rowNo(table, r), { horizontal: 'center' });
        break;
      case 'initiative':
        set(c, r.initiative, { vertical: 'top' });
        break;
      case 'name':
        set(c, name, { vertical: 'top' });
        break;
      case 'reflection':
        set(c, r.reflection, { vertical: 'top' });
        break;
      case 'id':
        set(c, r.kpiId);
        break;
      case 'direction':
        set(c, r.statedDirection ? t(lang, `sheets.direction.${r.statedDirection}`) : null, { horizontal: 'center' });
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
    18,
    ...cols.specs.map((s) => {
      const text = s.key === 'name' ? name : s.key === 'initiative' ? r.initiative : s.key === 'reflection' ? r.reflection : '';
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
    // cells: it is written as the published value (the review list says which figure was unrounded).
    const precise = preciseNoteText(r, lang) !== null;
    rateCell.value = precise ? r.rate.value / 100 : { formula, result: r.rate.value / 100 };
    rateCell.numFmt = sheet.rateDecimals > 0 ? `0.${'0'.repeat(sheet.rateDecimals)}%` : '0%';
  }
  return row;
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


/**
 * Neither Excel nor Calc grows a merged cell's row to fit wrapped text, so the height is set:
 * a Japanese character takes about two width units, a line 15 points at 10-point type.
 */
/**
 * The height (points) a row needs to show `text` wrapped in a cell `widthChars` wide (Excel's
 * column width units; a full-width glyph counts two), so Calc and Excel print every line:
 * neither grows a row for wrapped text ExcelJS writes. At least 16, at most Excel's 409.
 */
export function estimateHeight(text: string, widthChars: number, fontScale = 1): number {
  // A little under the column's width per line: Calc and Excel wrap at word and glyph edges.
  const perLine = Math.max(4, Math.floor((widthChars * 0.95) / fontScale));
  let lines = 0;
  for (const para of text.split('\n')) {
    let units = 0;
    for (const ch of para) units += ch.charCodeAt(0) > 0x2e80 ? 2 : 1;
    lines += Math.max(1, Math.ceil(units / perLine));
  }
  return Math.min(409, Math.max(16, Math.ceil(lines * 14.5 * fontScale + 5)));
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
