import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { hashPassword } from '../auth/password.ts';
import type { Database, Executor } from '../storage/database.ts';
import { inTransaction } from '../storage/database.ts';
import type { Application } from './application.ts';
import { decide, partnerStatusAfter, type Partner, type PartnerContact, type PartnerProfile, type ReviewDecision, type ReviewError, type SubmissionKind } from './partner.ts';
import {
  reindexUnanalysedPartners,
  contactOf,
  decideSubmission,
  deleteUser,
  erasePersonalData,
  insertPartner,
  insertPartnerUser,
  insertSubmission,
  linkAccount,
  listProgrammeRows,
  logPartnerChange,
  partnerActivityExport,
  partnerIdOfUser,
  partnerRecords,
  partnersDueForReminder,
  pendingSubmissions,
  programmeRowOfCity,
  replaceProfile,
  saveContact,
  submission,
  submissionsOf,
  supersedeAllPending,
  supersedePending,
  takeRegistrationSeq,
  updatePartnerRow,
  userIdOfPartner,
  userNamesOf,
  usernameTaken,
  type PartnerRecord,
  type ProgrammeRecord,
} from './partner.repository.ts';
import { addDays, programmeConfigSchema, registrationNumber, validUntil, type Programme } from './programme.ts';
import { queueMail } from './activity.repository.ts';
import { composeMail, type MailKind } from './partner-mail.ts';
import { personalValues } from './personal-data.ts';

/**
 * The registration use cases: apply, review (approve / return / reject), changes and renewals
 * under review, renewal reminders, withdrawal with erasure of personal data, and the partner's
 * data export. Each runs in one transaction, logs every step to `change_log` (ids and statuses
 * only: personal data never enters the append-only log) and queues its mail in the outbox.
 */

/** A programme from its row (the configuration is validated on the way in). */
export function toProgramme(r: ProgrammeRecord): Programme {
  return { id: r.id, cityId: r.city_id, name: r.name, nameEn: r.name_en, startedOn: r.started_on, config: programmeConfigSchema.parse(r.config) };
}

/** Every configured programme. */
export async function listProgrammes(db: Executor): Promise<Programme[]> {
  return (await listProgrammeRows(db)).map(toProgramme);
}

/** The programme of a city, or null when the city runs none. */
export async function programmeOfCity(db: Executor, cityId: string): Promise<Programme | null> {
  const r = await programmeRowOfCity(db, cityId);
  return r ? toProgramme(r) : null;
}

/** A partner from its record. */
export function toPartner(r: PartnerRecord): Partner {
  const row = r.row;
  return {
    id: row.id,
    programmeId: row.programme_id,
    status: row.status,
    profile: {
      memberType: row.member_type,
      name: row.name,
      nameKana: row.name_kana,
      area: row.area,
      website: row.website,
      goals: r.goals,
      resources: r.resources,
      levelId: row.level_id,
      selfCheck: (row.self_check ?? {}) as Record<string, boolean>,
    },
    registrationNo: row.registration_no,
    registeredOn: row.registered_on,
    validUntil: row.valid_until,
    withdrawnOn: row.withdrawn_on,
    publicationConsent: row.publication_consent,
    isSample: row.is_sample,
    returnReason: row.return_reason,
    createdAt: row.created_at,
  };
}

/** Re-indexes for search the partner profiles indexed before the Japanese analyser (issue 15.5); returns how many. */
export function reindexPartnerSearch(db: Executor): Promise<number> {
  return reindexUnanalysedPartners(db);
}

/** Partners by id (missing ones left out), in the order given. */
export async function loadPartners(db: Executor, ids: readonly number[]): Promise<Partner[]> {
  return (await partnerRecords(db, ids)).map(toPartner);
}

/** One partner, or null. */
export async function loadPartner(db: Executor, id: number): Promise<Partner | null> {
  return (await loadPartners(db, [id]))[0] ?? null;
}

/** The partner a logged-in user keeps, or null when the user is no partner. */
export async function partnerOfUser(db: Executor, userId: number): Promise<Partner | null> {
  const id = await partnerIdOfUser(db, userId);
  return id === null ? null : loadPartner(db, id);
}

/** The alphabet of partner log-in ids: lower case (user names are), no look-alikes (0/o, 1/l); 32 letters. */
const LOGIN_ID_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/**
 * A new, unguessable log-in id for a partner's account: `partner-` and 12 random characters
 * (60 bits), so knowing one partner's id tells nothing of another's (issue 9 point 7; ids were
 * `partner-<sequence>` before, and those accounts keep their ids and keep working).
 */
export function newPartnerUsername(): string {
  // 256 is a multiple of 32: every character is equally likely.
  return `partner-${[...randomBytes(12)].map((b) => LOGIN_ID_ALPHABET[b % 32]).join('')}`;
}

