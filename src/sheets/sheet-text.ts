import { formatTimePointEn, formatTimePointJa } from '../core/time/time-point.ts';
import type { Lang } from '../i18n/lang.ts';
import { t } from '../i18n/messages.ts';
import type { ProgressSheet, SheetRateNote, SheetRow, SheetTable } from './progress-sheet.ts';

/**
 * The texts every rendering of a sheet shares (Excel, the print view, the PDF), so the three
 * say the same thing in the same words.
 */
export function sheetLabels(sheet: ProgressSheet, lang: Lang) {
  const { city, plan } = sheet;
  const cityName = lang === 'ja' ? `${city.prefecture}${city.name}` : `${city.nameEn}, ${city.prefectureEn}`;
  const selected = city.sdgsFutureCitySince ? (lang === 'ja' ? `（${city.sdgsFutureCitySince}${t(lang, 'sheets.selected')}）` : ` (${city.sdgsFutureCitySince}${t(lang, 'sheets.selected')})`) : '';
  const period = lang === 'ja' ? `${plan.periodStart}年～${plan.periodEnd}年` : `${plan.periodStart}–${plan.periodEnd}`;
  const planTitle = lang === 'en' && plan.titleEn ? plan.titleEn : plan.title;
  const date = formatDate(sheet.generatedOn, lang);
  return {
    sheetTitle: t(lang, `sheets.title.${sheet.kind}`),
    cityLine: `${cityName}${selected}`,
    planLine: lang === 'ja' ? `${cityName}　${planTitle}：${t(lang, 'sheets.period')}${period}` : `${cityName}: ${planTitle}, ${t(lang, 'sheets.period').toLowerCase()} ${period}`,
    period,
    yearLine: `${t(lang, 'sheets.year')} ${lang === 'ja' ? `${sheet.year}年` : sheet.year}`,
    footerCity: cityName,
    footerDate: `${t(lang, 'sheets.generatedOn')} ${date}`,
    date,
    overviewSheetName: lang === 'ja' ? '概要' : 'Overview',
    closingSheetName: sheet.kind === 'summary' ? (lang === 'ja' ? '総括・評価' : 'Summary and evaluation') : lang === 'ja' ? '有識者評価' : 'Expert evaluation',
    tableSheetName: (table: SheetTable, i: number) => `${table.code || `(${i + 1})`} ${table.title}`,
    tableCaption: (table: SheetTable) => `${table.code}${table.title}${t(lang, 'sheets.table.progressOf')}`,
    commentaryHeading: (table: SheetTable) => `${table.code}${lang === 'ja' ? `「${table.title}${t(lang, 'sheets.table.progressOf')}」を踏まえた` : ''}${t(lang, 'sheets.commentary')}`,
    actualHeader: (year: number) => (lang === 'ja' ? `${year}${t(lang, 'sheets.col.actual')}` : `${year}${t(lang, 'sheets.col.actual')}`),
    rowRef: (r: SheetRow) => (lang === 'ja' ? `${t(lang, 'sheets.indicator')}${r.no}：「${r.name}」` : `${t(lang, 'sheets.indicator')} ${r.no}: "${r.name}"`),
  };
}

/** 指標名 with its SDG targets on a second line, as the sheets print it: 「新規就農者数※累計\n【2.3,2.4,8.3,8.5】」. */
export function nameWithTargets(r: Pick<SheetRow, 'name' | 'sdgTargets'>): string {
  return r.sdgTargets.length > 0 ? `${r.name}\n【${r.sdgTargets.join(',')}】` : r.name;
}

/** Why a published rate differs from the sheet's: the document, its figure, and the reconciliation's explanation. */
export function rateNoteText(n: SheetRateNote, lang: Lang): string {
  const why = n.reconciliation.explanation?.text[lang] ?? t(lang, 'sheets.rateNote.unexplained');
  return `${n.documentTitle} ${t(lang, 'sheets.rateNote.published')} ${n.published}：${why}`;
}

/**
 * Which figures of a row its rate took unrounded (issue 10.7), e.g. 「四捨五入前の値で計算：
 * 実績 41 → 41.2（公表された達成度からの推定値）」; null when the row used printed figures only.
 */
export function preciseNoteText(r: Pick<SheetRow, 'baseline' | 'actuals' | 'target'>, lang: Lang): string | null {
  const figures = [
    ['sheets.precise.baseline', r.baseline],
    ['sheets.precise.actual', r.actuals.at(-1)],
    ['sheets.precise.target', r.target],
  ] as const;
  const parts = figures.flatMap(([name, f]) =>
    f?.precise ? [`${t(lang, name)} ${f.value} → ${f.precise.value}${f.precise.basis === 'inferred-from-published-rate' ? t(lang, 'sheets.precise.inferred') : ''}`] : [],
  );
  return parts.length === 0 ? null : `${t(lang, 'sheets.precise.lead')}${parts.join(lang === 'ja' ? '、' : ', ')}`;
}

/** A figure's time point as the sheet prints it. */
export function sheetTime(at: Parameters<typeof formatTimePointJa>[0], lang: Lang): string {
  return lang === 'ja' ? formatTimePointJa(at) : formatTimePointEn(at);
}

function formatDate(iso: string, lang: Lang): string {
  const [y, m, d] = iso.split('-').map(Number);
  if (lang === 'ja') return `${y}年${m}月${d}日`;
  return iso;
}
