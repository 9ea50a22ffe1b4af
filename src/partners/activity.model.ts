import type { MemberType } from './programme.ts';
import type { SubmissionKind, SubmissionStatus } from './partner.ts';
import type { PartnerAwardRow, PartnerDispatchRow, PartnerEventRow, PartnerSubmissionRow } from './partner.table.ts';

/*
 * The partner platform's activities (events, awards, lecture requests, submissions) as services
 * and views see them: the view models of their rows (views never receive rows,
 * docs/ARCHITECTURE.md). A column rename stops here, in the mapping, not in a view.
 */

/** A meeting or course of a programme. */
export interface PartnerEvent {
  readonly id: number;
  readonly programmeId: string;
  readonly kind: 'meeting' | 'course';
  readonly title: string;
  readonly description: string;
  /** Local (JST) date and time, "2025-02-15T14:00". */
  readonly startsAt: string;
  readonly place: string;
  readonly capacity: number | null;
  /** SDG goal numbers as stored (JSON). */
  readonly goals: unknown;
  /** Whether attending a course makes the attendee a member (会員). */
  readonly certifiesMembership: boolean;
  readonly organiserPartnerId: number | null;
  readonly status: 'announced' | 'held' | 'cancelled';
  /** YYYY-MM-DD when held. */
  readonly heldOn: string | null;
  /** A demonstration record of the seed, marked as such on public pages. */
  readonly isSample: boolean;
  readonly createdAt: Date;
}

/** The model of a `partner_events` row. */
export function toPartnerEvent(r: PartnerEventRow): PartnerEvent {
  return {
    id: r.id,
    programmeId: r.programme_id,
    kind: r.kind,
    title: r.title,
    description: r.description,
    startsAt: r.starts_at,
    place: r.place,
    capacity: r.capacity,
    goals: r.goals,
    certifiesMembership: r.certifies_membership,
    organiserPartnerId: r.organiser_partner_id,
    status: r.status,
    heldOn: r.held_on,
    isSample: r.is_sample,
    createdAt: r.created_at,
  };
}

/** An award (表彰) of a programme. */
export interface PartnerAward {
  readonly id: number;
  readonly programmeId: string;
  readonly title: string;
  readonly description: string;
  readonly year: number;
  /** YYYY-MM-DD, the last day of entry. */
  readonly closesOn: string;
  readonly status: 'open' | 'reviewing' | 'decided';
  readonly isSample: boolean;
  readonly createdAt: Date;
}

/** The model of a `partner_awards` row. */
export function toPartnerAward(r: PartnerAwardRow): PartnerAward {
  return { id: r.id, programmeId: r.programme_id, title: r.title, description: r.description, year: r.year, closesOn: r.closes_on, status: r.status, isSample: r.is_sample, createdAt: r.created_at };
}

/** A lecture request (出前講座). */
export interface PartnerDispatch {
  readonly id: number;
  readonly programmeId: string;
  readonly requesterPartnerId: number | null;
  readonly requesterName: string;
  readonly requesterType: MemberType;
  readonly contactName: string | null;
  readonly contactEmail: string | null;
  readonly topic: string;
  /** YYYY-MM-DD. */
  readonly preferredOn: string;
  readonly audienceSize: number;
  readonly status: 'requested' | 'scheduled' | 'held' | 'cancelled';
  readonly scheduledOn: string | null;
  readonly lecturer: string | null;
  readonly heldOn: string | null;
  readonly participants: number | null;
  readonly isSample: boolean;
  readonly createdAt: Date;
}

/** The model of a `partner_dispatches` row. */
export function toPartnerDispatch(r: PartnerDispatchRow): PartnerDispatch {
  return {
    id: r.id,
    programmeId: r.programme_id,
    requesterPartnerId: r.requester_partner_id,
    requesterName: r.requester_name,
    requesterType: r.requester_type,
    contactName: r.contact_name,
    contactEmail: r.contact_email,
    topic: r.topic,
    preferredOn: r.preferred_on,
    audienceSize: r.audience_size,
    status: r.status,
    scheduledOn: r.scheduled_on,
    lecturer: r.lecturer,
    heldOn: r.held_on,
    participants: r.participants,
    isSample: r.is_sample,
    createdAt: r.created_at,
  };
}

/** A partner's application, change request or renewal, with its decision. */
export interface PartnerSubmission {
  readonly id: number;
  readonly partnerId: number;
  readonly kind: SubmissionKind;
  readonly status: SubmissionStatus;
  /** The submitted profile as stored (JSON). */
  readonly profile: unknown;
  readonly submittedAt: Date;
  readonly decidedAt: Date | null;
  readonly decidedBy: string | null;
  readonly reason: string | null;
}

/** The model of a `partner_submissions` row. */
export function toPartnerSubmission(r: PartnerSubmissionRow): PartnerSubmission {
  return { id: r.id, partnerId: r.partner_id, kind: r.kind, status: r.status, profile: r.profile, submittedAt: r.submitted_at, decidedAt: r.decided_at, decidedBy: r.decided_by, reason: r.reason };
}
