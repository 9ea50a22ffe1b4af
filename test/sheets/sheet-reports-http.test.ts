import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseCsv } from 'csv-parse/sync';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { testDatabases } from '../../src/storage/test-databases.ts';
import { createApp } from '../../src/web/app.tsx';
import { startPostgresServer, type PostgresServer } from '../support/postgres-server.ts';
import { Client, makeStaff } from '../partners/partner-client.ts';

/*
 * Issue 14 through HTTP, on both databases: the secretariat sets a report's 作成年月 (stored per
 * plan, year and sheet; bad input is a 400 that changes nothing; another city's plan is not
 * reachable), the print view and the workbook print it, and the review list of differences
 * (page and CSV) holds what the submission does not print.
 */
for (const database of testDatabases()) {
  describe.skipIf(database.skipReason !== null)(`the secretariat's sheet page (${database.name})`, () => {
    let server: PostgresServer | null = null;
    let ctx: AppContext;
    let app: ReturnType<typeof createApp>;
    const plan = 'ichinoseki-sdgs-future-city-1';
    const page = `/staff/cities/ichinoseki/plans/${plan}/sheets`;
    beforeAll(async () => {
      if (database.name === 'postgres') server = await startPostgresServer();
      ctx = await openAppContext({ dataDir: '', databaseUrl: server?.url, seed: true, inMemory: server === null }, { announce: () => {} });
      app = createApp({ db: ctx.db, store: ctx.store });
      await makeStaff(ctx, 'sheet-sec', 'ichinoseki', 'secretariat');
      await makeStaff(ctx, 'sheet-viewer', 'ichinoseki', 'viewer');
      await makeStaff(ctx, 'sheet-tsukuba', 'tsukuba', 'secretariat');
    }, 120_000);
    afterAll(async () => {
      await ctx?.close();
      await server?.stop();
    });

    it('lists each report with its 作成年月 and the differences the submission does not print', async () => {
      const sec = new Client(app);
      await sec.login('sheet-sec');
      const r = await sec.get(page);
      expect(r.status).toBe(200);
      expect(r.text).toContain('2024年9月');
      expect(r.text).toContain('二酸化炭素排出削減割合（2013年比）');
      expect(r.text).toContain('実績÷目標値');
      const csv = await sec.get(`${page}/differences.csv`);
      expect(csv.status).toBe(200);
      const rows = parseCsv(csv.text.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
      const co2 = rows.find((x) => x['year'] === '2023' && x['sheet'] === 'summary' && x['kpi_id'] === 'co2-reduction-vs-2013')!;
      expect(co2['printed_method']).toBe('actual-over-target');
      expect(co2['system_method']).toBe('progress');
      expect(Number(co2['printed_rate'])).toBeCloseTo(106.37, 2);
      expect(Number(co2['system_rate'])).toBeCloseTo(114.44, 2);
    });

    it('sets a report\'s 作成年月, which the print view and the workbook then print; bad input is a 400 that changes nothing', async () => {
      const sec = new Client(app);
      await sec.login('sheet-sec');
      await sec.get(page);
      for (const bad of [
        { year: '2023', kind: 'progress', submittedOn: '2024-13' },
        { year: '2023', kind: 'progress', submittedOn: '令和6年9月' },
        { year: '2030', kind: 'progress', submittedOn: '2024-09' },
        { year: '2023', kind: 'report', submittedOn: '2024-09' },
      ]) {
        const a = await sec.post(page, bad);
        expect(a.status, JSON.stringify(bad)).toBe(400);
      }
      expect(await (await app.request(`/cities/ichinoseki/plans/${plan}/sheet?year=2023&kind=progress`)).text()).toContain('2024年9月');
      const ok = await sec.post(page, { year: '2022', kind: 'progress', submittedOn: '2023-10' });
      expect(ok.status).toBe(303);
      const view = await (await app.request(`/cities/ichinoseki/plans/${plan}/sheet?year=2022&kind=progress`)).text();
      expect(view).toContain('2023年10月');
      // The 2023 report keeps its month and its document (the rates by the document's methods).
      const summary = await (await app.request(`/cities/ichinoseki/plans/${plan}/sheet?year=2023&kind=summary`)).text();
      expect(summary).toContain('106.4%');
      expect(summary).toContain('2024年9月');
      await sec.post(page, { year: '2023', kind: 'summary', submittedOn: '2024-10' });
      const again = await (await app.request(`/cities/ichinoseki/plans/${plan}/sheet?year=2023&kind=summary`)).text();
      expect(again).toContain('2024年10月');
      expect(again).toContain('106.4%');
      expect((await ctx.store.get('ichinoseki'))!.plans.find((p) => p.id === plan)!.sheetReports).toEqual([
        { year: 2022, kind: 'progress', submittedOn: '2023-10' },
        { year: 2023, kind: 'progress', submittedOn: '2024-09', documentId: 'ichinoseki-progress-sheet-2024-09' },
        { year: 2023, kind: 'summary', submittedOn: '2024-10', documentId: 'ichinoseki-summary-sheet-3-3-2024-09' },
      ]);
    });

    it('lets only those who edit plans set it, and never another city\'s plan', async () => {
      const viewer = new Client(app);
      await viewer.login('sheet-viewer');
      expect((await viewer.get(page)).status).toBe(200);
      expect((await viewer.post(page, { year: '2023', kind: 'progress', submittedOn: '2025-01' })).status).toBe(403);
      const other = new Client(app);
      await other.login('sheet-tsukuba');
      expect((await other.get(page)).status).toBe(403);
      expect((await other.post(page, { year: '2023', kind: 'progress', submittedOn: '2025-01' })).status).toBe(403);
      expect((await other.get(`/staff/cities/tsukuba/plans/${plan}/sheets`)).status).toBe(404);
    });
  });
}
