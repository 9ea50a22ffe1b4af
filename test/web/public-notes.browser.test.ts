import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../src/formats/pdf/chromium.ts';
import { axeViolations } from '../support/axe.ts';
import { startTestServer, type TestServer } from '../support/web-server.ts';
import { NOTES_CITY, NOTES_PLAN, OVERRIDDEN_KPI, setUpPublicNotes } from './public-notes-fixture.ts';

/*
 * The plan, KPI and city pages with a status overridden by the secretariat, a department's
 * commentary and an expert evaluation, in Chromium: axe-clean, nothing wider than a 375-px
 * phone (the plan's KPI rows become cards there), the desktop table intact; screenshots for review.
 */

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  await setUpPublicNotes(server.ctx);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Each page with the part that shows the override, screenshotted apart for review. */
const PAGES: readonly [name: string, path: string, detail: string][] = [
  ['plan', `/cities/${NOTES_CITY}/plans/${NOTES_PLAN}`, `.node:has(> .table-scroll a[href*="/kpis/${OVERRIDDEN_KPI}"])`],
  ['kpi', `/cities/${NOTES_CITY}/kpis/${OVERRIDDEN_KPI}`, '.panel'],
  ['city', `/cities/${NOTES_CITY}`, `.kpi-table tr:has(a[href*="/kpis/${OVERRIDDEN_KPI}"])`],
];
const VIEWPORTS = [
  { label: 'desktop', width: 1280, height: 900 },
  { label: 'phone', width: 375, height: 812 },
] as const;
const ARTIFACTS = new URL('../../test-artifacts/public-notes/', import.meta.url);

type Doc = { document: { documentElement: { scrollWidth: number; clientWidth: number } } };
const pageOverflow = () => {
  const d = (globalThis as unknown as Doc).document;
  return d.documentElement.scrollWidth - d.documentElement.clientWidth;
};

describe('pages with an overridden status, commentary and evaluation', () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const [name, path, detail] of PAGES) {
    for (const lang of ['ja', 'en'] as const) {
      for (const vp of VIEWPORTS) {
        it(`${name} ${lang} ${vp.label}: axe-clean, no sideways scrolling`, async () => {
          const page = await browser.newPage({ viewport: { width: vp.width, height: vp.height } });
          try {
            const res = await page.goto(server.url + path + (lang === 'en' ? '?lang=en' : ''));
            expect(res?.status()).toBe(200);
            expect(await page.isVisible('.status-pair')).toBe(true);
            const violations = await axeViolations(page);
            expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
            expect(await page.evaluate(pageOverflow), `${path} is wider than ${vp.width} px`).toBeLessThanOrEqual(0);
            await page.screenshot({ path: new URL(`${name}-${lang}-${vp.label}.png`, ARTIFACTS).pathname, fullPage: true });
            await page.locator(detail).first().screenshot({ path: new URL(`${name}-${lang}-${vp.label}-detail.png`, ARTIFACTS).pathname });
          } finally {
            await page.close();
          }
        });
      }
    }
  }

  it('the plan’s KPI rows are cards on a phone (no table scrolling) and a table with its header on a desktop', async () => {
    const path = `/cities/${NOTES_CITY}/plans/${NOTES_PLAN}`;
    const phone = await browser.newPage({ viewport: { width: 375, height: 812 } });
    const desktop = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await phone.goto(server.url + path);
      const regions = await phone.$$eval('.plan-kpis', (tables) =>
        tables.map((t) => {
          const el = t as unknown as { parentElement: { scrollWidth: number; clientWidth: number } };
          return el.parentElement.scrollWidth - el.parentElement.clientWidth;
        }),
      );
      expect(regions.length).toBeGreaterThan(0);
      for (const extra of regions) expect(extra).toBeLessThanOrEqual(0);
      // The header row stays for screen readers but takes no room.
      expect((await (await phone.$('.plan-kpis thead'))!.boundingBox())!.height).toBeLessThanOrEqual(1);
      expect(await phone.$eval('.plan-kpis tbody tr', (tr) => (globalThis as unknown as { getComputedStyle(e: unknown): { display: string } }).getComputedStyle(tr).display)).toBe('block');

      await desktop.goto(server.url + path);
      expect(await desktop.isVisible('.plan-kpis thead')).toBe(true);
      expect(await desktop.$eval('.plan-kpis tbody tr', (tr) => (globalThis as unknown as { getComputedStyle(e: unknown): { display: string } }).getComputedStyle(tr).display)).toBe('table-row');
    } finally {
      await phone.close();
      await desktop.close();
    }
  });

  it('prints the plan page as a table, without the phone cards', async () => {
    const page = await browser.newPage({ viewport: { width: 794, height: 1123 } });
    try {
      await page.goto(server.url + `/cities/${NOTES_CITY}/plans/${NOTES_PLAN}`);
      await page.emulateMedia({ media: 'print' });
      expect(await page.isVisible('.plan-kpis thead')).toBe(true);
      expect(await page.isVisible('.status-pair')).toBe(true);
      await page.screenshot({ path: new URL('plan-print.png', ARTIFACTS).pathname, fullPage: true });
    } finally {
      await page.close();
    }
  });
});
