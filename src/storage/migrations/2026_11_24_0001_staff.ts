import { sql, type Kysely } from 'kysely';

/*
 * The staff area: users with a role per city, server-side sessions, the log of log-in attempts,
 * departments and which KPIs they own, publication of a year's data, yearly commentary per KPI,
 * status overrides, data-entry rounds and the mail outbox. Append-only like the initial
 * migration: never edit this file once it has landed.
 */

/** `column in ('a', 'b')` for a check constraint. */
function oneOf(column: string, values: readonly string[]) {
  return sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(', ')})`);
}

/** Creates the staff tables. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('departments')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('city_id', 'text', (c) => c.notNull().references('cities.id'))
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text')
    .addUniqueConstraint('departments_city_slug', ['city_id', 'slug'])
    .addCheckConstraint('departments_slug', sql.raw(`slug ~ '^[a-z0-9][a-z0-9-]*$'`))
    .execute();

  await db.schema
    .createTable('kpi_departments')
    .addColumn('kpi_id', 'integer', (c) => c.primaryKey().references('kpis.id'))
    .addColumn('department_id', 'integer', (c) => c.notNull().references('departments.id'))
    // Where the assignment comes from: the demo file (the documents name no department) or a staff decision.
    .addColumn('basis', 'text', (c) => c.notNull())
    .addCheckConstraint('kpi_departments_basis', oneOf('basis', ['demo-assignment', 'staff']))
    .execute();
  await db.schema.createIndex('kpi_departments_department').on('kpi_departments').column('department_id').execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('must_change_password', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('is_system_admin', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('disabled_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('password_changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('users_username', sql.raw(`username ~ '^[a-z0-9][a-z0-9._-]{2,63}$'`))
    .addCheckConstraint('users_password_hash', sql.raw(`password_hash like 'scrypt$%'`))
    .execute();

  await db.schema
    .createTable('user_roles')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('city_id', 'text', (c) => c.notNull().references('cities.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('department_id', 'integer', (c) => c.references('departments.id'))
    .addPrimaryKeyConstraint('user_roles_pk', ['user_id', 'city_id'])
    .addCheckConstraint('user_roles_role', oneOf('role', ['administrator', 'secretariat', 'department-editor', 'expert', 'viewer']))
    .addCheckConstraint('user_roles_department', sql`(role = 'department-editor') = (department_id is not null)`)
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    // SHA-256 of the cookie's token: a stolen table does not give working cookies.
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ended_at', 'timestamptz')
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('login_attempts')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addCheckConstraint('login_attempts_outcome', oneOf('outcome', ['success', 'unknown-user', 'wrong-password', 'disabled', 'locked']))
    .execute();
  await db.schema.createIndex('login_attempts_username').on('login_attempts').columns(['username', 'occurred_at']).execute();
  await db.schema.createIndex('login_attempts_ip').on('login_attempts').columns(['ip', 'occurred_at']).execute();

  await db.schema
    .createTable('year_publications')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('city_id', 'text', (c) => c.notNull().references('cities.id'))
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('published', 'boolean', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('year_publications_actor', sql`btrim(actor) <> ''`)
    .execute();
  await db.schema.createIndex('year_publications_city_year').on('year_publications').columns(['city_id', 'year', 'id']).execute();

  await db.schema
    .createTable('kpi_commentaries')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('kpi_id', 'integer', (c) => c.notNull().references('kpis.id'))
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('kpi_commentaries_actor', sql`btrim(actor) <> ''`)
    .execute();
  await db.schema.createIndex('kpi_commentaries_kpi_year').on('kpi_commentaries').columns(['kpi_id', 'year', 'id']).execute();

  await db.schema
    .createTable('status_overrides')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('kpi_id', 'integer', (c) => c.notNull().references('kpis.id'))
    // Null withdraws the override: the computed status shows again.
    .addColumn('status', 'text')
    .addColumn('justification', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('status_overrides_status', oneOf('status', ['achieved', 'on-track', 'behind', 'worsening']))
    .addCheckConstraint('status_overrides_justification', sql`btrim(justification) <> ''`)
    .addCheckConstraint('status_overrides_actor', sql`btrim(actor) <> ''`)
    .execute();
  await db.schema.createIndex('status_overrides_kpi').on('status_overrides').columns(['kpi_id', 'id']).execute();

  await db.schema
    .createTable('entry_rounds')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('city_id', 'text', (c) => c.notNull().references('cities.id'))
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('deadline', 'text', (c) => c.notNull())
    .addColumn('opened_by', 'text', (c) => c.notNull())
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('closed_by', 'text')
    .addColumn('closed_at', 'timestamptz')
    .addUniqueConstraint('entry_rounds_city_year', ['city_id', 'year'])
    .addCheckConstraint('entry_rounds_deadline', sql.raw(`deadline ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'`))
    .execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('city_id', 'text', (c) => c.references('cities.id'))
    .addColumn('round_id', 'integer', (c) => c.references('entry_rounds.id'))
    // One message per purpose: queuing the same reminder twice is a no-op.
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('recipient_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .execute();
  await db.schema.createIndex('outbox_unsent').on('outbox').columns(['sent_at', 'id']).execute();

  // The records of decisions are append-only in the database itself, like the initial history tables.
  for (const table of ['year_publications', 'kpi_commentaries', 'status_overrides']) {
    await sql`
      create trigger ${sql.id(`${table}_append_only`)}
      before update or delete or truncate on ${sql.table(table)}
      for each statement execute function forbid_history_rewrite()`.execute(db);
  }
}
