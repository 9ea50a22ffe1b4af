import type { Browser } from 'playwright-core';
import { launchChromium } from './chromium.ts';

/** What the printed footer says on every page: left and right texts, the page number between. */
export interface PdfFooter {
  readonly left: string;
  readonly right: string;
}

/**
 * Prints self-contained HTML pages to PDF (A4 landscape) with Debian's Chromium. One browser is
 * launched on first use and shared by later prints; it closes itself after `idleMs` without a
 * print, so an idle server holds no browser. Text stays text: Chromium embeds subsets of the
 * system fonts (Noto Sans CJK JP), so the PDF is searchable and selectable.
 */
export class PdfPrinter {
  private browser: Promise<Browser> | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private active = 0;

  constructor(private readonly idleMs = 60_000) {}

  async print(html: string, footer: PdfFooter): Promise<Uint8Array> {
    this.active++;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    try {
      const browser = await this.ensureBrowser();
      const page = await browser.newPage();
      try {
        await page.setContent(html, { waitUntil: 'load' });
        // Wait until the web fonts the page asked for are laid out (evaluated in the page).
        await page.evaluate('document.fonts.ready.then(() => true)');
        const pdf = await page.pdf({
          format: 'A4',
          landscape: true,
          printBackground: true,
          preferCSSPageSize: true,
          displayHeaderFooter: true,
          headerTemplate: '<span></span>',
          footerTemplate: footerTemplate(footer),
          margin: { top: '10mm', bottom: '14mm', left: '10mm', right: '10mm' },
        });
        return new Uint8Array(pdf);
      } finally {
        await page.close();
      }
    } finally {
      this.active--;
      this.scheduleIdleClose();
    }
  }

  /** Closes the browser now (tests, shutdown). */
  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const b = this.browser;
    this.browser = null;
    if (b) await (await b).close();
  }

  private ensureBrowser(): Promise<Browser> {
    if (!this.browser) {
      const launched = launchChromium();
      this.browser = launched;
      launched.catch(() => {
        if (this.browser === launched) this.browser = null;
      });
    }
    return this.browser;
  }

  private scheduleIdleClose(): void {
    if (this.active > 0 || !this.browser) return;
    this.idleTimer = setTimeout(() => void this.close(), this.idleMs);
    this.idleTimer.unref();
  }
}

function footerTemplate(f: PdfFooter): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<div style="font-family:'Noto Sans CJK JP',sans-serif;font-size:8px;width:100%;padding:0 10mm;display:flex;justify-content:space-between;color:#333">
<span>${esc(f.left)}</span><span><span class="pageNumber"></span> / <span class="totalPages"></span></span><span>${esc(f.right)}</span></div>`;
}
