import { z } from 'zod';

/**
 * A city's SDGs partner programme (いちのせきSDGsパートナー登録制度, つくばSDGsパートナーズ,
 * IMAGINE KANAZAWA 2030 パートナーズ): who may join, whether the secretariat reviews, how long
 * a registration lasts, the logo rules and the optional levels. Pure types and rules.
 */

/** Who can be a partner. Tsukuba counts individual and group members separately (491 / 183). */
export type MemberType = 'company' | 'group' | 'school' | 'individual';
export const MEMBER_TYPES: readonly MemberType[] = ['company', 'group', 'school', 'individual'];

/** What partners offer and seek: the categories matching works on. */
export type ResourceCategory = 'skills' | 'venues' | 'funding' | 'volunteers' | 'products' | 'information';
export const RESOURCE_CATEGORIES: readonly ResourceCategory[] = ['skills', 'venues', 'funding', 'volunteers', 'products', 'information'];

/** A platform count a KPI can be bound to; its yearly actual then comes from the platform. */
export type PlatformMetric = 'registered-partners' | 'events-held' | 'dispatches-held' | 'award-applications';
export const PLATFORM_METRICS: readonly PlatformMetric[] = ['registered-partners', 'events-held', 'dispatches-held', 'award-applications'];

const bilingual = { ja: z.string().min(1), en: z.string().min(1).optional() };

/** A level (登録 / 認定 ranks): its criteria, and the self-check score it needs. */
export const programmeLevelSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  name: z.string().min(1),
  nameEn: z.string().min(1).optional(),
  criteria: z.array(z.object(bilingual)).default([]),
  /** Self-check answers of "yes" this level needs (0: none). */
  minSelfCheckYes: z.number().int().min(0).default(0),
});
export type ProgrammeLevel = z.infer<typeof programmeLevelSchema>;

/** A question of the self-check questionnaire (yes / no). */
export const selfCheckQuestionSchema = z.object({ id: z.string().regex(/^[a-z0-9-]+$/), ...bilingual });
export type SelfCheckQuestion = z.infer<typeof selfCheckQuestionSchema>;

/** A KPI of the city bound to a platform count. */
export const kpiBindingSchema = z.object({
  kpiId: z.string().min(1),
  metric: z.enum(PLATFORM_METRICS as [PlatformMetric, ...PlatformMetric[]]),
  /** Only partners of these types (registered-partners). */
  memberTypes: z.array(z.enum(MEMBER_TYPES as [MemberType, ...MemberType[]])).optional(),
  /** Only partners working on this SDG goal (registered-partners). */
  goal: z.number().int().min(1).max(17).optional(),
  /** Only meetings or only courses (events-held). */
  eventKind: z.enum(['meeting', 'course']).optional(),
  /**
   * The id of a published figure the count starts from, while the city has not moved its
   * register into the platform: the KPI is that figure at its date, then the figure plus the
   * platform's own registrations after it (registered-partners). Remove it once the register
   * is migrated, or the migrated partners would be counted twice.
   */
  startFrom: z.string().min(1).optional(),
});
export type KpiBinding = z.infer<typeof kpiBindingSchema>;

/** The programme as configured (the seed files in data/seeds/partners/ and the database hold this). */
export const programmeConfigSchema = z.object({
  description: z.object(bilingual),
  terms: z.object(bilingual),
  logoRules: z.object(bilingual),
  memberTypes: z.array(z.enum(MEMBER_TYPES as [MemberType, ...MemberType[]])).min(1),
  /** Whether the secretariat reviews applications; without review they are approved at once. */
  reviewRequired: z.boolean(),
  /** Years a registration is valid; null: no expiry. */
  validityYears: z.number().int().min(1).max(10).nullable(),
  /** Days before expiry the renewal reminder goes out. */
  renewalNoticeDays: z.number().int().min(1).max(365).default(60),
  /** Prefix of registration numbers ("ICHI-SDGS"). */
  registrationPrefix: z.string().regex(/^[A-Z0-9-]{2,20}$/),
  /** The areas of the city an applicant chooses from. */
  areas: z.array(z.string().min(1)).min(1),
  levels: z.array(programmeLevelSchema).default([]),
  selfCheck: z.array(selfCheckQuestionSchema).default([]),
  /** Whether attending a course makes the attendee an (individual) member: Tsukuba's model. */
  courseCertifiesMembership: z.boolean().default(false),
  /** Where the secretariat receives notices of new applications. */
  secretariatEmail: z.string().email(),
});
export type ProgrammeConfig = z.infer<typeof programmeConfigSchema>;

/** A programme of one city. */
export interface Programme {
  readonly id: string;
  readonly cityId: string;
  readonly name: string;
  readonly nameEn: string | null;
  /** ISO date the programme opened (2024-04-01 for Ichinoseki). */
  readonly startedOn: string;
  readonly config: ProgrammeConfig;
}

/** The last day of a registration made on `registeredOn` (ISO date), or null when it does not expire. */
export function validUntil(registeredOn: string, validityYears: number | null): string | null {
  if (validityYears === null) return null;
  const d = new Date(`${registeredOn}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() + validityYears);
  d.setUTCDate(d.getUTCDate() - 1);
  return isoDate(d);
}

/** The registration number: prefix, year of registration and a running number ("ICHI-SDGS-2024-0007"). */
export function registrationNumber(prefix: string, registeredOn: string, seq: number): string {
  return `${prefix}-${registeredOn.slice(0, 4)}-${String(seq).padStart(4, '0')}`;
}

/** Whether a renewal reminder is due on `today`: within the notice window and not yet past the end. */
export function renewalDue(validUntilDate: string | null, today: string, noticeDays: number): boolean {
  if (validUntilDate === null) return false;
  return addDays(validUntilDate, -noticeDays) <= today && today <= validUntilDate;
}

/** The highest level whose self-check threshold the answers reach (levels are listed lowest first). */
export function levelReached(levels: readonly ProgrammeLevel[], yesAnswers: number): ProgrammeLevel | null {
  let reached: ProgrammeLevel | null = null;
  for (const l of levels) if (yesAnswers >= l.minSelfCheckYes) reached = l;
  return reached;
}

/** An ISO date (YYYY-MM-DD) of a Date built as UTC midnight (date arithmetic only; "today" comes from the clock). */
function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** An ISO date moved by `days`. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return isoDate(d);
}
