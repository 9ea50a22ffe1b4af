import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.ts';
import type { StaffRole } from '../../src/auth/user.ts';
import { DEFAULT_STAFF_CONFIG } from '../../src/config.ts';
import { linkAccount } from '../../src/partners/partner.repository.ts';
import { partnerDb } from '../../src/partners/partner.table.ts';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { staffDb } from '../../src/storage/staff-database.ts';
import { testDatabases } from '../../src/storage/test-databases.ts';
import { insertUser, setUserRole } from '../../src/auth/user.repository.ts';
import { createApp } from '../../src/web/app.tsx';
import { startPostgresServer, type PostgresServer } from '../support/postgres-server.ts';
import { StaffClient, TEST_PASSWORD } from './staff-helpers.ts';

/*
 * Issue 9 point 1: user management across cities, through HTTP, on PGlite and PostgreSQL.
 * The chain of the issue (DEMO=true, as ichinoseki-admin) and the whole matrix: every role of
 * two cities (and the system administrator as the control) × every kind of target account ×
 * every action. The rule: a city administrator manages only accounts whose every role lies in
 * cities it administers; nobody but a system administrator touches a system administrator or a
 * partner's account; a role change never reaches another city's user.
 */

const CITIES = ['ichinoseki', 'tsukuba'] as const;
type City = (typeof CITIES)[number];
const ROLES: readonly { suffix: string; role: StaffRole }[] = [
  { suffix: 'admin', role: 'administrator' },
  { suffix: 'secretariat', role: 'secretariat' },
  { suffix: 'editor', role: 'department-editor' },
  { suffix: 'expert', role: 'expert' },
  { suffix: 'viewer', role: 'viewer' },
];
type TargetKind = 'system-admin' | 'own-city' | 'other-city' | 'both-cities' | 'partner';
const TARGET_KINDS: readonly TargetKind[] = ['system-admin', 'own-city', 'other-city', 'both-cities', 'partner'];
type Action = 'role' | 'reset' | 'disable' | 'enable';
const ACTIONS: readonly Action[] = ['role', 'reset', 'disable', 'enable'];

/** The figures for the report, over both databases. */
const figures = { attempts: 0, refused: 0, allowed: 0 };
afterAll(() => console.info(`[issue 9 point 1] user-management matrix: ${figures.attempts} attempts, ${figures.refused} refused, ${figures.allowed} allowed`));

