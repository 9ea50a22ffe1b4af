import { LRUCache } from 'lru-cache';
import type { City, CityData } from '../core/city/city.ts';
import type { Kpi } from '../core/kpi/kpi.ts';
import { walkPlanNodes, type Plan, type PlanNode } from '../core/plan/plan.ts';
import type { JapaneseAnalyser } from '../search/japanese-analyser.ts';

/**
 * Text folded for matching Japanese and English alike: NFKC (full-width → half-width digits and
 * letters, half-width → full-width kana), lower case, katakana → hiragana, whitespace removed
 * (「金沢 IT 部活」 matches 「IT部活」). Each folded UTF-16 unit remembers the span of the
 * original text it came from, so a match can be highlighted in the text as printed.
 */
export interface FoldedText {
  readonly text: string;
  readonly starts: readonly number[];
  readonly ends: readonly number[];
}

const VOICED_MARKS = new Set(['\u3099', '\u309a']);

function foldChar(c: string): string {
  const code = c.charCodeAt(0);
  // Katakana ァ (U+30A1) … ヶ (U+30F6) sit 0x60 above their hiragana.
  if (code >= 0x30a1 && code <= 0x30f6) return String.fromCharCode(code - 0x60);
  return c;
}

/** Folds a text for {@link searchCities}; exported for tests and for highlighting. */
export function foldForSearch(s: string): FoldedText {
  let text = '';
  const starts: number[] = [];
  const ends: number[] = [];
  let offset = 0;
  for (const ch of s) {
    const start = offset;
    offset += ch.length;
    // ゛ and ゜ written apart (U+309B/U+309C) become a space and a combining mark under NFKC.
    const normalized = ch.normalize('NFKC').toLowerCase().replace(/^ (?=[\u3099\u309a])/, '');
    for (const unit of normalized) {
      if (/\s/u.test(unit)) continue;
      if (VOICED_MARKS.has(unit) && text.length > 0) {
        // A half-width ｶﾞ: compose the mark with the kana before it (か + ゛ → が).
        const composed = (text.slice(-1) + unit).normalize('NFC');
        if (composed.length === 1) {
          text = text.slice(0, -1) + foldChar(composed);
          ends[ends.length - 1] = offset;
          continue;
        }
      }
      const folded = foldChar(unit);
      for (let i = 0; i < folded.length; i++) {
        text += folded[i];
        starts.push(start);
        ends.push(offset);
      }
    }
  }
  return { text, starts, ends };
}

/** A piece of a displayed text, marked when it matched the query. */
export interface Segment {
  readonly text: string;
  readonly mark: boolean;
}

/** What a search result is. */
export type SearchResultKind = 'plan' | 'node' | 'kpi';

/** What a hit needs of its city, plan, node or KPI to be shown and linked (the full objects qualify). */
export type SearchCityRef = Pick<City, 'id' | 'name' | 'nameEn'>;
export type SearchPlanRef = Pick<Plan, 'id' | 'kind' | 'title' | 'titleEn'>;
export type SearchNodeRef = Pick<PlanNode, 'id' | 'code' | 'title' | 'titleEn'>;
export type SearchKpiRef = Pick<Kpi, 'id' | 'name' | 'nameEn'>;

/** One hit: what it is, where it lives, its title (highlighted) and, when the match is in a longer text, a snippet. */
export interface SearchResult {
  readonly kind: SearchResultKind;
  readonly city: SearchCityRef;
  readonly plan?: SearchPlanRef;
  readonly node?: SearchNodeRef;
  readonly kpi?: SearchKpiRef;
  readonly title: readonly Segment[];
  readonly snippet: readonly Segment[] | null;
  /** Found by bigram overlap rather than by every word of the query. */
  readonly approximate: boolean;
  readonly score: number;
}

