import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * The CLI run from another folder (issue 13 attacked: `plan import FILE` from the folder holding
 * the file): tsx looked for a tsconfig from the working directory, found none, compiled the JSX
 * views for React and every command died with "React is not defined". The bin and the import
 * worker name the project's tsconfig.
 */

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/michishirube.mjs', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'michishirube-any-dir-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the CLI from any directory', () => {
  it('runs a command on a file of the working directory, elsewhere than the project', async () => {
    const file = join(dir, 'kpis.csv');
    await writeFile(file, 'name,baseline_at,baseline,actual_at,actual,target_at,target,published_rate\n新規就農者数,2020年,13人,2023年,101人,2025年,157人,61%\n');
    const r = await run(process.execPath, [BIN, 'check', 'kpis.csv', '--json'], { cwd: dir, env: { ...process.env, DATA_DIR: join(dir, 'db') } }).catch((e: { code: number; stdout: string; stderr: string }) => e);
    expect(r.stderr).not.toContain('React is not defined');
    expect(JSON.parse(r.stdout.trim().split('\n')[0]!)).toMatchObject({ name: '新規就農者数', published_rate: 61 });
  }, 120_000);
});
