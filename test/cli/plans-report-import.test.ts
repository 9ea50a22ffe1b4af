import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { openDatabase } from '../../src/storage/database.ts';

let dir: string;
const saved = { DATA_DIR: process.env['DATA_DIR'], DATABASE_URL: process.env['DATABASE_URL'] };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'michishirube-cli-'));
  process.env['DATA_DIR'] = join(dir, 'db');
  delete process.env['DATABASE_URL'];
});
afterAll(async () => {
  process.env['DATA_DIR'] = saved.DATA_DIR;
  if (saved.DATABASE_URL) process.env['DATABASE_URL'] = saved.DATABASE_URL;
  await rm(dir, { recursive: true, force: true });
});

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, (s) => out.push(s), (s) => err.push(s));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('commands start only what they need (issue 11.7)', () => {
  it('plans and report on an empty database say so, seed nothing and print no password', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const r = await run('plans', 'ichinoseki');
      expect(r.code).toBe(2);
      expect(r.err).toBe('michishirube: unknown city "ichinoseki": the database has no cities yet; run "michishirube init" to load the seed cities (or import a plan data file)');
      const report = await run('report', 'tsukuba');
      expect(report.code).toBe(2);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it('init loads the seed cities once and prints the administrator password on stderr', async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((l: string) => void lines.push(l));
    try {
      const r = await run('init');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^Loaded 3 seed cities into /);
      expect(lines.join('\n')).toMatch(/created the administrator "admin" with the one-time password \S{12,}/);
      lines.length = 0;
      const again = await run('init');
      expect(again.out).toMatch(/nothing to load/);
      expect(lines).toEqual([]);
    } finally {
      spy.mockRestore();
    }
  });

  it('refuses a database folder another process holds, in one line', async () => {
    const held = await openDatabase({ dataDir: process.env['DATA_DIR']! });
    try {
      const r = await run('plans', 'ichinoseki');
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^michishirube: the database folder .* is in use by another michishirube process/);
      expect(r.err.split('\n')).toHaveLength(1);
    } finally {
      await held.close();
    }
    expect((await run('plans', 'ichinoseki')).code).toBe(0);
  });
});

describe('plans, report and import on the embedded database', () => {
  it('lists plans, id first, one per line', async () => {
    const r = await run('plans', 'ichinoseki');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.every((l) => /^[a-z0-9-]+\t\S/.test(l))).toBe(true);
  });

  it('reports a plan with rates, status and forecast', async () => {
    const r = await run('report', 'tsukuba');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/公共交通満足度\s+36\.1 % \(2019年\)\s+41 % \(2023年12月\)\s+37\.0 % \(2023年\)\s+566\.7%\s+達成\s+到達見込み/);
    const json = await run('report', 'kanazawa', '--json');
    const rows = json.out.split('\n').map((l) => JSON.parse(l));
    expect(rows.length).toBe(20);
    expect(rows[0]).toHaveProperty('status', 'no-data');
  });

  it('says which city or plan is unknown', async () => {
    expect((await run('report', 'atlantis')).err).toBe('michishirube: unknown city "atlantis"; known: ichinoseki, kanazawa, tsukuba');
    expect((await run('report', 'tsukuba', 'nope')).err).toMatch(/^michishirube: unknown plan "nope" in tsukuba; known: /);
  });

  it('imports a plan data file, all or nothing', async () => {
    const seed = JSON.parse(await readFile(new URL('../../data/seeds/kanazawa.json', import.meta.url), 'utf8'));
    // A year of actuals for Kanazawa, which published none: the report then computes a rate.
    seed.kpis[0].observations = [{ at: '2024年度', value: `${seed.kpis[0].baseline.value.replace(/[^\d.,]/g, '').replace(/,/g, '') * 1 + 10} 人` }];
    const good = join(dir, 'kanazawa-2024.json');
    await writeFile(good, JSON.stringify(seed));
    const ok = await run('import', good);
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^imported kanazawa: 1 plan\(s\), 19 KPI\(s\)/);
    const after = (await run('report', 'kanazawa', '--json')).out.split('\n').map((l) => JSON.parse(l));
    expect(after.find((r) => r.id === seed.kpis[0].id).latest_actual).toMatchObject({ at: 'FY2024' });

    seed.kpis[1].observations = [{ at: '2024年13月', value: '3 件' }];
    seed.plans[0].nodes[0].kpis = [{ kpi: 'no-such-kpi' }];
    const bad = join(dir, 'broken.json');
    await writeFile(bad, JSON.stringify(seed));
    const r = await run('import', bad);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^michishirube: .*broken\.json: kpis\.1\.observations\.0\.at: unreadable time point "2024年13月".*\(and 1 more problem\(s\): plans\.0\.nodes\.0\.kpis\.0\.kpi\); nothing was imported$/);
    expect(r.err.split('\n')).toHaveLength(1);
  });

  it('rejects an unknown SDG target with a clear message', async () => {
    const seed = JSON.parse(await readFile(new URL('../../data/seeds/tsukuba.json', import.meta.url), 'utf8'));
    seed.kpis[0].sdgTargets = '【8.2, 9.z】';
    const bad = join(dir, 'bad-target.json');
    await writeFile(bad, JSON.stringify(seed));
    const r = await run('import', bad);
    expect(r.code).toBe(2);
    expect(r.err).toContain('kpis.0.sdgTargets');
    expect(r.err).toContain('9.z');
  });
});
