import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkAccount } from '../../src/partners/partner.repository.ts';
import { partnerDb } from '../../src/partners/partner.table.ts';
import { submissionsOf } from '../../src/partners/partner.repository.ts';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { insertUser } from '../../src/auth/user.repository.ts';
import { hashPassword } from '../../src/auth/password.ts';
import { createApp } from '../../src/web/app.tsx';
import { MAX_FORM_BYTES, RateLimiter } from '../../src/web/routes/partner-guard.ts';
import { application, applyThroughForm, Client, makeStaff, PASSWORD } from './partner-client.ts';

/*
 * Abuse control and personal data through HTTP: refusals on the public forms (CSRF, honeypot,
 * body size, rate limit) with a clear message and nothing written; who sees a partner's
 * representative and contact; the partner's own data download; withdrawal erasing the personal
 * data (APPI) and taking the partner off the public pages.
 */

let ctx: AppContext;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: true, inMemory: true }, { announce: () => {} });
  app = createApp({ db: ctx.db, store: ctx.store });
  await makeStaff(ctx, 'ichi-sec', 'ichinoseki', 'secretariat');
  await makeStaff(ctx, 'ichi-viewer', 'ichinoseki', 'viewer');
  await makeStaff(ctx, 'tsu-sec', 'tsukuba', 'secretariat');
  // A log-in for the sample partner 花泉まちづくり協議会 (another partner of the same city).
  const sample = await partnerDb(ctx.db).selectFrom('partners').select('id').where('name', '=', '花泉まちづくり協議会（サンプル）').executeTakeFirstOrThrow();
  const user = await insertUser(ctx.db, { username: 'sample-hanaizumi', display_name: 'sample', email: null, password_hash: await hashPassword(PASSWORD) });
  await linkAccount(ctx.db, user.id, sample.id);
});
afterAll(() => ctx.close());

