import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import { MIGRATIONS_FINGERPRINT } from './migrate.ts';

/**
 * A fresh PGlite cluster is made by running initdb in WebAssembly, which takes seconds; loading
 * a dump of one takes a fraction of that. Like PostgreSQL's template1, the first fresh cluster
 * on a machine, once migrated, is dumped here (or by `npm ci`'s prepare step) and later fresh
 * databases start from it. The cache is keyed by PGlite's version and the migrations' code;
 * a missing or unreadable one just means initdb and migrating as usual.
 */
const CACHE_DIR = fileURLToPath(new URL('../../node_modules/.cache/michishirube/', import.meta.url));

async function templatePath(): Promise<string> {
  const pkg = JSON.parse(await readFile(fileURLToPath(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url)), 'utf8')) as { version: string };
  const migrations = createHash('sha256').update(MIGRATIONS_FINGERPRINT).digest('hex').slice(0, 12);
  return join(CACHE_DIR, `pglite-${pkg.version}-${migrations}.tar.gz`);
}

/** The cached empty cluster, if there is one. */
export async function loadPgliteTemplate(): Promise<Blob | undefined> {
  try {
    const path = await templatePath();
    if (!existsSync(path)) return undefined;
    return new Blob([await readFile(path)]);
  } catch {
    return undefined;
  }
}

/** Dumps a just-created and migrated, still empty cluster as the template (written atomically). */
export async function savePgliteTemplate(pglite: PGlite): Promise<void> {
  try {
    const path = await templatePath();
    if (existsSync(path)) return;
    const dump = await pglite.dumpDataDir('gzip');
    await mkdir(CACHE_DIR, { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, Buffer.from(await dump.arrayBuffer()));
    await rename(tmp, path);
  } catch {
    // A cache that cannot be written (read-only install) only costs speed.
  }
}