/** Results grouped by kind, in the order pages show them. */
export interface SearchResults {
  readonly query: string;
  readonly terms: readonly string[];
  readonly plans: readonly SearchResult[];
  readonly kpis: readonly SearchResult[];
  readonly nodes: readonly SearchResult[];
  /** Hits in all; more than listed when {@link truncated}. */
  readonly total: number;
  /** Only the first hits were ranked and listed (a very common word across many cities). */
  readonly truncated?: boolean;
  /** More hits than were counted: {@link total} is a lower bound (the national search counts up to a bound). */
  readonly more?: boolean;
}

/** The longest query searched; longer input is cut. */
export const MAX_QUERY_LENGTH = 100;
/** Share of the query's bigrams a text must contain to count as an approximate match. */
const BIGRAM_THRESHOLD = 0.6;
const SNIPPET_RADIUS = 40;

interface Field {
  readonly text: string;
  readonly primary: boolean;
  /** Matched but never shown (the readings and dictionary forms the analyser adds). */
  readonly hidden?: boolean;
  /** The Japanese title under an English one: shown as the snippet when only its reading matched. */
  readonly original?: boolean;
}

/** Something searchable: what it is and where it lives, and its texts, the page language's title first. */
export interface SearchCandidate {
  readonly kind: SearchResultKind;
  readonly city: SearchCityRef;
  readonly plan?: SearchPlanRef;
  readonly node?: SearchNodeRef;
  readonly kpi?: SearchKpiRef;
  readonly fields: readonly Field[];
}
type Candidate = SearchCandidate;

function* candidates(cities: readonly CityData[], lang: 'ja' | 'en', analyser: JapaneseAnalyser | undefined): Generator<Candidate> {
  const readings = (...texts: (string | undefined)[]) => (analyser ? readingsOf(analyser, texts) : undefined);
  for (const d of cities) {
    for (const plan of d.plans) {
      yield { kind: 'plan', city: d.city, plan, fields: localizedFields(lang, plan.title, plan.titleEn, plan.vision, readings(plan.title, plan.vision)) };
      for (const { node } of walkPlanNodes(plan.nodes)) {
        const title = `${node.code ? `${node.code} ` : ''}${node.title}`;
        yield { kind: 'node', city: d.city, plan, node, fields: localizedFields(lang, title, node.titleEn, node.description, readings(node.title, node.description)) };
      }
    }
    for (const kpi of d.kpis) yield { kind: 'kpi', city: d.city, kpi, fields: localizedFields(lang, kpi.name, kpi.nameEn, kpi.department, readings(kpi.name, kpi.department)) };
  }
}

/**
 * The readings and dictionary forms of an entry's Japanese texts (title, description), one line
 * each: what the search index holds beside the texts so kana finds kanji (issue 15.5).
 */
export function readingsOf(analyser: JapaneseAnalyser, texts: readonly (string | null | undefined)[]): string {
  return texts
    .filter((t): t is string => !!t)
    .map((t) => analyser.readingText(t))
    .filter((r) => r !== '')
    .join('\n');
}

/**
 * The title shown first (the page's language) and the other language and longer text after it,
 * all searchable; then the analyser's readings, matched but never shown.
 */
export function localizedFields(lang: 'ja' | 'en', ja: string, en: string | undefined, more: string | undefined, readings?: string): Field[] {
  const fields: Field[] = lang === 'en' && en ? [{ text: en, primary: true }, { text: ja, primary: false, original: true }] : [{ text: ja, primary: true }];
  if (lang === 'ja' && en) fields.push({ text: en, primary: false });
  if (more) fields.push({ text: more, primary: false });
  if (readings) fields.push({ text: readings, primary: false, hidden: true });
  return fields;
}

/**
 * Kanji that mostly end a compound as a generic suffix (農業, 就農者数, 達成率, 観光客): a
 * query word made of kanji also finds compounds holding its other kanji, so 「農業」 finds
 * 農林水産業 and 新規就農者数 as related hits (issue 15.5). Source: the suffix kanji that end the
 * seed cities' KPI and policy names most often.
 */
