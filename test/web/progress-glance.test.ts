import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { createApp } from '../../src/web/app.tsx';

/** Issue 15.1: a city's KPIs counted by status per SDG goal, plan goal and department, each count linking to its KPIs. */

let ctx: AppContext;
let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: true, inMemory: true }, { announce: () => {} });
  app = createApp({ db: ctx.db, store: ctx.store });
});
afterAll(() => ctx.close());

const get = async (p: string) => {
  const r = await app.request(p);
  return { status: r.status, text: await r.text() };
};
const decode = (href: string) => href.replace(/&amp;/g, '&');
/** The KPI rows a KPI list page shows (one link per KPI in the table's row headers). */
const kpiLinks = (html: string) => [...html.matchAll(/<th scope="row"><a href="\/cities\/[^/]+\/kpis\/([^"?]+)"/g)].map((m) => m[1]);

describe('progress at a glance', () => {
  it('counts every KPI once per grouping, in ja and en, and each count lists exactly the KPIs it counts', async () => {
    const ja = await get('/cities/ichinoseki/progress');
    expect(ja.status).toBe(200);
    expect(ja.text).toContain('SDGsのゴール別');
    expect(ja.text).toContain('計画の目標別');
    expect(ja.text).toContain('担当部署別');
    const all = kpiLinks((await get('/cities/ichinoseki/kpis')).text);
    expect(all.length).toBeGreaterThan(5);
    // Every count is a link to the filtered list; the list holds as many KPIs as the count says.
    const links = [...ja.text.matchAll(/<a href="(\/cities\/ichinoseki\/kpis\?[^"]+)" aria-label="[^"]*?(\d+)">(\d+)<\/a>/g)];
    expect(links.length).toBeGreaterThan(10);
    for (const [, href, , shown] of links.slice(0, 40)) {
      const listed = kpiLinks((await get(decode(href!))).text);
      expect(listed.length, href).toBe(Number(shown));
    }
    // The department table's totals add up to every KPI.
    const dept = ja.text.slice(ja.text.indexOf('g-dept-h'));
    const totals = [...dept.matchAll(/department=[^"]*" aria-label="[^"]*：計 (\d+)"/g)].map((m) => Number(m[1]));
    expect(totals.reduce((a, b) => a + b, 0)).toBe(all.length);
    const en = await get('/cities/ichinoseki/progress?lang=en');
    expect(en.text).toContain('By SDG goal');
    expect(en.text).toContain('Progress at a glance');
  });

  it('the new-farmers KPI is counted under goal 2, under 1-1 農林水産業 and its status; the filtered list shows its target', async () => {
    const list = await get('/cities/ichinoseki/kpis?goal=2');
    expect(kpiLinks(list.text)).toContain('new-farmers');
    expect(list.text).toContain('条件に一致するKPI：');
    const tsukuba = await get('/cities/tsukuba/kpis?goal=2');
    expect(kpiLinks(tsukuba.text)).not.toContain('new-farmers');
    const byNode = (await get('/cities/ichinoseki/progress')).text.match(/href="([^"]*node=ichinoseki-latter-basic-plan-2021[^"&]*)"/);
    expect(byNode).not.toBeNull();
    const farmers = await get('/cities/ichinoseki/kpis/new-farmers?format=json');
    const status = JSON.parse(farmers.text).status as string;
    expect(kpiLinks((await get(`/cities/ichinoseki/kpis?goal=2&status=${status}`)).text)).toContain('new-farmers');
    // The target (157 人, 2025年) is in the filtered table.
    expect(list.text).toContain('157');
  });

  it('refuses filters that are not among the choices, and another city’s ids, with a 400 naming the parameter (issue 11.1)', async () => {
    for (const [query, param] of [
      ['status=bogus', 'status'],
      ['goal=99', 'goal'],
      ['node=tsukuba-plan/n1', 'node'],
      ['node=tsukuba-sdgs-future-city-2/n1', 'node'],
    ] as const) {
      const r = await get(`/cities/ichinoseki/kpis?${query}`);
      expect(r.status, query).toBe(400);
      expect(r.text).toContain(`URLのパラメータ「${param}」の値は選択肢にありません`);
    }
    expect((await get('/cities/atlantis/progress')).status).toBe(404);
  });
});

describe('progress at a glance across cities', () => {
  it('counts every city’s KPIs by status per SDG goal; each count equals the filtered goal list’s total', async () => {
    const page = await get('/progress');
    expect(page.status).toBe(200);
    expect(page.text).toContain('全都市の進捗の概要');
    const links = [...page.text.matchAll(/<a href="\/sdgs\/(\d+)(?:\?status=([a-z-]+))?" aria-label="[^"]*">(\d+)<\/a>/g)];
    expect(links.length).toBeGreaterThan(10);
    for (const [, goal, status, shown] of links) {
      const json = JSON.parse((await get(`/api/v1/sdgs/${goal}${status ? `?status=${status}` : ''}`)).text) as { total: number };
      expect(json.total, `${goal} ${status}`).toBe(Number(shown));
    }
    expect((await get('/progress?lang=en')).text).toContain('Progress at a glance, all cities');
    expect((await get('/sdgs')).text).toContain('href="/progress"');
  });
});
