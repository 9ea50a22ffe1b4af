import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorName, type StaffUser } from '../../src/auth/user.ts';
import { markStable } from '../../src/cities/city-view-memo.ts';
import { editKpiDefinition } from '../../src/kpis/kpi-edit.command.ts';
import { loadKpiEditState } from '../../src/staff/edit-state.service.ts';
import { testDatabases } from '../../src/storage/test-databases.ts';
import { FragmentCache, fragments } from '../../src/web/views/fragment-cache.ts';
import { startStaffTestApp, type StaffTestApp } from '../support/staff-app.ts';

/**
 * Issue 11.4: the plan and KPI pages keep their main content per data version
 * (src/web/views/fragment-cache.ts). A write through a command must show at once on every
 * variant of the page (uncached, cached, other language, filtered), the kept bytes stay within
 * their budget, and text in the frame rendered per request is escaped.
 */
const admin: StaffUser = { id: 0, username: 'fragment-test', displayName: 'fragment test', email: null, isSystemAdmin: true, mustChangePassword: false, memberships: [] };
const PLAN = '/cities/ichinoseki/plans/ichinoseki-sdgs-future-city-1';
const KPI = '/cities/ichinoseki/kpis/new-farmers';

async function rename(t: StaffTestApp, name: string, nameEn?: string): Promise<void> {
  const state = await loadKpiEditState(t.ctx.db, 'ichinoseki', 'new-farmers');
  const kpi = (await t.ctx.store.getStaff('ichinoseki'))?.data.kpis.find((k) => k.id === 'new-farmers');
  if (!state || !kpi) throw new Error('the seed KPI new-farmers is missing');
  const r = await editKpiDefinition(t.ctx.db, t.ctx.store, { cityId: 'ichinoseki', actor: actorName(admin), kpiId: kpi.id, version: state.version, input: { name, ...(nameEn ? { nameEn } : {}), direction: kpi.direction ?? 'up' } });
  expect(r.ok).toBe(true);
}

for (const database of testDatabases()) {
  describe.skipIf(database.skipReason !== null)(`kept page fragments on ${database.name}`, () => {
    let t: StaffTestApp;
    let n = 0;
    const get = async (path: string) => (await t.app.request(path)).text();
    const uncached = (path: string) => get(`${path}${path.includes('?') ? '&' : '?'}fresh=${n++}`);
    beforeAll(async () => {
      t = await startStaffTestApp(database.name);
    }, 180_000);
    afterAll(() => t?.stop());

    it('a write through a command shows at once on every variant of the plan and KPI pages', async () => {
      const variants = [PLAN, `${PLAN}?lang=en`, `${PLAN}?status=on-track`, KPI, `${KPI}?lang=en`];
      // Prime both caches: each variant rendered (fragments kept) and kept by the page cache.
      for (const path of variants) {
        expect(await get(path)).toContain(path.includes('lang=en') ? 'New farmers' : '新規就農者数');
        await uncached(path);
      }
      expect(fragments.size).toBeGreaterThan(0);
      await rename(t, '新規就農者数（改名後）', 'New farmers (renamed)');
      for (const path of variants) {
        const expected = path.includes('lang=en') ? 'New farmers (renamed)' : '新規就農者数（改名後）';
        expect(await uncached(path), path).toContain(expected);
        expect(await get(path), path).toContain(expected);
      }
      // A second write right after the first: no fragment of the first version is served.
      await rename(t, '新規就農者数（再改名）', 'New farmers (renamed twice)');
      for (const path of variants) expect(await uncached(path), path).toContain(path.includes('lang=en') ? 'New farmers (renamed twice)' : '新規就農者数（再改名）');
    });

    it('a page rendered around kept bytes is the page rendered afresh, byte for byte', async () => {
      for (const path of [PLAN, `${PLAN}?lang=en`, `${PLAN}?side=society`, KPI, `${KPI}?lang=en`]) {
        fragments.clear();
        const cold = await uncached(path);
        const warm = await uncached(path);
        // Only the language switch differs: it links to the request's own URL (its query).
        const strip = (html: string) => html.replace(/fresh=\d+/g, 'fresh=N');
        expect(strip(warm)).toBe(strip(cold));
      }
    });

    it('escapes hostile text in the frame rendered per request and in the kept content', async () => {
      const hostile = '<script>alert("x")</script>&\'"';
      await rename(t, hostile);
      for (const path of [KPI, PLAN]) {
        for (const html of [await uncached(path), await uncached(path)]) {
          expect(html).not.toContain('<script>');
          expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;&quot;');
        }
      }
      // The KPI page's title and breadcrumb (the frame) carry the name too.
      const kpi = await uncached(KPI);
      expect(kpi).toContain('<title>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;&quot; | ');
      expect(kpi).toContain('<li aria-current="page">&lt;script&gt;');
      // A hostile query string reaches only the language switch, escaped.
      const odd = await t.app.request(`${KPI}?x=%22%3E%3Cscript%3E`);
      expect(await odd.text()).not.toContain('"><script>');
    });
  });
}

describe('the fragment cache', () => {
  it('keeps a fragment per stable owner and key, and renders afresh for any other object', () => {
    const cache = new FragmentCache(1024 * 1024);
    const owner = markStable({});
    let renders = 0;
    const render = () => `<p>${++renders}</p>`;
    const text = (b: Uint8Array) => new TextDecoder().decode(b);
    expect(text(cache.get(owner, 'a', render))).toBe('<p>1</p>');
    expect(text(cache.get(owner, 'a', render))).toBe('<p>1</p>');
    expect(text(cache.get(owner, 'b', render))).toBe('<p>2</p>');
    // Another revision of the same data is another owner: nothing of the first is served.
    expect(text(cache.get(markStable({}), 'a', render))).toBe('<p>3</p>');
    // Data not handed out by the store (a draft, a test's literal) is never kept.
    const draft = {};
    expect(text(cache.get(draft, 'a', render))).toBe('<p>4</p>');
    expect(text(cache.get(draft, 'a', render))).toBe('<p>5</p>');
    expect(cache.size).toBe(3);
  });

  it('stays within its budget in bytes, dropping the least recently used, and keeps no fragment over a quarter of it', () => {
    const max = 64 * 1024;
    const cache = new FragmentCache(max);
    const owner = markStable({});
    for (let i = 0; i < 200; i++) cache.get(owner, `page-${i}`, () => 'あ'.repeat(1000));
    expect(cache.bytes).toBeLessThanOrEqual(max);
    expect(cache.bytes).toBeGreaterThan(max / 2);
    // Each kept fragment is 3,000 bytes of UTF-8 plus its key: about 21 fit.
    expect(cache.size).toBeLessThan(25);
    const huge = cache.get(owner, 'huge', () => 'x'.repeat(max / 2));
    expect(huge.byteLength).toBe(max / 2);
    let rendered = false;
    cache.get(owner, 'huge', () => {
      rendered = true;
      return 'x'.repeat(max / 2);
    });
    expect(rendered).toBe(true);
  });
});
