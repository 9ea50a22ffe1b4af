import { formatTokyoWallClock } from '../core/time/clock.ts';
import type { Executor } from '../storage/database.ts';
import { inTransaction } from '../storage/database.ts';
import {
  awardById,
  awardEntries,
  collaborationById,
  dispatchById,
  eventById,
  insertAward,
  insertAwardEntry,
  insertCollaboration,
  insertDispatch,
  insertEvent,
  insertRegistration,
  queueMail,
  registrationCount,
  registrationWithEmail,
  registrationsOf,
  saveScore,
  setAttendance,
  setAwardStatus,
  setCollaborationStatus,
  setEventStatus,
  setWinner,
  updateDispatch,
  type NewDispatch,
  type NewEvent,
} from './activity.repository.ts';
import { composeMail, type MailKind } from './partner-mail.ts';
import { normalizeEmail } from './application.ts';
import { contactOf, insertPartner, logPartnerChange, takeRegistrationSeq } from './partner.repository.ts';
import { loadPartner } from './partner.service.ts';
import type { Partner } from './partner.ts';
import { registrationNumber, validUntil, type Programme } from './programme.ts';

/**
 * Activities around the registry: exchange meetings and courses (a course may certify its
 * attendees as members, Tsukuba's model), collaboration requests between partners (contact
 * details shared only on acceptance), award calls with review scores and winners, and lecturer
 * dispatch (Ichinoseki: 6 in 2023). Each step is logged; mail goes to the outbox.
 */

/** A failure a partner or visitor can cause, as a value. */
/** `duplicate-email`: a public sign-up with an address already signed up for the event (normalized, see normalizeEmail). */
export type ActivityError = 'not-found' | 'not-allowed' | 'closed' | 'full' | 'already' | 'duplicate-email';

async function mail(db: Executor, programme: Programme, partnerId: number | null, kind: MailKind, key: string, recipient: string, vars: Record<string, string>): Promise<void> {
  const m = composeMail(kind, { ...vars, programme: programme.name });
  await queueMail(db, { cityId: programme.cityId, dedupeKey: `partners:${partnerId === null ? 'x' : `p${partnerId}`}:${kind}:${key}`, recipient, subject: m.subject, body: m.body });
}

// ── events ──

/** The secretariat (or a partner organising a member-run meeting, Kanazawa's model) announces an event. */
export async function announceEvent(db: Executor, programme: Programme, e: Omit<NewEvent, 'programmeId'>, actor: string): Promise<number> {
  return inTransaction(db, async (trx) => {
    // Only a course of a programme that certifies on attendance (Tsukuba's model) makes members.
    const id = await insertEvent(trx, { ...e, programmeId: programme.id, certifiesMembership: e.kind === 'course' && e.certifiesMembership && programme.config.courseCertifiesMembership });
    await logPartnerChange(trx, { actor, action: 'announce', entity: 'partner_event', entityId: String(id), cityId: programme.cityId, new: { kind: e.kind, startsAt: e.startsAt } });
    return id;
  });
}

/** Registers a partner, or (for a course) a member of the public, for an announced event within its capacity. */
export async function registerForEvent(
  db: Executor,
  programme: Programme,
  eventId: number,
  who: { partner: Partner } | { name: string; email: string },
  actor: string,
): Promise<{ ok: true } | { ok: false; error: ActivityError }> {
  return inTransaction(db, async (trx) => {
    // The event row is locked for the sign-up: two sign-ups at once cannot both take the last
    // place, nor both pass the duplicate check.
    const event = await eventById(trx, eventId, { lock: true });
    if (!event || event.programme_id !== programme.id) return { ok: false, error: 'not-found' };
    if (event.status !== 'announced') return { ok: false, error: 'closed' };
    if (!('partner' in who) && (await registrationWithEmail(trx, eventId, normalizeEmail(who.email)))) return { ok: false, error: 'duplicate-email' };
    if ('partner' in who && who.partner.status !== 'approved') return { ok: false, error: 'not-allowed' };
    if (!('partner' in who) && event.kind !== 'course') return { ok: false, error: 'not-allowed' };
    if (event.capacity !== null && (await registrationCount(trx, eventId)) >= event.capacity) return { ok: false, error: 'full' };
    const id = await insertRegistration(trx, 'partner' in who ? { eventId, partnerId: who.partner.id, name: null, email: null } : { eventId, partnerId: null, name: who.name, email: normalizeEmail(who.email) });
    if (id === null) return { ok: false, error: 'already' };
    await logPartnerChange(trx, { actor, action: 'register', entity: 'partner_event', entityId: String(eventId), cityId: programme.cityId, new: { registration: id, partner: 'partner' in who ? who.partner.id : null } });
    const vars = { event: event.title, startsAt: formatTokyoWallClock(event.starts_at), place: event.place };
    if ('partner' in who) {
      const contact = await contactOf(trx, who.partner.id);
      if (contact) await mail(trx, programme, who.partner.id, 'event-registered', String(id), contact.email, { ...vars, name: who.partner.profile.name });
    } else {
      await mail(trx, programme, null, 'event-registered', `r${id}`, who.email, { ...vars, name: who.name });
    }
    return { ok: true };
  });
}

