import { inTransaction, type Executor } from '../storage/database.ts';
import { chunks, distinct } from '../storage/batch.ts';
import { toNumber, toNumberOrNull, type JsonValue } from '../storage/columns.ts';
import { appendChangeLog, type NewChangeLogEntry } from '../storage/change-log.repository.ts';
import { requireActor } from '../actuals/observation.repository.ts';
import { cityOfSelection, slugsOfSelection, type KpiSelection } from './kpi.table.ts';
import { StaleVersionError } from '../storage/edit-version.ts';
import type {
  KpiTargetRow,
  KpiTargetRowUpdate,
  KpiTargetValueRow,
  NewKpiTargetRow,
  TargetRevisionRow,
} from './target.table.ts';

/** A target with its latest value version (a tombstoned target has `deleted` true and no value). */
export interface CurrentTargetRow extends KpiTargetRow {
  readonly version: number | null;
  readonly value: string | number | null;
  readonly decimals: number | null;
  readonly deleted: boolean | null;
}

/** A change to a target's value: a new value, or `value: null` for a deletion (tombstone). */
export interface TargetValueChange {
  readonly targetId: number;
  readonly value: number | null;
  readonly decimals?: number | null;
  readonly reason?: string | null;
  /** 'revise' marks a decided revision (上方修正), logged as such and appended even when the value is unchanged. */
  readonly kind?: 'revise';
}

/** A decided revision to append to a target's record, values as decided. */
export interface NewTargetRevision {
  readonly targetId: number;
  readonly oldValue: number;
  readonly newValue: number;
  readonly reason: string;
  /** YYYY-MM or YYYY-MM-DD. */
  readonly revisedOn: string;
}

/** A target revision as decided by the secretariat: a new value, why, and when it was decided. */
export interface ReviseTargetInput {
  readonly kpiId: number;
  readonly targetSlug: string;
  readonly newValue: number;
  readonly decimals?: number | null;
  readonly reason: string;
  /** YYYY-MM or YYYY-MM-DD. */
  readonly revisedOn: string;
  /**
   * The value version the editor started from: when given, the revision is refused with
   * StaleVersionError if the target's value was changed since.
   */
  readonly expectedVersion?: number;
}

/** All targets of these KPIs (ids, or a whole city's; tombstoned ones too) with their current value, each KPI's in order. */
export async function listTargets(db: Executor, kpis: KpiSelection): Promise<CurrentTargetRow[]> {
  if (cityOfSelection(kpis) === null && (kpis as readonly number[]).length === 0) return [];
  return targetsQuery(db, kpis).execute();
}

/** The query of {@link listTargets} (a non-empty selection), to run or to nest in a larger read. */
export function targetsQuery(db: Executor, kpis: KpiSelection) {
  const cityId = cityOfSelection(kpis);
  const slugs = slugsOfSelection(kpis);
  return db
    .selectFrom('kpi_targets as t')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('kpi_target_values as v')
          .select(['v.version', 'v.value', 'v.decimals', 'v.deleted'])
          .whereRef('v.kpi_target_id', '=', 't.id')
          .orderBy('v.version', 'desc')
          .limit(1)
          .as('cur'),
      (join) => join.onTrue(),
    )
    .selectAll('t')
    .select(['cur.version', 'cur.value', 'cur.decimals', 'cur.deleted'])
    .$if(cityId !== null, (q) => q.innerJoin('kpis as k', 'k.id', 't.kpi_id').where('k.city_id', '=', cityId!).$if(slugs !== null, (w) => w.where('k.slug', 'in', slugs!)))
    .$if(cityId === null, (q) => q.where('t.kpi_id', 'in', kpis as readonly number[]))
    .orderBy('t.kpi_id')
    .orderBy('t.position')
    .orderBy('t.id');
}

/** Inserts target slots (their values go through {@link appendTargetValues}); returns them with ids. */
export async function insertTargets(db: Executor, rows: readonly NewKpiTargetRow[]): Promise<KpiTargetRow[]> {
  const out: KpiTargetRow[] = [];
  for (const batch of chunks(rows)) out.push(...(await db.insertInto('kpi_targets').values(batch).returningAll().execute()));
  return out;
}

/** The query of {@link listTargetValueVersions} for a city's KPIs (those with `slugs` only, when given). */
export function targetValueVersionsQuery(db: Executor, kpis: { readonly cityId: string; readonly slugs?: readonly string[] }) {
  return db
    .selectFrom('kpi_target_values as v')
    .innerJoin('kpi_targets as t', 't.id', 'v.kpi_target_id')
    .innerJoin('kpis as k', 'k.id', 't.kpi_id')
    .selectAll('v')
    .where('k.city_id', '=', kpis.cityId)
    .$if(kpis.slugs !== undefined, (q) => q.where('k.slug', 'in', kpis.slugs!))
    .orderBy('v.kpi_target_id')
    .orderBy('v.version');
}

