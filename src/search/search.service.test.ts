import { describe, expect, it } from 'vitest';
import { readSeedCities } from '../formats/plan-data/plan-data.file.ts';
import { loadJapaneseAnalyser } from '../search/japanese-analyser.ts';
import { foldForSearch, localizedFields, queryTerms, readingsOf, searchCandidates, searchCities, termPatterns, type SearchCandidate } from './search.service.ts';

const marked = (segments: readonly { text: string; mark: boolean }[]) => segments.filter((s) => s.mark).map((s) => s.text);

describe('folding Japanese text for search', () => {
  it('folds katakana to hiragana, full-width letters and digits, half-width kana and case', () => {
    expect(foldForSearch('バス停').text).toBe('ばす停');
    expect(foldForSearch('ﾊﾞｽ').text).toBe('ばす');
    expect(foldForSearch('ＳＤＧｓ　２０３０').text).toBe('sdgs2030');
    expect(foldForSearch('金沢 IT 部活').text).toBe('金沢it部活');
  });

  it('remembers where each folded character came from, so matches can be marked as printed', () => {
    const f = foldForSearch('ﾊﾞｽ停');
    // ﾊﾞ is two characters of the original folded into one.
    expect(f.text).toBe('ばす停');
    expect([f.starts[0], f.ends[0]]).toEqual([0, 2]);
    expect([f.starts[2], f.ends[2]]).toEqual([3, 4]);
  });

  it('splits the query at ASCII and full-width spaces', () => {
    expect(queryTerms('新規　就農 ')).toEqual(['新規', '就農']);
    expect(queryTerms('   ')).toEqual([]);
  });
});

describe('searching the seed cities', async () => {
  const cities = await readSeedCities();

  it('finds a KPI by a kanji fragment and marks it', () => {
    const r = searchCities(cities, '就農', 'ja');
    const farmers = r.kpis.find((k) => k.kpi?.id === 'new-farmers');
    expect(farmers?.city.id).toBe('ichinoseki');
    expect(marked(farmers!.title)).toEqual(['就農']);
  });

  it('matches katakana text from a hiragana query and the other way round', () => {
    const hira = searchCities(cities, 'ばす', 'ja');
    expect(hira.kpis.map((k) => k.kpi?.id)).toContain('bus-stop-coverage');
    const kata = searchCities(cities, 'パートナー', 'ja');
    const kata2 = searchCities(cities, 'ぱーとなー', 'ja');
    expect(kata.total).toBeGreaterThan(0);
    expect(kata2.total).toBe(kata.total);
  });

  it('finds plans and plan nodes, and English titles in English', () => {
    const plans = searchCities(cities, '未来都市', 'ja');
    expect(plans.plans.map((p) => p.plan?.id)).toContain('kanazawa-sdgs-future-city-2');
    const nodes = searchCities(cities, '農林水産業', 'ja');
    expect(nodes.nodes.some((n) => n.node?.code === '1-1')).toBe(true);
    const en = searchCities(cities, 'FARMERS', 'en');
    expect(marked(en.kpis.find((k) => k.kpi?.id === 'new-farmers')!.title)).toEqual(['farmers']);
  });

  it('requires every word of a multi-word query, and falls back to bigrams for near misses', () => {
    expect(searchCities(cities, '新規 就農', 'ja').kpis.map((k) => k.kpi?.id)).toEqual(['new-farmers']);
    const near = searchCities(cities, '新規就農者の数', 'ja');
    const hit = near.kpis.find((k) => k.kpi?.id === 'new-farmers');
    expect(hit?.approximate).toBe(true);
  });

  it('finds nothing for text that is nowhere', () => {
    const r = searchCities(cities, 'ぴょんぴょこ', 'ja');
    expect(r.total).toBe(0);
  });
});

