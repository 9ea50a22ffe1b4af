import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../src/formats/pdf/chromium.ts';
import { axeViolations } from '../support/axe.ts';
import { startTestServer, type TestServer } from '../support/web-server.ts';

/*
 * Issue 15.4 in Chromium: a page of another origin frames the KPI chart's embed page, which
 * loads; the same page framing a normal page is refused (frame-ancestors 'none', X-Frame-Options
 * DENY). Without JavaScript, as the public site works; the open details shows the data table.
 */

let server: TestServer;
let browser: Browser;
let other: Server;
let otherUrl = '';

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
  // Another origin (another host name and port) whose page frames ours.
  other = createServer((req, res) => {
    const src = new URL(req.url ?? '/', 'http://x').searchParams.get('src') ?? '';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><title>host</title><iframe id="f" title="framed" width="800" height="600" src="${server.url}${src.replace(/"/g, '')}"></iframe></html>`);
  });
  await new Promise<void>((r) => other.listen(0, 'localhost', r));
  otherUrl = `http://localhost:${(other.address() as AddressInfo).port}`;
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await new Promise<void>((r) => (other ? other.close(() => r()) : r()));
});

/** Opens the other origin's page framing `src` (JavaScript off); returns the frame's h1 text, or null when our page did not load in it. */
async function framed(src: string): Promise<string | null> {
  const context = await browser.newContext({ javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await page.goto(`${otherUrl}/?src=${encodeURIComponent(src)}`);
    const frame = await (await page.waitForSelector('#f')).contentFrame();
    await page.waitForTimeout(300);
    if (!frame) return null;
    await frame.waitForLoadState('load').catch(() => undefined);
    // A refused frame shows Chromium's error page (chrome-error://…, "127.0.0.1 is blocked"), not ours.
    if (!frame.url().startsWith(server.url)) return null;
    const h1 = frame.locator('h1');
    return (await h1.count()) > 0 ? await h1.first().innerText() : null;
  } finally {
    await context.close();
  }
}

describe('framing (issue 15.4)', () => {
  it('another origin frames the embed page: it loads with the chart', async () => {
    expect(await framed('/cities/ichinoseki/kpis/new-farmers/embed')).toBe('新規就農者数※累計');
    expect(await framed('/cities/ichinoseki/kpis/new-farmers/embed?lang=en')).toMatch(/farmer/i);
  });

  it('the same page framing a normal page is refused', async () => {
    expect(await framed('/cities/ichinoseki/kpis/new-farmers')).toBeNull();
    expect(await framed('/cities/ichinoseki')).toBeNull();
  });

  it('the embed page works without JavaScript: its data table opens, axe-clean at 375 px', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 375, height: 700 } });
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}/cities/tsukuba/kpis/new-business-founders/embed`);
      expect(await page.isVisible('.chart-narrow svg')).toBe(true);
      expect(await page.isVisible('table')).toBe(false);
      await page.click('summary');
      expect(await page.isVisible('table')).toBe(true);
    } finally {
      await context.close();
    }
    const page = await browser.newPage({ viewport: { width: 375, height: 700 } });
    try {
      await page.goto(`${server.url}/cities/tsukuba/kpis/new-business-founders/embed?lang=en`);
      await page.click('summary');
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
