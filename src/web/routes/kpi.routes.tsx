import { Hono } from 'hono';
import { openCityPages } from '../../cities/city-pages.service.ts';
import { buildKpiDetail, type KpiDetail } from '../../kpis/kpi-detail.service.ts';
import { svgToPng } from '../charts/chart-png.ts';
import { standaloneKpiChartSvg } from '../charts/kpi-time-series.chart.ts';
import { chartSummary, kpiChartInput } from '../views/kpi.view.tsx';
import { KpiEmbedView } from '../views/kpi-embed.view.tsx';
import { fill } from '../views/fill.ts';
import { localized, type ViewContext } from '../views/view-context.ts';
import { kpiSeriesTable } from '../../open-data/open-data.service.ts';
import { kpiListQueryOf } from './kpi-list-query.ts';
import { errors } from '../errors.ts';
import { ProgressView } from '../views/progress.view.tsx';
import { viewContextOf } from '../request-context.ts';
import { kpiPage, kpiPageFromSummary } from '../views/kpi.view.tsx';
import { openKpiPageSummary } from '../../kpis/kpi-page.service.ts';
import { KpiListView } from '../views/city-kpi-list.view.tsx';
import { clockOf, type WebDeps } from '../web-deps.ts';
import { notFound } from './public.routes.tsx';
import { chartFileResponse, cityKpiJsonOf, cityCsvResponse, jsonResponse, kpiDetailJson, requestedFormat } from './public-json.ts';
import { htmlPage } from '../html-page.ts';

/** KPI pages: a city's KPI list and each KPI's page, both with `?format=csv|json`. */
export function kpiRoutes(deps: WebDeps): Hono {
  const { store } = deps;
  const app = new Hono();

  app.get('/cities/:city/kpis', async (c) => {
    // From the city's summaries when they are fresh, else its loaded data (cities/city-pages.service.ts).
    const pages = await openCityPages(deps.db, store, c.req.param('city'), deps.cityPages);
    if (!pages) return notFound(c);
    const city = pages.overview.city;
    // Shape first (zod, 400 naming the parameter), then the values against this city (another city's node or department is a 400 too).
    const checked = kpiListQueryOf(c);
    const format = requestedFormat(c);
    if (!format) return notFound(c);
    const resolved = pages.resolveFilter(checked.query);
    if (!resolved.ok) throw errors.invalidInput({ kind: 'query', name: resolved.error.param }, { kind: 'not-a-choice' });
    const filter = resolved.value;
    if (format !== 'html') {
      // A download holds every KPI the filter matches: one answer per filter, so a page number is refused rather than ignored.
      if (checked.page !== undefined) throw errors.invalidInput({ kind: 'query', name: 'page' }, { kind: 'not-taken' });
      if (format === 'csv') return cityCsvResponse(city, await pages.kpiTable(filter), `${city.id}-kpis`);
      return jsonResponse({ city: city.id, kpis: (await pages.kpiJsons(filter)).map((k) => cityKpiJsonOf(city.id, k)) }, `${city.id}-kpis`);
    }
    const list = await pages.listPage(filter, checked.page ?? 1);
    const page = htmlPage(c, <KpiListView ctx={viewContextOf(c)} city={city} list={list} choices={pages.choices} today={clockOf(deps).todayInTokyo()} />, list.beyond ? 404 : 200);
    // A page number past the last page is a 404 (the page says so and links the first page), not
    // the last page: a 404 is never kept by the page cache, where a last-page answer would be kept
    // once under every number a client makes up; it also tells a crawler the address does not exist.
    // A name fragment is free text (even one that normalises to nothing, such as spaces): the answer
    // is `private`, so the shared page cache does not keep one copy per fragment typed (the filters
    // with choices are a finite set and are kept).
    return checked.query.q ? withHeader(await page, 'cache-control', 'private') : page;
  });

  /** Progress at a glance (issue 15.1): counts by status per SDG goal, plan goal and department. */
  app.get('/cities/:city/progress', async (c) => {
    const pages = await openCityPages(deps.db, store, c.req.param('city'), deps.cityPages);
    if (!pages) return notFound(c);
    return c.html(<ProgressView ctx={viewContextOf(c)} city={pages.overview.city} glance={pages.overview.glance} />);
  });

  app.get('/cities/:city/kpis/:kpi', async (c) => {
    if (requestedFormat(c) === 'html') {
      // The page as the city's summaries keep it, while they are as new as its data and the city is not in memory (issue 11.5).
      const ctx = viewContextOf(c);
      const kept = await openKpiPageSummary(deps.db, store, c.req.param('city'), c.req.param('kpi'), ctx.lang, deps.cityPages);
      if (kept) return htmlPage(c, kpiPageFromSummary(ctx, kept, deps.web?.publicUrl));
    }
    // The city's view for this KPI: read for it alone when the city is not in memory (national scale, issue 11).
    const data = await store.getKpi(c.req.param('city'), c.req.param('kpi'));
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
    const data = await store.getKpi(cityId, kpiId);
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

/** The response with one more header (a rendered page's headers are its own, so they can be set). */
function withHeader(res: Response, name: string, value: string): Response {
  res.headers.set(name, value);
  return res;
}
