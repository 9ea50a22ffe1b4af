import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { summarizeCity } from '../../src/cities/city-summary.service.ts';
import { importPlanData } from '../../src/cities/plan-data-import.service.ts';
import { KPI_STATUSES } from '../../src/core/kpi/status.ts';
import { goalOfTarget } from '../../src/core/sdg/sdg-framework.ts';
import { createApp } from '../../src/web/app.tsx';
import { PageCacheEntries } from '../../src/web/page-cache.ts';
import { generateCity, type GeneratedCity } from '../../bench/national/generate.ts';
import { importLargeCity, largeCity, largeCityDepartmentOf, largeCityFile, LARGE_CITY_DEPARTMENTS } from '../fixtures/large-city.ts';

/*
 * Issue 11.1: the public city page shows what a citizen reads, not every KPI of the city. It keeps
 * its overview and shows the first page of the KPI list; `/cities/:city/kpis` is the one address of
 * every page and filter (status, SDG goal, plan goal, department, a fragment of the name), checked
 * with zod: junk is a 400 naming the parameter, a page past the end a 404, and the page cache keeps
 * the valid variants per city revision while junk cannot fill it.
 */

let ctx: AppContext;
let app: ReturnType<typeof createApp>;
let cache: PageCacheEntries;
let big: GeneratedCity;
let other: GeneratedCity;
const DEPARTMENTS = LARGE_CITY_DEPARTMENTS;
const departmentOf = largeCityDepartmentOf;

beforeAll(async () => {
  ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: true, inMemory: true }, { announce: () => {} });
  big = largeCity();
  expect(big.kpiIds.length).toBe(272);
  await importLargeCity(ctx.db, ctx.store, big);
  other = generateCity(big.id === generateCity(1).id ? 2 : 1);
  const r = await importPlanData(ctx.db, other.file, 'test');
  expect(r.ok).toBe(true);
  ctx.store.invalidate(other.id);
  await ctx.store.settled();
  cache = new PageCacheEntries();
  app = createApp({ db: ctx.db, store: ctx.store, pageCache: cache });
}, 180_000);
afterAll(() => ctx?.close());

const get = async (p: string) => {
  const r = await app.request(p);
  // Quotes as text (the problem page escapes them).
  return { status: r.status, text: (await r.text()).replace(/&quot;/g, '"'), headers: r.headers };
};
const decode = (href: string) => href.replace(/&amp;/g, '&');
/** The KPI ids a page's KPI table lists, in order. */
const kpiRows = (html: string) => [...html.matchAll(/<th scope="row"><a href="\/cities\/[^/]+\/kpis\/([^"?]+)/g)].map((m) => m[1]!);
/** "全272件中 1～50件目" / "1–50 of 272" as numbers. */
function range(html: string): { from: number; to: number; total: number } | null {
  const ja = /全([\d,]+)件中 (\d+)～(\d+)件目/.exec(html);
  if (ja) return { total: Number(ja[1]!.replace(/,/g, '')), from: Number(ja[2]), to: Number(ja[3]) };
  const en = /(\d+)–(\d+) of ([\d,]+)/.exec(html);
  return en ? { from: Number(en[1]), to: Number(en[2]), total: Number(en[3]!.replace(/,/g, '')) } : null;
}
const rel = (html: string, r: 'prev' | 'next') => {
  const m = new RegExp(`<a href="([^"]+)" rel="${r}"`).exec(html);
  return m ? decode(m[1]!) : null;
};
/** The expected KPIs of a filter, worked out from the city's evaluated KPIs (not through the list's code). */
async function expected(pred: (k: { id: string; index: number; status: string; goals: string[]; department: string | undefined; name: string }) => boolean): Promise<string[]> {
  const data = await ctx.store.get(big.id);
  return summarizeCity(data!)
    .kpis.map((x, index) => ({ id: x.kpi.id, index, status: x.evaluation?.status.status ?? 'no-data', goals: x.kpi.sdgTargets.map((t) => goalOfTarget(t)!.id), department: x.kpi.department, name: x.kpi.name }))
    .filter(pred)
    .map((k) => k.id);
}
/** Every KPI a filtered list holds, following its rel="next" links. */
async function allPages(path: string): Promise<{ ids: string[]; total: number | null; pages: number }> {
  const ids: string[] = [];
  let next: string | null = path;
  let total: number | null = null;
  let pages = 0;
  while (next) {
    const page = await get(next);
    expect(page.status, next).toBe(200);
    ids.push(...kpiRows(page.text));
    total = range(page.text)?.total ?? 0;
    next = rel(page.text, 'next');
    pages++;
    expect(pages).toBeLessThan(10);
  }
  return { ids, total, pages };
}