describe.each(testDatabases())('user management across cities on $name', (database) => {
  let server: PostgresServer | null = null;
  let ctx: AppContext;
  let app: ReturnType<typeof createApp>;
  const demoPassword = TEST_PASSWORD;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    if (database.skipReason) return;
    if (database.name === 'postgres') server = await startPostgresServer();
    const staff = { ...DEFAULT_STAFF_CONFIG, demo: { password: demoPassword } };
    ctx = await openAppContext({ dataDir: '', databaseUrl: server?.url, seed: true, inMemory: server === null, staff }, { announce: () => {} });
    app = createApp({ db: ctx.db, store: ctx.store, staff: ctx.staff });
    const hash = await hashPassword(TEST_PASSWORD);
    const make = async (username: string, roles: readonly City[], extra: { is_system_admin?: boolean } = {}) => {
      const row = await insertUser(ctx.db, { username, display_name: username, email: null, password_hash: hash, must_change_password: false, ...extra });
      for (const city of roles) await setUserRole(ctx.db, row.id, city, 'viewer', null);
      ids[username] = row.id;
      return row.id;
    };
    await make('root2', [], { is_system_admin: true });
    await make('only-ichinoseki', ['ichinoseki']);
    await make('only-tsukuba', ['tsukuba']);
    await make('both-cities', ['ichinoseki', 'tsukuba']);
    const partner = await partnerDb(ctx.db).selectFrom('partners').select('id').where('name', '=', '花泉まちづくり協議会（サンプル）').executeTakeFirstOrThrow();
    await linkAccount(ctx.db, await make('partner-login', []), partner.id);
    for (const u of await staffDb(ctx.db).selectFrom('users').select(['id', 'username']).execute()) ids[u.username] = u.id;
  }, 240_000);
  afterAll(async () => {
    await ctx?.close();
    await server?.stop();
  });

  /** A logged-in client of `username` (the demo users' password is TEST_PASSWORD here). */
  async function as(username: string): Promise<StaffClient> {
    const c = new StaffClient(app);
    const r = await c.login(username, demoPassword);
    expect(r.status, `log-in of ${username}`).toBe(303);
    await c.get('/staff');
    return c;
  }

  /** What can be observed of an account: its roles, password hash, whether disabled. */
  async function stateOf(userId: number) {
    const sdb = staffDb(ctx.db);
    const row = await sdb.selectFrom('users').select(['password_hash', 'disabled_at', 'is_system_admin']).where('id', '=', userId).executeTakeFirstOrThrow();
    const roles = await sdb.selectFrom('user_roles').select(['city_id', 'role']).where('user_id', '=', userId).orderBy('city_id').execute();
    return { hash: row.password_hash, disabled: row.disabled_at !== null, admin: row.is_system_admin, roles };
  }

  it.skipIf(database.skipReason !== null)('the chain of the issue: ichinoseki-admin cannot take over admin, tsukuba-secretariat, tsukuba-admin or a partner', async () => {
    const c = await as('ichinoseki-admin');
    expect(ids['admin']).toBe(1);
    const before = await stateOf(1);
    expect((await c.post('/staff/users/1/role', { city: 'ichinoseki', role: 'viewer' })).status).toBe(403);
    const reset = await c.post('/staff/users/1/reset', {});
    expect(reset.status).toBe(403);
    expect(reset.text).not.toMatch(/一時パスワード：/);
    expect(await stateOf(1)).toEqual(before);

    const tsuSec = ids['tsukuba-secretariat']!;
    const secBefore = await stateOf(tsuSec);
    expect((await c.post(`/staff/users/${tsuSec}/role`, { city: 'ichinoseki', role: 'viewer' })).status).toBe(403);
    expect((await c.post(`/staff/users/${tsuSec}/reset`, {})).status).toBe(403);
    expect(await stateOf(tsuSec)).toEqual(secBefore);

    const tsuAdmin = ids['tsukuba-admin']!;
    expect((await c.post(`/staff/users/${tsuAdmin}/disable`, {})).status).toBe(403);
    expect((await stateOf(tsuAdmin)).disabled).toBe(false);

    const partner = ids['partner-login']!;
    expect((await c.post(`/staff/users/${partner}/role`, { city: 'ichinoseki', role: 'viewer' })).status).toBe(403);
    expect((await c.post(`/staff/users/${partner}/reset`, {})).status).toBe(403);
    expect((await stateOf(partner)).roles).toEqual([]);

    // A role in a city the actor does not administer is refused even for its own user.
    expect((await c.post(`/staff/users/${ids['only-ichinoseki']}/role`, { city: 'tsukuba', role: 'administrator' })).status).toBe(403);
    // The list offers only accounts the actor may manage.
    const page = await c.get('/staff/users');
    for (const hidden of ['admin', 'root2', 'tsukuba-secretariat', 'both-cities', 'partner-login']) expect(page.text).not.toContain(`/staff/users/${ids[hidden]}/reset"`);
    expect(page.text).toContain(`/staff/users/${ids['only-ichinoseki']}/reset"`);
    // Unknown or malformed ids are a 404, an unknown city a 422, not a 500.
    expect((await c.post('/staff/users/999999/reset', {})).status).toBe(404);
    expect((await c.post('/staff/users/abc/disable', {})).status).toBe(404);
    const root = await as('root2');
    expect((await root.post(`/staff/users/${ids['only-ichinoseki']}/role`, { city: 'atlantis', role: 'viewer' })).status).toBe(422);
    expect((await root.post('/staff/users', { username: 'nowhere-user', displayName: 'x', email: '', city: 'atlantis', role: 'viewer', department: '' })).status).toBe(422);
  });

  it.skipIf(database.skipReason !== null)('a city administrator creates users only in its city; the form starts at the least privilege (viewer)', async () => {
    const c = await as('tsukuba-admin');
    const form = await c.get('/staff/users');
    expect(form.text).toMatch(/<select id="f-new-role"[^>]*>(?:(?!<\/select>).)*<option value="viewer" selected/s);
    expect(form.text).not.toMatch(/<select id="f-new-role"[^>]*>(?:(?!<\/select>).)*<option value="administrator" selected/s);
    expect((await c.post('/staff/users', { username: 'tsu-new', displayName: '新規', email: '', city: 'ichinoseki', role: 'viewer', department: '' })).status).toBe(403);
    const ok = await c.post('/staff/users', { username: 'tsu-new', displayName: '新規', email: '', city: 'tsukuba', role: 'viewer', department: '' });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('tsu-new');
  });

  it.skipIf(database.skipReason !== null)('the matrix: every role of two cities × every target kind × every action', async () => {
    const targetOf = (city: City | null, kind: TargetKind): number => {
      if (kind === 'system-admin') return city === null ? ids['admin']! : ids['admin']!;
      if (kind === 'partner') return ids['partner-login']!;
      if (kind === 'both-cities') return ids['both-cities']!;
      const own = city ?? 'ichinoseki';
      const other = own === 'ichinoseki' ? 'tsukuba' : 'ichinoseki';
      return ids[`only-${kind === 'own-city' ? own : other}`]!;
    };
    const actors: { username: string; city: City | null; role: StaffRole | 'system-admin' }[] = [
      ...CITIES.flatMap((city) => ROLES.map((r) => ({ username: `${city}-${r.suffix}`, city, role: r.role }))),
      { username: 'root2', city: null, role: 'system-admin' },
    ];
    const rows: string[] = [];
    for (const actor of actors) {
      const c = await as(actor.username);
      for (const kind of TARGET_KINDS) {
        const target = targetOf(actor.city, kind);
        const allowed = actor.role === 'system-admin' || (actor.role === 'administrator' && kind === 'own-city');
        for (const action of ACTIONS) {
          if (action === 'enable') await staffDb(ctx.db).updateTable('users').set({ disabled_at: new Date() }).where('id', '=', target).execute();
          const before = await stateOf(target);
          const city = actor.city ?? 'ichinoseki';
          const answer =
            action === 'role'
              ? await c.post(`/staff/users/${target}/role`, { city, role: 'expert' })
              : await c.post(`/staff/users/${target}/${action}`, {});
          const after = await stateOf(target);
          figures.attempts++;
          const label = `${actor.username} → ${kind} (#${target}) ${action}`;
          if (allowed) {
            figures.allowed++;
            expect(answer.status, label).toBe(action === 'reset' ? 200 : 303);
            if (action === 'role') expect(after.roles, label).toContainEqual({ city_id: city, role: 'expert' });
            if (action === 'reset') expect(after.hash, label).not.toBe(before.hash);
            if (action === 'disable') expect(after.disabled, label).toBe(true);
            if (action === 'enable') expect(after.disabled, label).toBe(false);
          } else {
            figures.refused++;
            expect(answer.status, label).toBe(403);
            expect(answer.text, label).not.toMatch(/一時パスワード：/);
            expect(after, label).toEqual(before);
          }
          rows.push(`${label}: ${answer.status}`);
          // Put the account back as it was for the next attempt.
          await staffDb(ctx.db).updateTable('users').set({ disabled_at: null }).where('id', '=', target).execute();
          if (action === 'role') {
            await staffDb(ctx.db).deleteFrom('user_roles').where('user_id', '=', target).execute();
            for (const r of before.roles) await setUserRole(ctx.db, target, r.city_id, r.role, null);
          }
        }
      }
    }
    expect(rows).toHaveLength(actors.length * TARGET_KINDS.length * ACTIONS.length);
  }, 240_000);
});
