import { systemClock } from '../../src/core/time/clock.ts';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.ts';
import { launchChromium } from '../../src/formats/pdf/chromium.ts';
import { linkAccount } from '../../src/partners/partner.repository.ts';
import { partnerDb } from '../../src/partners/partner.table.ts';
import { insertUser, setUserRole } from '../../src/auth/user.repository.ts';
import { axeViolations } from '../support/axe.ts';
import { startTestServer, type TestServer } from '../support/web-server.ts';

/*
 * The definition of done, through the browser: a partner applies (with XSS payloads in
 * its texts), the secretariat approves, the partner appears in the directory, gets a matching
 * suggestion, requests a collaboration (accepted: contacts shared), joins an event, and the
 * bound Ichinoseki KPI shows the live count. Axe checks every partner page type.
 */

let server: TestServer;
let browser: Browser;
const PASSWORD = 'correct horse battery staple';
/** Screenshots for a person to look at (outside the tree). */
const SHOTS = join(tmpdir(), 'michishirube-partner-screenshots') + '/';
const XSS_NAME = 'テスト木工<img src=x onerror="window.__xss=1">';
const XSS_DECL = '<script>window.__xss=1</script>空き店舗の改装を手伝います"><svg onload="window.__xss=1">';

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startTestServer();
  browser = await launchChromium();
  const db = server.ctx.db;
  // The secretariat of Ichinoseki, and a log-in for the sample partner the matching will find.
  const staff = await insertUser(db, { username: 'ichi-secretariat', display_name: '事務局 テスト', email: null, password_hash: await hashPassword(PASSWORD), must_change_password: false });
  await setUserRole(db, staff.id, 'ichinoseki', 'secretariat', null);
  const sample = await partnerDb(db).selectFrom('partners').select('id').where('name', '=', '花泉まちづくり協議会（サンプル）').executeTakeFirstOrThrow();
  const sampleUser = await insertUser(db, { username: 'sample-hanaizumi', display_name: 'sample', email: null, password_hash: await hashPassword(PASSWORD), must_change_password: false });
  await linkAccount(db, sampleUser.id, sample.id);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  page.on('dialog', (d) => void d.dismiss());
  return { context, page };
}

