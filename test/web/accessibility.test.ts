import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../src/formats/pdf/chromium.ts';
import { axeViolations } from '../support/axe.ts';
import { startTestServer, type TestServer } from '../support/web-server.ts';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** One URL of each public page type; areas add theirs. */
const PAGES = ['/', '/?lang=en', '/cities/ichinoseki', '/cities/tsukuba/plans/tsukuba-sdgs-future-city-2', '/cities/ichinoseki/plans/ichinoseki-latter-basic-plan-2021', '/cities/atlantis'];

describe('JIS X 8341-3 AA (WCAG 2.1 AA): axe-core finds no violations', () => {
  for (const path of PAGES) {
    it(path, async () => {
      const page = await browser.newPage();
      try {
        await page.goto(server.url + path);
        const violations = await axeViolations(page);
        expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
      } finally {
        await page.close();
      }
    });
  }
});
