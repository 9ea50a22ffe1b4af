import ExcelJS from 'exceljs';
import { TEMPLATE_HEADER } from '../csv/observation-rows.ts';
import { numberFormat } from './progress-sheet.xlsx.ts';
import { guardWorkbookText } from './guard-workbook.ts';

/** One example row of the template: a KPI of the city with its latest actual. */
export interface TemplateExample {
  readonly kpi: string;
  readonly name: string;
  readonly sdgTargets: string;
  readonly at: string;
  readonly value: number;
  readonly decimals: number;
  readonly unit: string;
}

/**
 * The import template as a workbook: one header row (指標ID, 指標名, SDGターゲット, 時点, 値, 単位,
 * 備考, 出典) and example rows; 値 cells are numbers with the KPI's decimals.
 */
export async function observationTemplateXlsx(examples: readonly TemplateExample[]): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'michishirube';
  const ws = wb.addWorksheet('実績');
  ws.addRow([...TEMPLATE_HEADER]).font = { bold: true };
  [24, 40, 18, 14, 12, 8, 30, 30].forEach((w, i) => (ws.getColumn(i + 1).width = w));
  for (const e of examples) {
    const row = ws.addRow([e.kpi, e.name, e.sdgTargets, e.at, e.value, e.unit, '', '']);
    row.getCell(5).numFmt = numberFormat(e.decimals);
  }
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  return new Uint8Array(await guardWorkbookText(wb).xlsx.writeBuffer());
}