async function login(page: Page, username: string, next: string): Promise<void> {
  await page.goto(`${server.url}/staff/login?next=${encodeURIComponent(next)}`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', PASSWORD);
  await Promise.all([page.waitForURL((u) => u.pathname.startsWith(next.split('?')[0]!)), page.click('form[action*="login"] button[type=submit], form[action*="login"] [type=submit]')]);
}

async function noScriptRan(page: Page): Promise<void> {
  expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
}

async function expectAxeClean(page: Page): Promise<void> {
  const violations = await axeViolations(page);
  expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
}

describe('a partner from application to collaboration, in Chromium', () => {
  let loginId = '';
  let partnerUrl = '';

  it('applies: a refused form keeps its input, then the application is received', async () => {
    const { context, page } = await newPage();
    await page.goto(`${server.url}/cities/ichinoseki/partners/apply`);
    await expectAxeClean(page);
    await page.selectOption('select[name=memberType]', 'company');
    await page.fill('input[name=name]', XSS_NAME);
    await page.fill('input[name=nameKana]', 'テストモッコウ');
    await page.fill('input[name=representative]', '申請 太郎');
    await page.fill('input[name=email]', 'applicant@example.com');
    await page.selectOption('select[name=area]', '花泉地域');
    // Declaration fields show only under ticked goals, without script.
    expect(await page.locator('textarea[name^=declaration_]:visible').count()).toBe(0);
    await page.check('#f-goal-11');
    expect(await page.locator('textarea[name^=declaration_]:visible').count()).toBe(1);
    await page.fill('textarea[name=declaration_11]', XSS_DECL);
    await page.fill('input[name=offer_skills]', '木工の技術で空き店舗を改装します');
    await page.fill('input[name=seek_venues]', '作業場所');
    await page.fill('input[name=password]', PASSWORD);
    await page.fill('input[name=passwordConfirm]', PASSWORD);
    // No consent ticked: refused with messages, input kept.
    await page.click('form.pt-form button[type=submit]');
    await expect.poll(() => page.textContent('#form-errors')).toContain('同意が必要です');
    expect(await page.inputValue('input[name=name]')).toBe(XSS_NAME);
    expect(await page.inputValue('textarea[name=declaration_11]')).toBe(XSS_DECL);
    expect(await page.isChecked('#f-goal-11')).toBe(true);
    expect(await page.isVisible('textarea[name=declaration_11]')).toBe(true);
    await noScriptRan(page);
    await expectAxeClean(page);
    await page.screenshot({ path: `${SHOTS}apply-errors.png`, fullPage: false });
    await page.fill('input[name=password]', PASSWORD);
    await page.fill('input[name=passwordConfirm]', PASSWORD);
    await page.check('#f-consentTerms');
    await page.check('#f-consentPublication');
    await page.click('form.pt-form button[type=submit]');
    await page.waitForSelector('#login-id');
    loginId = (await page.textContent('#login-id'))!.trim();
    expect(loginId).toMatch(/^partner-[a-z2-9]{12}$/);
    await context.close();
  });

  it('the secretariat sees the contact and approves; the applicant gets a registration number', async () => {
    const { context, page } = await newPage();
    await login(page, 'ichi-secretariat', '/staff/partners/ichinoseki');
    await expectAxeClean(page);
    await page.screenshot({ path: `${SHOTS}secretariat.png`, fullPage: false });
    await page.click(`#queue + table a`);
    await page.waitForSelector('#partner-status');
    expect(await page.textContent('main')).toContain('申請 太郎');
    await noScriptRan(page);
    await expectAxeClean(page);
    await Promise.all([page.waitForURL(/notice=/), page.click('button[value=approve]')]);
    expect(await page.textContent('#partner-status')).toBe('登録済み');
    expect(await page.textContent('main')).toContain('ICHI-SDGS-');
    // The decision mail sits in the outbox, readable by the secretariat.
    await page.goto(`${server.url}/staff/partners/ichinoseki#outbox`);
    expect(await page.textContent('#outbox ~ div')).toContain('申請が承認されました');
    await context.close();
  });

  it('appears in the directory (found by a kana fragment) and its page escapes everything', async () => {
    const { context, page } = await newPage();
    await page.goto(`${server.url}/cities/ichinoseki/partners/directory?q=${encodeURIComponent('てすともっこう')}`);
    await expectAxeClean(page);
    await page.screenshot({ path: `${SHOTS}directory.png`, fullPage: true });
    await Promise.all([page.waitForURL(/\/partners\/\d+$/), page.click('.pt-card h2 a')]);
    partnerUrl = page.url();
    const main = (await page.textContent('main'))!;
    expect(main).toContain(XSS_NAME);
    expect(main).toContain('<script>window.__xss=1</script>');
    expect(main).not.toContain('申請 太郎');
    expect(main).not.toContain('applicant@example.com');
    await noScriptRan(page);
    await expectAxeClean(page);
    await page.screenshot({ path: `${SHOTS}partner.png`, fullPage: true });
    await context.close();
  });

  it('gets a matching suggestion with its reason and requests a collaboration', async () => {
    const { context, page } = await newPage();
    await login(page, loginId, '/staff/partner');
    const match = page.locator('.match', { hasText: '花泉まちづくり協議会' });
    await expect.poll(() => match.count()).toBe(1);
    expect(await match.textContent()).toContain('あなたが提供できる「技術・知見」を、相手が求めています');
    await noScriptRan(page);
    await expectAxeClean(page);
    await page.screenshot({ path: `${SHOTS}my-page.png`, fullPage: true });
    await match.locator('textarea[name=message]').fill('空き店舗の改装でご一緒できませんか。<b>よろしく</b>');
    await Promise.all([page.waitForURL(/notice=/), match.locator('button[type=submit]').click()]);
    expect(await page.textContent('#collaborations ~ ul')).toContain('返答待ち');
    expect(await page.textContent('#collaborations ~ ul')).not.toContain('sample-ichinoseki-2@example.com');
    await context.close();
  });

  it('the other side accepts, and only then the contacts are shared', async () => {
    const { context, page } = await newPage();
    await login(page, 'sample-hanaizumi', '/staff/partner');
    await Promise.all([page.waitForURL(/notice=/), page.click('form[action$="/accept"] button')]);
    expect(await page.textContent('#collaborations ~ ul')).toContain('applicant@example.com');
    await context.close();
    const second = await newPage();
    await login(second.page, loginId, '/staff/partner');
    expect(await second.page.textContent('#collaborations ~ ul')).toContain('sample-ichinoseki-2@example.com');
    await second.context.close();
  });

  it('joins an exchange meeting, which then lists it on its public page', async () => {
    const { context, page } = await newPage();
    await login(page, loginId, '/staff/partner');
    await Promise.all([page.waitForURL(/notice=/), page.click('form[action*="/staff/partner/events/"] button')]);
    expect(await page.textContent('[role=status]')).toContain('申込みを受け付けました');
    await page.goto(partnerUrl);
    expect(await page.textContent('main')).toContain('第2回パートナー交流会（サンプル）');
    await page.click('text=第2回パートナー交流会（サンプル）');
    await expectAxeClean(page);
    expect(await page.textContent('main')).toContain(XSS_NAME);
    await noScriptRan(page);
    await context.close();
  });

  it('the bound KPI shows the live count, marked as computed by the platform', async () => {
    const { context, page } = await newPage();
    // This year's count is public once the secretariat publishes the year (issue 10.1): it does so on its page.
    const year = systemClock.todayInTokyo().slice(0, 4);
    await login(page, 'ichi-secretariat', '/staff/cities/ichinoseki/publication');
    await page.click(`form:has(input[name="year"][value="${year}"]):has(input[name="published"][value="true"]) button`);
    await page.waitForLoadState();
    expect(await page.textContent('main')).toContain(year);
    const kpi = (await server.ctx.store.get('ichinoseki'))!.kpis.find((k) => k.id === 'sdgs-platform-groups')!;
    const latest = kpi.observations.at(-1)!;
    // The published 22 (2024-08) plus the partner approved above; sample partners never count (issue 10.5).
    expect(latest).toMatchObject({ value: 23, source: 'system-computed', note: expect.stringContaining('本システムでの新規登録 1') });
    await page.goto(`${server.url}/cities/ichinoseki/kpis/sdgs-platform-groups`);
    expect(await page.textContent('main')).toMatch(/23\s*団体/);
    await page.screenshot({ path: `${SHOTS}kpi.png`, fullPage: false });
    await context.close();
  });

  it('every other public partner page type is axe-clean', async () => {
    const { context, page } = await newPage();
    for (const path of ['/partners', '/cities/tsukuba/partners', '/cities/kanazawa/partners', '/cities/tsukuba/partners/events', '/cities/tsukuba/partners/awards', '/cities/ichinoseki/partners/dispatch', '/cities/ichinoseki/partners/directory?lang=en']) {
      await page.goto(server.url + path);
      await expectAxeClean(page);
    }
    await page.goto(`${server.url}/cities/tsukuba/partners`);
    await page.screenshot({ path: `${SHOTS}programme.png`, fullPage: true });
    await context.close();
  });
});
