/**
 * An in-process loop over the public pages for profiling (`node --cpu-prof bin/run-ts.mjs
 * bench/profile-pages.ts`): the seeded app on an in-memory PGlite plus one generated city of
 * about 280 KPIs and one of about 200 (bench/national/generate.ts), each page requested through `app.request` with an
 * unknown query parameter so that every request renders (the page cache passes it by). Prints
 * each page's bytes and mean milliseconds per request (wall clock and CPU, one process: a profile aid,
 * not the benchmark; `npm run bench -- --web` measures the server), and the CPU of a cold request
 * (every kept fragment and plan page model dropped first, as after a write to the city), and of a miss (the city out of
 * the store as well, as for most requests at national scale).
 *
 * `--n=N` requests per page (default 300); `--postgres` runs on a throw-away PostgreSQL server; `--dump=DIR` writes each page's HTML there;
 * `--only=plan,kpi` measures only the named pages; `--cpu-prof=DIR` writes a V8 CPU profile of each
 * page's measured requests alone (`DIR/<page>.cpuprofile`; its misses in `DIR/<page>-miss.cpuprofile`; without start-up and seeding), for
 * Chrome DevTools or speedscope. With `--postgres`, a miss also prints its queries (statements
 * sent, BEGIN/COMMIT included) and the PostgreSQL server's CPU per miss (every process of the
 * server, read from /proc: on a 2-core machine the database's CPU is the app's too).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { Session } from 'node:inspector/promises';
import { openAppContext } from '../src/app-context.ts';
import { importPlanData } from '../src/cities/plan-data-import.service.ts';
import { createApp } from '../src/web/app.tsx';
import { fragments } from '../src/web/views/fragment-cache.ts';
import { forgetPlanPageModels } from '../src/plans/plan-page.service.ts';
import { generateCity } from './national/generate.ts';
import { startPostgresServer } from '../test/support/postgres-server.ts';

const dump = process.argv.find((a) => a.startsWith('--dump='))?.slice(7);
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const profileDir = process.argv.find((a) => a.startsWith('--cpu-prof='))?.slice(11);
const n = Number(process.argv.find((a) => a.startsWith('--n='))?.slice(4) ?? 300);
// `--postgres`: a throw-away PostgreSQL server instead of the in-process PGlite (the national
// deployment's database: query work in another process, as the national bench measures it).
const postgres = process.argv.includes('--postgres') ? await startPostgresServer() : undefined;
const ctx = await openAppContext({ dataDir: '', databaseUrl: postgres?.url, seed: true, inMemory: !postgres }, { announce: () => {} });
// City index 6 of the national bench's seed has 281 KPIs (the size the README quotes).
let big = generateCity(0);
for (let i = 0; i < 40 && big.kpiIds.length < 270; i++) big = generateCity(i);
const r = await importPlanData(ctx.db, big.file, 'profile');
if (!r.ok) throw new Error('the generated city is invalid');
ctx.store.invalidate(big.id);
// A second generated city of about 200 KPIs: two such cities are the compare page's national case.
let second = generateCity(1);
for (let i = 1; i < 80 && (second.kpiIds.length < 190 || second.kpiIds.length > 240 || second.id === big.id); i++) second = generateCity(i);
const r2 = await importPlanData(ctx.db, second.file, 'profile');
if (!r2.ok) throw new Error('the second generated city is invalid');
ctx.store.invalidate(second.id);
await ctx.store.settled();
/** Statements sent to PostgreSQL so far (every `pg` client query: the pool's connections). */
let statements = 0;
if (postgres) {
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    statements++;
    return query.apply(this, args);
  } as typeof pg.Client.prototype.query;
}
/** The postmaster's pid (the parent of a backend), to sum the CPU of the server's processes. */
const postmaster = postgres ? await postmasterPid(postgres.url) : 0;
async function postmasterPid(url: string): Promise<number> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
    return Number(readFileSync(`/proc/${rows[0]!.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
  } finally {
    await client.end();
  }
}
/** CPU milliseconds used by the PostgreSQL server so far: its live processes and those it has reaped. */
function serverCpuMs(): number {
  const ticks = (pid: string, fields: number[]) => {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return { ppid: Number(f[1]), sum: fields.reduce((n, i) => n + Number(f[i]), 0) };
    } catch {
      return { ppid: -1, sum: 0 };
    }
  };
  // Fields after the command: utime 11, stime 12, cutime 13, cstime 14 (0-based from the state).
  let total = ticks(String(postmaster), [11, 12, 13, 14]).sum;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const t = ticks(pid, [11, 12]);
    if (t.ppid === postmaster) total += t.sum;
  }
  return (total * 1000) / 100;
}
const app = createApp({ db: ctx.db, store: ctx.store, staff: ctx.staff, clock: ctx.clock });

const pages: Record<string, string> = {
  compare: `/compare?cities=ichinoseki&cities=${big.id}`,
  // Two generated cities (~280 and ~200 KPIs): the comparison at national scale.
  compare_gen: `/compare?cities=${big.id}&cities=${second.id}`,
  // One shared goal's page of that comparison (the folded page links to each).
  compare_gen_goal: `/compare?cities=${big.id}&cities=${second.id}&goal=11`,
  [`api_city_${big.kpiIds.length}`]: `/api/v1/cities/${big.id}/kpis`,
  city: '/cities/ichinoseki',
  plan: '/cities/ichinoseki/plans/ichinoseki-sdgs-future-city-1',
  kpi: '/cities/ichinoseki/kpis/new-farmers',
  [`city_${big.kpiIds.length}`]: `/cities/${big.id}`,
  [`plan_${big.kpiIds.length}`]: `/cities/${big.id}/plans/${big.planId}`,
  [`kpi_${big.kpiIds.length}`]: `/cities/${big.id}/kpis/${big.kpiIds[0]}`,
  // The city's KPI list (paged since issue 11.1) and one filtered page of it.
  [`kpis_${big.kpiIds.length}`]: `/cities/${big.id}/kpis`,
  [`kpis_achieved_${big.kpiIds.length}`]: `/cities/${big.id}/kpis?status=achieved`,
};
/**
 * Runs `request(i)` for i < n and returns the mean CPU and wall milliseconds per request; with
 * `--cpu-prof`, writes a V8 CPU profile of exactly those requests to `profileDir/file`.
 */
async function measured(file: string | null, n: number, request: (i: number) => Promise<void>): Promise<{ cpuMs: number; wallMs: number }> {
  const session = profileDir && file ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const t = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < n; i++) await request(i);
  const used = process.cpuUsage(cpu);
  const wallMs = (performance.now() - t) / n;
  if (session) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(`${profileDir}/${file}`, JSON.stringify(profile));
    session.disconnect();
  }
  return { cpuMs: (used.user + used.system) / 1000 / n, wallMs };
}

for (const [name, path] of Object.entries(pages)) {
  // `--only=kpi_N` names a generated city's page whatever its size.
  if (only && !only.includes(name) && !only.includes(name.replace(/_\d+$/, '_N'))) continue;
  const first = await app.request(path);
  if (first.status !== 200) throw new Error(`${path}: ${first.status}`);
  const body = await first.text();
  const bytes = Buffer.byteLength(body);
  if (dump) writeFileSync(`${dump}/${name}.html`, body);
  const suffix = (key: string, i: number) => `${path}${path.includes('?') ? '&' : '?'}${key}=${i}`;
  for (let i = 0; i < 30; i++) await (await app.request(suffix('warm', i))).arrayBuffer();
  const { cpuMs, wallMs: ms } = await measured(`${name}.cpuprofile`, n, async (i) => {
    await (await app.request(suffix('profile', i))).arrayBuffer();
  });
  // Cold: every kept fragment (and plan page model) dropped before each request, as the first render after a write.
  const coldN = Math.max(1, Math.floor(n / 3));
  const { cpuMs: coldMs } = await measured(null, coldN, async (i) => {
    fragments.clear();
    forgetPlanPageModels(ctx.db);
    await (await app.request(suffix('cold', i))).arrayBuffer();
  });
  // Miss: the city out of the store too (as for one of 1,741 cities at national scale, issue 11).
  const [sent, serverCpu] = [statements, serverCpuMs()];
  const { cpuMs: missMs, wallMs: missWall } = await measured(`${name}-miss.cpuprofile`, coldN, async (i) => {
    fragments.clear();
    forgetPlanPageModels(ctx.db);
    ctx.store.forget();
    await (await app.request(suffix('miss', i))).arrayBuffer();
  });
  const database = postgres ? ` ${((statements - sent) / coldN).toFixed(1)} queries/miss, ${((serverCpuMs() - serverCpu) / coldN).toFixed(1)} ms PostgreSQL CPU/miss` : '';
  console.log(`${name.padEnd(16)} ${String(bytes).padStart(8)} bytes ${ms.toFixed(3).padStart(8)} ms/request ${cpuMs.toFixed(3).padStart(8)} ms CPU/request ${coldMs.toFixed(3).padStart(8)} ms CPU/cold ${missMs.toFixed(1).padStart(7)} ms CPU/miss (${missWall.toFixed(1)} ms wall)${database}`);
}
await ctx.close();
await postgres?.stop();
