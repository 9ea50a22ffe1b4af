import { createRequire } from 'node:module';
import path from 'node:path';
import kuromoji, { type IpadicFeatures, type Tokenizer } from '@sglkc/kuromoji';
import { LRUCache } from 'lru-cache';

/**
 * Japanese morphological analysis for search (issue 15.5): readings and base forms of the texts
 * people search, so that a kana query finds the kanji it is read as (「しゅうのう」 → 就農) and
 * a compound noun can be split into its words (新規就農者数 → 新規 / 就農 / 者 / 数).
 *
 * The analyser is kuromoji (the maintained fork `@sglkc/kuromoji`) with the IPADIC dictionary
 * that ships inside its npm package: nothing is downloaded at run time. Building it reads about
 * 20 MB of compressed dictionary (about 1.5 s), so it is built once per process, on first use.
 */

/** One word of an analysed text. */
export interface Morpheme {
  /** The word as written. */
  readonly surface: string;
  /** Its reading in hiragana (the surface itself when the dictionary does not know it). */
  readonly reading: string;
  /** Its dictionary form (取り組んで → 取り組む); the surface when it does not inflect. */
  readonly baseForm: string;
  /** Part of speech as IPADIC names it (名詞, 動詞, 助詞, …). */
  readonly partOfSpeech: string;
  /** IPADIC's first sub-class (接尾 for a suffix such as 者 or 数, 数 for a numeral, …). */
  readonly detail: string;
}

/** What search needs of the analyser. Pure once built: the same text gives the same words. */
export interface JapaneseAnalyser {
  /** The words of a text, in order. */
  morphemes(text: string): readonly Morpheme[];
  /**
   * The searchable extra of a text: its reading in hiragana as one run per phrase (so a partial
   * reading such as 「しゅうのう」 is a substring of 「しんきしゅうのうしゃすう」), then the
   * dictionary forms of inflected words, separated by spaces. Empty for text without Japanese.
   */
  readingText(text: string): string;
  /**
   * A word or compound typed in hiragana, split into the fewest dictionary words, each with its
   * spellings, most common first (at most {@link MAX_SPELLINGS}): 「のうぎょう」 → のうぎょう (農業);
   * 「かんこうきゃく」 → かんこう (観光, 刊行, …) + きゃく (客). The words are IPADIC nouns (一般,
   * サ変接続, 形容動詞語幹; names of people and places left out). Empty when the text is not all
   * hiragana, shorter than {@link MIN_SPELLING_LENGTH}, or not made of known words.
   */
  kanaWords(reading: string): readonly KanaWord[];
  /**
   * The readings of a text's words in hiragana, one list per phrase (as {@link readingText}
   * runs them), each with where the word is in the text: 新規就農者数 → [[しんき 0–2,
   * しゅうのう 2–4, しゃ 4–5, すう 5–6]]. Search uses the word boundaries so a reading is found
   * only as whole words (「いじゅう」 is not in にんてい|じゅうたく, 認定住宅), and marks the
   * words it found. Empty for text without Japanese.
   */
  wordReadings(text: string): readonly (readonly WordReading[])[];
}

/** One word of a text, by its reading: where it is in the text as given (UTF-16 offsets, end exclusive). */
export interface WordReading {
  readonly reading: string;
  readonly start: number;
  readonly end: number;
}

/** One word of a kana query: its reading and how it is written. */
export interface KanaWord {
  /** The word in hiragana, as it appears in the texts' readings. */
  readonly reading: string;
  /** Its spellings (kanji, or katakana for loanwords), the dictionary's most common first. */
  readonly spellings: readonly string[];
}

/** At most this many spellings of one reading (homophones: こうえん → 講演, 後援, 公演, 公園, …). */
export const MAX_SPELLINGS = 8;
/** Shorter kana (のう, しゃ) has too many homophones to say what was meant. */
export const MIN_SPELLING_LENGTH = 3;

const KATAKANA = /[\u30a1-\u30f6]/g;
/** Katakana → hiragana (ァ U+30A1 … ヶ U+30F6 sit 0x60 above their hiragana). */
export function toHiragana(s: string): string {
  return s.replace(KATAKANA, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0x60));
}

/** Any hiragana, katakana or CJK ideograph: texts without one are not analysed. */
const JAPANESE = /[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]/u;

/** The readings of this many texts are kept, the least recently used forgotten first (plans are re-indexed often). */
const CACHE_LIMIT = 20_000;

/**
 * The two buffers of kuromoji's TokenInfoDictionary (src/dict/TokenInfoDictionary.js: `dictionary`
 * and `pos_buffer`, ByteBuffers over Uint8Arrays). Not a public API: the lockfile pins the
 * version and src/search/japanese-analyser.test.ts fails if an upgrade moves them.
 */