/** What the public forms could write: counted before and after a refused post. */
async function written() {
  const pdb = partnerDb(ctx.db);
  const count = async (table: 'partners' | 'users' | 'partner_dispatches' | 'partner_event_registrations') => Number((await pdb.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  // The outbox without what the app's own hourly job may queue meanwhile (renewal reminders of the seeds).
  const mail = await pdb.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('dedupe_key', 'not like', 'partners:%:renewal-reminder:%').executeTakeFirstOrThrow();
  return { partners: await count('partners'), outbox: Number(mail.n), users: await count('users'), dispatches: await count('partner_dispatches'), registrations: await count('partner_event_registrations') };
}

const approve = async (partnerId: number) => {
  const sec = new Client(app);
  await sec.login('ichi-sec');
  const s = (await submissionsOf(ctx.db, partnerId)).find((x) => x.status === 'pending')!;
  expect((await sec.post(`/staff/partners/ichinoseki/submissions/${s.id}`, { decision: 'approve', reason: '' })).status).toBe(303);
};

describe('refusals on the public forms', () => {
  it('refuses a post without the form token or from another site, with a message, writing nothing', async () => {
    const before = await written();
    const c = new Client(app);
    await c.get('/cities/ichinoseki/partners/apply');
    const noToken = await c.post('/cities/ichinoseki/partners/apply', application({ email: 'csrf@example.com' }), { noCsrf: true });
    expect(noToken.status).toBe(403);
    expect(noToken.text).toContain('この操作はできません。');
    const crossSite = await c.post('/cities/ichinoseki/partners/dispatch', { requesterName: '外部', requesterType: 'group', contactName: '外部', contactEmail: 'x@example.com', topic: 'SDGs', preferredOn: '2027-01-10', audienceSize: '10' }, { headers: { origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);
    // A token of another visitor does not do either.
    const other = new Client(app);
    await other.get('/cities/ichinoseki/partners/apply');
    other.csrf = c.csrf === other.csrf ? 'x'.repeat(43) : c.csrf;
    expect((await other.post('/cities/ichinoseki/partners/apply', application({ email: 'csrf@example.com' }))).status).toBe(403);
    expect(await written()).toEqual(before);
  });

  it('answers a bot that filled the honeypot like a person and stores nothing', async () => {
    const before = await written();
    const c = new Client(app);
    await c.get('/cities/ichinoseki/partners/apply');
    const r = await c.post('/cities/ichinoseki/partners/apply', application({ email: 'bot@example.com', contact_fax: 'http://spam.example' }));
    expect(r.status).toBe(200);
    expect(r.text).toContain('id="login-id">—<');
    await c.get('/cities/ichinoseki/partners/dispatch');
    const d = await c.post('/cities/ichinoseki/partners/dispatch', { requesterName: 'bot', requesterType: 'group', contactName: 'bot', contactEmail: 'bot@example.com', topic: 'spam', preferredOn: '2027-01-10', audienceSize: '10', contact_fax: 'x' });
    expect(d.status).toBe(200);
    expect(await written()).toEqual(before);
  });

  it('refuses a body over the size limit with 413 and a message, on public and partner forms', async () => {
    const before = await written();
    const c = new Client(app);
    await c.get('/cities/ichinoseki/partners/apply');
    const big = application({ email: 'big@example.com', declaration_11: 'あ'.repeat(MAX_FORM_BYTES / 3 + 10) });
    const r = await c.post('/cities/ichinoseki/partners/apply', big);
    expect(r.status).toBe(413);
    expect(r.text).toContain('送信内容が大きすぎます。');
    // With a declared length too, as browsers send it.
    const body = new URLSearchParams({ _csrf: c.csrf, name: 'x'.repeat(MAX_FORM_BYTES + 1) }).toString();
    expect((await c.request('/cities/ichinoseki/partners/dispatch', { body, headers: { 'content-length': String(body.length) } })).status).toBe(413);
    const partner = new Client(app);
    await partner.login('sample-hanaizumi');
    const tooBig = await partner.post('/staff/partner/collaborations', { to: '1', message: 'x'.repeat(MAX_FORM_BYTES + 1) });
    expect(tooBig.status).toBe(413);
    expect(tooBig.text).toContain('送信内容が大きすぎます。');
    expect(await written()).toEqual(before);
  });

  it('limits the posts of one address in a window, telling people to try later', async () => {
    const fresh = createApp({ db: ctx.db, store: ctx.store });
    // The counts live in the database (shared by every process, kept across restarts): earlier
    // tests of this file posted from the same address, so their counts are cleared first.
    await sql`delete from rate_limits where key like 'partner-%'`.execute(ctx.db);
    const before = await written();
    const c = new Client(fresh);
    await c.get('/cities/ichinoseki/partners/apply');
    for (let i = 0; i < 5; i++) expect((await c.post('/cities/ichinoseki/partners/apply', application({ email: 'not an address' }))).status).toBe(422);
    const limited = await c.post('/cities/ichinoseki/partners/apply', application({ email: 'ok@example.com' }));
    expect(limited.status).toBe(429);
    expect(limited.text).toContain('短時間に送信が集中しました。しばらくしてからもう一度お試しください。');
    expect(await written()).toEqual(before);
    await sql`delete from rate_limits where key like 'partner-%'`.execute(ctx.db);
  });

  it('the limiter counts per key in the database, shared by every limiter (process) on it', async () => {
    const limiter = new RateLimiter(ctx.db, 'test-limit', 2, 60_000);
    const other = new RateLimiter(ctx.db, 'test-limit', 2, 60_000);
    expect([await limiter.take('a'), await other.take('a'), await limiter.take('a'), await limiter.take('b')]).toEqual([true, true, false, true]);
  });
});

describe('who sees the representative and the contact', () => {
  let partnerId = 0;
  let loginId = '';
  const contact = { representative: '秘匿 花子', email: 'private-contact@example.com', phone: '0191-99-8877' };

  beforeAll(async () => {
    ({ partnerId, loginId } = await applyThroughForm(app, 'ichinoseki', application({ ...contact, name: '連絡先確認工房', nameKana: 'レンラクサキカクニンコウボウ' })));
    await approve(partnerId);
  });

  const showsContact = (text: string) => [contact.representative, contact.email, contact.phone].filter((s) => text.includes(s));

  it('not the public: not on the partner page, the directory, the events, nor found by searching for it', async () => {
    const c = new Client(app);
    const page = await c.get(`/cities/ichinoseki/partners/${partnerId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('連絡先確認工房');
    expect(showsContact(page.text)).toEqual([]);
    for (const path of ['/cities/ichinoseki/partners/directory', '/cities/ichinoseki/partners', '/cities/ichinoseki/partners/events']) expect(showsContact((await c.get(path)).text)).toEqual([]);
    expect((await c.get('/cities/ichinoseki/partners/directory?q=' + encodeURIComponent('秘匿 花子'))).text).not.toContain('連絡先確認工房');
    expect((await c.get(`/staff/partners/ichinoseki/${partnerId}`)).location).toMatch(/^\/staff\/login/);
  });

  it('not another partner, nor a viewer of the city, nor another city’s secretariat', async () => {
    const other = new Client(app);
    await other.login('sample-hanaizumi');
    expect((await other.get(`/staff/partners/ichinoseki/${partnerId}`)).status).toBe(403);
    expect(showsContact((await other.get('/staff/partner')).text)).toEqual([]);
    expect(showsContact(JSON.stringify(JSON.parse((await other.get('/staff/partner/export')).text)))).toEqual([]);
    const viewer = new Client(app);
    await viewer.login('ichi-viewer');
    const v = await viewer.get(`/staff/partners/ichinoseki/${partnerId}`);
    expect(v.status).toBe(403);
    expect(showsContact(v.text)).toEqual([]);
    const tsukuba = new Client(app);
    await tsukuba.login('tsu-sec');
    const t1 = await tsukuba.get(`/staff/partners/ichinoseki/${partnerId}`);
    expect(t1.status).toBe(403);
    const t2 = await tsukuba.get(`/staff/partners/tsukuba/${partnerId}`);
    expect(t2.status).toBe(404);
    expect(showsContact(t1.text + t2.text + (await tsukuba.get('/staff/partners/tsukuba')).text)).toEqual([]);
  });

  it('the city’s secretariat and the partner itself', async () => {
    const sec = new Client(app);
    await sec.login('ichi-sec');
    expect(showsContact((await sec.get(`/staff/partners/ichinoseki/${partnerId}`)).text)).toEqual([contact.representative, contact.email, contact.phone]);
    const me = new Client(app);
    await me.login(loginId);
    expect(showsContact((await me.get('/staff/partner')).text)).toEqual([contact.representative, contact.email, contact.phone]);
  });
});

describe('a partner’s own data, and withdrawal with erasure (APPI)', () => {
  let partnerId = 0;
  let loginId = '';
  const email = 'withdrawing@example.com';

  beforeAll(async () => {
    ({ partnerId, loginId } = await applyThroughForm(app, 'ichinoseki', application({ email, representative: '退会 一郎', name: '退会予定木工', nameKana: 'タイカイヨテイモッコウ' })));
    await approve(partnerId);
    // A collaboration accepted by the other side: the other partner's mail then holds this contact.
    const me = new Client(app);
    await me.login(loginId);
    const sample = await partnerDb(ctx.db).selectFrom('partners').select('id').where('name', '=', '花泉まちづくり協議会（サンプル）').executeTakeFirstOrThrow();
    expect((await me.post('/staff/partner/collaborations', { to: String(sample.id), message: '一緒に改装しませんか' })).status).toBe(303);
    const other = new Client(app);
    await other.login('sample-hanaizumi');
    const form = /action="(\/staff\/partner\/collaborations\/\d+\/accept)"/.exec((await other.get('/staff/partner')).text)!;
    expect((await other.post(form[1]!, {})).status).toBe(303);
  });

  it('downloads its own data as JSON: profile, contact, submissions, collaborations', async () => {
    const me = new Client(app);
    await me.login(loginId);
    const r = await me.get('/staff/partner/export');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('application/json');
    expect(r.headers.get('content-disposition')).toBe(`attachment; filename="partner-${partnerId}.json"`);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const data = JSON.parse(r.text) as { partner: { id: number; profile: { name: string }; contact: { representative: string; email: string } }; submissions: { kind: string; status: string }[]; collaborations: { status: string }[] };
    expect(data.partner).toMatchObject({ id: partnerId, profile: { name: '退会予定木工' }, contact: { representative: '退会 一郎', email } });
    expect(data.submissions).toEqual([expect.objectContaining({ kind: 'application', status: 'approved' })]);
    expect(data.collaborations).toEqual([expect.objectContaining({ status: 'accepted' })]);
    expect((await new Client(app).get('/staff/partner/export')).location).toMatch(/^\/staff\/login/);
  });

  it('withdraws only when confirmed', async () => {
    const me = new Client(app);
    await me.login(loginId);
    const r = await me.post('/staff/partner/withdraw', {});
    expect(r.location).toContain('notice=partners.error.consent-required');
    expect((await app.request(`/cities/ichinoseki/partners/${partnerId}`)).status).toBe(200);
  });

  it('erases the contact, the log-in and the mail at once, and takes the partner off the public pages', async () => {
    const countBefore = (await (await app.request('/cities/ichinoseki/partners')).text()).match(/登録数: <strong>(\d+)<\/strong>/)![1];
    const me = new Client(app);
    await me.login(loginId);
    const r = await me.post('/staff/partner/withdraw', { confirm: 'on' });
    expect(r.status).toBe(200);
    expect(r.text).toContain('退会しました。個人情報は消去されました。');
    const pdb = partnerDb(ctx.db);
    expect(await pdb.selectFrom('partner_contacts').selectAll().where('partner_id', '=', partnerId).execute()).toEqual([]);
    expect(await pdb.selectFrom('users').select('id').where('username', '=', loginId).execute()).toEqual([]);
    expect(await pdb.selectFrom('partner_accounts').selectAll().where('partner_id', '=', partnerId).execute()).toEqual([]);
    const mail = await pdb.selectFrom('outbox').select(['dedupe_key', 'recipient']).where((eb) => eb.or([eb('recipient', '=', email), eb('body', 'like', `%${email}%`), eb('body', 'like', '%退会 一郎%')])).execute();
    expect(mail).toEqual([]);
    expect((await submissionsOf(ctx.db, partnerId)).map((s) => s.profile)).toEqual([null]);
    const log = await pdb.selectFrom('change_log').select(['old', 'new', 'reason']).where('entity', '=', 'partner').where('entity_id', '=', String(partnerId)).execute();
    expect(JSON.stringify(log)).not.toContain(email);
    // The session ended with the log-in; the log-in id no longer works.
    expect((await me.get('/staff/partner')).location).toMatch(/^\/staff\/login/);
    expect((await new Client(app).login(loginId)).status).toBe(401);
    // Off the public pages and counts.
    expect((await app.request(`/cities/ichinoseki/partners/${partnerId}`)).status).toBe(404);
    expect(await (await app.request('/cities/ichinoseki/partners/directory?q=' + encodeURIComponent('退会予定'))).text()).not.toContain('退会予定木工');
    const countAfter = (await (await app.request('/cities/ichinoseki/partners')).text()).match(/登録数: <strong>(\d+)<\/strong>/)![1];
    expect(Number(countAfter)).toBe(Number(countBefore) - 1);
    // The secretariat sees the withdrawal, without a contact.
    const sec = new Client(app);
    await sec.login('ichi-sec');
    const page = await sec.get(`/staff/partners/ichinoseki/${partnerId}`);
    expect(page.text).toContain('退会');
    expect(page.text).not.toContain(email);
  });

  it('erases an individual’s name too, everywhere it was kept', async () => {
    const tsukuba = createApp({ db: ctx.db, store: ctx.store });
    const name = '個人 退会花子';
    const { partnerId: id, loginId: login } = await applyThroughForm(tsukuba, 'tsukuba', application({ email: 'individual@example.com', memberType: 'individual', name, nameKana: 'コジン タイカイハナコ', representative: name, area: '桜地区' }));
    const me = new Client(tsukuba);
    await me.login(login);
    expect((await me.post('/staff/partner/withdraw', { confirm: 'on' })).status).toBe(200);
    const pdb = partnerDb(ctx.db);
    const row = await pdb.selectFrom('partners').select(['name', 'name_kana', 'status']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ name: '—', name_kana: '—', status: 'withdrawn' });
    expect(await pdb.selectFrom('partner_search').selectAll().where('partner_id', '=', id).execute()).toEqual([]);
    const anywhere = await pdb.selectFrom('outbox').select('id').where('body', 'like', `%${name}%`).execute();
    expect(anywhere).toEqual([]);
    expect(await pdb.selectFrom('users').select('id').where('display_name', '=', name).execute()).toEqual([]);
  });
});
