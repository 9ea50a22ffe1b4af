import { formatTimePointEn, formatTimePointJa } from '../core/time/time-point.ts';
import type { Lang } from '../i18n/lang.ts';
import { fillMessage } from '../i18n/fill.ts';
import { t, type MessageKey } from '../i18n/messages.ts';
import type { ProgressSheet, SheetDifference, SheetRateNote, SheetRow, SheetTable } from './progress-sheet.ts';

/**
 * The texts every rendering of a sheet shares (Excel, the print view, the PDF), so the three
 * say the same thing in the same words: the form's titles, numbering and column headers as the
 * Cabinet Office prints them (issue 14), with the period's ordinal and years from the plan.
 */
export function sheetLabels(sheet: ProgressSheet, lang: Lang) {
  const { city, plan } = sheet;
  const f = (key: MessageKey, vars: Record<string, string | number> = {}) => fillMessage(t(lang, key), vars);
  const cityName = lang === 'ja' ? `${city.prefecture}${city.name}` : `${city.nameEn}, ${city.prefectureEn}`;
  const selected = city.sdgsFutureCitySince ? f('sheets.head.selected', { year: city.sdgsFutureCitySince }) : '';
  const period = lang === 'ja' ? `${plan.periodStart}年～${plan.periodEnd}年` : `${plan.periodStart}–${plan.periodEnd}`;
  const planTitle = lang === 'en' && plan.titleEn ? plan.titleEn : plan.title;
  // The Cabinet Office's form numbers with full-width parentheses and digits and writes
  // 「第１期」「ＳＤＧｓ」 in its titles (Ichinoseki's 様式3-3); Tsukuba's report writes ASCII
  // throughout (「(1) 」「第2期SDGs未来都市計画」「1. 地域の特徴…」). Both print the next period's
  // ordinal of the reflection column in ASCII (「第2期計画」「第3期計画」), as the seeds do.
  const wide = sheet.layout === 'cabinet-office' && lang === 'ja';
  const ascii = (s: string) => (lang === 'ja' && !wide ? toAscii(s) : s);
  const ordinal = sheet.ordinal;
  const n = ordinal === null ? null : wide ? toWide(String(ordinal)) : String(ordinal);
  const span = { from: plan.periodStart, to: plan.periodEnd };
  const sheetTitle =
    sheet.kind === 'summary' ? (n !== null ? f('sheets.title.summaryOf', { n, ...span }) : f('sheets.title.summaryPlain', span)) : t(lang, sheet.kind === 'report' ? 'sheets.title.report' : 'sheets.title.progress');
  const periodPlan = ascii(`${n !== null ? f('sheets.head.periodPlan', { n }) : t(lang, 'sheets.head.periodPlanPlain')}${lang === 'ja' ? '：' : ', '}${f('sheets.head.period', span)}`);
  const num = (i: number) => (wide ? `（${String.fromCharCode(0xff10 + i)}）` : `(${i}) `);
  return {
    sheetTitle,
    cityName,
    selected,
    cityLine: selected ? `${cityName}（${selected}）` : cityName,
    /**
     * The overview page's title (`overview-title` text; the result report falls back on the
     * plan's vision, Tsukuba's 「世界のあしたが見えるまち つくば」) and its municipality line:
     * 「岩手県一関市（2021年度選定）」, Tsukuba's 「自治体名：茨城県つくば市(2018年度選定)」.
     */
    /** The progress sheet's header field 自治体ＳＤＧｓモデル事業又は特に注力する先導的取組: the plan's `model-project` text, else empty. */
    modelProject: (sheet.texts['model-project'] ?? []).map((n) => n.body).join('\n'),
    overviewTitle: sheet.texts['overview-title']?.[0]?.body ?? (sheet.layout === 'result-report' ? (plan.vision ?? '') : ''),
    overviewCityLine: wide || lang !== 'ja' ? (selected ? `${cityName}${lang === 'ja' ? `（${selected}）` : ` (${selected})`}` : cityName) : `${t(lang, 'sheets.head.city')}：${cityName}${selected ? `(${selected})` : ''}`,
    /** 「岩手県一関市　第１期ＳＤＧｓ未来都市計画：計画期間2021年～2023年」 */
    planLine: `${cityName}${lang === 'ja' ? (wide ? '　' : ' ') : ': '}${periodPlan}`,
    planTitle,
    period,
    /** 作成年月 as printed: 「2024年9月」; empty while the secretariat has not set it. */
    createdOn: sheet.submittedOn ? formatMonth(sheet.submittedOn, lang) : '',
    num,
    footerCity: cityName,
    overviewSheetName: lang === 'ja' ? '概要' : 'Overview',
    /** 「1.地域の特徴と課題及び目標」 (Cabinet Office), 「1. 地域の特徴と課題及び目標」 and 「3. 取組の概要 (三側面…)」 (Tsukuba). */
    overviewItem: (no: number) => (wide || lang !== 'ja' ? `${no}.${t(lang, `sheets.overview.${no}` as MessageKey)}` : `${no}. ${ascii(t(lang, `sheets.overview.${no}` as MessageKey))}`),
    /** The heading of the period's 総括: 「第１期SDGs未来都市計画の進捗評価結果を踏まえた総括」. */
    periodSummary: n !== null ? f('sheets.period.summary', { n }) : t(lang, 'sheets.period.summaryPlain'),
    reflectionHeader: ordinal !== null ? f('sheets.col.reflectionOf', { n: ordinal + 1 }) : t(lang, 'sheets.col.reflection'),
    /** The header of the column of a reporting year's actuals, as the form names it for that table. */
    actualHeader: (table: SheetTable, year: number) =>
      sheet.kind === 'progress' ? (table.role === 'vision' ? f('sheets.col.current', { year }) : f('sheets.col.yearActual', { year })) : table.role === 'vision' ? f('sheets.col.yearOnly', { year }) : f('sheets.col.yearActual', { year }),
    targetHeader: (table: SheetTable) => (table.role === 'vision' ? t(lang, 'sheets.col.target2030') : f('sheets.col.yearTarget', { year: plan.periodEnd })),
    /** 「経1」: the 様式3-3 prints the side's first character before the number in table (1). */
    rowNo: (table: SheetTable, r: SheetRow) => (sheet.kind === 'summary' && table.role === 'vision' && r.side !== 'none' && lang === 'ja' ? `${t(lang, `sheets.side.${r.side}`).slice(0, 1)}${r.no}` : r.no),
    /** Whether the table has a 側面 column (the progress sheet's vision table). */
    sideColumn: (table: SheetTable) => sheet.kind === 'progress' && table.role === 'vision' && table.rows.some((r) => r.side !== 'none'),
    /** Whether names carry their SDG targets (the vision table). */
    withTargets: (table: SheetTable) => table.role === 'vision',
    rowRef: (r: SheetRow) => (lang === 'ja' ? `${t(lang, 'sheets.indicator')}${toWide(r.no)}：「${r.name}」` : `${t(lang, 'sheets.indicator')} ${r.no}: "${r.name}"`),
    tableSheetName: (table: SheetTable, i: number) => `${table.code || `(${i + 1})`} ${table.title}`,
  };
}

