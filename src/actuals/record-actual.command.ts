import type { Kpi } from '../core/kpi/kpi.ts';
import { parseTimePoint } from '../core/notation/index.ts';
import { formatTimePointIso } from '../core/time/time-point.ts';
import { isConcurrentWriteError } from '../core/concurrency.ts';
import { platformFedKpis } from '../partners/partner-kpi.service.ts';
import { appendReviewEntries, listReviewStatuses, lockCityReview, type NewReviewEntry } from '../review/review.repository.ts';
import { actualKey, type ActualContent } from '../review/review.ts';
import { loadCityData } from '../cities/city-data.service.ts';
import { inTransaction, type Executor } from '../storage/database.ts';
import { listKpiRows, lockKpisForKeyShare } from '../kpis/kpi.repository.ts';
import { appendObservationChanges, lockObservationSlot, type ObservationChange } from './observation.repository.ts';
import { validateActuals, type ActualContext, type ActualInput, type ActualProblem, type ActualValidation, type ValidActual } from './actual-input.ts';

/*
 * The one command that writes actuals (issue 10, point 3). The staff form, the file import and
 * the staff JSON API call it. The partner platform writes nothing: its counts are derived when a
 * city is read (src/partners/partner-kpi.service.ts), so they never pass here; a value typed in
 * for a KPI the platform feeds is an override with a reason, written and reviewed here like any
 * other actual, and replaces the derived count of its year once public. It owns the write
 * transaction: it reads the city as stored inside it, validates every row with
 * `validateActuals` (nothing is written when any row has a problem), appends the observation
 * versions (with actor and reason, change log), records each changed actual's review step
 * (draft or submitted: nothing is public before the secretariat approves it and publishes its
 * year), and finally signals the change once.
 */

/** One actual to write: the KPI (its slug) and the fields as typed or read from a file. */
export interface RecordActualRow {
  readonly kpiId: string;
  readonly input: ActualInput;
  /**
   * The version of this actual the writer started from (0: none was recorded), as the staff
   * form carries it (issue 10.4). When given, the row is refused as a conflict if another
   * version was recorded since (a first entry someone else made meanwhile included), unless
   * the stored figures already are the writer's. Absent: no check (the import, the API).
   */
  readonly expectedVersion?: number;
}

/** What {@link recordActuals} needs. */
export interface RecordActualsProps {
  readonly cityId: string;
  /** Who writes (kept with every version and review step). */
  readonly actor: string;
  readonly rows: readonly RecordActualRow[];
  /** `draft` keeps the entries with the department; `submit` (default) sends them for review. */
  readonly intent?: 'draft' | 'submit';
  /** The reason kept with the versions when a row gives none (an import's "file X"); also a correction's reason then. */
  readonly reason?: string | null;
  /** Which KPIs the writer may enter (absent: all, as for the CLI). */
  readonly mayEditKpi?: (kpi: Kpi) => boolean;
}

/** The outcome: every row valid and written, or the problems by row index (nothing written). */
export type RecordActualsResult =
  | { readonly ok: true; readonly results: readonly ValidActual[]; readonly written: number }
  | { readonly ok: false; readonly problems: readonly { readonly index: number; readonly problems: readonly ActualProblem[] }[]; readonly unknownKpis: readonly number[]; readonly conflict?: undefined }
  /** A row's actual changed since the writer's expected version (or at the same moment): nothing written. */
  | { readonly ok: false; readonly conflict: ActualConflict; readonly problems?: undefined; readonly unknownKpis?: undefined };

/** The actual a conflicting row is about: KPI slug and ISO time point (`kpi@2024-03` in the change log). */
export interface ActualConflict {
  readonly index: number;
  readonly kpiId: string;
  readonly atIso: string;
}

/** Told once after a write, so caches of the city drop (the city data store). */
export interface ChangeSignal {
  invalidate(cityId: string): void;
}

/** The contexts the validator needs for a city's KPIs: who may edit, which the platform feeds. */
export async function actualContexts(db: Executor, cityId: string, mayEditKpi?: (kpi: Kpi) => boolean): Promise<(kpi: Kpi) => ActualContext> {
  const fed = await platformFedKpis(db, cityId);
  return (kpi) => ({ platformFrom: fed.get(kpi.id) ?? null, ...(mayEditKpi && { permitted: mayEditKpi(kpi) }) });
}

