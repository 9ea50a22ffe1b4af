import ExcelJS from 'exceljs';
import * as docxModule from 'docx';
import { guardFormula } from '../formats/formula-guard.ts';
import { estimateHeight } from '../formats/xlsx/progress-sheet.xlsx.ts';
import { fillMessage } from '../i18n/fill.ts';
import type { Lang } from '../i18n/lang.ts';
import { t } from '../i18n/messages.ts';
import type { DiffLabels, PlanDiff } from './plan-diff.ts';

/*
 * The 新旧対照表 as files (issue 13.6): .xlsx through ExcelJS and .docx through the `docx`
 * library, the same rows in the same order as the staff page. Text typed by staff goes through
 * the one formula guard before it becomes a spreadsheet cell.
 */

/** The field labels of a diff in a language, from the message catalog. */
export function diffLabels(lang: Lang): DiffLabels {
  return {
    title: t(lang, 'plans.diff.label.title'),
    titleEn: t(lang, 'plans.diff.label.titleEn'),
    period: t(lang, 'plans.diff.label.period'),
    vision: t(lang, 'plans.diff.label.vision'),
    kind: t(lang, 'plans.diff.label.kind'),
    nodeTitle: t(lang, 'plans.diff.label.nodeTitle'),
    nodeCode: t(lang, 'plans.diff.label.nodeCode'),
    nodeDescription: t(lang, 'plans.diff.label.nodeDescription'),
    node: t(lang, 'plans.diff.label.node'),
    kpi: t(lang, 'plans.diff.label.kpi'),
    kpiName: t(lang, 'plans.diff.label.kpiName'),
    unit: t(lang, 'plans.diff.label.unit'),
    baseline: t(lang, 'plans.diff.label.baseline'),
    target: (at) => fillMessage(t(lang, 'plans.diff.label.target'), { at }),
    placement: t(lang, 'plans.diff.label.placement'),
  };
}

/** A version as the heading names it: "第1版 策定（2021-03-31）". */
function versionName(v: PlanDiff['from']): string {
  return `${v.number}. ${v.label}（${v.date}）`;
}

/** The title and subtitle lines of the table. */
export function diffHeading(diff: PlanDiff, lang: Lang): { title: string; versions: string } {
  return {
    title: fillMessage(t(lang, 'plans.diff.title'), { plan: diff.planTitle }),
    versions: fillMessage(t(lang, 'plans.diff.versions'), { from: versionName(diff.from), to: versionName(diff.to) }),
  };
}

/** The header row and the data rows as text, in the table's column order (区分, 箇所, 項目, 旧, 新, 理由). */
export function diffTable(diff: PlanDiff, lang: Lang): { header: string[]; rows: string[][] } {
  return {
    header: [t(lang, 'plans.diff.kind'), t(lang, 'plans.diff.where'), t(lang, 'plans.diff.field'), t(lang, 'plans.diff.old'), t(lang, 'plans.diff.new'), t(lang, 'plans.diff.reason')],
    rows: diff.rows.map((r) => [t(lang, `plans.diff.kind.${r.kind}`), r.where, r.field, r.old, r.new, r.reason]),
  };
}

