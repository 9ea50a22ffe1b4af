import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { hashPassword } from '../../src/auth/password.ts';
import { DEFAULT_STAFF_CONFIG } from '../../src/config.ts';
import { linkAccount } from '../../src/partners/partner.repository.ts';
import { partnerDb } from '../../src/partners/partner.table.ts';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { startReminderJob } from '../../src/review/round.service.ts';
import { openDatabase, type OpenedDatabase } from '../../src/storage/database.ts';
import { staffDb } from '../../src/storage/staff-database.ts';
import { testDatabases } from '../../src/storage/test-databases.ts';
import { insertUser } from '../../src/auth/user.repository.ts';
import { createApp } from '../../src/web/app.tsx';
import { applyThroughForm, application, Client } from '../partners/partner-client.ts';
import { startPostgresServer, type PostgresServer } from '../support/postgres-server.ts';
import { makeUser, StaffClient, TEST_PASSWORD } from './staff-helpers.ts';

/*
 * Issue 9 point 7, accounts, through HTTP on PGlite and PostgreSQL: password strength, one-time
 * passwords that expire, a log-in throttle per account and address with back-off (no lock-out an
 * attacker controls), unguessable partner log-in ids, the hourly purge, and notices from URLs.
 */

const ATTACKER = '203.0.113.5';
const OWNER = '198.51.100.7';
const SPRAYER = '192.0.2.99';

/** A client whose requests come from `ip` (the app trusts X-Forwarded-For in these tests). */
class ClientAt extends StaffClient {
  constructor(app: ReturnType<typeof createApp>, private readonly ip: string) {
    super(app);
  }
  override request(path: string, init: Parameters<StaffClient['request']>[1] = {}) {
    return super.request(path, { ...init, headers: { 'x-forwarded-for': this.ip, ...init.headers } });
  }
}