/** Queues a mail of the partner area (the dedupe key names the partner, so erasure can find it). */
async function mail(db: Executor, programme: Programme, partnerId: number | null, kind: MailKind, key: string, recipient: string, vars: Record<string, string>): Promise<void> {
  const m = composeMail(kind, { ...vars, programme: programme.name });
  await queueMail(db, { cityId: programme.cityId, dedupeKey: `partners:${partnerId === null ? 'x' : `p${partnerId}`}:${kind}:${key}`, recipient, subject: m.subject, body: m.body });
}

/** What an application came to. */
export interface ApplicationResult {
  readonly partnerId: number;
  readonly username: string;
  readonly status: 'pending' | 'approved';
  readonly registrationNo: string | null;
}

/**
 * Registers an application: the partner (pending), its private contact, the submission, a
 * log-in (the password chosen on the form), the receipt to the applicant and a notice to the
 * secretariat. A programme without review approves at once.
 */
export async function apply(db: Kysely<Database>, programme: Programme, application: Application, password: string, today: string): Promise<ApplicationResult> {
  const passwordHash = await hashPassword(password);
  return inTransaction(db, async (trx) => {
    const partnerId = await insertPartner(trx, {
      programmeId: programme.id,
      status: 'pending',
      profile: application.profile,
      contact: application.contact,
      publicationConsent: application.publicationConsent,
      termsConsented: true,
    });
    const submissionId = await insertSubmission(trx, { partnerId, kind: 'application', status: 'pending', profile: application.profile });
    let username = newPartnerUsername();
    // A collision in 2^60 is next to impossible; checked anyway, as users.username is unique.
    while (await usernameTaken(trx, username)) username = newPartnerUsername();
    const userId = await insertPartnerUser(trx, { username, displayName: application.profile.name.slice(0, 100), passwordHash });
    await linkAccount(trx, userId, partnerId);
    await logPartnerChange(trx, { actor: 'applicant', action: 'apply', entity: 'partner', entityId: String(partnerId), cityId: programme.cityId, new: { status: 'pending', submission: submissionId } });
    await mail(trx, programme, partnerId, 'receipt', String(submissionId), application.contact.email, { name: application.profile.name, username });
    await mail(trx, programme, partnerId, 'secretariat-notice', String(submissionId), programme.config.secretariatEmail, { name: application.profile.name, kind: 'application' });
    if (!programme.config.reviewRequired) {
      const r = await review(trx, programme, submissionId, 'approve', '', 'system (no review)', today);
      if (!r.ok) throw new Error(`automatic approval failed: ${r.error.kind}`);
      return { partnerId, username, status: 'approved', registrationNo: r.registrationNo };
    }
    return { partnerId, username, status: 'pending', registrationNo: null };
  });
}

/** A corrected application after it was returned: pending again, with the new profile and contact. */
export async function resubmit(db: Kysely<Database>, programme: Programme, partner: Partner, application: Application, actor: string): Promise<void> {
  await inTransaction(db, async (trx) => {
    await replaceProfile(trx, partner.id, application.profile);
    await saveContact(trx, partner.id, application.contact);
    await updatePartnerRow(trx, partner.id, { status: 'pending', return_reason: null, publication_consent: application.publicationConsent });
    const submissionId = await insertSubmission(trx, { partnerId: partner.id, kind: 'application', status: 'pending', profile: application.profile });
    await logPartnerChange(trx, { actor, action: 'resubmit', entity: 'partner', entityId: String(partner.id), cityId: programme.cityId, old: { status: partner.status }, new: { status: 'pending', submission: submissionId } });
    await mail(trx, programme, partner.id, 'secretariat-notice', String(submissionId), programme.config.secretariatEmail, { name: application.profile.name, kind: 'application' });
  });
}

/** A review decision's outcome. */
export type ReviewResult = { ok: true; registrationNo: string | null } | { ok: false; error: ReviewError | { kind: 'not-found' } };

/**
 * Decides a submission. Approving an application registers the partner (number, date, valid
 * until); approving a change publishes the new profile; approving a renewal extends the
 * registration by one period. Returning needs the reason the applicant is told. Every decision
 * is logged and mailed.
 */
