import type { Config } from '../config.ts';
import { openAppContext } from '../app-context.ts';
import { DatabaseInUseError } from '../storage/database.ts';
import { UserError } from './user-error.ts';

/**
 * `michishirube init`: creates and migrates the database, loads the seed cities (unless
 * SEED=false) and creates the first administrator, printing its one-time password once on
 * stderr, then exits. `serve` does the same on its first start; other commands never seed.
 */
export async function initCommand(config: Config, out: (s: string) => void): Promise<number> {
  let ctx;
  try {
    ctx = await openAppContext(config, { purpose: 'init' });
  } catch (e) {
    if (e instanceof DatabaseInUseError) throw new UserError(e.message);
    throw e;
  }
  try {
    const where = ctx.dialect === 'pglite' ? config.dataDir : 'PostgreSQL';
    out(ctx.seededCities > 0 ? `Loaded ${ctx.seededCities} seed cities into ${where}.` : `The database in ${where} is ready (nothing to load).`);
    return 0;
  } finally {
    await ctx.close();
  }
}
