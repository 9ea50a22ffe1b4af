import type { Lang } from '../../../i18n/lang.ts';
import type { ProgressSheet } from '../../../sheets/progress-sheet.ts';
import { sheetLabels } from '../../../sheets/sheet-text.ts';
import type { PdfFooter } from '../../../formats/pdf/pdf-printer.ts';
import { SheetView, type SheetToolbar } from './sheet.view.tsx';

/** The print view as an HTML document (for the PDF printer, the CLI and the app). */
export async function sheetHtml(sheet: ProgressSheet, lang: Lang, toolbar?: SheetToolbar): Promise<string> {
  const body = await Promise.resolve(SheetView({ sheet, lang, ...(toolbar ? { toolbar } : {}) }).toString());
  return `<!doctype html>${body}`;
}

/** The printed footer of a sheet: the city on the left (the form carries its own 作成年月; no production date is printed). */
export function sheetFooter(sheet: ProgressSheet, lang: Lang): PdfFooter {
  const L = sheetLabels(sheet, lang);
  return { left: L.footerCity, right: '' };
}