describe('the city page of a 272-KPI city (issue 11.1)', () => {
  it('is bounded: the overview and 50 KPIs, well under 100 kB, in ja and en (it was 257 kB)', async () => {
    for (const lang of ['ja', 'en'] as const) {
      const page = await get(`/cities/${big.id}${lang === 'en' ? '?lang=en' : ''}`);
      expect(page.status).toBe(200);
      const bytes = Buffer.byteLength(page.text);
      expect(bytes, `${lang}: ${bytes} bytes`).toBeLessThan(80_000);
      expect(kpiRows(page.text)).toEqual(big.kpiIds.slice(0, 50));
      expect(range(page.text)).toEqual({ from: 1, to: 50, total: 272 });
      expect(page.text).toContain(lang === 'ja' ? '全272件中 1～50件目' : '1–50 of 272');
      // The overview is still there: plans, SDG coverage, progress at a glance.
      expect(page.text).toContain(`/cities/${big.id}/plans/${big.planId}`);
      expect(page.text).toContain('id="glance-h"');
      // The next page is the list's page 2; numbered links to every page, the current one marked.
      expect(rel(page.text, 'next')).toBe(lang === 'ja' ? `/cities/${big.id}/kpis?page=2` : `/cities/${big.id}/kpis?page=2&lang=en`);
      expect(rel(page.text, 'prev')).toBeNull();
      expect(page.text).toContain('<li aria-current="page">');
      expect(page.text).toMatch(new RegExp(`href="/cities/${big.id}/kpis\\?page=6(&amp;lang=en)?" aria-label="[^"]*6[^"]*">6</a>`));
      // The filter form: a GET form to the list, every filter, the language kept.
      const form = /<form method="get" action="([^"]+)"[^>]*role="search"[^>]*>([\s\S]*?)<\/form>/.exec(page.text);
      expect(form?.[1]).toBe(`/cities/${big.id}/kpis`);
      for (const name of ['status', 'goal', 'node', 'department', 'q']) expect(form?.[2]).toContain(`name="${name}"`);
      expect(form![2]!.includes('name="lang" value="en"')).toBe(lang === 'en');
    }
  });

  it('shows at most 12 headline KPIs, linking the rest as the section’s filtered list', async () => {
    const page = await get(`/cities/${big.id}`);
    const headline = page.text.slice(page.text.indexOf('id="headline-h"'), page.text.indexOf('id="glance-h"'));
    expect([...headline.matchAll(/<li class="card headline">/g)]).toHaveLength(12);
    const link = /<a href="([^"]+)">この項目のKPIすべて（(\d+)件）を一覧で見る<\/a>/.exec(headline);
    expect(link).not.toBeNull();
    const list = await get(decode(link![1]!));
    expect(list.status).toBe(200);
    expect(range(list.text)?.total).toBe(Number(link![2]));
    expect(Number(link![2])).toBeGreaterThan(12);
  });

  it('takes only lang and format: a list parameter or junk is a 400 naming it; unknown parameters are ignored', async () => {
    for (const q of ['page=2', 'status=achieved', 'q=abc', 'year=2024', 'lang=fr', 'lang=ja&lang=en']) {
      const r = await get(`/cities/${big.id}?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.text).toContain(`URLのパラメータ「${q.split('=')[0]}」`);
    }
    expect((await get(`/cities/${big.id}?page=2&lang=en`)).text).toContain('the URL parameter "page" is not used by this page');
    expect((await get(`/cities/${big.id}?utm_source=mail`)).status).toBe(200);
    expect((await get(`/cities/${big.id}?format=json`)).status).toBe(200);
    expect((await get('/cities/atlantis?page=2')).status).toBe(404);
  });
});

describe('the KPI list: paging', () => {
  it('pages 50 at a time with rel links; every KPI once, in order; the last page is short', async () => {
    const first = await get(`/cities/${big.id}/kpis`);
    expect(first.status).toBe(200);
    expect(kpiRows(first.text)).toEqual(big.kpiIds.slice(0, 50));
    expect(rel(first.text, 'prev')).toBeNull();
    const all = await allPages(`/cities/${big.id}/kpis`);
    expect(all.ids).toEqual(big.kpiIds);
    expect(all.pages).toBe(6);
    const last = await get(`/cities/${big.id}/kpis?page=6`);
    expect(kpiRows(last.text)).toEqual(big.kpiIds.slice(250));
    expect(range(last.text)).toEqual({ from: 251, to: 272, total: 272 });
    expect(rel(last.text, 'next')).toBeNull();
    expect(rel(last.text, 'prev')).toBe(`/cities/${big.id}/kpis?page=5`);
    // Page 2's previous page is page 1 without a page number (one address per page).
    expect(rel((await get(`/cities/${big.id}/kpis?page=2`)).text, 'prev')).toBe(`/cities/${big.id}/kpis`);
    const en = await get(`/cities/${big.id}/kpis?page=3&lang=en`);
    expect(en.text).toContain('101–150 of 272');
    expect(rel(en.text, 'next')).toBe(`/cities/${big.id}/kpis?page=4&lang=en`);
  });

  it('answers a page past the last one 404, saying so and linking the first page (not kept by the cache)', async () => {
    for (const lang of ['ja', 'en'] as const) {
      const r = await get(`/cities/${big.id}/kpis?page=7${lang === 'en' ? '&lang=en' : ''}`);
      expect(r.status).toBe(404);
      expect(r.text).toContain(lang === 'ja' ? '7ページ目はありません（全6ページ）' : 'There is no page 7 (there are 6)');
      expect(kpiRows(r.text)).toEqual([]);
    }
    // A filter matching nothing has one (empty) page; its page 2 does not exist.
    const none = await get(`/cities/${big.id}/kpis?q=${encodeURIComponent('存在しない指標名')}`);
    expect(none.status).toBe(200);
    expect(none.text).toContain('条件に一致するKPIはありません');
    expect((await get(`/cities/${big.id}/kpis?q=${encodeURIComponent('存在しない指標名')}&page=2`)).status).toBe(404);
  });

  it('refuses page numbers that are not whole numbers from 1 with a 400 naming the parameter', async () => {
    for (const p of ['0', '-1', '1.5', 'abc', '01', '', '1e2', '9999999', '２']) {
      const r = await get(`/cities/${big.id}/kpis?page=${encodeURIComponent(p)}`);
      expect(r.status, `page=${p}`).toBe(400);
      expect(r.text).toContain('URLのパラメータ「page」はページ番号（1以上の整数）で指定してください');
    }
    const en = await get(`/cities/${big.id}/kpis?page=x&lang=en`);
    expect(en.text).toContain('the URL parameter "page" must be a page number (a whole number from 1)');
  });
});

describe('the KPI list: filters', () => {
  it('filters by each status; the counts of all statuses add up to every KPI', async () => {
    let sum = 0;
    for (const status of KPI_STATUSES) {
      const want = await expected((k) => k.status === status);
      const got = await allPages(`/cities/${big.id}/kpis?status=${status}`);
      expect(got.ids, status).toEqual(want);
      expect(got.total).toBe(want.length);
      sum += want.length;
    }
    expect(sum).toBe(272);
  });

  it('filters by SDG goal, plan goal, department (and none), a fragment of the name, and combinations kept across pages', async () => {
    const goal7 = await allPages(`/cities/${big.id}/kpis?goal=7`);
    expect(goal7.ids).toEqual(await expected((k) => k.goals.includes('7')));
    // Plan goal: the generated plan's first goal holds the first KPIs in order.
    const data = await ctx.store.get(big.id);
    const firstGoal = data!.plans[0]!.nodes[0]!;
    const underFirst = firstGoal.children.flatMap((c) => c.kpiRows.map((r) => r.kpiId));
    const byNode = await allPages(`/cities/${big.id}/kpis?node=${encodeURIComponent(`${big.planId}/${firstGoal.id}`)}`);
    expect(byNode.ids).toEqual(underFirst);
    expect(byNode.ids.length).toBeGreaterThan(10);
    // Departments: each one, and KPIs without one (`department=-`).
    for (const d of DEPARTMENTS) {
      const got = await allPages(`/cities/${big.id}/kpis?department=${encodeURIComponent(d)}`);
      expect(got.ids, d).toEqual(big.kpiIds.filter((_, i) => departmentOf(i) === d));
    }
    const none = await allPages(`/cities/${big.id}/kpis?department=-`);
    expect(none.ids).toEqual(big.kpiIds.filter((_, i) => departmentOf(i) === undefined));
    // The name: NFKC and case do not matter, Japanese or English name.
    const no = big.file.city.name.slice(-4);
    for (const q of [`（${no}-12）`, `(${no}-12)`, `${no}-12)`]) expect((await allPages(`/cities/${big.id}/kpis?q=${encodeURIComponent(q)}`)).ids, q).toEqual(['kpi-12']);
    const en = big.file.kpis[0]!.nameEn!.split(' (')[0]!;
    expect((await allPages(`/cities/${big.id}/kpis?q=${encodeURIComponent(en.toUpperCase())}`)).ids).toContain('kpi-1');
    // Combined, over more than one page: the pager keeps every filter.
    const dept = DEPARTMENTS[0]!;
    const combined = `/cities/${big.id}/kpis?department=${encodeURIComponent(dept)}&node=${encodeURIComponent(`${big.planId}/${firstGoal.id}`)}`;
    const c = await allPages(combined);
    expect(c.ids).toEqual(underFirst.filter((id) => departmentOf(big.kpiIds.indexOf(id)) === dept));
    const wide = await get(`/cities/${big.id}/kpis?department=-&goal=&status=&q=`);
    expect(wide.status).toBe(200);
    // "" is a form's "all": the department filter alone applies, and its pager links carry it (and not the empty ones).
    const nonePages = Math.ceil(none.ids.length / 50);
    if (nonePages > 1) expect(rel(wide.text, 'next')).toBe(`/cities/${big.id}/kpis?department=-&page=2`);
    expect(kpiRows(wide.text)).toEqual(none.ids.slice(0, 50));
    // The form shows the chosen values.
    const form = await get(`/cities/${big.id}/kpis?goal=7&department=-&q=abc`);
    expect(form.text).toContain('<option value="7" selected="">');
    expect(form.text).toContain('<option value="-" selected="">');
    expect(form.text).toContain('name="q" value="abc"');
  });

  it('downloads every KPI the filter matches (CSV, JSON), never one page', async () => {
    const want = await expected((k) => k.department === DEPARTMENTS[1]);
    const json = JSON.parse((await get(`/cities/${big.id}/kpis?department=${encodeURIComponent(DEPARTMENTS[1]!)}&format=json`)).text) as { kpis: { id: string }[] };
    expect(json.kpis.map((k) => k.id)).toEqual(want);
    const csv = (await get(`/cities/${big.id}/kpis?department=${encodeURIComponent(DEPARTMENTS[1]!)}&format=csv`)).text;
    expect(csv.trim().split('\n').length).toBe(want.length + 1);
    const r = await get(`/cities/${big.id}/kpis?format=csv&page=2`);
    expect(r.status).toBe(400);
    const list = await get(`/cities/${big.id}/kpis?department=${encodeURIComponent(DEPARTMENTS[1]!)}`);
    expect(decode(list.text)).toContain(`/cities/${big.id}/kpis?department=${encodeURIComponent(DEPARTMENTS[1]!)}&format=csv`);
  });

  it('refuses an unknown filter value, junk, repeats and another city’s ids with a 400 naming the parameter', async () => {
    const otherPlan = other.file.plans[0]!;
    const otherData = await ctx.store.get(other.id);
    const otherNode = `${otherPlan.id}/${otherData!.plans[0]!.nodes[0]!.id}`;
    const cases: [query: string, param: string, text: string][] = [
      ['status=bogus', 'status', '選択肢にありません'],
      ['status=ACHIEVED', 'status', '選択肢にありません'],
      ['goal=0', 'goal', '選択肢にありません'],
      ['goal=18', 'goal', '選択肢にありません'],
      ['goal=07', 'goal', '選択肢にありません'],
      [`node=${encodeURIComponent(otherNode)}`, 'node', '選択肢にありません'],
      [`node=${encodeURIComponent(`${big.planId}/no-such-node`)}`, 'node', '選択肢にありません'],
      ['node=nonsense', 'node', '選択肢にありません'],
      [`department=${encodeURIComponent('存在しない課')}`, 'department', '選択肢にありません'],
      [`q=${'あ'.repeat(101)}`, 'q', '長すぎます（100文字まで）'],
      ['status=achieved&status=behind', 'status', '複数回指定されています'],
      ['page=1&page=2', 'page', '複数回指定されています'],
      ['year=2024', 'year', 'このページでは使えません'],
      ['side=economy', 'side', 'このページでは使えません'],
      ['page_size=200', 'page_size', 'このページでは使えません'],
      ['lang=zz', 'lang', '選択肢にありません'],
    ];
    for (const [query, param, text] of cases) {
      const r = await get(`/cities/${big.id}/kpis?${query}`);
      expect(r.status, query).toBe(400);
      expect(r.text, query).toContain(`URLのパラメータ「${param}」`);
      expect(r.text, query).toContain(text);
      expect(r.headers.get('cache-control')).toBe('no-store');
    }
    // A department of the seeded city is not this city's; the other city's KPIs never show here.
    expect((await get(`/cities/${other.id}/kpis?department=${encodeURIComponent(DEPARTMENTS[0]!)}`)).status).toBe(400);
    expect((await get(`/cities/${big.id}/kpis?node=${encodeURIComponent(otherNode)}&lang=en`)).text).toContain('the URL parameter "node" is not one of the choices');
    // The other city's own node works on its own list.
    expect((await get(`/cities/${other.id}/kpis?node=${encodeURIComponent(otherNode)}`)).status).toBe(200);
    // Parameters the cache does not key on are ignored as on every page; an unknown city is a 404 whatever the query.
    expect((await get(`/cities/${big.id}/kpis?utm_source=x`)).status).toBe(200);
    expect((await get('/cities/atlantis/kpis?status=bogus')).status).toBe(404);
    // JSON clients get a problem document.
    const problem = await get(`/cities/${big.id}/kpis?status=bogus&format=json`);
    expect(problem.status).toBe(400);
    expect(JSON.parse(problem.text)).toMatchObject({ type: 'urn:michishirube:problem:invalid-input', status: 400 });
  });
});

describe('progress at a glance on the city page links to the filtered list', () => {
  it('every count is a link to a list whose total is that count (ja and en)', async () => {
    for (const lang of ['ja', 'en'] as const) {
      const page = await get(`/cities/${big.id}${lang === 'en' ? '?lang=en' : ''}`);
      const glance = page.text.slice(page.text.indexOf('id="glance-h"'), page.text.indexOf('id="peers-h"'));
      const links = [...glance.matchAll(/<a href="([^"]+)" aria-label="[^"]*">(\d+)<\/a>/g)];
      expect(links.length).toBeGreaterThan(20);
      // Departments, KPIs without one among them.
      expect(glance).toContain('department=-');
      for (const [, href, shown] of links) {
        const url = decode(href!);
        expect(url.startsWith(`/cities/${big.id}/kpis?`), url).toBe(true);
        const list = await get(url);
        expect(list.status, url).toBe(200);
        expect(range(list.text)?.total, url).toBe(Number(shown));
      }
    }
  });
});

describe('the page cache and the list (issue 11.2)', () => {
  it('keeps filtered and paged variants per city revision, counted in bytes; junk and typed fragments are not kept', async () => {
    const path = `/cities/${big.id}/kpis?department=${encodeURIComponent(DEPARTMENTS[0]!)}&page=2&lang=en`;
    await get(`/cities/${big.id}`);
    const before = { size: cache.size, bytes: cache.bytes };
    const first = await get(path);
    expect(first.status).toBe(200);
    expect(cache.size).toBe(before.size + 1);
    expect(cache.bytes).toBeGreaterThan(before.bytes + Buffer.byteLength(first.text));
    const again = await get(path);
    expect(again.text).toBe(first.text);
    expect(cache.size).toBe(before.size + 1);
    // Junk of every kind: answered 400 (or 404) and never kept.
    const kept = { size: cache.size, bytes: cache.bytes };
    for (let i = 0; i < 50; i++) {
      for (const q of [`page=${1000 + i}`, `status=x${i}`, `goal=${20 + i}`, `node=a/${i}`, `department=d${i}`, `year=${i}`, `lang=x${i}`, `page=0${i}`]) {
        const r = await get(`/cities/${big.id}/kpis?${q}`);
        expect([400, 404]).toContain(r.status);
      }
      expect((await get(`/cities/${big.id}?page=${i}`)).status).toBe(400);
      // A fragment of the name is free text: answered, but private, so not kept.
      const typed = await get(`/cities/${big.id}/kpis?q=${encodeURIComponent(`語${i}`)}`);
      expect(typed.status).toBe(200);
      expect(typed.headers.get('cache-control')).toBe('private');
      // Spaces of every width normalise to no filter, but are free text too.
      const spaces = await get(`/cities/${big.id}/kpis?q=${encodeURIComponent(' \u3000'.repeat(i + 1))}`);
      expect(spaces.status).toBe(200);
      expect(kpiRows(spaces.text)).toEqual(big.kpiIds.slice(0, 50));
      expect(spaces.headers.get('cache-control')).toBe('private');
    }
    expect({ size: cache.size, bytes: cache.bytes }).toEqual(kept);
  });

  it('a write to the city shows on its kept list pages', async () => {
    const path = `/cities/${big.id}/kpis?department=-`;
    const before = await get(path);
    expect(kpiRows(before.text)[0]).toBe('kpi-4');
    await importLargeCity(ctx.db, ctx.store, big, largeCityFile(big, (file) => ((file.kpis[3] as { department?: string }).department = DEPARTMENTS[0])));
    const after = await get(path);
    expect(kpiRows(after.text)[0]).toBe('kpi-8');
    expect(range(after.text)!.total).toBe(range(before.text)!.total - 1);
  });
});
