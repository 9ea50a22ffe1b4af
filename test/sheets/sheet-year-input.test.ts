import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { createApp } from '../../src/web/app.tsx';

/*
 * A sheet request's `year` that is not a 4-digit year is an input error: 400 with the page in
 * the site's layout saying what is wrong (never a 404 "not found", never a 500); a real year
 * outside the plan's period stays a 404 linking the plans that cover it (issue 13.4).
 * Found by trying the public sheet URLs with odd query strings (issue 15's attack round).
 * Read-only web behaviour over the seed data: PGlite in memory is enough.
 */
describe('the sheet year in the query', () => {
  let ctx: AppContext;
  let app: ReturnType<typeof createApp>;
  const base = '/cities/ichinoseki/plans/ichinoseki-sdgs-future-city-1';
  beforeAll(async () => {
    ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: true, inMemory: true }, { announce: () => {} });
    app = createApp({ db: ctx.db, store: ctx.store });
  }, 120_000);
  afterAll(async () => {
    await ctx?.close();
  });

  const notYears = ['abc', '20x4', '1e400', '-5', '2024.5', '0', '99999', '%3Cscript%3E'];
  for (const file of ['sheet', 'sheet.xlsx', 'sheet.pdf']) {
    for (const input of notYears) {
      it(`${file}?year=${input} answers 400 with the reason, markup escaped`, async () => {
        const res = await app.request(`${base}/${file}?year=${input}`);
        expect(res.status).toBe(400);
        expect(res.headers.get('content-type')).toContain('text/html');
        const html = await res.text();
        expect(html).toContain('class="site-header"');
        expect(html).toContain('報告年は4桁の西暦で指定してください');
        expect(html).not.toContain('<script>');
      });
    }
  }

  it('a real year outside the period is still a 404 page linking the covering plans', async () => {
    const res = await app.request(`${base}/sheet?year=2024`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('/cities/ichinoseki/plans/ichinoseki-latter-basic-plan-2021/sheet?year=2024');
  });

  it('a year inside the period still answers the sheet', async () => {
    expect((await app.request(`${base}/sheet?year=2023`)).status).toBe(200);
  });
});
