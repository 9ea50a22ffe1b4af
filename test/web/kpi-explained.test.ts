import { SaxesParser } from 'saxes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordActuals } from '../../src/actuals/record-actual.command.ts';
import { createKpi } from '../../src/kpis/kpi.commands.ts';
import { explainedKpi } from '../fixtures/explained-kpi.ts';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { createApp } from '../../src/web/app.tsx';

/*
 * Issue 15.2: every KPI explained — definition, data source and provider, update frequency, the
 * department, the method and formula, what was revised and why, the last update (JST), and the
 * documents that printed the KPI with the figure each printed; on the page (ja, en) and in the
 * API; only what the public may see.
 */

let ctx: AppContext;
let app: ReturnType<typeof createApp>;
const HOSTILE = '<script>alert(1)</script>"\'&';

beforeAll(async () => {
  ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: true, inMemory: true }, { announce: () => {} });
  app = createApp({ db: ctx.db, store: ctx.store });
  const created = await createKpi(ctx.db, ctx.store, explainedKpi(HOSTILE));
  expect(created.ok).toBe(true);
}, 120_000);
afterAll(() => ctx.close());

const page = async (path: string) => {
  const res = await app.request(path);
  return { status: res.status, text: await res.text() };
};
const visible = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/\s+/g, ' ');
/** The text of the "About this KPI" section. */
const about = (html: string) => visible(/<section aria-labelledby="about-h">([\s\S]*?)<\/section>/.exec(html)![1]!);
const api = async (path: string) => (await app.request(path)).json() as Promise<Record<string, unknown>>;