/** Updates a target's time point or position (not its value: that is versioned). */
export async function updateTarget(db: Executor, id: number, patch: Omit<KpiTargetRowUpdate, 'id' | 'kpi_id' | 'slug'>): Promise<void> {
  await db.updateTable('kpi_targets').set(patch).where('id', '=', id).execute();
}

/**
 * Appends value versions to targets, with a change-log entry each (old → new, who, why).
 * Changes that leave value and decimals as they are are skipped, unless they are revisions.
 */
export async function appendTargetValues(db: Executor, changes: readonly TargetValueChange[], actor: string): Promise<KpiTargetValueRow[]> {
  if (changes.length === 0) return [];
  requireActor(actor);
  return inTransaction(db, async (trx) => {
    const targetIds = distinct(changes.map((c) => c.targetId));
    const context = new Map(
      (
        await trx
          .selectFrom('kpi_targets as t')
          .innerJoin('kpis as k', 'k.id', 't.kpi_id')
          .select(['t.id', 't.slug', 'k.slug as kpi_slug', 'k.city_id'])
          .where('t.id', 'in', targetIds)
          .execute()
      ).map((t) => [t.id, t]),
    );
    for (const id of targetIds) if (!context.has(id)) throw new Error(`cannot change a target: no target with id ${id}`);
    const current = new Map<number, Pick<KpiTargetValueRow, 'version' | 'value' | 'decimals' | 'deleted'>>();
    for (const v of await trx
      .selectFrom('kpi_target_values')
      .select(['kpi_target_id', 'version', 'value', 'decimals', 'deleted'])
      .where('kpi_target_id', 'in', targetIds)
      .distinctOn('kpi_target_id')
      .orderBy('kpi_target_id')
      .orderBy('version', 'desc')
      .execute()) {
      current.set(v.kpi_target_id, v);
    }

    const versions: { kpi_target_id: number; version: number; value: number | null; decimals: number | null; deleted: boolean; actor: string; reason: string | null }[] = [];
    const log: NewChangeLogEntry[] = [];
    for (const change of changes) {
      const before = current.get(change.targetId);
      const live = before && !before.deleted ? valueOf(before) : null;
      const after = change.value === null ? null : { value: change.value, decimals: change.decimals ?? null };
      if (change.kind !== 'revise' && sameValue(live, after)) continue;
      const version = (before?.version ?? 0) + 1;
      versions.push({
        kpi_target_id: change.targetId,
        version,
        value: after?.value ?? null,
        decimals: after?.decimals ?? null,
        deleted: after === null,
        actor,
        reason: change.reason ?? null,
      });
      current.set(change.targetId, { version, value: after?.value ?? null, decimals: after?.decimals ?? null, deleted: after === null });
      const t = context.get(change.targetId)!;
      log.push({
        actor,
        action: after === null ? 'delete' : change.kind === 'revise' ? 'revise' : live === null ? 'create' : 'correct',
        entity: 'kpi_target',
        entityId: `${t.kpi_slug}#${t.slug}`,
        cityId: t.city_id,
        old: live,
        new: after,
        reason: change.reason ?? null,
      });
    }
    const appended: KpiTargetValueRow[] = [];
    for (const batch of chunks(versions)) appended.push(...(await trx.insertInto('kpi_target_values').values(batch).returningAll().execute()));
    await appendChangeLog(trx, log);
    return appended;
  });
}

/** The decided revisions of these targets (ids, or those of a whole city's KPIs), each target's in the order they were recorded. */
export async function listTargetRevisions(db: Executor, targets: readonly number[] | { readonly cityId: string; readonly slugs?: readonly string[] }): Promise<TargetRevisionRow[]> {
  if (!('cityId' in targets) && targets.length === 0) return [];
  return targetRevisionsQuery(db, targets).execute();
}

/**
 * The query of {@link listTargetRevisions}: the revisions of these targets (ids, non-empty), or
 * of the targets of a city's KPIs (those with `slugs` only, when given).
 */
export function targetRevisionsQuery(db: Executor, targets: readonly number[] | { readonly cityId: string; readonly slugs?: readonly string[] }) {
  const cityId = 'cityId' in targets ? targets.cityId : null;
  const slugs = 'cityId' in targets ? (targets.slugs ?? null) : null;
  return db
    .selectFrom('target_revisions as r')
    .selectAll('r')
    .$if(cityId !== null, (q) =>
      q.innerJoin('kpi_targets as t', 't.id', 'r.kpi_target_id').innerJoin('kpis as k', 'k.id', 't.kpi_id').where('k.city_id', '=', cityId!).$if(slugs !== null, (w) => w.where('k.slug', 'in', slugs!)),
    )
    .$if(cityId === null, (q) => q.where('r.kpi_target_id', 'in', targets as readonly number[]))
    .orderBy('r.kpi_target_id')
    .orderBy('r.position');
}

