import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('.', import.meta.url));
const LOCKFILE = join(SRC, '..', 'package-lock.json');

const versions = new Map<string, string>();

/**
 * A fingerprint of the code that `entry` (a module under src/, e.g. `web/kpi-page-renderer.ts`)
 * runs: every source file it reaches through relative imports that run ({@link sourceFilesOf}:
 * code, views, message catalogs), and the locked versions of the dependencies (package-lock.json:
 * a new version of the JSX renderer may change the HTML). The same in every process running the same code; what rendered
 * output kept in the database is marked with (the KPI pages kept with a city's summaries), so a
 * process never serves HTML another version of that code rendered, while a change elsewhere (a
 * route, the page cache, a command) keeps the pages. Read once per process and entry (tens of ms).
 */
export function sourceVersion(entry = 'web/kpi-page-renderer.ts'): string {
  let version = versions.get(entry);
  if (version === undefined) {
    const hash = createHash('sha256');
    for (const file of sourceFilesOf(entry)) hash.update(relative(SRC, file)).update('\u0000').update(readFileSync(file)).update('\u0000');
    hash.update(existsSync(LOCKFILE) ? readFileSync(LOCKFILE) : 'no lockfile');
    versions.set(entry, (version = hash.digest('base64url').slice(0, 22)));
  }
  return version;
}

/** Relative module specifiers of a source text: `import … from './x.ts'`, `export … from`, `import './x.ts'`, `import('./x.ts')`. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;
/** `import type …;` and `export type … from …;`: erased when compiled, they run nothing. */
const TYPE_ONLY = /^\s*(?:import|export)\s+type\s[^;]*;/gm;

/**
 * `entry` (a path under src/) and every file it reaches through relative imports, `import type`
 * left out (erased when compiled, such an import runs nothing): absolute paths, sorted.
 */
export function sourceFilesOf(entry: string): string[] {
  const seen = new Set<string>();
  const pending = [resolve(SRC, entry)];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').replace(TYPE_ONLY, '').matchAll(SPECIFIER)) pending.push(resolve(dirname(file), m[1]!));
  }
  return [...seen].sort();
}
