import { loadJapaneseAnalyser } from '../search/japanese-analyser.ts';
import { termPatterns, withoutParticles } from '../search/search.service.ts';
import type { Executor } from '../storage/database.ts';
import { toPartnerEvent } from './activity.model.ts';
import { awardsOf, awardEntries, eventsOfPartner } from './activity.repository.ts';
import { suggestMatches, type MatchSuggestion } from './matching.ts';
import { countListed, countSamplePartners, findPartnerIds, similarPartnerIds } from './partner.repository.ts';
import { publishedFiguresOf, type PublishedFigure } from './published-figure.ts';
import { loadPartners } from './partner.service.ts';
import { goalsOf, type Partner } from './partner.ts';
import type { MemberType, Programme } from './programme.ts';
import { normalizeForSearch, queryTerms } from './search-text.ts';

/** The public side of the registry: directory search, programme counts, a partner's page, matching. */

/** Directory search criteria as the page's form sends them (already validated). */
export interface DirectoryQuery {
  readonly q?: string;
  readonly goal?: number;
  readonly memberType?: MemberType;
  readonly area?: string;
  readonly page?: number;
}

export const DIRECTORY_PAGE_SIZE = 20;

/** A page of listed partners matching the query, and close matches when nothing matches exactly. */
export async function searchDirectory(db: Executor, programme: Programme, query: DirectoryQuery, today: string): Promise<{ partners: Partner[]; total: number; similar: Partner[] }> {
  const typed = query.q ? queryTerms(query.q) : [];
  // Each term by itself, its reading, or its words and kanji (「農業」 finds 農林水産業, issue 15.5);
  // particles typed between words (「たいひ の のうか」) are not looked for.
  const analyser = typed.length > 0 ? await loadJapaneseAnalyser() : undefined;
  const terms = withoutParticles(typed, analyser);
  const ways = terms.map((t) => termPatterns(t, analyser).map((p) => p.fragments));
  const page = Math.max(1, query.page ?? 1);
  const { ids, total } = await findPartnerIds(db, programme.id, {
    listedOn: today,
    ...(query.goal !== undefined && { goal: query.goal }),
    ...(query.memberType !== undefined && { memberType: query.memberType }),
    ...(query.area !== undefined && { area: query.area }),
    terms: ways,
    limit: DIRECTORY_PAGE_SIZE,
    offset: (page - 1) * DIRECTORY_PAGE_SIZE,
  });
  const similar = total === 0 && terms.length > 0 ? await loadPartners(db, await similarPartnerIds(db, programme.id, normalizeForSearch(query.q!), today)) : [];
  return { partners: await loadPartners(db, ids), total, similar };
}

/**
 * Counts of listed partners by member type and by goal: real registrations only; the sample
 * partners shown with a badge are counted apart (`samples`) and never in a total (issue 10.5).
 */
export async function programmeCounts(db: Executor, programme: Programme, today: string) {
  const [counts, samples] = await Promise.all([countListed(db, programme.id, today), countSamplePartners(db, programme.id)]);
  return { ...counts, samples };
}

/** The figures the city published about its programme, dated and with their source passage. */
export function programmeFigures(db: Executor, programme: Programme): Promise<PublishedFigure[]> {
  return publishedFiguresOf(db, programme.cityId);
}

/** What a partner's public page shows beside its profile: the events it joined and the awards it won. */
export async function partnerActivities(db: Executor, programme: Programme, partnerId: number) {
  const events = (await eventsOfPartner(db, partnerId)).filter((e) => e.status !== 'cancelled' && (e.status === 'announced' || e.attended !== false)).map((e) => ({ ...toPartnerEvent(e), attended: e.attended }));
  const awards: { title: string; year: number; prize: string | null; entryTitle: string }[] = [];
  for (const a of (await awardsOf(db, programme.id)).filter((a) => a.status === 'decided')) {
    for (const e of await awardEntries(db, a.id)) if (e.partner_id === partnerId && e.winner) awards.push({ title: a.title, year: a.year, prize: e.prize, entryTitle: e.title });
  }
  return { events, awards };
}

/** Matching suggestions for a partner among the listed partners sharing one of its goals. */
export async function matchesFor(db: Executor, programme: Programme, partner: Partner, today: string): Promise<MatchSuggestion[]> {
  const ids = new Set<number>();
  for (const goal of goalsOf(partner.profile)) for (const id of (await findPartnerIds(db, programme.id, { listedOn: today, goal })).ids) ids.add(id);
  ids.delete(partner.id);
  const others = await loadPartners(db, [...ids]);
  const candidate = (p: Partner) => ({ id: p.id, name: p.profile.name, goals: goalsOf(p.profile), resources: p.profile.resources });
  return suggestMatches(candidate(partner), others.map(candidate));
}
