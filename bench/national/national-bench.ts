/**
 * The national benchmark (issue 11.5): N generated cities (1,741 by default, the municipalities
 * of Japan) imported into a PostgreSQL server started for the run, then the app server in a
 * child process loaded with every public page type and API at 10 and 50 connections, a mixed
 * load at 50, one staff write timed until the public pages show it, and the database size.
 *
 * The cities go through the project's own import (readPlanData → saveCityData → published
 * years → the change signal that bumps the city's revision and rebuilds its summaries), all in
 * one process (the bulk path), not one CLI process per file.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { startPostgresServer } from '../../test/support/postgres-server.ts';
import type { StaffUser } from '../../src/auth/user.ts';
import { openAppContext } from '../../src/app-context.ts';
import { loadKpiEditState } from '../../src/staff/edit-state.service.ts';
import { importPlanData } from '../../src/cities/plan-data-import.service.ts';
import { actorName } from '../../src/auth/user.ts';
import { editKpiDefinition } from '../../src/kpis/kpi-edit.command.ts';
import { loadJapaneseAnalyser } from '../../src/search/japanese-analyser.ts';
import type { Database } from '../../src/storage/database.ts';
import { percentile, runLoad, startBenchServer, type LoadResult, type NextRequest } from '../load.ts';
import { generateCity, seededRandom } from './generate.ts';

/** Options of {@link benchNational}. */
export interface NationalOptions {
  /** Number of cities to generate and import (default 1,741). */
  readonly cities: number;
  /** Seconds of each page type's load (at 10 and at 50 connections). */
  readonly seconds: number;
  /** Seconds of the mixed load at 50 connections. */
  readonly mixedSeconds: number;
  /** Progress lines (stderr by default): the run takes a while. */
  readonly log?: (line: string) => void;
  /** The generator's seed (same seed, same cities). */
  readonly seed?: number;
  /**
   * A directory to keep the PostgreSQL server in: the first run imports into it, a later run
   * with the same cities and seed skips the import and measures the pages again (the import of
   * 1,741 cities takes most of an hour; the load, minutes).
   */
  readonly keepDir?: string;
}

/** The page types measured, each with how its paths are drawn. */
export const PAGE_TYPES = ['home', 'city', 'plan', 'kpi', 'sdg_goal', 'compare', 'search', 'open_data', 'api_city_kpis', 'api_sdg_goal', 'api_search'] as const;
export type PageType = (typeof PAGE_TYPES)[number];

/** Weights of the mixed load (a guess at a public day: mostly city, KPI and plan pages). */
const MIX: Readonly<Record<PageType, number>> = { home: 5, city: 20, plan: 10, kpi: 30, sdg_goal: 8, compare: 5, search: 7, open_data: 5, api_city_kpis: 5, api_sdg_goal: 3, api_search: 2 };

/** What every request of the loads sends beside its path: the codings a browser accepts (the server compresses what it sends). */
const BROWSER = { 'accept-encoding': 'gzip, deflate, br' } as const;

const SEARCH_TERMS = ['移住', '観光', '温室効果ガス', '再生可能エネルギー', '子育て', '図書館', 'ごみ', '森林', '防災', '空き家', 'パートナー', '公共交通', '女性管理職', '創業'];

/** The figures, keyed as the issue asks (`national.…`); the JSON the bench prints. */
export type NationalFigures = Record<string, unknown>;

/** Runs the national benchmark and returns its figures (the caller prints them). */
export async function benchNational(options: NationalOptions): Promise<NationalFigures> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const n = options.cities;
  const seed = options.seed ?? 20261130;
  const pg = await startPostgresServer(options.keepDir ? { keepDir: options.keepDir } : {});
  try {
    // ---- Import (or the kept one of an earlier run)
    const kept = options.keepDir ? join(options.keepDir, 'national-import.json') : undefined;
    const previous = kept && existsSync(kept) ? (JSON.parse(readFileSync(kept, 'utf8')) as KeptImport) : undefined;
    if (previous && (previous.n !== n || previous.seed !== seed)) throw new Error(`${options.keepDir} holds ${previous.n} cities of seed ${previous.seed}, not ${n} of seed ${seed}: choose another --keep directory`);
    const done = previous ?? (await importCities(pg.url, n, seed, log));
    if (kept && !previous) writeFileSync(kept, JSON.stringify(done));
    if (previous) log(`national: reusing the ${n} cities imported into ${options.keepDir}`);
    const { cities, importMs, importSeconds, kpiTotal } = done;
    return await measure(pg.url, n, seed, options, log, cities, importMs, importSeconds, kpiTotal);
  } finally {
    await pg.stop();
  }
}