function dictionaryBuffers(tokenizer: Tokenizer<IpadicFeatures>): { tid: Buffer; pos: Buffer } {
  type ByteBuffer = { buffer?: unknown };
  const dictionary = (tokenizer as unknown as { token_info_dictionary?: { dictionary?: ByteBuffer; pos_buffer?: ByteBuffer } }).token_info_dictionary;
  const tid = dictionary?.dictionary?.buffer;
  const pos = dictionary?.pos_buffer?.buffer;
  if (!(tid instanceof Uint8Array) || !(pos instanceof Uint8Array)) throw new Error('the kuromoji package no longer holds its word dictionary where this version expects it (token_info_dictionary)');
  const view = (a: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  return { tid: view(tid), pos: view(pos) };
}

/** Reading (hiragana) → its kanji spellings, most common (lowest IPADIC word cost) first, and that lowest cost. */
type SpellingIndex = ReadonlyMap<string, { readonly spellings: readonly string[]; readonly cost: number }>;

/** The IPADIC noun classes whose words a kana query may mean (not names, numerals or suffixes). */
const SPELLING_CLASS_BYTES = ['名詞,一般,', '名詞,サ変接続,', '名詞,形容動詞語幹,'].map((c) => Buffer.from(c, 'utf8'));
const COMMA = 0x2c;
/** Words written in kanji or katakana: a word written in hiragana is its own reading. */
const KANJI_OR_KATAKANA = /[\u3400-\u9fff\u30a1-\u30fa]/u;
const HIRAGANA_ONLY = /^[\u3041-\u3096ー]+$/u;

/**
 * Builds the reading → spelling index from the word dictionary the tokenizer has loaded (no
 * second copy): its feature buffer (`tid_pos.dat`) holds one NUL-terminated line per word
 * (surface, part of speech, …, reading, pronunciation: the IPADIC CSV columns), its entry buffer
 * (`tid.dat`) ten bytes per word in the same order (left id, right id, word cost as
 * little-endian int16, feature offset). About 40,000
 * readings, about 10 MB, half a second once per process. Source: kuromoji's TokenInfoDictionary.
 */
function readSpellingIndex(tokenizer: Tokenizer<IpadicFeatures>): SpellingIndex {
  const { tid, pos } = dictionaryBuffers(tokenizer);
  const costs = new DataView(tid!.buffer, tid!.byteOffset, tid!.byteLength);
  const found = new Map<string, [spelling: string, cost: number][]>();
  // Scanned as bytes, each line decoded only when its class is one searched: decoding the whole
  // 36 MB at once would keep a 15-million-character string alive through the words cut from it.
  for (let i = 0, start = 0; start < pos!.length; i++) {
    let end = pos!.indexOf(0, start);
    if (end < 0) end = pos!.length;
    if (end === start) break; // the zero padding after the last line
    const comma = pos!.indexOf(COMMA, start);
    if (comma > 0 && comma < end && SPELLING_CLASS_BYTES.some((c) => pos!.compare(c, 0, c.length, comma + 1, comma + 1 + c.length) === 0)) {
      const f = pos!.toString('utf8', start, end).split(',');
      const surface = f[0]!;
      const reading = f[8];
      if (KANJI_OR_KATAKANA.test(surface) && reading && reading !== '*' && (i + 1) * 10 <= tid!.length) {
        const key = toHiragana(reading);
        const cost = costs.getInt16(i * 10 + 4, true);
        const list = found.get(key);
        if (!list) found.set(key, [[surface, cost]]);
        else if (!list.some(([s]) => s === surface)) list.push([surface, cost]);
      }
    }
    start = end + 1;
  }
  const index = new Map<string, { spellings: readonly string[]; cost: number }>();
  for (const [reading, list] of found) {
    list.sort((a, b) => a[1] - b[1]);
    index.set(reading, { spellings: list.slice(0, MAX_SPELLINGS).map(([s]) => s), cost: list[0]![1] });
  }
  return index;
}

/**
 * A hiragana text split into the fewest words of the index (dynamic programming over the text;
 * words of two kana or more, so particles are not taken for words), each with its spellings.
 * Among splits into as many words, the one of common words (the lowest sum of the IPADIC word
 * costs, as the tokenizer itself weighs words): こうれいしゃ → こうれい (高齢) + しゃ (社), not
 * こう + れいしゃ (礼者).
 */
function kanaWordsOf(index: SpellingIndex, reading: string): KanaWord[] {
  if (reading.length < MIN_SPELLING_LENGTH || !HIRAGANA_ONLY.test(reading)) return [];
  const n = reading.length;
  // best[i]: the fewest words covering reading[0, i), and where the last of them starts.
  const best: ({ words: number; cost: number; from: number } | undefined)[] = [{ words: 0, cost: 0, from: -1 }];
  for (let i = 2; i <= n; i++) {
    for (let j = Math.max(0, i - MAX_WORD_LENGTH); j <= i - 2; j++) {
      const before = best[j];
      const word = before && index.get(reading.slice(j, i));
      if (!word) continue;
      const here = { words: before.words + 1, cost: before.cost + word.cost, from: j };
      const now = best[i];
      if (!now || here.words < now.words || (here.words === now.words && here.cost < now.cost)) best[i] = here;
    }
  }
  if (!best[n]) return [];
  const words: KanaWord[] = [];
  for (let i = n; i > 0; i = best[i]!.from) {
    const word = reading.slice(best[i]!.from, i);
    words.unshift({ reading: word, spellings: index.get(word)!.spellings });
  }
  return words;
}

/** The longest word looked up, in kana (longer dictionary nouns are rare and compounds anyway). */
const MAX_WORD_LENGTH = 12;

/** A base character and the marks that compose with it (ｶﾞ, か + U+3099): NFKC may join them, never text across two. */
const CLUSTER = /\P{M}[\p{M}\uff9e\uff9f\u309b\u309c]*|[\p{M}\uff9e\uff9f\u309b\u309c]+/gsu;

/** A text in NFKC, and for each of its UTF-16 units the span of the text as given it came from. */
function normalizeWithOffsets(text: string): { text: string; starts: number[]; ends: number[] } {
  let out = '';
  const starts: number[] = [];
  const ends: number[] = [];
  for (const m of text.matchAll(CLUSTER)) {
    const n = m[0].normalize('NFKC');
    out += n;
    for (let i = 0; i < n.length; i++) {
      starts.push(m.index);
      ends.push(m.index + m[0].length);
    }
  }
  return { text: out, starts, ends };
}

/** A token's reading in hiragana; its surface when the dictionary does not know it. */
const readingOf = (t: IpadicFeatures): string => toHiragana(t.reading && t.reading !== '*' ? t.reading : t.surface_form);
/** A token's dictionary form; its surface when it does not inflect. */
const baseFormOf = (t: IpadicFeatures): string => (t.basic_form && t.basic_form !== '*' ? t.basic_form : t.surface_form);

function wrap(tokenizer: Tokenizer<IpadicFeatures>, spellingIndex: SpellingIndex): JapaneseAnalyser {
  const cache = new LRUCache<string, string>({ max: CACHE_LIMIT });
  const morphemes = (text: string): Morpheme[] =>
    tokenizer.tokenize(text.normalize('NFKC')).map((t) => ({
      surface: t.surface_form,
      reading: readingOf(t),
      baseForm: baseFormOf(t),
      partOfSpeech: t.pos,
      detail: t.pos_detail_1,
    }));
  /** The phrases of a text (runs between symbols and spaces) as its words' readings, and its inflected words' dictionary forms. */
  const analyse = (text: string): { phrases: WordReading[][]; bases: Set<string> } => {
    const phrases: WordReading[][] = [];
    const bases = new Set<string>();
    const normalized = normalizeWithOffsets(text);
    let phrase: WordReading[] = [];
    let at = 0;
    for (const t of tokenizer.tokenize(normalized.text)) {
      const surface = t.surface_form;
      const found = normalized.text.startsWith(surface, at) ? at : normalized.text.indexOf(surface, at);
      const from = found < 0 ? at : found;
      at = from + surface.length;
      if (t.pos === '記号' || /^\s+$/u.test(surface)) {
        if (phrase.length > 0) phrases.push(phrase);
        phrase = [];
        continue;
      }
      const reading = readingOf(t);
      const last = Math.min(at, normalized.text.length) - 1;
      phrase.push({ reading, start: normalized.starts[from] ?? text.length, end: last >= from ? normalized.ends[last]! : (normalized.starts[from] ?? text.length) });
      const base = baseFormOf(t);
      if (base !== surface && JAPANESE.test(base)) bases.add(base);
    }
    if (phrase.length > 0) phrases.push(phrase);
    return { phrases, bases };
  };
  return {
    morphemes,
    kanaWords: (reading) => kanaWordsOf(spellingIndex, reading),
    readingText(text) {
      if (!JAPANESE.test(text)) return '';
      const hit = cache.get(text);
      if (hit !== undefined) return hit;
      const { phrases, bases } = analyse(text);
      const out = [...phrases.map((p) => p.map((w) => w.reading).join('')), ...bases].join(' ');
      cache.set(text, out);
      return out;
    },
    // Not kept here: search.service.ts keeps each text's word readings folded, as it uses them.
    wordReadings: (text) => (JAPANESE.test(text) ? analyse(text).phrases : []),
  };
}

let loading: Promise<JapaneseAnalyser> | null = null;

/** The process's analyser, built on first call from the dictionary in the npm package. */
export function loadJapaneseAnalyser(): Promise<JapaneseAnalyser> {
  loading ??= (async () => {
    const require = createRequire(import.meta.url);
    const dicPath = path.join(path.dirname(require.resolve('@sglkc/kuromoji/package.json')), 'dict');
    try {
      const tokenizer = await new Promise<Tokenizer<IpadicFeatures>>((ok, fail) => kuromoji.builder({ dicPath }).build((error, t) => (error ? fail(error) : ok(t))));
      return wrap(tokenizer, readSpellingIndex(tokenizer));
    } catch (error) {
      loading = null;
      throw new Error(`the Japanese dictionary could not be read from ${dicPath}: ${(error as Error).message}`, { cause: error });
    }
  })();
  return loading;
}
