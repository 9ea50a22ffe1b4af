import { expect, it } from 'vitest';
import { createApp } from '../../src/web/app.tsx';
import { renameNewFarmers } from '../support/kpi-rename.ts';
import { describeStaffApp } from '../support/staff-app.ts';

/*
 * Issue 11 (attack on 165f5e5): the API's list of a city's KPIs, answered from the summaries in
 * one statement and kept by the page cache, shows a staff write on the very next request (the
 * cached pages dropped, the stale summaries not read), every page of it the full-city path's
 * bytes, the total the count of the items across pages, before and after the rebuild; two
 * writes in a row likewise. On PGlite and PostgreSQL.
 */

describeStaffApp('the API list of a city’s KPIs after a write', [], (t) => {
  it('shows a KPI rename on the next request, cached pages and summaries alike, the same bytes as the full-city path, every page', async () => {
    const { ctx } = t();
    // The public app as served (its own page cache, the summaries when fresh), and the full-city path uncached.
    const app = createApp({ db: ctx.db, store: ctx.store, cityPages: 'summaries' });
    const paths = [1, 2, 3, 4].map((page) => `/api/v1/cities/ichinoseki/kpis?page=${page}&page_size=3`);
    const expectSame = async (label: string, name?: string) => {
      const ids: string[] = [];
      let total = -1;
      let text = '';
      for (const path of paths) {
        const data = createApp({ db: ctx.db, store: ctx.store, cityPages: 'data' });
        const [a, b] = [await app.request(path), await data.request(path)];
        const [ta, tb] = [await a.text(), await b.text()];
        expect([a.status, ta], `${label} ${path}`).toEqual([b.status, tb]);
        const json = JSON.parse(ta) as { total: number; kpis: { id: string }[] };
        total = json.total;
        ids.push(...json.kpis.map((k) => k.id));
        text += ta;
      }
      expect(new Set(ids).size, label).toBe(ids.length);
      expect(ids.length, label).toBe(total);
      if (name) expect(text, label).toContain(name);
    };
    await expectSame('before');
    // Cached now: a second round is answered from the page cache.
    await expectSame('cached');
    await renameNewFarmers(t(), '新規就農者数（一回目）');
    await expectSame('right after the write', '新規就農者数（一回目）');
    await ctx.store.settled();
    await expectSame('rebuilt', '新規就農者数（一回目）');
    // Two writes in a row, the first one's rebuild not run yet.
    await renameNewFarmers(t(), '新規就農者数（二回目）');
    await renameNewFarmers(t(), '新規就農者数（三回目）');
    await expectSame('after two writes', '新規就農者数（三回目）');
    await ctx.store.settled();
    await expectSame('both rebuilt', '新規就農者数（三回目）');
  }, 120_000);
});