const GENERIC_KANJI = new Set([...'業者数率化性的等量額費件人度所場館金料品物制法用力類別型式員会客分']);
const ALL_KANJI = /^[\u3400-\u9fff\uf900-\ufaff々]+$/u;

/** One way a query term can be found: every fragment in the texts of an entry. */
export interface TermPattern {
  /** Folded fragments that must all occur in the entry's texts (its titles, description and readings). */
  readonly fragments: readonly string[];
  /** Found through the term's words or kanji rather than the term itself: a related hit. */
  readonly related: boolean;
}

/**
 * The kanji of a word that carry its meaning: its runs of non-generic kanji, kept together as
 * written (図書館 → 図書, not 図 and 書 anywhere in the entry; 就農者数 → 就農); null when that
 * is the word itself or nothing.
 */
function kanjiRoots(word: string): string[] | null {
  if (!ALL_KANJI.test(word) || [...word].length < 2) return null;
  const roots = [...new Set(word.split(GENERIC_RUN).filter((r) => r !== ''))];
  return roots.length > 0 && roots.join('') !== word ? roots : null;
}
const GENERIC_RUN = new RegExp(`[${[...GENERIC_KANJI].join('')}]+`, 'u');

/** What is not part of a word: punctuation, brackets, symbols, emoji. */
const NOT_A_LETTER = /[^\p{L}\p{N}\p{M}]/gu;
/** Kana or kanji. */
const JAPANESE_LETTER = /[\u3041-\u30ff\u3400-\u9fff\uf900-\ufaff]/u;

/** The particles people type between words (格助詞, 係助詞, 並立助詞), in hiragana as folded. */
const PARTICLES = new Set(['の', 'を', 'に', 'は', 'が', 'と', 'で', 'へ', 'や', 'も', 'か', 'から', 'まで', 'より', 'など', 'および', 'または', 'とか']);

/**
 * The terms of a query as search looks them up ({@link queryTerms}), without the particles
 * typed between words (「こそだて の しえん」, 「子育て と 教育」): alone in a term, の, と, は
 * occur in nearly every text and would be marked all over it. A query of particles only is
 * searched as typed. Works on the partner directory's terms as well (any folded terms).
 */
export function withoutParticles(terms: readonly string[], analyser?: JapaneseAnalyser): string[] {
  if (!analyser || terms.length < 2) return [...terms];
  // A fixed list: the analyser, given a particle alone, often takes it for another word (が, と).
  const particle = (t: string) => PARTICLES.has(t);
  const kept = terms.filter((t) => !particle(t));
  return kept.length > 0 ? kept : [...terms];
}

/** The query's terms with the analyser: {@link queryTerms} {@link withoutParticles}. */
export function searchTerms(query: string, analyser?: JapaneseAnalyser): string[] {
  return withoutParticles(queryTerms(query), analyser);
}

/** A fragment in hiragana: found in the hidden readings only as words ({@link inWords}). */
const KANA_ONLY = /^[\u3041-\u309fー]+$/u;

/** At most this many ways to find one term (the combinations of its words' forms). */
const MAX_PATTERNS = 8;

/**
 * The ways a folded query term is found (issue 15.5): the term itself; its reading in hiragana
 * (「就農」 also finds an entry written 「しゅうのう」); and, as related hits, its words as the
 * analyser splits it (「農業振興」 → 農業 + 振興) each by itself, its dictionary form, or its
 * meaning-carrying kanji (農業 → 農). A term in kana is also searched as its kanji spellings
 * («のうぎょう» → 農業 and so on, {@link JapaneseAnalyser.spellings}). Without an analyser only
 * the term itself.
 */
