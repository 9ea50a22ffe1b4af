import type { MemberType, ResourceCategory } from './programme.ts';

/**
 * A partner and its registration life cycle. The public profile (name, goals, declarations,
 * offers, seeks) is kept apart from the private contact (representative, e-mail, phone), which
 * only the secretariat sees and which is erased on withdrawal (APPI).
 */

/** Where a registration stands. */
export type PartnerStatus = 'pending' | 'returned' | 'approved' | 'rejected' | 'withdrawn';
export const PARTNER_STATUSES: readonly PartnerStatus[] = ['pending', 'returned', 'approved', 'rejected', 'withdrawn'];

/** What a submission asks for: a first registration, a change of an approved profile, a renewal. */
export type SubmissionKind = 'application' | 'change' | 'renewal';

/** Where a submission stands in review. */
export type SubmissionStatus = 'pending' | 'approved' | 'returned' | 'rejected' | 'superseded';

/** A secretariat decision on a submission. */
export type ReviewDecision = 'approve' | 'return' | 'reject';

/** One SDG goal a partner works on, with its declaration of activities (取組宣言). */
export interface PartnerGoal {
  readonly goal: number;
  readonly declaration: string;
}

/** Something a partner offers or seeks. */
export interface PartnerResource {
  readonly kind: 'offer' | 'seek';
  readonly category: ResourceCategory;
  readonly description: string;
}

/** What the public sees of a partner, and what a submission proposes. */
export interface PartnerProfile {
  readonly memberType: MemberType;
  readonly name: string;
  readonly nameKana: string;
  readonly area: string;
  readonly website: string | null;
  readonly goals: readonly PartnerGoal[];
  readonly resources: readonly PartnerResource[];
  readonly levelId: string | null;
  /** Self-check question id → yes/no. */
  readonly selfCheck: Readonly<Record<string, boolean>>;
}

/** The private part: visible to the secretariat (and the partner itself) only. */
export interface PartnerContact {
  readonly representative: string;
  readonly email: string;
  readonly phone: string | null;
}

/** A partner as the services hand it around. */
export interface Partner {
  readonly id: number;
  readonly programmeId: string;
  readonly status: PartnerStatus;
  readonly profile: PartnerProfile;
  readonly registrationNo: string | null;
  readonly registeredOn: string | null;
  readonly validUntil: string | null;
  readonly withdrawnOn: string | null;
  readonly publicationConsent: boolean;
  /** Example data shipped with the seeds, never a real organisation. */
  readonly isSample: boolean;
  readonly returnReason: string | null;
  readonly createdAt: Date;
}

/** Whether a partner is listed publicly and counted: approved, consenting, and not expired on `today`. */
export function isListed(p: Pick<Partner, 'status' | 'publicationConsent' | 'validUntil'>, today: string): boolean {
  return p.status === 'approved' && p.publicationConsent && (p.validUntil === null || p.validUntil >= today);
}

/** Whether a partner's registration is in force on `date` (ISO). */
export function isActiveOn(p: Pick<Partner, 'status' | 'registeredOn' | 'validUntil' | 'withdrawnOn'>, date: string): boolean {
  if (p.registeredOn === null || p.registeredOn > date) return false;
  if (p.withdrawnOn !== null && p.withdrawnOn <= date) return false;
  if (p.status !== 'approved' && p.status !== 'withdrawn') return false;
  return p.validUntil === null || p.validUntil >= date;
}

/** A decision that cannot be made, as a value (the route turns it into a message). */
export type ReviewError =
  | { readonly kind: 'not-pending'; readonly status: SubmissionStatus }
  | { readonly kind: 'reason-required' };

/**
 * The submission status a decision leads to. Returning or rejecting needs a reason the
 * applicant is told; only a pending submission can be decided.
 */
export function decide(status: SubmissionStatus, decision: ReviewDecision, reason: string): { ok: true; status: SubmissionStatus } | { ok: false; error: ReviewError } {
  if (status !== 'pending') return { ok: false, error: { kind: 'not-pending', status } };
  if (decision !== 'approve' && reason.trim() === '') return { ok: false, error: { kind: 'reason-required' } };
  switch (decision) {
    case 'approve':
      return { ok: true, status: 'approved' };
    case 'return':
      return { ok: true, status: 'returned' };
    case 'reject':
      return { ok: true, status: 'rejected' };
  }
}

/** The partner status after a decision on its submission of this kind. */
export function partnerStatusAfter(current: PartnerStatus, kind: SubmissionKind, decided: SubmissionStatus): PartnerStatus {
  // A change or renewal of an approved partner never takes the registration away: the old profile stays public.
  if (kind !== 'application') return current;
  switch (decided) {
    case 'approved':
      return 'approved';
    case 'returned':
      return 'returned';
    case 'rejected':
      return 'rejected';
    default:
      return current;
  }
}

/** The SDG goals of a profile, ascending. */
export function goalsOf(profile: Pick<PartnerProfile, 'goals'>): number[] {
  return profile.goals.map((g) => g.goal).sort((a, b) => a - b);
}
