import { z } from 'zod';
import type { ChangeSignal } from '../actuals/record-actual.command.ts';
import { ACHIEVEMENT_METHODS, KPI_AGGREGATIONS, KPI_SIDES, KPI_UPDATE_FREQUENCIES, type AchievementMethod, type KpiAggregation, type KpiSide, type KpiUpdateFrequency } from '../core/kpi/kpi.ts';
import { parseQuantity, parseSdgTargetList, parseTimePoint } from '../core/notation/index.ts';
import { validateSdgTargetIds } from '../core/sdg/sdg-framework.ts';
import type { TimePoint } from '../core/time/time-point.ts';
import { formatTimePointIso, timePointEnd } from '../core/time/time-point.ts';
import type { FieldProblem, FormResult } from '../staff/staff-entry.service.ts';
import type { Executor } from '../storage/database.ts';
import { listDepartments, setKpiOwner } from '../departments/department.repository.ts';
import { StaleVersionError } from '../storage/edit-version.ts';
import { NotFoundError } from '../core/not-found.ts';
import { findKpiBySlug, insertKpiSdgTargets, listKpiSdgTargets, lockKpi } from './kpi.repository.ts';
import { deleteKpiAndDefinition, kpiIdsWithData, nodeIdsWithKpi, recordedVersionsWithKpi } from './kpi-delete.repository.ts';
import { appendStaffChangeLog, inStaffTransaction } from '../storage/staff-database.ts';
import { appendTargetValues, insertTargets, listTargets } from './target.repository.ts';
import { insertKpiAtEnd, setKpiRetiredAtVersion, touchNode } from '../plans/plan-building.repository.ts';
import { attachKpi } from '../plans/plan.commands.ts';
import { FieldRefusal, indicatorCode, optionalText, problem, requiredText, randomSlug, SLUG, versionedWrite, zodProblems } from '../plans/plan-form.ts';

/*
 * Defining KPIs in the app (issue 13.2): create a KPI with its baseline and targets (and, when
 * asked, as a row of a plan node in the same transaction), archive and restore it, and delete
 * it while it has no data (a KPI created by mistake: what counts as data is listed in
 * kpi-delete.repository.ts). A KPI with data is never deleted: it is archived — it leaves every
 * plan and public page, keeps its history, and staff can restore it.
 *
 * Direction is never guessed (issue 13.3): when a target is below the baseline the command
 * refuses until the writer says whether smaller is better.
 */

/** A KPI as typed in the form (every field a string as typed; numbers and dates in any printed notation). */
export interface KpiDefinitionInput {
  /** The KPI's id in the city; made up when empty. */
  readonly kpiId?: string;
  readonly name: string;
  readonly nameEn?: string;
  readonly unit: string;
  /** The owning department's id (staff departments), empty for none. */
  readonly departmentId?: string;
  /** "2.3, 8.5, 11.a" (【】 and full-width digits read too). */
  readonly sdgTargets?: string;
  readonly side: string;
  readonly aggregation: string;
  /** `up`, `down`, or empty; required when a target is below the baseline. */
  readonly direction?: string;
  readonly method: string;
  /** The baseline's time point (2020年, 令和2年度, 2024年3月) and value (13, 1,111 人). */
  readonly baselineAt: string;
  readonly baselineValue: string;
  /** One target a line: time point (or period 2020年～2024年) then value: "2025年度 157". */
  readonly targets: string;
  readonly definition?: string;
  readonly dataSource?: string;
  /** Who provides the figures (提供元), issue 15.2. */
  readonly dataProvider?: string;
  /** One of KPI_UPDATE_FREQUENCIES, or empty for not stated. */
  readonly updateFrequency?: string;
  /** The standard indicator code for comparison across cities ("12.5.1"), or empty (issue 15.6). */
  readonly indicator?: string;
}

