import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { systemClock, tokyoDateOf } from '../../src/core/time/clock.ts';
import { queueStaleReminders } from '../../src/review/round.service.ts';
import { listOutbox } from '../../src/review/round.repository.ts';
import { createApp } from '../../src/web/app.tsx';
import { strFromU8, unzipSync } from 'fflate';
import { describeStaffApp } from '../support/staff-app.ts';
import { expectSameAnswers } from './public-states-fixture.ts';
import { enterApprovedActual, makeUser, StaffClient } from './staff-helpers.ts';

/*
 * Issue 10, points 1–3 through the HTTP layer: nothing is public until the secretariat approves
 * it and publishes its year; "my updates", every open round, reminders, explanations; one
 * validator and one command behind the form, the JSON API and the import.
 */

let ctx: AppContext;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: true, inMemory: true }, { announce: () => {} });
  app = createApp({ db: ctx.db, store: ctx.store, staff: ctx.staff });
  await makeUser(ctx, 'rv-agri', 'ichinoseki', 'department-editor', 'agriculture');
  await makeUser(ctx, 'rv-sec', 'ichinoseki', 'secretariat');
  await makeUser(ctx, 'rv-expert', 'ichinoseki', 'expert');
  await makeUser(ctx, 'rv-tsu-sec', 'tsukuba', 'secretariat');
}, 120_000);
afterAll(() => ctx.close());

const client = async (user: string, first = '/staff') => {
  const c = new StaffClient(app);
  await c.login(user);
  await c.get(first);
  return c;
};
const publicText = async (path: string) => (await app.request(path)).text();
const json = async (path: string) => (await app.request(path)).json() as Promise<Record<string, unknown>>;
const visible = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
/** Posts JSON to the staff API with the session's CSRF token in the header. */
async function apiPost(c: StaffClient, path: string, body: unknown) {
  return app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': c.csrf, cookie: c.cookieHeader() }, body: JSON.stringify(body) });
}
/** Uploads a CSV to the import preview; returns the page. */
async function importPreview(c: StaffClient, city: string, name: string, csv: string) {
  const form = new FormData();
  form.set('_csrf', c.csrf);
  form.set('file', new File([csv], name, { type: 'text/csv' }));
  const res = await app.request(`/staff/cities/${city}/import`, { method: 'POST', headers: { cookie: c.cookieHeader() }, body: form });
  return { status: res.status, text: await res.text() };
}

