import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../src/formats/pdf/chromium.ts';
import { axeViolations } from '../support/axe.ts';
import { startTestServer, type TestServer } from '../support/web-server.ts';
import { importCompareFixtures } from '../fixtures/compare-cities.ts';
import { createKpi } from '../../src/kpis/kpi.commands.ts';
import { explainedKpi } from '../fixtures/explained-kpi.ts';
import { importLargeCity, largeCity, LARGE_CITY_DEPARTMENTS } from '../fixtures/large-city.ts';

let server: TestServer;
let browser: Browser;
/** A city of 272 KPIs: its city page shows the first page of its list, the list pages and filters (issue 11.1). */
const big = largeCity();

beforeAll(async () => {
  server = await startTestServer();
  // Two fixture cities sharing KPI definitions with the seeds, so the comparison's indexed chart shows (issue 15.6).
  await importCompareFixtures(server.ctx.db, server.ctx.store);
  // A KPI whose "About this KPI" section has every field staff can state (issue 15.2).
  const created = await createKpi(server.ctx.db, server.ctx.store, explainedKpi());
  expect(created.ok).toBe(true);
  await importLargeCity(server.ctx.db, server.ctx.store, big);
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  for (const context of contexts.values()) await context.close();
  await browser?.close();
  await server?.stop();
});

/**
 * One page per viewport, reused by every check at that size: a fresh Chromium context per check
 * cost half a second and axe-core's source compiled again in each (three seconds a check against
 * about 0.6 reused, measured). Each check loads a new document, so nothing carries over but the
 * context's cookies, which public pages do not set (the language comes from the URL; each check
 * asserts `html[lang]`).
 */
const contexts = new Map<string, BrowserContext>();
const pages = new Map<string, Page>();
async function pageAt(viewport: { readonly width: number; readonly height: number }): Promise<Page> {
  const key = `${viewport.width}x${viewport.height}`;
  let page = pages.get(key);
  if (!page) {
    const context = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height } });
    contexts.set(key, context);
    page = await context.newPage();
    pages.set(key, page);
  }
  return page;
}

/**
 * Full-page screenshots for a person to look at (test-artifacts/public/): taken on a developer's
 * machine, skipped in CI, where nobody opens them (half a second a page, some 200 pages).
 */
const SCREENSHOTS = process.env['CI'] !== 'true';

/** One URL of each public page type; areas add theirs. */
const PAGES = ['/', '/?lang=en', '/cities/ichinoseki', '/cities/tsukuba/plans/tsukuba-sdgs-future-city-2', '/cities/ichinoseki/plans/ichinoseki-latter-basic-plan-2021', '/cities/atlantis'];

describe('JIS X 8341-3 AA (WCAG 2.1 AA): axe-core finds no violations', () => {
  for (const path of PAGES) {
    it(path, async () => {
      const page = await pageAt({ width: 1280, height: 720 });
      await page.goto(server.url + path);
      const violations = await axeViolations(page);
      expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
    });
  }
});

