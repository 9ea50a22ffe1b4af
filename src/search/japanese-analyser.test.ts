import { describe, expect, it } from 'vitest';
import { loadJapaneseAnalyser } from './japanese-analyser.ts';

describe('the Japanese analyser (dictionary shipped in the npm package)', async () => {
  const analyser = await loadJapaneseAnalyser();

  it('splits compound nouns into their words', () => {
    expect(analyser.morphemes('新規就農者数').map((m) => m.surface)).toEqual(['新規', '就農', '者', '数']);
    expect(analyser.morphemes('農林水産業').map((m) => m.surface)).toEqual(['農林', '水産', '業']);
  });

  it('reads kanji in hiragana, one run per phrase, and adds dictionary forms of inflected words', () => {
    expect(analyser.readingText('新規就農者数')).toBe('しんきしゅうのうしゃすう');
    expect(analyser.readingText('温室効果ガス排出量')).toBe('おんしつこうかがすはいしゅつりょう');
    expect(analyser.readingText('地域で取り組んだ活動').split(' ')).toContain('取り組む');
    expect(analyser.readingText('Number of new farmers')).toBe('');
  });

  it('splits kana into dictionary words with their spellings (kana → kanji, issue 15.5)', () => {
    const words = (q: string) => analyser.kanaWords(q).map((w) => [w.reading, w.spellings[0]]);
    expect(words('のうぎょう')).toEqual([['のうぎょう', '農業']]);
    expect(words('かんこうきゃく')).toEqual([
      ['かんこう', '観光'],
      ['きゃく', '客'],
    ]);
    expect(words('のうぎょうしんこう')).toEqual([
      ['のうぎょう', '農業'],
      ['しんこう', '振興'],
    ]);
    expect(words('さいせいかのうえねるぎー').map(([r]) => r)).toEqual(['さいせい', 'かのう', 'えねるぎー']);
    expect(analyser.kanaWords('しゅうのう')[0]!.spellings).toEqual(expect.arrayContaining(['収納', '就農']));
    expect(analyser.kanaWords('こうえん')[0]!.spellings).toContain('公園');
    expect(analyser.kanaWords('こうえん')[0]!.spellings.length).toBeLessThanOrEqual(8);
    // Not words, too short to say which, or not hiragana: nothing.
    for (const q of ['ぴょんぴょこ', 'のう', '', 'ノウギョウ', '農業', 'farming']) expect(analyser.kanaWords(q), q).toEqual([]);
  });

  it('splits kana into common words first: こうれいしゃ → こうれい (高齢) + しゃ, not こう + れいしゃ (礼者)', () => {
    expect(analyser.kanaWords('こうれいしゃ').map((w) => w.reading)).toEqual(['こうれい', 'しゃ']);
    expect(analyser.kanaWords('こうれいしゃ')[0]!.spellings[0]).toBe('高齢');
  });

  it('gives each word its reading and where it is in the text as written, half-width kana included', () => {
    const words = (t: string) => analyser.wordReadings(t).map((p) => p.map((w) => `${w.reading}:${t.slice(w.start, w.end)}`));
    expect(words('新規就農者数※累計')).toEqual([['しんき:新規', 'しゅうのう:就農', 'しゃ:者', 'すう:数'], ['るいけい:累計']]);
    expect(words('ｶﾞｲﾄﾞﾗｲﾝの認定住宅数')).toEqual([['がいどらいん:ｶﾞｲﾄﾞﾗｲﾝ', 'の:の', 'にんてい:認定', 'じゅうたく:住宅', 'すう:数']]);
    expect(analyser.wordReadings('Number of new farmers')).toEqual([]);
  });
});
