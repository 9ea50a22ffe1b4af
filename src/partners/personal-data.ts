/**
 * The data map of personal data (個人情報, Japan's APPI): every column of the database that can
 * hold data about a person, why it is kept, and what a partner's withdrawal (退会) does to it.
 * docs/PERSONAL-DATA.md is the readable form of this map; a test checks that the two agree, that
 * every text column of the schema is classified here (a new column must be placed on one of the
 * two lists), and, through HTTP, that no value of a withdrawn person is left in any text column.
 *
 * The withdrawal command (`withdraw` in partner.service.ts) erases the person's rows and columns
 * as `onWithdrawal` says, then replaces the person's values (name, e-mail, phone, website…)
 * wherever they still occur in the columns marked `redact` (mail and texts others wrote about
 * them), so a copy made before the erasure cannot survive it.
 */

/** What a withdrawal does to a column. */
export type WithdrawalTreatment =
  /** The person's rows are deleted. */
  | 'deleted'
  /** The column is emptied (null, '' or '—') on the person's rows. */
  | 'erased'
  /** Kept: it holds no personal data once the rest is erased (ids, dates, an organisation's public record). */
  | 'kept'
  /** Not about partners: staff accounts and their own records (kept while the staff account exists). */
  | 'staff';

/** One column that can hold personal data. */
export interface PersonalDataColumn {
  readonly table: string;
  readonly column: string;
  /** What personal data can be in it. */
  readonly holds: string;
  /** Why the platform keeps it. */
  readonly why: string;
  /** What a partner's withdrawal does to the person's rows. */
  readonly onWithdrawal: WithdrawalTreatment;
  /**
   * The person's values are also replaced by {@link REDACTED} wherever they still occur in this
   * column after the erasure (texts about the person written by others, mail to others).
   */
  readonly redact: boolean;
}

/** What a redacted value reads as. */
export const REDACTED = '［削除済み］';

