import type { Config } from '../config.ts';
import { openForCommand } from './command-context.ts';
import { importPlanDataFile } from '../cities/plan-data-import.service.ts';
import { UserError } from './user-error.ts';

/** `michishirube import FILE`: loads a plan data file in one transaction, or reports every problem. */
export async function importCommand(file: string, config: Config, out: (s: string) => void): Promise<number> {
  const ctx = await openForCommand(config);
  try {
    const r = await importPlanDataFile(ctx.db, file, 'cli');
    if (!r.ok) {
      const first = r.problems[0]!;
      const more = r.problems.length > 1 ? ` (and ${r.problems.length - 1} more problem(s): ${r.problems.slice(1, 4).map((p) => p.path).join(', ')}${r.problems.length > 4 ? ', …' : ''})` : '';
      throw new UserError(`${file}: ${first.path}: ${first.message}${more}; nothing was imported`);
    }
    // Bump the city's revision, rebuild its summaries and tell running servers (PostgreSQL).
    ctx.store.invalidate(r.data.city.id);
    out(`imported ${r.data.city.id}: ${r.data.plans.length} plan(s), ${r.data.kpis.length} KPI(s), ${r.data.publishedRates.length} published rate(s)`);
    return 0;
  } finally {
    await ctx.close();
  }
}
