import { z } from 'zod';
import type { ChangeSignal } from '../actuals/record-actual.command.ts';
import { ACHIEVEMENT_METHODS, KPI_AGGREGATIONS, KPI_SIDES, KPI_UPDATE_FREQUENCIES, type AchievementMethod, type KpiAggregation, type KpiSide, type KpiUpdateFrequency } from '../core/kpi/kpi.ts';
import { parseQuantity, parseSdgTargetList, parseTimePoint } from '../core/notation/index.ts';
import { validateSdgTargetIds } from '../core/sdg/sdg-framework.ts';
import { formatTimePointIso, timePointEnd } from '../core/time/time-point.ts';
import type { FieldProblem, FormResult } from '../staff/staff-entry.service.ts';
import type { Executor } from '../storage/database.ts';
import { clearKpiOwner, listDepartments, listKpiOwners, setKpiOwner } from '../departments/department.repository.ts';
import { StaleVersionError } from '../storage/edit-version.ts';
import { NotFoundError } from '../core/not-found.ts';
import { appendStaffChangeLog, inStaffTransaction } from '../storage/staff-database.ts';
import { kpisHaveData } from '../plans/plan-building.repository.ts';
import { FieldRefusal, indicatorCode, optionalText, problem, requiredText, versionedWrite, zodProblems } from '../plans/plan-form.ts';
import { deleteKpiSdgTargets, findKpiBySlug, insertKpiSdgTargets, listKpiSdgTargets, updateKpiAtVersion } from './kpi.repository.ts';
import type { KpiRowUpdate } from './kpi.table.ts';

/*
 * Editing a KPI's definition after creation (issue 13.2): every field the creation form takes
 * except its id and its targets (a target's value is changed by a target revision with its
 * reason, on the same page, so the 新旧対照表 and the sheets can show it) — in one form, at the
 * KPI row's version, audited with who, when, old → new and why.
 *
 * What a careful product does with a KPI that already has data (actuals, target revisions or
 * published rates): the fields that change what its figures mean — unit, direction, achievement
 * method, aggregation, baseline — may still be corrected (a misprinted unit, a baseline the city
 * re-stated), but only with a reason, and the recorded actuals and targets are kept as recorded,
 * never converted; the reason goes into the change log next to old → new. Confirming the
 * direction of a KPI that had none stated (issue 13.3) is not a change and needs no reason.
 * The direction is never guessed: after the edit it must be a stated up or down (a legacy row
 * without one is asked at the direction field, whatever else the edit changes).
 */

/**
 * A KPI edit as typed in the form; every field a string as typed. A field absent from the form
 * (undefined) keeps its stored value; a field present but empty is validated (required ones refuse).
 */
export interface KpiEditInput {
  readonly name?: string;
  readonly nameEn?: string;
  readonly unit?: string;
  /** The owning department's id; empty: none. */
  readonly departmentId?: string;
  /** "2.3, 8.5, 11.a"; empty: none. */
  readonly sdgTargets?: string;
  readonly side?: string;
  readonly aggregation?: string;
  /** `up` or `down`: required after the edit (absent keeps the stored one, if any). */
  readonly direction?: string;
  readonly method?: string;
  /** The baseline's time point (2020年, 令和2年度) and value (13, 1,111 人). */
  readonly baselineAt?: string;
  readonly baselineValue?: string;
  readonly definition?: string;
  readonly dataSource?: string;
  /** Who provides the figures (提供元); empty: not stated. */
  readonly dataProvider?: string;
  /** One of KPI_UPDATE_FREQUENCIES; empty: not stated. */
  readonly updateFrequency?: string;
  /** The standard indicator code for comparison across cities ("12.5.1"); empty: none. */
  readonly indicator?: string;
}

/** What {@link editKpiDefinition} needs: the KPI, the version its form carried, the edit and why. */
export interface EditKpiProps {
  readonly cityId: string;
  /** Who writes, as the change log names them. */
  readonly actor: string;
  readonly kpiId: string;
  /** The KPI row's version the form was opened on. */
  readonly version: number;
  readonly input: KpiEditInput;
  /** Why; required when a figure-defining field of a KPI with data changes. */
  readonly reason?: string | null;
}

/** The fields whose change alters what a KPI's recorded figures mean (a reason is required once it has data). */
export const FIGURE_FIELDS = ['unit', 'direction', 'method', 'aggregation', 'baseline'] as const;

