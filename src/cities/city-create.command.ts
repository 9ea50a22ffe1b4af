import { generateOneTimePassword, hashPassword } from '../auth/password.ts';
import { actorName, type StaffUser } from '../auth/user.ts';
import { canCreateCities } from '../policies/staff.policy.ts';
import type { CityDataStore } from './city-data.store.ts';
import type { Executor } from '../storage/database.ts';
import { isConcurrentWriteError } from '../storage/edit-version.ts';
import { appendStaffChangeLog, inStaffTransaction } from '../storage/staff-database.ts';
import { findUserByUsername, insertUser, setUserRole } from '../auth/user.repository.ts';
import { validateCityInput, type CityCreateInput, type CityFieldErrors, type ValidCity } from './city-input.ts';
import { cityIdExists, cityIdWithCode, insertNewCity } from './city.repository.ts';

/*
 * The one command that creates a city (issue 13.1); the system administrator's page and
 * `michishirube city create` call it. It owns the write transaction: the city row (with its
 * 全国地方公共団体コード and fiscal year start), its first administrator (a one-time password,
 * shown once to the caller and stored only as a hash; the role `administrator` in the new city
 * only) and the audit entries (who, when, what) commit together or not at all. The change is then
 * signalled once, so the home page, the city list and the summaries see the new city.
 */

/** Who creates the city: a logged-in staff user (the policy decides) or the CLI's operator (who holds the database). */
export type CityCreator = { readonly kind: 'staff'; readonly user: StaffUser } | { readonly kind: 'cli' };

/** What {@link createCity} needs. */
export interface CreateCityProps {
  readonly db: Executor;
  readonly store: CityDataStore;
  readonly creator: CityCreator;
  readonly input: CityCreateInput;
}

/** The created city and its administrator's one-time credentials (shown once, never stored in clear). */
export interface CreatedCity {
  readonly city: ValidCity;
  readonly admin: { readonly username: string; readonly password: string };
}

/** The outcome: created, refused by the policy, or the field problems (nothing written). */
export type CreateCityResult =
  | { readonly ok: true; readonly value: CreatedCity }
  | { readonly ok: false; readonly forbidden: true; readonly errors?: undefined }
  | { readonly ok: false; readonly errors: CityFieldErrors; readonly forbidden?: undefined };

/** The name the change log keeps for the creator. */
function creatorName(creator: CityCreator): string {
  return creator.kind === 'staff' ? actorName(creator.user) : 'cli';
}

/**
 * Creates a city with its first administrator. Refused unless the creator may create cities
 * (canCreateCities; the CLI's operator may). Field problems (a wrong check digit, a taken id,
 * code or user name) come back by field; two creations of the same id at once end with one city
 * and the other told the id is taken.
 */
export async function createCity(props: CreateCityProps): Promise<CreateCityResult> {
  const { db, store, creator } = props;
  if (creator.kind === 'staff' && !canCreateCities(creator.user)) return { ok: false, forbidden: true };
  const checked = validateCityInput(props.input);
  if (!checked.ok) return { ok: false, errors: checked.errors };
  const city = checked.value;
  const password = generateOneTimePassword();
  const hash = await hashPassword(password);
  const actor = creatorName(creator);
  let result: CreateCityResult;
  try {
    result = await inStaffTransaction(db, async (trx) => {
      const errors: CityFieldErrors = {};
      const executor = trx as unknown as Executor;
      if (await cityIdExists(executor, city.id)) errors.id = { kind: 'id-taken' };
      const holder = await cityIdWithCode(executor, city.localGovernmentCode);
      if (holder !== undefined) errors.code = { kind: 'code-taken' };
      if (await findUserByUsername(trx, city.admin.username)) errors.adminUsername = { kind: 'username-taken' };
      if (Object.keys(errors).length > 0) return { ok: false, errors } as const;
      const row = await insertNewCity(executor, {
        id: city.id,
        name: city.name,
        name_en: city.nameEn,
        prefecture: city.prefecture,
        prefecture_en: city.prefectureEn,
        sdgs_future_city_since: null,
        population: null,
        description: null,
        local_government_code: city.localGovernmentCode,
        fiscal_year_start_month: city.fiscalYearStartMonth,
      });
      const admin = await insertUser(trx, { username: city.admin.username, display_name: city.admin.displayName, email: city.admin.email, password_hash: hash, must_change_password: true });
      await setUserRole(trx, admin.id, city.id, 'administrator', null);
      await appendStaffChangeLog(trx, [
        {
          actor,
          action: 'create',
          entity: 'city',
          entityId: city.id,
          cityId: city.id,
          new: { name: row.name, nameEn: row.name_en, prefecture: row.prefecture, localGovernmentCode: row.local_government_code, fiscalYearStartMonth: row.fiscal_year_start_month },
        },
        { actor, action: 'create', entity: 'user', entityId: city.admin.username, cityId: city.id, new: { displayName: city.admin.displayName, email: city.admin.email, role: 'administrator' }, reason: 'first administrator of a new city' },
      ]);
      return { ok: true, value: { city, admin: { username: city.admin.username, password } } } as const;
    });
  } catch (e) {
    // Another creation of the same id, code or user name committed in between: the same answer
    // as if it had been there first.
    if (!isConcurrentWriteError(e)) throw e;
    const errors: CityFieldErrors = {};
    if (await cityIdExists(db, city.id)) errors.id = { kind: 'id-taken' };
    if ((await cityIdWithCode(db, city.localGovernmentCode)) !== undefined) errors.code = { kind: 'code-taken' };
    if (await findUserByUsername(db, city.admin.username)) errors.adminUsername = { kind: 'username-taken' };
    if (Object.keys(errors).length === 0) throw e;
    return { ok: false, errors };
  }
  if (result.ok) store.invalidate(city.id);
  return result;
}