/**
 * Records who attended and marks the event held. For a course that certifies membership, each
 * attending member of the public becomes an individual member (registered, not published until
 * they consent), and is told their registration number.
 */
export async function recordAttendance(db: Executor, programme: Programme, eventId: number, attendedRegistrationIds: readonly number[], heldOn: string, actor: string): Promise<{ ok: true; certified: number } | { ok: false; error: ActivityError }> {
  return inTransaction(db, async (trx) => {
    const event = await eventById(trx, eventId);
    if (!event || event.programme_id !== programme.id) return { ok: false, error: 'not-found' };
    let certified = 0;
    for (const r of await registrationsOf(trx, eventId)) {
      const attended = attendedRegistrationIds.includes(r.id);
      let certifiedId = r.certified_partner_id;
      if (attended && event.certifies_membership && r.partner_id === null && certifiedId === null && r.name && r.email) {
        const seq = await takeRegistrationSeq(trx, programme.id);
        const no = registrationNumber(programme.config.registrationPrefix, heldOn, seq);
        certifiedId = await insertPartner(trx, {
          programmeId: programme.id,
          status: 'approved',
          profile: { memberType: 'individual', name: r.name, nameKana: r.name, area: programme.config.areas[0]!, website: null, goals: goalsOf(event.goals), resources: [], levelId: null, selfCheck: {} },
          contact: { representative: r.name, email: r.email, phone: null },
          publicationConsent: false,
          termsConsented: false,
          registration: { no, on: heldOn, validUntil: validUntil(heldOn, programme.config.validityYears) },
        });
        certified++;
        await logPartnerChange(trx, { actor, action: 'certify', entity: 'partner', entityId: String(certifiedId), cityId: programme.cityId, new: { status: 'approved', registrationNo: no, course: eventId } });
        await mail(trx, programme, certifiedId, 'course-certified', String(eventId), r.email, { name: r.name, event: event.title, registrationNo: no });
      }
      await setAttendance(trx, r.id, attended, certifiedId);
    }
    await setEventStatus(trx, eventId, 'held', heldOn);
    await logPartnerChange(trx, { actor, action: 'hold', entity: 'partner_event', entityId: String(eventId), cityId: programme.cityId, new: { heldOn, attended: attendedRegistrationIds.length, certified } });
    return { ok: true, certified };
  });
}

function goalsOf(goals: unknown): { goal: number; declaration: string }[] {
  return (Array.isArray(goals) ? goals : []).filter((g): g is number => typeof g === 'number').map((goal) => ({ goal, declaration: '' }));
}

// ── collaboration ──

/** A partner asks another to collaborate; both must be registered. The recipient is told without the sender's contact. */
export async function requestCollaboration(db: Executor, programme: Programme, from: Partner, toId: number, message: string): Promise<{ ok: true; id: number } | { ok: false; error: ActivityError }> {
  return inTransaction(db, async (trx) => {
    const to = await loadPartner(trx, toId);
    if (!to || to.programmeId !== programme.id || to.id === from.id) return { ok: false, error: 'not-found' };
    if (from.status !== 'approved' || to.status !== 'approved') return { ok: false, error: 'not-allowed' };
    const id = await insertCollaboration(trx, from.id, to.id, message);
    await logPartnerChange(trx, { actor: `partner:${from.id}`, action: 'request', entity: 'partner_collaboration', entityId: String(id), cityId: programme.cityId, new: { from: from.id, to: to.id } });
    const contact = await contactOf(trx, to.id);
    if (contact) await mail(trx, programme, to.id, 'collaboration-request', String(id), contact.email, { name: to.profile.name, from: from.profile.name });
    return { ok: true, id };
  });
}

