import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { importPlanData } from '../../src/cities/plan-data-import.service.ts';
import { createApp } from '../../src/web/app.tsx';
import { generateCity } from '../../bench/national/generate.ts';

/*
 * Issue 11.4 builds the KPI rows of the city, plan, KPI list and cross-city tables as strings
 * (src/web/views/markup.ts) instead of JSX: hostile text in every field those rows print must
 * still come out as text, never markup, on every page that shows them.
 */

const HOSTILE = `<script>alert(1)</script><img src=x onerror=alert(2)>"'&`;
const ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&quot;&#39;&amp;';
let ctx: AppContext;
let app: ReturnType<typeof createApp>;
const city = generateCity(3);

beforeAll(async () => {
  ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: false, inMemory: true }, { announce: () => {} });
  const file = structuredClone(city.file) as typeof city.file & { kpis: { name: string; nameEn?: string; unit: string }[] };
  file.kpis[0]!.name = `指標${HOSTILE}`;
  file.kpis[0]!.nameEn = `KPI${HOSTILE}`;
  file.kpis[1]!.name = `別の指標${HOSTILE}`;
  (file.plans[0]!.nodes[0] as { title: string }).title = `目標${HOSTILE}`;
  const r = await importPlanData(ctx.db, file, 'test');
  expect(r.ok, JSON.stringify(!r.ok && r.error.slice(0, 3))).toBe(true);
  ctx.store.invalidate(city.id);
  await ctx.store.settled();
  app = createApp({ db: ctx.db, store: ctx.store });
}, 120_000);
afterAll(() => ctx.close());

describe('hostile names in the markup-built rows (issue 11.4)', () => {
  const pages = () => [
    `/cities/${city.id}`,
    `/cities/${city.id}?lang=en`,
    `/cities/${city.id}/plans/${city.planId}`,
    `/cities/${city.id}/plans/${city.planId}?lang=en`,
    `/cities/${city.id}/kpis`,
    `/cities/${city.id}/kpis/${city.kpiIds[0]}`,
    `/compare/kpis/${city.id}/${city.kpiIds[0]}`,
  ];
  it('print them escaped on the city, plan, KPI list, KPI and same-KPI pages', async () => {
    for (const path of pages()) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      const html = await res.text();
      expect(html, path).not.toMatch(/<script|<img src=x/i);
      expect(html, path).toContain(ESCAPED);
    }
  });

  it('keep the row markup well formed: one <tr> per KPI in the plan tables, each cell closed', async () => {
    const html = await (await app.request(`/cities/${city.id}/plans/${city.planId}`)).text();
    const rows = html.match(/<tr><td class="row-no"/g) ?? [];
    expect(rows.length).toBe(city.kpiIds.length);
    expect((html.match(/<td/g) ?? []).length).toBe((html.match(/<\/td>/g) ?? []).length);
    expect((html.match(/<tr>/g) ?? []).length).toBe((html.match(/<\/tr>/g) ?? []).length);
  });
});
