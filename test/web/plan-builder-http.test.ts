import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../src/storage/test-databases.ts';
import { startStaffTestApp, type StaffTestApp } from '../support/staff-app.ts';
import { hiddenFields, makeUser, StaffClient } from './staff-helpers.ts';

/*
 * The plan builder through HTTP on PGlite and PostgreSQL (issue 13.2): forms carry versions; a
 * stale form is a 409 page, two saves at once give one 303 and 409s (never a 500); a form
 * without its version is a 400; bad input is a 422 with the input kept; another city's plans and
 * a role that may not build are refused; the 新旧対照表 downloads answer .xlsx and .docx.
 */

const TRIES = 8;
let counts = { saved: 0, conflicts: 0, errors500: 0 };

describe.each(testDatabases())('plan builder over HTTP on $name', (database) => {
  if (database.skipReason) {
    it.skip(`skipped: ${database.skipReason}`, () => {});
    return;
  }
  let t: StaffTestApp;
  beforeAll(async () => {
    t = await startStaffTestApp(database.name);
    await makeUser(t.ctx, 'pb-sec', 'tsukuba', 'secretariat');
    await makeUser(t.ctx, 'pb-viewer', 'tsukuba', 'viewer');
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
    console.log(`plan builder HTTP on ${database.name}: ${JSON.stringify(counts)}`);
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
});