/** A KPI's head as validated. */
interface ValidKpi {
  readonly slug: string;
  readonly name: string;
  readonly nameEn: string | null;
  readonly unit: string;
  readonly departmentId: number | null;
  readonly sdgTargets: readonly string[];
  readonly side: KpiSide;
  readonly aggregation: KpiAggregation;
  readonly direction: 'up' | 'down' | null;
  readonly method: AchievementMethod;
  readonly baseline: { at: TimePoint; value: number; decimals: number };
  readonly targets: readonly { at: TimePoint; value: number; decimals: number }[];
  readonly definition: string | null;
  readonly dataSource: string | null;
  readonly dataProvider: string | null;
  readonly updateFrequency: KpiUpdateFrequency | null;
  readonly indicator: string | null;
}

const head = z.object({
  name: requiredText(300),
  nameEn: optionalText(300),
  unit: requiredText(30),
  side: z.enum(KPI_SIDES as [KpiSide, ...KpiSide[]]),
  aggregation: z.enum(KPI_AGGREGATIONS as [KpiAggregation, ...KpiAggregation[]]),
  method: z.enum(ACHIEVEMENT_METHODS as [AchievementMethod, ...AchievementMethod[]]),
  definition: optionalText(2000, 'multi-line'),
  dataSource: optionalText(500, 'multi-line'),
  dataProvider: optionalText(300),
  indicator: indicatorCode(),
  updateFrequency: z.union([z.literal('').transform(() => null), z.enum(KPI_UPDATE_FREQUENCIES as [KpiUpdateFrequency, ...KpiUpdateFrequency[]])]),
});

/** "2025年度 157" → time point and value: the longest leading run of words that reads as a time point, the rest as the value. */
function readTargetLine(line: string, unit: string): { ok: true; at: TimePoint; value: number; decimals: number } | { ok: false; detail: { ja: string; en: string } } {
  const words = line.trim().split(/[\s\u3000]+/);
  let last: { ja: string; en: string } = { ja: '時点と値を空白で区切ってください', en: 'give a time point and a value separated by a space' };
  for (let n = words.length - 1; n >= 1; n--) {
    const at = parseTimePoint(words.slice(0, n).join(' '));
    if (!at.ok) continue;
    const value = parseQuantity(words.slice(n).join(' '), { expectedUnit: unit });
    if (value.ok) return { ok: true, at: at.value, value: value.value.value, decimals: value.value.decimals };
    last = { ja: value.error.messageJa, en: value.error.message };
  }
  return { ok: false, detail: last };
}

