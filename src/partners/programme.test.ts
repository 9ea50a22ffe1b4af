import { describe, expect, it } from 'vitest';
import { addDays, levelReached, programmeConfigSchema, registrationNumber, renewalDue, validUntil } from './programme.ts';

describe('programme rules', () => {
  it('a registration lasts whole years, to the day before its anniversary', () => {
    expect(validUntil('2024-04-15', 3)).toBe('2027-04-14');
    expect(validUntil('2024-02-29', 1)).toBe('2025-02-28');
    expect(validUntil('2024-04-15', null)).toBeNull();
  });

  it('numbers registrations by prefix, year and a running number', () => {
    expect(registrationNumber('ICHI-SDGS', '2024-06-03', 7)).toBe('ICHI-SDGS-2024-0007');
  });

  it('a renewal reminder is due within the notice window, up to the last day', () => {
    expect(renewalDue('2027-04-14', '2027-02-12', 60)).toBe(false);
    expect(renewalDue('2027-04-14', '2027-02-13', 60)).toBe(true);
    expect(renewalDue('2027-04-14', '2027-04-14', 60)).toBe(true);
    expect(renewalDue('2027-04-14', '2027-04-15', 60)).toBe(false);
    expect(renewalDue(null, '2027-04-14', 60)).toBe(false);
    expect(addDays('2027-04-14', -60)).toBe('2027-02-13');
  });

  it('the level reached is the highest whose self-check threshold the answers meet', () => {
    const levels = [
      { id: 'registered', name: '登録', criteria: [], minSelfCheckYes: 0 },
      { id: 'certified', name: '認定', criteria: [], minSelfCheckYes: 3 },
    ];
    expect(levelReached(levels, 2)?.id).toBe('registered');
    expect(levelReached(levels, 3)?.id).toBe('certified');
    expect(levelReached([], 5)).toBeNull();
  });

  it('a configuration gets its defaults and refuses a malformed prefix', () => {
    const base = { description: { ja: '説明' }, terms: { ja: '規約' }, logoRules: { ja: 'ロゴ' }, memberTypes: ['individual'], reviewRequired: false, validityYears: null, registrationPrefix: 'TSUKUBA', areas: ['桜地区'], secretariatEmail: 'a@example.com' };
    expect(programmeConfigSchema.parse(base)).toMatchObject({ renewalNoticeDays: 60, levels: [], selfCheck: [], courseCertifiesMembership: false });
    expect(programmeConfigSchema.safeParse({ ...base, registrationPrefix: 'tsukuba' }).success).toBe(false);
  });
});