/**
 * Validates and writes actuals of one city in one transaction, all or nothing, then signals the
 * change. Rows whose figures are already current write nothing (a draft or returned entry sent
 * again with `submit` is resubmitted).
 */
export async function recordActuals(db: Executor, signal: ChangeSignal, props: RecordActualsProps): Promise<RecordActualsResult> {
  if (props.actor.trim() === '') throw new Error('recordActuals needs an actor');
  // Two people writing the same actual at once: the loser of the race sees a unique violation;
  // validated again against what the winner wrote, it becomes a correction (or nothing) instead
  // of an error. Only when this command owns the transaction (an import's is the caller's).
  // A row with an expected version is never turned into a correction: a lost race is its conflict.
  for (let attempt = 1; ; attempt++) {
    try {
      return await recordActualsOnce(db, signal, props);
    } catch (e) {
      if (e instanceof Refused) return e.result;
      if (!isConcurrentWriteError(e)) throw e;
      const versioned = props.rows.findIndex((r) => r.expectedVersion !== undefined);
      if (versioned >= 0 && !db.isTransaction) return { ok: false, conflict: conflictOf(props.rows, versioned) };
      if (db.isTransaction || attempt >= 3) throw e;
    }
  }
}

/** Rolls the command's transaction back with a refusal (nothing it did, a slot lock's row included, stays). */
class Refused extends Error {
  constructor(readonly result: Extract<RecordActualsResult, { ok: false }>) {
    super('actuals refused');
  }
}

function conflictOf(rows: readonly RecordActualRow[], index: number): ActualConflict {
  const row = rows[index]!;
  const at = typeof row.input.at === 'string' ? parseTimePoint(row.input.at.trim()) : { ok: true as const, value: row.input.at.point };
  return { index, kpiId: row.kpiId, atIso: at.ok ? formatTimePointIso(at.value) : String(row.input.at) };
}

/**
 * Locks the actual slots of the rows that carry an expected version (creating a missing slot, so
 * two first entries of the same actual take turns) and returns the indexes of rows whose slot
 * has another latest version than expected. Runs before the city is read, so what is read after
 * is what the lock holder sees.
 */
async function lockVersionedSlots(trx: Executor, cityId: string, rows: readonly RecordActualRow[]): Promise<Set<number>> {
  const stale = new Set<number>();
  if (!rows.some((r) => r.expectedVersion !== undefined)) return stale;
  const rowIds = new Map((await listKpiRows(trx, cityId)).map((k) => [k.slug, k.id]));
  for (const [i, r] of rows.entries()) {
    if (r.expectedVersion === undefined) continue;
    const kpiRowId = rowIds.get(r.kpiId);
    const parsed = typeof r.input.at === 'string' ? parseTimePoint(r.input.at.trim()) : { ok: true as const, value: r.input.at.point };
    if (kpiRowId === undefined || !parsed.ok) continue; // the validator reports it
    if ((await lockObservationSlot(trx, kpiRowId, parsed.value)) !== r.expectedVersion) stale.add(i);
  }
  return stale;
}

async function recordActualsOnce(db: Executor, signal: ChangeSignal, props: RecordActualsProps): Promise<RecordActualsResult> {
  const result = await inTransaction(db, async (trx): Promise<RecordActualsResult> => {
    // A KPI deleted at the same moment is waited for, then missing (an unknown KPI), never a foreign-key failure.
    await lockKpisForKeyShare(trx, props.cityId, props.rows.map((r) => r.kpiId));
    const stale = await lockVersionedSlots(trx, props.cityId, props.rows);
    const data = await loadCityData(trx, props.cityId);
    if (!data) throw new Error(`no city ${props.cityId}`);
    const kpis = new Map(data.kpis.map((k) => [k.id, k]));
    const unknownKpis = props.rows.flatMap((r, i) => (kpis.has(r.kpiId) ? [] : [i]));
    if (unknownKpis.length > 0) throw new Refused({ ok: false, problems: [], unknownKpis });
    const contextOf = await actualContexts(trx, props.cityId, props.mayEditKpi);
    const validations = validateActuals(
      props.rows.map((r) => {
        const kpi = kpis.get(r.kpiId)!;
        return { kpi, input: { ...r.input, reason: r.input.reason || props.reason || null }, context: contextOf(kpi) };
      }),
    );
    // A row whose actual changed since the writer's version: a conflict, unless the stored figures
    // already are the writer's (unchanged) or the input itself is wrong (its problems say so).
    for (const i of stale) {
      const v = validations[i]!;
      if (v.ok ? v.value.kind !== 'unchanged' : v.problems.every((p) => p.kind === 'reason-required')) throw new Refused({ ok: false, conflict: conflictOf(props.rows, i) });
    }
    const problems = validations.flatMap((v, index) => (v.ok ? [] : [{ index, problems: v.problems }]));
    if (problems.length > 0) throw new Refused({ ok: false, problems, unknownKpis: [] });
    const valid = validations.map((v) => (v as Extract<ActualValidation, { ok: true }>).value);
    const written = await writeValid(trx, props, valid);
    return { ok: true, results: valid, written };
  });
  if (result.ok) signal.invalidate(props.cityId);
  return result;
}

