import type { ColumnType, GeneratedAlways, Kysely, Selectable, Transaction } from 'kysely';
import type { CreatedAtColumn, JsonbColumn } from '../storage/columns.ts';
import type { Database, Executor } from '../storage/database.ts';
import type { ChangeAction, ChangeEntity } from '../storage/tables/change-log.table.ts';
import type { OutboxTable, UsersTable } from '../storage/tables/staff.table.ts';
import type { PartnerStatus, SubmissionKind, SubmissionStatus } from './partner.ts';
import type { MemberType, ResourceCategory } from './programme.ts';

/** The tables of migration 2026_11_25_0001_partners, as Kysely sees them. */

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Defaulted<T> = ColumnType<T, T | undefined, T>;
/** A jsonb column written as JSON text (see columns.ts) and updatable. */
type Jsonb = ColumnType<unknown, string, string>;

export interface PartnerProgrammesTable {
  id: string;
  city_id: string;
  name: string;
  name_en: string | null;
  started_on: string;
  config: Jsonb;
  next_registration_seq: Defaulted<number>;
  created_at: CreatedAtColumn;
}

export interface PartnersTable {
  id: GeneratedAlways<number>;
  programme_id: string;
  status: PartnerStatus;
  member_type: MemberType;
  name: string;
  name_kana: string;
  area: string;
  website: string | null;
  level_id: string | null;
  self_check: ColumnType<unknown, string | undefined, string>;
  registration_no: string | null;
  registered_on: string | null;
  valid_until: string | null;
  withdrawn_on: string | null;
  publication_consent: boolean;
  terms_consented_at: NullableTimestamp;
  is_sample: Defaulted<boolean>;
  return_reason: string | null;
  renewal_reminded_for: string | null;
  created_at: CreatedAtColumn;
  updated_at: Timestamp;
}

export interface PartnerGoalsTable {
  partner_id: number;
  goal: number;
  declaration: string;
}

export interface PartnerResourcesTable {
  id: GeneratedAlways<number>;
  partner_id: number;
  kind: 'offer' | 'seek';
  category: ResourceCategory;
  description: string;
  position: number;
}

export interface PartnerContactsTable {
  partner_id: number;
  representative: string;
  email: string;
  phone: string | null;
}

export interface PartnerSubmissionsTable {
  id: GeneratedAlways<number>;
  partner_id: number;
  kind: SubmissionKind;
  status: SubmissionStatus;
  profile: ColumnType<unknown, string | null, string | null>;
  submitted_at: CreatedAtColumn;
  decided_at: NullableTimestamp;
  decided_by: string | null;
  reason: string | null;
}

