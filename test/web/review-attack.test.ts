import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../src/storage/test-databases.ts';
import { startStaffTestApp, type StaffTestApp } from '../support/staff-app.ts';
import { makeUser, StaffClient } from './staff-helpers.ts';

/*
 * Issue 10 points 1–3 attacked through HTTP as each role and as an attacker would: nothing
 * unapproved or of an unpublished year reaches any public output; only the secretariat of the
 * city decides; two secretariat users deciding the same entry at once get one decision.
 */

describe.each(testDatabases())('review attacks on $name', (database) => {
  let t: StaffTestApp;
  const skip = database.skipReason !== null;
  beforeAll(async () => {
    if (skip) return;
    t = await startStaffTestApp(database.name);
    await makeUser(t.ctx, 'at-agri', 'ichinoseki', 'department-editor', 'agriculture');
    await makeUser(t.ctx, 'at-sec', 'ichinoseki', 'secretariat');
    await makeUser(t.ctx, 'at-sec2', 'ichinoseki', 'secretariat');
    await makeUser(t.ctx, 'at-expert', 'ichinoseki', 'expert');
    await makeUser(t.ctx, 'at-viewer', 'ichinoseki', 'viewer');
    await makeUser(t.ctx, 'at-tsu-admin', 'tsukuba', 'administrator');
    await makeUser(t.ctx, 'at-tsu-sec', 'tsukuba', 'secretariat');
  }, 180_000);
  afterAll(async () => {
    if (!skip) await t.stop();
  });

  const client = async (user: string, first = '/staff') => {
    const c = new StaffClient(t.app);
    await c.login(user);
    await c.get(first);
    return c;
  };
  const text = async (path: string) => {
    const res = await t.app.request(path);
    const body = Buffer.from(await res.arrayBuffer()).toString('utf8');
    return { status: res.status, body };
  };
  const FORM = '/staff/cities/ichinoseki/kpis/new-farmers/actuals/new';
  const POST = '/staff/cities/ichinoseki/kpis/new-farmers/actuals';

  it.skipIf(skip)('a submitted 8765 人 of 2024 reaches no public output; nobody but the city’s secretariat approves or publishes it', async () => {
    const agri = await client('at-agri', FORM);
    const saved = await agri.submit(FORM, POST, { at: '2024年', value: '8765', note: '速報値', source: '', explanation: '試験' });
    expect(saved.status).toBe(303);
    const plans = ((await (await t.app.request('/api/v1/cities/ichinoseki')).json()) as { plans: { id: string }[] }).plans.map((p) => p.id);
    const paths = [
      '/cities/ichinoseki', '/cities/ichinoseki/kpis', '/cities/ichinoseki/kpis/new-farmers', '/api/v1/cities/ichinoseki', '/api/v1/cities/ichinoseki/kpis',
      '/api/v1/cities/ichinoseki/kpis/new-farmers', '/api/v1/cities/ichinoseki/observations', '/api/v1/kpis?city=ichinoseki', '/sdgs', '/sdgs/2', '/sdgs/8', '/compare?cities=ichinoseki,tsukuba', '/search?q=新規就農', '/api/v1/search?q=新規就農', '/data', '/export',
      ...plans.flatMap((p) => [`/cities/ichinoseki/plans/${p}`, `/cities/ichinoseki/plans/${p}/sheet?year=2024`, `/cities/ichinoseki/plans/${p}/sheet?year=2025`]),
    ];
    for (const p of paths) {
      const { status, body } = await text(p);
      expect.soft(status, p).toBeLessThan(500);
      expect.soft(/8,?765/.test(body), p).toBe(false);
    }
    // Only the city's secretariat decides; another city's staff and the other roles are refused.
    for (const user of ['at-agri', 'at-expert', 'at-viewer', 'at-tsu-admin', 'at-tsu-sec']) {
      const c = await client(user);
      const r = await c.post('/staff/cities/ichinoseki/review', { entity: 'actual', key: 'new-farmers@2024', action: 'approve' });
      expect.soft(r.status, user).toBe(403);
      const p = await c.post('/staff/cities/ichinoseki/publication', { year: '2024', published: 'true' });
      expect.soft(p.status, user).toBe(403);
      // Another city's secretariat deciding an Ichinoseki key through its own city.
      const own = await c.post('/staff/cities/tsukuba/review', { entity: 'actual', key: 'new-farmers@2024', action: 'approve' });
      expect.soft(own.status, user).not.toBe(303);
    }
    expect(/8,?765/.test((await text('/cities/ichinoseki/kpis/new-farmers')).body)).toBe(false);
  });

  it.skipIf(skip)('approved and published: public; unpublished again: gone from every output, cached pages included', async () => {
    const sec = await client('at-sec', '/staff/cities/ichinoseki/review');
    expect((await sec.post('/staff/cities/ichinoseki/review', { entity: 'actual', key: 'new-farmers@2024', action: 'approve' })).status).toBe(303);
    expect((await sec.post('/staff/cities/ichinoseki/publication', { year: '2024', published: 'true' })).status).toBe(303);
    const paths = ['/cities/ichinoseki/kpis/new-farmers', '/api/v1/cities/ichinoseki/kpis/new-farmers', '/api/v1/kpis?city=ichinoseki', '/api/v1/cities/ichinoseki/observations'];
    for (const p of paths) expect.soft(/8,?765/.test((await text(p)).body), p).toBe(true);
    expect((await sec.post('/staff/cities/ichinoseki/publication', { year: '2024', published: 'false', reason: '誤り' })).status).toBe(303);
    for (const p of paths) expect.soft(/8,?765/.test((await text(p)).body), p).toBe(false);
  });

  it.skipIf(skip)('two secretariat users deciding the same entry at once: one decision, the other told, no 500', async () => {
    const agri = await client('at-agri', FORM);
    for (let i = 0; i < 5; i++) {
      const at = `${2010 + i}年`;
      expect((await agri.submit(FORM, POST, { at, value: String(20 + i), note: '', source: '', explanation: '試験', reason: '再集計' })).status).toBe(303);
      const a = await client('at-sec', '/staff/cities/ichinoseki/review');
      const b = await client('at-sec2', '/staff/cities/ichinoseki/review');
      const key = `new-farmers@${2010 + i}`;
      const [ra, rb] = await Promise.all([
        a.post('/staff/cities/ichinoseki/review', { entity: 'actual', key, action: 'approve' }),
        b.post('/staff/cities/ichinoseki/review', { entity: 'actual', key, action: i % 2 ? 'approve' : 'return', reason: '確認' }),
      ]);
      expect([ra.status, rb.status].sort()).toEqual([303, 400]);
      const steps = await t.ctx.db.selectFrom('change_log' as never).select('id' as never).where('entity_id' as never, '=', `actual:${key}` as never).where('entity' as never, '=', 'review' as never).execute();
      expect(steps).toHaveLength(1);
    }
  });

  it.skipIf(skip)('an approval names the step it was shown: a correction made since is not approved unseen', async () => {
    const agri = await client('at-agri', FORM);
    expect((await agri.submit(FORM, POST, { at: '2016年', value: '31', note: '', source: '', explanation: '試験', reason: '再集計' })).status).toBe(303);
    const sec = await client('at-sec', '/staff/cities/ichinoseki/review');
    const queue = (await sec.get('/staff/cities/ichinoseki/review')).text;
    const step = new RegExp('name="key" value="new-farmers@2016"/?>\\s*<input type="hidden" name="step" value="(\\d+)"').exec(queue)?.[1];
    expect(step).toBeDefined();
    // The department corrects the figure while the secretariat looks at 31.
    expect((await agri.submit(FORM, POST, { at: '2016年', value: '9,431', note: '', source: '', explanation: '試験', reason: '再集計' })).status).toBe(303);
    const stale = await sec.post('/staff/cities/ichinoseki/review', { entity: 'actual', key: 'new-farmers@2016', action: 'approve', step: step! });
    expect(stale.status).toBe(400);
    expect(stale.text).toContain('表示後に変更されました');
    expect((await sec.post('/staff/cities/ichinoseki/review', { entity: 'actual', key: 'new-farmers@2016', action: 'approve', step: 'x' })).status).toBe(400);
    // Seen afresh, it can be approved.
    const fresh = new RegExp('name="key" value="new-farmers@2016"/?>\\s*<input type="hidden" name="step" value="(\\d+)"').exec((await sec.get('/staff/cities/ichinoseki/review')).text)?.[1];
    expect(fresh).not.toBe(step);
    expect((await sec.post('/staff/cities/ichinoseki/review', { entity: 'actual', key: 'new-farmers@2016', action: 'approve', step: fresh! })).status).toBe(303);
  });

  it.skipIf(skip)('one table of hostile inputs gets the same answer (accepted or refused) from the import, the JSON API and the form', async () => {
    const cases = [
      { kpi: 'fuel-wood-production', at: '2001年', value: '１２０' },
      { kpi: 'fuel-wood-production', at: '2002年', value: '-5' },
      { kpi: 'fuel-wood-production', at: '2003年', value: '1e400' },
      { kpi: 'fuel-wood-production', at: '2004年', value: '12 kg' },
      { kpi: 'fuel-wood-production', at: '2005年', value: '120%' },
      { kpi: 'fuel-wood-production', at: '2099年', value: '10' },
      { kpi: 'fuel-wood-production', at: '令和元年度', value: '10' },
      { kpi: 'fuel-wood-production', at: '2024年2月30日', value: '10' },
      { kpi: 'fuel-wood-production', at: '', value: '10' },
      { kpi: 'fuel-wood-production', at: '2006年', value: '' },
      { kpi: 'women-on-councils', at: '2007年', value: '-1' },
      { kpi: 'women-on-councils', at: '2008年', value: '100.0001' },
      // Text after the number that is more of the number, never a unit (issue 13 attack pass): refused everywhere.
      { kpi: 'fuel-wood-production', at: '2009年', value: '1e20', refused: true },
      { kpi: 'fuel-wood-production', at: '2010年', value: '1 2', refused: true },
      { kpi: 'fuel-wood-production', at: '2011年', value: '12-15', refused: true },
      { kpi: 'fuel-wood-production', at: '2012年', value: '1234567890123456', refused: true },
    ];
    const sec = await client('at-sec');
    const answers: string[] = [];
    for (const k of cases) {
      await sec.get(`/staff/cities/ichinoseki/kpis/${k.kpi}/actuals/new`);
      const kpi = (await t.ctx.store.getStaff('ichinoseki'))!.data.kpis.find((x) => x.id === k.kpi)!;
      const form = new FormData();
      form.set('_csrf', sec.csrf);
      form.set('file', new File([`指標ID,時点,値,単位,説明\n${k.kpi},${k.at},${k.value},${kpi.unit},検証\n`], 'one.csv', { type: 'text/csv' }));
      const imported = (await t.app.request('/staff/cities/ichinoseki/import', { method: 'POST', headers: { cookie: sec.cookieHeader() }, body: form })).status;
      const api = (await t.app.request(`/staff/cities/ichinoseki/api/kpis/${k.kpi}/actuals`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': sec.csrf, cookie: sec.cookieHeader() }, body: JSON.stringify({ at: k.at, value: k.value, explanation: '検証', version: 999999 }) })).status;
      const posted = (await sec.submit(`/staff/cities/ichinoseki/kpis/${k.kpi}/actuals/new`, `/staff/cities/ichinoseki/kpis/${k.kpi}/actuals`, { at: k.at, value: k.value, explanation: '検証' })).status;
      // The API row carries a stale version so it never writes: accepted input answers 409, refused input 400.
      const line = `${k.kpi} ${k.at} ${k.value}: import ${imported === 200 ? 'ok' : 'refused'}, api ${api === 409 ? 'ok' : 'refused'}, form ${posted === 303 ? 'ok' : 'refused'}`;
      answers.push(line);
      expect.soft([imported, api, posted].every((x) => x < 500), line).toBe(true);
      if ('refused' in k) expect.soft(line).toContain('import refused, api refused, form refused');
    }
    for (const line of answers) {
      const [, imp, api, form] = /import (\w+), api (\w+), form (\w+)/.exec(line)!;
      expect.soft(new Set([imp, api, form]).size, line).toBe(1);
    }
  });

  it.skipIf(skip)('an override of a platform count waiting in review leaves the public count and the city’s published figure as they were', async () => {
    const path = '/staff/cities/ichinoseki/kpis/sdgs-platform-groups/actuals';
    const sec = await client('at-sec', `${path}/new`);
    const before = JSON.stringify(((await (await t.app.request('/api/v1/cities/ichinoseki/observations')).json()) as { observations: { kpi?: string; kpi_id?: string }[] }).observations.filter((o) => JSON.stringify(o).includes('sdgs-platform-groups')));
    expect(before).toContain('"value":22');
    const saved = await sec.submit(`${path}/new`, path, { at: '2024年', value: '5,432 団体', platformOverride: '登録簿の移行前の数', explanation: '移行中', reason: '移行' });
    expect(saved.status).toBe(303);
    const after = JSON.stringify(((await (await t.app.request('/api/v1/cities/ichinoseki/observations')).json()) as { observations: { kpi?: string; kpi_id?: string }[] }).observations.filter((o) => JSON.stringify(o).includes('sdgs-platform-groups')));
    expect(after).toBe(before);
    expect((await text('/cities/ichinoseki/kpis/sdgs-platform-groups')).body).not.toMatch(/5,?432/);
  });
});
