import { writeFile } from 'node:fs/promises';
import type { Config } from '../config.ts';
import type { Lang } from '../i18n/lang.ts';
import { comparePlanVersions, listPlanVersionSummaries, planDiffFile } from '../plans/plan-diff.service.ts';
import { openForCommand, unknownCityError } from './command-context.ts';
import { UserError } from './user-error.ts';

/** Options of `michishirube plan diff`. */
export interface PlanDiffOptions {
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly out: string | undefined;
  readonly lang: Lang;
}

/**
 * `michishirube plan diff CITY PLAN --from VERSION --to VERSION --out FILE.xlsx|FILE.docx`:
 * writes the 新旧対照表 of two recorded versions of a plan (issue 13.6). Versions are the
 * numbers of the plan's recorded versions (1 = its 策定); a wrong one exits 2 naming the known ones.
 */
export async function planDiffCommand(cityId: string, planId: string, options: PlanDiffOptions, config: Config, out: (s: string) => void): Promise<number> {
  const from = versionNumber(options.from, '--from');
  const to = versionNumber(options.to, '--to');
  const file = options.out;
  if (!file) throw new UserError('plan diff needs --out FILE.xlsx or FILE.docx');
  const format = /\.xlsx$/i.test(file) ? 'xlsx' : /\.docx$/i.test(file) ? 'docx' : null;
  if (!format) throw new UserError(`--out must end in .xlsx or .docx, not "${file}"`);
  const ctx = await openForCommand(config);
  try {
    const data = await ctx.store.getStaff(cityId);
    if (!data) throw await unknownCityError(ctx, cityId);
    const r = await comparePlanVersions(ctx.db, cityId, planId, from, to, options.lang);
    if (!r.ok) {
      if (r.problem.kind === 'unknown-plan') throw new UserError(`unknown plan "${planId}" in ${cityId}; known: ${data.data.plans.map((p) => p.id).join(', ')}`);
      if (r.problem.kind === 'same-version') throw new UserError('--from and --to name the same version; choose two different versions');
      const known = (await listPlanVersionSummaries(ctx.db, cityId, planId)).map((v) => `${v.number} (${v.label} ${v.date})`).join(', ');
      throw new UserError(`plan "${planId}" has no version ${r.problem.which === 'from' ? from : to}; recorded versions: ${known || 'none'}`);
    }
    await writeFile(file, await planDiffFile(r.diff, format, options.lang));
    out(`${file}: ${r.diff.rows.length} change${r.diff.rows.length === 1 ? '' : 's'} from version ${from} to ${to}`);
    return 0;
  } finally {
    await ctx.close();
  }
}

function versionNumber(value: string | undefined, flag: string): number {
  if (value === undefined) throw new UserError(`plan diff needs ${flag} VERSION (a recorded version's number, 1 = the adoption)`);
  const n = Number(value);
  if (!/^\d{1,6}$/.test(value) || n < 1) throw new UserError(`${flag} must be a version number (1, 2, …), not "${value}"`);
  return n;
}