export function termPatterns(term: string, analyser?: JapaneseAnalyser): TermPattern[] {
  const patterns: TermPattern[] = [{ fragments: [term], related: false }];
  if (!analyser) return patterns;
  // Brackets, marks and emoji typed around a word (「のうぎょう」, 農業？, 🌾のうぎょう): the word
  // without them is what is meant (the analyser takes an ASCII ? or ( for a noun).
  const core = term.replace(NOT_A_LETTER, '');
  if (core !== term && JAPANESE_LETTER.test(core)) {
    const seen = new Set([term]);
    return [...patterns, ...termPatterns(core, analyser).filter((p) => !seen.has(p.fragments.join('\u0000')) && seen.add(p.fragments.join('\u0000')))].slice(0, MAX_PATTERNS + 3);
  }
  if (!/[\u3400-\u9fff]/u.test(term)) return [...patterns, ...kanaPatterns(term, analyser)];
  const words = analyser.morphemes(term).filter((m) => m.partOfSpeech !== '助詞' && m.partOfSpeech !== '記号' && m.partOfSpeech !== '助動詞');
  const reading = foldForSearch(words.map((m) => m.reading).join('')).text;
  // The reading of a term with kanji is also that of its homophones (公園 and 講演 are both
  // こうえん): a text found by it alone is a related hit, after those writing the term.
  if (reading && reading !== term && KANA_ONLY.test(reading)) patterns.push({ fragments: [reading], related: true });
  const options = words.map((m) => {
    const surface = foldForSearch(m.surface).text;
    const base = foldForSearch(m.baseForm).text;
    return [...new Set([surface, ...(base !== surface ? [base] : []), ...(kanjiRoots(surface) ? [kanjiRoots(surface)!.join('\u0000')] : [])])];
  });
  // Drop words that are only a generic suffix (者, 数): alone they would match nearly everything.
  const meaningful = options.filter((o, i) => !(words[i]!.detail === '接尾' && words.length > 1));
  let combos: string[][] = [[]];
  for (const option of meaningful) combos = combos.flatMap((c) => option.map((o) => [...c, ...o.split('\u0000')])).slice(0, MAX_PATTERNS);
  for (const fragments of combos) {
    const unique = [...new Set(fragments)].filter((f) => f !== '');
    if (unique.length === 0 || (unique.length === 1 && unique[0] === term)) continue;
    patterns.push({ fragments: unique, related: true });
  }
  return patterns.slice(0, MAX_PATTERNS + 2);
}

/**
 * The related ways to find a term typed in kana (issue 15.5): the texts' readings already hold
 * every word written in kanji (「しゅうのう」 finds 就農), so what kana adds is what kanji adds
 * for a word the texts do not hold as such: 「のうぎょう」 is read as 農業, whose meaning-carrying
 * kanji 農 finds 農林水産業 and 新規就農者数, as 「農業」 does. A compound is split into its
 * words (「のうぎょうしんこう」 → のうぎょう + しんこう), each found by its reading or by the kanji
 * of its most common spelling, anywhere in the entry.
 */
function kanaPatterns(term: string, analyser: JapaneseAnalyser): TermPattern[] {
  const words = analyser.kanaWords(term);
  if (words.length === 0) return [];
  // Only the most common spelling's kanji: the rarer homophones' (化膿 → 膿) would find noise.
  const options = words.map((w) => [w.reading, ...(w.spellings[0] && kanjiRoots(w.spellings[0]) ? [kanjiRoots(w.spellings[0])!.join('\u0000')] : [])]);
  let combos: string[][] = [[]];
  for (const option of options) combos = combos.flatMap((c) => option.map((o) => [...c, ...o.split('\u0000')])).slice(0, MAX_PATTERNS);
  return combos
    .map((fragments) => [...new Set(fragments)])
    .filter((fragments) => !(fragments.length === 1 && fragments[0] === term))
    .map((fragments) => ({ fragments, related: true }));
}

/**
 * A phrase's word readings run together (folded), and each word's place in that run (`from`,
 * `to`) and in the text as written (`start`, `end`).
 */
interface WordReadings {
  readonly text: string;
  readonly words: readonly { readonly from: number; readonly to: number; readonly start: number; readonly end: number }[];
}

