import { Hono, type Context } from 'hono';
import { openCityPages } from '../../cities/city-pages.service.ts';
import { openPlanPage } from '../../plans/plan-page.service.ts';
import { viewContextOf } from '../request-context.ts';
import { CityView } from '../views/city.view.tsx';
import { HomeView } from '../views/home.view.tsx';
import { NotFoundView } from '../views/not-found.view.tsx';
import { planOutlinePage, planPage } from '../views/plan.view.tsx';
import { clockOf, type WebDeps } from '../web-deps.ts';
import { z } from 'zod';
import { KPI_STATUSES } from '../../core/kpi/status.ts';
import { filterPlanPage } from '../../plans/plan-filter.service.ts';
import { planPageTable } from '../../open-data/open-data.service.ts';
import { cityJson, cityCsvResponse, csvResponse, jsonResponse, requestedFormat } from './public-json.ts';
import { cityDirectory } from '../../summaries/national.service.ts';
import { cityFilterOf, pagingOf } from './national-json.ts';
import { htmlPage } from '../html-page.ts';
import { checkCityPageQuery } from './kpi-list-query.ts';

/** The plan page's filters (GET); a value that is not one of the choices counts as no filter. */
const planFilterQuery = z.object({
  side: z.enum(['economy', 'society', 'environment']).optional().catch(undefined),
  goal: z.string().regex(/^(1[0-7]|[1-9])$/).optional().catch(undefined),
  status: z.enum(KPI_STATUSES as [string, ...string[]]).optional().catch(undefined),
});

/** Renders the 404 page. */
export const notFound = (c: Context) => c.html(<NotFoundView ctx={viewContextOf(c)} />, 404);

/** Public pages: home, city, plan. */
export function publicRoutes(deps: WebDeps): Hono {
  const { store, db } = deps;
  const app = new Hono();

  app.get('/', async (c) => {
    // The city directory reads the summaries (SQL, one page), never every city's data.
    const filter = cityFilterOf(c);
    const { page, pageSize } = pagingOf(c);
    const { cities, prefectures } = await cityDirectory(db, filter, page, pageSize);
    return c.html(<HomeView ctx={viewContextOf(c)} cities={cities} prefectures={prefectures} filter={filter} />);
  });

  app.get('/cities/:city', async (c) => {
    // From the city's summaries when they are fresh, else its loaded data (cities/city-pages.service.ts).
    // The HTML page's rows are read with the overview (one statement); a download reads its own.
    const pages = await openCityPages(db, store, c.req.param('city'), deps.cityPages, { cityPage: requestedFormat(c) === 'html' });
    if (!pages) return notFound(c);
    // Only `lang` and `format`: the filters and pages of its KPI list live at /cities/:city/kpis (400 here, naming the parameter).
    checkCityPageQuery(c);
    const format = requestedFormat(c);
    if (!format) return notFound(c);
    const { overview } = pages;
    if (format === 'csv') return cityCsvResponse(overview.city, await pages.kpiTable({}), `${overview.city.id}-kpis`);
    if (format === 'json') return jsonResponse(cityJson(overview), overview.city.id);
    // The overview and the first page of the KPI list (issue 11.1): the page is bounded by the page size, not the city's size.
    const [headline, list] = await Promise.all([pages.headline(), pages.listPage({}, 1)]);
    return htmlPage(c, <CityView ctx={viewContextOf(c)} overview={overview} headline={headline} list={list} choices={pages.choices} today={clockOf(deps).todayInTokyo()} />);
  });

  app.get('/cities/:city/plans/:plan', async (c) => {
    const format = requestedFormat(c);
    if (!format) return notFound(c);
    // From the plan's summary when the city's summaries are fresh, else the city's loaded data (plans/plan-page.service.ts).
    // The page without filter nor `?node=` (of a folded plan: most requests of a large plan) may be drawn from the plan's outline alone.
    const outline = format === 'html' && c.req.query('node') === undefined && !c.req.query('side') && !c.req.query('goal') && !c.req.query('status');
    const source = await openPlanPage(db, store, c.req.param('city'), c.req.param('plan'), { mode: deps.cityPages, table: format !== 'html', outline });
    if (!source) return notFound(c);
    if (!source.model) return htmlPage(c, planOutlinePage({ ctx: viewContextOf(c), outline: source.outline, owner: source.owner }));
    const { model } = source;
    // `?node=` names the top-level node whose KPI tables a large plan's page shows (plan.view.tsx PLAN_ROWS_ON_ONE_PAGE).
    const unfolded = c.req.query('node');
    if (unfolded !== undefined && !model.plan.nodes.some((n) => n.id === unfolded)) return notFound(c);
    const q = planFilterQuery.parse({ side: c.req.query('side') || undefined, goal: c.req.query('goal') || undefined, status: c.req.query('status') || undefined });
    const filter = { ...(q.side ? { side: q.side } : {}), ...(q.goal ? { goal: q.goal } : {}), ...(q.status ? { status: q.status as (typeof KPI_STATUSES)[number] } : {}) };
    const filtered = filterPlanPage(model, filter);
    const name = `${model.city.id}-${model.plan.id}`;
    if (format === 'csv') return cityCsvResponse(model.city, planPageTable(model, source.kpiRows(), filtered.page), name);
    if (format === 'json') return jsonResponse({ city: model.city.id, plan: model.plan.id, filter, rows: planPageTable(model, source.kpiRows(), filtered.page).rows }, name);
    return htmlPage(c, planPage({ ctx: viewContextOf(c), filter, filtered, unfolded, owner: source.owner }));
  });

  return app;
}
