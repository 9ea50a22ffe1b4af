import { z } from 'zod';
import type { PartnerContact, PartnerProfile } from './partner.ts';
import { MEMBER_TYPES, RESOURCE_CATEGORIES, type MemberType, type ProgrammeConfig, type ResourceCategory } from './programme.ts';

/**
 * The application form (and the profile form partners keep later): what a field may hold and
 * the typed errors shown beside it. The route hands in the posted fields as strings; nothing
 * here knows HTTP.
 */

/** Why a field was refused; the catalog has a message for each (partners.error.*). */
export type FieldErrorCode =
  | 'required'
  | 'too-long'
  | 'invalid-email'
  | 'invalid-phone'
  | 'invalid-url'
  | 'invalid-kana'
  | 'invalid-choice'
  | 'goal-required'
  | 'declaration-required'
  | 'consent-required'
  | 'duplicate-email';

/** Field name → the first error of that field. */
export type FieldErrors = Readonly<Record<string, FieldErrorCode>>;

/** Limits on what one application may hold (a public form: size limits are part of abuse control). */
export const LIMITS = { name: 100, kana: 100, representative: 60, email: 254, phone: 20, website: 300, declaration: 400, resource: 300, reason: 1000, message: 2000 } as const;

/**
 * An e-mail address as the platform compares it: full-width forms folded (ＹＡＭＡＤＡ＠… typed
 * on a Japanese keyboard), spaces trimmed, lower-cased (addresses are case-insensitive in
 * practice). One person signing up twice with the same address in another spelling is refused.
 */
export function normalizeEmail(input: string): string {
  return input.normalize('NFKC').trim().toLowerCase();
}

/** A posted form: field → value(s). */
export type PostedFields = Readonly<Record<string, string | readonly string[] | undefined>>;

/** A validated application. */
export interface Application {
  readonly profile: PartnerProfile;
  readonly contact: PartnerContact;
  readonly publicationConsent: boolean;
}

