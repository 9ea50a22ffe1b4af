import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../src/storage/test-databases.ts';
import { startStaffTestApp, type StaffTestApp } from '../support/staff-app.ts';
import { hiddenFields, makeUser, StaffClient } from './staff-helpers.ts';

describe.each(testDatabases())('plan builder attacks on $name', (database) => {
  if (database.skipReason) {
    it.skip(`skipped: ${database.skipReason}`, () => {});
    return;
  }
  let t: StaffTestApp;
  beforeAll(async () => {
    t = await startStaffTestApp(database.name);
    await makeUser(t.ctx, 'at-sec', 'tsukuba', 'secretariat');
    await makeUser(t.ctx, 'at-viewer', 'tsukuba', 'viewer');
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  it('explores', async () => {
    const a = new StaffClient(t.app);
    await a.login('at-sec');
    const ich = (await t.ctx.store.getStaff('ichinoseki'))!.data;
    const tsu = (await t.ctx.store.getStaff('tsukuba'))!.data;
    const ichPlan = ich.plans[0]!;
    const ichNode = ichPlan.nodes[0]!;
    const tsuPlan = tsu.plans[0]!;
    const tsuNode = tsuPlan.nodes[0]!;
    console.log('ich', ichPlan.id, ichNode.id, 'tsu', tsuPlan.id, tsuNode.id, tsuNode.children.map((c) => c.id));
    const page = `/staff/cities/tsukuba/plans/${tsuPlan.id}`;
    const log: string[] = [];
    const tryPost = async (label: string, path: string, form: Record<string, string>) => {
      const r = await a.post(path, form);
      const err = /class="field-error"[^>]*>([^<]*)/.exec(r.text)?.[1] ?? /<p[^>]*role="alert"[^>]*>([^<]*)/.exec(r.text)?.[1] ?? '';
      log.push(`${label}: ${r.status} ${r.location ?? ''} ${err.slice(0, 120)}`);
      return r;
    };
    const opened = (await a.get(page)).text;
    const nodeVersion = hiddenFields(opened, `${page}/nodes/${tsuNode.id}/archive`);
    await tryPost('node in ich plan via tsu url', `/staff/cities/tsukuba/plans/${ichPlan.id}/nodes`, { parent: '', kind: 'goal', title: 'x' });
    await tryPost('node parent=ich node', `${page}/nodes`, { parent: ichNode.id, kind: 'goal', title: 'x' });
    await tryPost('move ich node via tsu url', `/staff/cities/tsukuba/plans/${ichPlan.id}/nodes/${ichNode.id}/move`, { ...nodeVersion, parent: '' });
    await tryPost('attach ich kpi', `${page}/nodes/${tsuNode.id}/kpis`, { ...nodeVersion, kpi: 'new-farmers' });
    await tryPost('archive ich kpi', `/staff/cities/tsukuba/kpis/new-farmers/archive`, { version: '1' });
    await tryPost('archive ich plan via tsu', `/staff/cities/tsukuba/plans/${ichPlan.id}/archive`, { version: '1' });
    await tryPost('diff ich', `/staff/cities/tsukuba/plans/${ichPlan.id}/versions`, { version: '1', kind: 'revised', date: '2024-04-01', reason: 'x' });
    await tryPost('kpi new dept of other', `${page}/nodes/${tsuNode.id}/kpis/new`, { ...nodeVersion, name: 'k', unit: '人', side: 'economy', aggregation: 'snapshot', method: 'progress-from-baseline', baselineAt: '2020年', baselineValue: '10', targets: '2025年 20', departmentId: '1' });
    await tryPost('kpi moveto other plan node', `${page}/nodes/${tsuNode.id}/kpis/x/move`, { ...nodeVersion, toNode: ichNode.id });
    // hostile text
    const html = '<script>alert(1)</script><img src=x onerror=alert(1)>';
    const r1 = await tryPost('node html', `${page}/nodes`, { parent: '', kind: 'goal', title: html, code: html, description: html });
    const shown = (await a.get(page)).text;
    log.push(`html raw in page: ${shown.includes('<script>alert(1)')}`);
    await tryPost('node 10000', `${page}/nodes`, { parent: '', kind: 'goal', title: 'あ'.repeat(10000) });
    await tryPost('node ctrl', `${page}/nodes`, { parent: '', kind: 'goal', title: 'a\u0001b' });
    await tryPost('node ctrl \u202e', `${page}/nodes`, { parent: '', kind: 'goal', title: 'a\u202eb' });
    await tryPost('node bad kind', `${page}/nodes`, { parent: '', kind: 'nope', title: 'x' });
    const nodeForm = (id: string) => hiddenFields(shown, `${page}/nodes/${id}/archive`);
    const base = { name: 'テスト指標', unit: '人', side: 'economy', aggregation: 'snapshot', method: 'progress-from-baseline' };
    const kv = nodeForm(tsuNode.id);
    const kpiNew = `${page}/nodes/${tsuNode.id}/kpis/new`;
    await tryPost('kpi fullwidth', kpiNew, { ...kv, ...base, kpiId: 'fw', baselineAt: '令和2年度', baselineValue: '１，２３４人', targets: '令和７年度　２，０００人' });
    await tryPost('kpi below no direction', kpiNew, { ...(hiddenFields((await a.get(page)).text, `${page}/nodes/${tsuNode.id}/archive`)), ...base, kpiId: 'below', baselineAt: '2020年', baselineValue: '100', targets: '2025年 50' });
    await tryPost('kpi dup targets', kpiNew, { ...(hiddenFields((await a.get(page)).text, `${page}/nodes/${tsuNode.id}/archive`)), ...base, kpiId: 'dup', baselineAt: '2020年', baselineValue: '100', targets: '2025年 150\n2025年 200' });
    await tryPost('kpi wrong unit', kpiNew, { ...(hiddenFields((await a.get(page)).text, `${page}/nodes/${tsuNode.id}/archive`)), ...base, kpiId: 'wu', baselineAt: '2020年', baselineValue: '100kg', targets: '2025年 150' });
    await tryPost('kpi bad date', kpiNew, { ...(hiddenFields((await a.get(page)).text, `${page}/nodes/${tsuNode.id}/archive`)), ...base, kpiId: 'bd', baselineAt: '令和99年', baselineValue: '100', targets: '2025年 150' });
    await tryPost('kpi huge number', kpiNew, { ...(hiddenFields((await a.get(page)).text, `${page}/nodes/${tsuNode.id}/archive`)), ...base, kpiId: 'hn', baselineAt: '2020年', baselineValue: '1e400', targets: '2025年 9'.padEnd(400, '9') });
    await tryPost('kpi NaN', kpiNew, { ...(hiddenFields((await a.get(page)).text, `${page}/nodes/${tsuNode.id}/archive`)), ...base, kpiId: 'nan', baselineAt: '2020年', baselineValue: 'NaN', targets: '2025年 Infinity' });
    await tryPost('kpi target before baseline', kpiNew, { ...(hiddenFields((await a.get(page)).text, `${page}/nodes/${tsuNode.id}/archive`)), ...base, kpiId: 'tbb', baselineAt: '2020年', baselineValue: '100', targets: '2010年 150' });
    await tryPost('kpi id taken other city', kpiNew, { ...(hiddenFields((await a.get(page)).text, `${page}/nodes/${tsuNode.id}/archive`)), ...base, kpiId: 'new-farmers', baselineAt: '2020年', baselineValue: '100', targets: '2025年 150' });
    await tryPost('kpi sdg bad', kpiNew, { ...(hiddenFields((await a.get(page)).text, `${page}/nodes/${tsuNode.id}/archive`)), ...base, kpiId: 'sdg', sdgTargets: '18.1, 1.z', baselineAt: '2020年', baselineValue: '100', targets: '2025年 150' });
    // cycles and reorder
    const child = tsuNode.children[0];
    if (child) {
      const fresh = (await a.get(page)).text;
      await tryPost('move under own child', `${page}/nodes/${tsuNode.id}/move`, { ...hiddenFields(fresh, `${page}/nodes/${tsuNode.id}/move`), parent: child.id });
      await tryPost('move under self', `${page}/nodes/${tsuNode.id}/move`, { ...hiddenFields(fresh, `${page}/nodes/${tsuNode.id}/move`), parent: tsuNode.id });
    }
    const fresh2 = (await a.get(page)).text;
    await tryPost('reorder up first', `${page}/nodes/${tsuNode.id}/reorder`, { ...hiddenFields(fresh2, `${page}/nodes/${tsuNode.id}/reorder`), direction: 'up' });
    await tryPost('reorder bogus dir', `${page}/nodes/${tsuNode.id}/reorder`, { ...hiddenFields((await a.get(page)).text, `${page}/nodes/${tsuNode.id}/reorder`), direction: 'sideways' });
    await tryPost('delete node with data', `${page}/nodes/${tsuNode.id}/delete`, { ...hiddenFields((await a.get(page)).text, `${page}/nodes/${tsuNode.id}/delete`) });
    const list = (await a.get('/staff/cities/tsukuba/plans')).text;
    await tryPost('delete plan with data', `/staff/cities/tsukuba/plans/${tsuPlan.id}/delete`, { ...hiddenFields(list, `/staff/cities/tsukuba/plans/${tsuPlan.id}/delete`) });
    await tryPost('plan period reversed', '/staff/cities/tsukuba/plans', { planId: 'rev', title: 't', kind: 'other', periodStart: '2026', periodEnd: '2024' });
    await tryPost('plan period wareki', '/staff/cities/tsukuba/plans', { planId: 'wareki', title: 't', kind: 'other', periodStart: '令和6', periodEnd: '令和8' });
    await tryPost('plan period fullwidth', '/staff/cities/tsukuba/plans', { planId: 'fw', title: 't', kind: 'other', periodStart: '２０２４', periodEnd: '２０２６' });
    await tryPost('plan id fullwidth', '/staff/cities/tsukuba/plans', { planId: 'ｐｌａｎ', title: 't', kind: 'other', periodStart: '2024', periodEnd: '2026' });
    await tryPost('plan period 1e3', '/staff/cities/tsukuba/plans', { planId: 'e3', title: 't', kind: 'other', periodStart: '2.024e3', periodEnd: '0x7E8' });
    await tryPost('version date wareki', `${page}/versions`, { ...hiddenFields((await a.get(page)).text, `${page}/versions`), kind: 'revised', date: '令和6年4月1日', reason: 'r' });
    await tryPost('version date future', `${page}/versions`, { ...hiddenFields((await a.get(page)).text, `${page}/versions`), kind: 'revised', date: '2999-01-01', reason: 'r' });
    await tryPost('version date 13th month', `${page}/versions`, { ...hiddenFields((await a.get(page)).text, `${page}/versions`), kind: 'revised', date: '2024-13-45', reason: 'r' });
    const viewer = new StaffClient(t.app);
    await viewer.login('at-viewer');
    const vp = await viewer.get(page);
    log.push(`viewer page ${vp.status} has builder forms: ${vp.text.includes(`${page}/nodes"`)}`);
    const vr = await viewer.post(`${page}/nodes`, { parent: '', kind: 'goal', title: 'x' });
    log.push(`viewer add node ${vr.status}`);
    console.log(log.join('\n'));
  }, 300_000);
});