/** Full-width letters and digits as ASCII, full-width brackets as 「 (…)」: Tsukuba's way of writing the form's words. */
function toAscii(s: string): string {
  return s.replace(/[Ａ-Ｚａ-ｚ０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/（/g, ' (').replace(/）/g, ')');
}

/** Full-width digits, as the forms write 「指標２」. */
function toWide(s: string): string {
  return s.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
}

/** 「2024年9月」 / "September 2024" from YYYY-MM. */
export function formatMonth(yyyyMm: string, lang: Lang): string {
  const [y, m] = yyyyMm.split('-').map(Number);
  if (lang === 'ja') return `${y}年${m}月`;
  return `${['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'][m! - 1]} ${y}`;
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

/**
 * What the secretariat reads for one difference of the review list: the method the published
 * document used against the KPI's own, the figures the rate took unrounded, and other documents'
 * published rates with their reconciliation (never printed on the submission).
 */
export function differenceTexts(d: SheetDifference, documentTitle: string | null, lang: Lang): string[] {
  const out: string[] = [];
  if (d.printedFormula && d.systemFormula && (d.printedFormula !== d.systemFormula || d.printedRate !== d.systemRate)) {
    out.push(
      fillMessage(t(lang, 'sheets.diff.method'), {
        doc: documentTitle ?? '—',
        printed: t(lang, `sheets.formula.${d.printedFormula}`),
        system: t(lang, `sheets.formula.${d.systemFormula}`),
      }),
    );
  }
  const precise = preciseNoteText(d.row, lang);
  if (precise) out.push(precise);
  for (const n of d.notes) out.push(rateNoteText(n, lang));
  return out;
}
