import type { PlanKind } from '../core/plan/plan.ts';
import { loadJapaneseAnalyser } from '../search/japanese-analyser.ts';
import { bigrams, localizedFields, searchCandidates, searchTerms, termPatterns, type SearchCandidate, type SearchResults } from '../search/search.service.ts';
import type { Executor } from '../storage/database.ts';
import { findNearSearchEntries, findSearchEntries, type SearchEntryListRow } from './summary.repository.ts';

/** Entries ranked per search: enough for any page of hits people read; the total is still counted (up to {@link COUNTED}). */
const RANKED = 500;
/**
 * Matches counted per search: past it the page says "more than" this many. Counting every match of
 * a term held by most entries (one common character) read a quarter of a million entries on the
 * national copy, 200–600 ms of PostgreSQL for each such query, whatever else was typed with it.
 */
export const COUNTED = 1_000;
/** Entries considered for an approximate (bigram) match when no entry holds every term. */
const APPROXIMATE_POOL = 2_000;

function candidate(r: SearchEntryListRow, lang: 'ja' | 'en'): SearchCandidate {
  const city = { id: r.city_id, name: r.city_name, nameEn: r.city_name_en };
  const plan = r.plan_id ? { id: r.plan_id, kind: (r.plan_kind ?? 'comprehensive') as PlanKind, title: r.plan_title ?? '', ...(r.plan_title_en ? { titleEn: r.plan_title_en } : {}) } : undefined;
  if (r.kind === 'kpi') {
    return { kind: 'kpi', city, kpi: { id: r.kpi_id!, name: r.title, ...(r.title_en ? { nameEn: r.title_en } : {}) }, fields: localizedFields(lang, r.title, r.title_en ?? undefined, r.more ?? undefined, r.readings) };
  }
  if (r.kind === 'plan') return { kind: 'plan', city, plan: plan!, fields: localizedFields(lang, r.title, r.title_en ?? undefined, r.more ?? undefined, r.readings) };
  const title = `${r.code ? `${r.code} ` : ''}${r.title}`;
  return {
    kind: 'node',
    city,
    plan: plan!,
    node: { id: r.node_id!, title: r.title, ...(r.code ? { code: r.code } : {}), ...(r.title_en ? { titleEn: r.title_en } : {}) },
    fields: localizedFields(lang, title, r.title_en ?? undefined, r.more ?? undefined, r.readings),
  };
}

/**
 * Search across every city (issue 11.1): SQL picks the plans, nodes and KPIs whose folded text
 * (with the readings of issue 15.5) holds every term, by itself, its reading, its words or kanji (at most {@link RANKED} of them, all counted); failing any, those holding one
 * of the query's bigrams; then search.service.ts matches, highlights and ranks them exactly as
 * for one city. Matches are counted up to `counted` ({@link COUNTED}; `more` past it). Never loads a city's data.
 */
export async function searchNational(db: Executor, query: string, lang: 'ja' | 'en', counted = COUNTED): Promise<SearchResults> {
  const analyser = await loadJapaneseAnalyser();
  const terms = searchTerms(query, analyser);
  const ways = terms.map((t) => termPatterns(t, analyser).map((p) => p.fragments));
  const exact = await findSearchEntries(db, ways, Math.min(RANKED, counted), counted);
  if (exact.total > 0) {
    const results = searchCandidates(exact.rows.map((r) => candidate(r, lang)), query, analyser);
    const truncated = exact.more || exact.total > exact.rows.length;
    // SQL's LIKE is the wider net (a reading inside a run of words, にんていじゅうたく for
    // いじゅう): the count is what the matching kept, SQL's count only when not all were ranked.
    if (truncated) return { ...results, total: Math.max(results.total, exact.total), truncated, ...(exact.more && { more: true }) };
    if (results.total > 0) return { ...results, truncated };
  }
  const compact = terms.join('');
  if (compact.length < 3) return searchCandidates([], query);
  const near = await findNearSearchEntries(db, bigrams(compact), APPROXIMATE_POOL);
  return searchCandidates(near.map((r) => candidate(r, lang)), query, analyser);
}
