/**
 * `node bin/run-ts.mjs bench/hostile-uploads.ts`: the hostile upload files of issue 9 point 2,
 * each previewed in a fresh process (it may die), measured with /usr/bin/time: exit code, peak
 * RSS, wall time, the outcome, and the slowest answer of a public page asked every 50 ms while
 * the file was being read. Not part of `npm run bench` (it takes a minute and ~1 GB of disk).
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const here = new URL('.', import.meta.url).pathname;

async function one(path: string, name: string): Promise<void> {
  const { openAppContext } = await import('../src/app-context.ts');
  const { createApp } = await import('../src/web/app.tsx');
  const { previewObservationImport, describeImportFileError } = await import('../src/actuals/observation-import.service.ts');
  const ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: true, inMemory: true }, { announce: () => {} });
  const app = createApp({ db: ctx.db, store: ctx.store, staff: ctx.staff });
  await (await app.request('/cities/ichinoseki')).text();
  let worst = 0;
  let asked = 0;
  let done = false;
  const poll = (async () => {
    while (!done) {
      const t = performance.now();
      await (await app.request(`/cities/ichinoseki?x=${asked++ % 2}`)).text();
      worst = Math.max(worst, performance.now() - t);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const start = performance.now();
  const r = await previewObservationImport(ctx.db, { path, name, cityId: 'ichinoseki' });
  const ms = performance.now() - start;
  done = true;
  await poll;
  const outcome = r.ok ? `read: ${r.value.rows} row(s), ${r.value.problems.length} problem(s)` : describeImportFileError(r.error).en;
  console.log(JSON.stringify({ ms: Math.round(ms), worstPublicMs: Math.round(worst), publicAsked: asked, outcome: outcome.slice(0, 160) }));
  await ctx.close();
}

async function all(): Promise<void> {
  const h = await import('../test/support/hostile-files.ts');
  const dir = await mkdtemp(join(tmpdir(), 'michishirube-hostile-'));
  const files: [string, () => Promise<Uint8Array | string | void>][] = [
    ['shared-strings-287mb.xlsx', () => h.sharedStringsBomb(join(dir, 'shared-strings-287mb.xlsx'))],
    ['many-cells.xlsx', () => h.manyCellsWorkbook()],
    ['lying-zip.xlsx', () => h.lyingZip()],
    ['macro.xlsx', () => h.macroWorkbook()],
    ['webservice.xlsx', () => h.webserviceWorkbook()],
    ['external-link.xlsx', () => h.externalLinkWorkbook()],
    ['deep-xml.xlsx', () => h.deepXmlWorkbook()],
    ['entities.xlsx', () => h.entityWorkbook()],
    ['long-cell.xlsx', () => h.longCellWorkbook()],
    ['far-column.xlsx', () => h.farColumnWorkbook()],
    ['many-shared-strings.xlsx', () => h.manySharedStringsWorkbook()],
    ['million-columns.csv', async () => h.wideCsv()],
  ];
  const only = process.argv.slice(2);
  try {
    for (const [name, make] of files) {
      if (only.length > 0 && !only.some((o) => name.includes(o))) continue;
      const path = join(dir, name);
      const made = await make();
      if (made) await writeFile(path, made);
      const size = (await readFile(path)).length;
      const r = spawnSync('/usr/bin/time', ['-f', '%M %e', process.execPath, join(here, '../bin/run-ts.mjs'), join(here, 'hostile-uploads.ts'), '--one', path, name], { encoding: 'utf8', maxBuffer: 1 << 24 });
      const timeLine = r.stderr.trim().split('\n').at(-1) ?? '';
      const [kb, secs] = timeLine.split(' ');
      const result = r.stdout.trim().split('\n').at(-1) ?? '';
      const crash = r.stderr.split('\n').find((l) => /FATAL|heap|Error/.test(l)) ?? '';
      console.log(`${name.padEnd(26)} ${(size / 1048576).toFixed(2).padStart(6)} MB  exit ${String(r.status).padStart(3)}  peak RSS ${(Number(kb) / 1024).toFixed(0).padStart(5)} MB  ${secs}s  ${result || crash.slice(0, 120)}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--one') await one(process.argv[3]!, process.argv[4]!);
else await all();
