import { generateOneTimePassword, hashPassword } from '../auth/password.ts';
import type { StaffRole, StaffUser } from '../auth/user.ts';
import { actorName } from '../auth/user.ts';
import { listCityRows } from '../cities/city.repository.ts';
import type { Executor } from '../storage/database.ts';
import { listDepartments } from '../departments/department.repository.ts';
import { endUserSessions } from './session.repository.ts';
import { appendStaffChangeLog, inStaffTransaction } from '../storage/staff-database.ts';
import type { UserRow } from '../storage/tables/staff.table.ts';
import type { Transaction } from 'kysely';
import { canAssignRole, canManageAccount, type ManagedAccount } from '../policies/staff.policy.ts';
import type { StaffDatabase } from '../storage/staff-database.ts';
import {
  countUsers,
  findAccountById,
  partnerUserIds,
  findUserByUsername,
  insertUser,
  listUserRoles,
  listLoginAttempts,
  listUsers,
  removeUserRole,
  setPasswordHash,
  setUserDisabled,
  setUserRole,
} from './user.repository.ts';
import { listCityDepartments, type Department } from '../departments/department.service.ts';
import { normalizeUsername, oneTimePasswordExpired, staffUserOf } from './auth.service.ts';

/** The user name of the administrator created at first start. */
export const INITIAL_ADMIN_USERNAME = 'admin';

/** A user name and the one-time password to hand over (shown once, never stored in clear). */
export interface OneTimeCredentials {
  readonly username: string;
  readonly password: string;
}

/**
 * On first start (no user at all) creates the system administrator with a random one-time
 * password that must be changed at first log-in. Returns the credentials to print, or null when
 * users already exist. There is no default password anywhere.
 */
export async function ensureInitialAdmin(db: Executor): Promise<OneTimeCredentials | null> {
  if ((await countUsers(db)) > 0) return null;
  const password = generateOneTimePassword();
  await inStaffTransaction(db, async (trx) => {
    await insertUser(trx, {
      username: INITIAL_ADMIN_USERNAME,
      display_name: 'Administrator',
      email: null,
      password_hash: await hashPassword(password),
      must_change_password: true,
      is_system_admin: true,
    });
    await appendStaffChangeLog(trx, [{ actor: 'system', action: 'create', entity: 'user', entityId: INITIAL_ADMIN_USERNAME, cityId: null, new: { role: 'system-administrator' }, reason: 'first start' }]);
  });
  return { username: INITIAL_ADMIN_USERNAME, password };
}

/**
 * At start: a system administrator whose one-time password ran out unused (ONE_TIME_PASSWORD_HOURS
 * after it was issued) gets a new one, returned to print like the first one, so an installation
 * whose administrator missed the first day is not locked out. Only the person who starts the
 * server (and so holds the database) sees it.
 */
export async function reissueExpiredAdminPasswords(db: Executor, now = new Date()): Promise<OneTimeCredentials[]> {
  const out: OneTimeCredentials[] = [];
  for (const row of await listUsers(db)) {
    if (!row.is_system_admin || !row.must_change_password || row.disabled_at !== null) continue;
    if (!oneTimePasswordExpired(new Date(row.password_changed_at), now)) continue;
    const password = generateOneTimePassword();
    const hash = await hashPassword(password);
    await inStaffTransaction(db, async (trx) => {
      await setPasswordHash(trx, row.id, hash, true);
      await appendStaffChangeLog(trx, [{ actor: 'system', action: 'reset-password', entity: 'user', entityId: row.username, cityId: null, reason: 'one-time password expired unused; reissued at start' }]);
    });
    out.push({ username: row.username, password });
  }
  return out;
}

/** A new staff account as the administrator enters it. */
export interface NewUserInput {
  readonly username: string;
  readonly displayName: string;
  readonly email: string | null;
  readonly cityId: string;
  readonly role: StaffRole;
  readonly departmentId: number | null;
}

/** Why a user cannot be created or given a role. */
export type UserInputError = 'username-taken' | 'unknown-city' | 'unknown-department' | 'department-required';

/**
 * Creates a user with a role in one city and a one-time password (to be changed at first log-in);
 * returns the password to show once to the administrator.
 */