/** Every column that can hold personal data. */
export const PERSONAL_DATA: readonly PersonalDataColumn[] = [
  // The partner's own record.
  { table: 'partners', column: 'name', holds: "an individual member's full name (an organisation's name is not personal data)", why: 'the public directory', onWithdrawal: 'erased', redact: false },
  { table: 'partners', column: 'name_kana', holds: "an individual member's name in kana", why: 'sorting and search', onWithdrawal: 'erased', redact: false },
  { table: 'partners', column: 'website', holds: "an individual's personal site", why: 'the public profile', onWithdrawal: 'erased', redact: false },
  { table: 'partners', column: 'return_reason', holds: 'the secretariat’s reason for returning an application, which may name the person', why: 'told to the applicant', onWithdrawal: 'erased', redact: false },
  { table: 'partner_goals', column: 'declaration', holds: 'free text of the profile (取組宣言), may name people', why: 'the public profile', onWithdrawal: 'erased', redact: false },
  { table: 'partner_resources', column: 'description', holds: 'free text of the profile (offers, seeks), may name people', why: 'matching', onWithdrawal: 'deleted', redact: false },
  { table: 'partner_contacts', column: 'representative', holds: 'the representative’s name', why: 'the secretariat contacts the partner', onWithdrawal: 'deleted', redact: false },
  { table: 'partner_contacts', column: 'email', holds: 'e-mail address', why: 'mail from the platform', onWithdrawal: 'deleted', redact: false },
  { table: 'partner_contacts', column: 'phone', holds: 'phone number', why: 'the secretariat contacts the partner', onWithdrawal: 'deleted', redact: false },
  { table: 'partner_submissions', column: 'profile', holds: 'a copy of the profile as submitted', why: 'review of applications and changes', onWithdrawal: 'erased', redact: false },
  { table: 'partner_submissions', column: 'reason', holds: 'the secretariat’s reason for a decision, may name the person', why: 'told to the applicant', onWithdrawal: 'erased', redact: false },
  { table: 'partner_search', column: 'document', holds: 'the profile normalized for search', why: 'directory search', onWithdrawal: 'deleted', redact: false },
  { table: 'partner_search_grams', column: 'gram', holds: 'fragments of the profile', why: 'directory search', onWithdrawal: 'deleted', redact: false },
  // Activities.
  { table: 'partner_event_registrations', column: 'name', holds: 'the name typed on a public course sign-up', why: 'attendance and certification', onWithdrawal: 'erased', redact: false },
  { table: 'partner_event_registrations', column: 'email', holds: 'the e-mail typed on a public course sign-up', why: 'the confirmation mail', onWithdrawal: 'erased', redact: false },
  { table: 'partner_collaborations', column: 'message', holds: 'private messages between partners (often a name and a phone number)', why: 'collaboration requests', onWithdrawal: 'erased', redact: false },
  { table: 'partner_award_entries', column: 'title', holds: "an individual's entry title (may name them)", why: 'award review; winners are published', onWithdrawal: 'erased', redact: true },
  { table: 'partner_award_entries', column: 'summary', holds: "an individual's entry text", why: 'award review', onWithdrawal: 'erased', redact: true },
  { table: 'partner_award_entries', column: 'prize', holds: 'the prize name (may name the winner)', why: 'award results', onWithdrawal: 'kept', redact: true },
  { table: 'partner_award_scores', column: 'comment', holds: "a reviewer's comment on an entry, may name the person", why: 'award review', onWithdrawal: 'erased', redact: false },
  { table: 'partner_dispatches', column: 'requester_name', holds: 'the requester’s name when an individual asks', why: 'the lecture request', onWithdrawal: 'erased', redact: true },
  { table: 'partner_dispatches', column: 'contact_name', holds: 'the contact person’s name', why: 'arranging the lecture', onWithdrawal: 'erased', redact: false },
  { table: 'partner_dispatches', column: 'contact_email', holds: 'the contact person’s e-mail', why: 'arranging the lecture', onWithdrawal: 'erased', redact: false },
  { table: 'partner_dispatches', column: 'topic', holds: 'free text of a request, may name people', why: 'the lecture request', onWithdrawal: 'kept', redact: true },
  { table: 'partner_dispatches', column: 'lecturer', holds: 'the lecturer’s name (staff or a partner)', why: 'the lecture', onWithdrawal: 'kept', redact: true },
  { table: 'partner_events', column: 'title', holds: 'an event organised by a partner may name its organiser', why: 'the public event list', onWithdrawal: 'kept', redact: true },
  { table: 'partner_events', column: 'description', holds: 'free text, may name the organiser', why: 'the public event list', onWithdrawal: 'kept', redact: true },
  { table: 'partner_events', column: 'place', holds: 'a member-run meeting may be held at a home address', why: 'the public event list', onWithdrawal: 'kept', redact: true },
  // Mail.
  { table: 'outbox', column: 'recipient', holds: 'the e-mail address a message goes to', why: 'delivery', onWithdrawal: 'deleted', redact: false },
  { table: 'outbox', column: 'subject', holds: 'names of the person and of other partners', why: 'delivery; the secretariat reads the outbox', onWithdrawal: 'deleted', redact: true },
  { table: 'outbox', column: 'body', holds: 'names, e-mail and phone (a shared contact after an accepted collaboration)', why: 'delivery; the secretariat reads the outbox', onWithdrawal: 'deleted', redact: true },
  { table: 'outbox', column: 'last_error', holds: 'the SMTP server’s answer, which may quote the address', why: 'retrying delivery', onWithdrawal: 'deleted', redact: true },
  { table: 'outbox', column: 'dedupe_key', holds: 'ids only (partners:p<id>:<kind>:<key>)', why: 'queuing each message once', onWithdrawal: 'deleted', redact: false },
  // Log-ins.
  { table: 'users', column: 'username', holds: 'the log-in id (a staff member’s chosen name)', why: 'log-in', onWithdrawal: 'deleted', redact: false },
  { table: 'users', column: 'display_name', holds: 'the name shown (a partner’s name for partner accounts)', why: 'pages and the log', onWithdrawal: 'deleted', redact: false },
  { table: 'users', column: 'email', holds: 'a staff member’s e-mail', why: 'reminders', onWithdrawal: 'deleted', redact: false },
  { table: 'users', column: 'password_hash', holds: 'a password hash (scrypt)', why: 'log-in', onWithdrawal: 'deleted', redact: false },
  { table: 'sessions', column: 'ip', holds: 'the IP address of a session', why: 'security', onWithdrawal: 'deleted', redact: false },
  { table: 'sessions', column: 'user_agent', holds: 'the browser of a session', why: 'security', onWithdrawal: 'deleted', redact: false },
  { table: 'sessions', column: 'token_hash', holds: 'a hash of the session token', why: 'log-in', onWithdrawal: 'deleted', redact: false },
  { table: 'sessions', column: 'csrf_token', holds: 'the form token of a session', why: 'security', onWithdrawal: 'deleted', redact: false },
  { table: 'login_attempts', column: 'username', holds: 'the log-in id tried', why: 'throttling guesses', onWithdrawal: 'deleted', redact: false },
  { table: 'rate_limits', column: 'key', holds: 'a throttle key: a log-in id or an IP address', why: 'throttling guesses (expires by itself)', onWithdrawal: 'kept', redact: false },
  { table: 'login_attempts', column: 'ip', holds: 'the IP address of an attempt', why: 'throttling guesses', onWithdrawal: 'deleted', redact: false },
  // The append-only log: ids and statuses only, but a decision's reason is free text.
  { table: 'change_log', column: 'reason', holds: 'a reason typed by staff for a change of plan data; partner decisions log none (their reasons stay with the submission, erased on withdrawal)', why: 'the audit log (append-only: the database refuses any rewrite)', onWithdrawal: 'kept', redact: false },
  { table: 'change_log', column: 'actor', holds: 'a staff user name, or partner:<id> for a partner', why: 'the audit log', onWithdrawal: 'kept', redact: false },
  { table: 'change_log', column: 'old', holds: 'ids and statuses (personal data never enters the log)', why: 'the audit log', onWithdrawal: 'kept', redact: false },
  { table: 'change_log', column: 'new', holds: 'ids and statuses (personal data never enters the log)', why: 'the audit log', onWithdrawal: 'kept', redact: false },
  // Staff records: staff names as actors (not about partners).
  { table: 'partner_submissions', column: 'decided_by', holds: 'the staff member who decided', why: 'the review record', onWithdrawal: 'staff', redact: false },
  { table: 'partner_award_scores', column: 'reviewer', holds: 'the reviewing staff member', why: 'award review', onWithdrawal: 'staff', redact: false },
  { table: 'year_publications', column: 'actor', holds: 'a staff user name', why: 'the publication record', onWithdrawal: 'staff', redact: false },
  { table: 'kpi_commentaries', column: 'actor', holds: 'a staff user name', why: 'the record', onWithdrawal: 'staff', redact: false },
  { table: 'status_overrides', column: 'actor', holds: 'a staff user name', why: 'the record', onWithdrawal: 'staff', redact: false },
  { table: 'target_revisions', column: 'actor', holds: 'a staff user name', why: 'the record', onWithdrawal: 'staff', redact: false },
  { table: 'kpi_target_values', column: 'actor', holds: 'a staff user name', why: 'the record', onWithdrawal: 'staff', redact: false },
  { table: 'observation_versions', column: 'actor', holds: 'a staff user name', why: 'the record', onWithdrawal: 'staff', redact: false },
  { table: 'entry_rounds', column: 'opened_by', holds: 'a staff user name', why: 'the record', onWithdrawal: 'staff', redact: false },
  { table: 'entry_rounds', column: 'closed_by', holds: 'a staff user name', why: 'the record', onWithdrawal: 'staff', redact: false },
  { table: 'review_entries', column: 'actor', holds: 'a staff user name', why: 'the review record', onWithdrawal: 'staff', redact: false },
  { table: 'plan_snapshots', column: 'actor', holds: 'a staff user name', why: 'the record of who recorded a plan version', onWithdrawal: 'staff', redact: false },
  { table: 'precise_figures', column: 'actor', holds: 'a staff user name (or cli/seed)', why: 'the record of who stored a precise value', onWithdrawal: 'staff', redact: false },
];

