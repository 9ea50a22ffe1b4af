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
});