/** Validates a KPI as typed; departments are the city's (for the department field). */
function validateKpi(input: KpiDefinitionInput, departments: readonly { id: number }[]): { ok: true; value: ValidKpi } | { ok: false; errors: Record<string, FieldProblem> } {
  const parsed = head.safeParse({ nameEn: '', definition: '', dataSource: '', dataProvider: '', updateFrequency: '', indicator: '', ...input });
  const errors: Record<string, FieldProblem> = parsed.success ? {} : zodProblems(parsed.error.issues);
  const slug = (input.kpiId ?? '').trim() || randomSlug('kpi');
  if (!SLUG.test(slug) || slug.length > 80) errors['kpiId'] = problem('plans.error.slug');
  const unit = input.unit.trim();
  let departmentId: number | null = null;
  if ((input.departmentId ?? '') !== '') {
    departmentId = Number(input.departmentId);
    if (!departments.some((d) => d.id === departmentId)) errors['departmentId'] = { kind: 'unknown-department' };
  }
  let sdgTargets: readonly string[] = [];
  if ((input.sdgTargets ?? '').trim() !== '') {
    const list = parseSdgTargetList(input.sdgTargets!.trim());
    const valid = list.ok ? validateSdgTargetIds(list.value, input.sdgTargets!.trim()) : list;
    if (valid.ok) sdgTargets = valid.value;
    else errors['sdgTargets'] = { kind: 'notation', error: valid.error };
  }
  const baselineAt = parseTimePoint(input.baselineAt.trim());
  if (input.baselineAt.trim() === '') errors['baselineAt'] = { kind: 'required' };
  else if (!baselineAt.ok) errors['baselineAt'] = { kind: 'notation', error: baselineAt.error };
  const baselineValue = parseQuantity(input.baselineValue.trim(), unit ? { expectedUnit: unit } : {});
  if (input.baselineValue.trim() === '') errors['baselineValue'] = { kind: 'required' };
  else if (!baselineValue.ok) errors['baselineValue'] = { kind: 'notation', error: baselineValue.error };
  const targets: { at: TimePoint; value: number; decimals: number }[] = [];
  const lines = input.targets.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length === 0) errors['targets'] = problem('plans.error.targetsRequired');
  if (lines.length > 20) errors['targets'] = { kind: 'too-long' };
  const targetLine = (i: number, detail: { ja: string; en: string }): FieldProblem => ({ kind: 'message', kindOf: 'plans.error.targetLine', message: { ja: `${i + 1}行目：${detail.ja}`, en: `Line ${i + 1}: ${detail.en}` } });
  const seenAt = new Map<string, number>();
  for (const [i, line] of lines.slice(0, 20).entries()) {
    const read = readTargetLine(line, unit);
    if (!read.ok) {
      if (!errors['targets']) errors['targets'] = targetLine(i, read.detail);
      continue;
    }
    // One target per time point: two values for 2025年 would leave the rate's target to chance.
    const iso = formatTimePointIso(read.at);
    const earlier = seenAt.get(iso);
    if (earlier !== undefined) {
      if (!errors['targets']) errors['targets'] = targetLine(i, { ja: `${earlier + 1}行目と同じ時点の目標値です（一つの時点に一つの目標値）`, en: `the same time point as line ${earlier + 1} (one target per time point)` });
      continue;
    }
    seenAt.set(iso, i);
    // A target is where the KPI should get to after its baseline: one dated at or before it is a typo.
    if (baselineAt.ok && timePointEnd(read.at) <= timePointEnd(baselineAt.value)) {
      if (!errors['targets']) errors['targets'] = targetLine(i, { ja: `目標の時点が当初値の時点（${input.baselineAt.trim()}）以前です`, en: `the target's time point is not after the baseline's (${input.baselineAt.trim()})` });
      continue;
    }
    targets.push({ at: read.at, value: read.value, decimals: read.decimals });
  }
  const direction = input.direction === 'up' || input.direction === 'down' ? input.direction : null;
  if ((input.direction ?? '') !== '' && direction === null) errors['direction'] = { kind: 'invalid' };
  // Never guessed: a target below the baseline needs the writer to say which way is better.
  if (direction === null && baselineValue.ok && targets.some((t) => t.value < baselineValue.value.value)) errors['direction'] = problem('plans.error.directionRequired');
  if (!parsed.success || !baselineAt.ok || !baselineValue.ok || Object.keys(errors).length > 0) return { ok: false, errors };
  const d = parsed.data;
  return {
    ok: true,
    value: {
      slug,
      name: d.name,
      nameEn: d.nameEn,
      unit: d.unit,
      departmentId,
      sdgTargets,
      side: d.side,
      aggregation: d.aggregation,
      direction,
      method: d.method,
      baseline: { at: baselineAt.value, value: baselineValue.value.value, decimals: baselineValue.value.decimals },
      targets,
      definition: d.definition,
      dataSource: d.dataSource,
      dataProvider: d.dataProvider,
      updateFrequency: d.updateFrequency,
      indicator: d.indicator,
    },
  };
}

/** What {@link createKpi} needs. */
export interface CreateKpiProps {
  readonly cityId: string;
  /** Who writes, as the change log names them. */
  readonly actor: string;
  readonly reason?: string | null;
  readonly kpi: KpiDefinitionInput;
  /** Also make it a row of this node (at the node's form version), in the same transaction. */
  readonly placeIn?: { readonly planId: string; readonly nodeId: string; readonly version: number; readonly no?: string | null };
}

/**
 * Creates a KPI of a city: its head, SDG targets, baseline, targets (each target's value as its
 * first version), its department, and optionally its row in a plan node — one transaction,
 * all or nothing; then signals the change. Field problems come back by the form's field names.
 */
