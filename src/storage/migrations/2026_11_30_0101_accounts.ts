import { sql, type Kysely } from 'kysely';

/*
 * Accounts hardening (issue 9 point 7). Append-only: never edit this file once it has landed.
 *
 * - `rate_limits`: the counters of the log-in throttle (src/auth/login-throttle.ts), kept in the
 *   database so every process behind a load balancer sees the same counts. The layout is the one
 *   rate-limiter-flexible's own stores use: `points` consumed until `expire` (milliseconds since
 *   the epoch; null: never expires).
 * - `login_attempts.outcome` may also be `expired` (a one-time password used after its 24 hours).
 * - Indexes for the hourly purge of old sessions, log-in attempts and counters.
 */

/** Creates the throttle table, widens the outcome check, adds the purge indexes. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('points', 'integer', (c) => c.notNull())
    .addColumn('expire', 'bigint')
    .execute();
  await db.schema.createIndex('rate_limits_expire').on('rate_limits').column('expire').execute();

  await db.schema.alterTable('login_attempts').dropConstraint('login_attempts_outcome').execute();
  await db.schema
    .alterTable('login_attempts')
    .addCheckConstraint('login_attempts_outcome', sql.raw(`outcome in ('success', 'unknown-user', 'wrong-password', 'disabled', 'locked', 'expired')`))
    .execute();
  await db.schema.createIndex('login_attempts_occurred_at').on('login_attempts').column('occurred_at').execute();
  await db.schema.createIndex('sessions_expires_at').on('sessions').column('expires_at').execute();
}

/** Undoes {@link up} (for development only; production databases only move forward). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('sessions_expires_at').execute();
  await db.schema.dropIndex('login_attempts_occurred_at').execute();
  await sql`delete from login_attempts where outcome = 'expired'`.execute(db);
  await db.schema.alterTable('login_attempts').dropConstraint('login_attempts_outcome').execute();
  await db.schema
    .alterTable('login_attempts')
    .addCheckConstraint('login_attempts_outcome', sql.raw(`outcome in ('success', 'unknown-user', 'wrong-password', 'disabled', 'locked')`))
    .execute();
  await db.schema.dropTable('rate_limits').execute();
}
