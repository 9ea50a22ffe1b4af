import { describe, expect, it } from 'vitest';
import { decide, goalsOf, isActiveOn, isListed, partnerStatusAfter } from './partner.ts';

describe('the registration life cycle', () => {
  it('only a pending submission is decided; returning and rejecting need a reason', () => {
    expect(decide('pending', 'approve', '')).toEqual({ ok: true, status: 'approved' });
    expect(decide('pending', 'return', '取組宣言を具体的に書いてください')).toEqual({ ok: true, status: 'returned' });
    expect(decide('pending', 'reject', '  ')).toEqual({ ok: false, error: { kind: 'reason-required' } });
    expect(decide('approved', 'approve', '')).toEqual({ ok: false, error: { kind: 'not-pending', status: 'approved' } });
  });

  it('a decision on an application sets the partner status; one on a change or renewal never takes the registration away', () => {
    expect(partnerStatusAfter('pending', 'application', 'approved')).toBe('approved');
    expect(partnerStatusAfter('pending', 'application', 'returned')).toBe('returned');
    expect(partnerStatusAfter('approved', 'change', 'rejected')).toBe('approved');
    expect(partnerStatusAfter('approved', 'renewal', 'returned')).toBe('approved');
  });

  it('is listed when approved, consenting to publication and not expired', () => {
    const p = { status: 'approved' as const, publicationConsent: true, validUntil: '2027-04-14' };
    expect(isListed(p, '2027-04-14')).toBe(true);
    expect(isListed(p, '2027-04-15')).toBe(false);
    expect(isListed({ ...p, publicationConsent: false }, '2026-01-01')).toBe(false);
    expect(isListed({ ...p, status: 'withdrawn' }, '2026-01-01')).toBe(false);
  });

  it('a withdrawn registration was in force until the day before withdrawal', () => {
    const p = { status: 'withdrawn' as const, registeredOn: '2024-04-15', validUntil: '2027-04-14', withdrawnOn: '2026-11-01' };
    expect(isActiveOn(p, '2024-04-14')).toBe(false);
    expect(isActiveOn(p, '2026-10-31')).toBe(true);
    expect(isActiveOn(p, '2026-11-01')).toBe(false);
    expect(isActiveOn({ ...p, status: 'pending', withdrawnOn: null }, '2025-01-01')).toBe(false);
  });

  it('lists the goals of a profile ascending', () => {
    expect(goalsOf({ goals: [{ goal: 15, declaration: '' }, { goal: 4, declaration: '' }] })).toEqual([4, 15]);
  });
});