export async function createKpi(db: Executor, signal: ChangeSignal, props: CreateKpiProps): Promise<FormResult<{ kpiId: string }>> {
  const departments = await listDepartments(db, props.cityId);
  const v = validateKpi(props.kpi, departments);
  if (!v.ok) return v;
  const k = v.value;
  const r = await versionedWrite('kpi', k.slug, () =>
    inStaffTransaction(db, async (trx) => {
      if (await findKpiBySlug(trx, props.cityId, k.slug)) throw new FieldRefusal({ kpiId: problem('plans.error.slugTaken') });
      const department = departments.find((d) => d.id === k.departmentId);
      const row = await insertKpiAtEnd(trx, {
        city_id: props.cityId,
        slug: k.slug,
        name: k.name,
        name_en: k.nameEn,
        unit: k.unit,
        department: department?.name ?? null,
        side: k.side,
        aggregation: k.aggregation,
        direction: k.direction,
        method: k.method,
        baseline_at: formatTimePointIso(k.baseline.at),
        baseline_at_end: timePointEnd(k.baseline.at),
        baseline_value: k.baseline.value,
        baseline_decimals: k.baseline.decimals,
        definition: k.definition,
        data_source: k.dataSource,
        data_provider: k.dataProvider,
        update_frequency: k.updateFrequency,
        indicator_code: k.indicator,
      });
      if (k.sdgTargets.length > 0) await insertKpiSdgTargets(trx, k.sdgTargets.map((sdg_target, position) => ({ kpi_id: row.id, sdg_target, position })));
      const targets = await insertTargets(
        trx,
        k.targets.map((t, position) => ({ kpi_id: row.id, slug: `t${position + 1}-${formatTimePointIso(t.at).toLowerCase().replace(/[^a-z0-9]+/g, '-')}`, at: formatTimePointIso(t.at), at_end: timePointEnd(t.at), position })),
      );
      await appendTargetValues(trx, targets.map((t, i) => ({ targetId: t.id, value: k.targets[i]!.value, decimals: k.targets[i]!.decimals, reason: props.reason ?? null })), props.actor);
      if (department) await setKpiOwner(trx, row.id, department.id, 'staff');
      await appendStaffChangeLog(trx, [
        {
          actor: props.actor,
          action: 'create',
          entity: 'kpi',
          entityId: k.slug,
          cityId: props.cityId,
          new: {
            name: k.name,
            nameEn: k.nameEn,
            unit: k.unit,
            department: department?.slug ?? null,
            sdgTargets: [...k.sdgTargets],
            side: k.side,
            aggregation: k.aggregation,
            direction: k.direction,
            method: k.method,
            baseline: { at: formatTimePointIso(k.baseline.at), value: k.baseline.value },
            targets: k.targets.map((t) => ({ at: formatTimePointIso(t.at), value: t.value })),
            definition: k.definition,
            dataSource: k.dataSource,
            dataProvider: k.dataProvider,
            updateFrequency: k.updateFrequency,
            indicator: k.indicator,
          },
          reason: props.reason ?? null,
        },
      ]);
      if (props.placeIn) {
        const placed = await attachKpi(trx, signal, { cityId: props.cityId, actor: props.actor, reason: props.reason ?? null, planId: props.placeIn.planId, nodeId: props.placeIn.nodeId, version: props.placeIn.version, kpiId: k.slug, no: props.placeIn.no ?? null });
        if (!placed.ok) {
          if (placed.conflict) throw new StaleVersionError(`node "${props.placeIn.nodeId}" of plan "${props.placeIn.planId}"`);
          throw new FieldRefusal(placed.errors);
        }
      }
      return { kpiId: k.slug };
    }),
  );
  if (r.ok) signal.invalidate(props.cityId);
  return r;
}

/** What archive and restore of a KPI need: the KPI and the version its form carried. */
export interface KpiArchiveProps {
  readonly cityId: string;
  readonly actor: string;
  readonly reason?: string | null;
  readonly kpiId: string;
  readonly version: number;
  /** true: archive; false: restore. */
  readonly archived: boolean;
}

/**
 * Archives a KPI (or restores it): it leaves every plan and public page (and the summaries),
 * its actuals, targets and history stay, and restoring brings it back where it was.
 */