/** Texts whose word readings are kept folded, the least recently used forgotten first. */
const wordReadingsCache = new LRUCache<string, WordReadings[]>({ max: 20_000 });

/** The folded word readings of a text's phrases ({@link JapaneseAnalyser.wordReadings}). */
function wordReadingsOf(analyser: JapaneseAnalyser, text: string): WordReadings[] {
  const hit = wordReadingsCache.get(text);
  if (hit) return hit;
  const out = analyser.wordReadings(text).map((phrase) => {
    let folded = '';
    const words: WordReadings['words'][number][] = [];
    for (const word of phrase) {
      const from = folded.length;
      folded += foldForSearch(word.reading).text;
      if (folded.length > from) words.push({ from, to: folded.length, start: word.start, end: word.end });
    }
    return { text: folded, words };
  });
  wordReadingsCache.set(text, out);
  return out;
}

/**
 * Where a reading occurs in a text's phrases as words (the spans of the text as written,
 * [start, end)): where it starts and ends at word boundaries (しゅうのう in しんき|しゅうのう|…),
 * or, inside or across words, where the text there writes it in one of its `spellings`
 * (かんきょう in じゅうかんきょう, 住環境, one word of the dictionary). Not a run across
 * words that writes something else (いじゅう in にんてい|じゅうたく, 認定住宅).
 */
function inWords(reading: string, phrases: readonly WordReadings[], text: string, spellings: readonly string[]): [number, number][] {
  const out: [number, number][] = [];
  for (const p of phrases) {
    for (let i = p.text.indexOf(reading); i >= 0; i = p.text.indexOf(reading, i + 1)) {
      const j = i + reading.length;
      const first = p.words.find((w) => w.to > i);
      const last = p.words.findLast((w) => w.from < j);
      if (!first || !last || last.end <= first.start) continue;
      if (first.from === i && last.to === j) {
        out.push([first.start, last.end]);
        continue;
      }
      if (spellings.length === 0) continue;
      const written = foldForSearch(text.slice(first.start, last.end));
      for (const spelling of spellings) {
        const k = written.text.indexOf(spelling);
        if (k < 0) continue;
        out.push([first.start + written.starts[k]!, first.start + written.ends[k + spelling.length - 1]!]);
        break;
      }
    }
  }
  return out;
}

/** The folded range of a span of the text as written (the folded units that came from it). */
function foldedRange(f: FoldedText, [start, end]: [number, number]): [number, number] | null {
  let a = 0;
  while (a < f.starts.length && f.starts[a]! < start) a++;
  let b = a;
  while (b < f.ends.length && f.ends[b]! <= end) b++;
  return b > a ? [a, b] : null;
}

/** Splits a query into folded terms (whitespace, including the full-width space, separates them). */
export function queryTerms(query: string): string[] {
  return query
    .slice(0, MAX_QUERY_LENGTH)
    .normalize('NFKC')
    .split(/\s+/u)
    .map((t) => foldForSearch(t).text)
    .filter((t) => t.length > 0);
}

/** The distinct two-character pieces of a folded text (how Japanese is matched without word breaks). */
export function bigrams(s: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < s.length; i++) out.push(s.slice(i, i + 2));
  return [...new Set(out)];
}

function rangesOf(folded: string, needle: string): [number, number][] {
  const out: [number, number][] = [];
  if (!needle) return out;
  for (let i = folded.indexOf(needle); i >= 0; i = folded.indexOf(needle, i + 1)) out.push([i, i + needle.length]);
  return out;
}

