import { Hono } from 'hono';
import { z } from 'zod';
import { compareCities, MAX_COMPARED } from '../../summaries/city-comparison.service.ts';
import { cityKpiJsonPage, openCityPages } from '../../cities/city-pages.service.ts';
import { bytesAnswer } from '../html-page.ts';
import { buildKpiDetail } from '../../kpis/kpi-detail.service.ts';
import { observationsTable, publishedRatesTable } from '../../open-data/open-data.service.ts';
import { MAX_QUERY_LENGTH } from '../../search/search.service.ts';
import { searchNational } from '../../summaries/national-search.service.ts';
import { goalCountsAll, goalPage, page as pageOf } from '../../summaries/national.service.ts';
import { goalCountsJson, goalFilterOf, goalPageJson, pagingOf } from './national-json.ts';
import type { WebDeps } from '../web-deps.ts';
import { compareQueryProblem, loadChosen } from './compare.routes.tsx';
import { openApiDocument } from './openapi.ts';
import { cityJson, cityKpisJsonBytes, compareJson, kpiDetailJson, problemResponse, searchJson } from './public-json.ts';

const searchQuery = z.object({
  q: z.string().trim().min(1, 'expected a search text').max(MAX_QUERY_LENGTH, `at most ${MAX_QUERY_LENGTH} characters`),
  lang: z.enum(['ja', 'en']).default('ja'),
});

/** The public read API beside the original endpoints: cities, KPIs, SDG goals, comparison, search, and its OpenAPI description. */
export function publicApiRoutes(deps: WebDeps): Hono {
  const { store } = deps;
  const api = new Hono();
  const unknownCity = (id: string) => problemResponse(404, 'unknown-city', 'Unknown city', `no city "${id}"`);

  api.get('/openapi.json', (c) => c.json(openApiDocument));

  api.get('/cities/:city', async (c) => {
    // From the city's summaries when they are fresh, else its loaded data (cities/city-pages.service.ts).
    const pages = await openCityPages(deps.db, store, c.req.param('city'), deps.cityPages);
    if (!pages) return unknownCity(c.req.param('city'));
    return c.json({ ...cityJson(pages.overview), unpublished_years: pages.overview.unpublishedYears ?? [] });
  });

  /**
   * A city's KPIs, one page at a time as every list of the API (`?page=`, `?page_size=` 50 by
   * default, at most 200; the answer says `total` and `page_count`): a 272-KPI city answered
   * 270 kB at once. A page past the last is an empty list, as on `/sdgs/:goal`.
   */
  api.get('/cities/:city/kpis', async (c) => {
    const { page, pageSize } = pagingOf(c);
    // From the city's summaries in one statement when they are fresh, else its loaded data (cities/city-pages.service.ts).
    const found = await cityKpiJsonPage(deps.db, store, c.req.param('city'), { offset: (page - 1) * pageSize, limit: pageSize }, deps.cityPages);
    if (!found) return unknownCity(c.req.param('city'));
    // As c.json would write it, spliced from each KPI's JSON text (cityKpisJsonBytes), handed to the page cache as bytes.
    return bytesAnswer(c, cityKpisJsonBytes(found.cityId, found.unpublishedYears, pageOf(found.items, page, pageSize, found.total)), 'application/json');
  });

  api.get('/cities/:city/kpis/:kpi', async (c) => {
    const data = await store.getKpi(c.req.param('city'), c.req.param('kpi'));
    if (!data) return unknownCity(c.req.param('city'));
    const detail = buildKpiDetail(data, c.req.param('kpi'));
    if (!detail) return problemResponse(404, 'unknown-kpi', 'Unknown KPI', `no KPI "${c.req.param('kpi')}" in city "${data.city.id}"`);
    return c.json(kpiDetailJson(detail));
  });

  api.get('/cities/:city/observations', async (c) => {
    const data = await store.get(c.req.param('city'));
    if (!data) return unknownCity(c.req.param('city'));
    return c.json({ city: data.city.id, unpublished_years: data.unpublishedYears ?? [], observations: observationsTable(data.city.id, data.kpis).rows });
  });

  api.get('/cities/:city/published-rates', async (c) => {
    const data = await store.get(c.req.param('city'));
    if (!data) return unknownCity(c.req.param('city'));
    return c.json({ city: data.city.id, published_rates: publishedRatesTable(data).rows });
  });

  api.get('/sdgs', async (c) => c.json(goalCountsJson(await goalCountsAll(deps.db))));

  api.get('/sdgs/:goal', async (c) => {
    const { page, pageSize } = pagingOf(c);
    const detail = await goalPage(deps.db, c.req.param('goal'), goalFilterOf(c), page, pageSize);
    if (!detail) return problemResponse(404, 'unknown-goal', 'Unknown SDG goal', `no goal "${c.req.param('goal')}" (goals are 1 to 17; a target filter must be one of the goal's targets)`);
    return c.json(goalPageJson(detail));
  });

  api.get('/compare', async (c) => {
    const query = await loadChosen(store, c.req.queries('cities') ?? []);
    if (query.chosen.length < 2) return problemResponse(400, 'invalid-query', 'Invalid query', compareQueryProblem(query, '?cities=ichinoseki&cities=tsukuba'));
    return c.json(compareJson(compareCities(query.chosen)));
  });

  api.get('/search', async (c) => {
    const q = searchQuery.safeParse({ q: c.req.query('q') ?? '', lang: c.req.query('lang') });
    if (!q.success) return problemResponse(400, 'invalid-query', 'Invalid query', q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    return c.json(searchJson(await searchNational(deps.db, q.data.q, q.data.lang)));
  });

  return api;
}
