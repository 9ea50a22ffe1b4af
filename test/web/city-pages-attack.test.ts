import { parse } from 'csv-parse/sync';
import { expect, it } from 'vitest';
import { openCityPages } from '../../src/cities/city-pages.service.ts';
import { createApp } from '../../src/web/app.tsx';
import { describeStaffApp, type StaffTestApp } from '../support/staff-app.ts';
import { hiddenFields, StaffClient } from './staff-helpers.ts';

/*
 * Issue 11, attacked: a city's own pages read from its summaries answer hostile and unusual
 * parameters exactly as the full-city path does (status, headers, bytes), on PGlite and
 * PostgreSQL: NUL and other control characters, very long and markup-bearing `q`, full-width
 * digits, LIKE metacharacters, page numbers 0/-1/huge/non-numeric, another city's filter values,
 * repeated parameters, English pages and downloads.
 */

async function answer(app: ReturnType<typeof createApp>, path: string) {
  const r = await app.request(path);
  const headers = [...r.headers].filter(([k]) => k !== 'date').sort(([a], [b]) => (a < b ? -1 : 1));
  return { status: r.status, headers, body: Buffer.from(await r.arrayBuffer()).toString('utf8') };
}

/** Hostile and unusual values of every KPI list parameter, some taken from another city. */
async function hostileQueries(t: StaffTestApp, cityId: string, otherId: string): Promise<string[]> {
  const other = (await openCityPages(t.ctx.db, t.ctx.store, otherId, 'data'))!;
  const own = (await openCityPages(t.ctx.db, t.ctx.store, cityId, 'data'))!;
  const e = encodeURIComponent;
  const texts = ['\u0000', 'a\u0000b', `${own.overview.city.name}\u0000`, '\u0001\u001f\u007f', '<script>alert(1)</script>', '"><img src=x onerror=1>', '%', '_', '\\', "'; drop table kpi_summaries; --", '１２３', 'ＡＢＣ', '数'.repeat(5000), 'x'.repeat(100), '　', '=cmd|\' /C calc\'!A0', '+1', '@SUM(1)', '😀', 'İ', 'ß', 'ǅ'];
  const pages = ['0', '-1', '1.5', '１', '２', '99999999999999999999', '1e3', 'abc', '', ' 1', '0x2', '2&page=3', '\u0000'];
  const values = ['\u0000', '', '０', '１', '01', '1.0', ' 1', '18', '-1', '<b>', 'ACHIEVED', 'achieved\u0000'];
  const out = [
    ...texts.map((q) => `q=${e(q)}`),
    ...pages.map((p) => `page=${e(p)}`),
    ...values.flatMap((v) => [`status=${e(v)}`, `goal=${e(v)}`, `node=${e(v)}`, `department=${e(v)}`]),
    ...other.overview.nodes.slice(0, 3).map((n) => `node=${e(n)}`),
    ...other.choices.departments.filter((d) => !own.choices.departments.includes(d)).slice(0, 3).map((d) => `department=${e(d)}`),
    // Bytes that are not UTF-8 (a lone surrogate, 0xFF).
    'q=%ED%A0%80',
    'q=%FF',
    'page=%FF',
    'status=achieved&status=behind',
    'goal=1&goal=2',
    `q=${e('数')}&q=${e('人')}`,
    'format=xml',
    'format=CSV',
    'lang=fr',
    'lang=en&lang=ja',
  ];
  return out.flatMap((f) => [f, `${f}&format=csv`, `${f}&format=json`, `${f}&lang=en`]);
}

