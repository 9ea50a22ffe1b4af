import type { Config } from '../config.ts';
import { describeNextPeriodProblem, startNextPeriod } from '../plans/next-period.command.ts';
import { parseTargetOption, readNextPeriodFields } from '../plans/next-period-input.ts';
import { openForCommand, unknownCityError } from './command-context.ts';
import { UserError } from './user-error.ts';
import { importKpiTable } from '../plans/kpi-table-import.command.ts';
import { describeImportFileError } from '../actuals/observation-import.service.ts';

/** Options of `michishirube plan next-period`. */
export interface NextPeriodOptions {
  readonly id?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly kpis?: string | undefined;
  /** `KPI=TIME:VALUE`, repeatable. */
  readonly target?: readonly string[] | undefined;
  readonly title?: string | undefined;
  readonly json: boolean;
}

/**
 * `michishirube plan next-period CITY PLAN --id NEW --from 2024 --to 2026 --kpis a,b
 * [--target a=2026年:200人]… [--title T] [--json]`: starts the next period of PLAN (issue 13.4)
 * through the same command as the staff form. Prints the new plan and each target change; a
 * mistake exits 2 with one line saying which option is wrong, and writes nothing.
 */
export async function nextPeriodCommand(cityId: string, planId: string, options: NextPeriodOptions, config: Config, out: (s: string) => void): Promise<number> {
  if (!options.id) throw new UserError('plan next-period needs --id NEW_PLAN_ID');
  if (!options.from || !options.to) throw new UserError('plan next-period needs --from YEAR and --to YEAR (the new period)');
  if (!options.kpis) throw new UserError('plan next-period needs --kpis KPI,KPI… (the KPIs to carry over)');
  const kpiIds = options.kpis.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const targets = new Map<string, { targetAt: string; targetValue: string }>();
  for (const t of options.target ?? []) {
    const p = parseTargetOption(t);
    if (!p) throw new UserError(`--target "${t}": expected KPI=TIME:VALUE, e.g. new-farmers=2026年:200人`);
    if (!kpiIds.includes(p.kpiId)) throw new UserError(`--target "${t}": KPI "${p.kpiId}" is not in --kpis`);
    targets.set(p.kpiId, p);
  }
  const ctx = await openForCommand(config);
  try {
    const data = await ctx.store.get(cityId);
    if (!data) throw await unknownCityError(ctx, cityId);
    const read = readNextPeriodFields(
      {
        fromPlanId: planId,
        newPlanId: options.id,
        ...(options.title !== undefined && { title: options.title }),
        periodStart: options.from,
        periodEnd: options.to,
        kpis: kpiIds.map((kpiId) => ({ kpiId, ...targets.get(kpiId) })),
      },
      (id) => data.kpis.find((k) => k.id === id),
      ctx.clock.todayInTokyo(),
    );
    if (!read.ok) throw new UserError(read.problems.map((p) => `${optionOf(p.field)}: ${p.en}`).join('; ') + '; nothing was written');
    const r = await startNextPeriod(ctx.db, ctx.store, { ...read.input, cityId, actor: 'cli' });
    if (!r.ok) {
      if (r.kind === 'unknown-city') throw await unknownCityError(ctx, cityId);
      if (r.kind === 'conflict') throw new UserError('someone else changed the city at the same moment; nothing was written, run the command again');
      throw new UserError(r.problems.map((p) => `${optionOf(p.field)}: ${describeNextPeriodProblem(p).en}`).join('; ') + '; nothing was written');
    }
    if (options.json) {
      out(JSON.stringify({ plan: { id: r.plan.id, title: r.plan.title, period_start: r.plan.periodStart, period_end: r.plan.periodEnd, from: planId }, kpis: kpiIds, targets: r.targetChanges.map((c) => ({ kpi_id: c.kpiId, target_id: c.targetId, action: c.action, ...(c.revision && { old_value: c.revision.oldValue, new_value: c.revision.newValue, reason: c.revision.reason, revised_on: c.revision.revisedOn }) })) }));
      return 0;
    }
    out(`created ${r.plan.id} (${r.plan.periodStart}–${r.plan.periodEnd}) from ${planId} with ${kpiIds.length} KPI(s)`);
    for (const c of r.targetChanges) {
      out(`  ${c.kpiId}#${c.targetId}: ${c.action}${c.revision ? ` ${c.revision.oldValue} → ${c.revision.newValue} (${c.revision.reason})` : ''}`);
    }
    return 0;
  } finally {
    await ctx.close();
  }
}

