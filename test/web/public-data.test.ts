import { unzipSync, strFromU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { createApp } from '../../src/web/app.tsx';
import { openApiDocument } from '../../src/web/routes/openapi.ts';

let ctx: AppContext;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: true, inMemory: true }, { announce: () => {} });
  app = createApp({ db: ctx.db, store: ctx.store });
});
afterAll(() => ctx.close());

const get = async (path: string) => {
  const res = await app.request(path);
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get('content-type') ?? '', disposition: res.headers.get('content-disposition') ?? '', bytes, text: new TextDecoder().decode(bytes) };
};
/** Text without tags, for assertions on what a reader sees. */
const visible = (html: string) => html.replace(/<svg[\s\S]*?<\/svg>/g, '').replace(/<[^>]+>/g, '');

describe('KPI page', () => {
  it('shows the chart with a text alternative, the data table, status and how it was reached', async () => {
    const r = await get('/cities/ichinoseki/kpis/co2-reduction-vs-2013');
    expect(r.status).toBe(200);
    expect(r.text).toContain('<h1>二酸化炭素排出削減割合（2013年比）</h1>');
    // Two server-rendered SVG charts (wide and narrow) inside one labelled image.
    expect(r.text.match(/<svg /g)).toHaveLength(2);
    expect(r.text).toContain('role="img" aria-label="当初値 -11.4 %（2018年）から、最新の実績は -21.7 %（2023年）。');
    expect(r.text).toContain('<figcaption>');
    const text = visible(r.text);
    // The data table: every actual with its 和暦.
    expect(text).toContain('2019年令和元年実績-24.6 %');
    expect(text).toContain('2018年平成30年当初値-11.4 %');
    // Status with its calculation record; forecast; the international assessments.
    expect(text).toContain('達成度 151.47% が 100% 以上のため「達成」。');
    expect(text).toContain('当初値からの進捗率（%）');
    expect(text).toContain('国連SDG進捗チャートの方法');
    expect(text).toContain('Open SDGの方法: 目標達成');
  });

  it('lists SDG targets with titles linking to goal pages, commentary by year and source documents', async () => {
    const r = await get('/cities/ichinoseki/kpis/co2-reduction-vs-2013');
    expect(r.text).toContain('href="/sdgs/13#target-13.3"');
    expect(r.text).toContain('href="/sdgs/7"');
    const text = visible(r.text);
    expect(text).toContain('2030年までに、世界のエネルギーミックスにおける再生可能エネルギーの割合を大幅に拡大させる。');
    expect(text).toContain('2023年（令和5年）');
    expect(text).toContain('進捗評価シート表(2)の「2022年実績」欄に、時点2020年として掲載されている値。');
    expect(text).toContain('SDGs未来都市等進捗評価シート');
  });

  it('reconciles the published rates: 114.4 % reproduced, 106.4 % explained as actual / target', async () => {
    const text = visible((await get('/cities/ichinoseki/kpis/co2-reduction-vs-2013')).text);
    // Checked against the figures as of the document (issue 10.6), then the rate on today's data.
    expect(text).toMatch(/114\.4%114\.4%2024-09公表時点の値で照合：実績 -21\.7 %、目標 -20\.4 %再現できた114\.4%現在の実績/);
    expect(text).toMatch(/106\.4%114\.4%2024-09公表時点の値で照合：実績 -21\.7 %、目標 -20\.4 %説明できた公表値は実績÷目標/);
  });

  it('shows target revisions with their reason (Tsukuba, 150 → 165 店舗) in English too', async () => {
    const text = visible((await get('/cities/tsukuba/kpis/local-produce-restaurants-shops?lang=en')).text);
    expect(text).toContain('Target revisions');
    expect(text).toContain('150 店舗 → 165 店舗');
    expect(text).toContain('2024年度の目標値を150店舗から165店舗に上乗せする');
    expect(text).toContain('Restaurants and shops serving or selling local produce');
  });

  it('offers its series as CSV (BOM, Excel) and its detail as JSON; unknown KPIs are 404', async () => {
    const csv = await get('/cities/ichinoseki/kpis/co2-reduction-vs-2013?format=csv');
    expect(csv.type).toContain('text/csv');
    expect(csv.disposition).toContain('attachment; filename="ichinoseki-co2-reduction-vs-2013.csv"');
    expect([...csv.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    // Baseline, actuals and targets (issue 15.3), the 全国地方公共団体コード first, ISO dates beside 和暦.
    expect(csv.text).toMatch(/\r\n032093,ichinoseki,co2-reduction-vs-2013,二酸化炭素排出削減割合（2013年比）,[^\r]*,actual,,2019,令和元年,2019-01-01,2019-12-31,-24.6,/);
    expect(csv.text).toMatch(/,baseline,,2018,平成30年,2018-01-01,2018-12-31,-11.4,/);
    expect(csv.text).toMatch(/,target,/);
    const json = JSON.parse((await get('/cities/ichinoseki/kpis/co2-reduction-vs-2013?format=json')).text);
    expect(json.published_rates.map((p: { verdict: string }) => p.verdict)).toEqual(['reproduced', 'reproduced', 'explained', 'reproduced']);
    expect(json.calculation.status.thresholds).toEqual({ achieved: 100, worsening: 0 });
    expect((await get('/cities/ichinoseki/kpis/atlantis')).status).toBe(404);
    expect((await get('/cities/ichinoseki/kpis/new-farmers?format=xml')).status).toBe(404);
  });
});

describe('plan, city and SDG pages', () => {
  it('filters a plan by side, goal and status with a GET form, and links KPIs', async () => {
    const all = await get('/cities/ichinoseki/plans/ichinoseki-sdgs-future-city-1');
    expect(all.text).toContain('<form method="get" action="/cities/ichinoseki/plans/ichinoseki-sdgs-future-city-1"');
    expect(all.text).toContain('href="/cities/ichinoseki/kpis/new-farmers"');
    const envHtml = (await get('/cities/ichinoseki/plans/ichinoseki-sdgs-future-city-1?side=environment')).text;
    expect(envHtml).toContain('href="/cities/ichinoseki/kpis/co2-reduction-vs-2013"');
    expect(envHtml).not.toContain('href="/cities/ichinoseki/kpis/new-farmers"');
    const env = visible(envHtml);
    expect(env).toMatch(/条件に一致するKPI：4件（全\d+件）/);
    const goal2 = (await get('/cities/ichinoseki/plans/ichinoseki-sdgs-future-city-1?goal=2')).text;
    expect(goal2).toContain('href="/cities/ichinoseki/kpis/new-farmers"');
    expect(goal2).not.toContain('href="/cities/ichinoseki/kpis/co2-reduction-vs-2013"');
    expect(goal2).toContain('<option value="2" selected');
    const none = visible((await get('/cities/ichinoseki/plans/ichinoseki-sdgs-future-city-1?status=worsening&side=economy')).text);
    expect(none).toContain('条件に一致するKPIはありません');
    const csv = await get('/cities/ichinoseki/plans/ichinoseki-sdgs-future-city-1?side=environment&format=csv');
    expect(csv.text.trim().split('\r\n')).toHaveLength(5);
  });

  it('the city page shows headline KPIs, the 17 goals linking to goal pages, and downloads', async () => {
    const r = await get('/cities/ichinoseki');
    expect(r.text).toContain('主要KPI');
    expect(r.text).toContain('href="/sdgs/17"');
    expect(r.text).toContain('href="/cities/ichinoseki/download.zip"');
    expect(r.text).toContain('href="/cities/ichinoseki/kpis?format=csv"');
    const json = JSON.parse((await get('/cities/ichinoseki?format=json')).text);
    expect(json.covered_goals).toEqual(['2', '7', '8', '9', '11', '13', '15', '17']);
  });

  it('an SDG goal page groups every city’s KPIs by target', async () => {
    const text = visible((await get('/sdgs/7')).text);
    expect(text).toContain('ターゲット 7.2');
    expect(text).toContain('二酸化炭素排出削減割合'); // Ichinoseki
    expect(text).toContain('低炭素'); // Tsukuba
    expect(text).toContain('温室効果ガス'); // Kanazawa
    expect((await get('/sdgs/18')).status).toBe(404);
    const overview = visible((await get('/sdgs?lang=en')).text);
    expect(overview).toContain('Affordable and clean energy');
  });
});

describe('compare and search', () => {
  it('compares cities on shared targets and goals', async () => {
    const form = await get('/compare');
    expect(visible(form.text)).toContain('比較する都市を2つ以上選んでください。');
    const r = await get('/compare?cities=ichinoseki&cities=tsukuba');
    expect(r.text).toContain('name="cities" value="tsukuba" checked');
    const text = visible(r.text);
    // Shared targets are one table of counts (a row per target, a count per city).
    expect(r.text).toContain('id="t-9.5"');
    expect(r.text).toMatch(/id="t-7\.2"><th scope="row">7\.2 .*?<\/th><td><a [^>]*>2<\/a><\/td><td><a [^>]*>1<\/a><\/td><\/tr>/);
    expect(text).toContain('共通するターゲットごとの各都市のKPI数');
    const json = JSON.parse((await get('/api/v1/compare?cities=ichinoseki&cities=tsukuba')).text);
    const t72 = json.shared_targets.find((t: { id: string }) => t.id === '7.2');
    expect(t72.columns.map((c: { city: string; kpis: unknown[] }) => [c.city, c.kpis.length])).toEqual([
      ['ichinoseki', 2],
      ['tsukuba', 1],
    ]);
  });

  it('searches Japanese text by kana and kanji fragments, grouped, with <mark>, and says when nothing matches', async () => {
    const r = await get(`/search?q=${encodeURIComponent('ごみ')}`);
    expect(r.status).toBe(200);
    expect(r.text).toContain('<mark>ごみ</mark>');
    const kata = await get(`/search?q=${encodeURIComponent('ばす')}`);
    expect(kata.text).toContain('<mark>バス</mark>');
    const none = visible((await get(`/search?q=${encodeURIComponent('存在しない語句')}`)).text);
    expect(none).toContain('「存在しない語句」に一致するものは見つかりませんでした。');
  });
});

describe('downloads and the API', () => {
  it('the city zip holds every table as CSV (with BOM) and JSON, and a README', async () => {
    const r = await get('/cities/tsukuba/download.zip');
    expect(r.type).toBe('application/zip');
    const files = unzipSync(r.bytes);
    const names = Object.keys(files).sort();
    for (const t of ['kpis', 'observations', 'targets', 'target-revisions', 'plans', 'plan-nodes', 'plan-kpi-rows', 'published-rates', 'documents']) {
      expect(names).toContain(`tsukuba/${t}.csv`);
      expect(names).toContain(`tsukuba/${t}.json`);
    }
    expect(names).toContain('tsukuba/README.txt');
    expect([...files['tsukuba/kpis.csv']!.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const kpis = strFromU8(files['tsukuba/kpis.csv']!);
    expect(kpis.split('\r\n').filter(Boolean)).toHaveLength(24);
    const rates = JSON.parse(strFromU8(files['tsukuba/published-rates.json']!));
    expect(rates.find((x: { kpi_id: string }) => x.kpi_id === 'steam-compass-participants')).toMatchObject({ printed: '219%', verdict: 'reproduced', explanation_kind: 'ratio-method' });
  });

  it('every path of the OpenAPI description answers 200 on the seeded data', async () => {
    const doc = JSON.parse((await get('/api/v1/openapi.json')).text);
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(Object.keys(openApiDocument.paths));
    for (const [path, item] of Object.entries(doc.paths as Record<string, { get: { parameters?: { name: string; in: string; example?: unknown; required?: boolean }[] } }>)) {
      let url = path;
      const query = new URLSearchParams();
      for (const p of item.get.parameters ?? []) {
        if (p.in === 'path') url = url.replace(`{${p.name}}`, String(p.example));
        else if (p.required) for (const v of [p.example].flat()) query.append(p.name, String(v));
      }
      const full = `/api/v1${url}${query.size ? `?${query}` : ''}`;
      const r = await get(full);
      expect(r.status, full).toBe(200);
      expect(r.type, full).toContain('application/json');
    }
  });

  it('answers API mistakes as problems', async () => {
    const r = await get('/api/v1/search?q=');
    expect(r.status).toBe(400);
    expect(r.type).toContain('application/problem+json');
    expect((await get('/api/v1/compare?cities=tsukuba')).status).toBe(400);
    expect((await get('/api/v1/cities/atlantis/kpis')).status).toBe(404);
  });
});

describe('every public page type is reachable from /', () => {
  it('a crawler following links from / finds KPI pages, goal pages, compare, search and downloads', async () => {
    const seen = new Set<string>();
    const queue = ['/'];
    const downloads = new Set<string>();
    while (queue.length > 0 && seen.size < 800) {
      const path = queue.shift()!;
      if (seen.has(path)) continue;
      seen.add(path);
      const r = await get(path);
      expect(r.status, path).toBe(200);
      if (!r.type.includes('text/html')) continue;
      for (const m of r.text.matchAll(/href="([^"#]*)(#[^"]*)?"/g)) {
        const href = m[1]!.replace(/&amp;/g, '&');
        // Other areas (staff, partners) are checked by their own tests; English pages mirror these.
        if (!href.startsWith('/') || href.startsWith('/static/') || href.startsWith('/staff') || href.startsWith('/partners') || href.includes('lang=en')) continue;
        // Filtered and paged variants of a list (goal targets, prefectures, statuses, pages) are the same page type.
        if (/[?&](target|prefecture|status|page|name)=/.test(href)) continue;
        if (/format=(csv|json)|\.zip$|^\/api\//.test(href)) downloads.add(href);
        if (!seen.has(href)) queue.push(href);
      }
    }
    const pages = [...seen];
    expect(pages.some((p) => /^\/cities\/[a-z-]+\/kpis\/[a-z0-9-]+$/.test(p))).toBe(true);
    expect(pages.some((p) => /^\/sdgs\/\d+$/.test(p))).toBe(true);
    expect(pages).toContain('/compare');
    expect(pages).toContain('/search');
    expect(pages).toContain('/data');
    expect([...downloads].some((d) => d.endsWith('/download.zip'))).toBe(true);
    expect([...downloads].some((d) => d.includes('format=csv'))).toBe(true);
    expect([...downloads].some((d) => d.includes('format=json') || d.startsWith('/api/v1/'))).toBe(true);
    // Every KPI of every city has its page in the crawl.
    const kpiPages = pages.filter((p) => /^\/cities\/[a-z-]+\/kpis\/[a-z0-9-]+$/.test(p));
    expect(kpiPages).toHaveLength(9 + 23 + 19);
  }, 240_000);
});
