import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { verifyPassword } from '../../src/auth/password.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { staffDb } from '../../src/storage/staff-database.ts';
import { testDatabases } from '../../src/storage/test-databases.ts';
import { startPostgresServer, type PostgresServer } from '../support/postgres-server.ts';

/*
 * `michishirube city create ID --name NAME --name-en NAME --prefecture PREF --code CODE` (issue 13
 * contract) on the embedded database and on PostgreSQL: prints the administrator's log-in and
 * one-time password; a wrong check digit or a taken id exits 2 with a one-line reason.
 */

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, (s) => out.push(s), (s) => err.push(s));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const TSURUGA = ['city', 'create', 'tsuruga', '--name', '敦賀市', '--name-en', 'Tsuruga', '--prefecture', '福井県', '--code', '182028'];

describe.each(testDatabases())('city create on $name', (database) => {
  let dir: string;
  let server: PostgresServer | null = null;
  const saved = { DATA_DIR: process.env['DATA_DIR'], DATABASE_URL: process.env['DATABASE_URL'] };
  const skip = database.skipReason !== null;

  beforeAll(async () => {
    if (skip) return;
    dir = await mkdtemp(join(tmpdir(), 'michishirube-city-'));
    process.env['DATA_DIR'] = join(dir, 'db');
    if (database.name === 'postgres') {
      server = await startPostgresServer();
      process.env['DATABASE_URL'] = server.url;
    } else delete process.env['DATABASE_URL'];
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect((await run('init')).code).toBe(0);
    } finally {
      spy.mockRestore();
    }
  }, 240_000);
  afterAll(async () => {
    if (saved.DATA_DIR === undefined) delete process.env['DATA_DIR'];
    else process.env['DATA_DIR'] = saved.DATA_DIR;
    if (saved.DATABASE_URL === undefined) delete process.env['DATABASE_URL'];
    else process.env['DATABASE_URL'] = saved.DATABASE_URL;
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function db<T>(fn: (d: Awaited<ReturnType<typeof openDatabase>>['db']) => Promise<T>): Promise<T> {
    const opened = await openDatabase(server ? { databaseUrl: server.url } : { dataDir: process.env['DATA_DIR']! });
    try {
      return await fn(opened.db);
    } finally {
      await opened.close();
    }
  }

  it.skipIf(skip)('a wrong check digit exits 2 with one line naming --code and the expected digit; nothing is written', async () => {
    const r = await run(...TSURUGA.slice(0, -1), '182027');
    expect(r.code).toBe(2);
    expect(r.err).toBe('michishirube: city create: --code「182027」：検査数字 7 が違います（正しくは 8）');
    const en = await run(...TSURUGA.slice(0, -1), '182027', '--lang', 'en');
    expect([en.code, en.err]).toEqual([2, 'michishirube: city create: --code "182027": wrong check digit 7 (expected 8)']);
    expect(r.out).toBe('');
    expect(await db((d) => d.selectFrom('cities').select('id').where('id', '=', 'tsuruga').execute())).toEqual([]);
  });

  it.skipIf(skip)('other mistakes, each on one line with exit 2', async () => {
    const cases: readonly [string[], string][] = [
      [['city', 'create', 'x', '--name', 'x', '--lang', 'en'], 'michishirube: city create: ID "x" is not a city id (2–40 lower-case letters, digits or "-", starting with a letter or digit); --name-en is required; --prefecture is required; --code is required'],
      [['city', 'create', 'x', '--name', 'x'], 'michishirube: city create: ID「x」は都市IDにできません（半角英小文字・数字・「-」で2～40文字、英数字で始める）；--name-enを指定してください；--prefectureを指定してください；--codeを指定してください'],
      [[...TSURUGA.slice(0, -1), '1820', '--lang', 'en'], 'michishirube: city create: --code "1820" is not a 6-digit 全国地方公共団体コード (local government code)'],
      [[...TSURUGA.slice(0, 8), '石川県', '--code', '182028', '--lang', 'en'], 'michishirube: city create: --code "182028" is a code of 福井県, not of 石川県'],
      [[...TSURUGA.slice(0, 8), '石川県', '--code', '182028'], 'michishirube: city create: --code「182028」は福井県のコードで、石川県のものではありません'],
      [[...TSURUGA.slice(0, 8), 'Narnia', '--code', '182028', '--lang', 'en'], 'michishirube: city create: --prefecture "Narnia" is not a prefecture (a name such as 岩手県 or Iwate)'],
      [['city', 'create'], 'michishirube: city create needs an ID (e.g. ichinoseki)'],
      [['city', 'delete', 'ichinoseki'], 'michishirube: usage: michishirube city create ID --name NAME --name-en NAME --prefecture PREF --code 6-DIGIT-CODE'],
    ];
    for (const [args, line] of cases) {
      const r = await run(...args);
      expect([r.code, r.err]).toEqual([2, line]);
    }
  });

  it.skipIf(skip)('creates the city and prints the administrator\'s log-in and one-time password, which works', async () => {
    const r = await run(...TSURUGA, '--prefecture', 'Fukui');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('created city tsuruga: 敦賀市 (Tsuruga), 福井県, code 182028, fiscal year from month 4');
    expect(lines[1]).toBe('administrator: tsuruga-admin');
    const password = /^one-time password: (\S+)$/.exec(lines[2]!)?.[1];
    expect(password).toMatch(/^\S{12,}$/);
    const user = await db((d) => staffDb(d).selectFrom('users').selectAll().where('username', '=', 'tsuruga-admin').executeTakeFirstOrThrow());
    expect(await verifyPassword(password!, user.password_hash)).toBe(true);
    expect(user.must_change_password).toBe(true);
    const log = await db((d) => staffDb(d).selectFrom('change_log').select(['actor', 'action', 'entity', 'entity_id']).where('city_id', '=', 'tsuruga').orderBy('id').execute());
    expect(log).toEqual([
      { actor: 'cli', action: 'create', entity: 'city', entity_id: 'tsuruga' },
      { actor: 'cli', action: 'create', entity: 'user', entity_id: 'tsuruga-admin' },
    ]);
    // The city is listed by the other commands (plans: none yet).
    const plans = await run('plans', 'tsuruga');
    expect(plans.code).toBe(0);
  });

  it.skipIf(skip)('a taken id (or code) exits 2 with one line', async () => {
    const r = await run(...TSURUGA);
    expect(r.code).toBe(2);
    expect(r.err).toBe('michishirube: city create: ID「tsuruga」の都市はすでにあります；--code「182028」のコードの都市はすでにあります；--admin「tsuruga-admin」のユーザー名はすでに使われています');
    const en = await run(...TSURUGA, '--lang', 'en');
    expect(en.err).toBe('michishirube: city create: ID "tsuruga": a city with this id already exists; --code "182028": a city with this code already exists; --admin "tsuruga-admin": this user name is taken');
    const seed = await run('city', 'create', 'ichinoseki', '--name', '一関市', '--name-en', 'Ichinoseki', '--prefecture', '岩手県', '--code', '032093');
    expect(seed.code).toBe(2);
    expect(seed.err.split('\n')).toHaveLength(1);
    expect(seed.err).toMatch(/^michishirube: city create: ID「ichinoseki」の都市はすでにあります；--code「032093」のコードの都市はすでにあります/);
    // Each language whole: no Latin sentence in the Japanese line, no kana in the English one.
    const seedEn = await run('city', 'create', 'ichinoseki', '--name', '一関市', '--name-en', 'Ichinoseki', '--prefecture', '岩手県', '--code', '032093', '--lang', 'en');
    expect(seedEn.err).toMatch(/^michishirube: city create: ID "ichinoseki": a city with this id already exists; --code "032093": a city with this code already exists/);
    expect(seed.err.replace(/^michishirube: city create: /, '')).not.toMatch(/[a-z]{3,} [a-z]{3,}/);
    expect(seedEn.err).not.toMatch(/[\u3040-\u30ff]/);
  });
});
