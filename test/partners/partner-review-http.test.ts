import { systemClock } from '../../src/core/time/clock.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partnerDb } from '../../src/partners/partner.table.ts';
import { runPartnerHourly } from '../../src/partners/partner-platform.ts';
import { submissionsOf } from '../../src/partners/partner.repository.ts';
import { addDays, validUntil } from '../../src/partners/programme.ts';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { startReminderJob } from '../../src/review/round.service.ts';
import { createApp } from '../../src/web/app.tsx';
import { application, applyThroughForm, Client, makeStaff, publishCurrentYear } from './partner-client.ts';

/*
 * The secretariat's review through HTTP: return with a reason → correction → resubmission,
 * rejection, changes after approval reviewed again while the approved profile stays public,
 * renewal reminders sent by the hourly job and the renewal itself, where a partner lands after
 * log-in, and the bound KPI's live count right after an approval.
 */

let ctx: AppContext;
let app: ReturnType<typeof createApp>;
const today = systemClock.todayInTokyo();

beforeAll(async () => {
  ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: true, inMemory: true }, { announce: () => {} });
  app = createApp({ db: ctx.db, store: ctx.store });
  await makeStaff(ctx, 'ichi-sec', 'ichinoseki', 'secretariat');
  // This year's live counts are public once the secretariat publishes the year (issue 10.1).
  await publishCurrentYear(app, 'ichi-sec', 'ichinoseki');
});
afterAll(() => ctx.close());

const pendingSubmission = async (partnerId: number) => (await submissionsOf(ctx.db, partnerId)).find((s) => s.status === 'pending')!;
const outboxTo = (recipient: string) => partnerDb(ctx.db).selectFrom('outbox').select(['dedupe_key', 'subject', 'body']).where('recipient', '=', recipient).orderBy('id').execute();
const platformGroups = async () => {
  const res = await app.request('/api/v1/cities/ichinoseki/kpis/sdgs-platform-groups');
  const body = (await res.json()) as { latest_actual: { value: number }; observations: { at: string; value: number; source: string | null }[] };
  return { value: body.latest_actual.value, source: body.observations.at(-1)!.source };
};

async function secretariat(): Promise<Client> {
  const c = new Client(app);
  expect((await c.login('ichi-sec')).location).toBe('/staff');
  return c;
}