const text = (max: number) => z.string().trim().min(1, 'required').max(max, 'too-long');
const optionalText = (max: number) => z.string().trim().max(max, 'too-long');
// Katakana, hiragana, the long-vowel mark, spaces, middle dots and ASCII letters/digits (for names like "NPO法人" read as エヌピーオー…).
const KANA = /^[\p{Script=Katakana}\p{Script=Hiragana}ー・゠\s\u3000A-Za-z0-9.&'-]+$/u;

const profileSchema = z.object({
  memberType: z.enum(MEMBER_TYPES as [MemberType, ...MemberType[]], { message: 'invalid-choice' }),
  name: text(LIMITS.name),
  nameKana: text(LIMITS.kana).regex(KANA, 'invalid-kana'),
  area: text(100),
  website: optionalText(LIMITS.website).regex(/^$|^https?:\/\/[^\s<>"']+$/, 'invalid-url'),
});

/** The private contact's fields (the application, a returned application's correction, the contact form). */
export const contactSchema = z.object({
  representative: text(LIMITS.representative),
  email: text(LIMITS.email).email('invalid-email'),
  phone: optionalText(LIMITS.phone).regex(/^$|^[0-9０-９+()（）\- ー－]{6,20}$/, 'invalid-phone'),
});

/** The first value of a field. */
export function field(fields: PostedFields, name: string): string {
  const v = fields[name];
  return (Array.isArray(v) ? v[0] : (v as string | undefined)) ?? '';
}

/** Every value of a (multi-valued) field. */
export function fieldAll(fields: PostedFields, name: string): string[] {
  const v = fields[name];
  if (v === undefined) return [];
  return Array.isArray(v) ? [...(v as readonly string[])] : [v as string];
}

/** A validated change of an approved partner's public profile (the contact is kept apart and never reviewed). */
export interface ProfileChange {
  readonly profile: PartnerProfile;
  readonly publicationConsent: boolean;
}

/**
 * Validates an application against the programme: the member type must be one the programme
 * takes, the area one of its areas, each chosen goal needs a declaration, both consents are
 * required. With `forProfileEdit` (a returned application corrected by its applicant), consent
 * to the terms was given before and is not asked again; consent to publication is what is ticked.
 */
export function validateApplication(
  fields: PostedFields,
  config: ProgrammeConfig,
  options: { forProfileEdit?: boolean } = {},
): { ok: true; value: Application } | { ok: false; errors: FieldErrors } {
  const errors: Record<string, FieldErrorCode> = {};
  const profile = profileOf(fields, config, errors);
  const contact = parseInto(contactSchema, fields, errors);
  const consents = consentsOf(fields, !options.forProfileEdit, errors);
  if (Object.keys(errors).length > 0 || !profile || !contact) return { ok: false, errors };
  return { ok: true, value: { profile, contact: { representative: contact.representative, email: contact.email, phone: contact.phone === '' ? null : contact.phone }, publicationConsent: consents } };
}

/**
 * Validates a registered partner's profile form: the same rules as the application for the
 * public profile, no contact fields (the contact has its own form) and no consent to the terms
 * (given on applying); consent to publication is what is ticked.
 */
export function validateProfileChange(fields: PostedFields, config: ProgrammeConfig): { ok: true; value: ProfileChange } | { ok: false; errors: FieldErrors } {
  const errors: Record<string, FieldErrorCode> = {};
  const profile = profileOf(fields, config, errors);
  const publicationConsent = consentsOf(fields, false, errors);
  if (Object.keys(errors).length > 0 || !profile) return { ok: false, errors };
  return { ok: true, value: { profile, publicationConsent } };
}

/** Parses the schema's fields into `errors` (the first error of each field); the value when all passed. */
function parseInto<S extends z.ZodObject>(schema: S, fields: PostedFields, errors: Record<string, FieldErrorCode>): z.infer<S> | null {
  const parsed = schema.safeParse(Object.fromEntries(Object.keys(schema.shape).map((k) => [k, field(fields, k)])));
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= (issue.message as FieldErrorCode) ?? 'required';
  return null;
}

/** The consent to publication; with `required`, both consents must be ticked. */
function consentsOf(fields: PostedFields, required: boolean, errors: Record<string, FieldErrorCode>): boolean {
  if (required && field(fields, 'consentTerms') !== 'on') errors.consentTerms = 'consent-required';
  const publicationConsent = field(fields, 'consentPublication') === 'on';
  if (required && !publicationConsent) errors.consentPublication = 'consent-required';
  return publicationConsent;
}

/** The public profile of a posted form, its errors added to `errors`. */
function profileOf(fields: PostedFields, config: ProgrammeConfig, errors: Record<string, FieldErrorCode>): PartnerProfile | null {
  const base = parseInto(profileSchema, fields, errors);
  const memberType = field(fields, 'memberType') as MemberType;
  if (!errors.memberType && !config.memberTypes.includes(memberType)) errors.memberType = 'invalid-choice';
  const area = field(fields, 'area').trim();
  if (!errors.area && !config.areas.includes(area)) errors.area = 'invalid-choice';

  const goalNumbers = [...new Set(fieldAll(fields, 'goals').map(Number))].filter((n) => Number.isInteger(n) && n >= 1 && n <= 17).sort((a, b) => a - b);
  if (goalNumbers.length === 0) errors.goals = 'goal-required';
  const goals = goalNumbers.map((goal) => {
    const declaration = field(fields, `declaration_${goal}`).trim();
    if (declaration === '') errors[`declaration_${goal}`] = 'declaration-required';
    else if ([...declaration].length > LIMITS.declaration) errors[`declaration_${goal}`] = 'too-long';
    return { goal, declaration };
  });

  const resources: { kind: 'offer' | 'seek'; category: ResourceCategory; description: string }[] = [];
  for (const kind of ['offer', 'seek'] as const) {
    for (const category of RESOURCE_CATEGORIES) {
      const description = field(fields, `${kind}_${category}`).trim();
      if (description === '') continue;
      if ([...description].length > LIMITS.resource) errors[`${kind}_${category}`] = 'too-long';
      resources.push({ kind, category, description });
    }
  }

  const levelId = field(fields, 'levelId').trim();
  if (levelId !== '' && !config.levels.some((l) => l.id === levelId)) errors.levelId = 'invalid-choice';
  const selfCheck: Record<string, boolean> = {};
  for (const q of config.selfCheck) selfCheck[q.id] = field(fields, `selfcheck_${q.id}`) === 'yes';
  if (!base) return null;
  return { memberType: base.memberType, name: base.name, nameKana: base.nameKana, area, website: base.website === '' ? null : base.website, goals, resources, levelId: levelId === '' ? null : levelId, selfCheck };
}

/** The honeypot: a field hidden from people that bots fill in. A filled one marks the post as spam. */
export const HONEYPOT_FIELD = 'contact_fax';

/** Whether a post is spam by the honeypot. */
export function isHoneypotFilled(fields: PostedFields): boolean {
  return field(fields, HONEYPOT_FIELD).trim() !== '';
}
