import { afterAll, beforeAll, expect, it } from 'vitest';
import { listDepartments } from '../../src/departments/department.repository.ts';
import { describeStaffApp, type StaffTestApp } from '../support/staff-app.ts';
import { hiddenFields, StaffClient } from './staff-helpers.ts';

/*
 * Issue 13 attacked as a new user and as an attacker would (PGlite and PostgreSQL): another
 * city's ids in builder URLs and fields, roles that may not build, stale forms, two people adding
 * nodes at once, hostile text, numbers and dates as typed (全角, 和暦), duplicate or misplaced
 * targets, a node moved below itself, reordering past the ends. Every refusal is a 4xx with a
 * message, never a 500, and writes nothing.
 */

const counts = { tried: 0, refused: 0, saved: 0, errors500: 0 };

describeStaffApp('plan builder attacks', [['at-sec', 'tsukuba', 'secretariat'], ['at-viewer', 'tsukuba', 'viewer'], ['at-admin', 'tsukuba', 'administrator']], (app, databaseName) => {
  let t: StaffTestApp;
  beforeAll(() => {
    t = app();
  });
  afterAll(async () => {
    console.log(`plan builder attacks on ${databaseName}: ${JSON.stringify(counts)}`);
  });

  /** Posts and counts; returns status, location and the page's text. */
  async function post(client: StaffClient, path: string, form: Record<string, string>) {
    const r = await client.post(path, form);
    counts.tried++;
    if (r.status >= 500) counts.errors500++;
    else if (r.status >= 400) counts.refused++;
    else counts.saved++;
    return r;
  }
  /** The change log's length for a city: a refusal appends nothing. */
  const changeCount = async (cityId: string) => Number((await t.ctx.db.selectFrom('change_log').select((eb) => eb.fn.countAll().as('n')).where('city_id', '=', cityId).executeTakeFirstOrThrow()).n);

  it('refuses other cities, roles that may not build, forged directions and moves below itself', async () => {
    const a = new StaffClient(t.app);
    await a.login('at-sec');
    const ich = (await t.ctx.store.getStaff('ichinoseki'))!.data;
    const tsu = (await t.ctx.store.getStaff('tsukuba'))!.data;
    const ichPlan = ich.plans[0]!;
    const ichNode = ichPlan.nodes.find((n) => !tsu.plans[0]!.nodes.some((m) => m.id === n.id)) ?? ichPlan.nodes[0]!;
    const plan = tsu.plans[0]!;
    const page = `/staff/cities/tsukuba/plans/${plan.id}`;
    const ichBefore = await changeCount('ichinoseki');
    const tsuBefore = await changeCount('tsukuba');
    const v = hiddenFields((await a.get(page)).text, `${page}/nodes/${plan.nodes[0]!.id}/archive`);

    // Another city's plan, node and KPI in the URL (as tsukuba's secretariat).
    expect((await post(a, `/staff/cities/tsukuba/plans/${ichPlan.id}/nodes`, { parent: '', kind: 'goal', title: 'x' })).status).toBe(404);
    expect((await post(a, `/staff/cities/tsukuba/plans/${ichPlan.id}/nodes/${ichNode.id}/move`, { ...v, parent: '' })).status).toBeGreaterThanOrEqual(400);
    expect((await post(a, `/staff/cities/tsukuba/plans/${ichPlan.id}/versions`, { ...v, kind: 'revised', date: '2024-04-01', reason: 'x' })).status).toBeGreaterThanOrEqual(400);
    expect((await post(a, `/staff/cities/tsukuba/plans/${ichPlan.id}/archive`, v)).status).toBeGreaterThanOrEqual(400);
    expect((await post(a, '/staff/cities/tsukuba/kpis/new-farmers/archive', v)).status).toBeGreaterThanOrEqual(400);
    expect((await post(a, `/staff/cities/ichinoseki/plans/${ichPlan.id}/nodes`, { parent: '', kind: 'goal', title: 'x' })).status).toBe(403);
    // … and in the form fields: another city's KPI, department, node.
    const attach = await post(a, `${page}/nodes/${plan.nodes[0]!.id}/kpis`, { ...v, kpi: 'new-farmers' });
    expect(attach.status).toBe(422);
    const otherDepartment = (await listDepartments(t.ctx.db, 'ichinoseki'))[0];
    if (otherDepartment) {
      const dep = await post(a, `${page}/nodes/${plan.nodes[0]!.id}/kpis/new`, { ...v, name: '他市の課', unit: '人', side: 'economy', aggregation: 'snapshot', method: 'progress-from-baseline', baselineAt: '2020年', baselineValue: '10', targets: '2025年 20', departmentId: String(otherDepartment.id) });
      expect(dep.status).toBe(422);
    }
    expect((await post(a, `${page}/nodes`, { parent: 'no-such-node', kind: 'goal', title: 'x' })).status).toBe(422);
    expect((await a.get(`/staff/cities/tsukuba/plans/${ichPlan.id}/diff?from=1&to=2`)).status).toBe(404);
    expect(await changeCount('ichinoseki')).toBe(ichBefore);

    // A viewer: no builder form shown, every builder POST refused.
    const viewer = new StaffClient(t.app);
    await viewer.login('at-viewer');
    expect((await viewer.get(page)).text).not.toContain(`action="${page}/nodes"`);
    for (const path of [`${page}/nodes`, `${page}/versions`, `${page}/nodes/${plan.nodes[0]!.id}/kpis/new`, `${page}/nodes/${plan.nodes[0]!.id}/delete`, '/staff/cities/tsukuba/plans']) {
      expect((await post(viewer, path, { ...v, parent: '', kind: 'goal', title: 'x' })).status).toBe(403);
    }
    expect(await changeCount('tsukuba')).toBe(tsuBefore);

    // A tree to move and reorder: top → child → grandchild.
    const add = async (parent: string, title: string) => {
      const r = await post(a, `${page}/nodes`, { parent, kind: 'goal', title });
      expect(r.status).toBe(303);
      const d = (await t.ctx.store.getStaff('tsukuba'))!.data.plans.find((p) => p.id === plan.id)!;
      const find = (nodes: typeof d.nodes): string | undefined => nodes.flatMap((n) => (n.title === title ? [n.id] : [find(n.children) ?? ''])).find((x) => x !== '');
      return find(d.nodes)!;
    };
    const top = await add('', '上位');
    const child = await add(top, '中位');
    const grandchild = await add(child, '下位');
    const fresh = (await a.get(page)).text;
    const under = await post(a, `${page}/nodes/${top}/move`, { ...hiddenFields(fresh, `${page}/nodes/${top}/move`), parent: grandchild });
    expect(under.status).toBe(422);
    expect(under.text).toContain('自分自身の下位');
    expect((await post(a, `${page}/nodes/${top}/move`, { ...hiddenFields(fresh, `${page}/nodes/${top}/move`), parent: top })).status).toBe(422);

    // Reordering past the ends (a stale second tab) and in no direction: a message, not "moved".
    const only = (await a.get(page)).text;
    const first = await post(a, `${page}/nodes/${child}/reorder`, { ...hiddenFields(only, `${page}/nodes/${child}/archive`), direction: 'up' });
    expect(await t.ctx.db.selectFrom('plans').select('position').where('slug', '=', plan.id).where('city_id', '=', 'tsukuba').executeTakeFirstOrThrow()).toEqual({ position: 0 });
    expect(first.status).toBe(422);
    expect(first.text).toContain('すでに先頭にあるため');
    const last = await post(a, `${page}/nodes/${grandchild}/reorder`, { ...hiddenFields(only, `${page}/nodes/${grandchild}/archive`), direction: 'down' });
    expect(last.text).toContain('すでに末尾にあるため');
    const sideways = await post(a, `${page}/nodes/${top}/reorder`, { ...hiddenFields(only, `${page}/nodes/${top}/archive`), direction: 'sideways' });
    expect(sideways.status).toBe(422);
    expect(sideways.text).toContain('移動の向き');
    const list = (await a.get('/staff/cities/tsukuba/plans')).text;
    const planFirst = await post(a, `/staff/cities/tsukuba/plans/${plan.id}/reorder`, { ...hiddenFields(list, `/staff/cities/tsukuba/plans/${plan.id}/archive`), direction: 'up' });
    expect(planFirst.status).toBe(422);
    expect(planFirst.text).toContain('すでに先頭にあるため');

    // Deleting what has data: refused with the message, the node stays.
    const del = await post(a, `${page}/nodes/${top}/delete`, hiddenFields((await a.get(page)).text, `${page}/nodes/${top}/archive`));
    expect(del.status).toBe(422);
    expect(del.text).toContain('アーカイブしてください');
    // A node's archive, restore and delete act on the node, never on its plan (the route patterns
    // once matched any path ending in "archive" as the plan's action).
    const arch = await post(a, `${page}/nodes/${grandchild}/archive`, hiddenFields((await a.get(page)).text, `${page}/nodes/${grandchild}/archive`));
    expect(arch.status).toBe(303);
    const after = (await t.ctx.store.getStaff('tsukuba'))!.data.plans.find((p) => p.id === plan.id);
    expect(after, 'the plan stays').toBeDefined();
    const archivedRow = await t.ctx.db.selectFrom('plan_nodes').select('archived_at').where('slug', '=', grandchild).executeTakeFirstOrThrow();
    expect(archivedRow.archived_at).not.toBeNull();
    const restore = await post(a, `${page}/nodes/${grandchild}/restore`, hiddenFields((await a.get(page)).text, `${page}/nodes/${grandchild}/restore`));
    expect(restore.status).toBe(303);
    const gone = await post(a, `${page}/nodes/${grandchild}/delete`, hiddenFields((await a.get(page)).text, `${page}/nodes/${grandchild}/delete`));
    expect(gone.status).toBe(303);
    expect(await t.ctx.db.selectFrom('plan_nodes').select('id').where('slug', '=', grandchild).executeTakeFirst()).toBeUndefined();
    expect((await t.ctx.store.getStaff('tsukuba'))!.data.plans.some((p) => p.id === plan.id)).toBe(true);
    expect((await post(a, `${page}/nodes/${child}/xarchive`, { version: '1' })).status).toBe(404);
    expect(counts.errors500).toBe(0);
  }, 300_000);

  it('reads numbers and dates as typed and refuses targets that make no sense', async () => {
    const a = new StaffClient(t.app);
    await a.login('at-sec');
    const list = '/staff/cities/tsukuba/plans';
    await a.get(list);
    // Period years as staff type them: 全角, 年度, 和暦; junk that Number() would read is refused.
    const fw = await post(a, list, { planId: 'fw-years', title: '全角の年', kind: 'other', periodStart: '２０２４', periodEnd: '令和8年度' });
    expect(fw.status).toBe(303);
    const stored = (await t.ctx.store.getStaff('tsukuba'))!.data.plans.find((p) => p.id === 'fw-years')!;
    expect([stored.periodStart, stored.periodEnd]).toEqual([2024, 2026]);
    for (const [start, end] of [['2.024e3', '2026'], ['2024', '0x7E8'], ['2024年3月', '2026'], ['', '2026'], ['2024', '２０２４～２０２６']]) {
      const r = await post(a, list, { planId: `junk-${counts.tried}`, title: 't', kind: 'other', periodStart: start!, periodEnd: end! });
      expect(r.status, `${start}–${end}`).toBe(422);
      expect(r.text).toContain('一つの年を入力してください');
    }
    const page = `${list}/fw-years`;
    expect((await post(a, `${page}/nodes`, { parent: '', kind: 'goal', title: '目標' })).status).toBe(303);
    const node = (await t.ctx.store.getStaff('tsukuba'))!.data.plans.find((p) => p.id === 'fw-years')!.nodes[0]!.id;
    const kpi = async (fields: Record<string, string>) => {
      const opened = (await a.get(page)).text;
      return post(a, `${page}/nodes/${node}/kpis/new`, { ...hiddenFields(opened, `${page}/nodes/${node}/archive`), name: '攻撃の指標', unit: '人', side: 'economy', aggregation: 'snapshot', method: 'progress-from-baseline', baselineAt: '2020年', baselineValue: '100', ...fields });
    };
    const before = await changeCount('tsukuba');
    const dup = await kpi({ kpiId: 'dup-at', targets: '2025年 150\n2025年 200' });
    expect(dup.status).toBe(422);
    expect(dup.text).toContain('2行目：1行目と同じ時点の目標値です');
    const early = await kpi({ kpiId: 'early', targets: '2026年 150\n2010年 150' });
    expect(early.status).toBe(422);
    expect(early.text).toContain('2行目：目標の時点が当初値の時点（2020年）以前です');
    expect((await kpi({ kpiId: 'same', targets: '2020年 150' })).status).toBe(422);
    expect((await kpi({ kpiId: 'below', targets: '2025年 50' })).text).toContain('value="50"'.length > 0 ? '2025年 50' : '');
    expect((await kpi({ kpiId: 'unit', baselineValue: '100kg', targets: '2025年 150' })).status).toBe(422);
    expect((await kpi({ kpiId: 'nan', baselineValue: 'NaN', targets: '2025年 Infinity' })).status).toBe(422);
    expect((await kpi({ kpiId: 'long', name: 'あ'.repeat(10_000), targets: '2025年 150' })).status).toBe(422);
    expect(await changeCount('tsukuba')).toBe(before);
    // 全角 figures and 和暦 time points are read, a period target ending after the baseline too.
    const ok = await kpi({ kpiId: 'wareki', baselineAt: '令和2年度', baselineValue: '１，２３４人', targets: '令和７年度　２，０００人\n2021年～2024年 1500' });
    expect(ok.status).toBe(303);
    const made = (await t.ctx.store.getStaff('tsukuba'))!.data.kpis.find((k) => k.id === 'wareki')!;
    expect(made.baseline?.value).toBe(1234);
    expect(made.targets.map((x) => x.value)).toEqual([2000, 1500]);
    // Hostile text is stored as text and shown escaped.
    const html = '<script>alert(1)</script>';
    expect((await post(a, `${page}/nodes`, { parent: '', kind: 'goal', code: '1', title: html })).status).toBe(303);
    const shown = (await a.get(page)).text;
    expect(shown).not.toContain(html);
    expect(shown).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect((await post(a, `${page}/nodes`, { parent: '', kind: 'goal', title: 'a\u0001b' })).status).toBe(400);
    expect(counts.errors500).toBe(0);
  }, 300_000);

  it('two people adding nodes at once both get their node, in distinct places', async () => {
    const a = new StaffClient(t.app);
    const b = new StaffClient(t.app);
    await a.login('at-sec');
    await b.login('at-sec');
    const list = '/staff/cities/tsukuba/plans';
    await a.get(list);
    expect((await post(a, list, { planId: 'race', title: '同時', kind: 'other', periodStart: '2024', periodEnd: '2026' })).status).toBe(303);
    const page = `${list}/race`;
    await a.get(page);
    await b.get(page);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const rs = await Promise.all([post(a, `${page}/nodes`, { parent: '', kind: 'goal', title: `甲${i}` }), post(b, `${page}/nodes`, { parent: '', kind: 'goal', title: `乙${i}` })]);
      statuses.push(...rs.map((r) => r.status));
    }
    expect(statuses.every((s) => s === 303 || s === 409)).toBe(true);
    const nodes = (await t.ctx.store.getStaff('tsukuba'))!.data.plans.find((p) => p.id === 'race')!.nodes;
    expect(nodes.length).toBe(statuses.filter((s) => s === 303).length);
    const positions = await t.ctx.db.selectFrom('plan_nodes').innerJoin('plans', 'plans.id', 'plan_nodes.plan_id').select('plan_nodes.position').where('plans.slug', '=', 'race').where('plans.city_id', '=', 'tsukuba').execute();
    expect(new Set(positions.map((p) => p.position)).size).toBe(positions.length);
    console.log(`concurrent node adds on ${databaseName}: ${statuses.filter((s) => s === 303).length} saved, ${statuses.filter((s) => s === 409).length} conflicts`);
  }, 300_000);

  it("the city's administrator manages users, not plans: every builder page answers a 403 naming the secretariat role, and no link leads to one", async () => {
    const admin = new StaffClient(t.app);
    await admin.login('at-admin');
    const plan = (await t.ctx.store.getStaff('tsukuba'))!.data.plans[0]!;
    const before = await changeCount('tsukuba');
    const list = await admin.get('/staff/cities/tsukuba/plans');
    expect(list.status).toBe(200);
    // The plan list says who builds, and tells the administrator what to do; it offers no builder form.
    expect(list.text).toContain('「事務局」の役割が必要です');
    expect(list.text).toContain('職務の分離');
    expect(list.text).not.toContain('action="/staff/cities/tsukuba/plans"');
    const page = await admin.get(`/staff/cities/tsukuba/plans/${plan.id}`);
    expect(page.status).toBe(200);
    // Every staff link the plan pages show answers (no link to a 403).
    const links = [...new Set([...list.text.matchAll(/href="(\/staff\/cities\/tsukuba\/[^"?#]*)/g), ...page.text.matchAll(/href="(\/staff\/cities\/tsukuba\/[^"?#]*)/g)].map((m) => m[1]!))];
    const refused: string[] = [];
    for (const link of links.filter((l) => !/\.(xlsx|docx|csv|pdf)$/.test(l))) {
      const r = await admin.get(link);
      if (r.status === 403 || r.status >= 500) refused.push(`${link} ${r.status}`);
    }
    expect(refused).toEqual([]);
    // Typed by hand: a 403 page in the staff frame that names the role needed, the user's own, and the users page.
    for (const path of ['/staff/cities/tsukuba/kpi-table', `/staff/cities/tsukuba/plans/${plan.id}/next-period`, `/staff/cities/tsukuba/plans/${plan.id}/diff?from=1&to=2`]) {
      const r = await admin.get(path);
      expect(r.status, path).toBe(403);
      expect(r.text).toContain('このページには「事務局」の役割が必要です。あなたのこの都市での役割：管理者。');
      expect(r.text).toContain('href="/staff/users"');
    }
    for (const path of ['/staff/cities/tsukuba/plans', `/staff/cities/tsukuba/plans/${plan.id}/nodes`, `/staff/cities/tsukuba/kpis/${(await t.ctx.store.getStaff('tsukuba'))!.data.kpis[0]!.id}/edit`]) {
      const r = await post(admin, path, { version: '1', planId: 'by-admin', title: 'x', kind: 'goal', parent: '', periodStart: '2024', periodEnd: '2026', name: 'x' });
      expect(r.status, path).toBe(403);
      expect(r.text).toContain('「事務局」の役割が必要です');
    }
    // A viewer is told to ask the administrator instead.
    const viewer = new StaffClient(t.app);
    await viewer.login('at-viewer');
    const refusedViewer = await viewer.get('/staff/cities/tsukuba/kpi-table');
    expect(refusedViewer.status).toBe(403);
    expect(refusedViewer.text).toContain('あなたのこの都市での役割：閲覧者');
    expect(refusedViewer.text).toContain('管理者に依頼してください');
    expect(await changeCount('tsukuba')).toBe(before);
  }, 300_000);
});
