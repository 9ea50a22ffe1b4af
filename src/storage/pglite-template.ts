import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';

/**
 * A fresh PGlite cluster is made by running initdb in WebAssembly, which takes seconds; loading
 * a dump of one takes a fraction of that. Like PostgreSQL's template1, the first fresh cluster
 * on a machine is dumped here (or by `npm ci`'s prepare step) and later fresh databases start
 * from it. The cache is keyed by PGlite's version; a missing or unreadable one just means initdb.
 */
const CACHE_DIR = fileURLToPath(new URL('../../node_modules/.cache/michishirube/', import.meta.url));

async function templatePath(): Promise<string> {
  const pkg = JSON.parse(await readFile(fileURLToPath(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url)), 'utf8')) as { version: string };
  return join(CACHE_DIR, `pglite-${pkg.version}-template.tar.gz`);
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

/** Dumps a just-created, still empty cluster as the template (written atomically). */
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

/** Builds the template ahead of time: `npm ci` runs this through the prepare script. */
export async function buildPgliteTemplate(): Promise<void> {
  if (await loadPgliteTemplate()) return;
  const pglite = new PGlite();
  await pglite.waitReady;
  await savePgliteTemplate(pglite);
  await pglite.close();
}
