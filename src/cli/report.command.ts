import type { Config } from '../config.ts';
import type { Lang } from '../i18n/lang.ts';
import { t } from '../i18n/messages.ts';
import { openAppContext } from '../services/app-context.ts';
import { buildPlanReport } from '../services/plan-report.service.ts';
import { kpiJson } from '../web/routes/api.routes.ts';
import { formatQuantity, formatRate, formatTime } from '../web/views/format.ts';
import { textTable, truncateToWidth } from './text-table.ts';
import { UserError } from './user-error.ts';

/** `michishirube plans CITY`: one line per plan, id first. */
export async function plansCommand(cityId: string, config: Config, out: (s: string) => void): Promise<number> {
  const ctx = await openAppContext(config);
  try {
    const data = await ctx.store.get(cityId);
    if (!data) throw new UserError(`unknown city "${cityId}"; known: ${(await ctx.store.listCities()).map((c) => c.id).join(', ')}`);
    for (const p of data.plans) out(`${p.id}\t${p.title}`);
    return 0;
  } finally {
    await ctx.close();
  }
}

/** `michishirube report CITY [PLAN]`: the KPI table of a plan (its SDGs plan by default). */
export async function reportCommand(cityId: string, planId: string | undefined, options: { json: boolean; lang: Lang }, config: Config, out: (s: string) => void): Promise<number> {
  const ctx = await openAppContext(config);
  try {
    const data = await ctx.store.get(cityId);
    if (!data) throw new UserError(`unknown city "${cityId}"; known: ${(await ctx.store.listCities()).map((c) => c.id).join(', ')}`);
    const plan = planId
      ? data.plans.find((p) => p.id === planId)
      : (data.plans.find((p) => p.kind === 'sdgs-future-city') ?? data.plans.find((p) => buildPlanReport(data, p).rows.length > 0) ?? data.plans[0]);
    if (!plan) throw new UserError(`unknown plan "${planId ?? ''}" in ${cityId}; known: ${data.plans.map((p) => p.id).join(', ')}`);
    const report = buildPlanReport(data, plan);
    if (options.json) {
      for (const r of report.rows) out(JSON.stringify({ node: r.node.code ?? r.node.title, no: r.row.no ?? null, ...kpiJson(r.kpi, r.evaluation) }));
      return 0;
    }
    const L = options.lang;
    out(`${plan.title}（${plan.periodStart}–${plan.periodEnd}）`);
    const rows: string[][] = [];
    let lastNode = '';
    for (const { node, nodePath, row, kpi, evaluation: e } of report.rows) {
      if (node.id !== lastNode) {
        lastNode = node.id;
        rows.push(['', `■ ${nodePath.map((n) => `${n.code ? `${n.code} ` : ''}${L === 'en' && n.titleEn ? n.titleEn : n.title}`).join(' › ')}`]);
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
    return 0;
  } finally {
    await ctx.close();
  }
}
