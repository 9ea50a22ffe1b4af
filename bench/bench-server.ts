/**
 * The app server the benchmarks load, run as its own process so its memory (RSS) and CPU are
 * measured apart from the load generator's: the same set-up as `michishirube serve` (config
 * from the environment: DATABASE_URL or DATA_DIR, PORT, SEED), plus a static twin of any page
 * at `/__bench/static/<path>`: the bytes that page answered first, served again without any
 * work (the ceiling of this machine, Node and Hono). A request whose query holds `bench_cold=`
 * (an unknown parameter: the page cache passes it by) is rendered after dropping every kept
 * fragment (src/web/views/fragment-cache.ts), as the first request after a write to its city
 * renders it. Prints one JSON line on stdout once it
 * listens: `{"port": …, "pid": …}`.
 */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../src/config.ts';
import { openAppContext } from '../src/app-context.ts';
import { loadJapaneseAnalyser } from '../src/search/japanese-analyser.ts';
import { prepareNumberFormats } from '../src/i18n/number-format.ts';
import { createApp } from '../src/web/app.tsx';
import { fragments } from '../src/web/views/fragment-cache.ts';

const config = loadConfig();
const ctx = await openAppContext(config, { purpose: 'serve', announce: () => {} });
// As `michishirube serve`: the Japanese analyser and the number formats are built before the server listens.
await loadJapaneseAnalyser();
prepareNumberFormats();
const app = createApp({ db: ctx.db, store: ctx.store, staff: ctx.staff, web: config.web, clock: ctx.clock });

const STATIC_PREFIX = '/__bench/static';
const twins = new Map<string, { body: Uint8Array; type: string }>();
async function fetchBench(req: Request): Promise<Response> {
  if (req.url.includes('bench_cold=')) fragments.clear();
  const url = new URL(req.url);
  if (!url.pathname.startsWith(STATIC_PREFIX)) return app.fetch(req);
  const path = url.pathname.slice(STATIC_PREFIX.length) + url.search;
  let twin = twins.get(path);
  if (!twin) {
    const res = await app.request(path);
    twin = { body: new Uint8Array(await res.arrayBuffer()), type: res.headers.get('content-type') ?? 'text/html; charset=UTF-8' };
    twins.set(path, twin);
  }
  return new Response(twin.body, { headers: { 'content-type': twin.type, 'content-length': String(twin.body.byteLength) } });
}

const server = serve({ fetch: fetchBench, port: config.port, hostname: config.host }, () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port, pid: process.pid })}\n`);
});
const stop = () =>
  server.close(() => {
    void ctx.close().then(() => process.exit(0));
  });
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
