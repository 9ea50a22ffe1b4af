/**
 * `npm run bench` prints the project's figures; `npm run bench -- --json` prints one JSON
 * object keyed by figure name. Benchmarks measure; tests never depend on timing.
 *
 * `npm run bench -- --national[=N]` runs the national benchmark instead (issue 11.5: N generated
 * cities, 1,741 by default, in a PostgreSQL server it starts) and prints its JSON; progress goes
 * to stderr. `--keep=DIR` keeps the PostgreSQL server and its cities in DIR: a second run skips the import. `--seconds=S` sets each page type's load (default 10), `--mixed-seconds=S` the mixed one (default 20).
 * `--web` runs only the web pages' figures (city, plan, KPI: cached, uncached, static), `--quick` with 3 rounds instead of 10.
 */
import { performance } from 'node:perf_hooks';
import { achievement } from '../src/core/kpi/achievement.ts';
import { forecastAtTarget } from '../src/core/kpi/forecast.ts';
import { assessStatus } from '../src/core/kpi/status.ts';
import type { DatedValue } from '../src/core/kpi/kpi.ts';
import { openAppContext } from '../src/app-context.ts';
import { benchWeb } from './web-bench.ts';
import { benchSheets } from './sheets-bench.ts';
import { benchKpiChart } from './kpi-chart-bench.ts';
import { benchNational } from './national/national-bench.ts';

const json = process.argv.includes('--json');
const figures: Record<string, number> = {};
const say = (name: string, value: number, unit: string, goal?: string) => {
  figures[name] = value;
  if (!json) console.log(`${name.padEnd(36)} ${value.toLocaleString('en-US', { maximumFractionDigits: 2 }).padStart(14)} ${unit}${goal ? `   (goal: ${goal})` : ''}`);
};

/** (a) rate + status + forecast for 1,000,000 synthetic KPI series in the pure core. */
function benchCore(): void {
  const n = 1_000_000;
  // Synthetic series built up front so the loop measures the maths, not the allocation.
  const series: { baseline: DatedValue; actual: DatedValue; target: DatedValue }[] = [];
  for (let i = 0; i < 1000; i++) {
    const b = 10 + (i % 97);
    series.push({
      baseline: { at: { kind: 'year', year: 2018 + (i % 4) }, value: b },
      actual: { at: { kind: 'month', year: 2023, month: 1 + (i % 12) }, value: b + ((i * 7) % 50) - 10 },
      target: { at: { kind: 'fiscal-year', year: 2030 }, value: b + 40 + (i % 13) },
    });
  }
  let sink = 0;
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const s = series[i % 1000]!;
    const a = achievement({ baseline: s.baseline.value, actual: s.actual.value, target: s.target.value, method: 'progress-from-baseline', direction: 'up' });
    const st = assessStatus({ baseline: s.baseline, actual: s.actual, target: s.target, direction: 'up', method: 'progress-from-baseline' });
    const f = forecastAtTarget([s.baseline, s.actual], s.target, 'up');
    sink += (a.rate ?? 0) + (st.status === 'behind' ? 1 : 0) + (f.projectedValue ?? 0);
  }
  const seconds = (performance.now() - start) / 1000;
  if (sink === 42) console.log('');
  say('core.series_per_second', Math.round(n / seconds), 'series/s', '> 1,000,000');
  say('core.million_series_seconds', seconds, 's');
}

/** (b) create a fresh database and load the three seed cities. */
async function benchSeedLoad(): Promise<void> {
  const start = performance.now();
  const ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: true, inMemory: true }, { announce: () => {} });
  const seconds = (performance.now() - start) / 1000;
  await ctx.close();
  say('storage.fresh_db_and_seed_seconds', seconds, 's', '< 2 s on PGlite');
  say('storage.seed_cities_loaded', ctx.seededCities, 'cities');
}

/**
 * Issues 4 and 11.4: city, plan and KPI pages cached, uncached and cold, each interleaved with the same
 * bytes served static (A B A B), the server in its own process.
 */
