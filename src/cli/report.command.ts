import type { Config } from '../config.ts';
import type { Lang } from '../i18n/lang.ts';
import { t } from '../i18n/messages.ts';
import { openForCommand, unknownCityError } from './command-context.ts';
import { buildPlanReport } from '../plans/plan-report.service.ts';
import { kpiJson } from '../formats/json/kpi-json.ts';
import { formatQuantity, formatRate, formatTime } from '../web/views/format.ts';
import { textTable, truncateToWidth } from './text-table.ts';
import { writeFile } from 'node:fs/promises';
import { progressSheetXlsxBuffer } from '../formats/xlsx/progress-sheet.xlsx.ts';
import { PdfPrinter } from '../formats/pdf/pdf-printer.ts';
import { describeSheetRequestError, prepareSheet } from '../sheets/progress-sheet.service.ts';
import { sheetFooter, sheetHtml } from '../web/views/sheet/render.ts';
import { UserError } from './user-error.ts';

/** `michishirube plans CITY`: one line per plan, id first. */
export async function plansCommand(cityId: string, config: Config, out: (s: string) => void): Promise<number> {
  const ctx = await openForCommand(config);
  try {
    const data = await ctx.store.get(cityId);
    if (!data) throw await unknownCityError(ctx, cityId);
    for (const p of data.plans) out(`${p.id}\t${p.title}`);
    return 0;
  } finally {
    await ctx.close();
  }
}

/** `michishirube report CITY [PLAN]`: the KPI table of a plan (its SDGs plan by default). */
export async function reportCommand(cityId: string, planId: string | undefined, options: ReportOptions, config: Config, out: (s: string) => void): Promise<number> {
  if (options.format !== undefined && !SHEET_FORMATS.includes(options.format as SheetFormat)) throw new UserError(`unknown --format "${options.format}"; expected xlsx, pdf or html`);
  if ((options.format === 'xlsx' || options.format === 'pdf') && !options.out) throw new UserError(`--format ${options.format} needs --out FILE`);
  if (options.format === undefined && (options.year !== undefined || options.sheet !== undefined || options.out !== undefined)) throw new UserError('--year, --sheet and --out go with --format xlsx|pdf|html');
  const ctx = await openForCommand(config);
  try {
    const data = await ctx.store.get(cityId);
    if (!data) throw await unknownCityError(ctx, cityId);
    const plan = planId
      ? data.plans.find((p) => p.id === planId)
      : (data.plans.find((p) => p.kind === 'sdgs-future-city') ?? data.plans.find((p) => buildPlanReport(data, p).rows.length > 0) ?? data.plans[0]);
    if (!plan) throw new UserError(`unknown plan "${planId ?? ''}" in ${cityId}; known: ${data.plans.map((p) => p.id).join(', ')}`);
    if (options.format) return await writeSheet(data, plan.id, options as ReportOptions & { format: SheetFormat }, out);
    const report = buildPlanReport(data, plan);
    if (options.json) {
      for (const r of report.rows) out(JSON.stringify({ node: r.node.code ?? r.node.title, node_status: report.rollups.get(r.node.id)?.status ?? 'no-data', no: r.row.no ?? null, ...kpiJson(r.kpi, r.evaluation, r.override) }));
      return 0;
    }
    const L = options.lang;
    out(`${plan.title}（${plan.periodStart}–${plan.periodEnd}）`);
    const rows: string[][] = [];
    let lastNode = '';
    const shownNodes = new Set<string>();
    for (const { node, nodePath, row, kpi, evaluation: e } of report.rows) {
      if (node.id !== lastNode) {
        lastNode = node.id;
        // Every node on the path not shown yet gets its own line with its roll-up status.
        for (let i = 0; i < nodePath.length; i++) {
          const n = nodePath[i]!;
          if (shownNodes.has(n.id)) continue;
          shownNodes.add(n.id);
          const r = report.rollups.get(n.id);
          const status = r && r.status !== 'no-data' ? ` 【${t(L, `status.${r.status}`)} ${formatRate(r.progress, L)}】` : '';
          rows.push(['', `■ ${nodePath.slice(0, i + 1).map((p) => `${p.code ? `${p.code} ` : ''}${L === 'en' && p.titleEn ? p.titleEn : p.title}`).join(' › ')}${status}`]);
        }
      }
      const a = e?.status.achievement;
      rows.push([
        row.no ?? '',
        truncateToWidth(L === 'en' && kpi.nameEn ? kpi.nameEn : kpi.name, 34),
        `${formatQuantity(kpi.baseline.value, kpi.baseline.decimals, kpi.unit, L)} (${formatTime(kpi.baseline.at, L)})`,
        e?.latest ? `${formatQuantity(e.latest.value, e.latest.decimals, kpi.unit, L)} (${formatTime(e.latest.at, L)})` : '—',
        e ? `${formatQuantity(e.target.value, e.target.decimals, kpi.unit, L)} (${formatTime(e.target.at, L)})` : '—',
        a ? (a.rate === null ? `${formatRate(a.displayRate, L)}*` : formatRate(a.rate, L)) : '—',
        t(L, `status.${e?.status.status ?? 'no-data'}`),
        e ? t(L, `forecast.${e.forecast.verdict}`) : '',
      ]);
    }
    const header = ['No', t(L, 'kpi.name'), t(L, 'kpi.baseline'), t(L, 'kpi.latest'), t(L, 'kpi.target'), t(L, 'kpi.rate'), t(L, 'kpi.status'), t(L, 'kpi.forecast')];
    out(textTable(header, rows, ['right', 'left', 'right', 'right', 'right', 'right', 'left', 'left']));
    if (rows.some((r) => r[5]?.endsWith('*'))) out(L === 'ja' ? '* 目標値＝当初値のため実績÷目標で表示' : '* target equals baseline: actual / target shown');
    out(L === 'ja' ? '【】 施策・目標の状況：直下の指標と下位の施策の加重平均（README「Roll-up」）' : '【】 node status: weighted mean of its direct KPIs and child nodes (README “Roll-up”)');
    return 0;
  } finally {
    await ctx.close();
  }
}

