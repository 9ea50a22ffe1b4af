import { mkdirSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../src/formats/pdf/chromium.ts';
import { axeViolations } from '../support/axe.ts';
import { startTestServer, type TestServer } from '../support/web-server.ts';
import { loggedInPage, makeUser } from './staff-helpers.ts';

/*
 * Issue 13.2 in a real browser (Debian's Chromium through playwright-core): a secretariat user
 * builds a plan with three levels and five KPIs, a refused KPI form keeps its input and says
 * what is wrong next to the field, versions 策定 and 改訂 are recorded and their 新旧対照表 shown
 * and downloaded; every page axe-clean. Screenshots in test-artifacts/plans/.
 */

let server: TestServer;
let browser: Browser;
const ARTIFACTS = new URL('../../test-artifacts/plans/', import.meta.url);

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
  await makeUser(server.ctx, 'plan-sec', 'kanazawa', 'secretariat');
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function axeClean(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: new URL(`${name}.png`, ARTIFACTS).pathname, fullPage: true });
  expect(await axeViolations(page)).toEqual([]);
}

/** The block of a node on the plan page, by its heading. */
function nodeBlock(page: Page, heading: string): Locator {
  return page.locator('.plan-node', { has: page.locator('h3', { hasText: heading }) });
}

async function submitIn(page: Page, details: Locator, fields: Record<string, string>, selects: Record<string, string> = {}): Promise<void> {
  if (!(await details.evaluate((d) => (d as unknown as { open: boolean }).open))) await details.locator('summary').click();
  for (const [name, value] of Object.entries(fields)) await details.locator(`[name="${name}"]`).fill(value);
  for (const [name, value] of Object.entries(selects)) await details.locator(`select[name="${name}"]`).selectOption(value);
  await Promise.all([page.waitForLoadState('load'), page.waitForEvent('framenavigated'), details.locator('button[type=submit]').last().click()]);
}

