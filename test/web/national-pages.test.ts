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
  const r = await app.request(path);
  return { status: r.status, text: await r.text() };
};
const json = async (path: string) => (await app.request(path)).json() as Promise<Record<string, unknown>>;

describe('cross-city pages read the summaries, paged and filtered (issue 11.1)', () => {
  it('the SDG goal API pages its KPIs and counts them all', async () => {
    const all = await json('/api/v1/sdgs/4');
    const total = all['total'] as number;
    expect(total).toBe(all['kpi_count']);
    expect(total).toBeGreaterThan(1);
    const first = await json('/api/v1/sdgs/4?page_size=1');
    const second = await json('/api/v1/sdgs/4?page_size=1&page=2');
    expect(first['page_count']).toBe(total);
    expect((first['kpis'] as { id: string }[])[0]!.id).not.toBe((second['kpis'] as { id: string }[])[0]!.id);
    const target = (all['targets'] as { id: string; kpi_count: number }[])[0]!;
    const byTarget = await json(`/api/v1/sdgs/4?target=${target.id}`);
    expect(byTarget['total']).toBe(target.kpi_count);
    expect((byTarget['kpis'] as { sdg_targets: string[] }[]).every((k) => k.sdg_targets.includes(target.id))).toBe(true);
    const iwate = await json('/api/v1/sdgs/4?prefecture=岩手県');
    expect((iwate['kpis'] as { city: string }[]).every((k) => k.city === 'ichinoseki')).toBe(true);
  });

  it('refuses a target outside the goal, and says so for a page past the end', async () => {
    expect((await get('/sdgs/4?target=5.1')).status).toBe(404);
    const beyond = await get('/sdgs/4?page=999');
    expect(beyond.status).toBe(200);
    expect(beyond.text).toContain('999ページ目はありません');
    expect(beyond.text).not.toContain('<table');
  });

  it('the home page finds cities by name and prefecture, and /api/v1/cities is paged and snake_case', async () => {
    const byName = await get('/?name=つくば');
    expect(byName.text).toContain('/cities/tsukuba');
    expect(byName.text).not.toContain('href="/cities/kanazawa"');
    const byPref = await get(`/?prefecture=${encodeURIComponent('石川県')}`);
    expect(byPref.text).toContain('/cities/kanazawa');
    expect(byPref.text).not.toContain('href="/cities/ichinoseki"');
    const cities = await json('/api/v1/cities?page_size=2');
    expect(cities['total']).toBe(3);
    const list = cities['cities'] as Record<string, unknown>[];
    expect(list).toHaveLength(2);
    expect(Object.keys(list[0]!).every((k) => k === k.toLowerCase())).toBe(true);
    expect(list[0]).toHaveProperty('kpi_count');
  });

  it('compare skips unknown ids and compares the known ones', async () => {
    const r = await get('/compare?cities=a,b,c,d,e,f,g,ichinoseki,tsukuba');
    expect(r.text).toMatch(/一関市.*つくば市|つくば市.*一関市/s);
    expect(r.text).not.toContain('pub.compare.needTwo');
  });

  it('search finds KPIs of every city through the search entries, with marks', async () => {
    const r = await get('/search?q=就農');
    expect(r.text).toContain('<mark>就農</mark>');
    expect(r.text).toContain('/cities/ichinoseki/kpis/');
    const none = await get('/search?q=%25_');
    expect(none.status).toBe(200);
  });

  it('search finds what people type: 「農業」 finds 農林水産業 and 新規就農者数, 「しゅうのう」 finds 就農 (issue 15.5)', async () => {
    const farming = await get(`/search?q=${encodeURIComponent('農業')}`);
    expect(farming.text).toMatch(/1-1 <mark>農<\/mark>林水産業/);
    expect(farming.text).toMatch(/新規就<mark>農<\/mark>者数/);
    const kana = await get(`/search?q=${encodeURIComponent('しゅうのう')}`);
    expect(kana.text).toContain('新規<mark>就農</mark>者数'); // the word read, marked where written
    expect(JSON.stringify(await json(`/api/v1/search?q=${encodeURIComponent('シュウノウ')}`))).toContain('new-farmers');
    const kanaFarming = await get(`/search?q=${encodeURIComponent('のうぎょう')}`);
    expect(kanaFarming.text).toMatch(/1-1 <mark>農<\/mark>林水産業/);
    expect(kanaFarming.text).toMatch(/新規就<mark>農<\/mark>者数/);
  });
});