async function benchWebPage(): Promise<void> {
  const pages = await benchWeb(process.argv.includes('--quick') ? 3 : 10);
  for (const [name, w] of Object.entries(pages)) {
    say(`web.${name}_page_static_requests_per_second`, w.staticRps, 'req/s');
    say(`web.${name}_page_cached_requests_per_second`, w.cachedRps, 'req/s');
    say(`web.${name}_page_cached_p95_ms`, w.cachedP95Ms, 'ms');
    say(`web.${name}_page_cached_to_static_ratio`, w.cachedRatio, '', '>= 0.9');
    say(`web.${name}_page_uncached_requests_per_second`, w.uncachedRps, 'req/s');
    say(`web.${name}_page_uncached_p95_ms`, w.uncachedP95Ms, 'ms');
    say(`web.${name}_page_uncached_slowdown`, w.uncachedSlowdown, '× static', '<= 10');
    say(`web.${name}_page_cold_requests_per_second`, w.coldRps, 'req/s');
    say(`web.${name}_page_cold_p95_ms`, w.coldP95Ms, 'ms');
    say(`web.${name}_page_cold_slowdown`, w.coldSlowdown, '× static');
    say(`web.${name}_page_bytes`, w.bytes, 'bytes');
    say(`web.${name}_page_static_cpu_ms`, w.cpuMs.static, 'ms CPU/req');
    say(`web.${name}_page_cached_cpu_ms`, w.cpuMs.cached, 'ms CPU/req');
    say(`web.${name}_page_uncached_cpu_ms`, w.cpuMs.uncached, 'ms CPU/req');
    say(`web.${name}_page_cold_cpu_ms`, w.cpuMs.cold, 'ms CPU/req');
    say(`web.${name}_page_cached_cpu_to_static`, w.cpuMs.cached / w.cpuMs.static, '× static CPU', '<= 1.1');
    say(`web.${name}_page_uncached_cpu_to_static`, w.cpuMs.uncached / w.cpuMs.static, '× static CPU', '<= 10');
    say(`web.${name}_page_cold_cpu_to_static`, w.cpuMs.cold / w.cpuMs.static, '× static CPU');
  }
}

/** Issue 5: a 300-KPI plan's sheet as .xlsx and PDF; preview + commit of a 100,000-row CSV. */
/** The KPI chart (wide + narrow SVG) drawn for every seed KPI in both languages: CPU per page. */
async function benchKpiChartFigure(): Promise<void> {
  const { msPerPage } = await benchKpiChart(process.argv.includes('--quick') ? 20 : 200);
  say('web.kpi_chart_draw_cpu_ms', msPerPage, 'ms CPU/page', '< 1');
}

async function benchSheetFigures(): Promise<void> {
  const skip = (name: string, why: string) => {
    if (!json) console.log(`${name.padEnd(36)} ${'skipped'.padStart(14)} (${why})`);
  };
  await benchSheets({ say, skip });
}

/** `--name=value` of the command line, or undefined. */
function option(name: string): string | undefined {
  const arg = process.argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  return arg === undefined ? undefined : (arg.split('=')[1] ?? '');
}

const national = option('national');
if (national !== undefined) {
  const cities = national === '' ? 1741 : Number(national);
  if (!Number.isInteger(cities) || cities < 2) throw new Error(`--national=N: expected a whole number of cities ≥ 2, got "${national}"`);
  const figures = await benchNational({ cities, seconds: Number(option('seconds') ?? 10), mixedSeconds: Number(option('mixed-seconds') ?? 20), ...(option('keep') ? { keepDir: option('keep')! } : {}) });
  console.log(JSON.stringify(figures, null, 2));
  process.exit(0);
}

// `--web`: only the web pages' figures (the part issue 11.4 tunes), a few minutes instead of many.
if (process.argv.includes('--web')) {
  await benchKpiChartFigure();
  await benchWebPage();
} else {
  benchCore();
  await benchSeedLoad();
  await benchKpiChartFigure();
  await benchWebPage();
  await benchSheetFigures();
}
if (json) console.log(JSON.stringify(figures));
