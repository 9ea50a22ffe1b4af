import { describe, expect, it } from 'vitest';
import { gramsOfDocument, gramsOfTerm, normalizeForSearch, queryTerms, searchDocument } from './search-text.ts';

describe('search normalisation', () => {
  it('folds width, case and katakana so that readings and names meet', () => {
    expect(normalizeForSearch('ＮＰＯ法人　リサイクル ｶﾌｪ')).toBe('npo法人 りさいくる かふぇ');
    expect(normalizeForSearch('  フードシェア\n\tの会 ')).toBe('ふーどしぇあ の会');
  });

  it('splits a query into at most eight distinct fragments', () => {
    expect(queryTerms('環境　リサイクル 環境')).toEqual(['環境', 'りさいくる']);
    expect(queryTerms('a b c d e f g h i j')).toHaveLength(8);
    expect(queryTerms('   ')).toEqual([]);
  });

  it('looks a fragment up by its bigrams, a single character by itself', () => {
    expect(gramsOfTerm('間伐材')).toEqual(['間伐', '伐材']);
    expect(gramsOfTerm('森')).toEqual(['森']);
  });

  it('indexes a document by every uni- and bigram within its words, so two-character words are found', () => {
    const doc = searchDocument(['みどりの木工房', 'ミドリノモッコウボウ', null, '間伐材で家具']);
    expect(doc).toBe('みどりの木工房 みどりのもっこうぼう 間伐材で家具');
    const grams = gramsOfDocument(doc);
    expect(grams).toEqual(expect.arrayContaining(['木工', '工房', '間伐', '伐', 'もっ']));
    // No gram spans two words.
    expect(grams).not.toContain('房 ');
    expect(grams).not.toContain('房み');
    for (const g of gramsOfTerm(normalizeForSearch('モッコウ'))) expect(grams).toContain(g);
  });
});
