import { readFileSync } from 'node:fs';
import { Hono, type Context } from 'hono';
import { parseLang } from '../i18n/lang.ts';
import type { CityDataStore } from '../services/city-data.store.ts';
import { summarizeCity } from '../services/city-summary.service.ts';
import { buildPlanReport, planRollup } from '../services/plan-report.service.ts';
import { apiRoutes } from './routes/api.routes.ts';
import { CityView } from './views/city.view.tsx';
import { HomeView } from './views/home.view.tsx';
import { Layout } from './views/layout.tsx';
import { PlanView } from './views/plan.view.tsx';
import { viewContext } from './views/view-context.ts';

const css = readFileSync(new URL('./static/app.css', import.meta.url), 'utf8');

/** The web application: public pages and the JSON API over a city data store. */
export function createApp(store: CityDataStore): Hono {
  const app = new Hono();
  const ctxOf = (c: Context) => {
    const url = new URL(c.req.url);
    return viewContext(parseLang(url.searchParams.get('lang') ?? undefined), url.pathname, url.search);
  };

  app.get('/static/app.css', (c) => c.body(css, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }));

  app.get('/', async (c) => {
    const cities = await store.listCities();
    const entries = [];
    for (const city of cities) {
      const data = await store.get(city.id);
      if (data) entries.push({ city, summary: summarizeCity(data) });
    }
    return c.html(<HomeView ctx={ctxOf(c)} cities={entries} />);
  });

  app.get('/cities/:city', async (c) => {
    const data = await store.get(c.req.param('city'));
    if (!data) return notFound(c);
    return c.html(<CityView ctx={ctxOf(c)} data={data} summary={summarizeCity(data)} />);
  });

  app.get('/cities/:city/plans/:plan', async (c) => {
    const data = await store.get(c.req.param('city'));
    const plan = data?.plans.find((p) => p.id === c.req.param('plan'));
    if (!data || !plan) return notFound(c);
    const report = buildPlanReport(data, plan);
    return c.html(<PlanView ctx={ctxOf(c)} city={data.city} report={report} overall={planRollup(report)} />);
  });

  app.route('/api/v1', apiRoutes(store));

  const notFound = (c: Context) => {
    const ctx = ctxOf(c);
    return c.html(
      <Layout ctx={ctx} title={ctx.t('error.notFound')}>
        <h1>{ctx.t('error.notFound')}</h1>
        <p>{ctx.t('error.notFoundLead')}</p>
        <p>
          <a href={ctx.href('/')}>{ctx.t('nav.home')}</a>
        </p>
      </Layout>,
      404,
    );
  };
  app.notFound(notFound);
  return app;
}
