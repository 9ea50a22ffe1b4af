import type { Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Database } from './database.ts';
import * as m20261123_0001 from './migrations/2026_11_23_0001_initial.ts';
import * as m20261124_0001 from './migrations/2026_11_24_0001_staff.ts';
import * as m20261125_0001 from './migrations/2026_11_25_0001_partners.ts';
import * as m20261130_0101 from './migrations/2026_11_30_0101_accounts.ts';
import * as m20261130_0501 from './migrations/2026_11_30_0501_review.ts';
import * as m20261130_0601 from './migrations/2026_11_30_0601_edit_versions.ts';
import * as m20261130_0701 from './migrations/2026_11_30_0701_figures.ts';
import * as m20261130_0901 from './migrations/2026_11_30_0901_national_summaries.ts';
import * as m20261130_1101 from './migrations/2026_11_30_1101_cities.ts';
import * as m20261130_1201 from './migrations/2026_11_30_1201_plan_building.ts';
import * as m20261130_1401 from './migrations/2026_11_30_1401_sheet_forms.ts';
import * as m20261130_1601 from './migrations/2026_11_30_1601_search_readings.ts';
import * as m20261130_1602 from './migrations/2026_11_30_1602_city_code_and_licence.ts';
import * as m20261201_0301 from './migrations/2026_12_01_0301_kpi_metadata.ts';
import * as m20261201_0401 from './migrations/2026_12_01_0401_compare.ts';
import * as m20261201_0451 from './migrations/2026_12_01_0451_kpi_delete_and_successor.ts';
import * as m20261201_0705 from './migrations/2026_12_01_0705_goal_city_counts.ts';
import * as m20261201_0710 from './migrations/2026_12_01_0710_goal_target_index.ts';
import * as m20261201_1201 from './migrations/2026_12_01_1201_city_page_summaries.ts';
import * as m20261201_1301 from './migrations/2026_12_01_1301_compare_summaries.ts';
import * as m20261202_1401 from './migrations/2026_12_02_1401_plan_page_summaries.ts';
import * as m20261203_1101 from './migrations/2026_12_03_1101_kpi_summaries_city_definition.ts';
import * as m20261203_1201 from './migrations/2026_12_03_1201_plan_page_outline.ts';
import * as m20261204_1101 from './migrations/2026_12_04_1101_kpi_page_summaries.ts';
import * as m20261203_1001 from './migrations/2026_12_03_1001_national_reads.ts';
import * as m20261203_1002 from './migrations/2026_12_03_1002_search_serial.ts';

/**
 * Every migration by name. Append a line for each new file in migrations/ (named
 * YYYY_MM_DD_NNNN_what.ts); never edit or remove an existing one.
 */
const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '2026_11_23_0001_initial': m20261123_0001,
  '2026_11_24_0001_staff': m20261124_0001,
  '2026_11_25_0001_partners': m20261125_0001,
  '2026_11_30_0101_accounts': m20261130_0101,
  '2026_11_30_0501_review': m20261130_0501,
  '2026_11_30_0601_edit_versions': m20261130_0601,
  '2026_11_30_0701_figures': m20261130_0701,
  '2026_11_30_0901_national_summaries': m20261130_0901,
  '2026_11_30_1101_cities': m20261130_1101,
  '2026_11_30_1201_plan_building': m20261130_1201,
  '2026_11_30_1401_sheet_forms': m20261130_1401,
  '2026_11_30_1601_search_readings': m20261130_1601,
  '2026_11_30_1602_city_code_and_licence': m20261130_1602,
  '2026_12_01_0301_kpi_metadata': m20261201_0301,
  '2026_12_01_0401_compare': m20261201_0401,
  '2026_12_01_0451_kpi_delete_and_successor': m20261201_0451,
  '2026_12_01_0705_goal_city_counts': m20261201_0705,
  '2026_12_01_0710_goal_target_index': m20261201_0710,
  '2026_12_01_1201_city_page_summaries': m20261201_1201,
  '2026_12_01_1301_compare_summaries': m20261201_1301,
  '2026_12_02_1401_plan_page_summaries': m20261202_1401,
  '2026_12_03_1101_kpi_summaries_city_definition': m20261203_1101,
  '2026_12_03_1201_plan_page_outline': m20261203_1201,
  '2026_12_04_1101_kpi_page_summaries': m20261204_1101,
  '2026_12_03_1001_national_reads': m20261203_1001,
  '2026_12_03_1002_search_serial': m20261203_1002,
};

/** The migrations from the static list above: no filesystem scanning, so bundling works. */
const provider: MigrationProvider = {
  getMigrations: () => Promise.resolve({ ...MIGRATIONS }),
};

/**
 * A fingerprint of every migration's code (names and their `up` functions' source), so a cached
 * template cluster is never reused after a migration changed under the same name (which only
 * happens to one not yet landed, while it is being written).
 */
export const MIGRATIONS_FINGERPRINT: string = Object.keys(MIGRATIONS)
  .sort()
  .map((name) => `${name}\n${String(MIGRATIONS[name]!.up)}`)
  .join('\n');

/** Names of all known migrations, oldest first. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(MIGRATIONS).sort();

/** Brings the schema up to date; throws with the failing migration's name and cause. */
export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  // Parallel branches get their own name prefixes (2026_11_30_01…, 2026_11_30_09…), so a branch
  // merged later may bring a migration that sorts before one a database already ran; each
  // migration is independent of those, so it is applied rather than refused as "corrupted".
  const { error, results } = await new Migrator({ db, provider, allowUnorderedMigrations: true }).migrateToLatest();
  if (error === undefined) return;
  const failed = results?.find((r) => r.status === 'Error')?.migrationName;
  const cause = error instanceof Error ? error.message : String(error);
  throw new Error(
    failed ? `database migration ${failed} failed: ${cause}` : `database migrations could not run: ${cause}`,
    { cause: error },
  );
}

/** Names of the migrations already applied to this database, oldest first. */
export async function appliedMigrations(db: Kysely<Database>): Promise<string[]> {
  const all = await new Migrator({ db, provider, allowUnorderedMigrations: true }).getMigrations();
  return all.filter((m) => m.executedAt !== undefined).map((m) => m.name);
}
