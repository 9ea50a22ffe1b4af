import type { ColumnType, GeneratedAlways, Insertable, Selectable } from 'kysely';
import type { CreatedAtColumn, JsonbColumn } from '../columns.ts';
import type { ChangeAction, ChangeEntity } from './change-log.table.ts';

// The roles are a concept of staff identity (src/auth/user.ts); re-exported for the storage code.
import type { StaffRole } from '../../auth/user.ts';
export { STAFF_ROLES, type StaffRole } from '../../auth/user.ts';

/** A status the secretariat may set instead of the computed one. */
export type OverrideStatus = 'achieved' | 'on-track' | 'behind' | 'worsening';
export const OVERRIDE_STATUSES: readonly OverrideStatus[] = ['achieved', 'on-track', 'behind', 'worsening'];

/** What a log-in attempt came to, as logged in `login_attempts`. */
export type LoginOutcome = 'success' | 'unknown-user' | 'wrong-password' | 'disabled' | 'locked' | 'expired';

/** A nullable timestamptz set by the application. */
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** A timestamptz set by the application. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamptz with a database default that the application may update. */
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** `departments`: the city's departments (庁内関係課) that own KPIs. */
export interface DepartmentsTable {
  id: GeneratedAlways<number>;
  city_id: string;
  slug: string;
  position: number;
  name: string;
  name_en: string | null;
}

/** `kpi_departments`: which department owns (enters the actuals of) a KPI. */
export interface KpiDepartmentsTable {
  kpi_id: number;
  department_id: number;
  basis: 'demo-assignment' | 'staff';
}

/** `users`: staff accounts; the password is stored as a salted scrypt hash only. */
export interface UsersTable {
  id: GeneratedAlways<number>;
  username: string;
  display_name: string;
  email: string | null;
  password_hash: string;
  must_change_password: ColumnType<boolean, boolean | undefined, boolean>;
  is_system_admin: ColumnType<boolean, boolean | undefined, boolean>;
  disabled_at: NullableTimestamp;
  created_at: CreatedAtColumn;
  password_changed_at: DefaultedTimestamp;
}

/** `user_roles`: a user's one role in a city (a department editor's department with it). */
export interface UserRolesTable {
  user_id: number;
  city_id: string;
  role: StaffRole;
  department_id: number | null;
}

/** `sessions`: server-side sessions; the cookie holds a token whose SHA-256 is `token_hash`. */
export interface SessionsTable {
  id: GeneratedAlways<number>;
  token_hash: string;
  user_id: number;
  csrf_token: string;
  created_at: CreatedAtColumn;
  last_seen_at: DefaultedTimestamp;
  expires_at: Timestamp;
  ended_at: NullableTimestamp;
  ip: string | null;
  user_agent: string | null;
}

/** `login_attempts`: every log-in attempt, for rate limiting and the security log. */
export interface LoginAttemptsTable {
  id: GeneratedAlways<number>;
  occurred_at: CreatedAtColumn;
  username: string;
  ip: string;
  outcome: LoginOutcome;
}

/** `year_publications`: append-only; the latest row of a city and year says whether its actuals are public. */
export interface YearPublicationsTable {
  id: GeneratedAlways<number>;
  city_id: string;
  year: number;
  published: boolean;
  actor: string;
  reason: string | null;
  recorded_at: CreatedAtColumn;
}

/** `kpi_commentaries`: append-only; the latest row of a KPI and year is its current commentary. */
export interface KpiCommentariesTable {
  id: GeneratedAlways<number>;
  kpi_id: number;
  year: number;
  body: string;
  actor: string;
  recorded_at: CreatedAtColumn;
}

/** `status_overrides`: append-only; the latest row of a KPI overrides its computed status (null: withdrawn). */
export interface StatusOverridesTable {
  id: GeneratedAlways<number>;
  kpi_id: number;
  status: OverrideStatus | null;
  justification: string;
  actor: string;
  recorded_at: CreatedAtColumn;
}

/** `entry_rounds`: a yearly data-entry round of a city with its deadline. */
export interface EntryRoundsTable {
  id: GeneratedAlways<number>;
  city_id: string;
  year: number;
  /** YYYY-MM-DD, the last day of entry. */
  deadline: string;
  opened_by: string;
  opened_at: CreatedAtColumn;
  closed_by: string | null;
  closed_at: NullableTimestamp;
}

/** `outbox`: mail to send; a sender delivers it when SMTP is configured, else it waits here. */
export interface OutboxTable {
  id: GeneratedAlways<number>;
  city_id: string | null;
  round_id: number | null;
  dedupe_key: string;
  recipient_user_id: number | null;
  recipient: string;
  subject: string;
  body: string;
  created_at: CreatedAtColumn;
  sent_at: NullableTimestamp;
  attempts: ColumnType<number, number | undefined, number>;
  last_error: string | null;
}

/** What the staff area writes to `change_log.entity`, beside the entities of the plan data. */
export type StaffChangeEntity = 'user' | 'department' | 'kpi_department' | 'publication' | 'commentary' | 'status_override' | 'entry_round' | 'plan_evaluation' | 'plan_node' | 'review' | 'plan_version' | 'kpi_row';

/** `change_log` as the staff area writes it: the same table, with the staff entities allowed. */
export interface StaffChangeLogTable {
  id: GeneratedAlways<number>;
  occurred_at: CreatedAtColumn;
  actor: string;
  action: ChangeAction | 'publish' | 'unpublish' | 'open' | 'close' | 'assign' | 'disable' | 'enable' | 'reset-password' | 'submit' | 'approve' | 'return' | 'archive' | 'restore' | 'move' | 'reorder' | 'attach' | 'detach';
  entity: ChangeEntity | StaffChangeEntity;
  entity_id: string;
  city_id: string | null;
  old: JsonbColumn;
  new: JsonbColumn;
  reason: string | null;
}

/** Every staff table, as Kysely sees it. */
export interface StaffTables {
  departments: DepartmentsTable;
  kpi_departments: KpiDepartmentsTable;
  users: UsersTable;
  user_roles: UserRolesTable;
  sessions: SessionsTable;
  login_attempts: LoginAttemptsTable;
  year_publications: YearPublicationsTable;
  kpi_commentaries: KpiCommentariesTable;
  status_overrides: StatusOverridesTable;
  entry_rounds: EntryRoundsTable;
  outbox: OutboxTable;
  rate_limits: RateLimitsTable;
}

/** `rate_limits` (migration 2026_11_30_0101_accounts): counters of the log-in throttle, shared by every process. */
export interface RateLimitsTable {
  key: string;
  points: number;
  /** Milliseconds since the epoch when the counter lapses (null: never); bigint, read back as a string by pg. */
  expire: ColumnType<string | number | null, number | null, number | null>;
}

export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;
export type UserRoleRow = Selectable<UserRolesTable>;
export type SessionRow = Selectable<SessionsTable>;
export type DepartmentRow = Selectable<DepartmentsTable>;
export type EntryRoundRow = Selectable<EntryRoundsTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type StaffChangeLogRow = Selectable<StaffChangeLogTable>;