/** Every public page type, with real seeded data; each is checked in both languages, on a desktop and a 375-px phone. */
const PUBLIC_PAGE_TYPES: readonly [name: string, path: string][] = [
  ['home', '/'],
  ['city', '/cities/ichinoseki'],
  ['kpi-list', '/cities/kanazawa/kpis'],
  ['plan-sdgs', '/cities/ichinoseki/plans/ichinoseki-sdgs-future-city-1'],
  ['plan-filtered', '/cities/ichinoseki/plans/ichinoseki-sdgs-future-city-1?side=environment&status=achieved'],
  ['plan-basic', '/cities/ichinoseki/plans/ichinoseki-latter-basic-plan-2021'],
  ['kpi', '/cities/ichinoseki/kpis/co2-reduction-vs-2013'],
  ['kpi-forecast', '/cities/tsukuba/kpis/new-business-founders'],
  ['kpi-revised', '/cities/tsukuba/kpis/local-produce-restaurants-shops'],
  ['kpi-no-actual', '/cities/kanazawa/kpis/waste-emissions'],
  // Issue 15.2: "About this KPI" with every stated field, and the documents that printed a KPI with their figures.
  ['kpi-about-stated', '/cities/ichinoseki/kpis/explained-kpi'],
  ['kpi-as-published-in', '/cities/ichinoseki/kpis/new-products-technologies'],
  // Issue 15.4: the embeddable chart page (the chart, its text alternative, its table under details).
  ['kpi-embed', '/cities/ichinoseki/kpis/co2-reduction-vs-2013/embed'],
  ['sdgs', '/sdgs'],
  ['sdg-goal', '/sdgs/11'],
  ['compare-form', '/compare'],
  ['compare', '/compare?cities=ichinoseki&cities=tsukuba&cities=kanazawa'],
  ['search', `/search?q=${encodeURIComponent('ごみ')}`],
  ['search-none', `/search?q=${encodeURIComponent('存在しない語句')}`],
  // Issue 15.5: related hits (農業 → 農林水産業, 新規就農者数) and a hit by reading (しゅうのう → 就農), and the partner directory.
  ['search-related', `/search?q=${encodeURIComponent('農業')}`],
  ['search-reading', `/search?q=${encodeURIComponent('しゅうのう')}`],
  ['search-kana-related', `/search?q=${encodeURIComponent('のうぎょう')}`],
  ['partner-search', `/cities/tsukuba/partners/directory?q=${encodeURIComponent('のうか')}`],
  ['open-data', '/data'],
  ['progress', '/cities/ichinoseki/progress'],
  ['progress-all', '/progress'],
  ['kpis-filtered', '/cities/ichinoseki/kpis?goal=2&status=achieved'],
  // Issue 15.6: peers by population, one KPI definition across cities (indexed chart), goals by prefecture.
  ['compare-peers', '/compare?peers=ichinoseki&cities=ichinoseki'],
  ['compare-same-kpi', '/compare?cities=ichinoseki&cities=hikaku-town'],
  ['compare-same-indicator', '/compare?cities=hikaku-town&cities=hikaku-city'],
  ['same-kpi-national', '/compare/kpis/ichinoseki/new-farmers'],
  ['sdgs-prefecture', `/sdgs?prefecture=${encodeURIComponent('岩手県')}`],
  ['progress-prefecture', `/progress?prefecture=${encodeURIComponent('石川県')}`],
  ['goal-cities', '/sdgs/12/cities'],
  ['goal-cities-paged', `/sdgs/12/cities?page_size=1&page=2&prefecture=${encodeURIComponent('石川県')}`],
  ['city-no-population', '/cities/tsukuba'],
  // Issue 11.1: a large city's page (first page of its KPIs, the filter form, a numbered pager), a filtered
  // list's middle page, a filter matching nothing, and a page past the end (404).
  ['city-large', `/cities/${big.id}`],
  ['kpis-paged-filtered', `/cities/${big.id}/kpis?department=${encodeURIComponent(LARGE_CITY_DEPARTMENTS[0])}&page=2`],
  ['kpis-filtered-none', `/cities/${big.id}/kpis?q=${encodeURIComponent('該当なし')}`],
  ['kpis-page-beyond', `/cities/${big.id}/kpis?page=9`],
  // A plan of more KPI rows than one page shows: folded by top-level node, and one node's page.
  ['plan-large-folded', `/cities/${big.id}/plans/${big.planId}`],
  ['plan-large-node', `/cities/${big.id}/plans/${big.planId}?node=n1`],
  // A comparison of more rows than one page shows (the large city and three seeds): folded to a table of shared goals, and one goal's page.
  ['compare-large-folded', `/compare?cities=${big.id}&cities=ichinoseki&cities=kanazawa&cities=tsukuba`],
  ['compare-large-goal', `/compare?cities=${big.id}&cities=ichinoseki&cities=kanazawa&cities=tsukuba&goal=7`],
  ['not-found', '/cities/atlantis'],
  // Issue 13.4: a sheet year outside the plan's period answers a page linking the plans covering it.
  ['sheet-year-outside-plan', '/cities/ichinoseki/plans/ichinoseki-sdgs-future-city-1/sheet?year=2024'],
];
const VIEWPORTS = [
  { label: 'desktop', width: 1280, height: 900 },
  { label: 'phone', width: 375, height: 812 },
] as const;
const ARTIFACTS = new URL('../../test-artifacts/public/', import.meta.url);

