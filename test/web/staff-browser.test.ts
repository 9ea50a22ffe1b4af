import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../src/formats/pdf/chromium.ts';
import { axeViolations } from '../support/axe.ts';
import { startTestServer, type TestServer } from '../support/web-server.ts';
import { loggedInPage, makeUser } from './staff-helpers.ts';

/*
 * The staff area in a real browser (Debian's Chromium through playwright-core): the end-to-end
 * flow of a department editor, keyboard-only data entry, axe-core on every staff page type, and
 * screenshots in test-artifacts/staff/.
 */

let server: TestServer;
let browser: Browser;
const ARTIFACTS = new URL('../../test-artifacts/staff/', import.meta.url);

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
  await makeUser(server.ctx, 'e2e-agri', 'ichinoseki', 'department-editor', 'agriculture');
  await makeUser(server.ctx, 'e2e-env', 'ichinoseki', 'department-editor', 'environment');
  await makeUser(server.ctx, 'e2e-sec', 'ichinoseki', 'secretariat');
  await makeUser(server.ctx, 'e2e-admin', 'ichinoseki', 'administrator');
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const loggedIn = (username: string): Promise<Page> => loggedInPage(browser, server.url, username);

/** Data points the KPI chart draws in the first chart of a page (each actual a circle; the legend adds one). */
function chartPoints(html: string): number {
  const svg = html.slice(html.indexOf('<svg'), html.indexOf('</svg>'));
  // Each actual is a circle (the legend's sample adds one, the same before and after).
  return (svg.match(/<circle /g) ?? []).length;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: new URL(`${name}.png`, ARTIFACTS).pathname, fullPage: true });
}