describe('return with a reason, correction and resubmission', () => {
  let partnerId = 0;
  let loginId = '';
  const email = 'returned@example.com';

  it('the secretariat cannot return without a reason, and returns with one', async () => {
    ({ partnerId, loginId } = await applyThroughForm(app, 'ichinoseki', application({ email, name: '差戻し工房' })));
    const sec = await secretariat();
    const page = await sec.get(`/staff/partners/ichinoseki/${partnerId}`);
    expect(page.text).toContain('申請 太郎');
    const s = await pendingSubmission(partnerId);
    const noReason = await sec.post(`/staff/partners/ichinoseki/submissions/${s.id}`, { decision: 'return', reason: '  ' });
    expect(noReason.status).toBe(422);
    expect((await pendingSubmission(partnerId)).id).toBe(s.id);
    const returned = await sec.post(`/staff/partners/ichinoseki/submissions/${s.id}`, { decision: 'return', reason: 'ゴール11の取組宣言を具体的に書いてください。' });
    expect(returned.status).toBe(303);
    const mail = await outboxTo(email);
    expect(mail.map((m) => m.dedupe_key)).toEqual([expect.stringContaining(':receipt:'), expect.stringContaining(':decision-returned:')]);
    expect(mail[1]!.body).toContain('ゴール11の取組宣言を具体的に書いてください。');
    expect((await app.request(`/cities/ichinoseki/partners/${partnerId}`)).status).toBe(404);
  });

  it('the applicant logs in, lands on its own page, reads the reason and resubmits the corrected application', async () => {
    const me = new Client(app);
    const login = await me.login(loginId);
    expect(login.location).toBe('/staff/partner');
    const page = await me.get('/staff/partner');
    expect(page.text).toContain('<dd id="partner-status">差戻し（修正待ち）</dd>');
    expect(page.text).toContain('ゴール11の取組宣言を具体的に書いてください。');
    // The correction form holds the contact too, and does not ask for the terms again.
    const { password: _p, passwordConfirm: _c, consentTerms: _t, ...corrected } = application({ email, name: '差戻し工房', declaration_11: '空き店舗2軒を改装し、月2回の交流会を開きます。' });
    const missing = await me.post('/staff/partner/profile', { ...corrected, declaration_11: '' });
    expect(missing.status).toBe(422);
    expect(missing.text).toContain('選んだゴールの取組宣言を入力してください。');
    expect(missing.text).toContain('申請 太郎');
    const resubmitted = await me.post('/staff/partner/profile', corrected);
    expect(resubmitted.status).toBe(303);
    expect(resubmitted.location).toContain('notice=partners.applied.pending');
    expect((await me.get('/staff/partner')).text).toContain('<dd id="partner-status">審査中</dd>');
    expect((await submissionsOf(ctx.db, partnerId)).map((s) => [s.kind, s.status])).toEqual([
      ['application', 'pending'],
      ['application', 'returned'],
    ]);
  });

  it('the secretariat approves the corrected application, which is then public and counted at once', async () => {
    const before = await platformGroups();
    const sec = await secretariat();
    const s = await pendingSubmission(partnerId);
    expect((await sec.post(`/staff/partners/ichinoseki/submissions/${s.id}`, { decision: 'approve', reason: '' })).status).toBe(303);
    const pub = await app.request(`/cities/ichinoseki/partners/${partnerId}`);
    expect(pub.status).toBe(200);
    expect(await pub.text()).toContain('空き店舗2軒を改装し、月2回の交流会を開きます。');
    // The bound KPI of the public API shows the approval right away (the store was invalidated).
    expect(await platformGroups()).toEqual({ value: before.value + 1, source: 'system-computed' });
    expect((await outboxTo(email)).at(-1)!.dedupe_key).toContain(':decision-approved:');
  });

  it('a change after approval is reviewed again while the approved profile stays public', async () => {
    const me = new Client(app);
    await me.login(loginId);
    // The profile form of a registered partner has no contact fields and no consent to the terms.
    const form = { memberType: 'company', name: '差戻し工房', nameKana: 'サシモドシコウボウ', area: '花泉地域', website: '', goals: ['11', '12'], declaration_11: '空き店舗2軒を改装し、月2回の交流会を開きます。', declaration_12: '改装の端材を薪として配ります。', offer_skills: '木工の技術', consentPublication: 'on' };
    const change = await me.post('/staff/partner/profile', form);
    expect(change.status).toBe(303);
    expect(change.location).toContain('notice=partners.me.changeRequested');
    const during = await (await app.request(`/cities/ichinoseki/partners/${partnerId}`)).text();
    expect(during).not.toContain('改装の端材を薪として配ります。');
    expect(await (await app.request('/cities/ichinoseki/partners/directory?q=' + encodeURIComponent('端材を薪'))).text()).not.toContain('差戻し工房');
    expect((await me.get('/staff/partner')).text).toContain('<dd id="partner-status">登録済み</dd>');

    const sec = await secretariat();
    const s = await pendingSubmission(partnerId);
    expect(s.kind).toBe('change');
    expect((await sec.post(`/staff/partners/ichinoseki/submissions/${s.id}`, { decision: 'approve', reason: '' })).status).toBe(303);
    const after = await (await app.request(`/cities/ichinoseki/partners/${partnerId}`)).text();
    expect(after).toContain('改装の端材を薪として配ります。');
    expect(await (await app.request('/cities/ichinoseki/partners/directory?q=' + encodeURIComponent('端材を薪'))).text()).toContain('差戻し工房');
  });

  it('a rejected change leaves the approved profile as it was', async () => {
    const me = new Client(app);
    await me.login(loginId);
    await me.post('/staff/partner/profile', { memberType: 'company', name: '宣伝だけの名前', nameKana: 'センデン', area: '花泉地域', goals: ['11'], declaration_11: '宣伝', consentPublication: 'on' });
    const sec = await secretariat();
    const s = await pendingSubmission(partnerId);
    expect((await sec.post(`/staff/partners/ichinoseki/submissions/${s.id}`, { decision: 'reject', reason: '取組の宣言になっていません。' })).status).toBe(303);
    const pub = await (await app.request(`/cities/ichinoseki/partners/${partnerId}`)).text();
    expect(pub).toContain('差戻し工房');
    expect(pub).not.toContain('宣伝だけの名前');
    expect((await me.get('/staff/partner')).text).toContain('<dd id="partner-status">登録済み</dd>');
  });

  it('renewal reminders go out from the hourly staff job before expiry, once per period, and a renewal extends the registration', async () => {
    // Thirty days before the end of the registration (the notice window is 60 days).
    const ends = addDays(today, 30);
    await partnerDb(ctx.db).updateTable('partners').set({ valid_until: ends }).where('id', '=', partnerId).execute();
    const log: string[] = [];
    const stop = startReminderJob(ctx.db, ctx.store, { reminderDays: [], smtp: undefined, intervalMs: 100, log: (l) => log.push(l) });
    try {
      await expect.poll(async () => (await outboxTo(email)).filter((m) => m.dedupe_key.includes(':renewal-reminder:')).length, { timeout: 10_000 }).toBe(1);
    } finally {
      await stop();
    }
    expect(log).toEqual([]);
    const reminder = (await outboxTo(email)).find((m) => m.dedupe_key.includes(':renewal-reminder:'))!;
    expect(reminder.body).toContain(ends);
    // Kanazawa's sample partner registered 2023-12-20 for three years is reminded by the same job.
    const kanazawa = await partnerDb(ctx.db).selectFrom('outbox').select('recipient').where('dedupe_key', 'like', 'partners:%:renewal-reminder:%').where('city_id', '=', 'kanazawa').execute();
    expect(kanazawa.length).toBeGreaterThan(0);
    // Once per registration period.
    expect(await runPartnerHourly(ctx.db, ctx.store, today)).toBe(0);

    const me = new Client(app);
    await me.login(loginId);
    expect((await me.post('/staff/partner/renew', {})).status).toBe(303);
    const sec = await secretariat();
    const s = await pendingSubmission(partnerId);
    expect(s.kind).toBe('renewal');
    expect((await sec.post(`/staff/partners/ichinoseki/submissions/${s.id}`, { decision: 'approve', reason: '' })).status).toBe(303);
    const row = await partnerDb(ctx.db).selectFrom('partners').select(['valid_until', 'status']).where('id', '=', partnerId).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'approved', valid_until: validUntil(addDays(ends, 1), 3) });
  });
});

