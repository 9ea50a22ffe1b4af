/**
 * Issue 4's web figures: the seeded app serving the Ichinoseki SDGs plan page to 50 concurrent
 * connections for 10 s, against the same server returning the same HTML as a pre-rendered
 * static file (the ceiling of this machine and framework).
 */
import { serve, type ServerType } from '@hono/node-server';
import autocannon from 'autocannon';
import type { AddressInfo } from 'node:net';
import { openAppContext } from '../src/services/app-context.ts';
import { createApp } from '../src/web/app.tsx';

export interface WebFigures {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly staticRequestsPerSecond: number;
  readonly ratio: number;
}

const PAGE = '/cities/ichinoseki/plans/ichinoseki-sdgs-future-city-1';

async function load(url: string, seconds: number): Promise<autocannon.Result> {
  return autocannon({ url, connections: 50, duration: seconds });
}

/** Runs both loads one after the other on one server; bounded in time, loopback only. */
export async function benchWeb(seconds = 10): Promise<WebFigures> {
  const ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: true, inMemory: true }, { announce: () => {} });
  const app = createApp({ db: ctx.db, store: ctx.store });
  const html = await (await app.request(PAGE)).text();
  // The static twin: the same bytes, no rendering, served by the same Node server.
  const fetch = (req: Request) =>
    new URL(req.url).pathname === '/__bench/static.html' ? new Response(html, { headers: { 'content-type': 'text/html; charset=UTF-8' } }) : app.fetch(req);
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    await load(base + PAGE, 1); // warm-up
    const dynamic = await load(base + PAGE, seconds);
    const fixed = await load(base + '/__bench/static.html', seconds);
    if (dynamic.non2xx > 0 || fixed.non2xx > 0) throw new Error('the benchmark got non-2xx answers');
    return {
      requestsPerSecond: dynamic.requests.average,
      p50Ms: dynamic.latency.p50,
      p95Ms: dynamic.latency.p97_5 !== undefined ? percentile95(dynamic) : dynamic.latency.p99,
      staticRequestsPerSecond: fixed.requests.average,
      ratio: dynamic.requests.average / fixed.requests.average,
    };
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
    await ctx.close();
  }
}

/** autocannon reports p90 and p97.5, not p95: interpolate between them. */
function percentile95(r: autocannon.Result): number {
  const { p90, p97_5 } = r.latency;
  return p90 + ((p97_5 - p90) * (95 - 90)) / (97.5 - 90);
}