describe('a secretariat builds a plan in the browser (issue 13.2, 13.6)', () => {
  it('creates a plan, three levels, five KPIs; versions and the 新旧対照表; axe-clean', async () => {
    const page = await loggedInPage(browser, server.url, 'plan-sec');
    await page.goto(`${server.url}/staff/cities/kanazawa/plans`);
    await axeClean(page, 'plan-list');
    // A bad period first: the form comes back with the input and the problem next to the field.
    await page.fill('#f-plan-create-planId', 'sdgs-3');
    await page.fill('#f-plan-create-title', '金沢市SDGs未来都市計画（第3期）');
    await page.fill('#f-plan-create-periodStart', '2026');
    await page.fill('#f-plan-create-periodEnd', '2024');
    await Promise.all([page.waitForEvent('framenavigated'), page.click('button:has-text("作成する")')]);
    expect(await page.textContent('#f-plan-create-periodEnd-error')).toContain('開始年度は終了年度以前');
    expect(await page.inputValue('#f-plan-create-title')).toBe('金沢市SDGs未来都市計画（第3期）');
    await axeClean(page, 'plan-create-error');
    await page.fill('#f-plan-create-periodEnd', '2028');
    await Promise.all([page.waitForURL(/\/plans\/sdgs-3\?notice=/), page.click('button:has-text("作成する")')]);
    expect(await page.textContent('.notice')).toContain('計画を作成しました');

    // Three levels: goal → policy → initiative.
    const root = page.locator('details', { has: page.locator('summary', { hasText: /^項目を追加$/ }) });
    await submitIn(page, root, { code: '1', title: '経済：地域産業の活性化' }, { kind: 'goal' });
    await submitIn(page, nodeBlock(page, '1 経済').locator('details', { has: page.locator('summary', { hasText: '下位の項目を追加' }) }), { code: '1-1', title: '金沢産材の活用' }, { kind: 'policy' });
    await submitIn(page, nodeBlock(page, '1-1 金沢産材').locator('details', { has: page.locator('summary', { hasText: '下位の項目を追加' }) }), { code: '1-1-1', title: '森林資源の循環利用', description: '間伐材の供給' }, { kind: 'initiative' });
    expect(await page.locator('.plan-node h3').allTextContents()).toEqual(['1 経済：地域産業の活性化', '1-1 金沢産材の活用', '1-1-1 森林資源の循環利用']);

    // Five KPIs in the initiative; the one whose target is below its baseline asks for the direction.
    const kpiForm = () => nodeBlock(page, '1-1-1 森林').locator('details', { has: page.locator('summary', { hasText: 'KPIを作成' }) });
    const kpis = [
      { name: '金沢産材供給量', unit: 'm³', baselineAt: '2021年度', baselineValue: '6,657', targets: '2025年度 2,500', down: true },
      { name: '森林ボランティア参加者数', unit: '人', baselineAt: '2021年度', baselineValue: '120', targets: '2025年度 300' },
      { name: '間伐面積', unit: 'ha', baselineAt: '2021年度', baselineValue: '210', targets: '2025年度 260' },
      { name: '木育イベント開催数', unit: '回', baselineAt: '2021年度', baselineValue: '4', targets: '2025年度 10' },
      { name: '木造公共施設数※累計', unit: '施設', baselineAt: '2021年度', baselineValue: '2', targets: '2025年度 6\n2028年度 9' },
    ];
    for (const k of kpis) {
      await submitIn(page, kpiForm(), { name: k.name, unit: k.unit, baselineAt: k.baselineAt, baselineValue: k.baselineValue, targets: k.targets }, { side: 'environment' });
      if (k.down) {
        const error = await page.locator('[id$="-direction-error"]').textContent();
        expect(error).toContain('小さいほどよい');
        expect(await kpiForm().locator('[name="name"]').inputValue()).toBe(k.name);
        await axeClean(page, 'kpi-direction-asked');
        await submitIn(page, kpiForm(), {}, { direction: 'down' });
      }
      expect(await page.textContent('.notice')).toContain('KPIを作成しました');
    }
    const rows = await nodeBlock(page, '1-1-1 森林').locator('table.data tbody th a').allTextContents();
    expect(rows).toEqual(kpis.map((k) => k.name));
    await axeClean(page, 'plan-built');

    // 策定, a change, 改訂 with its reason, then the 新旧対照表.
    const versions = page.locator('section[aria-labelledby=versions]');
    await versions.locator('#f-version-date').fill('2025-03-31');
    await Promise.all([page.waitForEvent('framenavigated'), versions.locator('button:has-text("この内容で版を記録する")').click()]);
    expect(await page.textContent('.notice')).toContain('版を記録しました');
    await nodeBlock(page, '1-1-1 森林').locator('tr', { hasText: '間伐面積' }).locator('button:has-text("この項目から外す")').click();
    await page.waitForURL(/notice=plans.kpiDetached/);
    await page.locator('section[aria-labelledby=versions] #f-version-kind').selectOption('revised');
    await page.fill('section[aria-labelledby=versions] #f-version-date', '令和8年3月31日');
    await page.fill('section[aria-labelledby=versions] #f-version-reason', '間伐面積は森林計画で管理するため本計画から外す');
    await Promise.all([page.waitForEvent('framenavigated'), page.click('button:has-text("この内容で版を記録する")')]);
    await Promise.all([page.waitForURL(/\/diff\?/), page.click('button:has-text("表示する")')]);
    const table = await page.textContent('table.data');
    expect(table).toContain('KPIの削除');
    expect(table).toContain('間伐面積は森林計画で管理するため本計画から外す');
    await axeClean(page, 'plan-diff');
    const xlsx = await page.request.get(await page.locator('a:has-text("Excelでダウンロード")').evaluate((a) => (a as unknown as { href: string }).href));
    expect(xlsx.status()).toBe(200);
    expect((await xlsx.body()).subarray(0, 2).toString()).toBe('PK');
    // The public plan page shows the new plan's tree.
    const pub = await browser.newPage();
    await pub.goto(`${server.url}/cities/kanazawa/plans/sdgs-3`);
    expect(await pub.textContent('main')).toContain('金沢産材供給量');
    await pub.close();
    await page.close();
  }, 400_000);
  it('edits a KPI definition after creation in one form, reorders KPI rows with buttons; axe-clean at 1280 and 375 px', async () => {
    const page = await loggedInPage(browser, server.url, 'plan-sec');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${server.url}/staff/cities/kanazawa/plans/sdgs-3`);
    const node = nodeBlock(page, '1-1-1 森林');
    const names = () => node.locator('table.data tbody th a').allTextContents();
    const before = await names();
    // Move the second KPI up with its button (a plain form, no script needed).
    await Promise.all([page.waitForURL(/notice=plans.moved/), node.locator('tr', { hasText: before[1]! }).locator('button:has-text("KPIを上へ")').click()]);
    expect(await names()).toEqual([before[1], before[0], ...before.slice(2)]);
    // Open the edit form from the builder.
    await Promise.all([page.waitForURL(/\/kpis\/[^/#?]+#define$/), node.locator('tr', { hasText: '金沢産材供給量' }).locator('a:has-text("編集")').click()]);
    const form = page.locator('section[aria-labelledby=define] form');
    expect(await page.inputValue('#f-define-baselineAt')).toBe('2021年度');
    await page.fill('#f-define-definition', '市内の製材所から出荷された金沢産材の材積（年度計）');
    await page.fill('#f-define-dataSource', '金沢市森林再生課調べ');
    await page.fill('#f-define-sdgTargets', '15.2, 99.9');
    await page.selectOption('#f-define-method', 'ratio');
    await Promise.all([page.waitForEvent('framenavigated'), form.locator('button[type=submit]').click()]);
    // Refused: the problem next to the field, every input kept.
    expect(await page.textContent('#f-define-sdgTargets-error')).toBeTruthy();
    expect(await page.inputValue('#f-define-definition')).toBe('市内の製材所から出荷された金沢産材の材積（年度計）');
    expect(await page.inputValue('#f-define-method')).toBe('ratio');
    await axeClean(page, 'kpi-edit-error-1280');
    await page.setViewportSize({ width: 375, height: 800 });
    await axeClean(page, 'kpi-edit-error-375');
    await page.fill('#f-define-sdgTargets', '15.2, 12.5');
    await page.fill('#f-define-reason', '第3期計画の指標定義書に合わせる');
    await Promise.all([page.waitForURL(/notice=staff.saved/), page.locator('section[aria-labelledby=define] form button[type=submit]').click()]);
    expect(await page.inputValue('#f-define-definition')).toBe('市内の製材所から出荷された金沢産材の材積（年度計）');
    expect(await page.inputValue('#f-define-dataSource')).toBe('金沢市森林再生課調べ');
    expect(await page.inputValue('#f-define-sdgTargets')).toBe('15.2, 12.5');
    expect(await page.inputValue('#f-define-method')).toBe('ratio');
    // The direction stated at creation stays as chosen.
    expect(await page.isChecked('input[name="direction"][value="down"]')).toBe(true);
    await axeClean(page, 'kpi-edit-saved-375');
    await page.setViewportSize({ width: 1280, height: 900 });
    await axeClean(page, 'kpi-edit-saved-1280');
    await page.close();
  }, 300_000);
});

