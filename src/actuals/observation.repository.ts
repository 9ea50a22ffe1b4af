import { formatTimePointIso, timePointEnd, type TimePoint } from '../core/time/time-point.ts';
import { sql, type SelectQueryBuilder } from 'kysely';
import { inTransaction, type Database, type Executor } from '../storage/database.ts';
import { chunks, distinct } from '../storage/batch.ts';
import { toNumberOrNull, type JsonValue } from '../storage/columns.ts';
import { appendChangeLog, jsonRows, type NewChangeLogEntry } from '../storage/change-log.repository.ts';
import { StaleVersionError } from '../storage/edit-version.ts';
import type { ObservationVersionRow, NewObservationVersionRow } from './observation.table.ts';
import { cityOfSelection, slugsOfSelection, type KpiSelection } from '../kpis/kpi.table.ts';

/** Who makes a change and why; stored with every version and in the change log. */
export interface ChangeMeta {
  readonly actor: string;
  readonly reason?: string | null;
}

/** An actual to record for a KPI at a time point; recording it again with other figures corrects it. */
export interface ObservationInput {
  readonly kpiId: number;
  readonly at: TimePoint;
  readonly value: number;
  readonly decimals?: number | null;
  readonly note?: string | null;
  readonly source?: string | null;
}

/** A change to one observation: new content, or `value: null` for a deletion (a tombstone version). */
export interface ObservationChange {
  readonly kpiId: number;
  readonly at: TimePoint;
  readonly value: number | null;
  readonly decimals?: number | null;
  readonly note?: string | null;
  readonly source?: string | null;
}

/** The current (latest, not deleted) version of an observation, with its slot's KPI and time point. */
export interface CurrentObservationRow {
  readonly observation_id: number;
  readonly kpi_id: number;
  readonly at: string;
  readonly value: string | number | null;
  readonly decimals: number | null;
  readonly note: string | null;
  readonly source: string | null;
  /** When the current version was written (what the public "last updated" shows). */
  readonly recorded_at: Date;
}

/**
 * Records an actual: appends a version (the first, or a correction) and a change-log entry
 * with old → new. Returns the new version, or null when the figures are already current.
 */
export async function recordObservation(db: Executor, input: ObservationInput, meta: ChangeMeta, options: RecordObservationOptions = {}): Promise<ObservationVersionRow | null> {
  if (options.expectedVersion === undefined) {
    const [version] = await recordObservations(db, [input], meta);
    return version ?? null;
  }
  const expected = options.expectedVersion;
  return inTransaction(db, async (trx) => {
    // Lock the slot (creating it first when this is the first entry): two writers of the same
    // actual take turns, and the second sees what the first wrote.
    const at = formatTimePointIso(input.at);
    await sql`insert into observations (kpi_id, at, at_end) values (${input.kpiId}, ${at}, ${timePointEnd(input.at)}) on conflict (kpi_id, at) do nothing`.execute(trx);
    const slot = await trx.selectFrom('observations').select('id').where('kpi_id', '=', input.kpiId).where('at', '=', at).forUpdate().executeTakeFirstOrThrow();
    const latest = await trx.selectFrom('observation_versions').selectAll().where('observation_id', '=', slot.id).orderBy('version', 'desc').limit(1).executeTakeFirst();
    const live = latest && !latest.deleted ? contentOf(latest) : null;
    if (sameContent(live, contentOf(input))) return null; // what the editor wants is what is stored
    if ((latest?.version ?? 0) !== expected) throw new StaleVersionError(`the actual of KPI ${input.kpiId} at ${at}`);
    const [version] = await recordObservations(trx, [input], meta);
    return version ?? null;
  });
}

/** Options of {@link recordObservation}. */
export interface RecordObservationOptions {
  /**
   * The version of this actual the editor started from (0: none was recorded). When given, the
   * write is refused with {@link StaleVersionError} if another version was recorded since,
   * unless the stored figures already are the editor's.
   */
  readonly expectedVersion?: number;
}

/** A KPI's actual slot with its latest version (tombstones included): what an entry form checks its version against. */
export interface ObservationSlotVersion {
  readonly at: string;
  readonly version: number;
  readonly value: string | number | null;
  readonly decimals: number | null;
  readonly note: string | null;
  readonly source: string | null;
  readonly deleted: boolean;
  readonly actor: string;
  readonly recorded_at: Date;
}

/** Every actual slot of a KPI that has a version, with its latest version (deleted ones too). */
export async function listObservationSlotVersions(db: Executor, kpiId: number): Promise<ObservationSlotVersion[]> {
  return db
    .selectFrom('observations as o')
    .innerJoinLateral(
      (eb) => eb.selectFrom('observation_versions as v').selectAll('v').whereRef('v.observation_id', '=', 'o.id').orderBy('v.version', 'desc').limit(1).as('cur'),
      (join) => join.onTrue(),
    )
    .select(['o.at', 'cur.version', 'cur.value', 'cur.decimals', 'cur.note', 'cur.source', 'cur.deleted', 'cur.actor', 'cur.recorded_at'])
    .where('o.kpi_id', '=', kpiId)
    .orderBy('o.at_end')
    .execute();
}