/**
 * The write half of {@link recordActuals}, for a caller that has just validated the same rows
 * with {@link validateActuals} against the city as read in the same transaction (the import's
 * commit, which must list every problem of a file first): appends the versions and review
 * steps, and signals the change. Returns how many versions were appended.
 */
export async function writeValidatedActuals(trx: Executor, signal: ChangeSignal, props: Omit<RecordActualsProps, 'rows' | 'mayEditKpi'>, valid: readonly ValidActual[]): Promise<number> {
  if (!trx.isTransaction) throw new Error('writeValidatedActuals runs in the transaction the rows were validated in');
  const written = await writeValid(trx, props, valid);
  signal.invalidate(props.cityId);
  return written;
}

/** Appends the versions and review steps of valid rows; returns how many versions were appended. */
async function writeValid(trx: Executor, props: Omit<RecordActualsProps, 'rows' | 'mayEditKpi'>, valid: readonly ValidActual[]): Promise<number> {
  if (valid.length === 0) return 0;
  const rowIds = new Map((await listKpiRows(trx, props.cityId)).map((k) => [k.slug, k.id]));
  // A correction racing an approval: whichever takes the lock second sees the other's step.
  await lockCityReview(trx, props.cityId);
  const reviews = new Map((await listReviewStatuses(trx, props.cityId, 'actual')).map((s) => [s.key, s]));
  const state = props.intent === 'draft' ? 'draft' : 'submitted';
  const steps: NewReviewEntry[] = [];
  const byReason = new Map<string, ObservationChange[]>();
  for (const v of valid) {
    const key = actualKey(v.kpiId, v.atIso);
    const review = reviews.get(key);
    const content: ActualContent = { value: v.value, decimals: v.decimals, note: v.note, source: v.source };
    if (v.kind === 'unchanged') {
      // Sending a draft or a returned entry again as it is submits it.
      if (state === 'submitted' && review && (review.state === 'draft' || review.state === 'returned')) {
        steps.push({ cityId: props.cityId, entity: 'actual', key, year: v.year, state, content: review.content, explanation: v.explanation ?? review.explanation, platformOverride: review.platformOverride, reason: v.reason, actor: props.actor });
      }
      continue;
    }
    // An actual documented before review existed was public: that content is what stays public until this one is approved.
    if (!review && v.before) {
      steps.push({ cityId: props.cityId, entity: 'actual', key, year: v.year, state: 'approved', content: { value: v.before.value, decimals: v.before.decimals ?? null, note: v.before.note ?? null, source: v.before.source ?? null }, actor: 'documented' });
    }
    steps.push({ cityId: props.cityId, entity: 'actual', key, year: v.year, state, content, explanation: v.explanation, platformOverride: v.platformOverride, reason: v.reason, actor: props.actor });
    const kpiRowId = rowIds.get(v.kpiId);
    if (kpiRowId === undefined) throw new Error(`KPI ${v.kpiId} has no stored row`);
    const reason = v.reason ?? '';
    let list = byReason.get(reason);
    if (!list) byReason.set(reason, (list = []));
    list.push({ kpiId: kpiRowId, at: v.at, value: v.value, decimals: v.decimals, note: v.note, source: v.source });
  }
  let written = 0;
  for (const [reason, changes] of byReason) written += await appendObservationChanges(trx, changes, { actor: props.actor, reason: reason || null });
  await appendReviewEntries(trx, steps);
  return written;
}
