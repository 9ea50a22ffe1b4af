import type { Executor } from '../storage/database.ts';
import type { CityRow, CityRowUpdate, NewCityRow } from './city.table.ts';

/** The city row with this id, if any. */
export async function findCityRow(db: Executor, cityId: string): Promise<CityRow | undefined> {
  return db.selectFrom('cities').selectAll().where('id', '=', cityId).executeTakeFirst();
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
