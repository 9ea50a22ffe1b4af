import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { createApp } from '../../src/web/app.tsx';

let ctx: AppContext;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: true, inMemory: true }, { announce: () => {} });
  app = createApp({ db: ctx.db, store: ctx.store });
});
afterAll(() => ctx.close());

const get = async (path: string) => {
  const res = await app.request(path);
  return { status: res.status, text: await res.text(), res };
};

describe('public partner pages on the seeded programmes', () => {
  it('the programme page shows counts by type and goal', async () => {
    const r = await get('/cities/tsukuba/partners');
    expect(r.status).toBe(200);
    expect(r.text).toContain('つくばSDGsパートナーズ');
    // The 4 sample partners are listed in the directory but never counted (issue 10.5).
    expect(r.text).toMatch(/登録数: <strong>0<\/strong>/);
    expect(r.text).toContain('表示例のサンプルデータ 4 件は数えていません。');
  });

  it('the directory finds kanji and kana fragments, including two-character words', async () => {
    const kanji = await get('/cities/ichinoseki/partners/directory?q=' + encodeURIComponent('間伐'));
    expect(kanji.text).toContain('みどりの木工房');
    expect(kanji.text).not.toContain('フードシェア');
    const kana = await get('/cities/ichinoseki/partners/directory?q=' + encodeURIComponent('ふーどしぇあ'));
    expect(kana.text).toContain('いちのせきフードシェアの会');
    const reading = await get('/cities/ichinoseki/partners/directory?q=' + encodeURIComponent('ミライ'));
    expect(reading.text).toContain('一関みらい高等学校');
    const goal = await get('/cities/ichinoseki/partners/directory?goal=2');
    expect(goal.text).toContain('フードシェア');
    expect(goal.text).not.toContain('みどりの木工房');
  });

  it('a partner page shows goals, declarations and events but never the contact', async () => {
    const dir = await get('/cities/ichinoseki/partners/directory?q=' + encodeURIComponent('木工房'));
    const id = /partners\/(\d+)"/.exec(dir.text)![1];
    const r = await get(`/cities/ichinoseki/partners/${id}`);
    expect(r.status).toBe(200);
    expect(r.text).toContain('間伐材で家具');
    expect(r.text).toContain('パートナー交流会（サンプル）');
    expect(r.text).not.toContain('見本 一郎');
    expect(r.text).not.toContain('example.com');
  });

  it('the bound Ichinoseki KPI takes its actuals from the platform', async () => {
    // The staff view: 2024 is not yet published (issue 10), so the public view holds its counts back.
    const data = (await ctx.store.getStaff('ichinoseki'))?.data;
    const kpi = data!.kpis.find((k) => k.id === 'sdgs-platform-groups')!;
    // Not the sample partners (3 / 4 before issue 10.5): the published 22 at 2024-08, then 22 + own registrations.
    expect(kpi.observations.find((o) => o.at.kind === 'month' && o.at.year === 2024 && o.at.month === 8)).toMatchObject({ value: 22 });
    const y2024 = kpi.observations.find((o) => o.at.kind === 'year' && o.at.year === 2024)!;
    expect(y2024).toMatchObject({ value: 22, source: 'system-computed' });
    const latest = kpi.observations.at(-1)!;
    expect(latest).toMatchObject({ value: 22, source: 'system-computed' });
    expect(kpi.observations.find((o) => o.at.kind === 'year' && o.at.year === 2023)!.source).toBeUndefined();
  });
});