describe('rejection', () => {
  it('a rejected application is told the reason, is never public and can no longer be decided', async () => {
    const email = 'rejected@example.com';
    const { partnerId, loginId } = await applyThroughForm(createApp({ db: ctx.db, store: ctx.store }), 'ichinoseki', application({ email, name: '不承認テスト商会', nameKana: 'フショウニンテストショウカイ' }));
    const sec = await secretariat();
    const s = await pendingSubmission(partnerId);
    const noReason = await sec.post(`/staff/partners/ichinoseki/submissions/${s.id}`, { decision: 'reject', reason: '' });
    expect(noReason.status).toBe(422);
    expect((await sec.post(`/staff/partners/ichinoseki/submissions/${s.id}`, { decision: 'reject', reason: '市内での活動が確認できませんでした。' })).status).toBe(303);
    const again = await sec.post(`/staff/partners/ichinoseki/submissions/${s.id}`, { decision: 'approve', reason: '' });
    expect(again.status).toBe(422);
    const mail = await outboxTo(email);
    expect(mail.at(-1)!.dedupe_key).toContain(':decision-rejected:');
    expect(mail.at(-1)!.body).toContain('市内での活動が確認できませんでした。');
    expect((await app.request(`/cities/ichinoseki/partners/${partnerId}`)).status).toBe(404);
    expect(await (await app.request('/cities/ichinoseki/partners/directory?q=' + encodeURIComponent('不承認テスト'))).text()).not.toContain('不承認テスト商会');
    const me = new Client(app);
    await me.login(loginId);
    const page = await me.get('/staff/partner');
    expect(page.text).toContain('<dd id="partner-status">不承認</dd>');
    // A rejected applicant has nothing to change or renew.
    expect((await me.post('/staff/partner/profile', application({ email }))).location).toContain('notice=partners.error.forbidden');
  });
});

describe('where people land, and how partners find the log-in', () => {
  it('a partner lands on its own page; staff land on the dashboard; an asked-for page is kept', async () => {
    const { loginId } = await applyThroughForm(createApp({ db: ctx.db, store: ctx.store }), 'ichinoseki', application({ email: 'landing@example.com', name: 'ログイン確認社', nameKana: 'ログインカクニンシャ' }));
    const partner = new Client(app);
    expect((await partner.login(loginId)).location).toBe('/staff/partner');
    // The dashboard is no page for a partner.
    expect((await partner.get('/staff')).location).toBe('/staff/partner');
    expect((await new Client(app).login(loginId, '/staff/partner')).location).toBe('/staff/partner');
    const staff = new Client(app);
    expect((await staff.login('ichi-sec')).location).toBe('/staff');
    expect((await staff.get('/staff')).status).toBe(200);
    expect((await new Client(app).login('ichi-sec', '/staff/partners/ichinoseki')).location).toBe('/staff/partners/ichinoseki');
  });

  it('every public programme page shows the partner log-in', async () => {
    for (const path of ['/partners', '/cities/tsukuba/partners', '/cities/tsukuba/partners/directory', '/cities/tsukuba/partners/events', '/cities/tsukuba/partners/awards']) {
      const text = await (await app.request(path)).text();
      expect(text, path).toContain('<a href="/staff/login?next=/staff/partner">パートナーのログイン</a>');
    }
    expect(await (await app.request('/cities/tsukuba/partners?lang=en')).text()).toContain('<a href="/staff/login?next=/staff/partner&amp;lang=en">Partner log-in</a>');
  });
});

describe('the cached count of a bound KPI', () => {
  it('is recounted on a new day by the hourly job, and kept within the day', async () => {
    const first = await ctx.store.get('ichinoseki');
    await runPartnerHourly(ctx.db, ctx.store, today);
    expect(await ctx.store.get('ichinoseki')).toBe(first);
    await runPartnerHourly(ctx.db, ctx.store, addDays(today, 1));
    expect(await ctx.store.get('ichinoseki')).not.toBe(first);
  });
});