function optionOf(field: string): string {
  if (field.startsWith('target:')) return `--target ${field.slice('target:'.length)}`;
  return { id: '--id', from: '--from', to: '--to', period: '--from/--to', kpis: '--kpis', title: '--title', fromPlanId: 'PLAN', newPlanId: '--id', periodStart: '--from', periodEnd: '--to' }[field] ?? field;
}

/** Options of `michishirube plan import`. */
export interface PlanImportOptions {
  readonly city?: string | undefined;
  readonly plan?: string | undefined;
  readonly dryRun: boolean;
  readonly json: boolean;
}

/**
 * `michishirube plan import FILE --city CITY [--plan PLAN_ID] [--dry-run] [--json]` (issue 13.5):
 * imports a KPI table (.xlsx, .csv, .txt; a progress sheet's table or the KPI-list template)
 * through the same command as the staff upload. `--json` prints one object
 * `{ plan, kpis: [{ row, name, kpi_id, action, baseline, targets, actuals }], problems: [{ row, column, kind, message }] }`.
 * Exit 2 when the file is refused or any row has a problem (nothing written); 0 otherwise.
 */
export async function planImportCommand(file: string, options: PlanImportOptions, config: Config, out: (s: string) => void): Promise<number> {
  if (!options.city) throw new UserError('plan import needs --city CITY');
  const { stat } = await import('node:fs/promises');
  const { basename } = await import('node:path');
  try {
    if (!(await stat(file)).isFile()) throw new Error('not a file');
  } catch {
    throw new UserError(`${file}: no such file`);
  }
  const ctx = await openForCommand(config);
  try {
    const r = await importKpiTable(ctx.db, ctx.store, { cityId: options.city, file: { path: file, name: basename(file) }, planId: options.plan, dryRun: options.dryRun, actor: 'cli', now: ctx.clock.now(), today: ctx.clock.todayInTokyo() });
    if (!r.ok) {
      if (r.kind === 'unknown-city') throw await unknownCityError(ctx, options.city);
      if (r.kind === 'conflict') throw new UserError('someone else changed the city at the same moment; nothing was written, run the command again');
      if (r.kind === 'bad-plan-id') throw new UserError(`--plan "${r.planId}": a plan id is lower-case ASCII letters, digits and hyphens (at most 80)`);
      if (r.kind === 'archived-plan') throw new UserError(`plan "${r.planId}" is archived: restore it in the plan builder first, or import into another plan (--plan); nothing was imported`);
      throw new UserError(`${file}: ${describeImportFileError(r.error).en}; nothing was imported`);
    }
    const p = r.preview;
    const problems = p.problems.map((x) => ({ ...(x.sheet !== undefined && { sheet: x.sheet }), row: x.row, column: x.column, kind: x.kind, message: x.message.en, message_ja: x.message.ja }));
    if (options.json) {
      const { nodes, ...plan } = p.plan;
      out(JSON.stringify({ plan: { ...plan, nodes }, kpis: p.kpis, problems, written: r.written }));
      return problems.length > 0 ? 2 : 0;
    }
    out(`${p.plan.action} plan ${p.plan.id}: ${p.plan.title} (${p.plan.period_start}–${p.plan.period_end})`);
    for (const k of p.kpis) out(`  row ${k.row}: ${k.action} ${k.kpi_id} ${k.name}`);
    for (const x of problems) out(`  problem ${x.sheet ? `${x.sheet}!` : ''}${x.column}${x.row}: ${x.kind}: ${x.message}`);
    if (problems.length > 0) throw new UserError(`${file}: ${problems.length} problem(s); nothing was imported`);
    out(r.written ? `imported ${p.kpis.length} KPI row(s) into ${p.plan.id}` : options.dryRun ? 'dry run: nothing was written' : 'nothing changed');
    return 0;
  } finally {
    await ctx.close();
  }
}
