import { Hono } from 'hono';
import { summarizeCity } from '../../cities/city-summary.service.ts';
import { buildKpiDetail, type KpiDetail } from '../../kpis/kpi-detail.service.ts';
import { svgToPng } from '../charts/chart-png.ts';
import { standaloneKpiChartSvg } from '../charts/kpi-time-series.chart.ts';
import { chartSummary, kpiChartInput } from '../views/kpi.view.tsx';
import { KpiEmbedView } from '../views/kpi-embed.view.tsx';
import { fill } from '../views/fill.ts';
import { localized, type ViewContext } from '../views/view-context.ts';
import { cityKpisTable, kpiSeriesTable } from '../../open-data/open-data.service.ts';
import { filterCityKpis, progressAtAGlance, type KpiListFilter } from '../../kpis/progress-glance.service.ts';
import { statusOverridesByKpi } from '../../staff/staff-notes.service.ts';
import { KPI_STATUSES, type KpiStatus } from '../../core/kpi/status.ts';
import { z } from 'zod';
import { ProgressView } from '../views/progress.view.tsx';
import { viewContextOf } from '../request-context.ts';
import { kpiPage } from '../views/kpi.view.tsx';
import { KpiListView } from '../views/open-data.view.tsx';
import { clockOf, type WebDeps } from '../web-deps.ts';
import { notFound } from './public.routes.tsx';
import { chartFileResponse, cityKpiJson, cityCsvResponse, jsonResponse, kpiDetailJson, requestedFormat } from './public-json.ts';
import { htmlPage } from '../html-page.ts';

/** The KPI list's filters (GET); a value that is not one of the choices counts as no filter. */
const kpiListQuery = z.object({
  status: z.enum(KPI_STATUSES as [KpiStatus, ...KpiStatus[]]).optional().catch(undefined),
  goal: z.string().regex(/^(1[0-7]|[1-9])$/).optional().catch(undefined),
  node: z.string().max(300).regex(/^[^/]+\/[^/]+$/).optional().catch(undefined),
  department: z.string().max(200).optional().catch(undefined),
});

/** KPI pages: a city's KPI list and each KPI's page, both with `?format=csv|json`. */
export function kpiRoutes(deps: WebDeps): Hono {
  const { store } = deps;
  const app = new Hono();

  app.get('/cities/:city/kpis', async (c) => {
    const data = await store.get(c.req.param('city'));
    const format = requestedFormat(c);
    if (!data || !format) return notFound(c);
    const summary = summarizeCity(data);
    // The filters a count of the progress page links to (issue 15.1); values not among the choices count as none.
    const q = kpiListQuery.parse({ status: c.req.query('status') || undefined, goal: c.req.query('goal') || undefined, node: c.req.query('node') || undefined, department: c.req.query('department') });
    const filter: KpiListFilter = { ...(q.status ? { status: q.status } : {}), ...(q.goal ? { goal: q.goal } : {}), ...(q.node ? { node: q.node } : {}), ...(q.department !== undefined ? { department: q.department } : {}) };
    const filtered = Object.keys(filter).length > 0 ? filterCityKpis(data, summary, filter) : undefined;
    const items = filtered ?? summary.kpis;
    if (format === 'csv') {
      const ids = new Set(items.map((k) => k.kpi.id));
      const table = cityKpisTable(data);
      return cityCsvResponse(data.city, { ...table, rows: table.rows.filter((r) => ids.has(String(r.kpi_id))) }, `${data.city.id}-kpis`);
    }
    if (format === 'json') return jsonResponse({ city: data.city.id, kpis: items.map((k) => cityKpiJson({ city: data.city, ...k, override: statusOverridesByKpi(data).get(k.kpi.id) })) }, `${data.city.id}-kpis`);
    return htmlPage(c, <KpiListView ctx={viewContextOf(c)} data={data} summary={summary} filtered={filtered} today={clockOf(deps).todayInTokyo()} />);
  });

  /** Progress at a glance (issue 15.1): counts by status per SDG goal, plan goal and department. */
  app.get('/cities/:city/progress', async (c) => {
    const data = await store.get(c.req.param('city'));
    if (!data) return notFound(c);
    return c.html(<ProgressView ctx={viewContextOf(c)} data={data} glance={progressAtAGlance(data, summarizeCity(data))} />);
  });

  app.get('/cities/:city/kpis/:kpi', async (c) => {
    const data = await store.get(c.req.param('city'));
    const detail = data ? buildKpiDetail(data, c.req.param('kpi')) : null;
    const format = requestedFormat(c);
    if (!data || !detail || !format) return notFound(c);
    const name = `${data.city.id}-${detail.kpi.id}`;
    // Baseline, every published actual and every target (future ones too), issue 15.3.
    if (format === 'csv') return cityCsvResponse(data.city, kpiSeriesTable(data.city, [detail.kpi]), name);
    if (format === 'json') return jsonResponse(kpiDetailJson(detail), name);
    return htmlPage(c, kpiPage({ ctx: viewContextOf(c), detail, publicUrl: deps.web?.publicUrl, owner: data }));
  });

  /**
   * The KPI's chart to take away (issue 15.4): a standalone SVG (drawn by ECharts on the server)
   * and a PNG rasterised from it without a browser. Both come from the public view, in the
   * page's language (`?lang=en`), and are kept by the page cache until the city's data changes.
   */
  app.get('/cities/:city/kpis/:kpi/chart.svg', async (c) => {
    const found = await publicKpi(c.req.param('city'), c.req.param('kpi'));
    if (!found) return notFound(c);
    return chartFileResponse(found.data.city, chartSvg(viewContextOf(c), found.detail), 'svg', `${found.data.city.id}-${found.detail.kpi.id}`);
  });

  app.get('/cities/:city/kpis/:kpi/chart.png', async (c) => {
    const found = await publicKpi(c.req.param('city'), c.req.param('kpi'));
    if (!found) return notFound(c);
    return chartFileResponse(found.data.city, new Uint8Array(svgToPng(chartSvg(viewContextOf(c), found.detail))), 'png', `${found.data.city.id}-${found.detail.kpi.id}`);
  });

  /** The embeddable page of the chart: framable by any site (its own headers, see security-headers.ts). */
  app.get('/cities/:city/kpis/:kpi/embed', async (c) => {
    const found = await publicKpi(c.req.param('city'), c.req.param('kpi'));
    if (!found) return notFound(c);
    return c.html(<KpiEmbedView ctx={viewContextOf(c)} detail={found.detail} />);
  });

  /** A KPI of the city's public view, or null (unknown city, unknown KPI, another city's KPI). */
  async function publicKpi(cityId: string, kpiId: string) {
    const data = await store.get(cityId);
    const detail = data ? buildKpiDetail(data, kpiId) : null;
    return data && detail ? { data, detail } : null;
  }

  return app;
}

/** The chart as a standalone SVG file titled with the KPI and city, described by its text alternative. */
function chartSvg(ctx: ViewContext, detail: KpiDetail): string {
  const name = localized(ctx, detail.kpi.name, detail.kpi.nameEn);
  const city = localized(ctx, detail.data.city.name, detail.data.city.nameEn);
  return standaloneKpiChartSvg(kpiChartInput(ctx, detail), { title: fill(ctx.t('pub.embed.title'), { kpi: name, city }), description: chartSummary(ctx, detail) });
}