/** Cuts a text into marked and unmarked segments at the given folded ranges. */
function segments(original: string, f: FoldedText, ranges: readonly [number, number][], window: boolean): Segment[] {
  const spans = ranges
    .map(([a, b]): [number, number] => [f.starts[a]!, f.ends[b - 1]!])
    .sort((x, y) => x[0] - y[0])
    .reduce<[number, number][]>((acc, r) => {
      const last = acc.at(-1);
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else acc.push([r[0], r[1]]);
      return acc;
    }, []);
  let from = 0;
  let to = original.length;
  if (window && spans.length > 0 && original.length > SNIPPET_RADIUS * 2) {
    from = Math.max(0, spans[0]![0] - SNIPPET_RADIUS);
    to = Math.min(original.length, spans[0]![1] + SNIPPET_RADIUS);
  }
  const out: Segment[] = [];
  if (from > 0) out.push({ text: '…', mark: false });
  let at = from;
  for (const [a, b] of spans) {
    if (b <= from || a >= to) continue;
    const s = Math.max(a, from);
    const e = Math.min(b, to);
    if (s > at) out.push({ text: original.slice(at, s), mark: false });
    out.push({ text: original.slice(s, e), mark: true });
    at = e;
  }
  if (at < to) out.push({ text: original.slice(at, to).replace(/\s+/gu, ' '), mark: false });
  if (to < original.length) out.push({ text: '…', mark: false });
  return out;
}

/**
 * Searches the plans, plan nodes and KPIs of the given cities. A hit contains every term of the
 * query in one of its texts (title in either language, or its description); failing that, a
 * text holding most of the query's bigrams (two-character pieces, the usual way to search
 * Japanese without word breaks) is an approximate hit. Hits are ranked by where they matched.
 */
export function searchCities(cities: readonly CityData[], query: string, lang: 'ja' | 'en', analyser?: JapaneseAnalyser): SearchResults {
  return searchCandidates(candidates(cities, lang, analyser), query, analyser);
}

/**
 * The matching and ranking of {@link searchCities} over any candidates (those of loaded cities,
 * or the search entries the national search preselects with SQL). With the analyser, a term is
 * also found by its reading and, as a related (approximate) hit, by its words or kanji
 * ({@link termPatterns}).
 */
