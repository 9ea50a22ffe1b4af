import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../storage/database.ts';
import { inTransaction } from '../storage/database.ts';
import { insertAward, insertAwardEntry, insertDispatch, insertEvent, insertRegistration, saveKpiBinding, saveScore, setAttendance, setWinner } from './activity.repository.ts';
import { hasProgrammes, insertPartner, logPartnerChange, programmeIds, takeRegistrationSeq, upsertProgramme } from './partner.repository.ts';
import { listCityRows } from '../cities/city.repository.ts';
import { publishedFigureSchema, publishedFiguresOf, savePublishedFigures } from './published-figure.ts';
import { kpiBindingSchema, MEMBER_TYPES, programmeConfigSchema, RESOURCE_CATEGORIES, registrationNumber, validUntil, type MemberType, type ResourceCategory } from './programme.ts';

/**
 * The partner seed files (data/seeds/partners/*.json): each city's programme, its KPI bindings
 * and a handful of SAMPLE partners, events, awards and lecture requests (fictitious, marked
 * is_sample, shown with a sample badge). Loaded once, into a database without programmes.
 */

const SEED_DIR = fileURLToPath(new URL('../../data/seeds/partners/', import.meta.url));
const memberType = z.enum(MEMBER_TYPES as [MemberType, ...MemberType[]]);
const resourceMap = z.partialRecord(z.enum(RESOURCE_CATEGORIES as [ResourceCategory, ...ResourceCategory[]]), z.string().min(1));
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const partnerSeedSchema = z.object({
  notes: z.string(),
  programme: z.object({ id: z.string(), name: z.string(), nameEn: z.string().nullable(), startedOn: isoDate, config: programmeConfigSchema }),
  /** Figures the city published about the programme, with their source passage (issue 10.5). */
  publishedFigures: z.array(publishedFigureSchema).default([]),
  kpiBindings: z.array(kpiBindingSchema),
  partners: z.array(
    z.object({
      key: z.string(),
      memberType,
      name: z.string(),
      nameKana: z.string(),
      area: z.string(),
      website: z.string().nullable(),
      registeredOn: isoDate,
      levelId: z.string().optional(),
      selfCheck: z.record(z.string(), z.boolean()).optional(),
      goals: z.array(z.object({ goal: z.number().int().min(1).max(17), declaration: z.string().min(1) })).min(1),
      offers: resourceMap,
      seeks: resourceMap,
      contact: z.object({ representative: z.string(), email: z.string().email().endsWith('@example.com'), phone: z.string().nullable() }),
    }),
  ),
  events: z.array(
    z.object({
      kind: z.enum(['meeting', 'course']),
      title: z.string(),
      description: z.string(),
      startsAt: z.string(),
      place: z.string(),
      capacity: z.number().int().positive().nullable(),
      goals: z.array(z.number().int()),
      certifiesMembership: z.boolean().optional(),
      status: z.enum(['announced', 'held']),
      heldOn: isoDate.optional(),
      organiser: z.string().optional(),
      participants: z.array(z.string()),
    }),
  ),
  awards: z.array(
    z.object({
      title: z.string(),
      description: z.string(),
      year: z.number().int(),
      closesOn: isoDate,
      status: z.enum(['open', 'reviewing', 'decided']),
      entries: z.array(z.object({ partner: z.string(), title: z.string(), summary: z.string(), submittedOn: isoDate, winner: z.boolean(), prize: z.string().nullable(), scores: z.array(z.number().int().min(1).max(5)) })),
    }),
  ),
  dispatches: z.array(
    z.object({
      requesterName: z.string(),
      requesterType: memberType,
      requester: z.string().optional(),
      topic: z.string(),
      preferredOn: isoDate,
      audienceSize: z.number().int().positive(),
      status: z.enum(['requested', 'scheduled', 'held']),
      scheduledOn: isoDate.optional(),
      lecturer: z.string().optional(),
      heldOn: isoDate.optional(),
      participants: z.number().int().optional(),
    }),
  ),
});
export type PartnerSeed = z.infer<typeof partnerSeedSchema>;