/** Deletes an actual by appending a tombstone version; returns it, or null when there was nothing to delete. */
export async function deleteObservation(db: Executor, input: { kpiId: number; at: TimePoint }, meta: ChangeMeta): Promise<ObservationVersionRow | null> {
  const [version] = await recordObservations(db, [{ ...input, value: null }], meta);
  return version ?? null;
}

/**
 * Rows per statement of a bulk write. Each statement binds one parameter, the rows as a JSON
 * array (see {@link jsonRows}), so the parameter limit (65,535) does not apply; the slice only
 * bounds the size of one message and of the rows returned at once. On PGlite a statement runs
 * in the server's own thread, so it also bounds how long other requests wait between two
 * statements (20,000 rows held the event loop for seconds during a 100,000-row import).
 */
const BULK_ROWS = 2_000;

/**
 * Applies many observation changes at once (a whole import in a handful of statements): each
 * change whose content differs from the current version appends a version and a change-log
 * entry; unchanged ones are skipped, which makes re-imports idempotent. Returns the new versions.
 * Use {@link appendObservationChanges} when only their number matters: reading 100,000 rows
 * back costs more than writing them on PGlite.
 */
export async function recordObservations(db: Executor, changes: readonly ObservationChange[], meta: ChangeMeta): Promise<ObservationVersionRow[]> {
  return (await writeObservationChanges(db, changes, meta, true)).rows;
}

/** {@link recordObservations} for bulk writes (imports): the same versions and change log; returns how many versions were appended. */
export async function appendObservationChanges(db: Executor, changes: readonly ObservationChange[], meta: ChangeMeta): Promise<number> {
  return (await writeObservationChanges(db, changes, meta, false)).count;
}

/**
 * Every step is one set-based statement per {@link BULK_ROWS} changes, whatever the number of
 * KPIs or time points: read the slots that exist with their latest version, create the missing
 * slots, append the versions (joined to their slots in SQL, so no ids travel back), append the
 * change log. 100,000 new actuals take about two hundred statements.
 */
