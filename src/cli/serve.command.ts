import { serve } from '@hono/node-server';
import type { Config } from '../config.ts';
import { openAppContext } from '../app-context.ts';
import { loadJapaneseAnalyser } from '../search/japanese-analyser.ts';
import { prepareNumberFormats } from '../i18n/number-format.ts';
import { createApp } from '../web/app.tsx';
import { DatabaseInUseError } from '../storage/database.ts';
import { UserError } from './user-error.ts';

/** `michishirube serve` (npm start): opens or creates the database and serves the app until stopped. */
export async function serveCommand(config: Config, out: (s: string) => void): Promise<number> {
  let ctx;
  try {
    ctx = await openAppContext(config, { purpose: 'serve' });
  } catch (e) {
    if (e instanceof DatabaseInUseError) throw new UserError(e.message);
    throw e;
  }
  if (ctx.seededCities > 0) out(`Loaded ${ctx.seededCities} seed cities into ${ctx.dialect === 'pglite' ? config.dataDir : 'PostgreSQL'}.`);
  // The Japanese analyser (search readings, 1.5–3 s to build) is built before the server listens,
  // so the first search after a restart answers as fast as any (issue 11.5: first request < 1 s).
  await loadJapaneseAnalyser();
  // Likewise the locales' number formats, which the first page printing a figure would load.
  prepareNumberFormats();
  const app = createApp({ db: ctx.db, store: ctx.store, staff: ctx.staff, web: config.web, clock: ctx.clock });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    out(`michishirube is serving at http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${info.port}/ (database: ${ctx.dialect})`);
  });
  await new Promise<void>((resolve) => {
    const stop = () => server.close(() => resolve());
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await ctx.close();
  return 0;
}
