import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { createApp } from '../../src/web/app.tsx';
import { PLAN_ROWS_ON_ONE_PAGE } from '../../src/web/views/plan.view.tsx';
import { importLargeCity, largeCity } from '../fixtures/large-city.ts';

/*
 * Issue 11.1 (no page shows more than a person reads): a plan of more than PLAN_ROWS_ON_ONE_PAGE
 * KPI rows (the large city of test/fixtures/large-city.ts, 272 KPIs) shows its KPI tables
 * one top-level node per page (`?node=`): the plan page keeps every node's status, roll-up and
 * anchor with a link to its table, every KPI row is on exactly one node page, the CSV and JSON
 * stay whole, and a small plan (the seeds) is unchanged.
 */

const big = largeCity();
const ROW = /<tr><td class="row-no" data-label="[^"]*">([^<]*)<\/td><th scope="row"><a href="\/cities\/[^/]+\/kpis\/([^"?]+)[^"]*">/g;

let ctx: AppContext;
let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: true, inMemory: true }, { announce: () => {} });
  await importLargeCity(ctx.db, ctx.store, big);
  app = createApp({ db: ctx.db, store: ctx.store });
}, 120_000);
afterAll(() => ctx.close());

const get = async (path: string) => {
  const r = await app.request(path);
  return { status: r.status, text: await r.text() };
};
const rowsOf = (html: string) => [...html.matchAll(ROW)].map((m) => `${m[1]} ${m[2]}`);

describe('a plan of more KPI rows than a person reads', () => {
  const plan = `/cities/${big.id}/plans/${big.planId}`;
  const top = big.file.plans[0]!.nodes;

  it('keeps every node on the plan page with its anchor and a link to its table, and no KPI table', async () => {
    expect(big.kpiIds.length).toBeGreaterThan(PLAN_ROWS_ON_ONE_PAGE);
    const page = await get(plan);
    expect(page.status).toBe(200);
    expect(rowsOf(page.text)).toEqual([]);
    expect(page.text).toContain(`KPIが${big.kpiIds.length}件あるため`);
    const ids = [...page.text.matchAll(/ id="node-([^"]+)"/g)].map((m) => m[1]);
    const nodes = (n: readonly { children?: readonly unknown[] }[]): number => n.reduce((sum, x) => sum + 1 + nodes((x.children ?? []) as typeof n), 0);
    expect(ids).toHaveLength(nodes(top));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids.filter((id): id is string => id !== undefined && !id.includes("-"))) expect(page.text).toContain(`href="${plan}?node=${id}#node-${id}"`);
    // English keeps the language in the links.
    const en = await get(`${plan}?lang=en`);
    expect(en.text).toContain(`has ${big.kpiIds.length} KPIs`);
    expect(en.text).toMatch(new RegExp(`href="${plan}\\?node=[^"&]+&amp;lang=en#node-`));
  });

  it('puts every KPI row of the downloads on exactly one node page', async () => {
    const json = JSON.parse((await get(`${plan}?format=json`)).text) as { rows: { no: string | null; kpi_id: string }[] };
    expect(json.rows.length).toBeGreaterThan(PLAN_ROWS_ON_ONE_PAGE);
    const ids = [...(await get(plan)).text.matchAll(/href="[^"?]+\?node=([^"#&]+)#node-\1"/g)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThan(1);
    const seen: string[] = [];
    for (const id of ids) {
      const page = await get(`${plan}?node=${id}`);
      expect(page.status).toBe(200);
      const rows = rowsOf(page.text);
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.length).toBeLessThan(json.rows.length);
      seen.push(...rows);
    }
    expect(seen.sort()).toEqual(json.rows.map((r) => `${r.no ?? ''} ${r.kpi_id}`).sort());
    // The downloads stay whole whatever node is unfolded.
    expect(JSON.parse((await get(`${plan}?format=json&node=${ids[0]}`)).text).rows).toEqual(json.rows);
  });

  it('answers 404 for a node that is no top-level node of the plan', async () => {
    expect((await get(`${plan}?node=nowhere`)).status).toBe(404);
    const nested = [...(await get(plan)).text.matchAll(/<li id="node-([^"]+)"/g)][0]![1]!;
    expect((await get(`${plan}?node=${nested}`)).status).toBe(404);
  });

  it('shows a filtered plan whole once it holds few enough rows', async () => {
    const json = JSON.parse((await get(`${plan}?format=json&status=achieved`)).text) as { rows: unknown[] };
    expect(json.rows.length).toBeLessThanOrEqual(PLAN_ROWS_ON_ONE_PAGE);
    const page = await get(`${plan}?status=achieved`);
    expect(rowsOf(page.text)).toHaveLength(json.rows.length);
    expect(page.text).not.toContain('最上位の項目ごとのページ');
  });

  it('leaves a small plan as it was: every table on one page, ?node= changes nothing', async () => {
    const small = '/cities/ichinoseki/plans/ichinoseki-sdgs-future-city-1';
    const page = await get(small);
    const json = JSON.parse((await get(`${small}?format=json`)).text) as { rows: unknown[] };
    expect(json.rows.length).toBeLessThanOrEqual(PLAN_ROWS_ON_ONE_PAGE);
    expect(rowsOf(page.text)).toHaveLength(json.rows.length);
    const first = /<section class="node depth-0" id="node-([^"]+)"/.exec(page.text)![1]!;
    // The same main content (the frame's language switch links to the very URL, ?node= included).
    const main = (html: string) => html.slice(html.indexOf('<main'), html.indexOf('</main>'));
    expect(main((await get(`${small}?node=${first}`)).text)).toBe(main(page.text));
  });
});