describeStaffApp("a city's own pages from its summaries, attacked", [['ca-sec', 'ichinoseki', 'secretariat']], (t) => {
  it('answer hostile and unusual parameters exactly as the full-city path does', async () => {
    const data = createApp({ db: t().ctx.db, store: t().ctx.store, cityPages: 'data' });
    const summaries = createApp({ db: t().ctx.db, store: t().ctx.store, cityPages: 'summaries' });
    await t().ctx.store.settled();
    let n = 0;
    for (const [cityId, otherId] of [['ichinoseki', 'tsukuba'], ['tsukuba', 'kanazawa']] as const) {
      expect((await openCityPages(t().ctx.db, t().ctx.store, cityId, 'summaries'))?.from).toBe('summaries');
      const queries = await hostileQueries(t(), cityId, otherId);
      const paths = [
        ...queries.map((q) => `/cities/${cityId}/kpis?${q}`),
        ...['format=csv', 'format=json', 'lang=en', 'format=xml', 'page=2'].map((q) => `/cities/${cityId}?${q}`),
        `/cities/${cityId}/progress?lang=en`,
        `/cities/${cityId}/progress?status=achieved`,
        `/api/v1/cities/${cityId}?lang=en`,
        ...queries.filter((q) => !q.includes('format=')).map((q) => `/api/v1/cities/${cityId}/kpis?${q}`),
        `/cities/${encodeURIComponent(cityId.toUpperCase())}`,
        `/cities/${encodeURIComponent(`${cityId}\u0000`)}`,
        `/cities/${encodeURIComponent(`${cityId}\u0000`)}/kpis`,
        `/api/v1/cities/${encodeURIComponent(`${cityId}\u0000`)}/kpis`,
        `/cities/${encodeURIComponent('x'.repeat(5000))}`,
        `/cities/${encodeURIComponent(cityId)}%20`,
      ];
      for (const path of paths) {
        const [a, b] = [await answer(data, path), await answer(summaries, path)];
        expect(a.status, path).toBeLessThan(500);
        expect(b.status, path).toBe(a.status);
        expect(b.headers, path).toEqual(a.headers);
        expect(b.body, path).toBe(a.body);
        n++;
      }
    }
    expect(n).toBeGreaterThan(500);
  }, 600_000);
  it('show each kind of staff write at once and, once rebuilt, from the summaries with the same bytes; other cities stay on their summaries', async () => {
    const { ctx } = t();
    const data = createApp({ db: ctx.db, store: ctx.store, cityPages: 'data' });
    const summaries = createApp({ db: ctx.db, store: ctx.store, cityPages: 'summaries' });
    const staff = new StaffClient(createApp({ db: ctx.db, store: ctx.store, staff: ctx.staff }));
    expect((await staff.login('ca-sec')).status).toBe(303);
    await ctx.store.settled();
    const city = (await ctx.store.get('ichinoseki'))!;
    const [kpi, gone] = [city.kpis.find((k) => k.id === 'new-farmers')!, city.kpis.find((k) => k.id === 'sixth-industry-products')!];
    const base = `/staff/cities/ichinoseki/kpis/${kpi.id}`;
    const plan = city.plans.find((p) => p.kind === 'sdgs-future-city')!;
    const planPage = `/staff/cities/ichinoseki/plans/${plan.id}`;
    const name = `=cmd|' /C calc'!A0 <b>指標</b>`;
    const writes: [what: string, shows: string, write: () => Promise<number>][] = [
      ['KPI renamed (formula, markup)', '&lt;b&gt;指標&lt;/b&gt;', async () => (await staff.submit(base, `${base}/edit`, { name, nameEn: name, unit: kpi.unit, direction: kpi.direction ?? 'up' })).status],
      ['status override', '攻撃テストの理由', async () => (await staff.submit(base, `${base}/override`, { status: 'achieved', justification: '攻撃テストの理由' })).status],
      ['plan retitled', '攻撃テストの計画名', async () => (await staff.submit(planPage, planPage, { title: '攻撃テストの計画名', titleEn: '', vision: plan.vision ?? '' })).status],
      [
        'KPI archived',
        '',
        async () => {
          // The archive button sits on the staff page of a plan listing the KPI.
          const action = `/staff/cities/ichinoseki/kpis/${gone.id}/archive`;
          for (const p of city.plans) {
            const page = await staff.get(`/staff/cities/ichinoseki/plans/${p.id}`);
            if (page.text.includes(`action="${action}"`)) return (await staff.post(action, { ...hiddenFields(page.text, action), reason: '攻撃テスト' })).status;
          }
          throw new Error(`no plan page archives ${gone.id}`);
        },
      ],
    ];
    const paths = ['/cities/ichinoseki', '/cities/ichinoseki?format=csv', '/cities/ichinoseki?format=json', '/cities/ichinoseki/kpis', '/cities/ichinoseki/kpis?format=csv', '/cities/ichinoseki/kpis?status=achieved&lang=en', `/cities/ichinoseki/kpis?q=${encodeURIComponent('指標')}`, '/cities/ichinoseki/progress', '/api/v1/cities/ichinoseki', '/api/v1/cities/ichinoseki/kpis'];
    const same = async (when: string) => {
      for (const path of paths) {
        const [a, b] = [await answer(data, path), await answer(summaries, path)];
        expect(b.status, `${when}: ${path}`).toBe(a.status);
        expect(b.body, `${when}: ${path}`).toBe(a.body);
      }
    };
    for (const [what, shows, write] of writes) {
      expect(await write(), what).toBe(303);
      // At once: the city's pages show the write; another city still reads its own summaries.
      expect(ctx.store.summariesPending('ichinoseki'), what).toBe(true);
      expect((await openCityPages(ctx.db, ctx.store, 'tsukuba', 'summaries'))!.from, what).toBe('summaries');
      if (shows) expect((await answer(summaries, '/cities/ichinoseki/kpis')).body, what).toContain(shows);
      await same(`${what}, right after`);
      await ctx.store.settled();
      expect((await openCityPages(ctx.db, ctx.store, 'ichinoseki', 'summaries'))!.from, what).toBe('summaries');
      await same(`${what}, rebuilt`);
    }
    // The archived KPI left every page; the formula name is text in both CSVs (the guard's apostrophe).
    for (const path of paths) expect((await answer(summaries, path)).body, path).not.toContain(gone.id);
    for (const path of ['/cities/ichinoseki?format=csv', '/cities/ichinoseki/kpis?format=csv']) {
      const cells = (parse((await answer(summaries, path)).body.replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][]).flat();
      expect(cells.some((c) => c.startsWith("'=cmd")), path).toBe(true);
      expect(cells.some((c) => c.startsWith('=')), path).toBe(false);
    }
  }, 600_000);
});
