import type { Executor } from '../storage/database.ts';
import type { CityRow, NewCityRow } from '../storage/tables/city.table.ts';

/*
 * The SQL of creating and listing cities (issue 13.1). The loaders of a city's plans and KPIs
 * keep theirs in storage/city.repository.ts; this file holds what the cities concept adds.
 */

/** Whether a city with this id exists (any case: ids are lower-case, compared as stored). */
export async function cityIdExists(db: Executor, cityId: string): Promise<boolean> {
  return (await db.selectFrom('cities').select('id').where('id', '=', cityId).executeTakeFirst()) !== undefined;
}

/** The id of the city holding this 全国地方公共団体コード, if any. */
export async function cityIdWithCode(db: Executor, code: string): Promise<string | undefined> {
  return (await db.selectFrom('cities').select('id').where('local_government_code', '=', code).executeTakeFirst())?.id;
}

/** Inserts a new city's row; returns it as stored. */
export async function insertNewCity(db: Executor, row: NewCityRow): Promise<CityRow> {
  return db.insertInto('cities').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Every city for the system administrator's list: JIS prefecture order is applied by the caller; here by creation. */
export async function listCitiesForAdmin(db: Executor): Promise<CityRow[]> {
  return db.selectFrom('cities').selectAll().orderBy('created_at').orderBy('id').execute();
}