/** The 新旧対照表 as an .xlsx workbook (one sheet, printable on A4 landscape). */
export async function planDiffXlsx(diff: PlanDiff, lang: Lang): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'michishirube';
  const ws = wb.addWorksheet(lang === 'ja' ? '新旧対照表' : 'Comparison', { pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  const heading = diffHeading(diff, lang);
  const table = diffTable(diff, lang);
  ws.columns = [{ width: 14 }, { width: 32 }, { width: 18 }, { width: 40 }, { width: 40 }, { width: 32 }];
  ws.addRow([guardFormula(heading.title)]).font = { bold: true, size: 14 };
  ws.addRow([guardFormula(heading.versions)]);
  ws.addRow([]);
  const header = ws.addRow(table.header);
  header.font = { bold: true };
  header.eachCell((c) => {
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF4' } };
    c.border = { top: { style: 'thin' }, bottom: { style: 'thin' }, left: { style: 'thin' }, right: { style: 'thin' } };
  });
  for (const r of table.rows) {
    const row = ws.addRow(r.map(guardFormula));
    row.eachCell({ includeEmpty: true }, (c) => {
      c.alignment = { wrapText: true, vertical: 'top' };
      c.border = { top: { style: 'thin' }, bottom: { style: 'thin' }, left: { style: 'thin' }, right: { style: 'thin' } };
    });
    // As tall as its longest wrapped cell: Calc and Excel print one line of a row ExcelJS leaves unsized.
    row.height = Math.max(...r.map((text, i) => estimateHeight(text, ws.getColumn(i + 1).width ?? 9)));
  }
  if (table.rows.length === 0) ws.addRow([t(lang, 'plans.diffNone')]);
  ws.views = [{ state: 'frozen', ySplit: 4 }];
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/**
 * The part of the `docx` API used here. docx 9's type entry re-exports extension-less paths that
 * TypeScript's NodeNext resolution cannot follow (its whole API types as empty), so the few
 * constructors used are typed here, as documented at docx.js.org; the code is the library's.
 */
interface DocxApi {
  AlignmentType: { CENTER: string };
  HeadingLevel: { HEADING_1: string };
  PageOrientation: { LANDSCAPE: string };
  WidthType: { PERCENTAGE: string };
  Packer: { toBuffer(doc: object): Promise<Buffer> };
  Document: new (options: { creator: string; title: string; sections: readonly { properties?: object; children: readonly object[] }[] }) => object;
  Paragraph: new (options: { heading?: string; alignment?: string; children: readonly TextRun[] }) => object;
  TextRun: new (options: string | { text: string; bold?: boolean; break?: number }) => TextRun;
  Table: new (options: { width: { size: number; type: string }; rows: readonly object[] }) => object;
  TableRow: new (options: { tableHeader?: boolean; children: readonly TableCell[] }) => object;
  TableCell: new (options: { width: { size: number; type: string }; children: readonly object[] }) => TableCell;
}
/** A run of text (opaque). */
type TextRun = { readonly __docxTextRun?: never };
/** A table cell (opaque). */
type TableCell = { readonly __docxTableCell?: never };
const { AlignmentType, Document, HeadingLevel, Packer, PageOrientation, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } = docxModule as unknown as DocxApi;

/** Text with line breaks as docx runs (a break between lines). */
function runs(text: string): TextRun[] {
  return text.split('\n').map((line, i) => new TextRun({ text: line, break: i > 0 ? 1 : 0 }));
}

function cell(text: string, opts: { bold?: boolean; width: number }): TableCell {
  return new TableCell({
    width: { size: opts.width, type: WidthType.PERCENTAGE },
    children: [new Paragraph({ children: opts.bold ? [new TextRun({ text, bold: true })] : runs(text) })],
  });
}

/** The 新旧対照表 as a .docx document (A4 landscape, one table with a repeated header row). */
export async function planDiffDocx(diff: PlanDiff, lang: Lang): Promise<Buffer> {
  const heading = diffHeading(diff, lang);
  const table = diffTable(diff, lang);
  const widths = [10, 18, 12, 22, 22, 16];
  const rows = [
    new TableRow({ tableHeader: true, children: table.header.map((h, i) => cell(h, { bold: true, width: widths[i]! })) }),
    ...table.rows.map((r) => new TableRow({ children: r.map((text, i) => cell(text, { width: widths[i]! })) })),
  ];
  const doc = new Document({
    creator: 'michishirube',
    title: heading.title,
    sections: [
      {
        properties: { page: { size: { orientation: PageOrientation.LANDSCAPE } } },
        children: [
          new Paragraph({ heading: HeadingLevel.HEADING_1, alignment: AlignmentType.CENTER, children: [new TextRun(heading.title)] }),
          new Paragraph({ children: [new TextRun(heading.versions)] }),
          table.rows.length > 0 ? new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, rows }) : new Paragraph({ children: [new TextRun(t(lang, 'plans.diffNone'))] }),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}
