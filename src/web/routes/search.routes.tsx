import { Hono } from 'hono';
import { searchNational } from '../../summaries/national-search.service.ts';
import { MAX_QUERY_LENGTH } from '../../search/search.service.ts';
import { citiesUnpublishedYears } from '../../cities/city-pages.service.ts';
import { viewContextOf } from '../request-context.ts';
import { SearchView } from '../views/search.view.tsx';
import type { WebDeps } from '../web-deps.ts';
import { notFound } from './public.routes.tsx';
import { csvResponse, jsonResponse, requestedFormat, searchJson, searchTable } from './public-json.ts';

/** `/search?q=`: plans, KPIs and plan nodes of every city. */
export function searchRoutes({ db, store }: WebDeps): Hono {
  const app = new Hono();
  app.get('/search', async (c) => {
    const format = requestedFormat(c);
    if (!format) return notFound(c);
    const ctx = viewContextOf(c);
    const q = (c.req.query('q') ?? '').trim();
    // SQL over the search entries of every city (never every city's data), then ranked as before.
    const results = q ? await searchNational(db, q, ctx.lang) : null;
    if (format === 'csv' && results) return csvResponse(searchTable(results), 'search');
    if (format === 'json' && results) return jsonResponse(searchJson(results));
    // The cities found that hold back a year (issue 10.1): their results leave its figures out.
    const cities = results ? [...new Map([...results.kpis, ...results.plans, ...results.nodes].map((r) => [r.city.id, r.city])).values()] : [];
    const years = await citiesUnpublishedYears(db, store, cities.map((city) => city.id));
    const held = cities.map((city) => ({ city, years: years.get(city.id) ?? [] })).filter((h) => h.years.length > 0);
    return c.html(<SearchView ctx={ctx} results={results} shortened={q.length > MAX_QUERY_LENGTH} unpublished={held} />);
  });
  return app;
}
