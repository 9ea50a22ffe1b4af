/**
 * The benchmarks' load tools: the app server in a child process (bench-server.ts) and loads
 * generated with autocannon (a maintained load generator) whose every answer is timed here, so
 * the percentiles are exact (autocannon itself reports p90 and p97.5, not p95) and every status
 * code is counted per page type.
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A running bench server (a child process). */
export interface BenchServer {
  readonly base: string;
  readonly pid: number;
  /** Milliseconds from spawning the process to its listening (includes Node and tsx start-up). */
  readonly startMs: number;
  /** Resident memory of the server process now (MB, from /proc). */
  rssMb(): number;
  stop(): Promise<void>;
}

/** Starts bench/bench-server.ts with these environment variables (DATABASE_URL or DATA_DIR, SEED…) on a free port. */
export async function startBenchServer(env: Record<string, string>): Promise<BenchServer> {
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, ['bin/run-ts.mjs', 'bench/bench-server.ts'], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const ready = await new Promise<{ port: number; pid: number }>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line) as { port: number; pid: number });
    });
    child.once('exit', (code) => reject(new Error(`the bench server exited (${code}) before listening: ${stderr}`)));
  });
  const startMs = performance.now() - started;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    base: `http://127.0.0.1:${ready.port}`,
    pid: ready.pid,
    startMs,
    rssMb: () => rssMbOf(ready.pid),
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resident set size of a process in MB (Linux /proc). */
export function rssMbOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

/**
 * CPU time a process has used so far, user + system, in milliseconds (Linux /proc, in clock
 * ticks of 10 ms). Read before and after a load, it gives the server's CPU per request, a figure
 * that holds on a shared machine where requests per second drift with the other work.
 */
export function cpuMsOf(pid: number): number {
  // Fields after the command name (which may hold spaces, hence the last ')'): utime is the 12th, stime the 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}
const TICKS_PER_SECOND = 100;

/** What one load measured. */
export interface LoadResult {
  readonly requests: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  /** Answers by status code (e.g. { "200": 4210 }). */
  readonly statuses: Record<string, number>;
  /** Connection errors and timeouts. */
  readonly errors: number;
  /** Per tag (page type): answers, p50/p95 and status codes. */
  readonly byTag: Record<string, { requests: number; p50Ms: number; p95Ms: number; statuses: Record<string, number> }>;
}

/** A request the load sends next: its path and the tag (page type) its answer is counted under. */
export interface NextRequest {
  readonly path: string;
  readonly tag: string;
}

/**
 * Runs `connections` connections for `seconds` against `base`, each request's path drawn from
 * `next()` and sent with `headers`. Every answer is timed and counted under its tag.
 */
export async function runLoad(base: string, connections: number, seconds: number, next: () => NextRequest, headers: Record<string, string> = {}): Promise<LoadResult> {
  const all: number[] = [];
  const tags = new Map<string, { times: number[]; statuses: Record<string, number> }>();
  const statuses: Record<string, number> = {};
  const instance = autocannon({
    url: base,
    connections,
    duration: seconds,
    timeout: 30,
    headers,
    requests: [
      {
        setupRequest: (req, context: object) => {
          const n = next();
          (context as Record<string, unknown>)['tag'] = n.tag;
          return { ...req, path: n.path };
        },
      },
    ],
  });
  // Emitted after the answer is read and before the connection's next request is set up, so
  // the connection's context still holds the tag of the request answered (pipelining 1).
  // (The 'response' event is missing from @types/autocannon's overloads of `on`.)
  (instance as unknown as NodeJS.EventEmitter).on('response', (client: { requestIterator?: { context: Record<string, unknown> } }, statusCode: number, _bytes: number, responseTime: number) => {
    const tag = String(client.requestIterator?.context['tag'] ?? 'all');
    let t = tags.get(tag);
    if (!t) tags.set(tag, (t = { times: [], statuses: {} }));
    t.times.push(responseTime);
    t.statuses[statusCode] = (t.statuses[statusCode] ?? 0) + 1;
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    all.push(responseTime);
  });
  const result = await instance;
  const byTag: LoadResult['byTag'] = {};
  for (const [tag, t] of tags) byTag[tag] = { requests: t.times.length, p50Ms: percentile(t.times, 50), p95Ms: percentile(t.times, 95), statuses: t.statuses };
  return {
    requests: all.length,
    rps: all.length / seconds,
    p50Ms: percentile(all, 50),
    p95Ms: percentile(all, 95),
    statuses,
    errors: result.errors + result.timeouts,
    byTag,
  };
}

/** The p-th percentile (nearest rank) of a list of milliseconds, rounded to 0.1 ms; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[rank]! * 10) / 10;
}
