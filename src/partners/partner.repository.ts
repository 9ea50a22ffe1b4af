import { sql, type ExpressionBuilder } from 'kysely';
import { chunks } from '../storage/batch.ts';
import { toJsonb, type JsonValue } from '../storage/columns.ts';
import type { PartnerContact, PartnerProfile, PartnerStatus, SubmissionKind, SubmissionStatus } from './partner.ts';
import { partnerDb, type PartnerDatabase, type PartnerChangeLogTable, type PartnerChangeEntity, type PartnerExecutor, type PartnerRow, type PartnerSubmissionRow } from './partner.table.ts';
import type { Executor } from '../storage/database.ts';
import { staffDb } from '../storage/staff-database.ts';
import type { MemberType, ProgrammeConfig } from './programme.ts';
import { loadJapaneseAnalyser } from '../search/japanese-analyser.ts';
import { gramsOfDocument, gramsOfTerm, searchDocument } from './search-text.ts';
import { REDACTED, redactedColumns } from './personal-data.ts';

/** SQL of the partner registry: programmes, partners, contacts, submissions, the search index, the log. Executor first. */

type Db = Executor | PartnerExecutor;

/** A programme row with its parsed configuration. */
export interface ProgrammeRecord {
  readonly id: string;
  readonly city_id: string;
  readonly name: string;
  readonly name_en: string | null;
  readonly started_on: string;
  readonly config: unknown;
}

/** Creates or replaces a programme's configuration (seed loading, secretariat settings). */
export async function upsertProgramme(db: Db, p: { id: string; cityId: string; name: string; nameEn: string | null; startedOn: string; config: ProgrammeConfig }): Promise<void> {
  const config = JSON.stringify(p.config);
  await partnerDb(db)
    .insertInto('partner_programmes')
    .values({ id: p.id, city_id: p.cityId, name: p.name, name_en: p.nameEn, started_on: p.startedOn, config })
    .onConflict((oc) => oc.column('id').doUpdateSet({ name: p.name, name_en: p.nameEn, started_on: p.startedOn, config }))
    .execute();
}

/** Every programme, by city. */
export async function listProgrammeRows(db: Db): Promise<ProgrammeRecord[]> {
  return partnerDb(db).selectFrom('partner_programmes').select(['id', 'city_id', 'name', 'name_en', 'started_on', 'config']).orderBy('city_id').execute();
}

/** The programme of a city, if it runs one. */
export async function programmeRowOfCity(db: Db, cityId: string): Promise<ProgrammeRecord | undefined> {
  return partnerDb(db).selectFrom('partner_programmes').select(['id', 'city_id', 'name', 'name_en', 'started_on', 'config']).where('city_id', '=', cityId).executeTakeFirst();
}

/** Takes the next registration sequence number of a programme (in the caller's transaction). */
export async function takeRegistrationSeq(db: Db, programmeId: string): Promise<number> {
  const row = await partnerDb(db)
    .updateTable('partner_programmes')
    .set((eb) => ({ next_registration_seq: eb('next_registration_seq', '+', 1) }))
    .where('id', '=', programmeId)
    .returning('next_registration_seq')
    .executeTakeFirstOrThrow();
  return row.next_registration_seq - 1;
}

/** A partner row with its goals and resources. */
export interface PartnerRecord {
  readonly row: PartnerRow;
  readonly goals: readonly { goal: number; declaration: string }[];
  readonly resources: readonly { kind: 'offer' | 'seek'; category: PartnerProfile['resources'][number]['category']; description: string }[];
}

/** What a new partner row holds beside its profile. */
export interface NewPartner {
  readonly programmeId: string;
  readonly status: PartnerStatus;
  readonly profile: PartnerProfile;
  readonly contact: PartnerContact | null;
  readonly publicationConsent: boolean;
  readonly termsConsented: boolean;
  readonly isSample?: boolean;
  readonly registration?: { no: string; on: string; validUntil: string | null };
}

