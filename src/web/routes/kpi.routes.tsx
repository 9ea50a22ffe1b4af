import { Hono } from 'hono';
import { summarizeCity } from '../../services/city-summary.service.ts';
import { buildKpiDetail } from '../../services/kpi-detail.service.ts';
import { cityKpisTable, kpiSeriesTable } from '../../services/open-data.service.ts';
import { statusOverridesByKpi } from '../../services/staff-notes.service.ts';
import { viewContextOf } from '../request-context.ts';
import { KpiView } from '../views/kpi.view.tsx';
import { KpiListView } from '../views/open-data.view.tsx';
import type { WebDeps } from '../web-deps.ts';
import { notFound } from './public.routes.tsx';
import { cityKpiJson, cityCsvResponse, jsonResponse, kpiDetailJson, requestedFormat } from './public-json.ts';

/** KPI pages: a city's KPI list and each KPI's page, both with `?format=csv|json`. */
export function kpiRoutes({ store }: WebDeps): Hono {
  const app = new Hono();

  app.get('/cities/:city/kpis', async (c) => {
    const data = await store.get(c.req.param('city'));
    const format = requestedFormat(c);
    if (!data || !format) return notFound(c);
    const summary = summarizeCity(data);
    if (format === 'csv') return cityCsvResponse(data.city, cityKpisTable(data), `${data.city.id}-kpis`);
    if (format === 'json') return jsonResponse({ city: data.city.id, kpis: summary.kpis.map((k) => cityKpiJson({ city: data.city, ...k, override: statusOverridesByKpi(data).get(k.kpi.id) })) }, `${data.city.id}-kpis`);
    return c.html(<KpiListView ctx={viewContextOf(c)} data={data} summary={summary} />);
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
    return c.html(<KpiView ctx={viewContextOf(c)} detail={detail} />);
  });

  return app;
}
