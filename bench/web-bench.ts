/**
 * Issue 4 and 11.4's web figures: the seeded app (PGlite, its own process: bench-server.ts)
 * serving the Ichinoseki city, plan and KPI pages, each cached (the page cache's bytes),
 * uncached (an unknown query parameter passes the page cache by, so every request renders; the
 * fragments kept per data version are used) and cold (uncached, and every kept fragment dropped
 * first: the first render after a write to the city, its data already read again), against
 * the same bytes served as a static file by the same server. The loads are interleaved, app and
 * static in alternating one-second rounds (A B A B …), so a machine that slows down or speeds up
 * meanwhile affects both sides alike; each ratio is app requests over static requests. The
 * server's CPU per request of each kind is read from /proc around each load: on a shared machine
 * it is the steadier figure.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuMsOf, runLoad, startBenchServer } from './load.ts';

/** The figures of one page. */
export interface PageFigures {
  readonly cachedRps: number;
  readonly uncachedRps: number;
  readonly staticRps: number;
  readonly cachedP95Ms: number;
  readonly uncachedP95Ms: number;
  readonly coldRps: number;
  readonly coldP95Ms: number;
  /** Cached requests/s over static requests/s (goal ≥ 0.9). */
  readonly cachedRatio: number;
  /** Static requests/s over uncached requests/s: how many times slower rendering is (goal ≤ 10). */
  readonly uncachedSlowdown: number;
  /** Static requests/s over cold requests/s. */
  readonly coldSlowdown: number;
  /** The server's CPU milliseconds per request (user + system, from /proc), each kind. */
  readonly cpuMs: { readonly cached: number; readonly uncached: number; readonly cold: number; readonly static: number };
  /** The page's size in bytes (uncompressed). */
  readonly bytes: number;
}

export const WEB_PAGES = {
  city: '/cities/ichinoseki',
  plan: '/cities/ichinoseki/plans/ichinoseki-sdgs-future-city-1',
  kpi: '/cities/ichinoseki/kpis/new-farmers',
} as const;

/** Runs `rounds` rounds of (cached, static, uncached, static, cold, static) one-second loads per page at 50 connections. */
export async function benchWeb(rounds = 10): Promise<Record<keyof typeof WEB_PAGES, PageFigures>> {
  const dataDir = await mkdtemp(join(tmpdir(), 'michishirube-bench-'));
  const server = await startBenchServer({ DATA_DIR: join(dataDir, 'db'), SEED: 'true' });
  try {
    const out = {} as Record<keyof typeof WEB_PAGES, PageFigures>;
    for (const [name, path] of Object.entries(WEB_PAGES) as [keyof typeof WEB_PAGES, string][]) {
      const ok = await fetch(server.base + path);
      if (ok.status !== 200) throw new Error(`${path} answered ${ok.status}: the bench pages must exist`);
      const bytes = (await ok.arrayBuffer()).byteLength;
      let n = 0;
      const kinds = {
        cached: () => ({ path, tag: 'cached' }),
        uncached: () => ({ path: `${path}?bench_nocache=${n++}`, tag: 'uncached' }),
        cold: () => ({ path: `${path}?bench_cold=${n++}`, tag: 'cold' }),
        static: () => ({ path: `/__bench/static${path}`, tag: 'static' }),
      };
      const totals = { cached: 0, uncached: 0, cold: 0, static: 0 };
      const cpu = { cached: 0, uncached: 0, cold: 0, static: 0 };
      const times: Record<'cached' | 'uncached' | 'cold', number[]> = { cached: [], uncached: [], cold: [] };
      // Warm-up of each kind (the static twin's bytes, the JIT on every path), not counted.
      for (const kind of ['static', 'cached', 'uncached', 'cold'] as const) await runLoad(server.base, 50, 1, kinds[kind]);
      for (let r = 0; r < rounds; r++) {
        for (const kind of ['cached', 'static', 'uncached', 'static', 'cold', 'static'] as const) {
          const cpuBefore = cpuMsOf(server.pid);
          const l = await runLoad(server.base, 50, 1, kinds[kind]);
          cpu[kind] += cpuMsOf(server.pid) - cpuBefore;
          if (Object.keys(l.statuses).some((s) => s !== '200') || l.errors > 0) throw new Error(`${kind} ${path}: non-200 answers ${JSON.stringify(l.statuses)}`);
          totals[kind] += l.requests;
          if (kind !== 'static') times[kind].push(l.p95Ms);
        }
      }
      // Static ran three times per round: once beside each app load.
      const staticRps = totals.static / (3 * rounds);
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      out[name] = {
        cachedRps: totals.cached / rounds,
        uncachedRps: totals.uncached / rounds,
        staticRps,
        cachedP95Ms: median(times.cached),
        uncachedP95Ms: median(times.uncached),
        coldRps: totals.cold / rounds,
        coldP95Ms: median(times.cold),
        cachedRatio: totals.cached / rounds / staticRps,
        uncachedSlowdown: staticRps / (totals.uncached / rounds),
        coldSlowdown: staticRps / (totals.cold / rounds),
        cpuMs: { cached: cpu.cached / totals.cached, uncached: cpu.uncached / totals.uncached, cold: cpu.cold / totals.cold, static: cpu.static / totals.static },
        bytes,
      };
    }
    return out;
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
