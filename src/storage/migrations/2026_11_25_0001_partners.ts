import { sql, type Kysely } from 'kysely';

/*
 * The SDGs partner platform (issue 6): programmes per city, partners with their goals,
 * declarations, offers and seeks, the private contact kept in its own table (erased on
 * withdrawal), submissions under review, the n-gram search index, events, awards, lecturer
 * dispatch, KPI bindings and partner log-ins (linked to `users`, so sessions stay one
 * mechanism). Outgoing mail uses the staff migration's `outbox`. Append-only: never edit this
 * file once it has landed.
 */

function oneOf(column: string, values: readonly string[]) {
  return sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(', ')})`);
}
const ISO_DATE = sql.raw(`'^[0-9]{4}-[0-9]{2}-[0-9]{2}$'`);
const MEMBER_TYPES = ['company', 'group', 'school', 'individual'];

/** Creates the partner tables and the trigram index. */
export async function up(db: Kysely<unknown>): Promise<void> {
  // pg_trgm ships with PostgreSQL's contrib and with PGlite (loaded in database.ts); it indexes
  // the search documents for the fuzzy "did you mean" fallback (exact fragments use the bigram table).
  await sql`create extension if not exists pg_trgm`.execute(db);

  await db.schema
    .createTable('partner_programmes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('city_id', 'text', (c) => c.notNull().unique().references('cities.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text')
    .addColumn('started_on', 'text', (c) => c.notNull())
    .addColumn('config', 'jsonb', (c) => c.notNull())
    .addColumn('next_registration_seq', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('partner_programmes_id', sql`id ~ '^[a-z0-9][a-z0-9-]*$'`)
    .addCheckConstraint('partner_programmes_started_on', sql`started_on ~ ${ISO_DATE}`)
    .execute();

  await db.schema
    .createTable('partners')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('programme_id', 'text', (c) => c.notNull().references('partner_programmes.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('member_type', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_kana', 'text', (c) => c.notNull())
    .addColumn('area', 'text', (c) => c.notNull())
    .addColumn('website', 'text')
    .addColumn('level_id', 'text')
    .addColumn('self_check', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('registration_no', 'text', (c) => c.unique())
    .addColumn('registered_on', 'text')
    .addColumn('valid_until', 'text')
    .addColumn('withdrawn_on', 'text')
    .addColumn('publication_consent', 'boolean', (c) => c.notNull())
    .addColumn('terms_consented_at', 'timestamptz')
    .addColumn('is_sample', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('return_reason', 'text')
    // The expiry date a renewal reminder was sent for: one reminder per registration period.
    .addColumn('renewal_reminded_for', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('partners_status', oneOf('status', ['pending', 'returned', 'approved', 'rejected', 'withdrawn']))
    .addCheckConstraint('partners_member_type', oneOf('member_type', MEMBER_TYPES))
    .addCheckConstraint('partners_registered', sql`(status <> 'approved') or (registration_no is not null and registered_on is not null)`)
    .addCheckConstraint('partners_registered_on', sql`registered_on ~ ${ISO_DATE}`)
    .addCheckConstraint('partners_valid_until', sql`valid_until ~ ${ISO_DATE}`)
    .addCheckConstraint('partners_withdrawn_on', sql`withdrawn_on ~ ${ISO_DATE}`)
    .execute();
  await db.schema.createIndex('partners_programme_status').on('partners').columns(['programme_id', 'status']).execute();

  await db.schema
    .createTable('partner_goals')
    .addColumn('partner_id', 'integer', (c) => c.notNull().references('partners.id').onDelete('cascade'))
    .addColumn('goal', 'smallint', (c) => c.notNull())
    .addColumn('declaration', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('partner_goals_pk', ['partner_id', 'goal'])
    .addCheckConstraint('partner_goals_goal', sql`goal between 1 and 17`)
    .execute();
  await db.schema.createIndex('partner_goals_goal').on('partner_goals').column('goal').execute();

  await db.schema
    .createTable('partner_resources')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('partner_id', 'integer', (c) => c.notNull().references('partners.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addCheckConstraint('partner_resources_kind', oneOf('kind', ['offer', 'seek']))
    .addCheckConstraint('partner_resources_category', oneOf('category', ['skills', 'venues', 'funding', 'volunteers', 'products', 'information']))
    .execute();
  await db.schema.createIndex('partner_resources_partner').on('partner_resources').column('partner_id').execute();

  // The private part of a partner, in its own table: only secretariat queries read it, and
  // erasing it on withdrawal is one delete.
  await db.schema
    .createTable('partner_contacts')
    .addColumn('partner_id', 'integer', (c) => c.primaryKey().references('partners.id').onDelete('cascade'))
    .addColumn('representative', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('phone', 'text')
    .execute();

  await db.schema
    .createTable('partner_submissions')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('partner_id', 'integer', (c) => c.notNull().references('partners.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('profile', 'jsonb')
    .addColumn('submitted_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('decided_at', 'timestamptz')
    .addColumn('decided_by', 'text')
    .addColumn('reason', 'text')
    .addCheckConstraint('partner_submissions_kind', oneOf('kind', ['application', 'change', 'renewal']))
    .addCheckConstraint('partner_submissions_status', oneOf('status', ['pending', 'approved', 'returned', 'rejected', 'superseded']))
    .execute();
  await db.schema.createIndex('partner_submissions_partner').on('partner_submissions').columns(['partner_id', 'id']).execute();
  await db.schema.createIndex('partner_submissions_status').on('partner_submissions').columns(['status', 'id']).execute();

  await db.schema
    .createTable('partner_search')
    .addColumn('partner_id', 'integer', (c) => c.primaryKey().references('partners.id').onDelete('cascade'))
    .addColumn('document', 'text', (c) => c.notNull())
    .execute();
  await sql`create index partner_search_trgm on partner_search using gin (document gin_trgm_ops)`.execute(db);

  await db.schema
    .createTable('partner_search_grams')
    .addColumn('gram', 'text', (c) => c.notNull())
    .addColumn('partner_id', 'integer', (c) => c.notNull().references('partners.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('partner_search_grams_pk', ['gram', 'partner_id'])
    .execute();
  await db.schema.createIndex('partner_search_grams_partner').on('partner_search_grams').column('partner_id').execute();

  await db.schema
    .createTable('partner_accounts')
    .addColumn('user_id', 'integer', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('partner_id', 'integer', (c) => c.notNull().unique().references('partners.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('partner_events')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('programme_id', 'text', (c) => c.notNull().references('partner_programmes.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('place', 'text', (c) => c.notNull())
    .addColumn('capacity', 'integer')
    .addColumn('goals', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('certifies_membership', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('organiser_partner_id', 'integer', (c) => c.references('partners.id').onDelete('set null'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('held_on', 'text')
    .addColumn('is_sample', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('partner_events_kind', oneOf('kind', ['meeting', 'course']))
    .addCheckConstraint('partner_events_status', oneOf('status', ['announced', 'held', 'cancelled']))
    .addCheckConstraint('partner_events_held', sql`(status = 'held') = (held_on is not null)`)
    .addCheckConstraint('partner_events_capacity', sql`capacity > 0`)
    .execute();

  await db.schema
    .createTable('partner_event_registrations')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('event_id', 'integer', (c) => c.notNull().references('partner_events.id').onDelete('cascade'))
    .addColumn('partner_id', 'integer', (c) => c.references('partners.id').onDelete('cascade'))
    // A member of the public registering for a course (private; erased with the event's data).
    .addColumn('name', 'text')
    .addColumn('email', 'text')
    .addColumn('attended', 'boolean')
    .addColumn('certified_partner_id', 'integer', (c) => c.references('partners.id').onDelete('set null'))
    .addColumn('registered_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('partner_event_registrations_partner', ['event_id', 'partner_id'])
    .addCheckConstraint('partner_event_registrations_who', sql`partner_id is not null or (name is not null and email is not null)`)
    .execute();

  await db.schema
    .createTable('partner_collaborations')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('from_partner_id', 'integer', (c) => c.notNull().references('partners.id').onDelete('cascade'))
    .addColumn('to_partner_id', 'integer', (c) => c.notNull().references('partners.id').onDelete('cascade'))
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('decided_at', 'timestamptz')
    .addCheckConstraint('partner_collaborations_status', oneOf('status', ['pending', 'accepted', 'declined']))
    .addCheckConstraint('partner_collaborations_other', sql`from_partner_id <> to_partner_id`)
    .execute();

  await db.schema
    .createTable('partner_awards')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('programme_id', 'text', (c) => c.notNull().references('partner_programmes.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('closes_on', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('is_sample', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('partner_awards_status', oneOf('status', ['open', 'reviewing', 'decided']))
    .execute();

  await db.schema
    .createTable('partner_award_entries')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('award_id', 'integer', (c) => c.notNull().references('partner_awards.id').onDelete('cascade'))
    .addColumn('partner_id', 'integer', (c) => c.notNull().references('partners.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('submitted_on', 'text', (c) => c.notNull())
    .addColumn('winner', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('prize', 'text')
    .addUniqueConstraint('partner_award_entries_once', ['award_id', 'partner_id'])
    .execute();

  await db.schema
    .createTable('partner_award_scores')
    .addColumn('entry_id', 'integer', (c) => c.notNull().references('partner_award_entries.id').onDelete('cascade'))
    .addColumn('reviewer', 'text', (c) => c.notNull())
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addPrimaryKeyConstraint('partner_award_scores_pk', ['entry_id', 'reviewer'])
    .addCheckConstraint('partner_award_scores_score', sql`score between 1 and 5`)
    .execute();

  await db.schema
    .createTable('partner_dispatches')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('programme_id', 'text', (c) => c.notNull().references('partner_programmes.id'))
    .addColumn('requester_partner_id', 'integer', (c) => c.references('partners.id').onDelete('set null'))
    .addColumn('requester_name', 'text', (c) => c.notNull())
    .addColumn('requester_type', 'text', (c) => c.notNull())
    // Private: who to contact about the lecture.
    .addColumn('contact_name', 'text')
    .addColumn('contact_email', 'text')
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('preferred_on', 'text', (c) => c.notNull())
    .addColumn('audience_size', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('scheduled_on', 'text')
    .addColumn('lecturer', 'text')
    .addColumn('held_on', 'text')
    .addColumn('participants', 'integer')
    .addColumn('is_sample', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('partner_dispatches_status', oneOf('status', ['requested', 'scheduled', 'held', 'cancelled']))
    .addCheckConstraint('partner_dispatches_type', oneOf('requester_type', MEMBER_TYPES))
    .addCheckConstraint('partner_dispatches_held', sql`(status = 'held') = (held_on is not null)`)
    .addCheckConstraint('partner_dispatches_audience', sql`audience_size > 0`)
    .execute();

  await db.schema
    .createTable('partner_kpi_bindings')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('programme_id', 'text', (c) => c.notNull().references('partner_programmes.id'))
    .addColumn('city_id', 'text', (c) => c.notNull())
    // The KPI's id within the city (its slug): no foreign key, a re-import of the plan data keeps the binding.
    .addColumn('kpi_slug', 'text', (c) => c.notNull())
    .addColumn('spec', 'jsonb', (c) => c.notNull())
    .addUniqueConstraint('partner_kpi_bindings_kpi', ['city_id', 'kpi_slug'])
    .execute();
}
