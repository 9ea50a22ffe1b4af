import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('.', import.meta.url));

let version: string | undefined;

/**
 * A fingerprint of the app's own source (every file under src/ but tests: code, views, message
 * catalogs), the same in every process running the same code: what rendered output kept in the
 * database is marked with (the KPI pages kept with a city's summaries), so a process never serves
 * HTML that another version of the code rendered. Read once per process (some 3 MB, tens of ms).
 */
export function sourceVersion(): string {
  if (version === undefined) {
    const hash = createHash('sha256');
    for (const file of sourceFiles(SRC)) hash.update(relative(SRC, file)).update('\u0000').update(readFileSync(file)).update('\u0000');
    version = hash.digest('base64url').slice(0, 22);
  }
  return version;
}

/** The source files under `dir` in a stable order, tests left out. */
function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(path));
    else if (e.isFile() && !/\.test\.tsx?$/.test(e.name)) out.push(path);
  }
  return out;
}
