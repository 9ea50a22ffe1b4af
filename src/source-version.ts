import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('.', import.meta.url));
const LOCKFILE = join(SRC, '..', 'package-lock.json');
const TSCONFIG = join(SRC, '..', 'tsconfig.json');

const versions = new Map<string, string>();

/**
 * A module the version hashes, with every module it runs (a path under src/), or alone
 * (`{ alone }`: the file's own text, not what it imports).
 */
export type SourceEntry = string | { readonly alone: string };

/**
 * What a kept KPI page is a function of, besides the stored data: the renderer (the view, its
 * frame, catalogs, number writers, KPI maths) and the code that builds the city's public view it
 * renders from: the city's data (cities/city-data.service.ts), what the public sees of it
 * (review/publication.service.ts: published years, reviews, notes) and the store's load, which
 * puts these together (cities/city-data.store.ts, alone: the rest of what it runs is the
 * summaries' and the caches'). A fix to any changes the full path's page at once, so the kept
 * pages must not outlive it.
 */
export const KPI_PAGE_SOURCES: readonly SourceEntry[] = ['web/kpi-page-renderer.ts', 'cities/city-data.service.ts', 'review/publication.service.ts', { alone: 'cities/city-data.store.ts' }];

/**
 * Modules the walk does not follow: the migrations run before any process serves, and one that
 * changes public data marks the cities' summaries stale as any write does (else every summary
 * would be stale, not the KPI pages alone); a new migration need not render every page again.
 */
const NOT_FOLLOWED = /^storage\/(?:migrate\.ts|migrations\/)/;

/** The parts of the Node.js release that decide what the renderer writes: Intl (numbers, dates) follows its ICU, CLDR, Unicode and time-zone data. */
const RUNTIME_PARTS = ['node', 'icu', 'cldr', 'unicode', 'tz'] as const;

/**
 * A fingerprint of the code that `entry` (modules under src/; by default {@link KPI_PAGE_SOURCES})
 * runs: every source file it reaches through relative imports that run ({@link sourceFilesOf}:
 * code, views, message catalogs), the locked versions of the dependencies (package-lock.json:
 * a new version of the JSX renderer may change the HTML), the compiler's settings (tsconfig.json:
 * how JSX is compiled) and the runtime (`runtime`, this process's `process.versions`: the Node.js
 * release and its ICU/CLDR data, which write the numbers and dates through Intl). The same in
 * every process running the same code on the same Node.js; what rendered output kept in the
 * database is marked with (the KPI pages kept with a city's summaries), so a process never serves
 * HTML another version of that code or runtime rendered, while a change elsewhere (a route, the
 * page cache, a command) keeps the pages. Read once per process, entry and runtime (tens of ms).
 */
export function sourceVersion(entry: SourceEntry | readonly SourceEntry[] = KPI_PAGE_SOURCES, runtime: NodeJS.ProcessVersions = process.versions): string {
  const runtimeKey = RUNTIME_PARTS.map((p) => `${p}=${runtime[p] ?? ''}`).join(' ');
  const cacheKey = `${JSON.stringify(entry)}\u0000${runtimeKey}`;
  let version = versions.get(cacheKey);
  if (version === undefined) {
    const hash = createHash('sha256');
    for (const file of sourceFilesOf(entry)) hash.update(relative(SRC, file)).update('\u0000').update(readFileSync(file)).update('\u0000');
    for (const file of [LOCKFILE, TSCONFIG]) hash.update(existsSync(file) ? readFileSync(file) : `no ${relative(join(SRC, '..'), file)}`).update('\u0000');
    hash.update(runtimeKey);
    versions.set(cacheKey, (version = hash.digest('base64url').slice(0, 22)));
  }
  return version;
}

/** Relative module specifiers of a source text: `import … from './x.ts'`, `export … from`, `import './x.ts'`, `import('./x.ts')`. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;
/** `import type …;` and `export type … from …;`: erased when compiled, they run nothing. */
const TYPE_ONLY = /^\s*(?:import|export)\s+type\s[^;]*;/gm;

/**
 * `entry` (paths under src/) and every file they reach through relative imports (of those given
 * `{ alone }`, the file only), `import type` left out (erased when compiled, such an import runs nothing), the migrations not followed
 * ({@link NOT_FOLLOWED}): absolute paths, sorted.
 */
export function sourceFilesOf(entry: SourceEntry | readonly SourceEntry[]): string[] {
  const seen = new Set<string>();
  const entries = (Array.isArray(entry) ? entry : [entry]) as readonly SourceEntry[];
  const pending = entries.flatMap((e) => (typeof e === 'string' ? [resolve(SRC, e)] : []));
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file) || !existsSync(file) || NOT_FOLLOWED.test(relative(SRC, file))) continue;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').replace(TYPE_ONLY, '').matchAll(SPECIFIER)) pending.push(resolve(dirname(file), m[1]!));
  }
  // Added after the walk: a file given alone is still followed when a walked module runs it.
  for (const e of entries) if (typeof e !== 'string' && existsSync(resolve(SRC, e.alone))) seen.add(resolve(SRC, e.alone));
  return [...seen].sort();
}
