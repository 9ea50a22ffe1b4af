import { sql } from 'kysely';
import type { Executor } from '../storage/database.ts';
import { partnerDb, type PartnerAwardRow, type PartnerDispatchRow, type PartnerEventRow, type PartnerExecutor } from './partner.table.ts';
import type { KpiBinding, MemberType } from './programme.ts';

/** SQL of partner activities: events and registrations, collaborations, awards, lecturer dispatch, KPI bindings, the outbox. */

type Db = Executor | PartnerExecutor;

// ── events (交流会・講座) ──

export interface NewEvent {
  readonly programmeId: string;
  readonly kind: 'meeting' | 'course';
  readonly title: string;
  readonly description: string;
  readonly startsAt: string;
  readonly place: string;
  readonly capacity: number | null;
  readonly goals: readonly number[];
  readonly certifiesMembership: boolean;
  readonly organiserPartnerId: number | null;
  readonly status?: 'announced' | 'held';
  readonly heldOn?: string | null;
  readonly isSample?: boolean;
}

export async function insertEvent(db: Db, e: NewEvent): Promise<number> {
  const row = await partnerDb(db)
    .insertInto('partner_events')
    .values({
      programme_id: e.programmeId,
      kind: e.kind,
      title: e.title,
      description: e.description,
      starts_at: e.startsAt,
      place: e.place,
      capacity: e.capacity,
      goals: JSON.stringify(e.goals),
      certifies_membership: e.certifiesMembership,
      organiser_partner_id: e.organiserPartnerId,
      status: e.status ?? 'announced',
      held_on: e.heldOn ?? null,
      is_sample: e.isSample ?? false,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function eventsOf(db: Db, programmeId: string): Promise<PartnerEventRow[]> {
  return partnerDb(db).selectFrom('partner_events').selectAll().where('programme_id', '=', programmeId).orderBy('starts_at', 'desc').orderBy('id', 'desc').execute();
}

/** An event; `lock` takes its row for the caller's transaction (sign-ups: capacity and duplicates). */
export async function eventById(db: Db, id: number, options: { lock?: boolean } = {}): Promise<PartnerEventRow | undefined> {
  const q = partnerDb(db).selectFrom('partner_events').selectAll().where('id', '=', id);
  return (options.lock ? q.forUpdate() : q).executeTakeFirst();
}

/** Whether a public sign-up for the event used this (normalized, lower-case) address. */
export async function registrationWithEmail(db: Db, eventId: number, normalizedEmail: string): Promise<boolean> {
  const row = await partnerDb(db).selectFrom('partner_event_registrations').select('id').where('event_id', '=', eventId).where(sql<boolean>`lower(email) = ${normalizedEmail}`).executeTakeFirst();
  return row !== undefined;
}

export async function setEventStatus(db: Db, id: number, status: 'announced' | 'held' | 'cancelled', heldOn: string | null): Promise<void> {
  await partnerDb(db).updateTable('partner_events').set({ status, held_on: heldOn }).where('id', '=', id).execute();
}

export async function registrationsOf(db: Db, eventId: number) {
  return partnerDb(db)
    .selectFrom('partner_event_registrations as r')
    .leftJoin('partners as p', 'p.id', 'r.partner_id')
    .select(['r.id', 'r.partner_id', 'r.name', 'r.email', 'r.attended', 'r.certified_partner_id', 'r.registered_at', 'p.name as partner_name'])
    .where('r.event_id', '=', eventId)
    .orderBy('r.id')
    .execute();
}

export async function insertRegistration(db: Db, r: { eventId: number; partnerId: number | null; name: string | null; email: string | null }): Promise<number | null> {
  const row = await partnerDb(db)
    .insertInto('partner_event_registrations')
    .values({ event_id: r.eventId, partner_id: r.partnerId, name: r.name, email: r.email, attended: null, certified_partner_id: null })
    .onConflict((oc) => oc.columns(['event_id', 'partner_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

export async function setAttendance(db: Db, registrationId: number, attended: boolean, certifiedPartnerId: number | null): Promise<void> {
  await partnerDb(db).updateTable('partner_event_registrations').set({ attended, certified_partner_id: certifiedPartnerId }).where('id', '=', registrationId).execute();
}

/** Events a partner registered for (its public page shows the ones held it attended or joined). */
export async function eventsOfPartner(db: Db, partnerId: number): Promise<(PartnerEventRow & { attended: boolean | null })[]> {
  return partnerDb(db)
    .selectFrom('partner_events as e')
    .innerJoin('partner_event_registrations as r', 'r.event_id', 'e.id')
    .selectAll('e')
    .select('r.attended')
    .where('r.partner_id', '=', partnerId)
    .orderBy('e.starts_at', 'desc')
    .execute();
}

export async function registrationCount(db: Db, eventId: number): Promise<number> {
  const r = await partnerDb(db).selectFrom('partner_event_registrations').select((eb) => eb.fn.countAll<number>().as('n')).where('event_id', '=', eventId).executeTakeFirstOrThrow();
  return Number(r.n);
}

// ── collaboration requests ──

export async function insertCollaboration(db: Db, fromId: number, toId: number, message: string): Promise<number> {
  const row = await partnerDb(db).insertInto('partner_collaborations').values({ from_partner_id: fromId, to_partner_id: toId, message, status: 'pending' }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function collaborationById(db: Db, id: number) {
  return partnerDb(db).selectFrom('partner_collaborations').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function collaborationsOf(db: Db, partnerId: number) {
  return partnerDb(db)
    .selectFrom('partner_collaborations as c')
    .innerJoin('partners as f', 'f.id', 'c.from_partner_id')
    .innerJoin('partners as t', 't.id', 'c.to_partner_id')
    .selectAll('c')
    .select(['f.name as from_name', 't.name as to_name'])
    .where((eb) => eb.or([eb('c.from_partner_id', '=', partnerId), eb('c.to_partner_id', '=', partnerId)]))
    .orderBy('c.id', 'desc')
    .execute();
}

export async function setCollaborationStatus(db: Db, id: number, status: 'accepted' | 'declined'): Promise<void> {
  await partnerDb(db).updateTable('partner_collaborations').set({ status, decided_at: new Date() }).where('id', '=', id).execute();
}

// ── awards (アワード) ──

export async function insertAward(db: Db, a: { programmeId: string; title: string; description: string; year: number; closesOn: string; status?: 'open' | 'reviewing' | 'decided'; isSample?: boolean }): Promise<number> {
  const row = await partnerDb(db)
    .insertInto('partner_awards')
    .values({ programme_id: a.programmeId, title: a.title, description: a.description, year: a.year, closes_on: a.closesOn, status: a.status ?? 'open', is_sample: a.isSample ?? false })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function awardsOf(db: Db, programmeId: string): Promise<PartnerAwardRow[]> {
  return partnerDb(db).selectFrom('partner_awards').selectAll().where('programme_id', '=', programmeId).orderBy('year', 'desc').orderBy('id', 'desc').execute();
}

export async function awardById(db: Db, id: number): Promise<PartnerAwardRow | undefined> {
  return partnerDb(db).selectFrom('partner_awards').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function setAwardStatus(db: Db, id: number, status: 'open' | 'reviewing' | 'decided'): Promise<void> {
  await partnerDb(db).updateTable('partner_awards').set({ status }).where('id', '=', id).execute();
}

export async function insertAwardEntry(db: Db, e: { awardId: number; partnerId: number; title: string; summary: string; submittedOn: string }): Promise<number | null> {
  const row = await partnerDb(db)
    .insertInto('partner_award_entries')
    .values({ award_id: e.awardId, partner_id: e.partnerId, title: e.title, summary: e.summary, submitted_on: e.submittedOn })
    .onConflict((oc) => oc.columns(['award_id', 'partner_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

/** An award's entries with their partner's name and the mean review score. */
export async function awardEntries(db: Db, awardId: number) {
  const pdb = partnerDb(db);
  const entries = await pdb
    .selectFrom('partner_award_entries as e')
    .innerJoin('partners as p', 'p.id', 'e.partner_id')
    .selectAll('e')
    .select('p.name as partner_name')
    .where('e.award_id', '=', awardId)
    .orderBy('e.id')
    .execute();
  const scores = entries.length === 0 ? [] : await pdb.selectFrom('partner_award_scores').selectAll().where('entry_id', 'in', entries.map((e) => e.id)).execute();
  return entries.map((e) => {
    const mine = scores.filter((s) => s.entry_id === e.id);
    return { ...e, scores: mine, meanScore: mine.length === 0 ? null : mine.reduce((a, s) => a + s.score, 0) / mine.length };
  });
}

export async function saveScore(db: Db, entryId: number, reviewer: string, score: number, comment: string | null): Promise<void> {
  await partnerDb(db)
    .insertInto('partner_award_scores')
    .values({ entry_id: entryId, reviewer, score, comment })
    .onConflict((oc) => oc.columns(['entry_id', 'reviewer']).doUpdateSet({ score, comment }))
    .execute();
}

export async function setWinner(db: Db, entryId: number, winner: boolean, prize: string | null): Promise<void> {
  await partnerDb(db).updateTable('partner_award_entries').set({ winner, prize }).where('id', '=', entryId).execute();
}

export async function awardApplicationDates(db: Db, programmeId: string): Promise<{ submittedOn: string }[]> {
  const rows = await partnerDb(db)
    .selectFrom('partner_award_entries as e')
    .innerJoin('partner_awards as a', 'a.id', 'e.award_id')
    .select('e.submitted_on')
    .where('a.programme_id', '=', programmeId)
    .where('a.is_sample', '=', false)
    .execute();
  return rows.map((r) => ({ submittedOn: r.submitted_on }));
}

// ── lecturer dispatch (講師派遣) ──

export interface NewDispatch {
  readonly programmeId: string;
  readonly requesterPartnerId: number | null;
  readonly requesterName: string;
  readonly requesterType: MemberType;
  readonly contactName: string | null;
  readonly contactEmail: string | null;
  readonly topic: string;
  readonly preferredOn: string;
  readonly audienceSize: number;
  readonly status?: 'requested' | 'scheduled' | 'held';
  readonly scheduledOn?: string | null;
  readonly lecturer?: string | null;
  readonly heldOn?: string | null;
  readonly participants?: number | null;
  readonly isSample?: boolean;
}

export async function insertDispatch(db: Db, d: NewDispatch): Promise<number> {
  const row = await partnerDb(db)
    .insertInto('partner_dispatches')
    .values({
      programme_id: d.programmeId,
      requester_partner_id: d.requesterPartnerId,
      requester_name: d.requesterName,
      requester_type: d.requesterType,
      contact_name: d.contactName,
      contact_email: d.contactEmail,
      topic: d.topic,
      preferred_on: d.preferredOn,
      audience_size: d.audienceSize,
      status: d.status ?? 'requested',
      scheduled_on: d.scheduledOn ?? null,
      lecturer: d.lecturer ?? null,
      held_on: d.heldOn ?? null,
      participants: d.participants ?? null,
      is_sample: d.isSample ?? false,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function dispatchesOf(db: Db, programmeId: string): Promise<PartnerDispatchRow[]> {
  return partnerDb(db).selectFrom('partner_dispatches').selectAll().where('programme_id', '=', programmeId).orderBy('preferred_on', 'desc').orderBy('id', 'desc').execute();
}

export async function dispatchById(db: Db, id: number): Promise<PartnerDispatchRow | undefined> {
  return partnerDb(db).selectFrom('partner_dispatches').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateDispatch(db: Db, id: number, set: Partial<Pick<PartnerDispatchRow, 'status' | 'scheduled_on' | 'lecturer' | 'held_on' | 'participants'>>): Promise<void> {
  await partnerDb(db).updateTable('partner_dispatches').set(set).where('id', '=', id).execute();
}

// ── KPI bindings ──

export async function saveKpiBinding(db: Db, programmeId: string, cityId: string, binding: KpiBinding): Promise<void> {
  const spec = JSON.stringify(binding);
  await partnerDb(db)
    .insertInto('partner_kpi_bindings')
    .values({ programme_id: programmeId, city_id: cityId, kpi_slug: binding.kpiId, spec })
    .onConflict((oc) => oc.columns(['city_id', 'kpi_slug']).doUpdateSet({ spec, programme_id: programmeId }))
    .execute();
}

export async function kpiBindingsOfCity(db: Db, cityId: string): Promise<{ programme_id: string; spec: unknown }[]> {
  return partnerDb(db).selectFrom('partner_kpi_bindings').select(['programme_id', 'spec']).where('city_id', '=', cityId).orderBy('id').execute();
}

/** Ids of the cities having KPIs the platform counts (any binding), in id order. */
export async function citiesWithKpiBindings(db: Db): Promise<string[]> {
  const rows = await partnerDb(db).selectFrom('partner_kpi_bindings').select('city_id').distinct().orderBy('city_id').execute();
  return rows.map((r) => r.city_id);
}

// ── the outbox (shared with the staff area: migration 2026_11_24_0001_staff) ──

/** Queues a message; the dedupe key makes queuing the same message twice a no-op. */
export async function queueMail(db: Db, m: { cityId: string; dedupeKey: string; recipient: string; subject: string; body: string }): Promise<void> {
  await partnerDb(db)
    .insertInto('outbox')
    .values({ city_id: m.cityId, round_id: null, dedupe_key: m.dedupeKey, recipient_user_id: null, recipient: m.recipient, subject: m.subject, body: m.body })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .execute();
}

/** The partner area's messages of a city, newest first (the secretariat's outbox page). */
export async function partnerMail(db: Db, cityId: string, limit = 200) {
  return partnerDb(db)
    .selectFrom('outbox')
    .select(['id', 'dedupe_key', 'recipient', 'subject', 'body', 'created_at', 'sent_at', 'attempts', 'last_error'])
    .where('city_id', '=', cityId)
    .where('dedupe_key', 'like', 'partners:%')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Held events and dispatches of a programme (KPI counts). */
export async function heldActivities(db: Db, programmeId: string) {
  const pdb = partnerDb(db);
  // Sample events and dispatches are never counted (issue 10.5).
  const events = await pdb.selectFrom('partner_events').select(['kind', 'held_on']).where('programme_id', '=', programmeId).where('status', '=', 'held').where('is_sample', '=', false).execute();
  const dispatches = await pdb.selectFrom('partner_dispatches').select('held_on').where('programme_id', '=', programmeId).where('status', '=', 'held').where('is_sample', '=', false).execute();
  return {
    eventsHeld: events.map((e) => ({ kind: e.kind, heldOn: e.held_on! })),
    dispatchesHeld: dispatches.map((d) => ({ heldOn: d.held_on! })),
  };
}
