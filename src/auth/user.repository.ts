import { sql } from 'kysely';
import type { Executor } from '../storage/database.ts';
import { staffDb, type StaffExecutor } from '../storage/staff-database.ts';
import type { LoginOutcome, NewUserRow, StaffRole, UserRoleRow, UserRow } from '../storage/tables/staff.table.ts';

/** A role of a user with its department's slug and name (null unless a department editor). */
export interface UserRoleWithDepartment extends UserRoleRow {
  readonly department_slug: string | null;
  readonly department_name: string | null;
}

/** The user with this (lower-case) user name, if any. */
export async function findUserByUsername(db: Executor | StaffExecutor, username: string): Promise<UserRow | undefined> {
  return staffDb(db).selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

/** The user with this id, if any. */
export async function findUserById(db: Executor | StaffExecutor, id: number): Promise<UserRow | undefined> {
  return staffDb(db).selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * A user row with whether it is a partner's log-in (a row in `partner_accounts`, created by
 * migration 2026_11_25_0001_partners). With `lock`, the row is locked (SELECT … FOR UPDATE) for
 * the rest of the transaction, so a permission decided on it holds until the change is written.
 */
export async function findAccountById(db: Executor | StaffExecutor, id: number, options: { lock?: boolean } = {}): Promise<(UserRow & { is_partner: boolean }) | undefined> {
  let q = staffDb(db)
    .selectFrom('users')
    .selectAll()
    .select(sql<boolean>`exists (select 1 from partner_accounts pa where pa.user_id = users.id)`.as('is_partner'))
    .where('id', '=', id);
  if (options.lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** The ids of users that are a partner's log-in. */
export async function partnerUserIds(db: Executor | StaffExecutor): Promise<Set<number>> {
  const rows = await sql<{ user_id: number }>`select user_id from partner_accounts`.execute(staffDb(db));
  return new Set(rows.rows.map((r) => Number(r.user_id)));
}

/** Every user, by user name. */
export async function listUsers(db: Executor | StaffExecutor): Promise<UserRow[]> {
  return staffDb(db).selectFrom('users').selectAll().orderBy('username').execute();
}

/** How many users exist (zero on first start). */
export async function countUsers(db: Executor | StaffExecutor): Promise<number> {
  const row = await staffDb(db).selectFrom('users').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Inserts a user and returns it with its id. */
export async function insertUser(db: Executor | StaffExecutor, row: NewUserRow): Promise<UserRow> {
  return staffDb(db).insertInto('users').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Sets a new password hash (and whether it must be changed at next log-in). */
export async function setPasswordHash(db: Executor | StaffExecutor, userId: number, hash: string, mustChange: boolean): Promise<void> {
  await staffDb(db)
    .updateTable('users')
    .set({ password_hash: hash, must_change_password: mustChange, password_changed_at: new Date() })
    .where('id', '=', userId)
    .execute();
}

/** Disables (or re-enables) an account; a disabled account cannot log in. */
export async function setUserDisabled(db: Executor | StaffExecutor, userId: number, disabled: boolean): Promise<void> {
  await staffDb(db).updateTable('users').set({ disabled_at: disabled ? new Date() : null }).where('id', '=', userId).execute();
}

/** The roles of these users, with department slugs. */
export async function listUserRoles(db: Executor | StaffExecutor, userIds: readonly number[]): Promise<UserRoleWithDepartment[]> {
  if (userIds.length === 0) return [];
  return staffDb(db)
    .selectFrom('user_roles as r')
    .leftJoin('departments as d', 'd.id', 'r.department_id')
    .selectAll('r')
    .select(['d.slug as department_slug', 'd.name as department_name'])
    .where('r.user_id', 'in', userIds)
    .orderBy('r.user_id')
    .orderBy('r.city_id')
    .execute();
}

/** Gives a user a role in a city (replacing the one it had there). */
export async function setUserRole(db: Executor | StaffExecutor, userId: number, cityId: string, role: StaffRole, departmentId: number | null): Promise<void> {
  await staffDb(db)
    .insertInto('user_roles')
    .values({ user_id: userId, city_id: cityId, role, department_id: departmentId })
    .onConflict((oc) => oc.columns(['user_id', 'city_id']).doUpdateSet({ role, department_id: departmentId }))
    .execute();
}

/** Removes a user's role in a city. */
export async function removeUserRole(db: Executor | StaffExecutor, userId: number, cityId: string): Promise<void> {
  await staffDb(db).deleteFrom('user_roles').where('user_id', '=', userId).where('city_id', '=', cityId).execute();
}

/** Logs one log-in attempt. */
export async function logLoginAttempt(db: Executor | StaffExecutor, attempt: { username: string; ip: string; outcome: LoginOutcome }): Promise<void> {
  await staffDb(db).insertInto('login_attempts').values(attempt).execute();
}

/** Deletes log-in attempts older than `before` (the hourly purge). Returns how many. */
export async function purgeLoginAttempts(db: Executor | StaffExecutor, before: Date): Promise<number> {
  const r = await staffDb(db).deleteFrom('login_attempts').where('occurred_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** The latest log-in attempts (newest first), for the administrator's security log. */
export async function listLoginAttempts(db: Executor | StaffExecutor, limit = 100) {
  return staffDb(db).selectFrom('login_attempts').selectAll().orderBy('id', 'desc').limit(limit).execute();
}
