import { formatTimePointIso, timePointEnd, type TimePoint } from '../core/time/time-point.ts';
import { inTransaction, type Executor } from './database.ts';
import { chunks, distinct } from './batch.ts';
import { toNumberOrNull, type JsonValue } from './columns.ts';
import { appendChangeLog, type NewChangeLogEntry } from './change-log.repository.ts';
import type { ObservationVersionRow, NewObservationVersionRow } from './tables/observation.table.ts';

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
  readonly at_end: number;
  readonly version: number;
  readonly value: string | number | null;
  readonly decimals: number | null;
  readonly note: string | null;
  readonly source: string | null;
  readonly actor: string;
  readonly reason: string | null;
  readonly recorded_at: Date;
}

/**
 * Records an actual: appends a version (the first, or a correction) and a change-log entry
 * with old → new. Returns the new version, or null when the figures are already current.
 */
export async function recordObservation(db: Executor, input: ObservationInput, meta: ChangeMeta): Promise<ObservationVersionRow | null> {
  const [version] = await recordObservations(db, [input], meta);
  return version ?? null;
}

/** Deletes an actual by appending a tombstone version; returns it, or null when there was nothing to delete. */
export async function deleteObservation(db: Executor, input: { kpiId: number; at: TimePoint }, meta: ChangeMeta): Promise<ObservationVersionRow | null> {
  const [version] = await recordObservations(db, [{ ...input, value: null }], meta);
  return version ?? null;
}

/**
 * Applies many observation changes at once (a whole import in a handful of statements): each
 * change whose content differs from the current version appends a version and a change-log
 * entry; unchanged ones are skipped, which makes re-imports idempotent. Returns the new versions.
 */
export async function recordObservations(db: Executor, changes: readonly ObservationChange[], meta: ChangeMeta): Promise<ObservationVersionRow[]> {
  if (changes.length === 0) return [];
  requireActor(meta.actor);
  return inTransaction(db, async (trx) => {
    const kpiIds = distinct(changes.map((c) => c.kpiId));
    const kpis = new Map((await trx.selectFrom('kpis').select(['id', 'slug', 'city_id']).where('id', 'in', kpiIds).execute()).map((k) => [k.id, k]));
    for (const id of kpiIds) if (!kpis.has(id)) throw new Error(`cannot record an observation: no KPI with id ${id}`);

    // The slots (kpi, time point) the versions hang on: create the missing ones.
    const slots = changes.filter((c) => c.value !== null).map((c) => ({ kpi_id: c.kpiId, at: formatTimePointIso(c.at), at_end: timePointEnd(c.at) }));
    for (const batch of chunks(slots)) {
      await trx.insertInto('observations').values(batch).onConflict((oc) => oc.columns(['kpi_id', 'at']).doNothing()).execute();
    }
    const ats = distinct(changes.map((c) => formatTimePointIso(c.at)));
    const observationIds = new Map<string, number>();
    for (const row of await trx.selectFrom('observations').select(['id', 'kpi_id', 'at']).where('kpi_id', 'in', kpiIds).where('at', 'in', ats).execute()) {
      observationIds.set(slotKey(row.kpi_id, row.at), row.id);
    }

    const current = new Map<number, Pick<ObservationVersionRow, 'version' | 'value' | 'decimals' | 'note' | 'source' | 'deleted'>>();
    const ids = [...observationIds.values()];
    if (ids.length > 0) {
      const latest = await trx
        .selectFrom('observation_versions')
        .select(['observation_id', 'version', 'value', 'decimals', 'note', 'source', 'deleted'])
        .where('observation_id', 'in', ids)
        .distinctOn('observation_id')
        .orderBy('observation_id')
        .orderBy('version', 'desc')
        .execute();
      for (const v of latest) current.set(v.observation_id, v);
    }

    const versions: NewObservationVersionRow[] = [];
    const log: NewChangeLogEntry[] = [];
    for (const change of changes) {
      const at = formatTimePointIso(change.at);
      const observationId = observationIds.get(slotKey(change.kpiId, at));
      if (observationId === undefined) continue; // deleting what was never recorded
      const before = current.get(observationId);
      const live = before && !before.deleted ? contentOf(before) : null;
      const after = change.value === null ? null : contentOf(change as ObservationChange & { value: number });
      if (sameContent(live, after)) continue;
      const version = (before?.version ?? 0) + 1;
      versions.push({
        observation_id: observationId,
        version,
        value: after?.value ?? null,
        decimals: after?.decimals ?? null,
        note: after?.note ?? null,
        source: after?.source ?? null,
        deleted: after === null,
        actor: meta.actor,
        reason: meta.reason ?? null,
      });
      current.set(observationId, { version, value: after?.value ?? null, decimals: after?.decimals ?? null, note: after?.note ?? null, source: after?.source ?? null, deleted: after === null });
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

    const appended: ObservationVersionRow[] = [];
    for (const batch of chunks(versions)) appended.push(...(await trx.insertInto('observation_versions').values(batch).returningAll().execute()));
    await appendChangeLog(trx, log);
    return appended;
  });
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

/** The current actuals of these KPIs (deleted ones left out), each KPI's in time order. */
export async function listCurrentObservations(db: Executor, kpiIds: readonly number[]): Promise<CurrentObservationRow[]> {
  if (kpiIds.length === 0) return [];
  return db
    .selectFrom('observations as o')
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom('observation_versions as v')
          .selectAll('v')
          .whereRef('v.observation_id', '=', 'o.id')
          .orderBy('v.version', 'desc')
          .limit(1)
          .as('cur'),
      (join) => join.onTrue(),
    )
    .select([
      'o.id as observation_id',
      'o.kpi_id',
      'o.at',
      'o.at_end',
      'cur.version',
      'cur.value',
      'cur.decimals',
      'cur.note',
      'cur.source',
      'cur.actor',
      'cur.reason',
      'cur.recorded_at',
    ])
    .where('o.kpi_id', 'in', kpiIds)
    .where('cur.deleted', '=', false)
    .orderBy('o.kpi_id')
    .orderBy('o.at_end')
    .orderBy('o.id')
    .execute();
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
