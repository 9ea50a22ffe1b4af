import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CityData } from '../../core/city/city.ts';
import { err } from '../../core/result.ts';
import { readPlanData, type PlanDataResult } from './plan-data.reader.ts';

/** The seed cities shipped with the project. */
export const SEED_DIR = fileURLToPath(new URL('../../../data/seeds/', import.meta.url));

/** Reads and checks a plan data file from disk (JSON in the format of data/seeds/). */
export async function readPlanDataFile(path: string): Promise<PlanDataResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return err([{ path: '(file)', message: code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path}: ${(e as Error).message}` }]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    return err([{ path: '(file)', message: `${path} is not valid JSON: ${(e as Error).message}` }]);
  }
  return readPlanData(json);
}

/** Every seed city's data, read and checked. A broken seed file is a bug: it throws. */
export async function readSeedCities(dir = SEED_DIR): Promise<CityData[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  const out: CityData[] = [];
  for (const f of files) {
    const r = await readPlanDataFile(join(dir, f));
    if (!r.ok) throw new Error(`seed file ${f} is invalid: ${r.error.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    out.push(r.value);
  }
  return out;
}
