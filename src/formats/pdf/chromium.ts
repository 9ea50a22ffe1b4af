import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium; nothing downloads a browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** The flags this workplace's closed network and root user need. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

/** Launches Debian's Chromium through playwright-core (for PDF printing, screenshots and browser tests). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS], headless: true });
}