/** Appends decided revisions after each target's existing ones (revisions are never rewritten). */
export async function appendTargetRevisions(db: Executor, revisions: readonly NewTargetRevision[], actor: string): Promise<TargetRevisionRow[]> {
  if (revisions.length === 0) return [];
  requireActor(actor);
  for (const r of revisions) requireReason(r.reason);
  return inTransaction(db, async (trx) => {
    const targetIds = distinct(revisions.map((r) => r.targetId));
    const next = new Map<number, number>();
    for (const row of await trx
      .selectFrom('target_revisions')
      .select(['kpi_target_id', (eb) => eb.fn.max('position').as('last')])
      .where('kpi_target_id', 'in', targetIds)
      .groupBy('kpi_target_id')
      .execute()) {
      next.set(row.kpi_target_id, row.last + 1);
    }
    const rows = revisions.map((r) => {
      const position = next.get(r.targetId) ?? 0;
      next.set(r.targetId, position + 1);
      return { kpi_target_id: r.targetId, position, old_value: r.oldValue, new_value: r.newValue, reason: r.reason, revised_on: r.revisedOn, actor };
    });
    const out: TargetRevisionRow[] = [];
    for (const batch of chunks(rows)) out.push(...(await trx.insertInto('target_revisions').values(batch).returningAll().execute()));
    return out;
  });
}

/**
 * Revises a target (上方修正 and the like): appends the new value as a version, records the
 * revision (old value, new value, reason, date decided) and logs it, all or nothing. The
 * reason is required: a revision nobody can explain later is what this system exists to prevent.
 */
export async function reviseTarget(
  db: Executor,
  input: ReviseTargetInput,
  actor: string,
): Promise<{ version: KpiTargetValueRow; revision: TargetRevisionRow }> {
  requireReason(input.reason);
  requireActor(actor);
  return inTransaction(db, async (trx) => {
    // Revisions of one target take turns: the second sees the first's version.
    await trx.selectFrom('kpi_targets').select('id').where('kpi_id', '=', input.kpiId).where('slug', '=', input.targetSlug).forUpdate().execute();
    const [target] = (await listTargets(trx, [input.kpiId])).filter((t) => t.slug === input.targetSlug);
    if (!target || target.deleted || target.value === null) {
      throw new Error(`cannot revise target "${input.targetSlug}" of KPI ${input.kpiId}: no such target`);
    }
    if (input.expectedVersion !== undefined && target.version !== input.expectedVersion) throw new StaleVersionError(`target "${input.targetSlug}" of KPI ${input.kpiId}`);
    const oldValue = toNumber(target.value);
    const [version] = await appendTargetValues(
      trx,
      [{ targetId: target.id, value: input.newValue, decimals: input.decimals ?? target.decimals, reason: input.reason, kind: 'revise' }],
      actor,
    );
    const [revision] = await appendTargetRevisions(
      trx,
      [{ targetId: target.id, oldValue, newValue: input.newValue, reason: input.reason, revisedOn: input.revisedOn }],
      actor,
    );
    return { version: version!, revision: revision! };
  });
}

/** Every value version of one target, oldest first. */
export async function targetHistory(db: Executor, kpiId: number, targetSlug: string): Promise<KpiTargetValueRow[]> {
  return db
    .selectFrom('kpi_target_values as v')
    .innerJoin('kpi_targets as t', 't.id', 'v.kpi_target_id')
    .selectAll('v')
    .where('t.kpi_id', '=', kpiId)
    .where('t.slug', '=', targetSlug)
    .orderBy('v.version')
    .execute();
}

/** The target with this slug of a KPI, with its current value. */
export async function findTarget(db: Executor, kpiId: number, targetSlug: string): Promise<CurrentTargetRow | undefined> {
  return (await listTargets(db, [kpiId])).find((t) => t.slug === targetSlug);
}

type TargetValue = { value: number; decimals: number | null } & { [key: string]: JsonValue };

function valueOf(v: { value: string | number | null; decimals: number | null }): TargetValue | null {
  const value = toNumberOrNull(v.value);
  return value === null ? null : { value, decimals: v.decimals };
}

function sameValue(a: TargetValue | null, b: TargetValue | null): boolean {
  if (a === null || b === null) return a === b;
  return a.value === b.value && a.decimals === b.decimals;
}

function requireReason(reason: string): void {
  if (reason.trim() === '') throw new Error('a target revision needs a reason');
}

/** Every stored value of these targets (ids, or those of a whole city's KPIs), oldest first per target (tombstones included). */
export async function listTargetValueVersions(db: Executor, targets: readonly number[] | { readonly cityId: string; readonly slugs?: readonly string[] }): Promise<KpiTargetValueRow[]> {
  if ('cityId' in targets) return targetValueVersionsQuery(db, targets).execute();
  const targetIds = targets as readonly number[];
  if (targetIds.length === 0) return [];
  const out: KpiTargetValueRow[] = [];
  for (const batch of chunks(targetIds)) {
    out.push(...(await db.selectFrom('kpi_target_values').selectAll().where('kpi_target_id', 'in', batch).orderBy('kpi_target_id').orderBy('version').execute()));
  }
  return out;
}