/** The recipient answers; on acceptance each side is sent the other's contact. */
export async function answerCollaboration(db: Executor, programme: Programme, partner: Partner, id: number, accept: boolean): Promise<{ ok: true } | { ok: false; error: ActivityError }> {
  return inTransaction(db, async (trx) => {
    const c = await collaborationById(trx, id);
    if (!c || c.to_partner_id !== partner.id) return { ok: false, error: 'not-found' };
    if (c.status !== 'pending') return { ok: false, error: 'already' };
    const status = accept ? 'accepted' : 'declined';
    await setCollaborationStatus(trx, id, status);
    await logPartnerChange(trx, { actor: `partner:${partner.id}`, action: accept ? 'accept' : 'decline', entity: 'partner_collaboration', entityId: String(id), cityId: programme.cityId, new: { status } });
    const from = await loadPartner(trx, c.from_partner_id);
    const [fromContact, toContact] = await Promise.all([contactOf(trx, c.from_partner_id), contactOf(trx, partner.id)]);
    if (from && fromContact) {
      if (accept && toContact) {
        await mail(trx, programme, from.id, 'collaboration-accepted', String(id), fromContact.email, { name: from.profile.name, other: partner.profile.name, contact: contactText(toContact) });
        await mail(trx, programme, partner.id, 'collaboration-accepted', String(id), toContact.email, { name: partner.profile.name, other: from.profile.name, contact: contactText(fromContact) });
      } else if (!accept) {
        await mail(trx, programme, from.id, 'collaboration-declined', String(id), fromContact.email, { name: from.profile.name, other: partner.profile.name });
      }
    }
    return { ok: true };
  });
}

function contactText(c: { representative: string; email: string; phone: string | null }): string {
  return [c.representative, c.email, c.phone].filter(Boolean).join(' / ');
}

// ── awards ──

/** Opens an award call. */
export async function openAward(db: Executor, programme: Programme, a: { title: string; description: string; year: number; closesOn: string }, actor: string): Promise<number> {
  return inTransaction(db, async (trx) => {
    const id = await insertAward(trx, { ...a, programmeId: programme.id });
    await logPartnerChange(trx, { actor, action: 'announce', entity: 'partner_award', entityId: String(id), cityId: programme.cityId, new: { year: a.year, closesOn: a.closesOn } });
    return id;
  });
}

/** A registered partner enters an open award call (once). */
export async function enterAward(db: Executor, programme: Programme, partner: Partner, awardId: number, entry: { title: string; summary: string }, today: string): Promise<{ ok: true } | { ok: false; error: ActivityError }> {
  return inTransaction(db, async (trx) => {
    const award = await awardById(trx, awardId);
    if (!award || award.programme_id !== programme.id) return { ok: false, error: 'not-found' };
    if (award.status !== 'open' || today > award.closes_on) return { ok: false, error: 'closed' };
    if (partner.status !== 'approved') return { ok: false, error: 'not-allowed' };
    const id = await insertAwardEntry(trx, { awardId, partnerId: partner.id, title: entry.title, summary: entry.summary, submittedOn: today });
    if (id === null) return { ok: false, error: 'already' };
    await logPartnerChange(trx, { actor: `partner:${partner.id}`, action: 'enter', entity: 'partner_award', entityId: String(awardId), cityId: programme.cityId, new: { entry: id } });
    return { ok: true };
  });
}

/** An award of this programme (a secretariat acts on its own city's calls only). */
async function awardOf(db: Executor, programme: Programme, awardId: number) {
  const award = await awardById(db, awardId);
  return award && award.programme_id === programme.id ? award : null;
}

/** A reviewer scores an entry of a call under review or still open (1–5; scoring again replaces the reviewer's score). */
export async function scoreEntry(db: Executor, programme: Programme, awardId: number, entryId: number, reviewer: string, score: number, comment: string | null): Promise<{ ok: true } | { ok: false; error: ActivityError }> {
  return inTransaction(db, async (trx) => {
    const award = await awardOf(trx, programme, awardId);
    if (!award || !(await awardEntries(trx, awardId)).some((e) => e.id === entryId)) return { ok: false, error: 'not-found' };
    if (award.status === 'decided') return { ok: false, error: 'closed' };
    await saveScore(trx, entryId, reviewer, score, comment);
    await logPartnerChange(trx, { actor: reviewer, action: 'score', entity: 'partner_award', entityId: String(awardId), cityId: programme.cityId, new: { entry: entryId, score } });
    return { ok: true };
  });
}

