import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.ts';
import { launchChromium } from '../../src/formats/pdf/chromium.ts';
import { insertUser } from '../../src/auth/user.repository.ts';
import { axeViolations } from '../support/axe.ts';
import { startTestServer, type TestServer } from '../support/web-server.ts';
import { loggedInPage, TEST_PASSWORD } from './staff-helpers.ts';

/*
 * Issue 13.1 in a real browser (Debian's Chromium): the system administrator adds a city on
 * /staff/system/cities (a wrong check digit first: the message next to the field, the input
 * kept), reads the one-time password, and the new city's administrator logs in, sets a password
 * and lands in the new city's staff area. axe-core (WCAG 2.1 AA) on every page of the way, and
 * on the new city's public page at 1280 and 375 px.
 */

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
  await insertUser(server.ctx.db, { username: 'sysadmin', display_name: 'System Admin', email: null, password_hash: await hashPassword(TEST_PASSWORD), must_change_password: false, is_system_admin: true });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function expectAxeClean(page: Page, what: string): Promise<void> {
  const violations = await axeViolations(page);
  expect(violations, `${what}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
}

describe('the system administrator creates a city and its administrator logs in (issue 13.1)', () => {
  it('creates 一戸町, refuses a wrong check digit first, and the new administrator reaches the new city', async () => {
    const page = await loggedInPage(browser, server.url, 'sysadmin');
    await page.click('a:has-text("都市の管理")');
    await page.waitForURL(/\/staff\/system\/cities$/);
    await expectAxeClean(page, 'cities page');

    // 一戸町 (岩手県) is 035246; typed with a wrong last digit first.
    await page.fill('#f-city-id', 'ichinohe');
    await page.fill('#f-city-name', '一戸町');
    await page.fill('#f-city-nameEn', 'Ichinohe');
    await page.selectOption('#f-city-prefecture', '岩手県');
    await page.fill('#f-city-code', '035245');
    await page.fill('#f-city-adminDisplayName', '一戸 花子');
    await Promise.all([page.waitForLoadState('load'), page.click('button:has-text("都市を追加")')]);
    expect(await page.textContent('#f-city-code-error')).toBe('検査数字が正しくありません（5ではなく6になるはずです）。コードを確かめてください。');
    expect(await page.inputValue('#f-city-name')).toBe('一戸町');
    expect(await page.inputValue('#f-city-code')).toBe('035245');
    expect(await page.inputValue('#f-city-prefecture')).toBe('岩手県');
    expect(await page.getAttribute('#f-city-code', 'aria-invalid')).toBe('true');
    await expectAxeClean(page, 'cities page with an error');

    await page.fill('#f-city-code', '035246');
    await Promise.all([page.waitForLoadState('load'), page.click('button:has-text("都市を追加")')]);
    const notice = (await page.textContent('.one-time')) ?? '';
    const m = /管理者のユーザー名：(\S+)　一時パスワード：(\S+)（/.exec(notice);
    expect(m, notice).not.toBeNull();
    const [, username, oneTime] = m!;
    expect(username).toBe('ichinohe-admin');
    expect(await page.textContent('table.data')).toContain('035246');
    await expectAxeClean(page, 'cities page after creation');
    await page.close();

    // The new administrator: log in, choose a password, land in the new city's staff area.
    const admin = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await admin.goto(`${server.url}/staff/login`);
    await admin.fill('#f-username', username!);
    await admin.fill('#f-password', oneTime!);
    await Promise.all([admin.waitForURL(/\/staff\/password/), admin.click('button[type=submit]:has-text("ログイン")')]);
    const chosen = 'Ichinohe stone circle, 4000 years & counting';
    await admin.fill('#f-current', oneTime!);
    await admin.fill('#f-next', chosen);
    await admin.fill('#f-confirm', chosen);
    await Promise.all([admin.waitForURL(/\/staff(\?|$)/), admin.click('form[action="/staff/password"] button[type=submit]')]);
    expect(await admin.textContent('main')).toContain('一戸町');
    await admin.goto(`${server.url}/staff/cities/ichinohe`);
    expect(await admin.textContent('h1')).toContain('一戸町');
    await expectAxeClean(admin, "new city's staff page");
    const other = await admin.goto(`${server.url}/staff/cities/ichinoseki`);
    expect(other?.status()).toBe(403);
    await admin.close();

    // The public page of the new city: an empty state, axe-clean at both widths.
    for (const width of [1280, 375]) {
      const p = await browser.newPage({ viewport: { width, height: 900 } });
      const r = await p.goto(`${server.url}/cities/ichinohe`);
      expect(r?.status()).toBe(200);
      expect(await p.textContent('main')).toContain('この都市の計画はまだ登録されていません。');
      await expectAxeClean(p, `public page at ${width}px`);
      await p.goto(`${server.url}/?prefecture=${encodeURIComponent('岩手県')}`);
      expect(await p.textContent('main')).toContain('一戸町');
      await expectAxeClean(p, `home page (岩手県) at ${width}px`);
      await p.close();
    }
  }, 120_000);
});
