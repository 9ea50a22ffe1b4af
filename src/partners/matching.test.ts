import { describe, expect, it } from 'vitest';
import { suggestMatches, type MatchCandidate } from './matching.ts';

const woodshop: MatchCandidate = {
  id: 1,
  name: 'みどりの木工房',
  goals: [11, 12, 15],
  resources: [
    { kind: 'offer', category: 'skills', description: '木工の技術' },
    { kind: 'seek', category: 'venues', description: '作業場所' },
  ],
};
const council: MatchCandidate = {
  id: 2,
  name: '花泉まちづくり協議会',
  goals: [11, 17],
  resources: [
    { kind: 'offer', category: 'venues', description: '空き店舗の交流スペース' },
    { kind: 'seek', category: 'skills', description: '改装の木工技術' },
  ],
};
const school: MatchCandidate = { id: 3, name: '一関みらい高等学校', goals: [4, 12], resources: [{ kind: 'seek', category: 'skills', description: '専門家の助言' }] };
const foodBank: MatchCandidate = { id: 4, name: 'フードシェアの会', goals: [2], resources: [{ kind: 'offer', category: 'venues', description: '倉庫' }] };

describe('suggestMatches', () => {
  it('suggests partners sharing a goal whose offers meet the needs, both ways, with the reasons', () => {
    const [best, ...rest] = suggestMatches(woodshop, [council, school, foodBank, woodshop]);
    expect(best).toEqual({
      partner: council,
      sharedGoals: [11],
      reasons: [
        { kind: 'they-offer-what-you-seek', category: 'venues', offer: '空き店舗の交流スペース', seek: '作業場所' },
        { kind: 'you-offer-what-they-seek', category: 'skills', offer: '木工の技術', seek: '改装の木工技術' },
      ],
      score: 2 + 1 + 0.5,
    });
    // The school only wants what the woodshop offers; the food bank offers a venue but shares no goal; self is skipped.
    expect(rest.map((s) => [s.partner.name, s.reasons.map((r) => r.kind)])).toEqual([['一関みらい高等学校', ['you-offer-what-they-seek']]]);
  });

  it('ranks a need met above an offer wanted, and keeps to the limit', () => {
    const helper: MatchCandidate = { id: 5, name: 'B 作業場', goals: [12], resources: [{ kind: 'offer', category: 'venues', description: '工房' }] };
    const asker: MatchCandidate = { id: 6, name: 'A 学校', goals: [12], resources: [{ kind: 'seek', category: 'skills', description: '講師' }] };
    expect(suggestMatches(woodshop, [asker, helper]).map((s) => s.partner.id)).toEqual([5, 6]);
    expect(suggestMatches(woodshop, [asker, helper], 1)).toHaveLength(1);
  });

  it('suggests nobody when no offer meets a need', () => {
    expect(suggestMatches(foodBank, [woodshop, council, school])).toEqual([]);
  });
});