/** Inserts a partner with its goals, resources, private contact and search index; returns its id. */
export async function insertPartner(db: Db, p: NewPartner): Promise<number> {
  const pdb = partnerDb(db);
  const { id } = await pdb
    .insertInto('partners')
    .values({
      programme_id: p.programmeId,
      status: p.status,
      member_type: p.profile.memberType,
      name: p.profile.name,
      name_kana: p.profile.nameKana,
      area: p.profile.area,
      website: p.profile.website,
      level_id: p.profile.levelId,
      self_check: JSON.stringify(p.profile.selfCheck),
      publication_consent: p.publicationConsent,
      terms_consented_at: p.termsConsented ? new Date() : null,
      is_sample: p.isSample ?? false,
      registration_no: p.registration?.no ?? null,
      registered_on: p.registration?.on ?? null,
      valid_until: p.registration?.validUntil ?? null,
      withdrawn_on: null,
      return_reason: null,
      renewal_reminded_for: null,
      updated_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await writeProfileParts(pdb, id, p.profile);
  if (p.contact) await pdb.insertInto('partner_contacts').values({ partner_id: id, ...p.contact }).execute();
  return id;
}

/** Replaces a partner's public profile (an approved change, a corrected application) and its search index. */
export async function replaceProfile(db: Db, partnerId: number, profile: PartnerProfile): Promise<void> {
  const pdb = partnerDb(db);
  await pdb
    .updateTable('partners')
    .set({
      member_type: profile.memberType,
      name: profile.name,
      name_kana: profile.nameKana,
      area: profile.area,
      website: profile.website,
      level_id: profile.levelId,
      self_check: JSON.stringify(profile.selfCheck),
      updated_at: new Date(),
    })
    .where('id', '=', partnerId)
    .execute();
  await pdb.deleteFrom('partner_goals').where('partner_id', '=', partnerId).execute();
  await pdb.deleteFrom('partner_resources').where('partner_id', '=', partnerId).execute();
  await writeProfileParts(pdb, partnerId, profile);
}

async function writeProfileParts(pdb: PartnerExecutor, id: number, profile: PartnerProfile): Promise<void> {
  if (profile.goals.length > 0) await pdb.insertInto('partner_goals').values(profile.goals.map((g) => ({ partner_id: id, goal: g.goal, declaration: g.declaration }))).execute();
  if (profile.resources.length > 0) {
    await pdb
      .insertInto('partner_resources')
      .values(profile.resources.map((r, i) => ({ partner_id: id, kind: r.kind, category: r.category, description: r.description, position: i })))
      .execute();
  }
  await indexForSearch(pdb, id, profile);
}

/**
 * Rebuilds a partner's search document and its n-gram rows: the profile's texts and the
 * analyser's readings and dictionary forms of them, so a kana query finds a kanji name
 * (「しょくどう」 → 食堂) (issue 15.5).
 */
async function indexForSearch(pdb: PartnerExecutor, id: number, profile: Pick<PartnerProfile, 'name' | 'nameKana' | 'area' | 'goals' | 'resources'>): Promise<void> {
  const texts = [profile.name, profile.nameKana, profile.area, ...profile.goals.map((g) => g.declaration), ...profile.resources.map((r) => r.description)];
  const analyser = await loadJapaneseAnalyser();
  const document = searchDocument([...texts, ...texts.map((t) => (t ? analyser.readingText(t) : ''))]);
  await pdb.insertInto('partner_search').values({ partner_id: id, document, analysed: true }).onConflict((oc) => oc.column('partner_id').doUpdateSet({ document, analysed: true })).execute();
  await pdb.deleteFrom('partner_search_grams').where('partner_id', '=', id).execute();
  for (const batch of chunks(gramsOfDocument(document))) {
    await pdb.insertInto('partner_search_grams').values(batch.map((gram) => ({ gram, partner_id: id }))).execute();
  }
}

/**
 * Re-indexes the partners whose search document predates the analyser (issue 15.5; marked by
 * migration 2026_11_30_1601). Only partners that still have a document: a withdrawn partner's
 * was deleted with its personal data and is never rebuilt. Returns how many were re-indexed.
 */
export async function reindexUnanalysedPartners(db: Db): Promise<number> {
  const pdb = partnerDb(db);
  const ids = (await pdb.selectFrom('partner_search').select('partner_id').where('analysed', '=', false).execute()).map((r) => r.partner_id);
  for (const record of await partnerRecords(db, ids)) {
    await indexForSearch(pdb, record.row.id, { name: record.row.name, nameKana: record.row.name_kana, area: record.row.area, goals: record.goals, resources: record.resources });
  }
  return ids.length;
}

/** Sets columns of a partner row (status changes, registration, withdrawal). */
export async function updatePartnerRow(
  db: Db,
  id: number,
  set: Partial<Pick<PartnerRow, 'status' | 'registration_no' | 'registered_on' | 'valid_until' | 'withdrawn_on' | 'return_reason' | 'renewal_reminded_for' | 'publication_consent'>>,
): Promise<void> {
  await partnerDb(db).updateTable('partners').set({ ...set, updated_at: new Date() }).where('id', '=', id).execute();
}

/** Partners by id, with goals and resources, in the order of `ids`. */
export async function partnerRecords(db: Db, ids: readonly number[]): Promise<PartnerRecord[]> {
  if (ids.length === 0) return [];
  const pdb = partnerDb(db);
  const rows = await pdb.selectFrom('partners').selectAll().where('id', 'in', ids).execute();
  const goals = await pdb.selectFrom('partner_goals').selectAll().where('partner_id', 'in', ids).orderBy('goal').execute();
  const resources = await pdb.selectFrom('partner_resources').selectAll().where('partner_id', 'in', ids).orderBy('position').execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids
    .filter((id) => byId.has(id))
    .map((id) => ({
      row: byId.get(id)!,
      goals: goals.filter((g) => g.partner_id === id).map((g) => ({ goal: g.goal, declaration: g.declaration })),
      resources: resources.filter((r) => r.partner_id === id).map((r) => ({ kind: r.kind, category: r.category, description: r.description })),
    }));
}

/** What to list partners by; all filters combine with AND. */
export interface PartnerFilter {
  readonly statuses?: readonly PartnerStatus[];
  /** Only partners consenting to publication, approved and not expired on this date. */
  readonly listedOn?: string;
  readonly goal?: number;
  readonly memberType?: MemberType;
  readonly area?: string;
  /**
   * Normalized query terms, every one of which must occur in the partner's search document: a
   * fragment, or ways to find it (any one suffices), each a list of fragments that must all occur.
   */
  readonly terms?: readonly (string | readonly (readonly string[])[])[];
  readonly limit?: number;
  readonly offset?: number;
}

/** Ids of a programme's partners matching the filter, by registration (newest last) then id. */
export async function findPartnerIds(db: Db, programmeId: string, f: PartnerFilter): Promise<{ ids: number[]; total: number }> {
  const pdb = partnerDb(db);
  let q = pdb.selectFrom('partners as p').where('p.programme_id', '=', programmeId);
  if (f.statuses) q = q.where('p.status', 'in', [...f.statuses]);
  if (f.listedOn !== undefined) {
    const on = f.listedOn;
    q = q.where('p.status', '=', 'approved').where('p.publication_consent', '=', true).where((eb) => eb.or([eb('p.valid_until', 'is', null), eb('p.valid_until', '>=', on)]));
  }
  if (f.goal !== undefined) {
    const goal = f.goal;
    q = q.where((eb) => eb.exists(eb.selectFrom('partner_goals as g').select('g.goal').whereRef('g.partner_id', '=', 'p.id').where('g.goal', '=', goal)));
  }
  if (f.memberType !== undefined) q = q.where('p.member_type', '=', f.memberType);
  if (f.area !== undefined) q = q.where('p.area', '=', f.area);
  for (const term of f.terms ?? []) {
    const ways = typeof term === 'string' ? [[term]] : term;
    // The n-gram index narrows to partners holding every gram of a fragment; the document check drops the false hits
    // (grams present but not adjacent).
    q = q.where((eb) =>
      eb.or(
        ways.map((fragments) =>
          eb.and(
            fragments.flatMap((fragment) => {
              const grams = gramsOfTerm(fragment);
              return [
                eb(
                  'p.id',
                  'in',
                  eb
                    .selectFrom('partner_search_grams as sg')
                    .select('sg.partner_id')
                    .where('sg.gram', 'in', grams)
                    .groupBy('sg.partner_id')
                    .having(sql<number>`count(*)`, '=', grams.length),
                ),
                eb.exists(eb.selectFrom('partner_search as s').select('s.partner_id').whereRef('s.partner_id', '=', 'p.id').where(sql<boolean>`strpos(s.document, ${fragment}) > 0`)),
              ];
            }),
          ),
        ),
      ),
    );
  }
  const total = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  let page = q.select('p.id').orderBy('p.registered_on').orderBy('p.id');
  if (f.limit !== undefined) page = page.limit(f.limit);
  if (f.offset !== undefined) page = page.offset(f.offset);
  return { ids: (await page.execute()).map((r) => r.id), total };
}

/**
 * Listed partners whose search document is close to the query by trigram similarity: the
 * fallback when no document holds the fragments exactly (a typo, a different okurigana).
 */
export async function similarPartnerIds(db: Db, programmeId: string, normalizedQuery: string, listedOn: string, limit = 5): Promise<number[]> {
  const rows = await partnerDb(db)
    .selectFrom('partners as p')
    .innerJoin('partner_search as s', 's.partner_id', 'p.id')
    .select(['p.id', sql<number>`word_similarity(${normalizedQuery}, s.document)`.as('sim')])
    .where('p.programme_id', '=', programmeId)
    .where('p.status', '=', 'approved')
    .where('p.publication_consent', '=', true)
    .where((eb) => eb.or([eb('p.valid_until', 'is', null), eb('p.valid_until', '>=', listedOn)]))
    .where(sql<boolean>`word_similarity(${normalizedQuery}, s.document) >= 0.3`)
    .orderBy('sim', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** Listed partners of a programme counted by member type and by goal (the programme page). */
export async function countListed(db: Db, programmeId: string, listedOn: string): Promise<{ byType: Map<MemberType, number>; byGoal: Map<number, number>; total: number }> {
  const pdb = partnerDb(db);
  const base = pdb
    .selectFrom('partners as p')
    .where('p.programme_id', '=', programmeId)
    .where('p.status', '=', 'approved')
    .where('p.publication_consent', '=', true)
    // Sample records (seeded demo partners) are never counted as real registrations (issue 10.5).
    .where('p.is_sample', '=', false)
    .where((eb) => eb.or([eb('p.valid_until', 'is', null), eb('p.valid_until', '>=', listedOn)]));
  const types = await base.select(['p.member_type', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('p.member_type').execute();
  const goals = await base.innerJoin('partner_goals as g', 'g.partner_id', 'p.id').select(['g.goal', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('g.goal').execute();
  const byType = new Map(types.map((r) => [r.member_type, Number(r.n)]));
  return { byType, byGoal: new Map(goals.map((r) => [r.goal, Number(r.n)])), total: [...byType.values()].reduce((a, b) => a + b, 0) };
}

/** Registration dates and attributes of every real partner ever approved (KPI counts; sample records left out). */
export async function registrationHistory(db: Db, programmeId: string) {
  const pdb = partnerDb(db);
  const rows = await pdb
    .selectFrom('partners')
    .select(['id', 'member_type', 'registered_on', 'valid_until', 'withdrawn_on'])
    .where('programme_id', '=', programmeId)
    .where('registered_on', 'is not', null)
    .where('is_sample', '=', false)
    .execute();
  const goals = rows.length === 0 ? [] : await pdb.selectFrom('partner_goals').select(['partner_id', 'goal']).where('partner_id', 'in', rows.map((r) => r.id)).execute();
  return rows.map((r) => ({
    memberType: r.member_type,
    goals: goals.filter((g) => g.partner_id === r.id).map((g) => g.goal),
    registeredOn: r.registered_on,
    validUntil: r.valid_until,
    withdrawnOn: r.withdrawn_on,
  }));
}

/** The private contact of a partner (secretariat and the partner only). */
export async function contactOf(db: Db, partnerId: number): Promise<PartnerContact | null> {
  const row = await partnerDb(db).selectFrom('partner_contacts').select(['representative', 'email', 'phone']).where('partner_id', '=', partnerId).executeTakeFirst();
  return row ?? null;
}

/** Sets a partner's private contact. */
export async function saveContact(db: Db, partnerId: number, contact: PartnerContact): Promise<void> {
  await partnerDb(db)
    .insertInto('partner_contacts')
    .values({ partner_id: partnerId, ...contact })
    .onConflict((oc) => oc.column('partner_id').doUpdateSet({ ...contact }))
    .execute();
}

/** Whom {@link erasePersonalData} erases. */
export interface Erasure {
  readonly partnerId: number;
  /** An individual member: the name and the entries are the person's own, not an organisation's public record. */
  readonly individual: boolean;
  /** The contact's e-mail (lower-cased), to find sign-ups, requests and mail made before or beside the registration. */
  readonly email: string | null;
  /** The partner's log-in id, whose log-in attempts go with the account. */
  readonly username: string | null;
  /** The person's values to replace wherever a copy is left (see personal-data.ts). */
  readonly values: readonly string[];
}

/**
 * Erases a withdrawn partner's personal data (APPI) as the data map (personal-data.ts) says: the
 * contact, the free text of the profile, the copies in submissions and the search index, the
 * collaboration messages, sign-ups and lecture requests made with the same address, an
 * individual's name and award entries, the log-in; then the person's values wherever a copy
 * remains (mail to others, texts others wrote). Run inside the withdrawal's transaction.
 */
export async function erasePersonalData(db: Db, e: Erasure): Promise<void> {
  const pdb = partnerDb(db);
  const id = e.partnerId;
  await pdb.deleteFrom('partner_contacts').where('partner_id', '=', id).execute();
  await pdb.updateTable('partners').set({ return_reason: null, updated_at: new Date() }).where('id', '=', id).execute();
  if (e.individual) await pdb.updateTable('partners').set({ name: '—', name_kana: '—', website: null }).where('id', '=', id).execute();
  // The goals stay (they count for bound KPIs); what the person wrote about them does not.
  await pdb.updateTable('partner_goals').set({ declaration: '' }).where('partner_id', '=', id).execute();
  await pdb.deleteFrom('partner_resources').where('partner_id', '=', id).execute();
  await pdb.deleteFrom('partner_search').where('partner_id', '=', id).execute();
  await pdb.deleteFrom('partner_search_grams').where('partner_id', '=', id).execute();
  await pdb.updateTable('partner_submissions').set({ profile: null, reason: null }).where('partner_id', '=', id).execute();
  // Sign-ups: its own, the public course sign-up that made it a member (Tsukuba's model: the
  // attendance stays, as the member's own registration), and any made with its address.
  await pdb.updateTable('partner_event_registrations').set({ name: null, email: null }).where('partner_id', '=', id).execute();
  await pdb.updateTable('partner_event_registrations').set({ partner_id: id, name: null, email: null }).where('certified_partner_id', '=', id).where('partner_id', 'is', null).execute();
  // Messages both ways: private correspondence with a person who has left (the request and its answer stay, for counts).
  const involving = (eb: ExpressionBuilder<PartnerDatabase, 'partner_collaborations'>) => eb.or([eb('from_partner_id', '=', id), eb('to_partner_id', '=', id)]);
  await pdb.updateTable('partner_collaborations').set({ message: '' }).where(involving).execute();
  // A request still open cannot be answered any more: nobody is there to share a contact with.
  await pdb.updateTable('partner_collaborations').set({ status: 'declined', decided_at: new Date() }).where(involving).where('status', '=', 'pending').execute();
  const entries = await pdb.selectFrom('partner_award_entries').select('id').where('partner_id', '=', id).execute();
  if (entries.length > 0) await pdb.updateTable('partner_award_scores').set({ comment: null }).where('entry_id', 'in', entries.map((x) => x.id)).execute();
  if (e.individual) await pdb.updateTable('partner_award_entries').set({ title: '—', summary: '' }).where('partner_id', '=', id).execute();
  await pdb.updateTable('partner_dispatches').set({ contact_name: null, contact_email: null }).where('requester_partner_id', '=', id).execute();
  if (e.individual) await pdb.updateTable('partner_dispatches').set({ requester_name: '—' }).where('requester_partner_id', '=', id).execute();
  // Mail for the partner (the dedupe key names it) is deleted whoever it was addressed to.
  await pdb.deleteFrom('outbox').where('dedupe_key', 'like', `partners:p${id}:%`).execute();
  if (e.email) {
    const email = e.email;
    // A public sign-up with the address: cancelled while the event is to come (no mail can reach
    // the person any more); kept without name and address once held, so attendance counts stay.
    const signedUp = (eb: ExpressionBuilder<PartnerDatabase, 'partner_event_registrations'>) =>
      eb.and([eb('partner_id', 'is', null), sql<boolean>`lower(email) = ${email}`]);
    const upcoming = pdb.selectFrom('partner_events').select('id').where('status', '=', 'announced');
    await pdb.deleteFrom('partner_event_registrations').where(signedUp).where('event_id', 'in', upcoming).execute();
    await pdb.updateTable('partner_event_registrations').set({ name: '—', email: '' }).where(signedUp).execute();
    await pdb.updateTable('partner_dispatches').set({ contact_name: null, contact_email: null }).where(sql<boolean>`lower(contact_email) = ${email}`).execute();
    await pdb.deleteFrom('outbox').where(sql<boolean>`lower(recipient) = ${email}`).execute();
  }
  if (e.username) await staffDb(db as Executor).deleteFrom('login_attempts').where('username', '=', e.username).execute();
  await redactValues(db, e.values);
}

/** A PostgreSQL regular expression matching any of the values literally. */
function literalAlternation(values: readonly string[]): string {
  return values.map((v) => v.replace(/[\\.^$|?*+()[\]{}]/g, (ch) => `\\${ch}`)).join('|');
}

/**
 * Replaces a person's values (case-insensitively: e-mail addresses) by the redaction mark in
 * every column the data map marks `redact`. Tables and columns come from the map, never from input.
 */
export async function redactValues(db: Db, values: readonly string[]): Promise<void> {
  if (values.length === 0) return;
  const pattern = literalAlternation(values);
  for (const { table, column } of redactedColumns()) {
    const col = sql.ref(column);
    await sql`update ${sql.table(table)} set ${col} = regexp_replace(${col}, ${pattern}, ${REDACTED}, 'gi') where ${col} ~* ${pattern}`.execute(partnerDb(db));
  }
}

/** Adds a submission (application, change, renewal) and returns its id. */
export async function insertSubmission(db: Db, s: { partnerId: number; kind: SubmissionKind; status: SubmissionStatus; profile: PartnerProfile | null }): Promise<number> {
  const row = await partnerDb(db)
    .insertInto('partner_submissions')
    .values({ partner_id: s.partnerId, kind: s.kind, status: s.status, profile: s.profile === null ? null : JSON.stringify(s.profile) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Marks earlier pending submissions of a partner superseded (a new change replaces the one under review). */
export async function supersedePending(db: Db, partnerId: number, kind: SubmissionKind): Promise<void> {
  await partnerDb(db).updateTable('partner_submissions').set({ status: 'superseded' }).where('partner_id', '=', partnerId).where('kind', '=', kind).where('status', '=', 'pending').execute();
}

/** Records a decision on a submission. */
export async function decideSubmission(db: Db, id: number, status: SubmissionStatus, by: string, reason: string | null): Promise<void> {
  await partnerDb(db).updateTable('partner_submissions').set({ status, decided_at: new Date(), decided_by: by, reason }).where('id', '=', id).execute();
}

/** One submission. */
export async function submission(db: Db, id: number): Promise<PartnerSubmissionRow | undefined> {
  return partnerDb(db).selectFrom('partner_submissions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A partner's submissions, newest first. */
export async function submissionsOf(db: Db, partnerId: number): Promise<PartnerSubmissionRow[]> {
  return partnerDb(db).selectFrom('partner_submissions').selectAll().where('partner_id', '=', partnerId).orderBy('id', 'desc').execute();
}

/** Pending submissions of a programme, oldest first (the review queue). */
export async function pendingSubmissions(db: Db, programmeId: string): Promise<(PartnerSubmissionRow & { partner_name: string })[]> {
  return partnerDb(db)
    .selectFrom('partner_submissions as s')
    .innerJoin('partners as p', 'p.id', 's.partner_id')
    .selectAll('s')
    .select('p.name as partner_name')
    .where('p.programme_id', '=', programmeId)
    .where('s.status', '=', 'pending')
    .orderBy('s.id')
    .execute();
}

/** Approved partners whose registration ends within the notice window and were not yet reminded for that end. */
export async function partnersDueForReminder(db: Db, programmeId: string, today: string, windowEnd: string): Promise<PartnerRow[]> {
  return partnerDb(db)
    .selectFrom('partners')
    .selectAll()
    .where('programme_id', '=', programmeId)
    .where('status', '=', 'approved')
    .where('valid_until', '>=', today)
    .where('valid_until', '<=', windowEnd)
    .where((eb) => eb.or([eb('renewal_reminded_for', 'is', null), eb('renewal_reminded_for', '<>', eb.ref('valid_until'))]))
    .orderBy('id')
    .execute();
}

/** The partner a log-in belongs to. */
export async function partnerIdOfUser(db: Db, userId: number): Promise<number | null> {
  const row = await partnerDb(db).selectFrom('partner_accounts').select('partner_id').where('user_id', '=', userId).executeTakeFirst();
  return row?.partner_id ?? null;
}

/** The log-in of a partner. */
export async function userIdOfPartner(db: Db, partnerId: number): Promise<number | null> {
  const row = await partnerDb(db).selectFrom('partner_accounts').select('user_id').where('partner_id', '=', partnerId).executeTakeFirst();
  return row?.user_id ?? null;
}

/** Whether a log-in with this user name exists (a new partner's generated name must be unused). */
export async function usernameTaken(db: Db, username: string): Promise<boolean> {
  return (await partnerDb(db).selectFrom('users').select('id').where('username', '=', username).executeTakeFirst()) !== undefined;
}

/** Creates a partner's log-in (a `users` row without staff roles); returns its id. */
export async function insertPartnerUser(db: Db, u: { username: string; displayName: string; passwordHash: string }): Promise<number> {
  const row = await partnerDb(db)
    .insertInto('users')
    .values({ username: u.username, display_name: u.displayName, email: null, password_hash: u.passwordHash, must_change_password: false })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The user name and display name of a log-in, if it exists. */
export async function userNamesOf(db: Db, userId: number): Promise<{ username: string; display_name: string } | undefined> {
  return partnerDb(db).selectFrom('users').select(['username', 'display_name']).where('id', '=', userId).executeTakeFirst();
}

/** Deletes a log-in (a withdrawn partner's; its sessions and roles go with it by cascade). */
export async function deleteUser(db: Db, userId: number): Promise<void> {
  await partnerDb(db).deleteFrom('users').where('id', '=', userId).execute();
}

/** Marks every pending submission of a partner as superseded (withdrawal). */
export async function supersedeAllPending(db: Db, partnerId: number): Promise<void> {
  await partnerDb(db).updateTable('partner_submissions').set({ status: 'superseded' }).where('partner_id', '=', partnerId).where('status', '=', 'pending').execute();
}

/** What a partner did on the platform, for its own download: event sign-ups, collaborations, award entries, lecture requests. */
export async function partnerActivityExport(db: Db, partnerId: number) {
  const pdb = partnerDb(db);
  const [registrations, collaborations, awardEntries, dispatches] = await Promise.all([
    pdb.selectFrom('partner_event_registrations as r').innerJoin('partner_events as e', 'e.id', 'r.event_id').select(['e.title', 'e.starts_at', 'r.attended', 'r.registered_at']).where('r.partner_id', '=', partnerId).execute(),
    pdb.selectFrom('partner_collaborations').selectAll().where((eb) => eb.or([eb('from_partner_id', '=', partnerId), eb('to_partner_id', '=', partnerId)])).execute(),
    pdb.selectFrom('partner_award_entries').select(['award_id', 'title', 'summary', 'submitted_on', 'winner', 'prize']).where('partner_id', '=', partnerId).execute(),
    pdb.selectFrom('partner_dispatches').select(['topic', 'preferred_on', 'audience_size', 'status', 'scheduled_on', 'held_on', 'contact_name', 'contact_email']).where('requester_partner_id', '=', partnerId).execute(),
  ]);
  return { registrations, collaborations, awardEntries, dispatches };
}

/** Whether any programme is stored (the partner seeds load only into an empty platform). */
export async function hasProgrammes(db: Db): Promise<boolean> {
  return (await partnerDb(db).selectFrom('partner_programmes').select('id').limit(1).execute()).length > 0;
}

/** The ids of every stored programme. */
export async function programmeIds(db: Db): Promise<Set<string>> {
  return new Set((await partnerDb(db).selectFrom('partner_programmes').select('id').execute()).map((p) => p.id));
}

/** Links a user (log-in) to a partner. */
export async function linkAccount(db: Db, userId: number, partnerId: number): Promise<void> {
  await partnerDb(db).insertInto('partner_accounts').values({ user_id: userId, partner_id: partnerId }).execute();
}

/** One entry of the partner area's audit trail. */
export interface PartnerLogEntry {
  readonly actor: string;
  readonly action: PartnerChangeLogTable['action'];
  readonly entity: PartnerChangeEntity;
  readonly entityId: string;
  readonly cityId: string;
  readonly old?: JsonValue;
  readonly new?: JsonValue;
  readonly reason?: string | null;
}

/** Appends to the shared, append-only `change_log`. */
export async function logPartnerChange(db: Db, e: PartnerLogEntry): Promise<void> {
  await partnerDb(db)
    .insertInto('change_log')
    .values({ actor: e.actor, action: e.action, entity: e.entity, entity_id: e.entityId, city_id: e.cityId, old: toJsonb(e.old), new: toJsonb(e.new), reason: e.reason ?? null })
    .execute();
}

/** The log of one entity (a partner's history), oldest first. */
export async function partnerLog(db: Db, entity: PartnerChangeEntity, entityId: string) {
  return partnerDb(db).selectFrom('change_log').select(['id', 'occurred_at', 'actor', 'action', 'reason']).where('entity', '=', entity).where('entity_id', '=', entityId).orderBy('id').execute();
}

/** How many sample partners a programme shows (listed with a sample badge, never counted). */
export async function countSamplePartners(db: Db, programmeId: string): Promise<number> {
  const row = await partnerDb(db).selectFrom('partners').select((eb) => eb.fn.countAll<number>().as('n')).where('programme_id', '=', programmeId).where('is_sample', '=', true).executeTakeFirst();
  return Number(row?.n ?? 0);
}