describe('finding what people type: readings, words and kanji (issue 15.5)', async () => {
  const cities = await readSeedCities();
  const analyser = await loadJapaneseAnalyser();
  const ids = (r: ReturnType<typeof searchCities>) => [...r.kpis.map((k) => k.kpi?.id), ...r.nodes.map((n) => n.node?.code)];

  it('「農業」 finds 農林水産業 and 新規就農者数 as related hits', () => {
    const r = searchCities(cities, '農業', 'ja', analyser);
    const farmers = r.kpis.find((k) => k.kpi?.id === 'new-farmers');
    expect(farmers?.approximate).toBe(true);
    expect(marked(farmers!.title)).toEqual(['農']);
    const node = r.nodes.find((n) => n.city.id === 'ichinoseki' && n.node?.title.includes('農林水産業'));
    expect(node).toBeDefined();
    // Without the analyser, nothing (as before issue 15).
    expect(ids(searchCities(cities, '農業', 'ja'))).not.toContain('new-farmers');
  });

  it('「しゅうのう」 and 「シュウノウ」 find 就農 by its reading', () => {
    for (const q of ['しゅうのう', 'シュウノウ', 'ｼｭｳﾉｳ']) {
      const hit = searchCities(cities, q, 'ja', analyser).kpis.find((k) => k.kpi?.id === 'new-farmers');
      expect(hit, q).toBeDefined();
      expect(hit!.approximate).toBe(false);
    }
  });

  it('a compound not written as such is found by its words, ranked after exact hits', () => {
    const r = searchCities(cities, '就農者新規', 'ja', analyser);
    expect(r.kpis[0]?.kpi?.id).toBe('new-farmers');
    const exact = searchCities(cities, '就農', 'ja', analyser);
    expect(exact.kpis[0]?.approximate).toBe(false);
  });

  it('kana for a word no text writes finds what its kanji finds: のうぎょう → 農業 → 農林水産業, 新規就農者数', () => {
    for (const q of ['のうぎょう', 'ノウギョウ', 'ﾉｳｷﾞｮｳ']) {
      const r = searchCities(cities, q, 'ja', analyser);
      const farmers = r.kpis.find((k) => k.kpi?.id === 'new-farmers');
      expect(farmers?.approximate, q).toBe(true);
      expect(marked(farmers!.title), q).toEqual(['農']);
      expect(r.nodes.some((n) => n.city.id === 'ichinoseki' && n.node?.title.includes('農林水産業')), q).toBe(true);
      // The same hits as the kanji, in the same order.
      const kanji = searchCities(cities, '農業', 'ja', analyser);
      expect(ids(r), q).toEqual(ids(kanji));
    }
    // Without the analyser, kana is only itself.
    expect(searchCities(cities, 'のうぎょう', 'ja').total).toBe(0);
  });

  it('a compound in kana is found by its words, each by its reading or its kanji, ranked after exact hits', () => {
    const r = searchCities(cities, 'しゅうのうしんき', 'ja', analyser);
    expect(r.kpis[0]?.kpi?.id).toBe('new-farmers');
    expect(r.kpis[0]?.approximate).toBe(true);
    const exact = searchCities(cities, 'しんきしゅうのう', 'ja', analyser);
    expect(exact.kpis[0]?.kpi?.id).toBe('new-farmers');
    expect(exact.kpis[0]?.approximate).toBe(false);
  });

  it('in the English UI, kana finds the same KPIs and shows the Japanese title that matched', () => {
    const r = searchCities(cities, 'のうぎょう', 'en', analyser);
    const farmers = r.kpis.find((k) => k.kpi?.id === 'new-farmers');
    expect(farmers).toBeDefined();
    expect(JSON.stringify(farmers!.snippet ?? farmers!.title)).toContain('就');
  });

  it('keeps finding nothing for text that is nowhere', () => {
    expect(searchCities(cities, 'ぴょんぴょこ', 'ja', analyser).total).toBe(0);
  });
});