export async function review(db: Executor, programme: Programme, submissionId: number, decision: ReviewDecision, reason: string, actor: string, today: string): Promise<ReviewResult> {
  return inTransaction(db, async (trx) => {
    const s = await submission(trx, submissionId);
    const partner = s ? await loadPartner(trx, s.partner_id) : null;
    if (!s || !partner || partner.programmeId !== programme.id) return { ok: false, error: { kind: 'not-found' } };
    const decided = decide(s.status, decision, reason);
    if (!decided.ok) return { ok: false, error: decided.error };
    await decideSubmission(trx, s.id, decided.status, actor, reason.trim() === '' ? null : reason.trim());
    const status = partnerStatusAfter(partner.status, s.kind, decided.status);
    let registrationNo = partner.registrationNo;
    if (decided.status === 'approved') {
      if (s.kind === 'application') {
        if (s.profile) await replaceProfile(trx, partner.id, s.profile as PartnerProfile);
        const seq = await takeRegistrationSeq(trx, programme.id);
        registrationNo = registrationNumber(programme.config.registrationPrefix, today, seq);
        await updatePartnerRow(trx, partner.id, { status, registration_no: registrationNo, registered_on: today, valid_until: validUntil(today, programme.config.validityYears), return_reason: null });
      } else if (s.kind === 'change') {
        await replaceProfile(trx, partner.id, s.profile as PartnerProfile);
      } else {
        const from = partner.validUntil !== null && partner.validUntil >= today ? addDays(partner.validUntil, 1) : today;
        await updatePartnerRow(trx, partner.id, { valid_until: validUntil(from, programme.config.validityYears) });
      }
    } else if (s.kind === 'application') {
      await updatePartnerRow(trx, partner.id, { status, return_reason: decided.status === 'returned' ? reason.trim() : null });
    }
    const action = decision === 'approve' ? 'approve' : decision === 'return' ? 'return' : 'reject';
    await logPartnerChange(trx, {
      actor,
      action,
      entity: 'partner',
      entityId: String(partner.id),
      cityId: programme.cityId,
      old: { status: partner.status, submission: s.id, kind: s.kind },
      // The reason itself stays with the submission (erased on withdrawal): free text typed about a
      // person never enters the append-only log, which no erasure may rewrite.
      new: { status, submissionStatus: decided.status, registrationNo, reasonGiven: reason.trim() !== '' },
    });
    const contact = await contactOf(trx, partner.id);
    if (contact) {
      const after = await loadPartner(trx, partner.id);
      await mail(trx, programme, partner.id, `decision-${decided.status}` as MailKind, String(s.id), contact.email, {
        name: partner.profile.name,
        kind: s.kind,
        reason: reason.trim(),
        registrationNo: registrationNo ?? '',
        validUntil: after?.validUntil ?? '',
      });
    }
    return { ok: true, registrationNo };
  });
}

/**
 * A partner changes its public profile: under review when the programme reviews (the approved
 * profile stays public meanwhile; a newer change supersedes a pending one), else at once.
 */
export async function requestChange(db: Kysely<Database>, programme: Programme, partner: Partner, profile: PartnerProfile, publicationConsent: boolean, actor: string, today: string): Promise<'pending' | 'applied'> {
  return inTransaction(db, async (trx) => {
    if (publicationConsent !== partner.publicationConsent) {
      // Withdrawing consent to publication takes effect at once: it needs no review.
      await updatePartnerRow(trx, partner.id, { publication_consent: publicationConsent });
    }
    await supersedePending(trx, partner.id, 'change');
    const id = await insertSubmission(trx, { partnerId: partner.id, kind: 'change', status: 'pending', profile });
    await logPartnerChange(trx, { actor, action: 'request-change', entity: 'partner', entityId: String(partner.id), cityId: programme.cityId, new: { submission: id, publicationConsent } });
    if (!programme.config.reviewRequired) {
      await review(trx, programme, id, 'approve', '', 'system (no review)', today);
      return 'applied';
    }
    await mail(trx, programme, partner.id, 'secretariat-notice', String(id), programme.config.secretariatEmail, { name: partner.profile.name, kind: 'change' });
    return 'pending';
  });
}

/** A partner asks to renew its registration (reviewed like an application when the programme reviews). */
export async function requestRenewal(db: Kysely<Database>, programme: Programme, partner: Partner, actor: string, today: string): Promise<'pending' | 'applied'> {
  return inTransaction(db, async (trx) => {
    await supersedePending(trx, partner.id, 'renewal');
    const id = await insertSubmission(trx, { partnerId: partner.id, kind: 'renewal', status: 'pending', profile: null });
    await logPartnerChange(trx, { actor, action: 'request-renewal', entity: 'partner', entityId: String(partner.id), cityId: programme.cityId, new: { submission: id } });
    if (!programme.config.reviewRequired) {
      await review(trx, programme, id, 'approve', '', 'system (no review)', today);
      return 'applied';
    }
    await mail(trx, programme, partner.id, 'secretariat-notice', String(id), programme.config.secretariatEmail, { name: partner.profile.name, kind: 'renewal' });
    return 'pending';
  });
}

