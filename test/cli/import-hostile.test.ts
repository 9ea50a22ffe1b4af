import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import * as hostile from '../support/hostile-files.ts';

/*
 * Issue 9 point 2 through `michishirube import`: every kind of hostile file ends with exit code
 * 2 and one line saying why, never a crash. The shared-strings bomb (exit 133, a fatal
 * V8 error, before) runs in a real process; the other kinds through main() in this one.
 */

let dir: string;
const saved = { DATA_DIR: process.env['DATA_DIR'], DATABASE_URL: process.env['DATABASE_URL'] };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'michishirube-cli-hostile-'));
  process.env['DATA_DIR'] = join(dir, 'db');
  delete process.env['DATABASE_URL'];
  // Commands never seed: the database is set up once, as a city would.
  expect(await main(['init'], () => {}, () => {})).toBe(0);
}, 180_000);
afterAll(async () => {
  if (saved.DATA_DIR === undefined) delete process.env['DATA_DIR'];
  else process.env['DATA_DIR'] = saved.DATA_DIR;
  if (saved.DATABASE_URL) process.env['DATABASE_URL'] = saved.DATABASE_URL;
  await rm(dir, { recursive: true, force: true });
});

async function importFile(name: string, content: Uint8Array | string): Promise<{ code: number; out: string; err: string }> {
  const path = join(dir, name);
  await writeFile(path, content);
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['import', path, '--city', 'ichinoseki'], (s) => out.push(s), (s) => err.push(s));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('michishirube import refuses hostile files with exit code 2 and one line', () => {
  const cases: [string, () => Promise<Uint8Array | string>, RegExp][] = [
    ['lying.xlsx', () => hostile.lyingZip(1024), /Refused: the workbook expands beyond the limit \(xl\/worksheets\/sheet1\.xml inflates beyond its declared 1000 bytes\)/],
    ['cells.xlsx', () => hostile.manyCellsWorkbook(1_200_000), /too many cells \(at most 1,000,000\)/],
    ['macro.xlsx', () => hostile.macroWorkbook(), /A workbook with macros \(xl\/vbaProject\.bin\) is not imported/],
    ['webservice.xlsx', () => hostile.webserviceWorkbook(), /reaches outside itself is not imported \(the formula =_xlfn\.WEBSERVICE\("http:\/\/attacker\.example/],
    ['link.xlsx', () => hostile.externalLinkWorkbook(), /reaches outside itself is not imported \(a link to another workbook \(xl\/externalLinks\/externalLink1\.xml\)\)/],
    ['entities.xlsx', () => hostile.entityWorkbook(), /DOCTYPE declaration, which Excel never writes \(xl\/worksheets\/sheet1\.xml\)/],
    ['deep.xlsx', () => hostile.deepXmlWorkbook(100_000), /nested too deep \(xl\/worksheets\/sheet1\.xml; at most 64 levels\)/],
    ['strings.xlsx', () => hostile.manySharedStringsWorkbook(3_000_000), /too many strings \(at most 500,000\)/],
    ['far.xlsx', () => hostile.farColumnWorkbook('XFD'), /too many columns \(sheet1!XFD3; at most 1,024\)/],
    ['long.xlsx', () => hostile.longCellWorkbook(5_000_000), /A cell holds more than 32,767 characters \(sharedStrings #\d+\)/],
    ['wide.csv', async () => hostile.wideCsv(1_000_000), /too many columns \(AMK2; at most 1,024\)/],
  ];
  for (const [name, make, message] of cases) {
    it(name, async () => {
      const r = await importFile(name, await make());
      expect(r.code).toBe(2);
      expect(r.err.split('\n')).toHaveLength(1);
      expect(r.err).toMatch(message);
      expect(r.err).toMatch(/; nothing was imported$/);
      expect(r.out).toBe('');
    }, 180_000);
  }

  it('michishirube check refuses a CSV with a million columns the same way', async () => {
    const path = join(dir, 'wide-check.csv');
    await writeFile(path, `kpi_id,name\nx${',1'.repeat(1_000_000)}\n`);
    const err: string[] = [];
    const code = await main(['check', path], () => {}, (s) => err.push(s));
    expect(code).toBe(2);
    expect(err).toEqual([expect.stringMatching(/wide-check\.csv: .*2.*the row has 1,000,001 cells; at most 1,024 are read$/)]);
  });

  it('the issue\'s 2.4 MB workbook with 287 MB of shared strings: a real process exits 2 with one line (it died with exit 133)', async () => {
    const path = join(dir, 'shared-strings.xlsx');
    await hostile.sharedStringsBomb(path);
    const child = spawn(process.execPath, [fileURLToPath(new URL('../../bin/michishirube.mjs', import.meta.url)), 'import', path, '--city', 'ichinoseki'], { env: { ...process.env, DATA_DIR: join(dir, 'db') } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^michishirube: .*shared-strings\.xlsx: Refused: the workbook expands beyond the limit \(.*\); nothing was imported$/)]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
  }, 300_000);
});
