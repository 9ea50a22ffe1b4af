import type { PartnerResource } from './partner.ts';
import type { ResourceCategory } from './programme.ts';

/**
 * Matching (Kanazawa wants "matching of citizens, companies and NPOs"): for one partner,
 * others whose offers meet its needs and whose needs its offers meet, among partners that
 * share at least one SDG goal. Each suggestion carries its reasons so people see why.
 */

/** What matching needs to know of a partner. */
export interface MatchCandidate {
  readonly id: number;
  readonly name: string;
  readonly goals: readonly number[];
  readonly resources: readonly PartnerResource[];
}

/** Why two partners were matched. */
export type MatchReason =
  | { readonly kind: 'they-offer-what-you-seek'; readonly category: ResourceCategory; readonly offer: string; readonly seek: string }
  | { readonly kind: 'you-offer-what-they-seek'; readonly category: ResourceCategory; readonly offer: string; readonly seek: string };

/** One suggested partner, best first. */
export interface MatchSuggestion {
  readonly partner: MatchCandidate;
  readonly sharedGoals: readonly number[];
  readonly reasons: readonly MatchReason[];
  readonly score: number;
}

/**
 * Suggestions for `self` among `others` (self is skipped if present). A need met counts more
 * than an offer wanted (the partner asked for this page to find help), shared goals break ties.
 */
export function suggestMatches(self: MatchCandidate, others: readonly MatchCandidate[], limit = 10): MatchSuggestion[] {
  const out: MatchSuggestion[] = [];
  for (const other of others) {
    if (other.id === self.id) continue;
    const sharedGoals = self.goals.filter((g) => other.goals.includes(g));
    if (sharedGoals.length === 0) continue;
    const reasons: MatchReason[] = [];
    for (const seek of self.resources.filter((r) => r.kind === 'seek')) {
      const offer = other.resources.find((r) => r.kind === 'offer' && r.category === seek.category);
      if (offer) reasons.push({ kind: 'they-offer-what-you-seek', category: seek.category, offer: offer.description, seek: seek.description });
    }
    for (const offer of self.resources.filter((r) => r.kind === 'offer')) {
      const seek = other.resources.find((r) => r.kind === 'seek' && r.category === offer.category);
      if (seek) reasons.push({ kind: 'you-offer-what-they-seek', category: offer.category, offer: offer.description, seek: seek.description });
    }
    if (reasons.length === 0) continue;
    const score = reasons.reduce((s, r) => s + (r.kind === 'they-offer-what-you-seek' ? 2 : 1), 0) + sharedGoals.length * 0.5;
    out.push({ partner: other, sharedGoals, reasons, score });
  }
  return out.sort((a, b) => b.score - a.score || a.partner.name.localeCompare(b.partner.name, 'ja')).slice(0, limit);
}
