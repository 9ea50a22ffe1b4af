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
      const first = r.error[0]!;
      const more = r.error.length > 1 ? ` (and ${r.error.length - 1} more problem(s): ${r.error.slice(1, 4).map((p) => p.path).join(', ')}${r.error.length > 4 ? ', …' : ''})` : '';
      throw new UserError(`${file}: ${first.path}: ${first.message}${more}; nothing was imported`);
    }
    // Bump the city's revision, rebuild its summaries and tell running servers (PostgreSQL).
    ctx.store.invalidate(r.value.city.id);
    // Running servers stop reading the city's summaries before the import is reported done.
    await ctx.store.revisionsBumped();
    out(`imported ${r.value.city.id}: ${r.value.plans.length} plan(s), ${r.value.kpis.length} KPI(s), ${r.value.publishedRates.length} published rate(s)`);
    return 0;
  } finally {
    await ctx.close();
  }
}
