import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app-context.ts';
import { staffDb } from '../../src/storage/staff-database.ts';
import { testDatabases } from '../../src/storage/test-databases.ts';
import type { createApp } from '../../src/web/app.tsx';
import { startStaffTestApp, type StaffTestApp } from '../support/staff-app.ts';
import { hiddenFields, makeUser, StaffClient } from './staff-helpers.ts';

// The whole suite runs on PGlite and on a real PostgreSQL server (body left at the top level's
// indentation on purpose: the suite grows in parallel branches, this keeps their merges clean).
for (const database of testDatabases()) describe.skipIf(database.skipReason !== null)(`the staff area over HTTP on ${database.name}`, () => {
let started: StaffTestApp;
let ctx: AppContext;
let app: ReturnType<typeof createApp>;
const announced: string[] = [];

beforeAll(async () => {
  started = await startStaffTestApp(database.name, { announce: (l) => announced.push(l) });
  ({ ctx, app } = started);
  await makeUser(ctx, 'ichi-agri', 'ichinoseki', 'department-editor', 'agriculture');
  await makeUser(ctx, 'ichi-sec', 'ichinoseki', 'secretariat');
  await makeUser(ctx, 'ichi-viewer', 'ichinoseki', 'viewer');
  await makeUser(ctx, 'tsu-sec', 'tsukuba', 'secretariat');
  await makeUser(ctx, 'lockme', 'tsukuba', 'viewer');
});
afterAll(() => started?.stop());

const client = () => new StaffClient(app);
const ichinosekiSdgsPlan = async () => (await ctx.store.get('ichinoseki'))!.plans.find((p) => p.kind === 'sdgs-future-city')!.id;

describe('first start and log-in', () => {
  it('creates an administrator with a one-time password that must be changed at first log-in', async () => {
    expect(ctx.initialAdmin?.username).toBe('admin');
    expect(ctx.initialAdmin!.password).toMatch(/^[A-Za-z2-9]{20}$/);
    expect(announced.join('\n')).toContain(ctx.initialAdmin!.password);
    const c = client();
    const r = await c.login('admin', ctx.initialAdmin!.password);
    expect(r.status).toBe(303);
    expect(r.location).toBe('/staff/password');
    expect((await c.get('/staff')).location).toBe('/staff/password');
    expect((await c.get('/staff/password')).text).toContain('初回ログインのため');
    const weak = await c.post('/staff/password', { current: ctx.initialAdmin!.password, next: 'short', confirm: 'short' });
    expect(weak.status).toBe(422);
    expect(weak.text).toContain('aria-invalid="true"');
    const next = 'a long passphrase for the first log-in';
    const ok = await c.post('/staff/password', { current: ctx.initialAdmin!.password, next, confirm: next });
    expect(ok.status).toBe(303);
    expect((await c.get('/staff')).status).toBe(200);
    // The one-time password no longer works.
    expect((await client().login('admin', ctx.initialAdmin!.password)).status).toBe(401);
  });

  it('sets a HttpOnly SameSite=Lax session cookie and stores only the token hash', async () => {
    const res = await app.request('/staff/login');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await res.text())![1]!;
    const preCookie = res.headers.getSetCookie()[0]!.split(';')[0]!;
    const login = await app.request('/staff/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: preCookie },
      body: new URLSearchParams({ _csrf: csrf, username: 'ichi-viewer', password: (await import('./staff-helpers.ts')).TEST_PASSWORD }).toString(),
    });
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith('michishirube_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\/staff/);
    const token = cookie.split(';')[0]!.split('=')[1]!;
    const stored = await staffDb(ctx.db).selectFrom('sessions').select('token_hash').execute();
    expect(stored.some((s) => s.token_hash === token)).toBe(false);
    expect(stored.every((s) => /^[0-9a-f]{64}$/.test(s.token_hash))).toBe(true);
  });

  it('refuses a wrong password with one message, logs it, and makes that address wait after 5 failures', async () => {
    const c = client();
    for (let i = 0; i < 5; i++) {
      const r = await c.login('lockme', 'wrong password!!');
      expect(r.status).toBe(401);
      expect(r.text).toContain('ユーザー名またはパスワードが正しくありません');
    }
    const unknown = await c.login('nobody-here', 'whatever password');
    expect(unknown.text).toContain('ユーザー名またはパスワードが正しくありません');
    const locked = await c.login('lockme');
    expect(locked.status).toBe(429);
    expect(locked.text).toMatch(/\d+分後にもう一度/);
    const log = await staffDb(ctx.db).selectFrom('login_attempts').select(['username', 'outcome']).where('username', '=', 'lockme').execute();
    expect(log.filter((l) => l.outcome === 'wrong-password')).toHaveLength(5);
    expect(log.at(-1)!.outcome).toBe('locked');
  });

  it('refuses a POST without the CSRF token or with another session’s token', async () => {
    const a = client();
    await a.login('ichi-sec');
    const noToken = await a.post('/staff/cities/ichinoseki/publication', { year: '2023', published: 'false' }, { noCsrf: true });
    expect(noToken.status).toBe(403);
    const b = client();
    await b.login('tsu-sec');
    await b.get('/staff');
    a.csrf = b.csrf;
    const foreign = await a.post('/staff/cities/ichinoseki/publication', { year: '2023', published: 'false' });
    expect(foreign.status).toBe(403);
    const crossSite = await a.request('/staff/logout', { form: {}, headers: { origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);
  });

  it('logs out: the session ends on the server', async () => {
    const c = client();
    await c.login('ichi-viewer');
    await c.get('/staff');
    expect((await c.post('/staff/logout', {})).status).toBe(303);
    expect((await c.get('/staff')).location).toMatch(/^\/staff\/login/);
  });
});

describe('roles per city', () => {
  it('a department editor enters an actual of its KPI; the public plan page shows the new rate', async () => {
    const c = client();
    await c.login('ichi-agri');
    const form = await c.get('/staff/cities/ichinoseki/kpis/new-farmers/actuals/new');
    expect(form.status).toBe(200);
    const r = await c.post('/staff/cities/ichinoseki/kpis/new-farmers/actuals', { ...hiddenFields(form.text, '/staff/cities/ichinoseki/kpis/new-farmers/actuals'), at: '2024年', value: '130 人', note: '', source: '令和6年度 進捗評価シート' });
    expect(r.status).toBe(303);
    // Submitted, not public: the secretariat approves, then publishes the year (issue 10, point 1).
    const planPath = `/cities/ichinoseki/plans/${await ichinosekiSdgsPlan()}`;
    expect(await (await app.request(planPath)).text()).not.toContain('130 人');
    const sec = client();
    await sec.login('ichi-sec');
    await sec.get('/staff/cities/ichinoseki/review');
    expect((await sec.post('/staff/cities/ichinoseki/review', { entity: 'actual', key: 'new-farmers@2024', action: 'approve' })).status).toBe(303);
    expect(await (await app.request(planPath)).text()).not.toContain('130 人');
    expect((await sec.post('/staff/cities/ichinoseki/publication', { year: '2024', published: 'true' })).status).toBe(303);
    const html = await (await app.request(planPath)).text();
    expect(html).toContain('130 人');
    expect(html).toContain('81.3%');
  });

  it('an invalid actual comes back with the errors next to the fields and the input kept', async () => {
    const c = client();
    await c.login('ichi-agri');
    const r = await c.submit('/staff/cities/ichinoseki/kpis/new-farmers/actuals/new', '/staff/cities/ichinoseki/kpis/new-farmers/actuals', { at: '2024年13月', value: '12 件', note: 'メモ', source: '' });
    expect(r.status).toBe(422);
    expect(r.text).toContain('class="error-summary"');
    expect(r.text).toContain('href="#f-at"');
    expect(r.text).toMatch(/id="f-at"[^>]*value="2024年13月"|value="2024年13月"[^>]*id="f-at"/);
    expect(r.text).toMatch(/aria-invalid="true"[^>]*aria-describedby="f-at-hint f-at-error"|aria-describedby="f-at-hint f-at-error"[^>]*aria-invalid="true"/);
    expect(r.text).toContain('id="f-value-error"');
    expect(r.text).toContain('単位');
    expect(r.text).toContain('メモ');
  });

  it('a correction of an existing actual needs a reason', async () => {
    const c = client();
    await c.login('ichi-agri');
    const r = await c.submit('/staff/cities/ichinoseki/kpis/new-farmers/actuals/new?at=2024', '/staff/cities/ichinoseki/kpis/new-farmers/actuals', { at: '2024年', value: '131 人', source: '令和6年度 進捗評価シート' });
    expect(r.status).toBe(422);
    expect(r.text).toContain('訂正の理由を入力してください');
  });

  it('a department editor is refused on another department’s KPI and on another city', async () => {
    const c = client();
    await c.login('ichi-agri');
    await c.get('/staff');
    expect((await c.get('/staff/cities/ichinoseki/kpis/co2-reduction-vs-2013/actuals/new')).status).toBe(403);
    expect((await c.post('/staff/cities/ichinoseki/kpis/co2-reduction-vs-2013/actuals', { at: '2024年', value: '-25 %' })).status).toBe(403);
    expect((await c.get('/staff/cities/tsukuba')).status).toBe(403);
    expect((await c.get('/staff/cities/tsukuba/kpis/new-business-founders')).status).toBe(403);
    expect((await c.post('/staff/cities/tsukuba/kpis/new-business-founders/actuals', { at: '2024年', value: '900 社' })).status).toBe(403);
  });

  it('a secretariat of one city can neither read nor change another city’s unpublished data', async () => {
    const ichi = client();
    await ichi.login('ichi-sec');
    await ichi.get('/staff');
    expect((await ichi.post('/staff/cities/ichinoseki/publication', { year: '2024', published: 'false' })).status).toBe(303);
    const tsu = client();
    await tsu.login('tsu-sec');
    await tsu.get('/staff');
    expect((await tsu.get('/staff/cities/ichinoseki/kpis/new-farmers')).status).toBe(403);
    expect((await tsu.get('/staff/cities/ichinoseki/publication')).status).toBe(403);
    expect((await tsu.post('/staff/cities/ichinoseki/publication', { year: '2024', published: 'true' })).status).toBe(403);
    expect((await tsu.get('/staff/audit?city=ichinoseki')).status).toBe(403);
    // The public does not see the unpublished year either; the secretariat of the city does.
    const plan = await (await app.request(`/cities/ichinoseki/plans/${await ichinosekiSdgsPlan()}`)).text();
    expect(plan).not.toContain('130 人');
    expect(plan).toContain('61.1%');
    const staffPage = await ichi.get('/staff/cities/ichinoseki/kpis/new-farmers');
    expect(staffPage.text).toContain('130 人');
    expect(staffPage.text).toContain('非公開');
    expect((await ichi.post('/staff/cities/ichinoseki/publication', { year: '2024', published: 'true' })).status).toBe(303);
    expect(await (await app.request(`/cities/ichinoseki/plans/${await ichinosekiSdgsPlan()}`)).text()).toContain('130 人');
  });

  it('a viewer reads but cannot write', async () => {
    const c = client();
    await c.login('ichi-viewer');
    expect((await c.get('/staff/cities/ichinoseki/kpis/new-farmers')).status).toBe(200);
    expect((await c.post('/staff/cities/ichinoseki/kpis/new-farmers/actuals', { at: '2024年', value: '1 人' })).status).toBe(403);
    expect((await c.post('/staff/cities/ichinoseki/kpis/new-farmers/override', { status: 'achieved', justification: 'x' })).status).toBe(403);
    expect((await c.get('/staff/users')).status).toBe(403);
  });
});

describe('secretariat work', () => {
  it('revises a target only with a reason, and keeps the revision', async () => {
    const c = client();
    await c.login('ichi-sec');
    const targetPage = '/staff/cities/ichinoseki/kpis/new-products-technologies/target';
    const noReason = await c.submit(targetPage, targetPage, { target: '2025', newValue: '200', revisedOn: '2024-03-31', reason: '' });
    expect(noReason.status).toBe(422);
    expect(noReason.text).toContain('id="f-reason-error"');
    const ok = await c.submit(targetPage, targetPage, { target: '2025', newValue: '200 件', revisedOn: '2024-03-31', reason: '目標を達成したため上方修正' });
    expect(ok.status).toBe(303);
    const kpi = (await ctx.store.get('ichinoseki'))!.kpis.find((k) => k.id === 'new-products-technologies')!;
    expect(kpi.targets[0]!.value).toBe(200);
    expect(kpi.targets[0]!.revisions.at(-1)).toMatchObject({ oldValue: 60, newValue: 200, reason: '目標を達成したため上方修正' });
  });

  it('overrides a status only with a justification, exposed to public views', async () => {
    const c = client();
    await c.login('ichi-sec');
    const kpiPage = '/staff/cities/ichinoseki/kpis/fuel-wood-production';
    const none = await c.submit(kpiPage, `${kpiPage}/override`, { status: 'behind', justification: '' });
    expect(none.status).toBe(422);
    const ok = await c.submit(kpiPage, `${kpiPage}/override`, { status: 'behind', justification: '2024年度の値は速報値で、確定値では減少する見込み' });
    expect(ok.status).toBe(303);
    const data = (await ctx.store.get('ichinoseki'))!;
    expect(data.statusOverrides).toEqual([{ kpiId: 'fuel-wood-production', status: 'behind', justification: '2024年度の値は速報値で、確定値では減少する見込み', decidedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) }]);
  });

  it('opens a round: departments see missing KPIs, reminders go to the outbox, completion by department', async () => {
    await makeUser(ctx, 'ichi-env', 'ichinoseki', 'department-editor', 'environment');
    const c = client();
    await c.login('ichi-sec');
    await c.get('/staff/cities/ichinoseki/rounds');
    const bad = await c.post('/staff/cities/ichinoseki/rounds', { year: '20x5', deadline: '2020-01-01' });
    expect(bad.status).toBe(422);
    const deadline = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
    expect((await c.post('/staff/cities/ichinoseki/rounds', { year: '2025', deadline })).status).toBe(303);
    const page = await c.get('/staff/cities/ichinoseki/rounds');
    expect(page.text).toContain('0 / 1');
    expect(page.text).toContain('二酸化炭素排出削減割合');
    const remind = await c.post('/staff/cities/ichinoseki/rounds/2025/remind', {});
    expect(remind.status).toBe(303);
    const outbox = await c.get('/staff/cities/ichinoseki/outbox');
    expect(outbox.text).toContain('ichi-env@example.jp');
    expect(outbox.text).toContain('SMTPが設定されていません');
    const env = client();
    await env.login('ichi-env');
    const home = await env.get('/staff/cities/ichinoseki');
    expect(home.text).toContain('2025年の実績が未入力');
    expect(home.text).toContain('/staff/cities/ichinoseki/kpis/co2-reduction-vs-2013/actuals/new');
  });

  it('writes the yearly commentary and the expert evaluation, and edits a plan node', async () => {
    await makeUser(ctx, 'ichi-expert', 'ichinoseki', 'expert');
    const planId = await ichinosekiSdgsPlan();
    const e = client();
    await e.login('ichi-expert');
    expect((await e.submit(`/staff/cities/ichinoseki/plans/${planId}`, `/staff/cities/ichinoseki/plans/${planId}/evaluation`, { year: '2024', body: '再生可能エネルギーの取組が着実に進んでいる。' })).status).toBe(303);
    expect((await e.post(`/staff/cities/ichinoseki/plans/${planId}`, { title: 'x', titleEn: '', vision: '' })).status).toBe(403);
    const isNew = (n: { kind: string; year?: number; body: string }) => n.kind === 'expert-evaluation' && n.year === 2024 && n.body.includes('再生可能エネルギー');
    // The evaluation is public only once approved (its year 2024 was published above).
    expect((await ctx.store.get('ichinoseki'))!.plans.find((p) => p.id === planId)!.narratives.some(isNew)).toBe(false);
    const plan = (await ctx.store.getStaff('ichinoseki'))!.data.plans.find((p) => p.id === planId)!;
    expect(plan.narratives.some(isNew)).toBe(true);
    const sec = client();
    await sec.login('ichi-sec');
    await sec.get('/staff/cities/ichinoseki/review');
    expect((await sec.post('/staff/cities/ichinoseki/review', { entity: 'evaluation', key: `${planId}@2024`, action: 'approve' })).status).toBe(303);
    expect((await ctx.store.get('ichinoseki'))!.plans.find((p) => p.id === planId)!.narratives.some(isNew)).toBe(true);
    await sec.get(`/staff/cities/ichinoseki/plans/${planId}`);
    const node = plan.nodes[0]!;
    const empty = await sec.submit(`/staff/cities/ichinoseki/plans/${planId}`, `/staff/cities/ichinoseki/plans/${planId}/nodes/${node.id}`, { code: node.code ?? '', title: '', titleEn: '', description: '' });
    expect(empty.status).toBe(422);
    expect((await sec.submit(`/staff/cities/ichinoseki/plans/${planId}`, `/staff/cities/ichinoseki/plans/${planId}/nodes/${node.id}`, { code: node.code ?? '', title: `${node.title}（改）`, titleEn: node.titleEn ?? '', description: node.description ?? '' })).status).toBe(303);
    const edited = (await ctx.store.get('ichinoseki'))!.plans.find((p) => p.id === planId)!;
    expect(edited.nodes[0]!.title).toBe(`${node.title}（改）`);
    // The save kept the evaluation, the KPI rows under the nodes and the unpublished-year actuals.
    expect(edited.narratives.some((n) => n.kind === 'expert-evaluation' && n.year === 2024)).toBe(true);
    expect(edited.nodes[0]!.kpiRows.length + edited.nodes[0]!.children.flatMap((c) => c.kpiRows).length).toBe(plan.nodes[0]!.kpiRows.length + plan.nodes[0]!.children.flatMap((c) => c.kpiRows).length);
    const a = client();
    await a.login('ichi-agri');
    expect((await a.submit('/staff/cities/ichinoseki/kpis/new-farmers', '/staff/cities/ichinoseki/kpis/new-farmers/commentary', { year: '2024', body: '新規就農支援により順調に増加' })).status).toBe(303);
    const commentary = { kpiId: 'new-farmers', year: 2024, body: '新規就農支援により順調に増加' };
    expect((await ctx.store.get('ichinoseki'))!.yearlyCommentaries ?? []).not.toContainEqual(commentary);
    // A department cannot approve its own commentary; the secretariat can.
    expect((await a.post('/staff/cities/ichinoseki/review', { entity: 'commentary', key: 'new-farmers@2024', action: 'approve' })).status).toBe(403);
    await sec.get('/staff/cities/ichinoseki/review');
    expect((await sec.post('/staff/cities/ichinoseki/review', { entity: 'commentary', key: 'new-farmers@2024', action: 'approve' })).status).toBe(303);
    expect((await ctx.store.get('ichinoseki'))!.yearlyCommentaries).toContainEqual(commentary);
  });
});

describe('audit log', () => {
  it('shows who changed what, old → new, and why, filterable; there is no way to change it', async () => {
    const c = client();
    await c.login('ichi-sec');
    const r = await c.get('/staff/audit?city=ichinoseki&entity=kpi_target');
    expect(r.status).toBe(200);
    expect(r.text).toContain('ichi-sec (ichi-sec)');
    expect(r.text).toContain('目標を達成したため上方修正');
    expect(r.text).toContain('new-products-technologies#2025');
    const byActor = await c.get('/staff/audit?actor=ichi-agri');
    expect(byActor.text).toContain('new-farmers@2024');
    expect(byActor.text).not.toContain('new-products-technologies#2025');
    expect((await c.post('/staff/audit', {})).status).toBe(404);
    await expect(staffDb(ctx.db).deleteFrom('change_log').execute()).rejects.toThrow(/append-only/);
  });
});
});