/** What the import leaves for the load (kept as JSON beside a kept server). */
interface KeptImport {
  readonly n: number;
  readonly seed: number;
  readonly cities: { id: string; planId: string; kpis: number }[];
  readonly importMs: number[];
  readonly importSeconds: number;
  readonly kpiTotal: number;
}

async function importCities(url: string, n: number, seed: number, log: (line: string) => void): Promise<KeptImport> {
  log(`national: importing ${n} generated cities into PostgreSQL…`);
  const cities: { id: string; planId: string; kpis: number }[] = [];
  const importMs: number[] = [];
  const importStart = performance.now();
  const importer = await openAppContext({ dataDir: '', databaseUrl: url, seed: false }, { purpose: 'command', announce: () => {} });
  let kpiTotal = 0;
  try {
    for (let i = 0; i < n; i++) {
      const city = generateCity(i, seed);
      const t = performance.now();
      const r = await importPlanData(importer.db, city.file, 'national-bench');
      if (!r.ok) throw new Error(`generated city ${city.id} is invalid: ${r.error.slice(0, 3).map((p) => `${p.path}: ${p.message}`).join('; ')}`);
      importer.store.invalidate(city.id);
      await importer.store.settled();
      importMs.push(performance.now() - t);
      cities.push({ id: city.id, planId: city.planId, kpis: city.kpiIds.length });
      kpiTotal += city.kpiIds.length;
      if ((i + 1) % 100 === 0) log(`national: ${i + 1}/${n} cities imported (${((performance.now() - importStart) / 1000).toFixed(0)} s)`);
    }
  } finally {
    await importer.close();
  }
  const importSeconds = (performance.now() - importStart) / 1000;
  return { n, seed, cities, importMs, importSeconds, kpiTotal };
}

