import type { Config } from '../config.ts';
import { openAppContext, type AppContext } from '../app-context.ts';
import { DatabaseInUseError } from '../storage/database.ts';
import { UserError } from './user-error.ts';

/**
 * Opens the database for a one-off command (plans, report, import, template): migrated, but
 * never seeded, no administrator created or printed, no mail job (issue 11.7). A PGlite folder a
 * running server holds is refused with one line instead of being opened twice.
 */
export async function openForCommand(config: Config): Promise<AppContext> {
  try {
    return await openAppContext(config, { purpose: 'command' });
  } catch (e) {
    if (e instanceof DatabaseInUseError) throw new UserError(e.message);
    throw e;
  }
}

/**
 * The one-line error for a city the database does not hold: the known ids, or, on an empty
 * database, how to load the seed cities (commands no longer seed behind the user's back).
 */
export async function unknownCityError(ctx: AppContext, cityId: string): Promise<UserError> {
  const known = (await ctx.store.listCities()).map((c) => c.id);
  return new UserError(
    known.length > 0
      ? `unknown city "${cityId}"; known: ${known.join(', ')}`
      : `unknown city "${cityId}": the database has no cities yet; run "michishirube init" to load the seed cities (or import a plan data file)`,
  );
}
