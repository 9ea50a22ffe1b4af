import { expect, it } from 'vitest';
import { sql } from 'kysely';
import { walkPlanNodes } from '../../src/core/plan/plan.ts';
import { addNode } from '../../src/plans/plan.commands.ts';
import { describeStaffApp } from '../support/staff-app.ts';
import { StaffClient } from './staff-helpers.ts';

/*
 * Issue 13 (gap 1): every staff route of the plan builder, the KPI edit, the next period and the
 * KPI-table import, tried by Tsukuba's secretariat with Ichinoseki's ids in the URL (its plan,
 * node, KPI, an upload). Each answers 404 — the same as an id that exists nowhere, never a 409
 * or a 403 that would tell them apart — and nothing of either city changes. On PGlite and
 * PostgreSQL.
 */

describeStaffApp(
  "another city's ids in staff URLs",
  [['xc-sec', 'tsukuba', 'secretariat']],
  (app) => {
    /** Everything a write of the builder could touch, as one comparable value. */
    async function fingerprint(): Promise<string> {
      const r = await sql<{ t: string; n: string; v: string | null }>`
        select 'plans' as t, count(*)::text as n, sum(version)::text as v from plans
        union all select 'nodes', count(*)::text, sum(version)::text from plan_nodes
        union all select 'rows', count(*)::text, sum(position)::text from plan_kpi_rows
        union all select 'kpis', count(*)::text, sum(version)::text from kpis
        union all select 'targets', count(*)::text, null from kpi_targets
        union all select 'log', count(*)::text, null from change_log`.execute(app().ctx.db);
      return JSON.stringify(r.rows);
    }

    it('answers 404 for another city\'s plan, node and KPI on every route, and changes nothing', async () => {
      const a = new StaffClient(app().app);
      await a.login('xc-sec');
      await a.get('/staff/cities/tsukuba/plans');
      const ich = (await app().ctx.store.getStaff('ichinoseki'))!.data;
      const tsu = (await app().ctx.store.getStaff('tsukuba'))!.data;
      const tsuPlan = tsu.plans[0]!;
      const tsuNode = [...walkPlanNodes(tsuPlan.nodes)][0]!.node;
      const ichPlan = ich.plans.find((p) => !tsu.plans.some((q) => q.id === p.id))!;
      const tsuNodeIds = new Set(tsu.plans.flatMap((p) => [...walkPlanNodes(p.nodes)].map((w) => w.node.id)));
      const ichNode = [...walkPlanNodes(ichPlan.nodes)].map((w) => w.node).find((n) => !tsuNodeIds.has(n.id))!;
      const ichKpi = ich.kpis.find((k) => !tsu.kpis.some((m) => m.id === k.id))!;
      expect(ichNode).toBeDefined();
      expect(ichKpi).toBeDefined();

      const base = '/staff/cities/tsukuba';
      const other = `${base}/plans/${ichPlan.id}`;
      const v = { version: '1', reason: '他市のIDで試す' };
      const kpiFields = { name: '他市', unit: '人', side: 'economy', aggregation: 'snapshot', direction: 'up', method: 'progress-from-baseline', baselineAt: '2020年', baselineValue: '10', targets: '2025年 20' };
      const posts: [string, Record<string, string>][] = [
        // Plans: head, lifecycle, versions, next period, evaluation.
        [other, { ...v, title: 'x', kind: 'sdgs-future-city', periodStart: '2024', periodEnd: '2026' }],
        ...['reorder', 'archive', 'restore', 'delete'].map((action): [string, Record<string, string>] => [`${other}/${action}`, { ...v, direction: 'up' }]),
        [`${other}/versions`, { ...v, kind: 'revised', date: '2024-04-01' }],
        [`${other}/next-period`, { id: 'x-2', from: '2027', to: '2029' }],
        [`${other}/evaluation`, { ...v, year: '2023', text: 'x' }],
        // Nodes: of another city's plan, and another city's node in our plan.
        [`${other}/nodes`, { parent: '', kind: 'goal', title: 'x' }],
        [`${other}/nodes/${ichNode.id}`, { ...v, title: 'x' }],
        ...['move', 'reorder', 'archive', 'restore', 'delete'].flatMap((action): [string, Record<string, string>][] => [
          [`${other}/nodes/${ichNode.id}/${action}`, { ...v, parent: '', direction: 'up' }],
          [`${base}/plans/${tsuPlan.id}/nodes/${ichNode.id}/${action}`, { ...v, parent: '', direction: 'up' }],
        ]),
        [`${other}/nodes/${ichNode.id}/kpis`, { ...v, kpi: tsu.kpis[0]!.id }],
        [`${base}/plans/${tsuPlan.id}/nodes/${ichNode.id}/kpis`, { ...v, kpi: tsu.kpis[0]!.id }],
        [`${other}/nodes/${ichNode.id}/kpis/new`, { ...v, ...kpiFields }],
        [`${base}/plans/${tsuPlan.id}/nodes/${ichNode.id}/kpis/new`, { ...v, ...kpiFields }],
        // KPI rows: another city's KPI in our node, our KPI in another city's node.
        [`${base}/plans/${tsuPlan.id}/nodes/${tsuNode.id}/kpis/${ichKpi.id}/move`, { ...v, toNode: '' }],
        [`${base}/plans/${tsuPlan.id}/nodes/${tsuNode.id}/kpis/${ichKpi.id}/reorder`, { ...v, direction: 'up' }],
        [`${other}/nodes/${ichNode.id}/kpis/${tsu.kpis[0]!.id}/move`, { ...v, toNode: '' }],
        [`${other}/nodes/${ichNode.id}/kpis/${tsu.kpis[0]!.id}/reorder`, { ...v, direction: 'up' }],
        // KPIs: archive, restore, edit, target, actuals, commentary, override.
        [`${base}/kpis/${ichKpi.id}/archive`, v],
        [`${base}/kpis/${ichKpi.id}/restore`, v],
        [`${base}/kpis/${ichKpi.id}/delete`, v],
        [`${base}/kpis/${ichKpi.id}/edit`, { ...v, name: 'x' }],
        [`${base}/kpis/${ichKpi.id}/target`, { versions: '', target: '1', value: '1', reason: 'x' }],
        [`${base}/kpis/${ichKpi.id}/actuals`, { versions: '', at: '2023年度', value: '1' }],
        [`${base}/kpis/${ichKpi.id}/commentary`, { versions: '', year: '2023', text: 'x' }],
        [`${base}/kpis/${ichKpi.id}/override`, { versions: '', year: '2023', status: 'achieved', reason: 'x' }],
      ];
      const gets = [other, `${other}/diff?from=1&to=2`, `${other}/diff.xlsx?from=1&to=2`, `${other}/diff.docx?from=1&to=2`, `${other}/next-period`, `${other}/sheets`, `${base}/kpis/${ichKpi.id}`, `${base}/kpis/${ichKpi.id}/target`, `${base}/kpis/${ichKpi.id}/actuals/new`];

      const before = await fingerprint();
      const answers: Record<string, number> = {};
      for (const [path, form] of posts) answers[`POST ${path}`] = (await a.post(path, form)).status;
      for (const path of gets) answers[`GET ${path}`] = (await a.get(path)).status;
      // The same routes with an id that exists nowhere answer the same.
      answers['POST nowhere'] = (await a.post(`${base}/plans/no-such-plan/archive`, v)).status;
      answers['POST nowhere node'] = (await a.post(`${base}/plans/${tsuPlan.id}/nodes/no-such-node/archive`, v)).status;
      answers['POST nowhere kpi'] = (await a.post(`${base}/kpis/no-such-kpi/archive`, v)).status;
      expect(Object.entries(answers).filter(([, s]) => s !== 404)).toEqual([]);
      expect(await fingerprint()).toBe(before);
    }, 120_000);

    it('answers a KPI-table upload of another session or city as it answers an unknown one, and commits nothing', async () => {
      const a = new StaffClient(app().app);
      await a.login('xc-sec');
      await a.get('/staff/cities/tsukuba/kpi-table');
      const before = await fingerprint();
      const unknown = await a.post(`/staff/cities/tsukuba/kpi-table/${'x'.repeat(32)}/commit`, { plan: '' });
      const ichinosekiPath = await a.post(`/staff/cities/ichinoseki/kpi-table/${'x'.repeat(32)}/commit`, { plan: '' });
      // An upload id is bound to the session and the city: an unknown one and another's are the same "upload again" answer.
      expect(unknown.status).toBe(410);
      expect(ichinosekiPath.status).toBe(403);
      expect(await fingerprint()).toBe(before);
    }, 60_000);
  },
  // Node ids are per plan (both seeds number theirs n1, n2…): give Ichinoseki's plan a node id Tsukuba has nowhere.
  async (t) => {
    const ichPlan = (await t.ctx.store.getStaff('ichinoseki'))!.data.plans[0]!;
    const added = await addNode(t.ctx.db, { invalidate: (c) => t.ctx.store.invalidate(c) }, { cityId: 'ichinoseki', actor: 'test', planId: ichPlan.id, parentNodeId: null, nodeId: 'ichinoseki-only', node: { kind: 'goal', title: '一関市だけの目標' } });
    if (!added.ok) throw new Error(JSON.stringify(added));
  },
);
