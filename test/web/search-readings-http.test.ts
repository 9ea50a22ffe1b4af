import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { createApp } from '../../src/web/app.tsx';

/*
 * Issue 15.5 through the public site, in the Japanese and the English UI: search finds what
 * people type — 「農業」 finds 農林水産業 and 新規就農者数, kana finds kanji by its reading
 * (しゅうのう → 就農) — in KPIs, plan items (nodes), plans and the partner directory.
 * The analyser's own cases are in src/search/japanese-analyser.test.ts and
 * src/search/search.service.test.ts; the partner index on both databases in
 * src/partners/partner-search.storage.test.ts.
 */

let ctx: AppContext;
let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: true, inMemory: true }, { announce: () => {} });
  app = createApp({ db: ctx.db, store: ctx.store });
}, 120_000);
afterAll(() => ctx.close());

type Hit = { kind: string; city: string; kpi: string | null; node: string | null; plan: string | null; title: string };
type Results = { total: number; kpis: Hit[]; plans: Hit[]; nodes: Hit[] };
const api = async (q: string, lang: 'ja' | 'en' = 'ja') => (await (await app.request(`/api/v1/search?q=${encodeURIComponent(q)}&lang=${lang}`)).json()) as Results;
const page = async (path: string) => {
  const r = await app.request(path);
  expect(r.status, path).toBe(200);
  return (await r.text()).replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');
};
/** 1-1 農林水産業 of Ichinoseki's latter basic plan (English title in the English UI). */
const FARMING_NODE = 'ichinoseki-latter-basic-plan-2021/n2-1-1';
const LANGS = [
  ['ja', ''],
  ['en', '&lang=en'],
] as const;

