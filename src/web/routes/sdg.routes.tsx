import { Hono } from 'hono';
import { goalCountsAll, goalKpisAll, goalPage, goalStatusCountsAll, prefecturesHostingCities } from '../../summaries/national.service.ts';
import { goalCitiesPage } from '../../summaries/comparison.service.ts';
import { NationalProgressView } from '../views/progress.view.tsx';
import { viewContextOf } from '../request-context.ts';
import { GoalCitiesView, SdgGoalsView, SdgGoalView } from '../views/sdg.view.tsx';
import { clockOf, type WebDeps } from '../web-deps.ts';
import { goalCountsJson, goalCountsTable, goalFilterOf, goalPageJson, pagingOf, summarizedKpiRow, SUMMARY_KPI_COLUMNS } from './national-json.ts';
import { notFound } from './public.routes.tsx';
import { csvResponse, jsonResponse, requestedFormat } from './public-json.ts';

/**
 * SDG pages: the 17 goals with counts over all cities, and each goal with one page of every
 * city's KPIs tagged with its targets (filters: target, prefecture, status). Both read the
 * summaries maintained on write (SQL), never every city's data.
 */
export function sdgRoutes(deps: WebDeps): Hono {
  const { db } = deps;
  const app = new Hono();

  // `?prefecture=` narrows the counts to one prefecture's cities (issue 15.6: a national page of
  // hundreds of cities is read prefecture by prefecture); an unknown one counts nothing.
  app.get('/sdgs', async (c) => {
    const format = requestedFormat(c);
    if (!format) return notFound(c);
    const { prefecture } = goalFilterOf(c);
    const [goals, prefectures] = await Promise.all([goalCountsAll(db, prefecture), prefecturesHostingCities(db)]);
    if (format === 'csv') return csvResponse(goalCountsTable(goals), 'sdg-goals');
    if (format === 'json') return jsonResponse(goalCountsJson(goals), 'sdg-goals');
    return c.html(<SdgGoalsView ctx={viewContextOf(c)} goals={goals} prefectures={prefectures} prefecture={prefecture} />);
  });

  /** Progress at a glance across cities (issue 15.1), of one prefecture's cities with `?prefecture=`. */
  app.get('/progress', async (c) => {
    const { prefecture } = goalFilterOf(c);
    const [goals, prefectures] = await Promise.all([goalStatusCountsAll(db, prefecture), prefecturesHostingCities(db)]);
    return c.html(<NationalProgressView ctx={viewContextOf(c)} goals={goals} prefectures={prefectures} prefecture={prefecture} />);
  });

  /** The cities working on a goal, each with its KPIs on the goal by status: paged, by prefecture (issue 15.6). */
  app.get('/sdgs/:goal/cities', async (c) => {
    const { page, pageSize } = pagingOf(c);
    const detail = await goalCitiesPage(db, c.req.param('goal'), goalFilterOf(c).prefecture, page, pageSize);
    if (!detail) return notFound(c);
    return c.html(<GoalCitiesView ctx={viewContextOf(c)} detail={detail} />);
  });

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
    return c.html(<SdgGoalView ctx={viewContextOf(c)} detail={detail} today={clockOf(deps).todayInTokyo()} />);
  });

  return app;
}