const withLang = (path: string, lang: 'ja' | 'en') => (lang === 'ja' ? path : `${path}${path.includes('?') ? '&' : '?'}lang=en`);

describe('public page types: axe-clean in Japanese and English, on a desktop and at 375 px, with screenshots', () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const [name, path] of PUBLIC_PAGE_TYPES) {
    for (const lang of ['ja', 'en'] as const) {
      for (const vp of VIEWPORTS) {
        it(`${name} ${lang} ${vp.label}`, async () => {
          const page = await pageAt(vp);
          const res = await page.goto(server.url + withLang(path, lang));
          expect(res?.status()).toBe(name === 'not-found' || name === 'sheet-year-outside-plan' || name === 'kpis-page-beyond' ? 404 : 200);
          expect(await page.getAttribute('html', 'lang')).toBe(lang);
          const violations = await axeViolations(page);
          expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
          // Nothing wider than the screen: tables scroll inside their own region.
          const overflow = await page.evaluate(() => {
            const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document;
            return d.documentElement.scrollWidth - d.documentElement.clientWidth;
          });
          expect(overflow, `${path} is wider than ${vp.width} px`).toBeLessThanOrEqual(0);
          if (SCREENSHOTS) await page.screenshot({ path: new URL(`${name}-${lang}-${vp.label}.png`, ARTIFACTS).pathname, fullPage: true });
        });
      }
    }
  }

  it('print styles: the plan and KPI pages print without navigation, filters or downloads, with the wide chart', async () => {
    for (const [name, path] of [
      ['kpi', '/cities/ichinoseki/kpis/co2-reduction-vs-2013'],
      ['plan', '/cities/ichinoseki/plans/ichinoseki-sdgs-future-city-1'],
    ] as const) {
      const page = await browser.newPage({ viewport: { width: 794, height: 1123 } });
      try {
        await page.goto(server.url + path);
        await page.emulateMedia({ media: 'print' });
        for (const selector of ['.main-nav', '.downloads', '.breadcrumbs', '.filter-panel']) {
          const el = await page.$(selector);
          if (el) expect(await el.isVisible(), `${selector} on ${path}`).toBe(false);
        }
        if (name === 'kpi') {
          expect(await page.isVisible('.chart-wide svg')).toBe(true);
          expect(await page.isVisible('.chart-narrow svg')).toBe(false);
        }
        await page.screenshot({ path: new URL(`${name}-print.png`, ARTIFACTS).pathname, fullPage: true });
        await page.pdf({ path: new URL(`${name}-print.pdf`, ARTIFACTS).pathname, format: 'A4', printBackground: true });
      } finally {
        await page.close();
      }
    }
  });
});

describe('Content-Security-Policy: no page needs what the policy refuses', () => {
  it('loads every public page type, the sheet print view and a problem page without a CSP violation, styles applied', async () => {
    const paths = [...PUBLIC_PAGE_TYPES.map(([, p]) => p), '/cities/ichinoseki/plans/ichinoseki-sdgs-future-city-1/sheet', '/cities/a%00b', '/staff/login', '/cities/ichinoseki/partners/apply'];
    const page = await pageAt(VIEWPORTS[0]);
    const refused: string[] = [];
    const listen = (m: ConsoleMessage) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text());
    };
    page.on('console', listen);
    try {
      for (const path of paths) {
        refused.length = 0;
        const res = await page.goto(server.url + path);
        expect(res?.headers()['content-security-policy'], path).toContain("script-src 'none'");
        // The stylesheet applied: the body's font is not the browser default serif.
        const font = await page.evaluate(() => (globalThis as unknown as { getComputedStyle(e: unknown): { fontFamily: string }; document: { body: unknown } }).getComputedStyle((globalThis as unknown as { document: { body: unknown } }).document.body).fontFamily);
        expect(font, path).not.toMatch(/^"?(Times|serif)/);
        expect(refused, `${path}: ${refused.join('\n')}`).toEqual([]);
      }
    } finally {
      page.off('console', listen);
    }
  }, 180_000); // one load per page type (46 and more): past the 60 s default on a loaded 2-core machine
});

