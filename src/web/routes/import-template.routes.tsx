import { Hono } from 'hono';
import { formatTimePointJa } from '../../core/time/time-point.ts';
import { templateCsv } from '../../formats/csv/observation-rows.ts';
import { observationTemplateXlsx } from '../../formats/xlsx/observation-template.xlsx.ts';
import { templateExamples } from '../../actuals/observation-import.service.ts';
import type { WebDeps } from '../web-deps.ts';
import { notFound } from './public.routes.tsx';

/**
 * The published import template, public so a city can hand it to anyone filling in actuals:
 * `/cities/:city/import-template.xlsx` and `.csv`, one example row per KPI of the city (its
 * latest published actual). Linked from the staff import page and the open-data page.
 */
export function importTemplateRoutes({ store }: WebDeps): Hono {
  const app = new Hono();
  app.get('/cities/:city/:file{import-template\\.(?:csv|xlsx)}', async (c) => {
    const data = await store.get(c.req.param('city'));
    if (!data) return notFound(c);
    const examples = templateExamples(data).map((e) => ({ ...e, at: formatTimePointJa(e.at) }));
    const ext = c.req.param('file').endsWith('.csv') ? 'csv' : 'xlsx';
    const filename = `${data.city.id}-import-template.${ext}`;
    if (ext === 'csv') {
      const csv = templateCsv(examples.map((e) => ({ ...e, value: e.value.toFixed(e.decimals) })));
      return c.body(csv, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"` });
    }
    const xlsx = await observationTemplateXlsx(examples);
    return new Response(xlsx as Uint8Array<ArrayBuffer>, { headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'content-disposition': `attachment; filename="${filename}"` } });
  });
  return app;
}
