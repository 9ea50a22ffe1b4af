import { afterAll, beforeAll, expect, it } from 'vitest';
import { recordObservation } from '../../src/actuals/observation.repository.ts';
import { findKpiBySlug } from '../../src/kpis/kpi.repository.ts';
import { describeStaffApp, type StaffTestApp } from '../support/staff-app.ts';
import { hiddenFields, StaffClient } from './staff-helpers.ts';

/*
 * The plan builder through HTTP on PGlite and PostgreSQL (issue 13.2): forms carry versions; a
 * stale form is a 409 page, two saves at once give one 303 and 409s (never a 500); a form
 * without its version is a 400; bad input is a 422 with the input kept; another city's plans and
 * a role that may not build are refused; the 新旧対照表 downloads answer .xlsx and .docx.
 */

const TRIES = 8;
let counts = { saved: 0, conflicts: 0, errors500: 0 };

describeStaffApp('plan builder over HTTP', [['pb-sec', 'tsukuba', 'secretariat'], ['pb-viewer', 'tsukuba', 'viewer']], (app, databaseName) => {
  let t: StaffTestApp;
  beforeAll(() => {
    t = app();
  });
  afterAll(async () => {
    console.log(`plan builder HTTP on ${databaseName}: ${JSON.stringify(counts)}`);
    counts = { saved: 0, conflicts: 0, errors500: 0 };
  });

  it('creates, refuses, conflicts and downloads without a 500', async () => {
    const a = new StaffClient(t.app);
    const b = new StaffClient(t.app);
    await a.login('pb-sec');
    await b.login('pb-sec');
    const list = '/staff/cities/tsukuba/plans';
    await a.get(list);
    const bad = await a.post(list, { planId: 'x y', title: 'つくば市計画', kind: 'other', periodStart: '2024', periodEnd: '2026' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('value="つくば市計画"');
    expect(bad.text).toContain('半角英小文字');
    const created = await a.post(list, { planId: 'tsukuba-next', title: 'つくば市SDGs未来都市計画（第3期）', kind: 'sdgs-future-city', periodStart: '2024', periodEnd: '2026' });
    expect([created.status, created.location]).toEqual([303, '/staff/cities/tsukuba/plans/tsukuba-next?notice=plans.created']);
    const page = '/staff/cities/tsukuba/plans/tsukuba-next';
    expect((await a.submit(page, `${page}/nodes`, { parent: '', kind: 'goal', code: '1', title: '目標1' })).status).toBe(303);
    // Another city's plan and a viewer: refused; a form without version: 400.
    expect((await a.post('/staff/cities/ichinoseki/plans', { planId: 'p', title: 't', kind: 'other', periodStart: '2024', periodEnd: '2026' })).status).toBe(403);
    const viewer = new StaffClient(t.app);
    await viewer.login('pb-viewer');
    await viewer.get(list);
    expect((await viewer.post(list, { planId: 'p', title: 't', kind: 'other', periodStart: '2024', periodEnd: '2026' })).status).toBe(403);
    expect((await a.post(`${page}/versions`, { kind: 'adopted', date: '2024-04-01' })).status).toBe(400);
    // Stale: b opened the head form, a saved meanwhile → b gets 409 with a conflict panel.
    for (let i = 0; i < TRIES; i++) {
      const openedA = hiddenFields((await a.get(page)).text, page);
      const openedB = hiddenFields((await b.get(page)).text, page);
      const head = { kind: 'sdgs-future-city', periodStart: '2024', periodEnd: '2026' };
      const [ra, rb] = await Promise.all([a.post(page, { ...openedA, ...head, title: `甲${i}` }), b.post(page, { ...openedB, ...head, title: `乙${i}` })]);
      for (const r of [ra, rb]) {
        if (r.status === 303) counts.saved++;
        else if (r.status === 409) counts.conflicts++;
        else counts.errors500++;
      }
      expect([ra.status, rb.status].sort()).toEqual([303, 409]);
    }
    const stale = hiddenFields((await b.get(page)).text, `${page}/versions`);
    expect((await a.submit(page, `${page}/versions`, { kind: 'adopted', date: '2024-04-01' })).status).toBe(303);
    const refused = await b.post(`${page}/versions`, { ...stale, kind: 'adopted', date: '2024-04-01' });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('conflict-title');
    expect((await a.submit(page, `${page}/nodes`, { parent: '', kind: 'goal', code: '2', title: '目標2' })).status).toBe(303);
    expect((await a.submit(page, `${page}/versions`, { kind: 'revised', date: '2025-04-01', reason: '目標2を追加' })).status).toBe(303);
    const diff = await a.get(`${page}/diff?from=1&to=2`);
    expect(diff.status).toBe(200);
    expect(diff.text).toContain('項目の追加');
    expect((await a.get(`${page}/diff?from=1&to=1`)).status).toBe(400);
    expect((await a.get(`${page}/diff?from=x&to=2`)).status).toBe(400);
    for (const ext of ['xlsx', 'docx']) {
      const res = await t.app.request(`${page}/diff.${ext}?from=1&to=2`, { headers: { cookie: a.cookieHeader() } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="tsukuba-next-v1-v2.${ext}"`);
      expect(Buffer.from(await res.arrayBuffer()).subarray(0, 2).toString()).toBe('PK');
    }
    expect(counts.errors500).toBe(0);
  }, 300_000);
  it('edits every field of a KPI in one form, reorders and moves KPI rows without JavaScript, refuses deleting what has data, offers deleting a KPI without data', async () => {
    const a = new StaffClient(t.app);
    const b = new StaffClient(t.app);
    await a.login('pb-sec');
    await b.login('pb-sec');
    const list = '/staff/cities/tsukuba/plans';
    await a.get(list);
    expect((await a.post(list, { planId: 'tsukuba-kpis', title: 'KPI計画', kind: 'other', periodStart: '2024', periodEnd: '2026' })).status).toBe(303);
    const page = '/staff/cities/tsukuba/plans/tsukuba-kpis';
    for (const [code, title] of [['1', '目標1'], ['2', '目標2']]) expect((await a.submit(page, `${page}/nodes`, { parent: '', kind: 'goal', code: code!, title: title! })).status).toBe(303);
    const nodeIds = () => a.get(page).then((r) => [...r.text.matchAll(/<h3 id="node-([^"]+)">/g)].map((m) => m[1]!));
    const [g1, g2] = await nodeIds();
    const kpi = { unit: '人', side: 'economy', aggregation: 'snapshot', method: 'progress-from-baseline', baselineAt: '2023年度', baselineValue: '100', targets: '2026年度 150', direction: 'up' };
    for (const id of ['tk-a', 'tk-b', 'tk-c']) expect((await a.submit(page, `${page}/nodes/${g1}/kpis/new`, { ...kpi, kpiId: id, name: `指標${id}` })).status).toBe(303);
    // Reorder with the buttons (plain forms): c up → a, c, b; the public plan page keeps that order.
    const ro = await a.submit(page, `${page}/nodes/${g1}/kpis/tk-c/reorder`, { direction: 'up' });
    expect(ro.status).toBe(303);
    await t.ctx.store.settled();
    const pubPage = await (await t.app.request('/cities/tsukuba/plans/tsukuba-kpis')).text();
    const pub = pubPage.slice(pubPage.indexOf('id="tree-h"'));
    expect([pub.indexOf('指標tk-a'), pub.indexOf('指標tk-c'), pub.indexOf('指標tk-b')].every((x, i, all) => x > 0 && (i === 0 || x > all[i - 1]!))).toBe(true);
    // Move b to the second goal.
    expect((await a.submit(page, `${page}/nodes/${g1}/kpis/tk-b/move`, { toNode: g2! })).status).toBe(303);
    const tree = (await a.get(page)).text;
    const rows = (await t.ctx.store.getStaff('tsukuba'))!.data.plans.find((p) => p.id === 'tsukuba-kpis')!.nodes.map((n) => n.kpiRows.map((r) => r.kpiId));
    expect(rows).toEqual([['tk-a', 'tk-c'], ['tk-b']]);
    expect(tree).toContain(`href="/staff/cities/tsukuba/kpis/tk-a#define"`);

    // The one edit form on the KPI page: every field, prefilled.
    const kpiPage = '/staff/cities/tsukuba/kpis/tk-a';
    const action = `${kpiPage}/edit`;
    const opened = await a.get(kpiPage);
    for (const field of ['name', 'nameEn', 'unit', 'department', 'sdgTargets', 'side', 'aggregation', 'method', 'baselineAt', 'baselineValue', 'definition', 'dataSource', 'reason']) expect(opened.text, field).toContain(`id="f-define-${field}"`);
    expect(opened.text).toContain('value="2023年度"');
    const fields = { name: '指標tk-a', nameEn: 'Indicator A', unit: '人', direction: 'up', department: '', sdgTargets: '11.2', side: 'society', aggregation: 'snapshot', method: 'ratio', baselineAt: '2023年度', baselineValue: '100', dataSource: '市民意識調査' };
    // Bad input: 422, the error next to the field, the input kept.
    const bad = await a.post(action, { ...hiddenFields(opened.text, action), ...fields, sdgTargets: '11.2, 18.1', definition: '<b>太字</b>の定義' });
    expect(bad.status).toBe(422);
    expect(bad.text).toMatch(/id="f-define-sdgTargets-error"/);
    expect(bad.text).toContain('value="11.2, 18.1"');
    expect(bad.text).toContain('&lt;b&gt;太字&lt;/b&gt;の定義');
    const staleB = await b.get(kpiPage);
    const saved = await a.post(action, { ...hiddenFields(opened.text, action), ...fields, definition: '<script>alert(1)</script>バス停から300m以内の人口の割合' });
    expect(saved.status).toBe(303);
    const after = await a.get(kpiPage);
    expect(after.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;バス停から300m以内の人口の割合');
    expect(after.text).not.toContain('<script>alert(1)');
    expect(after.text).toContain('value="11.2"');
    const row = (await findKpiBySlug(t.ctx.db, 'tsukuba', 'tk-a'))!;
    expect([row.side, row.method, row.data_source]).toEqual(['society', 'ratio', '市民意識調査']);
    // Someone saved meanwhile: b's form is stale → 409 with the conflict panel and b's input kept.
    const conflict = await b.post(action, { ...hiddenFields(staleB.text, action), ...fields, definition: '乙の定義' });
    expect(conflict.status).toBe(409);
    expect(conflict.text).toContain('conflict-title');
    expect(conflict.text).toContain('乙の定義');
    // A form without its version: 400; another city's KPI under this city: 404; another city's page: 403.
    expect((await a.post(action, fields)).status).toBe(400);
    expect((await a.post('/staff/cities/tsukuba/kpis/new-farmers/edit', { ...fields, version: String(row.version) })).status).toBe(404);
    expect((await a.post('/staff/cities/ichinoseki/kpis/new-farmers/edit', { ...fields, version: String(row.version) })).status).toBe(403);
    // With an actual: the unit changes only with a reason.
    await recordObservation(t.ctx.db, { kpiId: row.id, at: { kind: 'fiscal-year', year: 2024 }, value: 120 }, { actor: 'test' });
    t.ctx.store.invalidate('tsukuba');
    const withData = await a.get(kpiPage);
    expect(withData.text).toContain('この指標には実績があります');
    const noReason = await a.post(action, { ...hiddenFields(withData.text, action), ...fields, unit: '千人' });
    expect(noReason.status).toBe(422);
    expect(noReason.text).toMatch(/id="f-define-reason-error"[^>]*>[^<]*記録済みの値は換算されません/);
    expect((await a.post(action, { ...hiddenFields(noReason.text, action), ...fields, unit: '千人', reason: '単位の誤記を訂正' })).status).toBe(303);

    // Deleting what has data is refused with the reason, and archiving is offered.
    const delNode = await a.submit(page, `${page}/nodes/${g1}/delete`, {});
    expect(delNode.status).toBe(422);
    expect(delNode.text).toContain('下位の項目やKPIがあるため削除できません。アーカイブしてください');
    expect(delNode.text).toContain(`action="${page}/nodes/${g1}/archive"`);
    await a.get(list);
    const delPlan = await a.submit(list, `${page}/delete`, {});
    expect(delPlan.status).toBe(422);
    expect(delPlan.text).toContain('実績や履歴があるため削除できません。アーカイブしてください');
    expect(delPlan.text).toContain(`action="${page}/archive"`);
    // A KPI without data may be deleted (issue 13.2); once it has an actual, only archive is offered.
    expect(tree).toContain(`action="/staff/cities/tsukuba/kpis/tk-a/archive"`);
    expect(tree).toContain(`action="/staff/cities/tsukuba/kpis/tk-a/delete"`);
    const withActual = (await a.get(page)).text;
    expect(withActual).toContain(`action="/staff/cities/tsukuba/kpis/tk-a/archive"`);
    expect(withActual).not.toContain('/kpis/tk-a/delete');
    expect(withActual).toContain(`action="/staff/cities/tsukuba/kpis/tk-c/delete"`);
  }, 300_000);
});