export function searchCandidates(all: Iterable<SearchCandidate>, query: string, analyser?: JapaneseAnalyser): SearchResults {
  const terms = searchTerms(query, analyser);
  const plans: SearchResult[] = [];
  const kpis: SearchResult[] = [];
  const nodes: SearchResult[] = [];
  const compact = terms.join('');
  const queryBigrams = compact.length >= 3 ? bigrams(compact) : [];
  // A near miss shares at least three characters in a row with the query: kana pairs such as
  // とし and しょ occur apart in most texts (として, しょう), and 「としょ」 is not about those.
  const queryTrigrams = compact.length >= 3 ? [...new Set([...compact].slice(2).map((_, i) => [...compact].slice(i, i + 3).join('')))] : [];
  const patterns = terms.map((t) => termPatterns(t, analyser));
  // The spellings of a kana fragment that is one dictionary word (folded), looked up once per search.
  const spellingCache = new Map<string, string[]>();
  const spellingsOf = (f: string) => {
    let out = spellingCache.get(f);
    if (!out) {
      const words = analyser?.kanaWords(f) ?? [];
      out = words.length === 1 ? words[0]!.spellings.map((s) => foldForSearch(s).text) : [];
      spellingCache.set(f, out);
    }
    return out;
  };
  if (terms.length > 0) {
    for (const c of all) {
      const folded = c.fields.map((f) => ({ field: f, folded: foldForSearch(f.text) }));
      // A reading in kana is found in the hidden readings only as words ({@link inWords}): the
      // readings run words together, and a run such as にんていじゅうたく (認定住宅) holds いじゅう
      // (移住). Found so, the words it reads are marked in the texts as written (しゅうのう → 就農).
      const words = new Map<string, [number, number][][]>();
      const readingSpans = (f: string) => {
        let spans = words.get(f);
        if (!spans) {
          const spellings = spellingsOf(f);
          spans = folded.map((x) => (x.field.hidden || !analyser ? [] : inWords(f, wordReadingsOf(analyser, x.field.text), x.field.text, spellings)));
          words.set(f, spans);
        }
        return spans;
      };
      const checked = (f: string) => !!analyser && KANA_ONLY.test(f);
      const occurs = (f: string, x: (typeof folded)[number]) =>
        x.folded.text.includes(f) && (!x.field.hidden || !checked(f) || readingSpans(f).some((s) => s.length > 0));
      // Per term, the first way it is found (the term or its reading before its words or kanji).
      // A way's fragments may lie in different texts of the entry (a word in the title, another
      // word's reading in the readings), as the cross-city search's SQL finds them in one column.
      const found = patterns.map((ways) => ways.find((p) => p.fragments.every((f) => folded.some((x) => occurs(f, x)))));
      const allTerms = found.every((p) => p !== undefined);
      const related = found.some((p) => p?.related === true);
      const fragments = found.flatMap((p) => p?.fragments ?? []);
      const termRanges = folded.map((x, i): [number, number][] => [
        ...fragments.flatMap((t) => rangesOf(x.folded.text, t)),
        ...fragments.filter(checked).flatMap((t) => readingSpans(t)[i]!.flatMap((span) => {
          const range = foldedRange(x.folded, span);
          return range ? [range] : [];
        })),
      ]);
      let approximate = related;
      let ranges = termRanges;
      if (!allTerms) {
        if (queryBigrams.length === 0) continue;
        // Bigrams only in the texts as written: in a long run of readings most kana pairs occur somewhere.
        const bigramRanges = folded.map((x) => (x.field.hidden ? [] : queryBigrams.flatMap((b) => rangesOf(x.folded.text, b))));
        const best = Math.max(
          ...folded.map((x) => (x.field.hidden || !queryTrigrams.some((t) => x.folded.text.includes(t)) ? 0 : queryBigrams.filter((b) => x.folded.text.includes(b)).length / queryBigrams.length)),
        );
        if (best < BIGRAM_THRESHOLD) continue;
        approximate = true;
        ranges = bigramRanges;
      }
      const primaryIndex = 0;
      const hitIndex = ranges.findIndex((r, i) => i !== primaryIndex && r.length > 0 && !folded[i]!.field.hidden);
      const titleHit = ranges[primaryIndex]!.length > 0;
      const first = folded[primaryIndex]!;
      const title = segments(first.field.text, first.folded, ranges[primaryIndex]!, false);
      const snippetField = titleHit ? null : folded[hitIndex];
      // Found by a reading only (しゅうのう → 就農) under an English title: the Japanese title says what matched.
      const original = titleHit || snippetField ? undefined : folded.find((x) => x.field.original);
      const snippet = snippetField ? segments(snippetField.field.text, snippetField.folded, ranges[hitIndex]!, true) : original ? segments(original.field.text, original.folded, [], false) : null;
      const exactTitle = terms.length === 1 && first.folded.text === terms[0];
      // Bands of 20: every exact hit before every related one (農業 written in a description
      // before 農 in a title), every related one before a near miss; within a band, title hits first.
      const score = (!allTerms ? 0 : related ? 20 : 40) + (titleHit ? 5 : 0) + (exactTitle ? 5 : 0) - Math.min(first.folded.text.length, 9_000) / 1000;
      const result: SearchResult = { kind: c.kind, city: c.city, title, snippet, approximate, score, ...pick(c) };
      (c.kind === 'plan' ? plans : c.kind === 'kpi' ? kpis : nodes).push(result);
    }
  }
  const byScore = (a: SearchResult, b: SearchResult) => b.score - a.score;
  plans.sort(byScore);
  kpis.sort(byScore);
  nodes.sort(byScore);
  return { query: query.slice(0, MAX_QUERY_LENGTH), terms, plans, kpis, nodes, total: plans.length + kpis.length + nodes.length };
}

function pick(c: Candidate): Pick<SearchResult, 'plan' | 'node' | 'kpi'> {
  return { ...(c.plan ? { plan: c.plan } : {}), ...(c.node ? { node: c.node } : {}), ...(c.kpi ? { kpi: c.kpi } : {}) };
}