/**
 * Text columns that hold no personal data: the city's published plans, KPIs and figures (public
 * documents about policies, not people), codes, dates and statuses, configuration.
 */
export const NO_PERSONAL_DATA: Readonly<Record<string, readonly string[]>> = {
  change_log: ['action', 'entity', 'entity_id', 'city_id'],
  cities: ['id', 'name', 'name_en', 'prefecture', 'prefecture_en', 'description', 'local_government_code', 'open_data_licence'],
  city_revisions: ['city_id', 'kpi_pages_by'],
  departments: ['city_id', 'slug', 'name', 'name_en'],
  entry_rounds: ['city_id', 'deadline'],
  kpi_commentaries: ['body'],
  kpi_departments: ['basis'],
  kpi_sdg_targets: ['sdg_target'],
  kpi_target_values: ['reason'],
  kpi_targets: ['slug', 'at'],
  kpi_summaries: ['city_id', 'kpi_id', 'name', 'name_en', 'unit', 'direction', 'latest_at', 'target_at', 'status', 'forecast', 'override_status', 'override_justification', 'override_decided_on', 'baseline_at', 'definition_key', 'targets_json', 'department_key', 'name_folded', 'row_json', 'api_json', 'csv_json', 'series_json'],
  kpi_summary_nodes: ['city_id', 'node', 'kpi_id'],
  city_page_summaries: ['city_id', 'page_json'],
  plan_page_summaries: ['city_id', 'plan_id', 'model_json', 'table_json', 'outline_json'],
  kpi_page_summaries: ['city_id', 'kpi_id', 'lang', 'title', 'city_name', 'embed_title', 'main_before', 'main_after', 'rendered_by', 'input_key'],
  kpi_summary_targets: ['city_id', 'kpi_id', 'target'],
  goal_city_counts: ['city_id', 'status', 'prefecture'],
  sdg_counts: ['prefecture', 'target', 'status'],
  review_entries: ['city_id', 'entity', 'entity_key', 'state', 'content', 'explanation', 'reason', 'platform_override'],
  precise_figures: ['basis', 'city_id', 'figure', 'ref', 'source'],
  published_figures: ['as_of', 'city_id', 'document', 'label', 'label_en', 'passage', 'period', 'slug', 'source', 'subject', 'unit'],
  kpis: ['city_id', 'slug', 'name', 'name_en', 'unit', 'department', 'side', 'aggregation', 'direction', 'method', 'baseline_at', 'definition', 'data_source', 'indicator_code', 'data_provider', 'update_frequency'],
  kysely_migration: ['name', 'timestamp'],
  kysely_migration_lock: ['id'],
  login_attempts: ['outcome'],
  observation_versions: ['note', 'source', 'reason'],
  observations: ['at'],
  outbox: ['city_id'],
  partner_award_entries: ['submitted_on'],
  partner_awards: ['programme_id', 'title', 'description', 'closes_on', 'status'],
  partner_collaborations: ['status'],
  partner_dispatches: ['programme_id', 'requester_type', 'preferred_on', 'status', 'scheduled_on', 'held_on'],
  partner_events: ['programme_id', 'kind', 'starts_at', 'goals', 'status', 'held_on'],
  partner_kpi_bindings: ['programme_id', 'city_id', 'kpi_slug', 'spec'],
  partner_programmes: ['id', 'city_id', 'name', 'name_en', 'started_on', 'config'],
  partner_resources: ['kind', 'category'],
  partner_submissions: ['kind', 'status'],
  partners: ['programme_id', 'status', 'member_type', 'area', 'level_id', 'self_check', 'registration_no', 'registered_on', 'valid_until', 'withdrawn_on', 'renewal_reminded_for'],
  plan_kpi_rows: ['no', 'commentary', 'reflection'],
  plan_narratives: ['kind', 'title', 'body', 'section'],
  plan_sheet_reports: ['document_id', 'kind', 'submitted_on'],
  // A plan version's snapshot is the plan's tree and KPIs (public plan content), its reason the secretariat's note.
  plan_snapshots: ['date', 'kind', 'label', 'reason', 'snapshot'],
  plan_nodes: ['slug', 'kind', 'code', 'title', 'title_en', 'description'],
  plan_versions: ['label', 'kind', 'date', 'note'],
  plans: ['city_id', 'slug', 'kind', 'title', 'title_en', 'vision', 'sheet_layout'],
  published_rates: ['city_id', 'actual_at', 'printed'],
  search_entries: ['city_id', 'kind', 'plan_id', 'plan_kind', 'plan_title', 'plan_title_en', 'node_id', 'kpi_id', 'code', 'title', 'title_en', 'more', 'folded', 'readings'],
  source_documents: ['city_id', 'slug', 'title', 'published', 'source'],
  status_overrides: ['status', 'justification'],
  target_revisions: ['reason', 'revised_on'],
  user_roles: ['city_id', 'role'],
  year_publications: ['city_id', 'reason'],
};

/** The columns whose remaining copies of a person's values are replaced on withdrawal. */
export function redactedColumns(): { table: string; column: string }[] {
  return PERSONAL_DATA.filter((c) => c.redact).map(({ table, column }) => ({ table, column }));
}

/**
 * The values of a person to look for after the erasure: each as given and without spaces (a
 * name is typed "山田 花子" on one form and "山田花子" on another); values shorter than 3
 * characters are left out, so redaction never eats ordinary words.
 */
export function personalValues(values: readonly (string | null | undefined)[]): string[] {
  const out = new Set<string>();
  for (const v of values) {
    const raw = (v ?? '').trim();
    const nfkc = raw.normalize('NFKC');
    for (const form of [raw, nfkc, raw.replace(/\s+/g, ''), nfkc.replace(/\s+/g, '')]) if ([...form].length >= 3) out.add(form);
  }
  return [...out].sort((a, b) => b.length - a.length);
}
