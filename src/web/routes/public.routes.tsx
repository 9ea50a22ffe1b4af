import { Hono, type Context } from 'hono';
import { summarizeCity } from '../../services/city-summary.service.ts';
import { buildPlanReport, planRollup } from '../../services/plan-report.service.ts';
import { viewContextOf } from '../request-context.ts';
import { CityView } from '../views/city.view.tsx';
import { HomeView } from '../views/home.view.tsx';
import { NotFoundView } from '../views/not-found.view.tsx';
import { PlanView } from '../views/plan.view.tsx';
import type { WebDeps } from '../web-deps.ts';

/** Renders the 404 page. */
export const notFound = (c: Context) => c.html(<NotFoundView ctx={viewContextOf(c)} />, 404);

/** Public pages: home, city, plan. */
export function publicRoutes({ store }: WebDeps): Hono {
  const app = new Hono();

  app.get('/', async (c) => {
    const cities = await store.listCities();
    const entries = [];
    for (const city of cities) {
      const data = await store.get(city.id);
      if (data) entries.push({ city, summary: summarizeCity(data) });
    }
    return c.html(<HomeView ctx={viewContextOf(c)} cities={entries} />);
  });

  app.get('/cities/:city', async (c) => {
    const data = await store.get(c.req.param('city'));
    if (!data) return notFound(c);
    return c.html(<CityView ctx={viewContextOf(c)} data={data} summary={summarizeCity(data)} />);
  });

  app.get('/cities/:city/plans/:plan', async (c) => {
    const data = await store.get(c.req.param('city'));
    const plan = data?.plans.find((p) => p.id === c.req.param('plan'));
    if (!data || !plan) return notFound(c);
    const report = buildPlanReport(data, plan);
    return c.html(<PlanView ctx={viewContextOf(c)} city={data.city} report={report} overall={planRollup(report)} />);
  });

  return app;
}