describe('end to end: enter → return → correct → approve and publish → public (issue 10)', () => {
  it('a department enters, the secretariat returns it, the department corrects, the secretariat approves and publishes; the public page changes only then', async () => {
    const chartBefore = await (await fetch(`${server.url}/cities/ichinoseki/kpis/new-farmers`)).text();
    const publicText = async () => {
      const p = await browser.newPage();
      await p.goto(`${server.url}/cities/ichinoseki/kpis/new-farmers`);
      // The chart's inline CSS numbers its classes per render: compare the text without them.
      const text = ((await p.textContent('main')) ?? '').replace(/zr\d+-cls-\d+/g, 'zr');
      await p.close();
      return text;
    };
    const publicBefore = await publicText();
    // 1. The department enters a provisional figure and submits it.
    const page = await loggedIn('e2e-agri');
    await page.goto(`${server.url}/staff/cities/ichinoseki`);
    await page.click('a[aria-label="実績を入力：新規就農者数※累計"]');
    await page.waitForURL(/new-farmers\/actuals\/new/);
    await page.fill('#f-at', '令和6年');
    await page.fill('#f-value', '１２９ 人');
    await page.fill('#f-note', '速報値');
    await Promise.all([page.waitForURL(/kpis\/new-farmers\?notice=/), page.click('button:has-text("提出する（事務局の確認へ）")')]);
    expect(await page.textContent('.notice')).toContain('保存して提出しました');
    await shot(page, 'kpi-after-entry');
    expect(await publicText()).toBe(publicBefore);

    const refused = await page.goto(`${server.url}/staff/cities/ichinoseki/kpis/co2-reduction-vs-2013/actuals/new`);
    expect(refused?.status()).toBe(403);
    expect(await page.textContent('h1')).toContain('権限がありません');
    await shot(page, 'forbidden');

    // 2. The secretariat returns it with a reason.
    const sec = await loggedIn('e2e-sec');
    await sec.goto(`${server.url}/staff/cities/ichinoseki`);
    await Promise.all([sec.waitForURL(/\/review$/), sec.click('a:has-text("確認・承認")')]);
    const row = sec.locator('tr', { hasText: '新規就農者数' });
    expect(await row.textContent()).toContain('129 人（速報値）');
    await row.locator('input[name="reason"]').fill('確定値で入力してください');
    await Promise.all([sec.waitForURL(/notice=review\.returned/), row.locator('button:has-text("差し戻す")').click()]);
    await shot(sec, 'review-after-return');
    expect(await publicText()).toBe(publicBefore);

    // 3. The department sees it on "my updates", corrects it with a reason, and submits again.
    await page.goto(`${server.url}/staff`);
    await Promise.all([page.waitForURL(/\/staff\/updates/), page.click('a:has-text("自分の更新")')]);
    expect(await page.textContent('ul.returned')).toContain('確定値で入力してください');
    await shot(page, 'my-updates-returned');
    await Promise.all([page.waitForURL(/actuals\/new\?at=2024/), page.click('ul.returned a:has-text("訂正")')]);
    expect(await page.textContent('main')).toContain('差し戻されました：確定値で入力してください');
    await page.fill('#f-value', '130');
    await page.fill('#f-note', '確定値');
    await page.fill('#f-source', '令和6年度 進捗評価シート');
    await page.fill('#f-reason', '確定値に更新');
    await Promise.all([page.waitForURL(/kpis\/new-farmers\?notice=/), page.click('button:has-text("提出する（事務局の確認へ）")')]);
    expect(await publicText()).toBe(publicBefore);

    // 4. The secretariat approves; the public page still waits for the year to be published.
    await sec.goto(`${server.url}/staff/cities/ichinoseki/review`);
    const again = sec.locator('tr', { hasText: '新規就農者数' });
    expect(await again.textContent()).toContain('130 人（確定値）');
    await Promise.all([sec.waitForURL(/notice=review\.approved/), again.locator('button:has-text("承認する")').click()]);
    expect(await publicText()).toBe(publicBefore);
    await sec.goto(`${server.url}/staff/cities/ichinoseki/publication`);
    await Promise.all([sec.waitForURL(/notice=/), sec.click('button[aria-label="2024：公開する"]')]);
    await shot(sec, 'publication-after-publish');
    await sec.close();

    // 5. Only now: the public KPI page shows the new rate and the new point in the chart.
    const publicPage = await browser.newPage();
    const plans = (await server.ctx.store.get('ichinoseki'))!.plans;
    const sdgs = plans.find((p) => p.kind === 'sdgs-future-city')!;
    const pointsBefore = chartPoints(chartBefore);
    const kpiPage = await publicPage.goto(`${server.url}/cities/ichinoseki/kpis/new-farmers`);
    expect(kpiPage?.status()).toBe(200);
    const text = (await publicPage.textContent('main')) ?? '';
    expect(text).toContain('81.3%');
    expect(await publicPage.locator('.chart-frame[role="img"]').first().getAttribute('aria-label')).toContain('130');
    const svg = await publicPage.locator('.chart-frame svg').first().evaluate((e) => (e as unknown as { outerHTML: string }).outerHTML);
    expect(chartPoints(svg)).toBeGreaterThan(pointsBefore);
    expect(await publicPage.locator('table', { hasText: '令和6年' }).first().textContent()).toContain('130');
    await shot(publicPage, 'public-kpi-after-entry');
    await publicPage.goto(`${server.url}/cities/ichinoseki/plans/${sdgs.id}`);
    const planRow = publicPage.locator('tr', { hasText: '新規就農者数' }).first();
    const rowText = (await planRow.textContent()) ?? '';
    expect(rowText).toContain('130 人');
    expect(rowText).toContain('81.3%');
    expect(await planRow.locator('[class*="badge-"]').first().getAttribute('class')).toMatch(/badge-(on-track|achieved)/);
    await shot(publicPage, 'public-plan-after-entry');
    await publicPage.close();
    await page.close();
  });
});