export async function createUser(db: Executor, actor: StaffUser, input: NewUserInput): Promise<{ ok: true; value: OneTimeCredentials } | { ok: false; error: UserInputError }> {
  const username = normalizeUsername(input.username);
  if (!(await cityExists(db, input.cityId))) return { ok: false, error: 'unknown-city' };
  if (await findUserByUsername(db, username)) return { ok: false, error: 'username-taken' };
  const check = await checkDepartment(db, input.cityId, input.role, input.departmentId);
  if (check) return { ok: false, error: check };
  const password = generateOneTimePassword();
  const hash = await hashPassword(password);
  await inStaffTransaction(db, async (trx) => {
    const row = await insertUser(trx, { username, display_name: input.displayName, email: input.email, password_hash: hash, must_change_password: true });
    await setUserRole(trx, row.id, input.cityId, input.role, input.role === 'department-editor' ? input.departmentId : null);
    await appendStaffChangeLog(trx, [
      {
        actor: actorName(actor),
        action: 'create',
        entity: 'user',
        entityId: username,
        cityId: input.cityId,
        new: { displayName: input.displayName, email: input.email, role: input.role, departmentId: input.departmentId },
      },
    ]);
  });
  return { ok: true, value: { username, password } };
}

/** Why an action on an existing account is refused: no such account, or the rule of {@link canManageAccount} says no. */
export type AccountActionError = 'not-found' | 'forbidden';

/** An account as the user-management rule sees it, read in `trx` with its row locked. */
async function lockedAccount(trx: Transaction<StaffDatabase>, userId: number): Promise<{ row: UserRow; account: ManagedAccount } | null> {
  if (!Number.isSafeInteger(userId) || userId <= 0) return null;
  const row = await findAccountById(trx, userId, { lock: true });
  if (!row) return null;
  const roles = await listUserRoles(trx, [userId]);
  return { row, account: { id: row.id, isSystemAdmin: row.is_system_admin, isPartner: row.is_partner, memberships: roles.map((r) => ({ cityId: r.city_id })) } };
}

/**
 * Gives a user a role in a city (or removes it with `role: null`), logged. Refused unless
 * {@link canAssignRole}: decided on the account as it stands, with its row locked until the
 * change is written, so two administrators acting at once cannot slip past the rule.
 */
export async function assignRole(
  db: Executor,
  actor: StaffUser,
  userId: number,
  cityId: string,
  role: StaffRole | null,
  departmentId: number | null,
): Promise<{ ok: true } | { ok: false; error: UserInputError | AccountActionError }> {
  if (!(await cityExists(db, cityId))) return { ok: false, error: 'unknown-city' };
  if (role) {
    const check = await checkDepartment(db, cityId, role, departmentId);
    if (check) return { ok: false, error: check };
  }
  return inStaffTransaction(db, async (trx) => {
    const target = await lockedAccount(trx, userId);
    if (!target) return { ok: false, error: 'not-found' } as const;
    if (!canAssignRole(actor, target.account, cityId)) return { ok: false, error: 'forbidden' } as const;
    const before = (await listUserRoles(trx, [userId])).find((r) => r.city_id === cityId);
    if (role) await setUserRole(trx, userId, cityId, role, role === 'department-editor' ? departmentId : null);
    else await removeUserRole(trx, userId, cityId);
    await appendStaffChangeLog(trx, [
      {
        actor: actorName(actor),
        action: 'assign',
        entity: 'user',
        entityId: target.row.username,
        cityId,
        old: before ? { role: before.role, department: before.department_slug } : null,
        new: role ? { role, departmentId: role === 'department-editor' ? departmentId : null } : null,
      },
    ]);
    return { ok: true } as const;
  });
}

/**
 * Sets a new one-time password for a user (who must change it at next log-in, within
 * {@link ONE_TIME_PASSWORD_HOURS} hours) and ends the user's sessions. Refused unless
 * {@link canManageAccount}.
 */
export async function resetPassword(db: Executor, actor: StaffUser, userId: number): Promise<{ ok: true; value: OneTimeCredentials } | { ok: false; error: AccountActionError }> {
  const password = generateOneTimePassword();
  const hash = await hashPassword(password);
  return inStaffTransaction(db, async (trx) => {
    const target = await lockedAccount(trx, userId);
    if (!target) return { ok: false, error: 'not-found' } as const;
    if (!canManageAccount(actor, target.account)) return { ok: false, error: 'forbidden' } as const;
    await setPasswordHash(trx, userId, hash, true);
    await endUserSessions(trx, userId, new Date());
    await appendStaffChangeLog(trx, [{ actor: actorName(actor), action: 'reset-password', entity: 'user', entityId: target.row.username, cityId: null }]);
    return { ok: true, value: { username: target.row.username, password } } as const;
  });
}

/**
 * Disables or re-enables an account; disabling ends its sessions. Refused unless
 * {@link canManageAccount}, and nobody disables their own account (no locking oneself out).
 */
