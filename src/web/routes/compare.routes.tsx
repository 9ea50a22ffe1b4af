import { Hono } from 'hono';
import { compareCities, MAX_COMPARED } from '../../services/city-comparison.service.ts';
import { cityDirectory } from '../../summaries/national.service.ts';
import type { CityData } from '../../core/city/city.ts';
import { viewContextOf } from '../request-context.ts';
import { CompareView } from '../views/compare.view.tsx';
import type { WebDeps } from '../web-deps.ts';
import { cityFilterOf } from './national-json.ts';
import { notFound } from './public.routes.tsx';
import { compareJson, compareTable, csvResponse, jsonResponse, requestedFormat } from './public-json.ts';

/** Cities offered as checkboxes at once: the whole list while it is short, else one prefecture's. */
const CHOOSER_SIZE = 200;

/** The chosen cities' data, loaded one by one (only those: never every city). */
export async function loadChosen(store: WebDeps['store'], values: readonly string[]): Promise<CityData[]> {
  // Unknown ids are skipped; at most 20 ids are looked up, and the first six known ones compared.
  const ids = [...new Set(values.flatMap((v) => v.split(',')).map((v) => v.trim()))].filter((id) => /^[a-z0-9-]{1,64}$/.test(id)).slice(0, 20);
  const out: CityData[] = [];
  for (const id of ids) {
    if (out.length >= MAX_COMPARED) break;
    const d = await store.get(id);
    if (d) out.push(d);
  }
  return out;
}

/**
 * `/compare`: choose cities (GET form: the list, or one prefecture's cities when there are
 * many) and see the chosen ones' KPIs side by side on shared targets and goals.
 */
export function compareRoutes({ store, db }: WebDeps): Hono {
  const app = new Hono();
  app.get('/compare', async (c) => {
    const format = requestedFormat(c);
    if (!format) return notFound(c);
    const chosen = await loadChosen(store, c.req.queries('cities') ?? []);
    const selected = chosen.map((d) => d.city.id);
    const comparison = chosen.length >= 2 ? compareCities(chosen) : null;
    if (format !== 'html' && comparison) {
      const name = `compare-${selected.join('-')}`;
      return format === 'csv' ? csvResponse(compareTable(comparison), name) : jsonResponse(compareJson(comparison), name);
    }
    const filter = cityFilterOf(c);
    const { cities, prefectures } = await cityDirectory(db, filter, 1, CHOOSER_SIZE);
    const offered = [...chosen.map((d) => d.city), ...cities.items.map((x) => x.city).filter((city) => !selected.includes(city.id))];
    return c.html(
      <CompareView ctx={viewContextOf(c)} all={offered} selected={selected} comparison={comparison} prefectures={prefectures} prefecture={filter.prefecture} more={cities.total > cities.items.length} />,
    );
  });
  return app;
}
