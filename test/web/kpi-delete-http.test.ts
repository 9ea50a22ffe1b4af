import { expect, it } from 'vitest';
import { recordObservation } from '../../src/actuals/observation.repository.ts';
import { deleteKpi } from '../../src/kpis/kpi.commands.ts';
import { findKpiBySlug } from '../../src/kpis/kpi.repository.ts';
import { describeStaffApp } from '../support/staff-app.ts';
import { hiddenFields, StaffClient } from './staff-helpers.ts';

/*
 * Deleting a KPI with no data through HTTP (issue 13.2), on PGlite and PostgreSQL: the plan
 * builder offers "KPIを削除" (a POST form with CSRF, version and the confirmation text) only for
 * KPIs without data, on the plan page and for archived KPIs on the plan list; the delete answers
 * 303 back to the plan; a KPI with data is refused with 409 and the message to archive it;
 * another city's or an unknown KPI is a 404; a stale form is a 409 conflict; no CSRF is refused.
 */

const visible = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&').replace(/\s+/g, ' ');

describeStaffApp('deleting a KPI over HTTP', [['kd-sec', 'tsukuba', 'secretariat'], ['kd-ich', 'ichinoseki', 'secretariat']], (app) => {
  it('offers and performs the delete only for KPIs without data; 409 with data, 404 for another city, 409 when stale', async () => {
    const t = app();
    const a = new StaffClient(t.app);
    await a.login('kd-sec');
    const list = '/staff/cities/tsukuba/plans';
    await a.get(list);
    expect((await a.post(list, { planId: 'tsukuba-del', title: '削除の計画', kind: 'other', periodStart: '2024', periodEnd: '2026' })).status).toBe(303);
    const page = `${list}/tsukuba-del`;
    expect((await a.submit(page, `${page}/nodes`, { parent: '', kind: 'goal', code: '1', title: '目標1' })).status).toBe(303);
    const node = /<h3 id="node-([^"]+)">/.exec((await a.get(page)).text)![1]!;
    const kpi = { unit: '人', side: 'economy', aggregation: 'snapshot', method: 'progress-from-baseline', baselineAt: '2023年度', baselineValue: '100', targets: '2026年度 150', direction: 'up', sdgTargets: '11.2' };
    for (const id of ['kd-mistake', 'kd-data', 'kd-archived']) expect((await a.submit(page, `${page}/nodes/${node}/kpis/new`, { ...kpi, kpiId: id, name: `指標${id}` })).status).toBe(303);
    await recordObservation(t.ctx.db, { kpiId: (await findKpiBySlug(t.ctx.db, 'tsukuba', 'kd-data'))!.id, at: { kind: 'fiscal-year', year: 2024 }, value: 120 }, { actor: 'test' });

    // The button and its confirmation are there for the KPIs without data only.
    const opened = await a.get(page);
    const del = (id: string) => `/staff/cities/tsukuba/kpis/${id}/delete`;
    expect(opened.text).toContain(`action="${del('kd-mistake')}"`);
    expect(opened.text).not.toContain(`action="${del('kd-data')}"`);
    expect(visible(opened.text)).toContain('「指標kd-mistake」を削除します。');
    const form = hiddenFields(opened.text, del('kd-mistake'));
    expect(form['back']).toBe('tsukuba-del');
    expect(Number(form['version'])).toBeGreaterThan(0);
    expect(opened.text).toMatch(new RegExp(`action="${del('kd-mistake')}">\\s*<input type="hidden" name="_csrf"`));

    // A KPI with data: 409, the message to archive, nothing deleted (the archive form's version).
    const archiveForm = hiddenFields(opened.text, '/staff/cities/tsukuba/kpis/kd-data/archive');
    const refused = await a.post(del('kd-data'), { ...archiveForm, reason: '不要' });
    expect(refused.status).toBe(409);
    expect(visible(refused.text)).toContain('データがあるため削除できません。アーカイブしてください');
    expect(await findKpiBySlug(t.ctx.db, 'tsukuba', 'kd-data')).toBeDefined();

    // Another city's KPI and an unknown id: 404, nothing of Ichinoseki changes.
    const ichKpi = (await t.ctx.store.getStaff('ichinoseki'))!.data.kpis.find((k) => !['kd-mistake', 'kd-data'].includes(k.id))!;
    const ichRow = await findKpiBySlug(t.ctx.db, 'ichinoseki', ichKpi.id);
    expect((await a.post(del(ichKpi.id), { version: String(ichRow!.version) })).status).toBe(404);
    expect((await a.post(del('no-such-kpi'), { version: '1' })).status).toBe(404);
    expect(await findKpiBySlug(t.ctx.db, 'ichinoseki', ichKpi.id)).toEqual(ichRow);
    // Ichinoseki's own secretariat may not delete Tsukuba's KPI either (its city's guard).
    const ich = new StaffClient(t.app);
    await ich.login('kd-ich');
    await ich.get('/staff');
    expect((await ich.post(del('kd-mistake'), form)).status).toBe(403);

    // Without the CSRF token: refused. Without a version: 400. Stale version: 409 conflict.
    expect((await a.post(del('kd-mistake'), { version: form['version']!, back: 'tsukuba-del' }, { noCsrf: true })).status).toBe(403);
    expect((await a.post(del('kd-mistake'), {})).status).toBe(400);
    const stale = await a.post(del('kd-mistake'), { ...form, version: String(Number(form['version']) + 1000) });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('conflict-title');

    // The delete itself: back to the plan with the notice; the KPI and its row are gone.
    const done = await a.post(del('kd-mistake'), { ...form, reason: '誤って作成' });
    expect([done.status, done.location]).toEqual([303, `${page}?notice=plans.kpiDeleted`]);
    expect(visible((await a.get(done.location!)).text)).toContain('KPIを削除しました。');
    expect(await findKpiBySlug(t.ctx.db, 'tsukuba', 'kd-mistake')).toBeUndefined();
    const rows = (await t.ctx.store.getStaff('tsukuba'))!.data.plans.find((p) => p.id === 'tsukuba-del')!.nodes[0]!.kpiRows.map((r) => r.kpiId);
    expect(rows).toEqual(['kd-data', 'kd-archived']);
    expect((await t.app.request('/cities/tsukuba/kpis/kd-mistake')).status).toBe(404);
    // The same form again: the KPI is gone, 404.
    expect((await a.post(del('kd-mistake'), form)).status).toBe(404);

    // An archived KPI without data: offered on the plan list, deleted from there.
    const withArchive = await a.get(page);
    expect((await a.post('/staff/cities/tsukuba/kpis/kd-archived/archive', hiddenFields(withArchive.text, '/staff/cities/tsukuba/kpis/kd-archived/archive'))).status).toBe(303);
    const listPage = await a.get(list);
    expect(listPage.text).toContain(`action="${del('kd-archived')}"`);
    const fromList = await a.post(del('kd-archived'), hiddenFields(listPage.text, del('kd-archived')));
    expect([fromList.status, fromList.location]).toEqual([303, `${list}?notice=plans.kpiDeleted`]);
    expect(await findKpiBySlug(t.ctx.db, 'tsukuba', 'kd-archived')).toBeUndefined();
  }, 300_000);

  it('an actual for a KPI deleted meanwhile (the delete won the race): 409 with the reason on the form and the API, nothing written', async () => {
    const t = app();
    const a = new StaffClient(t.app);
    await a.login('kd-sec');
    const page = '/staff/cities/tsukuba/plans/tsukuba-del';
    const node = /<h3 id="node-([^"]+)">/.exec((await a.get(page)).text)![1]!;
    const kpi = { unit: '人', side: 'economy', aggregation: 'snapshot', method: 'progress-from-baseline', baselineAt: '2023年度', baselineValue: '100', targets: '2026年度 150', direction: 'up' };
    for (const id of ['kd-race-form', 'kd-race-api']) expect((await a.submit(page, `${page}/nodes/${node}/kpis/new`, { ...kpi, kpiId: id, name: `指標${id}` })).status).toBe(303);
    const formPage = '/staff/cities/tsukuba/kpis/kd-race-form/actuals/new';
    const opened = await a.get(formPage);
    expect(opened.status).toBe(200);
    await a.get('/staff/cities/tsukuba/kpis/kd-race-api/actuals/new');
    // Deleted by someone else in the instant between this request finding the KPI and writing:
    // the delete's change signal has not reached the cache yet. The cache stops forgetting first
    // (on PostgreSQL this process hears its own notifications, and one of the KPI creations above
    // may arrive at any moment: CI saw it drop the city just before the delete, so the posts
    // read the city again, without the KPI, and got 404), then holds the city as it is now.
    const forget = t.ctx.store.forget.bind(t.ctx.store);
    t.ctx.store.forget = () => {};
    await t.ctx.store.settled();
    await t.ctx.store.getStaff('tsukuba');
    await t.ctx.store.get('tsukuba');
    for (const id of ['kd-race-form', 'kd-race-api']) {
      const row = (await findKpiBySlug(t.ctx.db, 'tsukuba', id))!;
      expect((await deleteKpi(t.ctx.db, { invalidate: () => {} }, { cityId: 'tsukuba', actor: 'other', kpiId: id, version: row.version })).ok).toBe(true);
    }
    const form = await a.post('/staff/cities/tsukuba/kpis/kd-race-form/actuals', { ...hiddenFields(opened.text, '/staff/cities/tsukuba/kpis/kd-race-form/actuals'), at: '2024年度', value: '120', explanation: '検証' });
    expect(form.status).toBe(409);
    expect(visible(form.text)).toContain('このKPIは削除されたため保存できませんでした');
    const api = await t.app.request('/staff/cities/tsukuba/api/kpis/kd-race-api/actuals', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': a.csrf, cookie: a.cookieHeader() }, body: JSON.stringify({ at: '2024年度', value: '120', explanation: '検証' }) });
    expect(api.status).toBe(409);
    expect(((await api.json()) as { title: string }).title).toBe('this KPI was deleted by someone else meanwhile; nothing was written');
    t.ctx.store.forget = forget;
    t.ctx.store.invalidate('tsukuba');
    for (const id of ['kd-race-form', 'kd-race-api']) expect((await t.app.request(`/staff/cities/tsukuba/kpis/${id}/actuals/new`, { headers: { cookie: a.cookieHeader() } })).status).toBe(404);
  }, 120_000);
});