async function writeObservationChanges(db: Executor, changes: readonly ObservationChange[], meta: ChangeMeta, returning: boolean): Promise<{ rows: ObservationVersionRow[]; count: number }> {
  if (changes.length === 0) return { rows: [], count: 0 };
  requireActor(meta.actor);
  return inTransaction(db, async (trx) => {
    const kpiIds = distinct(changes.map((c) => c.kpiId));
    const kpis = new Map((await trx.selectFrom('kpis').select(['id', 'slug', 'city_id']).where('id', 'in', kpiIds).execute()).map((k) => [k.id, k]));
    for (const id of kpiIds) if (!kpis.has(id)) throw new Error(`cannot record an observation: no KPI with id ${id}`);

    // The slots (kpi, time point) the changes touch.
    const slots = new Map<string, { kpi_id: number; at: string; at_end: number }>();
    for (const c of changes) {
      const at = formatTimePointIso(c.at);
      const key = slotKey(c.kpiId, at);
      if (!slots.has(key)) slots.set(key, { kpi_id: c.kpiId, at, at_end: timePointEnd(c.at) });
    }

    // Those that exist, with their latest version (none for a slot whose versions were never written).
    const existing = new Set<string>();
    const current = new Map<string, Pick<ObservationVersionRow, 'version' | 'value' | 'decimals' | 'note' | 'source' | 'deleted'>>();
    for (const batch of chunks([...slots.values()].map(({ kpi_id, at }) => ({ kpi_id, at })), BULK_ROWS)) {
      const found = await sql<SlotWithLatest>`
        select o.kpi_id, o.at, v.version, v.value, v.decimals, v.note, v.source, v.deleted
        from json_to_recordset(${jsonRows(batch)}::json) as r(kpi_id integer, at text)
        join observations o on o.kpi_id = r.kpi_id and o.at = r.at
        left join lateral (
          select x.version, x.value, x.decimals, x.note, x.source, x.deleted from observation_versions x
          where x.observation_id = o.id order by x.version desc limit 1
        ) v on true`.execute(trx);
      for (const row of found.rows) {
        const key = slotKey(row.kpi_id, row.at);
        existing.add(key);
        if (row.version !== null) current.set(key, { version: row.version, value: row.value, decimals: row.decimals, note: row.note, source: row.source, deleted: row.deleted ?? false });
      }
    }

    const versions: NewVersion[] = [];
    const newSlots = new Map<string, { kpi_id: number; at: string; at_end: number }>();
    const log: NewChangeLogEntry[] = [];
    for (const change of changes) {
      const at = formatTimePointIso(change.at);
      const key = slotKey(change.kpiId, at);
      const before = current.get(key);
      const live = before && !before.deleted ? contentOf(before) : null;
      const after = change.value === null ? null : contentOf(change as ObservationChange & { value: number });
      if (sameContent(live, after)) continue; // also: deleting what was never recorded
      if (!existing.has(key)) newSlots.set(key, slots.get(key)!);
      const version = (before?.version ?? 0) + 1;
      versions.push({ kpi_id: change.kpiId, at, version, value: after?.value ?? null, decimals: after?.decimals ?? null, note: after?.note ?? null, source: after?.source ?? null, deleted: after === null });
      current.set(key, { version, value: after?.value ?? null, decimals: after?.decimals ?? null, note: after?.note ?? null, source: after?.source ?? null, deleted: after === null });
      const kpi = kpis.get(change.kpiId)!;
      log.push({
        actor: meta.actor,
        action: after === null ? 'delete' : live === null ? 'create' : 'correct',
        entity: 'observation',
        entityId: `${kpi.slug}@${at}`,
        cityId: kpi.city_id,
        old: live,
        new: after,
        reason: meta.reason ?? null,
      });
    }

    // A slot another transaction created meanwhile is kept (and then found by the join below).
    for (const batch of chunks([...newSlots.values()], BULK_ROWS)) {
      await sql`
        insert into observations (kpi_id, at, at_end)
        select r.kpi_id, r.at, r.at_end from json_to_recordset(${jsonRows(batch)}::json) as r(kpi_id integer, at text, at_end double precision)
        on conflict (kpi_id, at) do nothing`.execute(trx);
    }

    // Versions in the order of the changes (their ids follow the file); actor, reason and time are the same for all.
    const rows: ObservationVersionRow[] = [];
    for (const batch of chunks(versions, BULK_ROWS)) {
      const insert = sql`
        insert into observation_versions (observation_id, version, value, decimals, note, source, deleted, actor, reason)
        select o.id, r.version, r.value, r.decimals, r.note, r.source, r.deleted, ${meta.actor}::text, ${meta.reason ?? null}::text
        from rows from (json_to_recordset(${jsonRows(batch)}::json) as (kpi_id integer, at text, version integer, value numeric, decimals integer, note text, source text, deleted boolean)) with ordinality as r(kpi_id, at, version, value, decimals, note, source, deleted, n)
        join observations o on o.kpi_id = r.kpi_id and o.at = r.at
        order by r.n`;
      if (returning) rows.push(...(await sql<ObservationVersionRow>`${insert} returning *`.execute(trx)).rows);
      else await insert.execute(trx);
    }
    await appendChangeLog(trx, log);
    return { rows, count: versions.length };
  });
}

/** A version to append, named by its slot, without what the statement adds for all (slot id, actor, reason, time). */
type NewVersion = Omit<NewObservationVersionRow, 'observation_id' | 'actor' | 'reason'> & { readonly kpi_id: number; readonly at: string };

/** A slot as read back with its latest version (null columns when it has none yet). */
interface SlotWithLatest {
  readonly kpi_id: number;
  readonly at: string;
  readonly version: number | null;
  readonly value: string | number | null;
  readonly decimals: number | null;
  readonly note: string | null;
  readonly source: string | null;
  readonly deleted: boolean | null;
}

/** Every version of one observation, oldest first: the full story of who changed what, when and why. */
export async function observationHistory(db: Executor, kpiId: number, at: TimePoint): Promise<ObservationVersionRow[]> {
  return db
    .selectFrom('observation_versions as v')
    .innerJoin('observations as o', 'o.id', 'v.observation_id')
    .selectAll('v')
    .where('o.kpi_id', '=', kpiId)
    .where('o.at', '=', formatTimePointIso(at))
    .orderBy('v.version')
    .execute();
}

/** The current actuals of these KPIs (ids, or a whole city's; deleted ones left out), each KPI's in time order. */
export async function listCurrentObservations(db: Executor, kpis: KpiSelection): Promise<CurrentObservationRow[]> {
  if (cityOfSelection(kpis) === null && (kpis as readonly number[]).length === 0) return [];
  return currentObservationsQuery(db, kpis).execute();
}

