import { Hono } from 'hono';
import { compareCities } from '../../services/city-comparison.service.ts';
import { viewContextOf } from '../request-context.ts';
import { CompareView } from '../views/compare.view.tsx';
import type { WebDeps } from '../web-deps.ts';
import { notFound } from './public.routes.tsx';
import { compareJson, compareTable, csvResponse, jsonResponse, loadAllCities, requestedFormat } from './public-json.ts';

/** The cities chosen in a compare query (`cities=a&cities=b`, or `cities=a,b`), known ones only, without repeats. */
export function chosenCities(values: readonly string[], known: readonly string[]): string[] {
  const ids = values.flatMap((v) => v.split(',')).map((v) => v.trim());
  return [...new Set(ids)].filter((id) => known.includes(id));
}

/** `/compare`: choose cities (GET form) and see their KPIs side by side on shared targets and goals. */
export function compareRoutes({ store }: WebDeps): Hono {
  const app = new Hono();
  app.get('/compare', async (c) => {
    const format = requestedFormat(c);
    if (!format) return notFound(c);
    const all = await loadAllCities(store);
    const selected = chosenCities(c.req.queries('cities') ?? [], all.map((d) => d.city.id));
    const comparison = selected.length >= 2 ? compareCities(selected.map((id) => all.find((d) => d.city.id === id)!)) : null;
    if (format !== 'html' && comparison) {
      const name = `compare-${selected.join('-')}`;
      return format === 'csv' ? csvResponse(compareTable(comparison), name) : jsonResponse(compareJson(comparison), name);
    }
    return c.html(<CompareView ctx={viewContextOf(c)} all={all.map((d) => d.city)} selected={selected} comparison={comparison} />);
  });
  return app;
}