export interface PartnerSearchTable {
  partner_id: number;
  document: string;
  /** The document holds the analyser's readings and dictionary forms (issue 15.5); false for older rows until re-indexed. */
  analysed: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface PartnerSearchGramsTable {
  gram: string;
  partner_id: number;
}

export interface PartnerAccountsTable {
  user_id: number;
  partner_id: number;
  created_at: CreatedAtColumn;
}

export interface PartnerEventsTable {
  id: GeneratedAlways<number>;
  programme_id: string;
  kind: 'meeting' | 'course';
  title: string;
  description: string;
  /** Local date and time, "2025-02-15T14:00". */
  starts_at: string;
  place: string;
  capacity: number | null;
  goals: ColumnType<unknown, string | undefined, string>;
  certifies_membership: Defaulted<boolean>;
  organiser_partner_id: number | null;
  status: 'announced' | 'held' | 'cancelled';
  held_on: string | null;
  is_sample: Defaulted<boolean>;
  created_at: CreatedAtColumn;
}

export interface PartnerEventRegistrationsTable {
  id: GeneratedAlways<number>;
  event_id: number;
  partner_id: number | null;
  name: string | null;
  email: string | null;
  attended: boolean | null;
  certified_partner_id: number | null;
  registered_at: CreatedAtColumn;
}

export interface PartnerCollaborationsTable {
  id: GeneratedAlways<number>;
  from_partner_id: number;
  to_partner_id: number;
  message: string;
  status: 'pending' | 'accepted' | 'declined';
  created_at: CreatedAtColumn;
  decided_at: NullableTimestamp;
}

export interface PartnerAwardsTable {
  id: GeneratedAlways<number>;
  programme_id: string;
  title: string;
  description: string;
  year: number;
  closes_on: string;
  status: 'open' | 'reviewing' | 'decided';
  is_sample: Defaulted<boolean>;
  created_at: CreatedAtColumn;
}

export interface PartnerAwardEntriesTable {
  id: GeneratedAlways<number>;
  award_id: number;
  partner_id: number;
  title: string;
  summary: string;
  submitted_on: string;
  winner: Defaulted<boolean>;
  prize: string | null;
}

export interface PartnerAwardScoresTable {
  entry_id: number;
  reviewer: string;
  score: number;
  comment: string | null;
}

export interface PartnerDispatchesTable {
  id: GeneratedAlways<number>;
  programme_id: string;
  requester_partner_id: number | null;
  requester_name: string;
  requester_type: MemberType;
  contact_name: string | null;
  contact_email: string | null;
  topic: string;
  preferred_on: string;
  audience_size: number;
  status: 'requested' | 'scheduled' | 'held' | 'cancelled';
  scheduled_on: string | null;
  lecturer: string | null;
  held_on: string | null;
  participants: number | null;
  is_sample: Defaulted<boolean>;
  created_at: CreatedAtColumn;
}

export interface PartnerKpiBindingsTable {
  id: GeneratedAlways<number>;
  programme_id: string;
  city_id: string;
  kpi_slug: string;
  spec: Jsonb;
}

/** What the partner area writes to `change_log.entity`. */
export type PartnerChangeEntity = 'partner_programme' | 'partner' | 'partner_event' | 'partner_award' | 'partner_dispatch' | 'partner_collaboration';
/** What the partner area writes to `change_log.action`. */
export type PartnerChangeAction =
  | 'apply'
  | 'resubmit'
  | 'request-change'
  | 'request-renewal'
  | 'approve'
  | 'return'
  | 'reject'
  | 'withdraw'
  | 'erase-personal-data'
  | 'remind-renewal'
  | 'announce'
  | 'register'
  | 'attend'
  | 'certify'
  | 'hold'
  | 'cancel'
  | 'enter'
  | 'score'
  | 'award'
  | 'request'
  | 'schedule'
  | 'accept'
  | 'decline'
  | 'update-contact'
  | 'bind-kpi';

/** `change_log` as the partner area writes it: the same append-only table. */
export interface PartnerChangeLogTable {
  id: GeneratedAlways<number>;
  occurred_at: CreatedAtColumn;
  actor: string;
  action: ChangeAction | PartnerChangeAction;
  entity: ChangeEntity | PartnerChangeEntity;
  entity_id: string;
  city_id: string | null;
  old: JsonbColumn;
  new: JsonbColumn;
  reason: string | null;
}

/** Every table the partner area reads or writes. */
export interface PartnerTables {
  partner_programmes: PartnerProgrammesTable;
  partners: PartnersTable;
  partner_goals: PartnerGoalsTable;
  partner_resources: PartnerResourcesTable;
  partner_contacts: PartnerContactsTable;
  partner_submissions: PartnerSubmissionsTable;
  partner_search: PartnerSearchTable;
  partner_search_grams: PartnerSearchGramsTable;
  partner_accounts: PartnerAccountsTable;
  partner_events: PartnerEventsTable;
  partner_event_registrations: PartnerEventRegistrationsTable;
  partner_collaborations: PartnerCollaborationsTable;
  partner_awards: PartnerAwardsTable;
  partner_award_entries: PartnerAwardEntriesTable;
  partner_award_scores: PartnerAwardScoresTable;
  partner_dispatches: PartnerDispatchesTable;
  partner_kpi_bindings: PartnerKpiBindingsTable;
  outbox: OutboxTable;
  users: UsersTable;
}

/** The database with the partner tables (and `change_log` with the partner entities). */
export type PartnerDatabase = Omit<Database, 'change_log'> & PartnerTables & { change_log: PartnerChangeLogTable };
/** An executor over {@link PartnerDatabase}. */
export type PartnerExecutor = Kysely<PartnerDatabase> | Transaction<PartnerDatabase>;

/**
 * The same executor (database or transaction) seeing the partner tables; the app's Database
 * type lists the plan tables only, so each area extends it where it works.
 */
export function partnerDb(db: Executor | PartnerExecutor): PartnerExecutor {
  return db as unknown as PartnerExecutor;
}

export type PartnerRow = Selectable<PartnersTable>;
export type PartnerEventRow = Selectable<PartnerEventsTable>;
export type PartnerAwardRow = Selectable<PartnerAwardsTable>;
export type PartnerDispatchRow = Selectable<PartnerDispatchesTable>;
export type PartnerSubmissionRow = Selectable<PartnerSubmissionsTable>;