describe.each(testDatabases())('accounts on $name', (database) => {
  let server: PostgresServer | null = null;
  let ctx: AppContext;
  let app: ReturnType<typeof createApp>;
  let second: OpenedDatabase | null = null;
  let otherProcess: ReturnType<typeof createApp>;
  const staff = { ...DEFAULT_STAFF_CONFIG, trustProxy: 1 };

  beforeAll(async () => {
    if (database.skipReason) return;
    if (database.name === 'postgres') server = await startPostgresServer();
    ctx = await openAppContext({ dataDir: '', databaseUrl: server?.url, seed: true, inMemory: server === null, staff }, { announce: () => {} });
    app = createApp({ db: ctx.db, store: ctx.store, staff });
    // On PostgreSQL a second connection pool stands for a second server process.
    if (server) second = await openDatabase({ databaseUrl: server.url });
    otherProcess = createApp({ db: second?.db ?? ctx.db, store: ctx.store, staff });
    await insertUser(ctx.db, { username: 'root', display_name: 'root', email: null, password_hash: await hashPassword(TEST_PASSWORD), must_change_password: false, is_system_admin: true });
    await makeUser(ctx, 'victim', 'ichinoseki', 'secretariat');
    await makeUser(ctx, 'victim2', 'tsukuba', 'viewer');
    await makeUser(ctx, 'weakling', 'ichinoseki', 'viewer');
    await makeUser(ctx, 'noticer', 'ichinoseki', 'secretariat');
  }, 240_000);
  afterEach(() => vi.useRealTimers());
  afterAll(async () => {
    await second?.close();
    await ctx?.close();
    await server?.stop();
  });

  const skip = database.skipReason !== null;
  const at = (ip: string, on = app) => new ClientAt(on, ip);

  it.skipIf(skip)('refuses weak passwords of every kind: common, repeated, sequential, keyboard, word + digits, own names', async () => {
    const c = at('10.0.0.1');
    expect((await c.login('weakling')).status).toBe(303);
    await c.get('/staff/password');
    const weak = ['password1234', 'aaaaaaaaaaaa', '123456789012', 'qwertyuiop12', 'iloveyou2024', 'zzzzzzzzzzzzzzzz', 'abcdefghijklmn', '111111111111', 'Password1234!', 'ichinoseki2024', 'letmein12345'];
    for (const next of weak) {
      const r = await c.post('/staff/password', { current: TEST_PASSWORD, next, confirm: next });
      expect(r.status, next).toBe(422);
      expect(r.text, next).toContain('推測されやすいパスワードです');
    }
    const good = 'kawa no nagare wa taezu shite';
    expect((await c.post('/staff/password', { current: TEST_PASSWORD, next: good, confirm: good })).status).toBe(303);
    // The partner application form uses the same rule.
    const apply = await (async () => {
      const p = new Client(app);
      await p.get('/cities/ichinoseki/partners/apply');
      return p.post('/cities/ichinoseki/partners/apply', application({ email: 'weak@example.com', name: '弱いパスワード商会', password: 'password1234', passwordConfirm: 'password1234' }));
    })();
    expect(apply.status).toBe(422);
    expect(apply.text).toContain('推測されにくいもの');
  });

  it.skipIf(skip || database.name !== 'pglite')('an administrator one-time password that expired unused is reissued (printed) at the next start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'michishirube-otp-'));
    try {
      const first: string[] = [];
      const a = await openAppContext({ dataDir: dir, databaseUrl: undefined, seed: false }, { announce: (l) => first.push(l) });
      const original = a.initialAdmin!.password;
      await staffDb(a.db).updateTable('users').set({ password_changed_at: new Date(Date.now() - 25 * 3_600_000) }).where('username', '=', 'admin').execute();
      const expired = await at('10.0.0.11', createApp({ db: a.db, store: a.store, staff })).login('admin', original);
      expect(expired.text).toContain('一時パスワードの有効期限');
      await a.close();
      const again: string[] = [];
      const b = await openAppContext({ dataDir: dir, databaseUrl: undefined, seed: false }, { announce: (l) => again.push(l) });
      try {
        const line = again.find((l) => l.includes('expired unused'))!;
        const reissued = /one-time password is ([A-Za-z2-9]{20})/.exec(line)![1]!;
        const bApp = createApp({ db: b.db, store: b.store, staff });
        expect((await at('10.0.0.12', bApp).login('admin', original)).status).toBe(401);
        expect((await at('10.0.0.12', bApp).login('admin', reissued)).location).toBe('/staff/password');
      } finally {
        await b.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it.skipIf(skip)('a one-time password works for 24 hours and then no longer', async () => {
    const root = at('10.0.0.3');
    expect((await root.login('root')).status).toBe(303);
    await root.get('/staff/users');
    const created = await root.post('/staff/users', { username: 'newcomer', displayName: '新人', email: '', city: 'ichinoseki', role: 'viewer', department: '' });
    const otp = /一時パスワード：([A-Za-z2-9]{20})/.exec(created.text)![1]!;
    const setAgo = (hours: number) =>
      staffDb(ctx.db).updateTable('users').set({ password_changed_at: new Date(Date.now() - hours * 3_600_000) }).where('username', '=', 'newcomer').execute();
    await setAgo(23.5);
    expect((await at('10.0.0.4').login('newcomer', otp)).location).toBe('/staff/password');
    await setAgo(24.1);
    const late = await at('10.0.0.4').login('newcomer', otp);
    expect(late.status).toBe(401);
    expect(late.text).toContain('一時パスワードの有効期限');
    // A wrong password is still told the usual way (the expiry is said only to who knows the password).
    expect((await at('10.0.0.4').login('newcomer', 'not the password at all')).text).toContain('ユーザー名またはパスワードが正しくありません');
    const log = await staffDb(ctx.db).selectFrom('login_attempts').select('outcome').where('username', '=', 'newcomer').orderBy('id').execute();
    expect(log.map((l) => l.outcome)).toEqual(['success', 'expired', 'wrong-password']);
  });

  it.skipIf(skip)('guessing from one address slows only that address: the owner logs in from another, and the waits double', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-01T01:00:00Z'));
    const attacker = at(ATTACKER);
    for (let i = 0; i < 5; i++) expect((await attacker.login('victim', `wrong guess number ${i}`)).status).toBe(401);
    const waits: number[] = [];
    const blocked = await attacker.request('/staff/login', { form: { username: 'victim', password: TEST_PASSWORD } });
    expect(blocked.status).toBe(429);
    expect(blocked.text).toMatch(/\d+分後にもう一度/);
    // Even the right password from the attacker's address waits; the owner from elsewhere does not.
    const owner = at(OWNER);
    expect((await owner.login('victim')).status).toBe(303);
    // So does the owner through another process sharing the database.
    expect((await at('198.51.100.8', otherProcess).login('victim')).status).toBe(303);
    waits.push(await retryAfter(attacker, 'victim'));
    for (let round = 0; round < 6; round++) {
      vi.setSystemTime(new Date(Date.now() + (waits.at(-1)! + 1) * 1000));
      expect((await attacker.login('victim', `another wrong guess ${round}`)).status).toBe(401);
      waits.push(await retryAfter(attacker, 'victim'));
    }
    expect(waits).toEqual([30, 60, 120, 240, 480, 900, 900]);
    // Another process sharing the database sees the same wait (on PGlite: the same database).
    expect((await at(ATTACKER, otherProcess).login('victim')).status).toBe(429);
    // An unknown user name is throttled the same way (no user enumeration).
    for (let i = 0; i < 5; i++) expect((await attacker.login('no-such-person', `guess ${i}`)).status).toBe(401);
    expect((await attacker.login('no-such-person', 'guess 6')).status).toBe(429);
  });

  it.skipIf(skip)('behind the proxy, the address it appended counts: a new made-up X-Forwarded-For entry each try on the left changes nothing', async () => {
    // What a reverse proxy passes on: the client's own header, then the address it was reached from.
    const proxied = new ClientAt(app, '');
    const tryAs = (left: string, username: string, password: string) =>
      proxied.request('/staff/login', { form: { username, password }, headers: { 'x-forwarded-for': `${left}, 192.0.2.150` } });
    await proxied.get('/staff/login');
    for (let i = 0; i < 5; i++) expect((await tryAs(`10.0.${i}.1`, 'victim2', `wrong ${i}`)).status).toBe(401);
    expect((await tryAs('10.0.99.1', 'victim2', TEST_PASSWORD)).status).toBe(429);
    expect((await tryAs('not an address', 'victim2', TEST_PASSWORD)).status).toBe(429);
    // The owner, through the same proxy from another address, is not slowed down.
    expect((await at('192.0.2.151').login('victim2')).status).toBe(303);
  });

  it.skipIf(skip)('password spraying from one address across accounts is slowed down too', async () => {
    const sprayer = at(SPRAYER);
    for (let i = 0; i < 30; i++) expect((await sprayer.login(`someone-${i}`, 'Summer2026!Summer')).status).toBe(401);
    expect((await sprayer.login('victim2')).status).toBe(429);
    expect((await at('10.9.9.9').login('victim2')).status).toBe(303);
  });

  it.skipIf(skip)('the hourly job purges expired and ended sessions, log-in attempts older than 90 days and lapsed counters', async () => {
    const sdb = staffDb(ctx.db);
    const user = (await sdb.selectFrom('users').select('id').where('username', '=', 'victim2').executeTakeFirstOrThrow()).id;
    const old = new Date(Date.now() - 2 * 86_400_000);
    const session = (hash: string, expires: Date, ended: Date | null) =>
      sdb.insertInto('sessions').values({ token_hash: hash, user_id: user, csrf_token: 'x', expires_at: expires, ended_at: ended, last_seen_at: old }).execute();
    await session('a'.repeat(64), old, null);
    await session('b'.repeat(64), new Date(Date.now() + 3_600_000), old);
    await session('c'.repeat(64), new Date(Date.now() + 3_600_000), null);
    await sdb.insertInto('login_attempts').values({ username: 'ancient', ip: '10.1.1.1', outcome: 'wrong-password', occurred_at: new Date(Date.now() - 91 * 86_400_000) }).execute();
    await sdb.insertInto('login_attempts').values({ username: 'recent', ip: '10.1.1.1', outcome: 'wrong-password', occurred_at: new Date(Date.now() - 89 * 86_400_000) }).execute();
    const stop = startReminderJob(ctx.db, ctx.store, { reminderDays: [], smtp: undefined, intervalMs: 50, log: () => {} });
    try {
      await vi.waitFor(async () => {
        const hashes = (await sdb.selectFrom('sessions').select('token_hash').where('user_id', '=', user).execute()).map((s) => s.token_hash);
        expect(hashes).toContain('c'.repeat(64));
        expect(hashes).not.toContain('a'.repeat(64));
        expect(hashes).not.toContain('b'.repeat(64));
      }, { timeout: 10_000, interval: 100 });
    } finally {
      await stop();
    }
    const names = (await sdb.selectFrom('login_attempts').select('username').where('ip', '=', '10.1.1.1').execute()).map((r) => r.username);
    expect(names).toEqual(['recent']);
    // Lapsed throttle counters go too (a live one stays).
    await sdb.insertInto('rate_limits').values([{ key: 'login-pair:lapsed', points: 3, expire: Date.now() - 1000 }, { key: 'login-pair:live', points: 3, expire: Date.now() + 600_000 }]).execute();
    const stop2 = startReminderJob(ctx.db, ctx.store, { reminderDays: [], smtp: undefined, intervalMs: 50, log: () => {} });
    try {
      await vi.waitFor(async () => {
        const keys = (await sdb.selectFrom('rate_limits').select('key').where('key', 'like', 'login-pair:l%').execute()).map((r) => r.key);
        expect(keys).toEqual(['login-pair:live']);
      }, { timeout: 10_000, interval: 100 });
    } finally {
      await stop2();
    }
  });

  it.skipIf(skip)('partner log-in ids are unguessable; an existing partner-<number> id keeps working', async () => {
    const a = await applyThroughForm(app, 'ichinoseki', application({ email: 'first@example.com', name: '一番目の工房', nameKana: 'イチバンメノコウボウ' }));
    const b = await applyThroughForm(app, 'ichinoseki', application({ email: 'second@example.com', name: '二番目の工房', nameKana: 'ニバンメノコウボウ' }));
    for (const id of [a.loginId, b.loginId]) expect(id).toMatch(/^partner-[a-z2-9]{12}$/);
    expect(a.loginId).not.toBe(b.loginId);
    expect(a.loginId).not.toContain(String(a.partnerId));
    expect((await at('10.0.0.5').login(`partner-${a.partnerId}`)).status).toBe(401);
    // An account made before this change (sequential id) still logs in to its partner page.
    const sample = await partnerDb(ctx.db).selectFrom('partners').select('id').where('name', '=', '花泉まちづくり協議会（サンプル）').executeTakeFirstOrThrow();
    const legacy = await insertUser(ctx.db, { username: `partner-${sample.id}`, display_name: 'legacy', email: null, password_hash: await hashPassword(TEST_PASSWORD) });
    await linkAccount(ctx.db, legacy.id, sample.id);
    expect((await at('10.0.0.6').login(`partner-${sample.id}`)).location).toBe('/staff/partner');
  });

  it.skipIf(skip)('notices from the URL: only known ids, and values only when the redirect signed them for this session', async () => {
    const c = at('10.0.0.7');
    expect((await c.login('noticer')).status).toBe(303);
    const evil = '不正アクセスを検知しました。0120-000-000 に電話してください';
    const crafted = [
      `/staff?notice=staff.import.committed&written=${encodeURIComponent(evil)}&file=x`,
      `/staff?notice=staff.round.reminded&count=${encodeURIComponent(evil)}`,
      `/staff?notice=staff.round.opened&year=${encodeURIComponent(evil)}&sig=AAAA`,
      '/staff?notice=staff.login.invalid',
      '/staff?notice=staff.error.forbiddenLead',
      '/staff/login?notice=staff.login.locked&minutes=999',
    ];
    for (const url of crafted) {
      const page = await (url.startsWith('/staff/login') ? at('10.0.0.10') : c).get(url);
      expect(page.text, url).not.toContain(evil);
      expect(page.text, url).not.toContain('class="notice" role="status"');
    }
    // A real redirect carries a signed value, shown; the same link with the value changed is not.
    await c.get('/staff/cities/ichinoseki/rounds');
    const deadline = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
    const opened = await c.post('/staff/cities/ichinoseki/rounds', { year: '2025', deadline });
    expect(opened.status).toBe(303);
    expect((await c.get(opened.location!)).text).toContain('ラウンドを開始しました。2025年');
    const tampered = opened.location!.replace('year=2025', `year=${encodeURIComponent(evil)}`);
    expect((await c.get(tampered)).text).not.toContain(evil);
    // Another session cannot reuse the signed link either.
    const other = at('10.0.0.8');
    await other.login('noticer');
    expect((await other.get(opened.location!)).text).not.toContain('ラウンドを開始しました');
    // The partner pages show only their known notices.
    const p = at('10.0.0.9');
    const sample = await partnerDb(ctx.db).selectFrom('partners').select('id').where('name', '=', '花泉まちづくり協議会（サンプル）').executeTakeFirstOrThrow();
    await p.login(`partner-${sample.id}`);
    expect((await p.get('/staff/partner?notice=partners.mail.receipt.body')).text).not.toContain('class="notice"');
    expect((await p.get('/staff/partner?notice=partners.me.contactSaved')).status).toBe(200);
  });
});

/** The Retry-After (seconds) the attacker's next try gets, asserting it is refused. */
async function retryAfter(client: StaffClient, username: string): Promise<number> {
  const r = await client.request('/staff/login', { form: { username, password: 'whatever it is, it waits' } });
  expect(r.status).toBe(429);
  return Number(r.retryAfter);
}