/** A partner updates its private contact (no review: it is never published). */
export async function updateContact(db: Executor, programme: Programme, partner: Partner, contact: PartnerContact, actor: string): Promise<void> {
  await inTransaction(db, async (trx) => {
    await saveContact(trx, partner.id, contact);
    // The log says that the contact changed, never what it says (the log outlives an erasure).
    await logPartnerChange(trx, { actor, action: 'update-contact', entity: 'partner', entityId: String(partner.id), cityId: programme.cityId });
  });
}

/** Sends the renewal reminders due today (once per registration period); returns how many were queued. */
export async function sendRenewalReminders(db: Executor, programme: Programme, today: string): Promise<number> {
  return inTransaction(db, async (trx) => {
    const due = await partnersDueForReminder(trx, programme.id, today, addDays(today, programme.config.renewalNoticeDays));
    for (const p of due) {
      const contact = await contactOf(trx, p.id);
      if (contact) await mail(trx, programme, p.id, 'renewal-reminder', p.valid_until!, contact.email, { name: p.name, validUntil: p.valid_until!, registrationNo: p.registration_no ?? '' });
      await updatePartnerRow(trx, p.id, { renewal_reminded_for: p.valid_until });
      await logPartnerChange(trx, { actor: 'system', action: 'remind-renewal', entity: 'partner', entityId: String(p.id), cityId: programme.cityId, new: { validUntil: p.valid_until } });
    }
    return due.length;
  });
}

/**
 * Withdrawal (退会): the registration ends today and the personal data is erased at once (APPI),
 * column by column as the data map says (personal-data.ts, docs/PERSONAL-DATA.md): the contact,
 * the log-in, the free text of the profile, collaboration messages, sign-ups and mail; an
 * individual's name and award entries too; then the person's values (name, e-mail, phone,
 * website) wherever a copy is left, such as mail to other partners the secretariat reads. What
 * stays is an organisation's public record of what it did (its name, events, award entries),
 * and ids, dates and statuses that keep counts right.
 */
export async function withdraw(db: Executor, programme: Programme, partner: Partner, actor: string, today: string, reason: string | null): Promise<void> {
  await inTransaction(db, async (trx) => {
    await updatePartnerRow(trx, partner.id, { status: 'withdrawn', withdrawn_on: today, publication_consent: false });
    await supersedeAllPending(trx, partner.id);
    const contact = await contactOf(trx, partner.id);
    const userId = await userIdOfPartner(trx, partner.id);
    const user = userId === null ? undefined : await userNamesOf(trx, userId);
    const individual = partner.profile.memberType === 'individual';
    const values = personalValues([
      contact?.representative,
      contact?.email,
      contact?.phone,
      ...(individual ? [partner.profile.name, partner.profile.nameKana, partner.profile.website, user?.display_name] : []),
    ]);
    await erasePersonalData(trx, { partnerId: partner.id, individual, email: contact ? contact.email.trim().toLowerCase() : null, username: user?.username ?? null, values });
    if (userId !== null) await deleteUser(trx, userId);
    await logPartnerChange(trx, { actor, action: 'withdraw', entity: 'partner', entityId: String(partner.id), cityId: programme.cityId, old: { status: partner.status }, new: { status: 'withdrawn', withdrawnOn: today }, reason });
    await logPartnerChange(trx, { actor, action: 'erase-personal-data', entity: 'partner', entityId: String(partner.id), cityId: programme.cityId });
  });
}

/** Everything the platform holds about a partner, for its own download (APPI: disclosure to the person). */
export async function exportPartnerData(db: Executor, partner: Partner) {
  const [contact, submissions, { registrations, collaborations, awardEntries, dispatches }] = await Promise.all([
    contactOf(db, partner.id),
    submissionsOf(db, partner.id),
    partnerActivityExport(db, partner.id),
  ]);
  return {
    exportedAt: new Date().toISOString(),
    partner: { ...partner, contact },
    submissions: submissions.map((s) => ({ kind: s.kind, status: s.status, submittedAt: s.submitted_at, decidedAt: s.decided_at, reason: s.reason, profile: s.profile })),
    eventRegistrations: registrations,
    collaborations,
    awardEntries,
    lectureRequests: dispatches,
  };
}

/**
 * The partner review queue of a city for the staff home and the staff city page: how many
 * submissions wait, or null when the city runs no programme. The caller checks that the user
 * may run the programme (canRunPartnerProgramme).
 */
export async function reviewQueueOfCity(db: Executor, cityId: string): Promise<{ pending: number } | null> {
  const programme = await programmeRowOfCity(db, cityId);
  if (!programme) return null;
  return { pending: (await pendingSubmissions(db, programme.id)).length };
}

/** What a review's kind is called in the log and the mail. */
export type { SubmissionKind };