/** Reads and validates every seed file. */
export async function readPartnerSeeds(dir = SEED_DIR): Promise<PartnerSeed[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  const seeds: PartnerSeed[] = [];
  for (const f of files) {
    const parsed = partnerSeedSchema.safeParse(JSON.parse(await readFile(dir + f, 'utf8')));
    if (!parsed.success) throw new Error(`partner seed ${f}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    seeds.push(parsed.data);
  }
  return seeds;
}

/** Loads the partner seeds for the cities present, when no programme exists yet; returns how many programmes were loaded. */
export async function loadPartnerSeedsIfEmpty(db: Kysely<Database>): Promise<number> {
  if (await hasProgrammes(db)) return 0;
  const cities = new Set((await listCityRows(db)).map((c) => c.id));
  let loaded = 0;
  for (const seed of await readPartnerSeeds()) {
    const cityId = seedCityId(seed);
    if (!cities.has(cityId)) continue;
    await inTransaction(db, (trx) => loadSeed(trx, cityId, seed));
    loaded++;
  }
  return loaded;
}

/**
 * Stores the seed files' published figures for seeded cities that have none yet (databases
 * seeded before figures existed get them on the next start); returns how many cities got them.
 */
export async function loadPublishedFiguresIfMissing(db: Kysely<Database>): Promise<number> {
  const cities = new Set((await listCityRows(db)).map((c) => c.id));
  const programmes = await programmeIds(db);
  let loaded = 0;
  for (const seed of await readPartnerSeeds()) {
    const cityId = seedCityId(seed);
    if (!cities.has(cityId) || !programmes.has(seed.programme.id) || seed.publishedFigures.length === 0) continue;
    if ((await publishedFiguresOf(db, cityId)).length > 0) continue;
    await inTransaction(db, (trx) => savePublishedFigures(trx, cityId, seed.publishedFigures));
    loaded++;
  }
  return loaded;
}

function seedCityId(seed: PartnerSeed): string {
  return seed.programme.id.startsWith('imagine-kanazawa') ? 'kanazawa' : seed.programme.id.split('-')[0]!;
}

async function loadSeed(trx: Kysely<Database>, cityId: string, seed: PartnerSeed): Promise<void> {
  const p = seed.programme;
  await savePublishedFigures(trx, cityId, seed.publishedFigures);
  await upsertProgramme(trx, { id: p.id, cityId, name: p.name, nameEn: p.nameEn, startedOn: p.startedOn, config: p.config });
  await logPartnerChange(trx, { actor: 'seed', action: 'create', entity: 'partner_programme', entityId: p.id, cityId });
  for (const b of seed.kpiBindings) {
    await saveKpiBinding(trx, p.id, cityId, b);
    await logPartnerChange(trx, { actor: 'seed', action: 'bind-kpi', entity: 'partner_programme', entityId: p.id, cityId, new: b });
  }
  const ids = new Map<string, number>();
  for (const s of [...seed.partners].sort((a, b) => a.registeredOn.localeCompare(b.registeredOn))) {
    const seq = await takeRegistrationSeq(trx, p.id);
    const resources = (kind: 'offer' | 'seek', m: Partial<Record<ResourceCategory, string>>) =>
      Object.entries(m).map(([category, description]) => ({ kind, category: category as ResourceCategory, description: description! }));
    const id = await insertPartner(trx, {
      programmeId: p.id,
      status: 'approved',
      profile: {
        memberType: s.memberType,
        name: s.name,
        nameKana: s.nameKana,
        area: s.area,
        website: s.website,
        goals: s.goals,
        resources: [...resources('offer', s.offers), ...resources('seek', s.seeks)],
        levelId: s.levelId ?? null,
        selfCheck: s.selfCheck ?? {},
      },
      contact: s.contact,
      publicationConsent: true,
      termsConsented: true,
      isSample: true,
      registration: { no: registrationNumber(p.config.registrationPrefix, s.registeredOn, seq), on: s.registeredOn, validUntil: validUntil(s.registeredOn, p.config.validityYears) },
    });
    ids.set(s.key, id);
  }
  const idOf = (key: string) => {
    const id = ids.get(key);
    if (id === undefined) throw new Error(`partner seed ${p.id}: no sample partner "${key}"`);
    return id;
  };
  for (const e of seed.events) {
    const eventId = await insertEvent(trx, {
      programmeId: p.id,
      kind: e.kind,
      title: e.title,
      description: e.description,
      startsAt: e.startsAt,
      place: e.place,
      capacity: e.capacity,
      goals: e.goals,
      certifiesMembership: e.certifiesMembership ?? false,
      organiserPartnerId: e.organiser ? idOf(e.organiser) : null,
      status: e.status,
      heldOn: e.heldOn ?? null,
      isSample: true,
    });
    for (const key of e.participants) {
      const regId = await insertRegistration(trx, { eventId, partnerId: idOf(key), name: null, email: null });
      if (regId !== null && e.status === 'held') await setAttendance(trx, regId, true, null);
    }
  }
  for (const a of seed.awards) {
    const awardId = await insertAward(trx, { programmeId: p.id, title: a.title, description: a.description, year: a.year, closesOn: a.closesOn, status: a.status, isSample: true });
    for (const entry of a.entries) {
      const entryId = await insertAwardEntry(trx, { awardId, partnerId: idOf(entry.partner), title: entry.title, summary: entry.summary, submittedOn: entry.submittedOn });
      if (entryId === null) continue;
      for (const [i, score] of entry.scores.entries()) await saveScore(trx, entryId, `sample-reviewer-${i + 1}`, score, null);
      if (entry.winner) await setWinner(trx, entryId, true, entry.prize);
    }
  }
  for (const d of seed.dispatches) {
    await insertDispatch(trx, {
      programmeId: p.id,
      requesterPartnerId: d.requester ? idOf(d.requester) : null,
      requesterName: d.requesterName,
      requesterType: d.requesterType,
      contactName: null,
      contactEmail: null,
      topic: d.topic,
      preferredOn: d.preferredOn,
      audienceSize: d.audienceSize,
      status: d.status,
      scheduledOn: d.scheduledOn ?? null,
      lecturer: d.lecturer ?? null,
      heldOn: d.heldOn ?? null,
      participants: d.participants ?? null,
      isSample: true,
    });
  }
}
