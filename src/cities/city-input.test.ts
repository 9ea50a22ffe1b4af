import { describe, expect, it } from 'vitest';
import { cityErrorsLine, validateCityInput, type CityCreateInput } from './city-input.ts';

/** The rules of a typed city (issue 13.1), shared by the staff form and the CLI. */
const GOOD: CityCreateInput = { id: 'ichinoseki2', name: '一関市', nameEn: 'Ichinoseki', prefecture: '岩手県', code: '032093' };

describe('validateCityInput', () => {
  it('accepts a city and fills the defaults: April, <id>-admin, the name + 管理者', () => {
    expect(validateCityInput(GOOD)).toEqual({
      ok: true,
      value: { id: 'ichinoseki2', name: '一関市', nameEn: 'Ichinoseki', prefecture: '岩手県', prefectureEn: 'Iwate', localGovernmentCode: '032093', fiscalYearStartMonth: 4, admin: { username: 'ichinoseki2-admin', displayName: '一関市 管理者', email: null } },
    });
  });

  it('reads an English prefecture name, full-width digits, upper-case ids and another fiscal year start', () => {
    const r = validateCityInput({ ...GOOD, id: ' Ichinoseki2 ', prefecture: 'iwate', code: '０３２０９３', fiscalYearStartMonth: '1' });
    expect(r.ok && [r.value.id, r.value.prefecture, r.value.localGovernmentCode, r.value.fiscalYearStartMonth]).toEqual(['ichinoseki2', '岩手県', '032093', 1]);
  });

  it.each([
    [{ id: 'a' }, 'id', 'id'],
    [{ id: 'x'.repeat(41) }, 'id', 'id'],
    [{ id: '-abc' }, 'id', 'id'],
    [{ id: 'ab_c' }, 'id', 'id'],
    [{ id: 'new' }, 'id', 'id-reserved'],
    [{ name: '' }, 'name', 'required'],
    [{ name: 'x'.repeat(101) }, 'name', 'too-long'],
    [{ name: '一関\u0007市' }, 'name', 'control'],
    [{ nameEn: 'Ichi\nnoseki' }, 'nameEn', 'control'],
    [{ prefecture: 'Atlantis' }, 'prefecture', 'prefecture'],
    [{ fiscalYearStartMonth: '0' }, 'fiscalYearStartMonth', 'month'],
    [{ fiscalYearStartMonth: '4.5' }, 'fiscalYearStartMonth', 'month'],
    [{ adminUsername: 'ab' }, 'adminUsername', 'username'],
    [{ adminEmail: 'nobody' }, 'adminEmail', 'email'],
    [{ code: '' }, 'code', 'required'],
    [{ code: '032094' }, 'code', 'code'],
  ] as const)('refuses %j at %s (%s)', (patch, field, kind) => {
    const r = validateCityInput({ ...GOOD, ...patch });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[field]?.kind).toBe(kind);
  });

  it('says every problem on one line, naming the CLI option', () => {
    const input = { ...GOOD, code: '032094', nameEn: '' };
    const r = validateCityInput(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(cityErrorsLine(r.errors, input, 'en')).toBe('--name-en is required; --code "032094": wrong check digit 4 (expected 3)');
    if (!r.ok) expect(cityErrorsLine(r.errors, input, 'ja')).toBe('--name-enを指定してください；--code「032094」：検査数字 4 が違います（正しくは 3）');
  });

  it('marks only the field typed wrong, not the empty administrator fields derived from it (attack on issue 13.1)', () => {
    for (const name of ['盛岡\u202e市', '盛岡\u200b市', '盛岡\u0007市']) {
      const r = validateCityInput({ ...GOOD, name, adminDisplayName: '' });
      expect(r.ok ? {} : Object.keys(r.errors)).toEqual(['name']);
    }
    const badId = validateCityInput({ ...GOOD, id: 'ab_c', adminUsername: '' });
    expect(badId.ok ? {} : Object.keys(badId.errors)).toEqual(['id']);
    // A typed display name or user name is still checked on its own.
    const typed = validateCityInput({ ...GOOD, adminDisplayName: '管理\u202e者', adminUsername: 'bad name' });
    expect(typed.ok ? {} : Object.keys(typed.errors).sort()).toEqual(['adminDisplayName', 'adminUsername']);
  });

  it('a 100-character name with no display name typed gives a valid derived display name', () => {
    const r = validateCityInput({ ...GOOD, name: '市'.repeat(100) });
    expect(r.ok && r.value.admin.displayName).toBe(`${'市'.repeat(96)} 管理者`);
  });
});
