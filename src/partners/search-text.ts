/**
 * Japanese full-text search over partner profiles, the n-gram way: Japanese has no spaces
 * between words, and its words are often two characters (環境, 食堂, 福祉), which a trigram
 * index cannot look up. So a profile is indexed by every character and every pair of adjacent
 * characters (uni- and bigrams) of its normalized text; a query fragment matches a profile
 * that has all the fragment's bigrams, and the candidates are then checked for the fragment
 * itself. Pure functions; the repository keeps the index table.
 */

/**
 * Normalizes text for indexing and querying alike: NFKC (full-width ASCII → ASCII, half-width
 * kana → full-width), lower case, katakana → hiragana (so リサイクル finds りさいくる and
 * the kana reading finds a kanji name), whitespace collapsed.
 */
export function normalizeForSearch(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u30a1-\u30f6]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0x60))
    .replace(/\s+/g, ' ')
    .trim();
}

/** The query's fragments: normalized, split at spaces, each at least one character, at most eight. */
export function queryTerms(query: string): string[] {
  return [...new Set(normalizeForSearch(query).split(' ').filter((t) => t !== ''))].slice(0, 8);
}

/** The grams a fragment is looked up by: its bigrams, or the character itself when it has one. */
export function gramsOfTerm(term: string): string[] {
  const chars = [...term];
  if (chars.length === 1) return chars;
  const grams = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) grams.add(chars[i]! + chars[i + 1]!);
  return [...grams];
}

/** Every uni- and bigram of a document (already normalized), within its space-separated words. */
export function gramsOfDocument(document: string): string[] {
  const grams = new Set<string>();
  for (const word of document.split(' ')) {
    const chars = [...word];
    for (let i = 0; i < chars.length; i++) {
      grams.add(chars[i]!);
      if (i + 1 < chars.length) grams.add(chars[i]! + chars[i + 1]!);
    }
  }
  return [...grams];
}

/** The searchable document of a profile: name, reading, area, declarations, offers and seeks. */
export function searchDocument(parts: readonly (string | null | undefined)[]): string {
  return normalizeForSearch(parts.filter((p): p is string => !!p).join(' '));
}
