import { describe, expect, it } from 'vitest';
import { mergePlatformObservations, platformCount, platformObservations, SYSTEM_COMPUTED, type PlatformRecords } from './platform-count.ts';

const records: PlatformRecords = {
  partners: [
    { memberType: 'company', goals: [12, 15], registeredOn: '2024-04-15', validUntil: '2027-04-14', withdrawnOn: null },
    { memberType: 'group', goals: [11], registeredOn: '2024-06-03', validUntil: null, withdrawnOn: '2025-03-01' },
    { memberType: 'individual', goals: [12], registeredOn: '2025-02-20', validUntil: null, withdrawnOn: null },
  ],
  eventsHeld: [
    { kind: 'meeting', heldOn: '2025-03-12' },
    { kind: 'course', heldOn: '2025-07-01' },
    { kind: 'course', heldOn: '2024-11-01' },
  ],
  dispatchesHeld: [{ heldOn: '2025-06-14' }, { heldOn: '2025-10-02' }],
  awardApplications: [{ submittedOn: '2025-05-01' }],
};

describe('platform counts for bound KPIs', () => {
  it('counts partners in force on the day, of the bound types or goal', () => {
    expect(platformCount({ kpiId: 'k', metric: 'registered-partners' }, records, '2024-12-31')).toBe(2);
    // The group withdrew on 2025-03-01; the individual joined before.
    expect(platformCount({ kpiId: 'k', metric: 'registered-partners' }, records, '2025-03-01')).toBe(2);
    expect(platformCount({ kpiId: 'k', metric: 'registered-partners', memberTypes: ['company', 'group', 'school'] }, records, '2025-03-01')).toBe(1);
    expect(platformCount({ kpiId: 'k', metric: 'registered-partners', goal: 12 }, records, '2025-12-31')).toBe(2);
    // After the company's registration ran out.
    expect(platformCount({ kpiId: 'k', metric: 'registered-partners' }, records, '2027-04-15')).toBe(1);
  });

  it('counts events, dispatches and award applications of the year up to the day', () => {
    expect(platformCount({ kpiId: 'k', metric: 'events-held' }, records, '2025-12-31')).toBe(2);
    expect(platformCount({ kpiId: 'k', metric: 'events-held', eventKind: 'course' }, records, '2025-06-30')).toBe(0);
    expect(platformCount({ kpiId: 'k', metric: 'dispatches-held' }, records, '2025-09-30')).toBe(1);
    expect(platformCount({ kpiId: 'k', metric: 'award-applications' }, records, '2025-12-31')).toBe(1);
  });

  it('makes one observation per year, the current year as of today, all marked system-computed', () => {
    const obs = platformObservations({ kpiId: 'k', metric: 'dispatches-held' }, records, 2024, '2026-11-23');
    expect(obs).toEqual([
      { at: { kind: 'year', year: 2024 }, value: 0, decimals: 0, source: SYSTEM_COMPUTED },
      { at: { kind: 'year', year: 2025 }, value: 2, decimals: 0, source: SYSTEM_COMPUTED },
      { at: { kind: 'day', year: 2026, month: 11, day: 23 }, value: 0, decimals: 0, source: SYSTEM_COMPUTED },
    ]);
  });

  it('keeps the published record before the programme started and replaces it from then on', () => {
    const stored = [
      { at: { kind: 'year' as const, year: 2023 }, value: 0, decimals: 0 },
      { at: { kind: 'year' as const, year: 2024 }, value: 0, decimals: 0 },
    ];
    const computed = platformObservations({ kpiId: 'k', metric: 'registered-partners' }, records, 2024, '2025-01-10');
    const merged = mergePlatformObservations(stored, computed, 2024);
    expect(merged.map((o) => [o.at.kind === 'period' ? null : o.at.year, o.value, o.source])).toEqual([
      [2023, 0, undefined],
      [2024, 2, SYSTEM_COMPUTED],
      [2025, 2, SYSTEM_COMPUTED],
    ]);
  });

  it('starts from a published figure while the register is not in the platform (issue 10.5)', () => {
    const start = { value: 22, end: '2024-08-31', at: { kind: 'month', year: 2024, month: 8 } as const, document: '進捗評価シート', label: '22社・団体（令和6年8月）' };
    const binding = { kpiId: 'k', metric: 'registered-partners' as const, memberTypes: ['company' as const, 'group' as const, 'school' as const] };
    const obs = platformObservations(binding, records, 2024, '2025-01-10', start);
    // The published figure itself, with its document as source; then 22 + own registrations after it.
    expect(obs[0]).toMatchObject({ at: { kind: 'month', year: 2024, month: 8 }, value: 22, source: '進捗評価シート', note: '公表値 22社・団体（令和6年8月）' });
    // 2024: the company (2024-04-15) and the group (2024-06-03) were registered before the figure: in it, not added.
    expect(obs[1]).toMatchObject({ at: { kind: 'year', year: 2024 }, value: 22, source: SYSTEM_COMPUTED, note: '公表値 22社・団体（令和6年8月） ＋ 本システムでの新規登録 0' });
    const later: PlatformRecords = { ...records, partners: [...records.partners, { memberType: 'school', goals: [4], registeredOn: '2024-10-01', validUntil: null, withdrawnOn: null }] };
    expect(platformObservations(binding, later, 2024, '2025-01-10', start).at(-1)).toMatchObject({ value: 23, note: '公表値 22社・団体（令和6年8月） ＋ 本システムでの新規登録 1' });
    // Before the figure's date there is nothing to count from.
    expect(platformObservations(binding, records, 2024, '2024-07-01', start)).toEqual([]);
  });
});
