import { createHmac } from 'node:crypto';
import type { MessageKey } from '../i18n/messages.ts';
import { sameToken } from '../auth/session.ts';

/**
 * Notices shown after a redirect (`?notice=<id>`), issue 9 point 7: a link from anyone can put
 * anything in a URL, so the staff area shows only the notice ids listed here, and placeholder
 * values (`{count}`, `{file}` …) only when the redirect signed them for this session
 * (`sig`: HMAC-SHA256 keyed with the session's CSRF token, which an attacker does not know).
 * A notice that needs values and comes without a valid signature is not shown at all.
 * Add an id here when a route redirects with a new notice.
 */

/** Notices of the staff area (redirectWithNotice in staff.routes.tsx). */
export const STAFF_NOTICES = [
  'staff.saved',
  'staff.actual.saved',
  'staff.actual.unchanged',
  'staff.target.saved',
  'sheets.submittedOn.saved',
  'sheets.form.saved',
  'staff.publication.saved',
  'staff.round.opened',
  'staff.round.closed',
  'staff.round.reminded',
  'staff.plan.saved',
  'staff.logout.done',
  'staff.password.changed',
  'staff.import.committed',
  'staff.import.nothing',
  // The review cycle (issue 10): entries saved, submitted, approved, returned; reminders with gaps.
  'review.savedDraft',
  'review.savedSubmitted',
  'review.submitted',
  'review.approved',
  'review.returned',
  'review.remindedWithGaps',
  // Building plans (issue 13.2, 13.6).
  'plans.created',
  'plans.deleted',
  'plans.archivedNotice',
  'plans.restored',
  'plans.moved',
  'plans.nodeAdded',
  'plans.kpiCreated',
  'plans.kpiAttached',
  'plans.kpiDetached',
  'plans.kpiDeleted',
  'plans.versionRecorded',
  // Issue 13.4: the next period's plan was created.
  'period.next.created',
  'kpiTable.committed',
] as const satisfies readonly MessageKey[];
export type StaffNotice = (typeof STAFF_NOTICES)[number];

/** Notices of the partner's own page (/staff/partner) and the secretariat's partner pages (/staff/partners). */
export const PARTNER_NOTICES = [
  'partners.applied.pending',
  'partners.error.forbidden',
  'partners.me.changeApplied',
  'partners.me.changeRequested',
  'partners.me.contactSaved',
  'partners.error.required',
  'partners.me.collabSent',
  'partners.admin.saved',
  'partners.event.registeredDone',
  'partners.event.full',
  'partners.event.already',
  'partners.event.closed',
  'partners.award.entered',
  'partners.me.renewRequested',
  'partners.error.consent-required',
  'partners.admin.decided',
  'partners.admin.withdrawn',
  'partners.error.invalid-choice',
] as const satisfies readonly MessageKey[];
export type PartnerNotice = (typeof PARTNER_NOTICES)[number];

/** The notice id in a query value if it is one of `known`, else null. */
export function knownNotice<T extends string>(known: readonly T[], value: string | null | undefined): T | null {
  return value !== null && value !== undefined && (known as readonly string[]).includes(value) ? (value as T) : null;
}

/** The signature of a notice and its values for a session (keyed with its CSRF token). */
export function noticeSignature(key: string, notice: string, vars: Readonly<Record<string, string>>): string {
  const payload = [notice, ...Object.keys(vars).sort().map((k) => `${k}=${vars[k]}`)].join('\n');
  return createHmac('sha256', key).update(payload).digest('base64url');
}

/** Whether `sig` signs this notice and these values for the session keyed `key`. */
export function validNoticeSignature(key: string, notice: string, vars: Readonly<Record<string, string>>, sig: string | null): boolean {
  return sig !== null && key !== '' && sameToken(sig, noticeSignature(key, notice, vars));
}
