import type { Executor } from '../storage/database.ts';
import { awardEntries, awardsOf, collaborationsOf, dispatchesOf, eventById, eventsOf, partnerMail, registrationCount, registrationsOf } from './activity.repository.ts';
import { contactOf, findPartnerIds, partnerIdOfUser, partnerLog, pendingSubmissions, submission, submissionsOf } from './partner.repository.ts';
import { loadPartner, loadPartners } from './partner.service.ts';
import { toPartnerAward, toPartnerDispatch, toPartnerEvent, toPartnerSubmission } from './activity.model.ts';
import { isListed, type Partner } from './partner.ts';
import type { Programme } from './programme.ts';

/*
 * What the partner platform's pages read, assembled here so the routes call services, never the
 * repositories (docs/ARCHITECTURE.md). Each function answers one page or one part of a page.
 */

/** The id of the partner a user is linked to (a partner's log-in), or null. */
export function partnerIdOf(db: Executor, userId: number): Promise<number | null> {
  return partnerIdOfUser(db, userId);
}

/** A collaboration request as the partner's own page lists it; contact details only once accepted. */
export interface CollaborationItemData {
  readonly id: number;
  readonly incoming: boolean;
  readonly otherName: string;
  readonly message: string;
  readonly status: 'pending' | 'accepted' | 'declined';
  readonly contact: Awaited<ReturnType<typeof contactOf>>;
}

/** What the partner's own page (/staff/partner) shows beside the partner and its forms. */
export async function partnerHomeData(db: Executor, programme: Programme, partner: Partner) {
  const contact = await contactOf(db, partner.id);
  const collaborations: CollaborationItemData[] = [];
  for (const row of await collaborationsOf(db, partner.id)) {
    const incoming = row.to_partner_id === partner.id;
    const otherId = incoming ? row.from_partner_id : row.to_partner_id;
    // Contact details cross over only once the request is accepted.
    collaborations.push({ id: row.id, incoming, otherName: incoming ? row.from_name : row.to_name, message: row.message, status: row.status, contact: row.status === 'accepted' ? await contactOf(db, otherId) : null });
  }
  const events = [];
  for (const e of await eventsOf(db, programme.id)) {
    if (e.status === 'cancelled') continue;
    const regs = await registrationsOf(db, e.id);
    const registeredByMe = regs.some((r) => r.partner_id === partner.id);
    if (e.status === 'announced' || registeredByMe) events.push({ ...toPartnerEvent(e), registeredByMe });
  }
  return {
    contact,
    collaborations,
    events,
    submissions: (await submissionsOf(db, partner.id)).map(toPartnerSubmission),
    awards: partner.status === 'approved' ? (await awardsOf(db, programme.id)).map(toPartnerAward) : [],
  };
}

/** The secretariat's overview of a programme: queue, partners, mail, events with registrations, awards with entries, dispatches. */
export async function secretariatOverview(db: Executor, programme: Programme) {
  const { ids } = await findPartnerIds(db, programme.id, {});
  const events = await Promise.all(
    (await eventsOf(db, programme.id)).map(async (e) => ({
      ...toPartnerEvent(e),
      registrations: (await registrationsOf(db, e.id)).map((r) => ({ id: r.id, label: r.partner_name ?? r.name ?? '—', attended: r.attended })),
    })),
  );
  const awards = await Promise.all((await awardsOf(db, programme.id)).map(async (a) => ({ ...toPartnerAward(a), entries: await awardEntries(db, a.id) })));
  return {
    queue: (await pendingSubmissions(db, programme.id)).map((s) => ({ ...toPartnerSubmission(s), partnerName: s.partner_name })),
    partners: await loadPartners(db, ids),
    mail: await partnerMail(db, programme.cityId),
    events,
    awards,
    dispatches: (await dispatchesOf(db, programme.id)).map(toPartnerDispatch),
  };
}

/** A partner's page for the secretariat: contact (only when the reader may see it), submissions, history. */
export async function secretariatPartnerData(db: Executor, partnerId: number, withContact: boolean) {
  return {
    contact: withContact ? await contactOf(db, partnerId) : null,
    submissions: (await submissionsOf(db, partnerId)).map(toPartnerSubmission),
    history: await partnerLog(db, 'partner', String(partnerId)),
  };
}

/** The partner a submission belongs to, or undefined when there is no such submission. */
export async function submissionById(db: Executor, id: number): Promise<{ id: number; partnerId: number } | undefined> {
  const s = await submission(db, id);
  return s ? { id: s.id, partnerId: s.partner_id } : undefined;
}

/** The entries of an award. */
export function entriesOfAward(db: Executor, awardId: number) {
  return awardEntries(db, awardId);
}

/** The public list of a programme's events, each with its number of registrations. */
export async function eventsWithCounts(db: Executor, programmeId: string) {
  return Promise.all((await eventsOf(db, programmeId)).map(async (e) => ({ ...toPartnerEvent(e), registered: await registrationCount(db, e.id) })));
}

/** A public event page: the event (undefined when not of this programme), its registrations and the listed participants. */
export async function publicEventData(db: Executor, programmeId: string, eventId: number, today: string) {
  const event = await eventById(db, eventId);
  if (!event || event.programme_id !== programmeId) return undefined;
  const regs = await registrationsOf(db, eventId);
  const participants: { id: number; name: string }[] = [];
  for (const r of regs) {
    if (r.partner_id === null || r.attended === false) continue;
    const p = await loadPartner(db, r.partner_id);
    if (p && isListed(p, today)) participants.push({ id: p.id, name: p.profile.name });
  }
  return { event: toPartnerEvent(event), registered: regs.length, participants };
}

/** The public awards page: each award with its entries, and which winners are still listed (a withdrawn winner keeps its place, unlinked). */
export async function publicAwardsData(db: Executor, programmeId: string, today: string) {
  const awards = await Promise.all((await awardsOf(db, programmeId)).map(async (award) => ({ award: toPartnerAward(award), entries: await awardEntries(db, award.id) })));
  const winnerIds = [...new Set(awards.flatMap((a) => a.entries.filter((e) => e.winner).map((e) => e.partner_id)))];
  const listed = new Set((await loadPartners(db, winnerIds)).filter((p) => isListed(p, today)).map((p) => p.id));
  return { awards, listed };
}

/** Lectures (出前講座) of a programme held in a calendar year (YYYY). */
export async function lecturesHeldIn(db: Executor, programmeId: string, year: string): Promise<number> {
  return (await dispatchesOf(db, programmeId)).filter((d) => d.status === 'held' && d.held_on?.startsWith(year)).length;
}