export async function setDisabled(db: Executor, actor: StaffUser, userId: number, disabled: boolean): Promise<{ ok: true } | { ok: false; error: AccountActionError }> {
  return inStaffTransaction(db, async (trx) => {
    const target = await lockedAccount(trx, userId);
    if (!target) return { ok: false, error: 'not-found' } as const;
    if (target.row.id === actor.id || !canManageAccount(actor, target.account)) return { ok: false, error: 'forbidden' } as const;
    await setUserDisabled(trx, userId, disabled);
    if (disabled) await endUserSessions(trx, userId, new Date());
    await appendStaffChangeLog(trx, [{ actor: actorName(actor), action: disabled ? 'disable' : 'enable', entity: 'user', entityId: target.row.username, cityId: null }]);
    return { ok: true } as const;
  });
}

/** A user of the administrator's page: id, whether disabled, as policies see it, and whether it is a partner's log-in. */
export interface ListedUser {
  readonly id: number;
  /** When the account was disabled; null while it may log in. */
  readonly disabledAt: Date | null;
  readonly user: StaffUser;
  readonly account: ManagedAccount;
}

/** Every user with their roles, for the administrator's page (filter with {@link canManageAccount}). */
export async function listStaffUsers(db: Executor): Promise<ListedUser[]> {
  const [rows, partners] = await Promise.all([listUsers(db), partnerUserIds(db)]);
  return Promise.all(
    rows.map(async (row) => {
      const user = await staffUserOf(db, row);
      return { id: row.id, disabledAt: row.disabled_at, user, account: { id: row.id, isSystemAdmin: row.is_system_admin, isPartner: partners.has(row.id), memberships: user.memberships } };
    }),
  );
}

/** The roles a demo user gets in each seed city, with the user name suffix. */
const DEMO_ROLES: readonly { suffix: string; role: StaffRole; department?: 'first' | 'second' }[] = [
  { suffix: 'admin', role: 'administrator' },
  { suffix: 'secretariat', role: 'secretariat' },
  { suffix: 'editor', role: 'department-editor', department: 'first' },
  { suffix: 'editor2', role: 'department-editor', department: 'second' },
  { suffix: 'expert', role: 'expert' },
  { suffix: 'viewer', role: 'viewer' },
];

/**
 * DEMO=true only: creates, for every stored city, one user per role (`ichinoseki-secretariat`,
 * `ichinoseki-editor` of its first department …) with the given password, unless they exist.
 * Returns the user names created.
 */
export async function seedDemoUsers(db: Executor, password: string): Promise<string[]> {
  const created: string[] = [];
  const hash = await hashPassword(password);
  for (const city of await listCityRows(db)) {
    const departments = await listDepartments(db, city.id);
    for (const d of DEMO_ROLES) {
      const username = `${city.id}-${d.suffix}`;
      if (await findUserByUsername(db, username)) continue;
      const department = d.department === 'first' ? departments[0] : d.department === 'second' ? departments[1] : undefined;
      if (d.department && !department) continue;
      await inStaffTransaction(db, async (trx) => {
        const row = await insertUser(trx, { username, display_name: `${city.name} ${d.suffix} (demo)`, email: `${username}@demo.invalid`, password_hash: hash });
        await setUserRole(trx, row.id, city.id, d.role, department?.id ?? null);
        await appendStaffChangeLog(trx, [{ actor: 'system', action: 'create', entity: 'user', entityId: username, cityId: city.id, new: { role: d.role, department: department?.slug ?? null }, reason: 'DEMO=true' }]);
      });
      created.push(username);
    }
  }
  return created;
}

async function cityExists(db: Executor, cityId: string): Promise<boolean> {
  return (await listCityRows(db)).some((c) => c.id === cityId);
}

async function checkDepartment(db: Executor, cityId: string, role: StaffRole, departmentId: number | null): Promise<UserInputError | null> {
  if (role !== 'department-editor') return null;
  if (departmentId === null) return 'department-required';
  const departments = await listDepartments(db, cityId);
  return departments.some((d) => d.id === departmentId) ? null : 'unknown-department';
}

/** A log-in attempt as the administrator's page lists it. */
export interface LoginAttempt {
  readonly occurredAt: Date;
  readonly username: string;
  readonly ip: string;
  /** success, unknown-user, wrong-password, disabled, locked, expired. */
  readonly outcome: string;
}

/** The latest log-in attempts, newest first. */
export async function recentLoginAttempts(db: Executor, limit = 50): Promise<LoginAttempt[]> {
  return (await listLoginAttempts(db, limit)).map((a) => ({ occurredAt: a.occurred_at, username: a.username, ip: a.ip, outcome: a.outcome }));
}

/** The departments of the given cities, each with its city's name, for the role form's choices. */
export async function departmentsOfCities(db: Executor, cities: readonly { id: string; name: string }[]): Promise<(Department & { cityName: string })[]> {
  return (await Promise.all(cities.map(async (city) => (await listCityDepartments(db, city.id)).map((d) => ({ ...d, cityName: city.name }))))).flat();
}