describe('every KPI explained (issue 15.2)', () => {
  it('shows what staff stated when creating the KPI, the method and formula, in Japanese', async () => {
    const r = await page('/cities/ichinoseki/kpis/explained-kpi');
    expect(r.status).toBe(200);
    const a = about(r.text);
    expect(a).toContain(`定義 市内で新たに就農した人の数${HOSTILE}`);
    expect(a).toContain('データの出典 農業委員会の新規就農者調査');
    expect(a).toContain('提供元 一関市農政課');
    expect(a).toContain('更新頻度 毎年（毎年度）');
    expect(a).toContain('達成度（％）＝ 実績値 ÷ 目標値 × 100');
    expect(a).toContain('目標値の改訂 なし');
    // The creation entered the target's value: the last update is that moment, in JST.
    expect(a).toMatch(/最終更新 \d{4}-\d{2}-\d{2} \d{2}:\d{2} JST/);
    // Hostile text is text, never markup.
    expect(r.text).not.toContain('<script>alert(1)');
    expect(r.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(r.text).toMatch(/<dl class="about">/);
  });

  it('hostile text in the name stays text in the chart files and the embed page (well-formed SVG, no markup)', async () => {
    const svg = await (await app.request('/cities/ichinoseki/kpis/explained-kpi/chart.svg')).text();
    let title = '';
    let inTitle = false;
    const parser = new SaxesParser({ xmlns: true });
    parser.on('error', (e) => {
      throw e;
    });
    parser.on('opentag', (t) => (inTitle = t.local === 'title'));
    parser.on('text', (t) => {
      if (inTitle) title += t;
    });
    parser.on('closetag', () => (inTitle = false));
    parser.write(svg).close();
    expect(title).toBe(`説明つき指標${HOSTILE}（一関市）`);
    expect(svg).not.toContain('<script');
    const png = new Uint8Array(await (await app.request('/cities/ichinoseki/kpis/explained-kpi/chart.png')).arrayBuffer());
    expect([...png.slice(1, 4)]).toEqual([0x50, 0x4e, 0x47]);
    const embed = await (await app.request('/cities/ichinoseki/kpis/explained-kpi/embed')).text();
    expect(embed).not.toContain('<script');
    expect(embed).toContain('&lt;script&gt;');
  });

  it('in English too, and says "not stated" where staff left a field empty', async () => {
    const r = await page('/cities/ichinoseki/kpis/new-farmers?lang=en');
    const a = about(r.text);
    expect(a).toContain('About this KPI');
    expect(a).toContain('Definition Not stated');
    expect(a).toContain('Provider Not stated');
    expect(a).toContain('Formula achievement (%) = (actual − baseline) / (target − baseline) × 100');
    expect(a).toMatch(/Last updated \d{4}-\d{2}-\d{2} \d{2}:\d{2} JST/);
  });

  it('lists the target revisions with their reasons (Tsukuba 150 → 165 店舗)', async () => {
    const kpis = (await ctx.store.get('tsukuba'))!.kpis;
    const revised = kpis.find((k) => k.targets.some((t) => t.revisions.length > 0))!;
    const r = await page(`/cities/tsukuba/kpis/${revised.id}`);
    expect(about(r.text)).toContain('目標値の改訂 1件');
    expect(visible(r.text)).toContain('2024年度の目標値を150店舗から165店舗に上乗せする');
    const body = await api(`/api/v1/cities/tsukuba/kpis/${revised.id}`);
    expect((body['about'] as Record<string, unknown>)['revision_count']).toBe(1);
  });

  it('lists the documents that printed the KPI, with the figures each printed', async () => {
    const r = await page('/cities/ichinoseki/kpis/new-products-technologies');
    const section = visible(/<section aria-labelledby="src-h">([\s\S]*?)<\/section>/.exec(r.text)![1]!);
    expect(section).toContain('この指標を掲載した資料');
    // Ichinoseki's progress sheet printed 345.2 % for 163 件 against 60 件.
    expect(section).toMatch(/達成度 345\.2 ?%/);
    expect(section).toContain('実績 163 件');
    const body = await api('/api/v1/cities/ichinoseki/kpis/new-products-technologies');
    const docs = body['as_published_in'] as { document: string | null; title: string; figures: { kind: string; printed: string | null; value: number | null }[] }[];
    expect(docs.length).toBeGreaterThan(0);
    expect(docs[0]!.document).toBe('ichinoseki-progress-sheet-2024-09');
    expect(docs.flatMap((d) => d.figures)).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'actual', value: 163 }), expect.objectContaining({ kind: 'rate' })]));
  });

  it('the API holds the same metadata in snake_case, the last update as an instant and in JST', async () => {
    const body = await api('/api/v1/cities/ichinoseki/kpis/explained-kpi');
    expect(body['about']).toEqual({
      definition: `市内で新たに就農した人の数${HOSTILE}`,
      data_source: '農業委員会の新規就農者調査',
      data_provider: '一関市農政課',
      update_frequency: 'yearly',
      department: null,
      method: 'ratio',
      direction: 'up',
      formula: { ja: '達成度（％）＝ 実績値 ÷ 目標値 × 100', en: 'achievement (%) = actual / target × 100' },
      revision_count: 0,
      last_updated: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      last_updated_jst: expect.stringMatching(/ JST$/),
    });
  });

  it('a correction waiting for review moves neither the figures nor the last update', async () => {
    const before = (await api('/api/v1/cities/ichinoseki/kpis/new-farmers'))['about'] as { last_updated: string };
    const observationsBefore = (await api('/api/v1/cities/ichinoseki/kpis/new-farmers'))['observations'];
    await new Promise((r) => setTimeout(r, 5));
    const written = await recordActuals(ctx.db, ctx.store, { cityId: 'ichinoseki', actor: 'test', rows: [{ kpiId: 'new-farmers', input: { at: '2023年度', value: '999' } }] });
    expect(written.ok).toBe(true);
    const after = await api('/api/v1/cities/ichinoseki/kpis/new-farmers');
    expect((after['about'] as { last_updated: string }).last_updated).toBe(before.last_updated);
    expect(after['observations']).toEqual(observationsBefore);
    expect(visible(await (await app.request('/cities/ichinoseki/kpis/new-farmers')).text())).not.toContain('999 人');
  });

  it('refuses bad metadata at creation with the field named, and writes nothing', async () => {
    const r = await createKpi(ctx.db, ctx.store, {
      cityId: 'ichinoseki',
      actor: 'test',
      kpi: { kpiId: 'bad-meta', name: 'x', unit: '人', side: 'none', aggregation: 'snapshot', method: 'ratio', baselineAt: '2020年', baselineValue: '1', targets: '2025年 2', updateFrequency: 'hourly', dataProvider: 'x'.repeat(301) },
    });
    expect(r.ok).toBe(false);
    if (!r.ok && 'errors' in r) expect(Object.keys(r.errors ?? {})).toEqual(expect.arrayContaining(['updateFrequency', 'dataProvider']));
    expect((await page('/cities/ichinoseki/kpis/bad-meta')).status).toBe(404);
  });
});