describe('readings found as whole words, homophones and marks (issue 15.5, attacked)', async () => {
  const cities = await readSeedCities();
  const analyser = await loadJapaneseAnalyser();
  const titles = (r: ReturnType<typeof searchCities>) => [...r.plans, ...r.kpis, ...r.nodes].map((h) => h.title.map((s) => s.text).join(''));

  it('a reading is found only as whole words, not across two (いじゅう is not in 認定住宅, ぜっかん重量)', () => {
    for (const q of ['いじゅう', 'イジュウ', '移住']) {
      expect(titles(searchCities(cities, q, 'ja', analyser)), q).toEqual(['2-6 移住定住、関係人口、結婚支援']);
    }
    // Two or three kana read across words in many texts (はし: 〜は + 支援; せいか: 〜せい + 化): nothing.
    for (const q of ['はし', 'せいか']) expect(searchCities(cities, q, 'ja', analyser).total, q).toBe(0);
    // Whole words still found inside a compound: こうつう in 公共交通, しゅうのう in 新規就農者数.
    expect(titles(searchCities(cities, 'こうつう', 'ja', analyser))).toContain('2-3 公共交通');
  });

  it('a word read in kana is marked where it is written in kanji, in the title or a snippet, in both languages', () => {
    const ja = searchCities(cities, 'しゅうのう', 'ja', analyser).kpis.find((k) => k.kpi?.id === 'new-farmers')!;
    expect(marked(ja.title)).toEqual(['就農']);
    const en = searchCities(cities, 'しゅうのう', 'en', analyser).kpis.find((k) => k.kpi?.id === 'new-farmers')!;
    expect(en.title.map((s) => s.text).join('')).toBe('New farmers (cumulative)');
    expect(marked(en.snippet!)).toEqual(['就農']);
    // Found in a description only: the snippet shows the word that was read.
    const node = searchCities(cities, 'こうれい', 'ja', analyser).nodes.find((n) => n.node?.title === '広域連携の推進')!;
    expect(marked(node.snippet!)).toEqual(['高齢']);
  });

  it('a kanji word is found by its meaning-carrying kanji as written together (図書館 → 図書, not 図 and 書 apart)', () => {
    expect(termPatterns('図書館', analyser).filter((p) => p.related && !/^[ぁ-ゟ]+$/u.test(p.fragments[0]!)).map((p) => p.fragments)).toEqual([['図書']]);
    for (const q of ['図書館', 'としょかん']) expect(searchCities(cities, q, 'ja', analyser).total, q).toBe(0);
  });

  it('a kanji query finds its homophones by their reading only as related hits, after what writes it (公園, not 講演)', () => {
    const entry = (id: string, title: string): SearchCandidate => ({
      kind: 'kpi',
      city: { id: 'c', name: '市', nameEn: 'City' },
      kpi: { id, name: title },
      fields: localizedFields('ja', title, undefined, undefined, readingsOf(analyser, [title])),
    });
    const r = searchCandidates([entry('lecture', '講演会の開催数'), entry('park', '公園の利用者数')], '公園', analyser);
    expect(r.kpis.map((k) => [k.kpi?.id, k.approximate])).toEqual([
      ['park', false],
      ['lecture', true],
    ]);
    // Typed in kana, both are what was typed.
    expect(searchCandidates([entry('lecture', '講演会の開催数'), entry('park', '公園の利用者数')], 'こうえん', analyser).kpis.every((k) => !k.approximate)).toBe(true);
  });

  it('brackets, marks and emoji typed around a word do not hide it (「のうぎょう」, 農業？, 🌾のうぎょう🌾)', () => {
    const kanji = searchCities(cities, '農業', 'ja', analyser);
    for (const q of ['「のうぎょう」', 'のうぎょう？', '農業？', '🌾のうぎょう🌾', '（しゅうのう）']) {
      const r = searchCities(cities, q, 'ja', analyser);
      expect(r.total, q).toBeGreaterThan(0);
      if (!q.includes('しゅうのう')) expect(titles(r), q).toEqual(titles(kanji));
    }
    expect(marked(searchCities(cities, '（しゅうのう）', 'ja', analyser).kpis[0]!.title)).toEqual(['就農']);
    // Codes keep their marks: 1-1 is not 11.
    expect(termPatterns('1-1', analyser).map((p) => p.fragments)).toEqual([['1-1']]);
  });

  it('particles typed between words are not searched for (こそだて の しえん = こそだて しえん); particles alone are', () => {
    expect(titles(searchCities(cities, 'こそだて の しえん', 'ja', analyser))).toEqual(titles(searchCities(cities, 'こそだて しえん', 'ja', analyser)));
    expect(titles(searchCities(cities, 'こそだて の しえん', 'ja', analyser))).toEqual(['公園の再生とさらなる活用']);
    expect(searchCities(cities, 'ちいき で', 'ja', analyser).total).toBe(searchCities(cities, 'ちいき', 'ja', analyser).total);
    // The snippet marks the words, not every の in it.
    const hit = searchCities(cities, 'こそだて の しえん', 'ja', analyser).nodes[0]!;
    expect(marked(hit.snippet!)).toEqual(['子育て支援']);
    expect(searchCities(cities, 'の', 'ja', analyser).total).toBeGreaterThan(0);
  });

  it('a reading inside one dictionary word is found where the text writes it (かんきょう in 住環境), marked there', () => {
    const kana = searchCities(cities, 'かんきょう', 'ja', analyser);
    expect(titles(kana).sort()).toEqual(titles(searchCities(cities, '環境', 'ja', analyser)).sort());
    const home = kana.nodes.find((n) => n.node?.title === '住環境、景観')!;
    expect(marked(home.title)).toEqual(['環境']);
  });

  it('a near miss shares three characters in a row with the query: としょ is not として + しょう', () => {
    expect(searchCities(cities, 'としょ', 'ja', analyser).total).toBe(0);
    expect(searchCities(cities, '新規就農者の数', 'ja', analyser).kpis.map((k) => [k.kpi?.id, k.approximate])).toEqual([['new-farmers', true]]);
  });

  it('ranks every exact hit before every related one, wherever it matched (農業 in a description before 農 in a title)', () => {
    const entry = (id: string, title: string, more?: string): SearchCandidate => ({
      kind: 'node',
      city: { id: 'c', name: '市', nameEn: 'City' },
      plan: { id: 'p', kind: 'basic-plan', title: '計画' },
      node: { id, title },
      fields: localizedFields('ja', title, undefined, more, readingsOf(analyser, [title, more])),
    });
    const all = [entry('related-title', '農林水産業の振興'), entry('exact-more', '地域の担い手', '農業の担い手を育てる'), entry('exact-title', '農業の振興')];
    for (const q of ['農業', 'のうぎょう']) {
      expect(searchCandidates(all, q, analyser).nodes.map((n) => [n.node?.id, n.approximate]), q).toEqual([
        ['exact-title', false],
        ['exact-more', false],
        ['related-title', true],
      ]);
    }
  });
});