describe('keyboard-only data entry', () => {
  it('tabs through the data-entry form in order, submits with Enter, and fixes an error from the summary link', async () => {
    const page = await loggedIn('e2e-env');
    await page.goto(`${server.url}/staff/cities/ichinoseki/kpis/co2-reduction-vs-2013/actuals/new`);
    // From the top of the page, Tab reaches the skip link first; Enter on it jumps to main.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { className: string } } }).document.activeElement.className)).toBe('skip');
    await page.keyboard.press('Enter');
    const focusedId = () => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string; tagName: string; textContent: string } } }).document.activeElement.id);
    // Tab until the first field of the form, then through every field in order.
    for (let i = 0; i < 30 && (await focusedId()) !== 'f-at'; i++) await page.keyboard.press('Tab');
    expect(await focusedId()).toBe('f-at');
    await page.keyboard.type('2024年3月');
    await page.keyboard.press('Tab');
    expect(await focusedId()).toBe('f-value');
    await page.keyboard.type('-25.0 t');
    await page.keyboard.press('Tab');
    expect(await focusedId()).toBe('f-note');
    await page.keyboard.type('速報値');
    await page.keyboard.press('Tab');
    expect(await focusedId()).toBe('f-source');
    await page.keyboard.type('環境白書');
    await page.keyboard.press('Tab');
    expect(await focusedId()).toBe('f-reason');
    await page.keyboard.press('Tab');
    expect(await focusedId()).toBe('f-explanation');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } } }).document.activeElement.textContent)).toContain('提出する（事務局の確認へ）');
    await Promise.all([page.waitForLoadState('load'), page.keyboard.press('Enter')]);
    // Wrong unit: the form comes back with the input kept and the error next to the field.
    expect(await page.inputValue('#f-value')).toBe('-25.0 t');
    expect(await page.getAttribute('#f-value', 'aria-invalid')).toBe('true');
    expect(await page.textContent('#f-value-error')).toContain('単位');
    await shot(page, 'actual-form-error');
    // Follow the summary link with the keyboard to the field, fix it, submit with Enter.
    await page.focus('#error-summary a');
    await page.keyboard.press('Enter');
    expect(await focusedId()).toBe('f-value');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('-25.0 %');
    await Promise.all([page.waitForURL(/kpis\/co2-reduction-vs-2013\?notice=/), page.keyboard.press('Enter')]);
    expect(await page.textContent('.notice')).toContain('保存して提出しました');
    await page.close();
  });
});

describe('JIS X 8341-3 AA (WCAG 2.1 AA): axe-core finds no violations on staff pages', () => {
  const anonymous = ['/staff/login'];
  const asSecretariat = [
    '/staff',
    '/staff/cities/ichinoseki',
    '/staff/cities/ichinoseki/kpis/new-farmers',
    '/staff/cities/ichinoseki/kpis/new-farmers/actuals/new',
    '/staff/cities/ichinoseki/kpis/new-farmers/target',
    '/staff/cities/ichinoseki/publication',
    '/staff/cities/ichinoseki/review',
    '/staff/updates',
    '/staff/cities/ichinoseki/rounds',
    '/staff/cities/ichinoseki/outbox',
    '/staff/cities/ichinoseki/plans',
    '/staff/cities/ichinoseki/plans/ichinoseki-sdgs-future-city-1',
    '/staff/cities/ichinoseki/plans/ichinoseki-sdgs-future-city-1/sheets',
    '/staff/audit',
    '/staff/password',
    '/staff/cities/tsukuba',
  ];
  const asAdmin = ['/staff/users'];

  async function check(page: Page, path: string) {
    await page.goto(server.url + path);
    await shot(page, path.replace(/^\/staff\/?/, 'staff-').replace(/[/?=&]/g, '_') || 'staff');
    const violations = await axeViolations(page);
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
  }

  for (const path of anonymous) {
    it(path, async () => {
      const page = await browser.newPage();
      try {
        await check(page, path);
      } finally {
        await page.close();
      }
    });
  }
  it('the invalid log-in form', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${server.url}/staff/login`);
      await page.fill('#f-username', 'e2e-sec');
      await page.fill('#f-password', 'not the password');
      await Promise.all([page.waitForLoadState('load'), page.click('button:has-text("ログイン")')]);
      expect(await page.textContent('.error-summary')).toContain('正しくありません');
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await page.close();
    }
  });
  for (const path of asSecretariat) {
    it(`${path} (secretariat)`, async () => {
      const page = await loggedIn('e2e-sec');
      try {
        await check(page, path);
      } finally {
        await page.close();
      }
    });
  }
  for (const path of asAdmin) {
    it(`${path} (administrator)`, async () => {
      const page = await loggedIn('e2e-admin');
      try {
        await check(page, path);
      } finally {
        await page.close();
      }
    });
  }
  it('a page at 375 px wide (phone) in English', async () => {
    const page = await loggedIn('e2e-sec');
    try {
      await page.setViewportSize({ width: 375, height: 800 });
      await page.goto(`${server.url}/staff/cities/ichinoseki/kpis/new-farmers?lang=en`);
      await shot(page, 'kpi-phone-en');
      expect(await page.textContent('h1')).toContain('KPI: New farmers');
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