const fields = z.object({
  name: requiredText(300),
  nameEn: optionalText(300),
  unit: requiredText(30),
  side: z.enum(KPI_SIDES as [KpiSide, ...KpiSide[]]),
  aggregation: z.enum(KPI_AGGREGATIONS as [KpiAggregation, ...KpiAggregation[]]),
  method: z.enum(ACHIEVEMENT_METHODS as [AchievementMethod, ...AchievementMethod[]]),
  definition: optionalText(2000, 'multi-line'),
  dataSource: optionalText(500, 'multi-line'),
  dataProvider: optionalText(300),
  updateFrequency: z.union([z.literal('').transform(() => null), z.enum(KPI_UPDATE_FREQUENCIES as [KpiUpdateFrequency, ...KpiUpdateFrequency[]])]),
  indicator: indicatorCode(),
  reason: optionalText(1000, 'multi-line'),
});

/** The KPI as the change log records it (old and new). */
interface KpiDefinitionRecord {
  name: string;
  nameEn: string | null;
  unit: string;
  department: string | null;
  sdgTargets: string[];
  side: KpiSide;
  aggregation: KpiAggregation;
  direction: 'up' | 'down' | null;
  method: AchievementMethod;
  baseline: { at: string; value: number };
  definition: string | null;
  dataSource: string | null;
  dataProvider: string | null;
  updateFrequency: KpiUpdateFrequency | null;
  indicator: string | null;
}

/**
 * Edits a KPI's definition: name, English name, unit, department, SDG targets, side, aggregation,
 * direction, achievement method, baseline (time point and value), definition, data source, data
 * provider, update frequency and indicator code (every field the public 「この指標について」 shows).
 * One transaction: the KPI row is updated where its version is still the form's (else an edit
 * conflict), its SDG targets and owner are rewritten when they changed, and one change-log entry
 * holds old → new of the fields that changed and the reason; then the change is signalled.
 * Field problems (by the form's field names) write nothing.
 */
