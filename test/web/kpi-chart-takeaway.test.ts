import { SaxesParser } from 'saxes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { createApp } from '../../src/web/app.tsx';
import { loadConfig } from '../../src/config.ts';

/*
 * Issue 15.4: charts people can take away — SVG and PNG files with sensible names and types,
 * an embeddable page that other sites may frame while every other page stays unframable, and
 * the chart's data table; only the public view, for unknown or foreign KPIs a 404.
 */

let ctx: AppContext;
let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: true, inMemory: true }, { announce: () => {} });
  app = createApp({ db: ctx.db, store: ctx.store });
});
afterAll(() => ctx.close());

/** Parses an XML document; throws on the first well-formedness error. Returns the root element's name and the text of title/desc. */
function parseXml(xml: string): { root: string; title: string; desc: string } {
  const parser = new SaxesParser({ xmlns: true });
  let root = '';
  let inside = '';
  const text: Record<string, string> = { title: '', desc: '' };
  parser.on('error', (e) => {
    throw e;
  });
  parser.on('opentag', (tag) => {
    if (!root) root = tag.local;
    inside = tag.local;
  });
  parser.on('text', (t) => {
    if (inside === 'title' || inside === 'desc') text[inside] += t;
  });
  parser.on('closetag', () => {
    inside = '';
  });
  parser.write(xml).close();
  return { root, title: text['title']!, desc: text['desc']! };
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe('chart files (issue 15.4)', () => {
  it('SVG: a well-formed standalone document named city-kpi.svg, with its title and text alternative', async () => {
    const res = await app.request('/cities/ichinoseki/kpis/new-farmers/chart.svg');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="ichinoseki-new-farmers.svg"');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('link')).toContain('rel="license"');
    const svg = await res.text();
    expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    const doc = parseXml(svg);
    expect(doc.root).toBe('svg');
    expect(doc.title).toBe('新規就農者数※累計（一関市）');
    expect(doc.desc).toContain('最新の実績は 101 人（2023年）');
    expect(svg).not.toMatch(/<script|<style|\son[a-z]+=/i);
  });

  it('SVG in English with ?lang=en', async () => {
    const svg = await (await app.request('/cities/ichinoseki/kpis/new-farmers/chart.svg?lang=en')).text();
    const doc = parseXml(svg);
    expect(doc.title).toMatch(/\(Ichinoseki/);
    expect(doc.desc).toMatch(/latest actual/i);
  });

  it('PNG: a PNG image (signature, IHDR twice the SVG size) named city-kpi.png, without a browser', async () => {
    const res = await app.request('/cities/tsukuba/kpis/new-business-founders/chart.png?lang=en');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="tsukuba-new-business-founders.png"');
    const png = new Uint8Array(await res.arrayBuffer());
    expect([...png.slice(0, 8)]).toEqual(PNG_SIGNATURE);
    const view = new DataView(png.buffer, png.byteOffset);
    expect(String.fromCharCode(...png.slice(12, 16))).toBe('IHDR');
    expect([view.getUint32(16), view.getUint32(20)]).toEqual([1520, 760]);
    expect(png.byteLength).toBeGreaterThan(10_000);
    // Drawn once per data version: the second answer is the same bytes.
    const again = new Uint8Array(await (await app.request('/cities/tsukuba/kpis/new-business-founders/chart.png?lang=en')).arrayBuffer());
    expect(Buffer.from(again).equals(Buffer.from(png))).toBe(true);
  });

  it('the KPI page links to both files, the embed page and its iframe code', async () => {
    const html = await (await app.request('/cities/ichinoseki/kpis/new-farmers?lang=en')).text();
    expect(html).toContain('href="/cities/ichinoseki/kpis/new-farmers/chart.svg?lang=en"');
    expect(html).toContain('href="/cities/ichinoseki/kpis/new-farmers/chart.png?lang=en"');
    expect(html).toContain('href="/cities/ichinoseki/kpis/new-farmers/embed?lang=en"');
    expect(html).toContain('&lt;iframe src=&quot;/cities/ichinoseki/kpis/new-farmers/embed?lang=en&quot;');
    // Without PUBLIC_URL the code holds the path, with the note to put the site's address before it.
    expect(html).toContain('(the site&#39;s address is not configured, so only the path is shown)');
  });

  it('with PUBLIC_URL the iframe code is absolute and titled with the KPI; a forged Host never reaches it', async () => {
    const web = loadConfig({ PUBLIC_URL: 'https://sdgs.city.example.jp/' }).web;
    expect(web.publicUrl).toBe('https://sdgs.city.example.jp');
    const configured = createApp({ db: ctx.db, store: ctx.store, web });
    const ja = await (await configured.request('/cities/ichinoseki/kpis/new-farmers', { headers: { host: 'evil.example' } })).text();
    expect(ja).toContain('&lt;iframe src=&quot;https://sdgs.city.example.jp/cities/ichinoseki/kpis/new-farmers/embed&quot; title=&quot;新規就農者数※累計（一関市）&quot;');
    expect(ja).toContain('次のコードをそのままページに貼り付けてください。');
    expect(ja).not.toContain('evil.example');
    const en = await (await configured.request('/cities/ichinoseki/kpis/new-farmers?lang=en')).text();
    expect(en).toContain('src=&quot;https://sdgs.city.example.jp/cities/ichinoseki/kpis/new-farmers/embed?lang=en&quot;');
    expect(en).toContain('Paste this code into your page as it is.');
    // Without it, a request's Host is not used either (the page is cached for every visitor).
    const plain = await (await app.request('/cities/ichinoseki/kpis/new-farmers', { headers: { host: 'evil.example' } })).text();
    expect(plain).not.toContain('evil.example');
  });

  it('PUBLIC_URL must be an http(s) origin: a path, query, credentials or another scheme stop the start with its name', () => {
    expect(loadConfig({}).web.publicUrl).toBeUndefined();
    expect(loadConfig({ PUBLIC_URL: 'http://localhost:3000' }).web.publicUrl).toBe('http://localhost:3000');
    for (const bad of ['javascript:alert(1)', 'ftp://x.example', 'https://x.example/sdgs', 'https://x.example/?a=1', 'https://u:p@x.example', 'x.example']) {
      expect(() => loadConfig({ PUBLIC_URL: bad }), bad).toThrow(/PUBLIC_URL is invalid/);
    }
  });
});

describe('the embeddable page', () => {
  it('may be framed by any site; every other page may not', async () => {
    const embed = await app.request('/cities/ichinoseki/kpis/new-farmers/embed');
    expect(embed.status).toBe(200);
    const csp = embed.headers.get('content-security-policy') ?? '';
    expect(csp).toContain('frame-ancestors *');
    expect(csp).toContain("script-src 'none'");
    expect(embed.headers.get('x-frame-options')).toBeNull();
    for (const path of ['/cities/ichinoseki/kpis/new-farmers', '/cities/ichinoseki/kpis/new-farmers/chart.svg', '/cities/ichinoseki/kpis/new-farmers/embed/x', '/cities/ichinoseki/kpis/embed', '/staff/login', '/cities/ichinoseki/kpis/new-farmers/embedded']) {
      const res = await app.request(path);
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
    }
  });

  it('holds the chart, its text alternative, the data table under details and a link back (ja and en)', async () => {
    const ja = await (await app.request('/cities/ichinoseki/kpis/new-farmers/embed')).text();
    expect(ja).toContain('<html lang="ja">');
    expect(ja).toMatch(/<div role="img" aria-label="[^"]*101 人/);
    expect(ja).toMatch(/<details><summary>グラフのデータ（表）<\/summary><div class="table-scroll"[^>]*><table><caption id="embed-series-caption">/);
    expect(ja).toContain('<a href="/cities/ichinoseki/kpis/new-farmers" target="_top">');
    expect(ja).not.toContain('class="site-header"');
    const en = await (await app.request('/cities/ichinoseki/kpis/new-farmers/embed?lang=en')).text();
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('href="/cities/ichinoseki/kpis/new-farmers?lang=en" target="_top"');
    expect(en).toMatch(/The chart(&#39;|')s data \(table\)/);
  });
});

describe('attacks', () => {
  it('unknown KPIs, another city’s KPI under this city and unknown cities are 404, never 500', async () => {
    for (const suffix of ['chart.svg', 'chart.png', 'embed']) {
      for (const path of [`/cities/ichinoseki/kpis/no-such-kpi/${suffix}`, `/cities/ichinoseki/kpis/new-business-founders/${suffix}`, `/cities/atlantis/kpis/new-farmers/${suffix}`, `/cities/ichinoseki/kpis/%3Cscript%3E/${suffix}`]) {
        const res = await app.request(path);
        expect(res.status, path).toBe(404);
      }
      // A huge id is refused by the input guard with a message, never drawn or a 500.
      const huge = await app.request(`/cities/ichinoseki/kpis/${'x'.repeat(5000)}/${suffix}`);
      expect([400, 404, 414], suffix).toContain(huge.status);
    }
  });

  it('an unpublished year does not reach the files: the 2024 figure the city did not publish is absent', async () => {
    // Ichinoseki's 2024 is not published (issue 10.1): the files show what the page shows.
    const page = await (await app.request('/cities/ichinoseki/kpis/new-farmers')).text();
    const svg = await (await app.request('/cities/ichinoseki/kpis/new-farmers/chart.svg')).text();
    const desc = parseXml(svg).desc;
    const figcaption = /<figcaption>([^<]*)<\/figcaption>/.exec(page)![1]!;
    expect(desc).toBe(figcaption);
  });

  it('a huge or odd query does not make a 500 or a different file', async () => {
    const res = await app.request(`/cities/ichinoseki/kpis/new-farmers/chart.svg?lang=${'x'.repeat(3000)}&width=999999`);
    expect([200, 400, 414]).toContain(res.status);
  });
});
