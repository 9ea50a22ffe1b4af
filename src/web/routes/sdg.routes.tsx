import { Hono } from 'hono';
import { KPI_COLUMNS, kpiRow } from '../../services/open-data.service.ts';
import { goalDetail, goalOverviews } from '../../services/sdg-overview.service.ts';
import { viewContextOf } from '../request-context.ts';
import { SdgGoalsView, SdgGoalView } from '../views/sdg.view.tsx';
import type { WebDeps } from '../web-deps.ts';
import { notFound } from './public.routes.tsx';
import { csvResponse, goalJson, goalsJson, jsonResponse, loadAllCities, requestedFormat } from './public-json.ts';

/** SDG pages: the 17 goals, and each goal with every city's KPIs grouped by target. */
export function sdgRoutes({ store }: WebDeps): Hono {
  const app = new Hono();

  app.get('/sdgs', async (c) => {
    const format = requestedFormat(c);
    if (!format) return notFound(c);
    const goals = goalOverviews(await loadAllCities(store));
    if (format === 'csv') {
      return csvResponse(
        {
          columns: ['goal', 'title_ja', 'title_en', 'colour', 'kpi_count', 'cities'],
          rows: goals.map((g) => ({ goal: g.goal.id, title_ja: g.goal.short.ja, title_en: g.goal.short.en, colour: g.goal.colour, kpi_count: g.kpiCount, cities: g.cities.map((x) => x.id).join(' ') })),
        },
        'sdg-goals',
      );
    }
    if (format === 'json') return jsonResponse(goalsJson(goals), 'sdg-goals');
    return c.html(<SdgGoalsView ctx={viewContextOf(c)} goals={goals} />);
  });

  app.get('/sdgs/:goal', async (c) => {
    const detail = goalDetail(c.req.param('goal'), await loadAllCities(store));
    const format = requestedFormat(c);
    if (!detail || !format) return notFound(c);
    const name = `sdg-goal-${detail.goal.id}`;
    if (format === 'csv') {
      // One row per (target, KPI): a KPI tagged with two targets of the goal appears under each.
      const rows = detail.targets.flatMap((t) => t.kpis.map((k) => ({ sdg_target: t.target.id, ...kpiRow(k.city.id, k.kpi, k.evaluation, k.override) })));
      return csvResponse({ columns: ['sdg_target', ...KPI_COLUMNS], rows }, name);
    }
    if (format === 'json') return jsonResponse(goalJson(detail), name);
    return c.html(<SdgGoalView ctx={viewContextOf(c)} detail={detail} />);
  });

  return app;
}
