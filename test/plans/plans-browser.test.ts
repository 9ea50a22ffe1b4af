import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../src/formats/pdf/chromium.ts';
import { axeViolations } from '../support/axe.ts';
import { startTestServer, type TestServer } from '../support/web-server.ts';
import { loggedInPage, makeUser } from '../web/staff-helpers.ts';

/*
 * Issue 13.4 and 13.5 in a real browser (Debian's Chromium): the next-period form and the
 * KPI-table upload are axe-clean at 1280 and 375 px, with an error shown; the secretariat
 * creates Ichinoseki's 2nd-period plan by filling the form, without JavaScript.
 */

let server: TestServer;
let browser: Browser;
beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
  await makeUser(server.ctx, 'pb-sec', 'ichinoseki', 'secretariat');
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const FORM = '/staff/cities/ichinoseki/plans/ichinoseki-sdgs-future-city-1/next-period';

describe('next period and KPI-table pages in a browser', () => {
  for (const width of [1280, 375]) {
    it(`the forms are axe-clean at ${width} px, with and without errors`, async () => {
      const page = await loggedInPage(browser, server.url, 'pb-sec');
      try {
        await page.setViewportSize({ width, height: 900 });
        for (const path of [FORM, '/staff/cities/ichinoseki/kpi-table']) {
          await page.goto(server.url + path);
          expect(await axeViolations(page), path).toEqual([]);
        }
        await page.goto(server.url + FORM);
        await page.fill('#f-from', '2019');
        await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit]:has-text("次期計画を作成")')]);
        expect(await page.textContent('.error-summary')).toContain('引き継ぐ指標を一つ以上選んでください');
        expect(await axeViolations(page)).toEqual([]);
      } finally {
        await page.close();
      }
    }, 120_000);
  }

  it('the secretariat creates the 2nd-period plan with the form; the 2024 sheet request of the 1st plan links it', async () => {
    const page = await loggedInPage(browser, server.url, 'pb-sec');
    try {
      await page.goto(server.url + FORM);
      await page.fill('#f-id', 'ichinoseki-sdgs-future-city-2');
      await page.check('#f-carry-new-farmers');
      await page.check('#f-carry-new-products-technologies');
      await page.fill('[id="f-at:new-products-technologies"]', '2026年');
      await page.fill('[id="f-target:new-products-technologies"]', '200 件');
      await Promise.all([page.waitForURL(/plans\/ichinoseki-sdgs-future-city-2/), page.click('button[type=submit]:has-text("次期計画を作成")')]);
      expect(await page.textContent('body')).toContain('次期計画を作成しました');
      const outside = await fetch(`${server.url}/cities/ichinoseki/plans/ichinoseki-sdgs-future-city-1/sheet?year=2024`);
      expect(outside.status).toBe(404);
      expect(await outside.text()).toContain('/cities/ichinoseki/plans/ichinoseki-sdgs-future-city-2/sheet?year=2024');
    } finally {
      await page.close();
    }
  }, 120_000);
});
