import { readFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { readPartnerSeeds } from '../../src/partners/partner-seed.service.ts';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { createApp } from '../../src/web/app.tsx';

// Issue 10.5: sample records never count toward a KPI or a public count; the figures the cities
// published are stored dated, with their source passage, and shown as such; Ichinoseki's bound
// KPI starts from its published 22 groups (令和6年8月) while its register is not in the platform.

let ctx: AppContext;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: true, inMemory: true }, { announce: () => {} });
  app = createApp({ db: ctx.db, store: ctx.store });
});
afterAll(() => ctx.close());

const get = async (path: string) => {
  const res = await app.request(path);
  return { status: res.status, text: await res.text() };
};
const squash = (s: string) => s.normalize('NFKC').replace(/\s+/g, '');

describe('published figures in the seed files', () => {
  it('each figure is read from a passage of its source document, and the passage holds the value', async () => {
    const seeds = await readPartnerSeeds();
    const figures = seeds.flatMap((s) => s.publishedFigures);
    expect(figures.map((f) => `${f.id}=${f.value}`).sort()).toEqual(
      ['award-applications=44', 'award-winners=6', 'courses=4', 'dispatches-2023=6', 'group-members=183', 'individual-members=491', 'registered-2023-03=236', 'registered-2024-08=22'].sort(),
    );
    for (const f of figures) {
      const text = await readFile(new URL(`../fixtures/seeds/${f.source.replace(/^seeds\//, '')}`, import.meta.url), 'utf8');
      expect(squash(text), `${f.id}: passage in ${f.source}`).toContain(squash(f.passage));
      expect(squash(f.passage), `${f.id}: value in its passage`).toContain(String(f.value));
    }
  });
});

describe('sample data never becomes a real figure (issue 10.5)', () => {
  it('the programme pages count no sample partner and show the published figures with date and source', async () => {
    const ichi = await get('/cities/ichinoseki/partners');
    expect(ichi.status).toBe(200);
    expect(ichi.text).toMatch(/登録数: <strong>0<\/strong>/);
    expect(ichi.text).toContain('表示例のサンプルデータ 4 件は数えていません。');
    expect(ichi.text).toContain('市が公表している数値');
    expect(ichi.text).toMatch(/22 社・団体<\/td><td>2024-08 時点<\/td>/);
    expect(ichi.text).toContain('令和６年８月時点で企業、地域づくり団体、学校など、計22社・団体を登録しており');
    expect(ichi.text).toMatch(/6 団体<\/td><td>2023年の実績<\/td>/);
    const tsukuba = await get('/cities/tsukuba/partners');
    expect(tsukuba.text).toMatch(/登録数: <strong>0<\/strong>/);
    for (const v of ['491 人', '183 団体', '4 回', '44 件', '6 件']) expect(tsukuba.text).toContain(`${v}</td>`);
    const kanazawa = await get('/cities/kanazawa/partners');
    expect(kanazawa.text).toMatch(/登録数: <strong>0<\/strong>/);
    expect(kanazawa.text).toContain('236 団体</td>');
    expect(kanazawa.text).toContain('2023年3月末時点(予定)');
    const home = await get('/partners');
    expect(home.text).not.toMatch(/登録数 [1-9]/);
  });

  it('the bound KPI starts from the published 22 groups, not from the sample partners (page, API)', async () => {
    const page = await get('/cities/ichinoseki/kpis/sdgs-platform-groups');
    expect(page.status).toBe(200);
    expect(page.text).toContain('公表値 22社・団体（2024年8月');
    // The platform's own counts (22 + its registrations) of 2024 on are public once the
    // secretariat publishes those years (issue 10.1); the published figure itself is public now.
    expect(page.text).not.toContain('本システムでの新規登録');
    const res = await app.request('/api/v1/cities/ichinoseki/kpis/sdgs-platform-groups');
    const body = (await res.json()) as { latest_actual: { value: number }; display_rate: number; status: string; observations: { at: string; value: number; source: string | null }[] };
    expect(body.latest_actual.value).toBe(22);
    expect(body.display_rate).toBeCloseTo(22, 9); // (22 − 0) / (100 − 0)
    expect(body.observations).toContainEqual(expect.objectContaining({ at: '2024-08', value: 22, source: 'SDGs未来都市等進捗評価シート（一関市、2024年9月）' }));
    expect(body.observations.every((o) => o.value !== 3 && o.value !== 4)).toBe(true);
  });
});

describe('the CLI report counts no sample partner', () => {
  let dir: string;
  const saved = { DATA_DIR: process.env['DATA_DIR'], DATABASE_URL: process.env['DATABASE_URL'] };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'michishirube-figures-'));
    process.env['DATA_DIR'] = join(dir, 'db');
    delete process.env['DATABASE_URL'];
  });
  afterAll(async () => {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
    await rm(dir, { recursive: true, force: true });
  });

  it('report ichinoseki shows 22 団体 for the platform KPI', async () => {
    expect(await main(['init'], () => {}, () => {})).toBe(0);
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['report', 'ichinoseki', '--json'], (s) => out.push(s), (s) => err.push(s));
    expect(err.join('\n')).toBe('');
    expect(code).toBe(0);
    const row = out.map((l) => JSON.parse(l) as { id: string; latest_actual: { value: number } | null; display_rate: number }).find((r) => r.id === 'sdgs-platform-groups')!;
    expect(row.latest_actual!.value).toBe(22);
    expect(row.display_rate).toBeCloseTo(22, 9);
  });
});
