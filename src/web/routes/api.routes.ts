import { Hono } from 'hono';
import { z } from 'zod';
import type { CityData } from '../../core/city/city.ts';
import { kpiJson } from '../../formats/json/kpi-json.ts';
import type { WebDeps } from '../web-deps.ts';
import { problemResponse } from './public-json.ts';
import { summarizeCity } from '../../cities/city-summary.service.ts';
import { buildPlanReport } from '../../plans/plan-report.service.ts';
import { rollupJson } from './public-json.ts';
import { expertEvaluationsOf, statusOverridesByKpi } from '../../staff/staff-notes.service.ts';
import { cityDirectory } from '../../summaries/national.service.ts';
import { cityDirectoryJson, cityFilterOf, pagingOf } from './national-json.ts';

const problem = problemResponse;

const kpisQuery = z.object({ city: z.string().regex(/^[a-z0-9-]+$/, 'expected a city id such as ichinoseki') });

/** The JSON API under /api/v1. */
export function apiRoutes({ store, db }: WebDeps): Hono {
  const api = new Hono();

  api.get('/cities', async (c) => {
    const { page, pageSize } = pagingOf(c);
    const { cities } = await cityDirectory(db, cityFilterOf(c), page, pageSize);
    return c.json(cityDirectoryJson(cities));
  });

  api.get('/kpis', async (c) => {
    const q = kpisQuery.safeParse({ city: c.req.query('city') });
    if (!q.success) return problem(400, 'invalid-query', 'Invalid query', `city: ${q.error.issues[0]!.message}`);
    const data = await store.get(q.data.city);
    if (!data) return problem(404, 'unknown-city', 'Unknown city', `no city "${q.data.city}"`);
    const summary = summarizeCity(data);
    const overrides = statusOverridesByKpi(data);
    return c.json({ city: data.city.id, unpublished_years: data.unpublishedYears ?? [], kpis: summary.kpis.map(({ kpi, evaluation }) => kpiJson(kpi, evaluation, overrides.get(kpi.id))) });
  });

  api.get('/cities/:city/plans/:plan', async (c) => {
    const data = await store.get(c.req.param('city'));
    const plan = data?.plans.find((p) => p.id === c.req.param('plan'));
    if (!data || !plan) return problem(404, 'unknown-plan', 'Unknown plan', `no plan "${c.req.param('plan')}" in city "${c.req.param('city')}"`);
    return c.json(planJson(data, plan.id));
  });

  return api;
}

function planJson(data: CityData, planId: string) {
  const plan = data.plans.find((p) => p.id === planId)!;
  const report = buildPlanReport(data, plan);
  return {
    city: data.city.id,
    // Years holding figures not yet reviewed and published by the secretariat (left out below).
    unpublished_years: data.unpublishedYears ?? [],
    plan: { id: plan.id, kind: plan.kind, title: plan.title, title_en: plan.titleEn ?? null, period: [plan.periodStart, plan.periodEnd] },
    rows: report.rows.map((r) => ({
      node: { id: r.node.id, code: r.node.code ?? null, title: r.node.title },
      no: r.row.no ?? null,
      ...kpiJson(r.kpi, r.evaluation, r.override),
    })),
    evaluations: expertEvaluationsOf(plan).map((n) => ({ year: n.year ?? null, title: n.title, body: n.body })),
    // Each node's roll-up with the direct parts and weights the rule used (README: roll-up).
    nodes: [...report.rollups.values()].map(rollupJson),
  };
}
