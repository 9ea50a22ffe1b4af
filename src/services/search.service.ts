import type { City, CityData } from '../core/city/city.ts';
import type { Kpi } from '../core/kpi/kpi.ts';
import { walkPlanNodes, type Plan, type PlanNode } from '../core/plan/plan.ts';

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
}

/** The longest query searched; longer input is cut. */
export const MAX_QUERY_LENGTH = 100;
/** Share of the query's bigrams a text must contain to count as an approximate match. */
const BIGRAM_THRESHOLD = 0.6;
const SNIPPET_RADIUS = 40;

interface Field {
  readonly text: string;
  readonly primary: boolean;
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

function* candidates(cities: readonly CityData[], lang: 'ja' | 'en'): Generator<Candidate> {
  for (const d of cities) {
    for (const plan of d.plans) {
      yield { kind: 'plan', city: d.city, plan, fields: localizedFields(lang, plan.title, plan.titleEn, plan.vision) };
      for (const { node } of walkPlanNodes(plan.nodes)) {
        const title = `${node.code ? `${node.code} ` : ''}${node.title}`;
        yield { kind: 'node', city: d.city, plan, node, fields: localizedFields(lang, title, node.titleEn, node.description) };
      }
    }
    for (const kpi of d.kpis) yield { kind: 'kpi', city: d.city, kpi, fields: localizedFields(lang, kpi.name, kpi.nameEn, kpi.department) };
  }
}

/** The title shown first (the page's language) and the other language and longer text after it, all searchable. */
export function localizedFields(lang: 'ja' | 'en', ja: string, en: string | undefined, more: string | undefined): Field[] {
  const fields: Field[] = lang === 'en' && en ? [{ text: en, primary: true }, { text: ja, primary: false }] : [{ text: ja, primary: true }];
  if (lang === 'ja' && en) fields.push({ text: en, primary: false });
  if (more) fields.push({ text: more, primary: false });
  return fields;
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
export function searchCities(cities: readonly CityData[], query: string, lang: 'ja' | 'en'): SearchResults {
  return searchCandidates(candidates(cities, lang), query);
}

/**
 * The matching and ranking of {@link searchCities} over any candidates (those of loaded cities,
 * or the search entries the national search preselects with SQL).
 */
export function searchCandidates(all: Iterable<SearchCandidate>, query: string): SearchResults {
  const terms = queryTerms(query);
  const plans: SearchResult[] = [];
  const kpis: SearchResult[] = [];
  const nodes: SearchResult[] = [];
  const compact = terms.join('');
  const queryBigrams = compact.length >= 3 ? bigrams(compact) : [];
  if (terms.length > 0) {
    for (const c of all) {
      const folded = c.fields.map((f) => ({ field: f, folded: foldForSearch(f.text) }));
      const termRanges = folded.map((x) => terms.flatMap((t) => rangesOf(x.folded.text, t)));
      const allTerms = terms.every((t) => folded.some((x) => x.folded.text.includes(t)));
      let approximate = false;
      let ranges = termRanges;
      if (!allTerms) {
        if (queryBigrams.length === 0) continue;
        const bigramRanges = folded.map((x) => queryBigrams.flatMap((b) => rangesOf(x.folded.text, b)));
        const best = Math.max(...folded.map((x) => queryBigrams.filter((b) => x.folded.text.includes(b)).length / queryBigrams.length));
        if (best < BIGRAM_THRESHOLD) continue;
        approximate = true;
        ranges = bigramRanges;
      }
      const primaryIndex = 0;
      const hitIndex = ranges.findIndex((r, i) => i !== primaryIndex && r.length > 0);
      const titleHit = ranges[primaryIndex]!.length > 0;
      const first = folded[primaryIndex]!;
      const title = segments(first.field.text, first.folded, ranges[primaryIndex]!, false);
      const snippetField = titleHit ? null : folded[hitIndex];
      const snippet = snippetField ? segments(snippetField.field.text, snippetField.folded, ranges[hitIndex]!, true) : null;
      const exactTitle = terms.length === 1 && first.folded.text === terms[0];
      const score = (approximate ? 0 : 10) + (titleHit ? 5 : 0) + (exactTitle ? 5 : 0) - first.folded.text.length / 1000;
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