async function measure(
  url: string,
  n: number,
  seed: number,
  options: NationalOptions,
  log: (line: string) => void,
  cities: KeptImport['cities'],
  importMs: readonly number[],
  importSeconds: number,
  kpiTotal: number,
): Promise<NationalFigures> {
  const pg = { url };
  // Statistics for the planner, as an operator runs after a bulk load (autovacuum would too, in
  // its own time): a run right after the import would otherwise measure plans made blind.
  log('national: analysing the database…');
  await analyzeDatabase(pg.url);
  // A kept database from before a migration that made the summaries stale: rebuilt here, as the
  // first start after such an upgrade does, so the server start below is timed as a restart.
  const catchUp = await catchUpSummaries(pg.url);
  if (catchUp.cities > 0) log(`national: ${catchUp.cities} cities' summaries rebuilt in ${catchUp.seconds} s`);
  // Likewise the KPI pages of another version of the code (a serving process renders them in the
  // background: measured with them, the pages are those a server serves once it has caught up).
  const kpiPageCatchUp = await catchUpKpiPages(pg.url);
  if (kpiPageCatchUp.cities > 0) log(`national: ${kpiPageCatchUp.cities} cities' KPI pages rendered in ${kpiPageCatchUp.seconds} s`);
  // ---- Start (as after a restart: nothing cached, summaries already in the database)
  log('national: starting the app server…');
  const server = await startBenchServer({ DATABASE_URL: pg.url, SEED: 'false' });
  try {
    const rnd = seededRandom(seed + 1);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const anyCity = () => pick(cities);
    const prefectures = [...new Set(cities.map((c) => c.id))].length;
    void prefectures;
    const paths: Record<PageType, () => string> = {
      home: () => '/',
      city: () => `/cities/${anyCity().id}`,
      plan: () => {
        const c = anyCity();
        return `/cities/${c.id}/plans/${c.planId}`;
      },
      kpi: () => {
        const c = anyCity();
        return `/cities/${c.id}/kpis/kpi-${1 + Math.floor(rnd() * c.kpis)}`;
      },
      sdg_goal: () => `/sdgs/${1 + Math.floor(rnd() * 17)}?page=${1 + Math.floor(rnd() * 5)}`,
      compare: () => `/compare?cities=${anyCity().id}&cities=${anyCity().id}`,
      search: () => `/search?q=${encodeURIComponent(rnd() < 0.3 ? `試験市${anyCity().id.slice(5)}` : pick(SEARCH_TERMS))}`,
      open_data: () => `/data?page=${1 + Math.floor(rnd() * Math.max(1, Math.ceil(cities.length / 50)))}`,
      // The first page of a city's KPIs (50; the list is paged as every API list).
      api_city_kpis: () => `/api/v1/cities/${anyCity().id}/kpis`,
      api_sdg_goal: () => `/api/v1/sdgs/${1 + Math.floor(rnd() * 17)}?page=${1 + Math.floor(rnd() * 5)}`,
      api_search: () => `/api/v1/search?q=${encodeURIComponent(pick(SEARCH_TERMS))}`,
    };
    const ofType = (type: PageType) => (): NextRequest => ({ path: paths[type](), tag: type });
    const mixTotal = PAGE_TYPES.reduce((s, t) => s + MIX[t], 0);
    const mixed = (): NextRequest => {
      let x = rnd() * mixTotal;
      for (const t of PAGE_TYPES) if ((x -= MIX[t]) < 0) return ofType(t)();
      return ofType('kpi')();
    };

    // First requests after the start: each page type once (the slowest is the figure), each
    // checked to answer 200 (a load too slow to complete a request in its window still has this).
    const firstRequests: Record<string, number> = {};
    const badAnswers: string[] = [];
    for (const type of PAGE_TYPES) {
      const path = paths[type]();
      const t = performance.now();
      const res = await fetch(server.base + path);
      await res.arrayBuffer();
      firstRequests[type] = round(performance.now() - t);
      if (res.status !== 200) badAnswers.push(`${res.status} ${path}`);
    }

    log('national: warm-up…');
    const loads: LoadResult[] = [];
    loads.push(await runLoad(server.base, 10, Math.max(1, Math.round(options.seconds)), mixed, BROWSER));
    const rssAfterWarmUp = server.rssMb();

    const p50At10: Record<string, number> = {};
    const p95At10: Record<string, number> = {};
    const p50At50: Record<string, number> = {};
    const p95At50: Record<string, number> = {};
    const rpsAt10: Record<string, number> = {};
    for (const type of PAGE_TYPES) {
      log(`national: ${type} at 10 and 50 connections…`);
      const at10 = await runLoad(server.base, 10, options.seconds, ofType(type), BROWSER);
      const at50 = await runLoad(server.base, 50, options.seconds, ofType(type), BROWSER);
      loads.push(at10, at50);
      p50At10[type] = at10.p50Ms;
      p95At10[type] = at10.p95Ms;
      rpsAt10[type] = round(at10.rps);
      p50At50[type] = at50.p50Ms;
      p95At50[type] = at50.p95Ms;
    }

    log('national: mixed load at 50 connections…');
    const mix = await runLoad(server.base, 50, options.mixedSeconds, mixed, BROWSER);
    loads.push(mix);
    const rssAfterMixed = server.rssMb();

    log('national: one staff write until its public pages show it…');
    const writeVisible = await timeWriteVisible(pg.url, server.base, cities[Math.floor(cities.length / 2)]!.id);

    const dbBytes = await databaseSize(pg.url);

    // Every answer of every load: anything but 200 is a failure of the run.
    const statuses: Record<string, number> = {};
    let errors = 0;
    for (const l of loads) {
      errors += l.errors;
      for (const [code, count] of Object.entries(l.statuses)) statuses[code] = (statuses[code] ?? 0) + count;
    }
    const sortedImport = [...importMs].sort((a, b) => a - b);
    return {
      'national.cities': n,
      'national.kpis': kpiTotal,
      'national.import_seconds': round(importSeconds),
      'national.import_ms_per_city': { mean: round(importMs.reduce((s, x) => s + x, 0) / n), p50: percentile(sortedImport, 50), p95: percentile(sortedImport, 95), max: round(sortedImport.at(-1) ?? NaN) },
      'national.server_start_ms': round(server.startMs),
      'national.summary_catch_up': catchUp,
      'national.kpi_page_catch_up': kpiPageCatchUp,
      'national.first_request_ms': Math.max(...Object.values(firstRequests)),
      'national.first_requests_ms': firstRequests,
      'national.p50_ms_10': p50At10,
      'national.p95_ms_10': p95At10,
      'national.rps_10': rpsAt10,
      'national.p50_ms_50': p50At50,
      'national.p95_ms_50': p95At50,
      'national.mixed_50.rps': round(mix.rps),
      'national.mixed_50.p50_ms': mix.p50Ms,
      'national.mixed_50.p95_ms': mix.p95Ms,
      'national.rss_mb': Math.max(rssAfterWarmUp, rssAfterMixed),
      'national.rss_mb_after_warm_up': rssAfterWarmUp,
      'national.rss_mb_after_mixed': rssAfterMixed,
      'national.write_visible_ms': Math.max(writeVisible.kpiPageMs, writeVisible.searchMs),
      'national.write_visible': writeVisible,
      'national.db_mb': Math.round(dbBytes / 1024 / 1024),
      'national.statuses': statuses,
      'national.errors': errors,
      'national.bad_first_answers': badAnswers,
    };
  } finally {
    await server.stop();
  }
}

