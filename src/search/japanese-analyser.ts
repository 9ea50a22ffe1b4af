import { createRequire } from 'node:module';
import path from 'node:path';
import kuromoji, { type IpadicFeatures, type Tokenizer } from '@sglkc/kuromoji';

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
}

const KATAKANA = /[\u30a1-\u30f6]/g;
/** Katakana → hiragana (ァ U+30A1 … ヶ U+30F6 sit 0x60 above their hiragana). */
export function toHiragana(s: string): string {
  return s.replace(KATAKANA, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0x60));
}

/** Any hiragana, katakana or CJK ideograph: texts without one are not analysed. */
const JAPANESE = /[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]/u;

/** Texts analysed at most once per process while the cache holds them (plans are re-indexed often). */
const CACHE_LIMIT = 20_000;

function wrap(tokenizer: Tokenizer<IpadicFeatures>): JapaneseAnalyser {
  const cache = new Map<string, string>();
  const morphemes = (text: string): Morpheme[] =>
    tokenizer.tokenize(text.normalize('NFKC')).map((t) => ({
      surface: t.surface_form,
      reading: toHiragana(t.reading && t.reading !== '*' ? t.reading : t.surface_form),
      baseForm: t.basic_form && t.basic_form !== '*' ? t.basic_form : t.surface_form,
      partOfSpeech: t.pos,
      detail: t.pos_detail_1,
    }));
  return {
    morphemes,
    readingText(text) {
      if (!JAPANESE.test(text)) return '';
      const hit = cache.get(text);
      if (hit !== undefined) return hit;
      const phrases: string[] = [];
      const bases = new Set<string>();
      let phrase = '';
      for (const m of morphemes(text)) {
        if (m.partOfSpeech === '記号' || /^\s+$/u.test(m.surface)) {
          if (phrase) phrases.push(phrase);
          phrase = '';
          continue;
        }
        phrase += m.reading;
        if (m.baseForm !== m.surface && JAPANESE.test(m.baseForm)) bases.add(m.baseForm);
      }
      if (phrase) phrases.push(phrase);
      const out = [...phrases, ...bases].join(' ');
      if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
      cache.set(text, out);
      return out;
    },
  };
}

let loading: Promise<JapaneseAnalyser> | null = null;

/** The process's analyser, built on first call from the dictionary in the npm package. */
export function loadJapaneseAnalyser(): Promise<JapaneseAnalyser> {
  loading ??= new Promise<JapaneseAnalyser>((resolve, reject) => {
    const require = createRequire(import.meta.url);
    const dicPath = path.join(path.dirname(require.resolve('@sglkc/kuromoji/package.json')), 'dict');
    kuromoji.builder({ dicPath }).build((error, tokenizer) => {
      if (error) {
        loading = null;
        reject(new Error(`the Japanese dictionary could not be read from ${dicPath}: ${error.message}`, { cause: error }));
      } else resolve(wrap(tokenizer));
    });
  });
  return loading;
}
