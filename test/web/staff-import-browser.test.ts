import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../src/formats/pdf/chromium.ts';
import { axeViolations } from '../support/axe.ts';
import { startTestServer, type TestServer } from '../support/web-server.ts';
import { loggedInPage, makeUser } from './staff-helpers.ts';

/*
 * The import in a real browser (Debian's Chromium): upload a CSV with a mistake, read the
 * problem in the preview, upload the fixed file, commit, and find the new actual on the public
 * KPI page; axe-core on the upload and preview pages. Screenshots in test-artifacts/import/.
 */

let server: TestServer;
let browser: Browser;
const ARTIFACTS = new URL('../../test-artifacts/import/', import.meta.url);
// 説明: 125 人 turns 新規就農者数 to 遅れ, which asks for an explanation (issue 10, point 3).
const HEADER = '指標ID,指標名,SDGターゲット,時点,値,単位,備考,出典,説明';

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
  await makeUser(server.ctx, 'imp-e2e-sec', 'ichinoseki', 'secretariat');
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const loggedIn = (username: string): Promise<Page> => loggedInPage(browser, server.url, username);

async function expectNoAxeViolations(page: Page): Promise<void> {
  const violations = await axeViolations(page);
  expect(violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}

const file = (rows: string[]) => ({ name: 'ichinoseki-2024.csv', mimeType: 'text/csv', buffer: Buffer.from(`\ufeff${HEADER}\r\n${rows.join('\r\n')}\r\n`) });

describe('importing actuals in the browser', () => {
  it('upload → preview shows the problem → fix → commit → the public KPI page shows the new actual; axe clean', async () => {
    const page = await loggedIn('imp-e2e-sec');
    await page.goto(`${server.url}/staff/cities/ichinoseki/import`);
    expect(await page.textContent('h1')).toContain('実績の取り込み');
    await expectNoAxeViolations(page);
    await page.screenshot({ path: new URL('upload.png', ARTIFACTS).pathname, fullPage: true });

    await page.setInputFiles('#f-file', file(['new-farmers,新規就農者数※累計,,2024年,百二十五,人,速報値,農政課,研修修了者が少ない', 'fuel-wood-production,,,2024年,2500,BDt,,,']));
    await Promise.all([page.waitForLoadState('load'), page.click('button:has-text("内容を確認する")')]);
    await page.waitForSelector('#problems');
    expect(await page.textContent('#problems caption')).toContain('問題の一覧（1件）');
    const problem = page.locator('#problems tbody tr').first();
    expect(await problem.locator('th').textContent()).toBe('2');
    expect(await problem.locator('.problem-cell').textContent()).toContain('⚠ 問題：百二十五');
    expect(await page.textContent('#error-summary')).toContain('数値を読み取れません');
    expect(await page.locator('button:has-text("この内容で登録する")').count()).toBe(0);
    await expectNoAxeViolations(page);
    await page.screenshot({ path: new URL('preview-problems.png', ARTIFACTS).pathname, fullPage: true });

    await page.setInputFiles('#f-file', file(['new-farmers,新規就農者数※累計,,2024年,125,人,速報値,農政課,研修修了者が少ない', 'fuel-wood-production,,,2024年,2500,BDt,,,']));
    await Promise.all([page.waitForLoadState('load'), page.click('button:has-text("内容を確認する")')]);
    await page.waitForSelector('#changes');
    expect(await page.textContent('#changes caption')).toContain('登録される変更（2件）');
    await expectNoAxeViolations(page);
    await page.screenshot({ path: new URL('preview-ok.png', ARTIFACTS).pathname, fullPage: true });
    await Promise.all([page.waitForURL(/import\?notice=staff\.import\.committed/), page.click('button:has-text("この内容で登録する")')]);
    expect(await page.textContent('.notice')).toContain('2件の実績を登録しました');

    // Public only after review (issue 10): the secretariat approves both and publishes 2024.
    await page.goto(`${server.url}/staff/cities/ichinoseki/review`);
    for (let i = 0; i < 2; i++) await Promise.all([page.waitForLoadState('load'), page.locator('button[value="approve"]').first().click()]);
    expect(await page.locator('button[value="approve"]').count()).toBe(0);
    await page.goto(`${server.url}/staff/cities/ichinoseki/publication`);
    await Promise.all([page.waitForURL(/notice=staff\.publication\.saved/), page.locator('button[aria-label^="2024"]').click()]);

    const publicPage = await browser.newPage();
    const res = await publicPage.goto(`${server.url}/cities/ichinoseki/kpis/new-farmers`);
    expect(res?.status()).toBe(200);
    expect(await publicPage.textContent('main')).toContain('125');
    await publicPage.screenshot({ path: new URL('public-kpi-after-import.png', ARTIFACTS).pathname, fullPage: true });
    await publicPage.close();
    await page.close();
  }, 120_000);
});