/** Moves an award call on: open → reviewing. */
export async function closeAwardEntries(db: Executor, programme: Programme, awardId: number, actor: string): Promise<{ ok: true } | { ok: false; error: ActivityError }> {
  return inTransaction(db, async (trx) => {
    const award = await awardOf(trx, programme, awardId);
    if (!award) return { ok: false, error: 'not-found' };
    if (award.status !== 'open') return { ok: true };
    await setAwardStatus(trx, awardId, 'reviewing');
    await logPartnerChange(trx, { actor, action: 'update', entity: 'partner_award', entityId: String(awardId), cityId: programme.cityId, new: { status: 'reviewing' } });
    return { ok: true };
  });
}

/** Decides the winners among the call's entries and publishes the results (once). */
export async function decideAward(db: Executor, programme: Programme, awardId: number, winners: readonly { entryId: number; prize: string }[], actor: string): Promise<{ ok: true } | { ok: false; error: ActivityError }> {
  return inTransaction(db, async (trx) => {
    const award = await awardOf(trx, programme, awardId);
    if (!award) return { ok: false, error: 'not-found' };
    if (award.status === 'decided') return { ok: false, error: 'already' };
    const entryIds = new Set((await awardEntries(trx, awardId)).map((e) => e.id));
    const chosen = winners.filter((w) => entryIds.has(w.entryId));
    for (const w of chosen) await setWinner(trx, w.entryId, true, w.prize);
    await setAwardStatus(trx, awardId, 'decided');
    await logPartnerChange(trx, { actor, action: 'award', entity: 'partner_award', entityId: String(awardId), cityId: programme.cityId, new: { winners: chosen.map((w) => w.entryId) } });
    return { ok: true };
  });
}

// ── lecturer dispatch ──

/** A school, group or company requests a lecture. */
export async function requestDispatch(db: Executor, programme: Programme, d: Omit<NewDispatch, 'programmeId'>, actor: string): Promise<number> {
  return inTransaction(db, async (trx) => {
    const id = await insertDispatch(trx, { ...d, programmeId: programme.id });
    await logPartnerChange(trx, { actor, action: 'request', entity: 'partner_dispatch', entityId: String(id), cityId: programme.cityId, new: { status: d.status ?? 'requested', audience: d.audienceSize } });
    if (d.contactEmail) await mail(trx, programme, d.requesterPartnerId, 'dispatch-received', `d${id}`, d.contactEmail, { name: d.contactName ?? d.requesterName, topic: d.topic });
    return id;
  });
}

/** The secretariat fixes the date and the lecturer. */
export async function scheduleDispatch(db: Executor, programme: Programme, id: number, scheduledOn: string, lecturer: string, actor: string): Promise<{ ok: true } | { ok: false; error: ActivityError }> {
  return inTransaction(db, async (trx) => {
    const d = await dispatchById(trx, id);
    if (!d || d.programme_id !== programme.id) return { ok: false, error: 'not-found' };
    if (d.status !== 'requested' && d.status !== 'scheduled') return { ok: false, error: 'closed' };
    await updateDispatch(trx, id, { status: 'scheduled', scheduled_on: scheduledOn, lecturer });
    await logPartnerChange(trx, { actor, action: 'schedule', entity: 'partner_dispatch', entityId: String(id), cityId: programme.cityId, old: { status: d.status }, new: { status: 'scheduled', scheduledOn } });
    if (d.contact_email) await mail(trx, programme, d.requester_partner_id, 'dispatch-scheduled', `d${id}-${scheduledOn}`, d.contact_email, { name: d.contact_name ?? d.requester_name, topic: d.topic, scheduledOn, lecturer });
    return { ok: true };
  });
}

/** The secretariat records the lecture held (it then counts for a KPI bound to dispatches held). */
export async function recordDispatchHeld(db: Executor, programme: Programme, id: number, heldOn: string, participants: number | null, actor: string): Promise<{ ok: true } | { ok: false; error: ActivityError }> {
  return inTransaction(db, async (trx) => {
    const d = await dispatchById(trx, id);
    if (!d || d.programme_id !== programme.id) return { ok: false, error: 'not-found' };
    if (d.status === 'cancelled') return { ok: false, error: 'closed' };
    await updateDispatch(trx, id, { status: 'held', held_on: heldOn, participants });
    await logPartnerChange(trx, { actor, action: 'hold', entity: 'partner_dispatch', entityId: String(id), cityId: programme.cityId, old: { status: d.status }, new: { status: 'held', heldOn, participants } });
    return { ok: true };
  });
}