/**
 * One staff write (a KPI renamed through the same command the staff form calls) in another
 * process's context (as a second app process or the CLI would write), timed until the serving
 * process shows it on the KPI's public page (its city cache dropped by LISTEN/NOTIFY) and in the
 * cross-city search (its summaries rebuilt). The page is fetched first so it is cached.
 */
async function timeWriteVisible(databaseUrl: string, base: string, cityId: string): Promise<{ kpiPageMs: number; searchMs: number }> {
  const ctx = await openAppContext({ dataDir: '', databaseUrl, seed: false }, { purpose: 'command', announce: () => {} });
  // The writer stands for a second app process, which built its analyser when it started (as
  // `serve` does): the time measured is the write's, not a dictionary load's (about 1 s).
  await loadJapaneseAnalyser();
  try {
    const page = `${base}/cities/${cityId}/kpis/kpi-1`;
    await (await fetch(page)).text();
    await (await fetch(page)).text();
    const state = await loadKpiEditState(ctx.db, cityId, 'kpi-1');
    const kpi = (await ctx.store.getStaff(cityId))?.data.kpis.find((k) => k.id === 'kpi-1');
    if (!state || !kpi) throw new Error(`no KPI kpi-1 in ${cityId}`);
    const name = `速報値確認指標${Date.now() % 100000}`;
    const user: StaffUser = { id: 0, username: 'national-bench', displayName: 'national bench', email: null, isSystemAdmin: true, mustChangePassword: false, memberships: [] };
    const start = performance.now();
    const r = await editKpiDefinition(ctx.db, ctx.store, { cityId, actor: actorName(user), kpiId: kpi.id, version: state.version, input: { name, direction: kpi.direction ?? 'up' } });
    if (!r.ok) throw new Error(`the bench write was refused: ${JSON.stringify(r)}`);
    const until = async (url: string) => {
      for (;;) {
        const body = await (await fetch(url)).text();
        if (body.includes(name)) return round(performance.now() - start);
        if (performance.now() - start > 30_000) throw new Error(`the write did not show on ${url} within 30 s`);
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    const kpiPageMs = await until(page);
    const searchMs = await until(`${base}/search?q=${encodeURIComponent(name)}`);
    return { kpiPageMs, searchMs };
  } finally {
    await ctx.close();
  }
}

async function catchUpSummaries(databaseUrl: string): Promise<{ cities: number; seconds: number }> {
  const ctx = await openAppContext({ dataDir: '', databaseUrl, seed: false }, { purpose: 'command', announce: () => {} });
  try {
    const t = performance.now();
    const cities = await ctx.store.catchUpSummaries();
    return { cities, seconds: round((performance.now() - t) / 1000) };
  } finally {
    await ctx.close();
  }
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const execFileAsync = promisify(execFile);

/** {@link catchUpSummaries} for the KPI pages: bench/national/render-kpi-pages.ts, one process per core. */
async function catchUpKpiPages(databaseUrl: string): Promise<{ cities: number; seconds: number }> {
  const t = performance.now();
  const count = availableParallelism();
  const shares = await Promise.all(
    Array.from({ length: count }, (_, i) => execFileAsync(process.execPath, ['bin/run-ts.mjs', 'bench/national/render-kpi-pages.ts', databaseUrl, String(i), String(count)], { cwd: ROOT, maxBuffer: 1 << 20 })),
  );
  const cities = shares.reduce((n, s) => n + (JSON.parse(s.stdout.trim().split('\n').pop()!) as { cities: number }).cities, 0);
  return { cities, seconds: round((performance.now() - t) / 1000) };
}

async function analyzeDatabase(databaseUrl: string): Promise<void> {
  const ctx = await openAppContext({ dataDir: '', databaseUrl, seed: false }, { purpose: 'command', announce: () => {} });
  try {
    await sql`analyze`.execute(ctx.db);
  } finally {
    await ctx.close();
  }
}

async function databaseSize(databaseUrl: string): Promise<number> {
  const ctx = await openAppContext({ dataDir: '', databaseUrl, seed: false }, { purpose: 'command', announce: () => {} });
  try {
    const db: Kysely<Database> = ctx.db;
    const r = await sql<{ bytes: string }>`select pg_database_size(current_database()) as bytes`.execute(db);
    return Number(r.rows[0]!.bytes);
  } finally {
    await ctx.close();
  }
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