describe('point 1: nothing is public until the secretariat publishes it', () => {
  it('publishes the seed cities’ documented years and says which years are not yet published', async () => {
    const kpi = visible(await publicText('/cities/ichinoseki/kpis/new-farmers'));
    expect(kpi).toContain('101');
    const api = await json('/api/v1/cities/ichinoseki/observations');
    const observations = api['observations'] as { kpi_id?: string; kpi?: string; at: string; value: number }[];
    const later = observations.filter((o) => Number(String(o.at).replace(/^FY/, '').slice(0, 4)) > 2023);
    // Of 2024 on, only the figure the city itself published (22 groups, 令和6年8月) is public.
    expect(later).toEqual([expect.objectContaining({ at: '2024-08', value: 22 })]);
    expect(api['unpublished_years']).toEqual(expect.arrayContaining([2024]));
    expect(kpi).toMatch(/2024[^。]*年の実績等は、事務局の確認・公開前のため表示していません/);
  });

  it('a department enters 2024年 120人 速報値: explanation asked, not public; returned, corrected, approved, published: public only then', async () => {
    const agri = await client('rv-agri', '/staff/cities/ichinoseki/kpis/new-farmers/actuals/new');
    const noExplanation = await agri.submit('/staff/cities/ichinoseki/kpis/new-farmers/actuals/new', '/staff/cities/ichinoseki/kpis/new-farmers/actuals', { at: '2024年', value: '120 人', note: '速報値', source: '' });
    expect(noExplanation.status).toBe(422);
    expect(noExplanation.text).toContain('この値で状況が「遅れ」になります');
    const saved = await agri.submit('/staff/cities/ichinoseki/kpis/new-farmers/actuals/new', '/staff/cities/ichinoseki/kpis/new-farmers/actuals', { at: '2024年', value: '120 人', note: '速報値', source: '', explanation: '天候不順で就農時期が遅れた' });
    expect(saved.status).toBe(303);
    expect(saved.location).toContain('notice=review.savedSubmitted');
    const before = visible(await publicText('/cities/ichinoseki/kpis/new-farmers'));
    expect(before).not.toContain('120 人');
    expect(before).not.toContain('遅れ');
    expect(JSON.stringify(await json('/api/v1/cities/ichinoseki/kpis/new-farmers'))).not.toContain('120');

    const sec = await client('rv-sec', '/staff/cities/ichinoseki/review');
    const queue = await sec.get('/staff/cities/ichinoseki/review');
    expect(visible(queue.text)).toContain('天候不順で就農時期が遅れた');
    expect(visible(queue.text)).toContain('120 人（速報値）');
    const noReason = await sec.post('/staff/cities/ichinoseki/review', { entity: 'actual', key: 'new-farmers@2024', action: 'return', reason: '' });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain('差し戻しの理由を入力してください');
    expect((await sec.post('/staff/cities/ichinoseki/review', { entity: 'actual', key: 'new-farmers@2024', action: 'return', reason: '確定値で入力してください' })).status).toBe(303);
    // Approving a returned entry before the department resubmits is refused.
    expect((await sec.post('/staff/cities/ichinoseki/review', { entity: 'actual', key: 'new-farmers@2024', action: 'approve' })).status).toBe(400);

    const updates = visible((await agri.get('/staff/updates')).text);
    expect(updates).toContain('差し戻された項目');
    expect(updates).toContain('確定値で入力してください');
    const form = await agri.get('/staff/cities/ichinoseki/kpis/new-farmers/actuals/new?at=2024');
    expect(visible(form.text)).toContain('差し戻されました：確定値で入力してください');
    const corrected = await agri.submit('/staff/cities/ichinoseki/kpis/new-farmers/actuals/new', '/staff/cities/ichinoseki/kpis/new-farmers/actuals', { at: '令和6年', value: '125', note: '確定値', source: '農政課', reason: '確定値に更新', explanation: '天候不順で就農時期が遅れた' });
    expect(corrected.status).toBe(303);
    expect(visible(await publicText('/cities/ichinoseki/kpis/new-farmers'))).not.toContain('125');

    await sec.get('/staff/cities/ichinoseki/review');
    expect((await sec.post('/staff/cities/ichinoseki/review', { entity: 'actual', key: 'new-farmers@2024', action: 'approve' })).status).toBe(303);
    expect(visible(await publicText('/cities/ichinoseki/kpis/new-farmers'))).not.toContain('125');
    const publication = visible((await sec.get('/staff/cities/ichinoseki/publication')).text);
    expect(publication).toMatch(/2024 \d+ 非公開/);
    expect((await sec.post('/staff/cities/ichinoseki/publication', { year: '2024', published: 'true' })).status).toBe(303);
    const after = visible(await publicText('/cities/ichinoseki/kpis/new-farmers'));
    expect(after).toContain('125');
    expect(after).toContain('遅れ');
    expect(JSON.stringify(await json('/api/v1/cities/ichinoseki/kpis/new-farmers'))).toContain('125');
  });

  it('a correction of a published actual waits: the public keeps the approved figure until the new one is approved', async () => {
    const agri = await client('rv-agri', '/staff/cities/ichinoseki/kpis/new-farmers/actuals/new');
    expect((await agri.submit('/staff/cities/ichinoseki/kpis/new-farmers/actuals/new', '/staff/cities/ichinoseki/kpis/new-farmers/actuals', { at: '2024年', value: '126 人', note: '確定値', source: '農政課', reason: '再集計', explanation: '就農時期の遅れ' })).status).toBe(303);
    const page = visible(await publicText('/cities/ichinoseki/kpis/new-farmers'));
    expect(page).toContain('125');
    expect(page).not.toContain('126');
  });

  it('a 2026年3月 value marked 暫定値 is not public: the year is unpublished until published', async () => {
    const sec = await client('rv-sec', '/staff/cities/ichinoseki/kpis/fuel-wood-production/actuals/new');
    expect((await sec.submit('/staff/cities/ichinoseki/kpis/fuel-wood-production/actuals/new', '/staff/cities/ichinoseki/kpis/fuel-wood-production/actuals', { at: '2026年3月', value: '9,999', note: '暫定値', source: '', explanation: '暫定' })).status).toBe(303);
    await sec.get('/staff/cities/ichinoseki/review');
    expect((await sec.post('/staff/cities/ichinoseki/review', { entity: 'actual', key: 'fuel-wood-production@2026-03', action: 'approve' })).status).toBe(303);
    const page = visible(await publicText('/cities/ichinoseki/kpis/fuel-wood-production'));
    expect(page).not.toContain('9,999');
    expect(page).toMatch(/2026[^。]*年の実績等は/);
  });

  it('a round holds its year whatever data exists: /publication lists it unpublished and an import of that year stays out of the API', async () => {
    const before = (await json('/api/v1/cities/tsukuba/observations'))['observations'] as { at: string }[];
    expect(before.some((o) => String(o.at).startsWith('2024'))).toBe(true);
    const sec = await client('rv-tsu-sec', '/staff/cities/tsukuba/rounds');
    const deadline = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
    expect((await sec.post('/staff/cities/tsukuba/rounds', { year: '2024', deadline })).status).toBe(303);
    expect(visible((await sec.get('/staff/cities/tsukuba/publication')).text)).toMatch(/2024 \d+ 非公開/);
    const after = (await json('/api/v1/cities/tsukuba/observations'))['observations'] as { at: string }[];
    expect(after.some((o) => String(o.at).startsWith('2024'))).toBe(false);
    expect((await json('/api/v1/cities/tsukuba'))['unpublished_years']).toEqual(expect.arrayContaining([2024]));
  });

  it('an expert evaluation is public only after the secretariat approves it', async () => {
    const planId = (await ctx.store.get('ichinoseki'))!.plans.find((p) => p.kind === 'sdgs-future-city')!.id;
    const expert = await client('rv-expert', `/staff/cities/ichinoseki/plans/${planId}`);
    expect((await expert.submit(`/staff/cities/ichinoseki/plans/${planId}`, `/staff/cities/ichinoseki/plans/${planId}/evaluation`, { year: '2023', body: '評価本文（承認前）' })).status).toBe(303);
    expect(await publicText(`/cities/ichinoseki/plans/${planId}`)).not.toContain('評価本文（承認前）');
    expect(JSON.stringify(await json(`/api/v1/cities/ichinoseki/plans/${planId}`))).not.toContain('評価本文（承認前）');
    const sec = await client('rv-sec', '/staff/cities/ichinoseki/review');
    expect((await sec.post('/staff/cities/ichinoseki/review', { entity: 'evaluation', key: `${planId}@2023`, action: 'approve' })).status).toBe(303);
    expect(await publicText(`/cities/ichinoseki/plans/${planId}`)).toContain('評価本文（承認前）');
  });
});

