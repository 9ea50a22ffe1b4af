import type ExcelJS from 'exceljs';
import { guardFormula } from '../formula-guard.ts';

/**
 * Passes every text cell of a workbook through the formula guard before it is written (one pass
 * over the finished workbook, so no cell written by a new piece of code can be missed). Number
 * cells, formulas the app writes itself (達成度) and rich text stay as they are.
 */
export function guardWorkbookText(wb: ExcelJS.Workbook): ExcelJS.Workbook {
  wb.eachSheet((ws) => {
    ws.eachRow({ includeEmpty: false }, (row) => {
      row.eachCell({ includeEmpty: false }, (cell) => {
        if (typeof cell.value === 'string') {
          const guarded = guardFormula(cell.value);
          if (guarded !== cell.value) cell.value = guarded;
        }
      });
    });
  });
  return wb;
}
