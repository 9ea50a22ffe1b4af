import type { Executor } from '../storage/database.ts';
import type { CityRow, CityRowUpdate, NewCityRow } from './city.table.ts';

/** The city row with this id, if any. */
export async function findCityRow(db: Executor, cityId: string): Promise<CityRow | undefined> {
  return cityRowQuery(db, cityId).executeTakeFirst();
}

/** The query of {@link findCityRow}, to run or to nest in a larger read. */
export function cityRowQuery(db: Executor, cityId: string) {
  return db.selectFrom('cities').selectAll().where('id', '=', cityId);
}

/** All city rows, by id. */
export async function listCityRows(db: Executor): Promise<CityRow[]> {
  return db.selectFrom('cities').selectAll().orderBy('id').execute();
}

/** Inserts a city. */
export async function insertCity(db: Executor, row: NewCityRow): Promise<void> {
  await db.insertInto('cities').values(row).execute();
}

/** Updates a city's descriptive columns. */
export async function updateCity(db: Executor, cityId: string, patch: CityRowUpdate): Promise<void> {
  await db.updateTable('cities').set(patch).where('id', '=', cityId).execute();
}

/*
 * The SQL of cities: reading and updating a city's row, creating and listing cities (issue 13.1).
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