/** The query of {@link listCurrentObservations} (a non-empty selection), to run or to nest in a larger read. */
export function currentObservationsQuery(db: Executor, kpis: KpiSelection) {
  const cityId = cityOfSelection(kpis);
  const slugs = slugsOfSelection(kpis);
  return db
    .selectFrom('observations as o')
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom('observation_versions as v')
          .select(['v.value', 'v.decimals', 'v.note', 'v.source', 'v.recorded_at', 'v.deleted'])
          .whereRef('v.observation_id', '=', 'o.id')
          .orderBy('v.version', 'desc')
          .limit(1)
          .as('cur'),
      (join) => join.onTrue(),
    )
    // Only what loading and saving a city read: each column costs parsing on every row (a city
    // has thousands of actuals), so the version's number, actor and reason are left out.
    .select(['o.id as observation_id', 'o.kpi_id', 'o.at', 'cur.value', 'cur.decimals', 'cur.note', 'cur.source', 'cur.recorded_at'])
    .$if(cityId !== null, (q) => q.innerJoin('kpis as k', 'k.id', 'o.kpi_id').where('k.city_id', '=', cityId!).$if(slugs !== null, (w) => w.where('k.slug', 'in', slugs!)))
    .$if(cityId === null, (q) => q.where('o.kpi_id', 'in', kpis as readonly number[]))
    .where('cur.deleted', '=', false)
    .orderBy('o.kpi_id')
    .orderBy('o.at_end')
    .orderBy('o.id');
}

/**
 * The distinct time points (ISO form, as stored) of a city's current actuals, retired KPIs and
 * the KPIs of `exceptKpiSlugs` left out: the years a city holds data in without reading its
 * actuals (`CityDataStore.getKpi`; the excepted KPIs are those a deriver recomputes).
 */
export async function listObservationTimePointsOfCity(db: Executor, cityId: string, exceptKpiSlugs: readonly string[] = []): Promise<string[]> {
  // The distinct time points first (a scan of the city's actuals), then, per time point, whether
  // one actual there is current (not deleted): one look-up each instead of one per actual.
  const liveKpis = (q: SelectQueryBuilder<Database, 'observations' | 'kpis', object>) =>
    q.where('kpis.city_id', '=', cityId).where('kpis.retired_at', 'is', null).$if(exceptKpiSlugs.length > 0, (w) => w.where('kpis.slug', 'not in', exceptKpiSlugs));
  const rows = await db
    .selectFrom((eb) => liveKpis(eb.selectFrom('observations').innerJoin('kpis', 'kpis.id', 'observations.kpi_id')).select('observations.at').distinct().as('a'))
    .select('a.at')
    .where(({ exists, selectFrom }) =>
      exists(
        liveKpis(selectFrom('observations').innerJoin('kpis', 'kpis.id', 'observations.kpi_id'))
          .where('observations.at', '=', sql.ref<string>('a.at'))
          .where((eb) => eb(eb.selectFrom('observation_versions as v').select('v.deleted').whereRef('v.observation_id', '=', 'observations.id').orderBy('v.version', 'desc').limit(1), '=', false))
          .select(sql<number>`1`.as('one')),
      ),
    )
    .execute();
  return rows.map((r) => r.at);
}

/** What a version says, as compared between versions and written to the change log. */
type ObservationContent = { value: number; decimals: number | null; note: string | null; source: string | null } & { [key: string]: JsonValue };

function contentOf(v: { value: string | number | null; decimals?: number | null | undefined; note?: string | null | undefined; source?: string | null | undefined }): ObservationContent {
  const value = toNumberOrNull(v.value);
  if (value === null) throw new Error('an observation version without a value must be a tombstone');
  return { value, decimals: v.decimals ?? null, note: v.note ?? null, source: v.source ?? null };
}

function sameContent(a: ObservationContent | null, b: ObservationContent | null): boolean {
  if (a === null || b === null) return a === b;
  return a.value === b.value && a.decimals === b.decimals && a.note === b.note && a.source === b.source;
}

function slotKey(kpiId: number, at: string): string {
  return `${kpiId} ${at}`;
}

/** Every version names a person or process; an empty actor is a bug in the caller. */
export function requireActor(actor: string): void {
  if (actor.trim() === '') throw new Error('a change needs an actor (who makes it)');
}

/**
 * Locks the slot of one actual (KPI row id, time point) for the rest of the transaction, creating
 * it when missing so two first entries of the same actual take turns, and returns the version of
 * its latest history row (0 when it has none). The record-actual command compares it with the
 * version the form was opened on.
 */
export async function lockObservationSlot(trx: Executor, kpiRowId: number, point: TimePoint): Promise<number> {
  const at = formatTimePointIso(point);
  await sql`insert into observations (kpi_id, at, at_end) values (${kpiRowId}, ${at}, ${timePointEnd(point)}) on conflict (kpi_id, at) do nothing`.execute(trx);
  const slot = await trx.selectFrom('observations').select('id').where('kpi_id', '=', kpiRowId).where('at', '=', at).forUpdate().executeTakeFirstOrThrow();
  const latest = await trx.selectFrom('observation_versions').select('version').where('observation_id', '=', slot.id).orderBy('version', 'desc').limit(1).executeTakeFirst();
  return latest?.version ?? 0;
}
