import type { Kysely } from 'kysely';
import { readPlanDataFile, readSeedCities } from '../formats/plan-data/plan-data.file.ts';
import { readPlanData, type PlanDataResult } from '../formats/plan-data/plan-data.reader.ts';
import type { Database } from '../storage/database.ts';
import { listCities, saveCityData } from './city-data.service.ts';
import { publishDocumentedYears } from '../review/publication.service.ts';
import { recordInitialPlanVersions } from '../plans/plan.commands.ts';

/** Imports a plan data file: all of it in one transaction, or nothing. */
export async function importPlanDataFile(db: Kysely<Database>, path: string, actor: string): Promise<PlanDataResult> {
  return saveRead(db, await readPlanDataFile(path), actor);
}

/**
 * Imports plan data already parsed from JSON (the same checks and writes as a file): for bulk
 * loads in one process (the national benchmark imports 1,741 cities this way instead of
 * starting the CLI once per file). The caller signals the change (store.invalidate) or rebuilds
 * the summaries afterwards (store.catchUpSummaries).
 */
export async function importPlanData(db: Kysely<Database>, json: unknown, actor: string): Promise<PlanDataResult> {
  return saveRead(db, readPlanData(json), actor);
}

async function saveRead(db: Kysely<Database>, read: PlanDataResult, actor: string): Promise<PlanDataResult> {
  if (read.ok) {
    await saveCityData(db, read.value, actor);
    await publishDocumentedYears(db, read.value.city.id, actor);
    // Each plan starts with its adoption (策定) recorded, so revisions can be compared with it.
    await recordInitialPlanVersions(db, read.value.city.id, actor);
  }
  return read;
}

/** Loads the seed cities into an empty database; does nothing when a city exists already. */
export async function loadSeedCitiesIfEmpty(db: Kysely<Database>): Promise<number> {
  if ((await listCities(db)).length > 0) return 0;
  const cities = await readSeedCities();
  for (const c of cities) {
    await saveCityData(db, c, 'seed');
    await publishDocumentedYears(db, c.city.id, 'seed');
    await recordInitialPlanVersions(db, c.city.id, 'seed');
  }
  return cities.length;
}