describe('point 2: my updates, every open round, reminders', () => {
  it('lists every open round soonest first with the user’s missing KPIs; the secretariat sees completion and departments nobody can be reminded in', async () => {
    const sec = await client('rv-sec', '/staff/cities/ichinoseki/rounds');
    // Deadlines count in Japan (JST), whatever the server's zone.
    const jst = (days: number) => new Date(Date.parse(`${tokyoDateOf(systemClock.now())}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
    const in5 = jst(5);
    const in60 = jst(60);
    expect((await sec.post('/staff/cities/ichinoseki/rounds', { year: '2027', deadline: in60 })).status).toBe(303);
    expect((await sec.post('/staff/cities/ichinoseki/rounds', { year: '2025', deadline: in5 })).status).toBe(303);

    const agri = await client('rv-agri');
    const mine = (await agri.get('/staff/updates')).text;
    const i2025 = mine.indexOf('data-year="2025"');
    const i2027 = mine.indexOf('data-year="2027"');
    expect(i2025).toBeGreaterThan(0);
    expect(i2027).toBeGreaterThan(i2025);
    expect(visible(mine)).toMatch(/2025年の実績が未入力の指標 新規就農者数/);
    expect(visible(mine)).toContain('あと5日');
    // The city home shows the round due soonest, not the latest year.
    expect(visible((await agri.get('/staff/cities/ichinoseki')).text)).toContain(in5);

    const secPage = visible((await sec.get('/staff/updates')).text);
    expect(secPage).toContain('課別の入力状況');
    expect(secPage).toContain('リマインダーの送り先（メールアドレスのある担当者）がいない課');
    await sec.get('/staff/cities/ichinoseki/rounds');
    const remind = await sec.post('/staff/cities/ichinoseki/rounds/2025/remind', {});
    expect(remind.status).toBe(303);
    const notice = visible((await sec.get(remind.location!)).text);
    expect(notice).toMatch(/リマインダーを\d+件キューに入れました。次の課には送り先.*がいないため送れません：/);
  });

  it('reminds by days since the last update, once per period', async () => {
    const later = new Date(Date.now() + 40 * 86_400_000);
    const queued = await queueStaleReminders(ctx.db, ctx.store, { today: later });
    expect(queued).toBeGreaterThan(0);
    expect(await queueStaleReminders(ctx.db, ctx.store, { today: later })).toBe(0);
    const mails = await listOutbox(ctx.db, 'ichinoseki');
    expect(mails.some((m) => m.recipient === 'rv-agri@example.jp' && m.subject.includes('最終更新から'))).toBe(true);
  });
});

describe('point 3: one way to write an actual', () => {
  /** One table of inputs, each fed to the import preview, the JSON API and the form. */
  const cases = [
    { name: 'a period 2020年～2024年', kpi: 'sixth-industry-products', at: '2020年～2024年', value: '5', ok: true },
    { name: '150 % for a 0–100 % KPI', kpi: 'women-on-councils', at: '2024年', value: '150', ok: false, message: '割合の値 150 が範囲（0～100）を外れています' },
    { name: 'an impossible month', kpi: 'fuel-wood-production', at: '2024年13月', value: '10', ok: false, message: '時点を読み取れません' },
    { name: 'text for a figure', kpi: 'fuel-wood-production', at: '2024年', value: 'たくさん', ok: false, message: '数値を読み取れません' },
  ] as const;

  for (const k of cases) {
    it(`${k.name}: the same answer from the import, the API and the form`, async () => {
      const sec = await client('rv-sec', `/staff/cities/ichinoseki/kpis/${k.kpi}/actuals/new`);
      const kpi = (await ctx.store.getStaff('ichinoseki'))!.data.kpis.find((x) => x.id === k.kpi)!;
      const imported = await importPreview(sec, 'ichinoseki', 'one.csv', `指標ID,時点,値,単位,説明\n${k.kpi},${k.at},${k.value},${kpi.unit},検証\n`);
      const api = await apiPost(sec, `/staff/cities/ichinoseki/api/kpis/${k.kpi}/actuals`, { at: k.at, value: k.value, explanation: '検証', draft: true });
      const apiBody = (await api.json()) as { problems?: { message: { ja: string } }[] };
      await sec.get(`/staff/cities/ichinoseki/kpis/${k.kpi}/actuals/new`);
      const form = await sec.submit(`/staff/cities/ichinoseki/kpis/${k.kpi}/actuals/new`, `/staff/cities/ichinoseki/kpis/${k.kpi}/actuals`, { at: k.at, value: k.value, explanation: '検証' });
      if (k.ok) {
        expect(imported.status).toBe(200);
        expect([200, 201]).toContain(api.status);
        expect(form.status).toBe(303);
      } else {
        expect(imported.status).toBe(422);
        expect(imported.text).toContain(k.message);
        expect(api.status).toBe(400);
        expect(apiBody.problems!.map((p) => p.message.ja).join()).toContain(k.message);
        expect(form.status).toBe(422);
        expect(form.text).toContain(k.message);
      }
    });
  }

  it('a KPI the platform feeds refuses manual entry on every path, or takes an override with a reason shown as such', async () => {
    const sec = await client('rv-sec', '/staff/cities/ichinoseki/kpis/sdgs-platform-groups/actuals/new');
    const refused = await sec.submit('/staff/cities/ichinoseki/kpis/sdgs-platform-groups/actuals/new', '/staff/cities/ichinoseki/kpis/sdgs-platform-groups/actuals', { at: '2025年', value: '22 団体' });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('SDGsパートナー制度の登録数から自動で集計されます');
    const api = await apiPost(sec, '/staff/cities/ichinoseki/api/kpis/sdgs-platform-groups/actuals', { at: '2025年', value: '22 団体' });
    expect(api.status).toBe(400);
    const imported = await importPreview(sec, 'ichinoseki', 'platform.csv', '指標ID,時点,値,単位\nsdgs-platform-groups,2025年,22,団体\n');
    expect(imported.status).toBe(422);
    expect(imported.text).toContain('data-kind="platform-fed"');
    // The import takes the same override through its own column, stating the reason per row.
    const overridden = await importPreview(sec, 'ichinoseki', 'platform-override.csv', '指標ID,時点,値,単位,説明,上書きの理由\nsdgs-platform-groups,2025年,22,団体,移行中,登録簿の移行前の団体数を市の公表値で入力\n');
    expect(overridden.text).not.toContain('data-kind="platform-fed"');
    expect(overridden.status).toBe(200);

    await sec.get('/staff/cities/ichinoseki/kpis/sdgs-platform-groups/actuals/new');
    const ok = await sec.submit('/staff/cities/ichinoseki/kpis/sdgs-platform-groups/actuals/new', '/staff/cities/ichinoseki/kpis/sdgs-platform-groups/actuals', { at: '2025年', value: '22 団体', platformOverride: '登録簿の移行前の団体数を市の公表値で入力', explanation: '移行中' });
    expect(ok.status).toBe(303);
    const staffPage = visible((await sec.get('/staff/cities/ichinoseki/kpis/sdgs-platform-groups')).text);
    expect(staffPage).toContain('22 団体');
    expect(staffPage).toContain('手入力（自動集計を上書き）：登録簿の移行前の団体数を市の公表値で入力');
  });

  it('the API refuses bad bodies with 400, other cities with 403, and needs the CSRF token', async () => {
    const sec = await client('rv-sec');
    expect((await apiPost(sec, '/staff/cities/ichinoseki/api/kpis/new-farmers/actuals', { at: 5 })).status).toBe(400);
    expect((await apiPost(sec, '/staff/cities/tsukuba/api/kpis/new-business-founders/actuals', { at: '2024年', value: '1' })).status).toBe(403);
    expect((await apiPost(sec, '/staff/cities/ichinoseki/api/kpis/no-such/actuals', { at: '2024年', value: '1' })).status).toBe(404);
    const noToken = await app.request('/staff/cities/ichinoseki/api/kpis/new-farmers/actuals', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(noToken.status).toBe(403);
  });

  it('the API with a version: a change since that version is a 409 and writes nothing (issue 10.4)', async () => {
    const sec = await client('rv-sec');
    const path = '/staff/cities/ichinoseki/api/kpis/fuel-wood-production/actuals';
    // First entry of 2031年 expecting none: saved (version 1 now).
    const first = await apiPost(sec, path, { at: '2031年', value: '3000', explanation: '検証', version: 0, draft: true });
    expect(first.status).toBe(201);
    // Another first entry expecting none: someone entered it meanwhile.
    const stale = await apiPost(sec, path, { at: '2031年', value: '3100', reason: '再集計', explanation: '検証', version: 0 });
    expect(stale.status).toBe(409);
    const staff = (await ctx.store.getStaff('ichinoseki'))!.data.kpis.find((k) => k.id === 'fuel-wood-production')!;
    expect(staff.observations.find((o) => o.at.kind === 'year' && o.at.year === 2031)?.value).toBe(3000);
    // With the current version the correction goes through.
    expect((await apiPost(sec, path, { at: '2031年', value: '3100', reason: '再集計', explanation: '検証', version: 1 })).status).toBe(200);
  });
});

/*
 * Issue 10.3, "an explicit override with a reason, shown as such": once the override of a
 * platform count is approved and its year published, every public output labels it with its
 * reason (the public view rebuilt the approved actual from its reviewed figures and dropped the
 * label: the page showed "30 団体" alone and the API "source": null). On PGlite and PostgreSQL.
 */
describeStaffApp('point 3: an approved override of a platform count is labelled on every public output', [['po-sec', 'ichinoseki', 'secretariat']], (t) => {
  const REASON = '登録簿の移行前の団体数を市の公表値で入力';
  const JA = `手入力（自動集計を上書き）：${REASON}`;
  const EN = `Entered by hand (overrides the platform count): ${REASON}`;
  const KPI = '/cities/ichinoseki/kpis/sdgs-platform-groups';
  const get = async (path: string) => (await t().app.request(path)).text();

  it('page (ja, en), embed, KPI JSON and CSV, observations API and the open-data zip carry the label and reason', async () => {
    const { app } = t();
    const sec = new StaffClient(app);
    expect((await sec.login('po-sec')).status).toBe(303);
    await sec.get('/staff/cities/ichinoseki/publication');
    expect((await sec.post('/staff/cities/ichinoseki/publication', { year: '2025', published: 'true' })).status).toBe(303);
    await enterApprovedActual(app, 'ichinoseki', 'sdgs-platform-groups', { editor: 'po-sec', secretariat: 'po-sec' }, { at: '2025年', value: '30 団体', platformOverride: REASON, explanation: '移行中' }, 2025);

    const ja = visible(await get(KPI));
    expect(ja).toContain('30 団体');
    expect(ja).toContain(JA);
    expect(visible(await get(`${KPI}?lang=en`))).toContain(EN);
    expect(visible(await get(`${KPI}/embed`))).toContain(JA);
    const detail = JSON.parse(await get(`/api/v1${KPI}`)) as { observations: { at: string; value: number; source: string | null; platform_override: string | null }[] };
    expect(detail.observations.find((o) => o.at === '2025')).toMatchObject({ value: 30, source: JA, platform_override: REASON });
    expect(JSON.parse(await get(`${KPI}?format=json`))).toEqual(detail);
    const csv = await get(`${KPI}?format=csv`);
    expect(csv).toMatch(new RegExp(`actual,,2025,[^\\r\\n]*,30,0,${JA}`));
    const api = JSON.parse(await get('/api/v1/cities/ichinoseki/observations')) as { observations: { kpi_id: string; at: string; value: number; source: string | null; platform_override: string | null }[] };
    expect(api.observations.find((o) => o.kpi_id === 'sdgs-platform-groups' && o.at === '2025')).toMatchObject({ value: 30, source: JA, platform_override: REASON });
    const zip = unzipSync(new Uint8Array(await (await app.request('/cities/ichinoseki/download.zip')).arrayBuffer()));
    const file = (name: string) => strFromU8(zip[Object.keys(zip).find((k) => k.endsWith(`/${name}`) || k === name)!]!);
    expect(file('observations.csv')).toContain(`,30,0,団体,,${JA},${REASON}`);
    expect(file('kpi-series.csv')).toMatch(new RegExp(`actual,,2025,[^\r\n]*,30,0,${JA}`));
  });

  it('the KPI page read from the summaries shows the same labelled override as the full-city path', async () => {
    const { db, store } = t().ctx;
    const [data, summaries] = [createApp({ db, store, cityPages: 'data' }), createApp({ db, store, cityPages: 'summaries' })];
    expect(visible(await (await summaries.request(KPI)).text())).toContain(JA);
    expect(await expectSameAnswers(data, summaries, [KPI, `${KPI}?lang=en`, `${KPI}?format=json`, `${KPI}?format=csv`, `${KPI}/embed`])).toBe(5);
  });

  it('a correction with another reason waits in review: the public keeps the approved value and its reason', async () => {
    const sec = new StaffClient(t().app);
    expect((await sec.login('po-sec')).status).toBe(303);
    const base = '/staff/cities/ichinoseki/kpis/sdgs-platform-groups';
    const corrected = await sec.submit(`${base}/actuals/new`, `${base}/actuals`, { at: '2025年', value: '31 団体', platformOverride: '別の理由', reason: '再集計', explanation: '移行中' });
    expect(corrected.status).toBe(303);
    expect(visible((await sec.get(base)).text)).toContain('手入力（自動集計を上書き）：別の理由');
    const page = visible(await get(KPI));
    expect(page).toContain('30 団体');
    expect(page).toContain(JA);
    expect(page).not.toContain('別の理由');
    const detail = JSON.parse(await get(`/api/v1${KPI}`)) as { observations: { at: string; value: number; source: string | null; platform_override: string | null }[] };
    expect(detail.observations.find((o) => o.at === '2025')).toMatchObject({ value: 30, source: JA, platform_override: REASON });
  });
});