export async function editKpiDefinition(db: Executor, signal: ChangeSignal, props: EditKpiProps): Promise<FormResult<{ changed: readonly string[] }>> {
  const departments = await listDepartments(db, props.cityId);
  const r = await versionedWrite('kpi', props.kpiId, () =>
    inStaffTransaction(db, async (trx) => {
      const row = await findKpiBySlug(trx, props.cityId, props.kpiId);
      // Another city's KPI (or none): not found, whoever's it is. An archived one or a stale form: nothing to edit at this version.
      if (!row) throw new NotFoundError('kpi', props.kpiId);
      if (row.retired_at !== null || row.version !== props.version) throw new StaleVersionError(`KPI "${props.kpiId}"`);
      const [sdgRows, owners] = await Promise.all([listKpiSdgTargets(trx, [row.id]), listKpiOwners(trx, props.cityId)]);
      const ownerId = owners.find((o) => o.kpi_id === row.id)?.department_id ?? null;
      const before: KpiDefinitionRecord = {
        name: row.name,
        nameEn: row.name_en,
        unit: row.unit,
        department: departments.find((d) => d.id === ownerId)?.slug ?? null,
        sdgTargets: sdgRows.map((s) => s.sdg_target),
        side: row.side,
        aggregation: row.aggregation,
        direction: row.direction,
        method: row.method,
        baseline: { at: row.baseline_at, value: Number(row.baseline_value) },
        definition: row.definition,
        dataSource: row.data_source,
        dataProvider: row.data_provider,
        updateFrequency: row.update_frequency,
        indicator: row.indicator_code,
      };
      const input = props.input;
      const keep = (v: string | undefined, stored: string | null) => (v === undefined ? (stored ?? '') : v);
      const parsed = fields.safeParse({
        name: keep(input.name, row.name),
        nameEn: keep(input.nameEn, row.name_en),
        unit: keep(input.unit, row.unit),
        side: keep(input.side, row.side),
        aggregation: keep(input.aggregation, row.aggregation),
        method: keep(input.method, row.method),
        definition: keep(input.definition, row.definition),
        dataSource: keep(input.dataSource, row.data_source),
        dataProvider: keep(input.dataProvider, row.data_provider),
        updateFrequency: keep(input.updateFrequency, row.update_frequency),
        indicator: keep(input.indicator, row.indicator_code),
        reason: props.reason ?? '',
      });
      const errors: Record<string, FieldProblem> = parsed.success ? {} : zodProblems(parsed.error.issues);
      const unit = keep(input.unit, row.unit).trim();
      // Department: '' is none; absent keeps the owner.
      let departmentId = ownerId;
      if (input.departmentId !== undefined) {
        departmentId = input.departmentId === '' ? null : Number(input.departmentId);
        if (departmentId !== null && !departments.some((d) => d.id === departmentId)) errors['departmentId'] = { kind: 'unknown-department' };
      }
      let sdgTargets = before.sdgTargets;
      if (input.sdgTargets !== undefined) {
        const typed = input.sdgTargets.trim();
        if (typed === '') sdgTargets = [];
        else if (typed.length > 500) errors['sdgTargets'] = { kind: 'too-long' };
        else {
          const list = parseSdgTargetList(typed);
          const valid = list.ok ? validateSdgTargetIds(list.value, typed) : list;
          if (valid.ok) sdgTargets = [...new Set(valid.value)];
          else errors['sdgTargets'] = { kind: 'notation', error: valid.error };
        }
      }
      let baseline = { at: row.baseline_at, atEnd: row.baseline_at_end, value: Number(row.baseline_value), decimals: row.baseline_decimals };
      if (input.baselineAt !== undefined) {
        const at = parseTimePoint(input.baselineAt.trim());
        if (input.baselineAt.trim() === '') errors['baselineAt'] = { kind: 'required' };
        else if (!at.ok) errors['baselineAt'] = { kind: 'notation', error: at.error };
        else baseline = { ...baseline, at: formatTimePointIso(at.value), atEnd: timePointEnd(at.value) };
      }
      if (input.baselineValue !== undefined) {
        const typed = input.baselineValue.trim();
        const value = parseQuantity(typed, unit ? { expectedUnit: unit } : {});
        if (typed === '') errors['baselineValue'] = { kind: 'required' };
        else if (!value.ok) errors['baselineValue'] = { kind: 'notation', error: value.error };
        else baseline = { ...baseline, value: value.value.value, decimals: value.value.decimals };
      }
      // Never guessed (issue 13.3): after the edit the direction is stated, up or down.
      let direction = row.direction;
      if (input.direction !== undefined) direction = input.direction === 'up' || input.direction === 'down' ? input.direction : null;
      // The form's explanation says when a target lies below the baseline; the field asks either way.
      if (direction === null) errors['direction'] = input.direction !== undefined && input.direction !== '' ? { kind: 'invalid' } : { kind: 'direction-required' };
      if (!parsed.success || Object.keys(errors).length > 0) throw new FieldRefusal(errors);
      const d = parsed.data;
      const after: KpiDefinitionRecord = {
        name: d.name,
        nameEn: d.nameEn,
        unit: d.unit,
        department: departments.find((x) => x.id === departmentId)?.slug ?? null,
        sdgTargets: [...sdgTargets],
        side: d.side,
        aggregation: d.aggregation,
        direction,
        method: d.method,
        baseline: { at: baseline.at, value: baseline.value },
        definition: d.definition,
        dataSource: d.dataSource,
        dataProvider: d.dataProvider,
        updateFrequency: d.updateFrequency,
        indicator: d.indicator,
      };
      const changed = (Object.keys(after) as (keyof KpiDefinitionRecord)[]).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
      // A figure-defining field of a KPI with data changes only with a reason; stating a missing direction is no change.
      const figureChanges = changed.filter((k) => (FIGURE_FIELDS as readonly string[]).includes(k) && !(k === 'direction' && before.direction === null));
      if (figureChanges.length > 0 && d.reason === null && (await kpisHaveData(trx, [row.id]))) throw new FieldRefusal({ reason: problem('kpiEdit.error.reasonForFigures') });
      // Same values: nothing written, no version moved, no log entry.
      if (changed.length === 0) return { changed };
      const department = departments.find((x) => x.id === departmentId);
      const patch: KpiRowUpdate = {
        name: after.name,
        name_en: after.nameEn,
        unit: after.unit,
        side: after.side,
        aggregation: after.aggregation,
        direction: after.direction,
        method: after.method,
        baseline_at: baseline.at,
        baseline_at_end: baseline.atEnd,
        baseline_value: baseline.value,
        baseline_decimals: baseline.decimals,
        definition: after.definition,
        data_source: after.dataSource,
        data_provider: after.dataProvider,
        update_frequency: after.updateFrequency,
        indicator_code: after.indicator,
        // The printed 担当課 follows the owner the staff chose; a printed name without an owner stays.
        ...(changed.includes('department') && { department: department?.name ?? null }),
      };
      const updated = await updateKpiAtVersion(trx, row.id, props.version, patch);
      if (!updated) throw new StaleVersionError(`KPI "${props.kpiId}"`);
      if (changed.includes('sdgTargets')) {
        await deleteKpiSdgTargets(trx, [row.id]);
        await insertKpiSdgTargets(trx, sdgTargets.map((sdg_target, position) => ({ kpi_id: row.id, sdg_target, position })));
      }
      if (changed.includes('department')) {
        if (department) await setKpiOwner(trx, row.id, department.id, 'staff');
        else await clearKpiOwner(trx, row.id);
      }
      const pick = (r: KpiDefinitionRecord) => Object.fromEntries(changed.map((k) => [k, r[k]]));
      await appendStaffChangeLog(trx, [{ actor: props.actor, action: 'update', entity: 'kpi', entityId: props.kpiId, cityId: props.cityId, old: pick(before), new: pick(after), reason: d.reason }]);
      return { changed };
    }),
  );
  if (r.ok && r.value.changed.length > 0) signal.invalidate(props.cityId);
  return r;
}