const SHEET_FORMATS = ['xlsx', 'pdf', 'html'] as const;
type SheetFormat = (typeof SHEET_FORMATS)[number];

/** Options of `report`: without `format` the KPI table; with it, the progress evaluation sheet as a file. */
export interface ReportOptions {
  readonly json: boolean;
  readonly lang: Lang;
  readonly format?: string | undefined;
  readonly year?: string | undefined;
  /** A sheet of the plan's layout: progress (default) or summary (様式3-3); report for the result-report layout. */
  readonly sheet?: string | undefined;
  readonly out?: string | undefined;
}

/** `report CITY PLAN --format xlsx|pdf|html [--year Y] [--sheet progress|summary|report] --out FILE`. */
async function writeSheet(data: import('../core/city/city.ts').CityData, planId: string, options: ReportOptions & { format: SheetFormat }, out: (s: string) => void): Promise<number> {
  const r = prepareSheet(data, { planId, kind: options.sheet, year: options.year });
  if (!r.ok) throw new UserError(describeSheetRequestError(r.error));
  const { sheet } = r;
  let bytes: Uint8Array | string;
  if (options.format === 'xlsx') bytes = await progressSheetXlsxBuffer(sheet, options.lang);
  else if (options.format === 'html') bytes = await sheetHtml(sheet, options.lang);
  else {
    const printer = new PdfPrinter();
    try {
      bytes = await printer.print(await sheetHtml(sheet, options.lang), sheetFooter(sheet, options.lang));
    } finally {
      await printer.close();
    }
  }
  if (!options.out) {
    out(typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString());
    return 0;
  }
  await writeFile(options.out, bytes);
  out(`wrote ${options.out}: ${sheet.kind === 'progress' ? 'progress evaluation sheet' : sheet.kind === 'summary' ? 'period summary (様式3-3)' : 'result report'} of ${sheet.plan.id} for ${sheet.year}, ${sheet.tables.reduce((n, t) => n + t.rows.length, 0)} KPI row(s)`);
  return 0;
}
