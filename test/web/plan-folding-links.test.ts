import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { CityDataStore } from '../../src/cities/city-data.store.ts';
import { createApp } from '../../src/web/app.tsx';
import { importLargeCity, largeCity } from '../fixtures/large-city.ts';

/*
 * Issue 11.1, attacked: a large plan shows its KPI tables one top-level node a page (`?node=`).
 * A KPI page's link to where the KPI sits in a plan must land on the page that holds the KPI's
 * row, at its node's anchor, for a folded plan as for a small one, and whichever way the KPI
 * page was read (the whole city held, or that KPI alone: CityDataStore.getKpi).
 */

const big = largeCity();
const decode = (href: string) => href.replaceAll('&amp;', '&');

let ctx: AppContext;
beforeAll(async () => {
  ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: true, inMemory: true }, { announce: () => {} });
  await importLargeCity(ctx.db, ctx.store, big);
}, 120_000);
afterAll(() => ctx.close());

describe("a KPI page's links into its plans", () => {
  for (const [how, store] of [['the city held', () => ctx.store], ['one KPI read', () => new CityDataStore(ctx.db)]] as const) {
    it(`land on the page holding the KPI's row, at its node (${how}), in a folded plan and a small one`, async () => {
      const app = createApp({ db: ctx.db, store: store() });
      const kpis = [...big.kpiIds.filter((_, i) => i % 17 === 0).map((id) => [big.id, id] as const), ['ichinoseki', 'new-farmers'] as const];
      const lost: string[] = [];
      let followed = 0;
      for (const lang of ['', '?lang=en']) {
        for (const [cityId, kpiId] of kpis) {
          const page = await (await app.request(`/cities/${cityId}/kpis/${kpiId}${lang}`)).text();
          if (!page.includes('id="plans-h"')) continue;
          const links = [...page.matchAll(/<a href="([^"]+\/plans\/[^"#]+)#node-([^"]+)"/g)].map((m) => [decode(m[1]!), m[2]!] as const);
          expect(links.length, `${cityId}/${kpiId}`).toBeGreaterThan(0);
          for (const [path, node] of links) {
            const target = await app.request(path);
            const html = await target.text();
            followed++;
            const row = new RegExp(`<th scope="row"><a href="/cities/${cityId}/kpis/${kpiId}[?"]`);
            if (target.status !== 200 || !html.includes(` id="node-${node}"`) || !row.test(html)) lost.push(`${cityId}/${kpiId}${lang} → ${path}#node-${node}`);
          }
        }
      }
      expect(followed).toBeGreaterThan(10);
      expect(lost).toEqual([]);
    }, 300_000);
  }

  it('answers hostile and foreign ?node= values with a 404 or 400 page that does not echo them, never a 500', async () => {
    const app = createApp({ db: ctx.db, store: ctx.store });
    const plan = `/cities/${big.id}/plans/${big.planId}`;
    const small = '/cities/ichinoseki/plans/ichinoseki-sdgs-future-city-1';
    // Node ids are a plan's own: a nested node's id, or a top-level id of another plan only, is no top-level node here.
    const bigPage = await (await app.request(plan)).text();
    const bigTops = new Set([...bigPage.matchAll(/<section class="node depth-0[^"]*" id="node-([^"]+)"/g)].map((m) => m[1]!));
    const nested = /<li id="node-([^"]+)"/.exec(bigPage)![1]!;
    const bigTop = [...bigTops][0]!;
    const smallOnly = [...(await (await app.request(small)).text()).matchAll(/<section class="node depth-0" id="node-([^"]+)"/g)].map((m) => m[1]!).find((id) => !bigTops.has(id));
    const values = ['', '%00', '%3Cscript%3Ealert(1)%3C%2Fscript%3E', 'x'.repeat(5000), '%EF%BC%91', '..%2F..%2Fetc', '%FF%FE', nested, ...(smallOnly ? [smallOnly] : []), `${bigTop}&node=${bigTop}`, `${encodeURIComponent(bigTop)}%20`];
    for (const v of values) {
      const r = await app.request(`${plan}?node=${v}`);
      const text = await r.text();
      expect([200, 400, 404], v.slice(0, 40)).toContain(r.status);
      expect(text).not.toContain('<script>alert(1)');
      if (!v.startsWith(encodeURIComponent(bigTop)) && !v.startsWith(bigTop)) expect(r.status, v.slice(0, 40)).not.toBe(200);
    }
    // A small plan answers made-up nodes with a 404 too.
    expect((await app.request(`${small}?node=${'x'.repeat(300)}`)).status).toBe(404);
  });
});