describe('cross-city search (/search, /api/v1/search)', () => {
  for (const [lang, suffix] of LANGS) {
    it(`「農業」 finds 新規就農者数 (KPI), 1-1 農林水産業 (plan item) and a plan writing 農畜産物 (${lang})`, async () => {
      const r = await api('農業', lang);
      expect(r.kpis.map((h) => `${h.city}/${h.kpi}`)).toContain('ichinoseki/new-farmers');
      expect(r.nodes.map((h) => `${h.plan}/${h.node}`)).toContain(FARMING_NODE);
      expect(r.plans.map((h) => h.plan)).toContain('ichinoseki-sdgs-future-city-1');
      const html = await page(`/search?q=${encodeURIComponent('農業')}${suffix}`);
      expect(html).toContain('新規就農者数');
      expect(html).toContain('1-1 農林水産業');
      expect(html).toContain(lang === 'ja' ? '「農業」の検索結果' : 'Search results for "農業"'.replace(/"/g, '&quot;'));
    });

    it(`kana finds kanji by its reading: しゅうのう/シュウノウ → 就農, のうりんすいさん → 農林水産業, みらいとし → 未来都市 (${lang})`, async () => {
      for (const q of ['しゅうのう', 'シュウノウ', 'ｼｭｳﾉｳ']) expect((await api(q, lang)).kpis.map((h) => h.kpi), q).toContain('new-farmers');
      expect((await api('のうりんすいさん', lang)).nodes.map((h) => `${h.plan}/${h.node}`)).toContain(FARMING_NODE);
      expect((await api('みらいとし', lang)).plans.map((h) => h.city).sort()).toEqual(['ichinoseki', 'kanazawa', 'tsukuba']);
      // The English UI shows the Japanese title under the English one, since only its reading matched.
      const html = await page(`/search?q=${encodeURIComponent('しゅうのう')}${suffix}`);
      expect(html).toContain('新規就農者数');
      expect(html).toContain(lang === 'ja' ? '「しゅうのう」に 1 件見つかりました。' : '1 result for &quot;しゅうのう&quot;.');
    });
  }

  for (const [lang, suffix] of LANGS) {
    it(`kana for a word no text writes finds what its kanji finds: のうぎょう/ノウギョウ → 農業 → 新規就農者数, 1-1 農林水産業 (${lang})`, async () => {
      const kanji = await api('農業', lang);
      for (const q of ['のうぎょう', 'ノウギョウ']) {
        const r = await api(q, lang);
        expect(r.kpis.map((h) => `${h.city}/${h.kpi}`), q).toContain('ichinoseki/new-farmers');
        expect(r.nodes.map((h) => `${h.plan}/${h.node}`), q).toContain(FARMING_NODE);
        expect(r.total, q).toBe(kanji.total);
      }
      const html = await page(`/search?q=${encodeURIComponent('のうぎょう')}${suffix}`);
      expect(html).toContain('新規就農者数');
      expect(html).toContain('1-1 農林水産業');
    });
  }

  for (const [lang, suffix] of LANGS) {
    it(`a reading is found as whole words only, counted as listed, and marked where it is written (${lang})`, async () => {
      // いじゅう is also in にんていじゅうたく (認定住宅) and ぜっかんじゅうりょう… read across words: not hits.
      for (const q of ['いじゅう', '移住']) {
        const r = await api(q, lang);
        expect([r.total, r.kpis.length, r.plans.length, r.nodes.map((h) => h.node)], q).toEqual([1, 0, 0, ['n2-2-6']]);
        const html = await page(`/search?q=${encodeURIComponent(q)}${suffix}`);
        expect(html, q).toContain(lang === 'ja' ? `「${q}」に 1 件見つかりました。` : `1 result for &quot;${q}&quot;.`);
        expect(html, q).not.toContain('認定住宅数');
      }
      // Brackets and marks around the word, particles between words: as without them.
      for (const q of ['「いじゅう」', 'いじゅう？', 'いじゅう の']) expect((await api(q, lang)).nodes.map((h) => h.node), q).toEqual(['n2-2-6']);
      // Two kana read only across words in the seed texts: nothing, said so.
      expect((await api('はし', lang)).total).toBe(0);
      expect(await page(`/search?q=${encodeURIComponent('はし')}${suffix}`)).toContain(lang === 'ja' ? '見つかりませんでした' : 'Nothing matches &quot;はし&quot;.');
      // The word read in kana is marked in the Japanese title (the snippet under the English title).
      const html = await (await app.request(`/search?q=${encodeURIComponent('しゅうのう')}${suffix}`)).text();
      expect(html).toContain('新規<mark>就農</mark>者数');
    });
  }

  it('a reading that is no word of the data finds nothing, said so in both languages', async () => {
    expect((await api('ぴょんぴょこ')).total).toBe(0);
    expect(await page(`/search?q=${encodeURIComponent('ぴょんぴょこ')}`)).toContain('見つかりませんでした');
    expect(await page(`/search?q=${encodeURIComponent('ぴょんぴょこ')}&lang=en`)).toContain('Nothing matches &quot;ぴょんぴょこ&quot;.');
  });
});

describe('the partner directory (/cities/:city/partners/directory)', () => {
  for (const [lang, suffix] of LANGS) {
    it(`「農業」, 「のうぎょう」, 「のうか」 and 「たいひ」 find the partner seeking 農家 and making 堆肥 (${lang})`, async () => {
      for (const q of ['農業', 'のうぎょう', 'のうか', 'ノウカ', 'たいひ', '「のうぎょう」', 'たいひ？', 'たいひ の のうか']) {
        const html = await page(`/cities/tsukuba/partners/directory?q=${encodeURIComponent(q)}${suffix}`);
        expect(html, q).toContain('つくばコンポストネット（サンプル）');
        expect(html, q).not.toContain('研究学園サイエンスラボ株式会社（サンプル）');
      }
    });
  }

  it('a query over 100 characters: the page searches its first 100 and says so; the API refuses it naming the field', async () => {
    const long = `新規就農${'あ'.repeat(96)}ゑ${'い'.repeat(20)}`;
    for (const [lang, suffix] of LANGS) {
      const html = await page(`/search?q=${encodeURIComponent(long)}${suffix}`);
      expect(html).toContain(lang === 'ja' ? '検索語は100文字までです。先頭の100文字で検索しました。' : 'A search is at most 100 characters: these are the results for the first 100.');
      expect(html).not.toContain('ゑ');
    }
    // Exactly 100 characters: searched whole, no note.
    const exact = await page(`/search?q=${encodeURIComponent('あ'.repeat(100))}`);
    expect(exact).not.toContain('100文字まで');
    const r = await app.request(`/api/v1/search?q=${encodeURIComponent(long)}`);
    expect(r.status).toBe(400);
    expect(((await r.json()) as { detail: string }).detail).toBe('q: at most 100 characters');
  });
});
