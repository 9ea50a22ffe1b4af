import { describe, expect, it } from 'vitest';
import { isHoneypotFilled, validateApplication, validateProfileChange, type PostedFields } from './application.ts';
import { programmeConfigSchema } from './programme.ts';

const config = programmeConfigSchema.parse({
  description: { ja: '説明' },
  terms: { ja: '規約' },
  logoRules: { ja: 'ロゴ' },
  memberTypes: ['company', 'group'],
  reviewRequired: true,
  validityYears: 3,
  registrationPrefix: 'TEST',
  areas: ['花泉地域', '大東地域'],
  levels: [{ id: 'registered', name: '登録' }],
  selfCheck: [{ id: 'targets', ja: '目標を立てている' }],
  secretariatEmail: 'office@example.com',
});

/** A complete application as the public form posts it. */
const posted: PostedFields = {
  memberType: 'company',
  name: 'みどりの木工房',
  nameKana: 'ミドリノ モッコウボウ',
  representative: '見本 一郎',
  email: 'info@example.com',
  phone: '0191-00-0000',
  area: '大東地域',
  website: 'https://example.com/',
  goals: ['15', '12'],
  declaration_12: '端材を燃料に使い切ります。',
  declaration_15: '間伐に参加します。',
  declaration_3: 'ticked off again: ignored',
  offer_skills: '木工の技術指導',
  seek_information: '学校の情報',
  offer_funding: '   ',
  selfcheck_targets: 'yes',
  consentTerms: 'on',
  consentPublication: 'on',
};

describe('validateApplication', () => {
  it('turns a complete form into a profile, a private contact and the consent', () => {
    const r = validateApplication(posted, config);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.profile).toEqual({
      memberType: 'company',
      name: 'みどりの木工房',
      nameKana: 'ミドリノ モッコウボウ',
      area: '大東地域',
      website: 'https://example.com/',
      // Goals ascending; a declaration of a goal not ticked is dropped.
      goals: [
        { goal: 12, declaration: '端材を燃料に使い切ります。' },
        { goal: 15, declaration: '間伐に参加します。' },
      ],
      // Blank offers are left out.
      resources: [
        { kind: 'offer', category: 'skills', description: '木工の技術指導' },
        { kind: 'seek', category: 'information', description: '学校の情報' },
      ],
      levelId: null,
      selfCheck: { targets: true },
    });
    expect(r.value.contact).toEqual({ representative: '見本 一郎', email: 'info@example.com', phone: '0191-00-0000' });
    expect(r.value.publicationConsent).toBe(true);
  });

  it('names each refused field with a code the catalog explains', () => {
    const r = validateApplication(
      { ...posted, memberType: 'school', nameKana: '木工房', email: 'not-an-address', area: '東京都', website: 'javascript:alert(1)', goals: ['12'], declaration_12: '', consentTerms: '', levelId: 'gold' },
      config,
    );
    expect(r).toEqual({
      ok: false,
      errors: {
        memberType: 'invalid-choice', // not a type this programme takes
        nameKana: 'invalid-kana',
        email: 'invalid-email',
        area: 'invalid-choice',
        website: 'invalid-url',
        declaration_12: 'declaration-required',
        levelId: 'invalid-choice',
        consentTerms: 'consent-required',
      },
    });
  });

  it('needs at least one goal, and refuses texts over the limits', () => {
    const r = validateApplication({ ...posted, goals: [], name: 'あ'.repeat(101), offer_skills: 'x'.repeat(301) }, config);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toMatchObject({ goals: 'goal-required', name: 'too-long', offer_skills: 'too-long' });
  });

  it('for a returned application corrected by its applicant, does not ask for the terms again', () => {
    const r = validateApplication({ ...posted, consentTerms: undefined, consentPublication: undefined }, config, { forProfileEdit: true });
    expect(r.ok && r.value.publicationConsent).toBe(false);
    expect(validateApplication({ ...posted, consentTerms: undefined }, config).ok).toBe(false);
  });
});

describe('validateProfileChange', () => {
  it('validates the public profile only: the contact has its own form, the terms were agreed on applying', () => {
    const { representative: _r, email: _e, phone: _p, consentTerms: _t, ...profileForm } = posted;
    const r = validateProfileChange({ ...profileForm, consentPublication: undefined }, config);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.profile.goals.map((g) => g.goal)).toEqual([12, 15]);
    expect(r.value.publicationConsent).toBe(false);
    expect(validateProfileChange({ ...profileForm, declaration_15: '' }, config)).toEqual({ ok: false, errors: { declaration_15: 'declaration-required' } });
  });
});

describe('the honeypot', () => {
  it('marks a post as spam when its hidden field is filled', () => {
    expect(isHoneypotFilled(posted)).toBe(false);
    expect(isHoneypotFilled({ ...posted, contact_fax: '03-0000-0000' })).toBe(true);
  });
});