export async function setKpiArchived(db: Executor, signal: ChangeSignal, props: KpiArchiveProps): Promise<FormResult<void>> {
  const r = await versionedWrite('kpi', props.kpiId, () =>
    inStaffTransaction(db, async (trx) => {
      const before = await findKpiBySlug(trx, props.cityId, props.kpiId);
      if (!before) throw new NotFoundError('kpi', props.kpiId);
      if ((before.retired_at !== null) === props.archived) return;
      const after = await setKpiRetiredAtVersion(trx, before.id, props.version, props.archived ? new Date() : null);
      if (!after) throw new StaleVersionError(`KPI "${props.kpiId}"`);
      await appendStaffChangeLog(trx, [{ actor: props.actor, action: props.archived ? 'archive' : 'restore', entity: 'kpi', entityId: props.kpiId, cityId: props.cityId, old: { archived: !props.archived }, new: { archived: props.archived }, reason: props.reason ?? null }]);
    }),
  );
  if (r.ok) signal.invalidate(props.cityId);
  return r;
}

/** What deleting a KPI needs: the KPI and the version its form carried. */
export interface KpiDeleteProps {
  readonly cityId: string;
  readonly actor: string;
  readonly reason?: string | null;
  readonly kpiId: string;
  readonly version: number;
}

/**
 * Deletes a KPI that has no data (issue 13.2; see kpi-delete.repository.ts for what counts as
 * data): its rows in plans, SDG target tags, department and initial targets go with it, in one
 * transaction, with a change-log row holding the KPI as it was (who, when, old, why). A KPI with
 * data is refused with the `kpi` field problem `plans.error.kpiHasData` (archive it instead);
 * another city's or an unknown KPI throws NotFoundError; a stale form version is a conflict.
 */
export async function deleteKpi(db: Executor, signal: ChangeSignal, props: KpiDeleteProps): Promise<FormResult<void>> {
  const r = await versionedWrite('kpi', props.kpiId, () =>
    inStaffTransaction(db, async (trx) => {
      const found = await findKpiBySlug(trx, props.cityId, props.kpiId);
      if (!found) throw new NotFoundError('kpi', props.kpiId);
      // Locked: an actual recorded meanwhile waits for this transaction (and then finds no KPI).
      await lockKpi(trx, found.id);
      const before = await findKpiBySlug(trx, props.cityId, props.kpiId);
      if (!before) throw new NotFoundError('kpi', props.kpiId);
      if (before.version !== props.version) throw new StaleVersionError(`KPI "${props.kpiId}"`);
      // A recorded plan version (策定 / 改訂) names it: its 新旧対照表 must keep meaning this KPI.
      const versions = await recordedVersionsWithKpi(trx, props.cityId, props.kpiId);
      if (versions.length > 0) throw new FieldRefusal({ kpi: problem('plans.error.kpiInRecordedVersion', { versions: versions.map((v) => `${v.plan} ${v.label}`).join('、') }) });
      if ((await kpiIdsWithData(trx, props.cityId, before.id)).size > 0) throw new FieldRefusal({ kpi: problem('plans.error.kpiHasData') });
      const [sdg, targets, nodes] = await Promise.all([listKpiSdgTargets(trx, [before.id]), listTargets(trx, [before.id]), nodeIdsWithKpi(trx, before.id)]);
      await deleteKpiAndDefinition(trx, before.id);
      for (const node of nodes) await touchNode(trx, node);
      await appendStaffChangeLog(trx, [
        {
          actor: props.actor,
          action: 'delete',
          entity: 'kpi',
          entityId: props.kpiId,
          cityId: props.cityId,
          old: {
            name: before.name,
            nameEn: before.name_en,
            unit: before.unit,
            department: before.department,
            sdgTargets: sdg.map((s) => s.sdg_target),
            side: before.side,
            aggregation: before.aggregation,
            direction: before.direction,
            method: before.method,
            baseline: { at: before.baseline_at, value: before.baseline_value === null ? null : Number(before.baseline_value) },
            targets: targets.map((t) => ({ at: t.at, value: t.value === null ? null : Number(t.value) })),
            definition: before.definition,
            dataSource: before.data_source,
            archived: before.retired_at !== null,
            plans: nodes.length,
          },
          reason: props.reason ?? null,
        },
      ]);
    }),
  );
  if (r.ok) signal.invalidate(props.cityId);
  return r;
}
