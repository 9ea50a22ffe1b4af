import { Hono } from 'hono';
import { goalCountsAll, goalKpisAll, goalPage, goalStatusCountsAll } from '../../summaries/national.service.ts';
import { NationalProgressView } from '../views/progress.view.tsx';
import { viewContextOf } from '../request-context.ts';
import { SdgGoalsView, SdgGoalView } from '../views/sdg.view.tsx';
import type { WebDeps } from '../web-deps.ts';
import { goalCountsJson, goalCountsTable, goalFilterOf, goalPageJson, pagingOf, summarizedKpiRow, SUMMARY_KPI_COLUMNS } from './national-json.ts';
import { notFound } from './public.routes.tsx';
import { csvResponse, jsonResponse, requestedFormat } from './public-json.ts';

/**
 * SDG pages: the 17 goals with counts over all cities, and each goal with one page of every
 * city's KPIs tagged with its targets (filters: target, prefecture, status). Both read the
 * summaries maintained on write (SQL), never every city's data.
 */
export function sdgRoutes({ db }: WebDeps): Hono {
  const app = new Hono();

  app.get('/sdgs', async (c) => {
    const format = requestedFormat(c);
    if (!format) return notFound(c);
    const goals = await goalCountsAll(db);
    if (format === 'csv') return csvResponse(goalCountsTable(goals), 'sdg-goals');
    if (format === 'json') return jsonResponse(goalCountsJson(goals), 'sdg-goals');
    return c.html(<SdgGoalsView ctx={viewContextOf(c)} goals={goals} />);
  });

  /** Progress at a glance across cities (issue 15.1). */
  app.get('/progress', async (c) => c.html(<NationalProgressView ctx={viewContextOf(c)} goals={await goalStatusCountsAll(db)} />));

  app.get('/sdgs/:goal', async (c) => {
    const format = requestedFormat(c);
    const { page, pageSize } = pagingOf(c);
    const detail = format ? await goalPage(db, c.req.param('goal'), goalFilterOf(c), page, pageSize) : null;
    if (!detail || !format) return notFound(c);
    const name = `sdg-goal-${detail.goal.id}`;
    if (format === 'csv') {
      // Every KPI matching the filters (not only this page), one row each.
      const rows = [];
      for await (const k of goalKpisAll(db, detail.goal, detail.filter)) rows.push(summarizedKpiRow(k));
      return csvResponse({ columns: SUMMARY_KPI_COLUMNS, rows }, name);
    }
    if (format === 'json') return jsonResponse(goalPageJson(detail), name);
    return c.html(<SdgGoalView ctx={viewContextOf(c)} detail={detail} />);
  });

  return app;
}
