import { serve } from '@hono/node-server';
import type { Config } from '../config.ts';
import { openAppContext } from '../services/app-context.ts';
import { createApp } from '../web/app.tsx';

/** `michishirube serve` (npm start): opens or creates the database and serves the app until stopped. */
export async function serveCommand(config: Config, out: (s: string) => void): Promise<number> {
  const ctx = await openAppContext(config);
  if (ctx.seededCities > 0) out(`Loaded ${ctx.seededCities} seed cities into ${ctx.dialect === 'pglite' ? config.dataDir : 'PostgreSQL'}.`);
  const app = createApp({ db: ctx.db, store: ctx.store, staff: ctx.staff });
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
