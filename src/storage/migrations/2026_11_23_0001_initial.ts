import { sql, type Kysely } from 'kysely';

/*
 * The initial schema. Migrations are append-only: never edit this file once it has landed;
 * add a new timestamped migration instead. Lists of allowed values are written out here on
 * purpose, so a later change to the domain types cannot silently change what this created.
 */

const SLUG = `'^[a-z0-9][a-z0-9-]*$'`;
const TIME_POINT = `'^(FY)?[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?(/(FY)?[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?)?$'`;
const ISO_DATE = `'^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$'`;

/** `column in ('a', 'b')` for a check constraint. */
function oneOf(column: string, values: readonly string[]) {
  return sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(', ')})`);
}

/** Creates every table of the first version of the schema. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('cities')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('prefecture', 'text', (c) => c.notNull())
    .addColumn('prefecture_en', 'text', (c) => c.notNull())
    .addColumn('sdgs_future_city_since', 'integer')
    .addColumn('population', 'integer')
    .addColumn('description', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('cities_id_slug', sql.raw(`id ~ ${SLUG}`))
    .execute();

  await db.schema
    .createTable('source_documents')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('city_id', 'text', (c) => c.notNull().references('cities.id'))
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('published', 'text', (c) => c.notNull())
    .addColumn('source', 'text')
    .addUniqueConstraint('source_documents_city_slug', ['city_id', 'slug'])
    .addCheckConstraint('source_documents_published_date', sql.raw(`published ~ ${ISO_DATE}`))
    .execute();

  await db.schema
    .createTable('kpis')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('city_id', 'text', (c) => c.notNull().references('cities.id'))
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text')
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('department', 'text')
    .addColumn('side', 'text', (c) => c.notNull())
    .addColumn('aggregation', 'text', (c) => c.notNull())
    .addColumn('direction', 'text')
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('baseline_at', 'text', (c) => c.notNull())
    .addColumn('baseline_at_end', 'double precision', (c) => c.notNull())
    .addColumn('baseline_value', 'numeric', (c) => c.notNull())
    .addColumn('baseline_decimals', 'integer')
    .addColumn('retired_at', 'timestamptz')
    .addUniqueConstraint('kpis_city_slug', ['city_id', 'slug'])
    .addCheckConstraint('kpis_slug', sql.raw(`slug ~ ${SLUG}`))
    .addCheckConstraint('kpis_side', oneOf('side', ['economy', 'society', 'environment', 'none']))
    .addCheckConstraint('kpis_aggregation', oneOf('aggregation', ['cumulative', 'per-year', 'snapshot', 'period-total']))
    .addCheckConstraint('kpis_direction', oneOf('direction', ['up', 'down']))
    .addCheckConstraint('kpis_method', oneOf('method', ['progress-from-baseline', 'ratio']))
    .addCheckConstraint('kpis_baseline_at', sql.raw(`baseline_at ~ ${TIME_POINT}`))
    .addCheckConstraint('kpis_baseline_decimals', sql`baseline_decimals >= 0`)
    .execute();

  await db.schema
    .createTable('kpi_sdg_targets')
    .addColumn('kpi_id', 'integer', (c) => c.notNull().references('kpis.id').onDelete('cascade'))
    .addColumn('sdg_target', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('kpi_sdg_targets_pk', ['kpi_id', 'sdg_target'])
    .addCheckConstraint('kpi_sdg_targets_id', sql.raw(`sdg_target ~ '^[0-9]{1,2}[.][0-9a-z]{1,2}$'`))
    .execute();
  await db.schema.createIndex('kpi_sdg_targets_target').on('kpi_sdg_targets').column('sdg_target').execute();

  await db.schema
    .createTable('kpi_targets')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('kpi_id', 'integer', (c) => c.notNull().references('kpis.id'))
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('at_end', 'double precision', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addUniqueConstraint('kpi_targets_kpi_slug', ['kpi_id', 'slug'])
    // Lets plan rows and published rates check that a target belongs to their KPI.
    .addUniqueConstraint('kpi_targets_id_kpi', ['id', 'kpi_id'])
    .addCheckConstraint('kpi_targets_at', sql.raw(`at ~ ${TIME_POINT}`))
    .execute();

  await db.schema
    .createTable('kpi_target_values')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('kpi_target_id', 'integer', (c) => c.notNull().references('kpi_targets.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('value', 'numeric')
    .addColumn('decimals', 'integer')
    .addColumn('deleted', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('kpi_target_values_version', ['kpi_target_id', 'version'])
    .addCheckConstraint('kpi_target_values_version_positive', sql`version >= 1`)
    .addCheckConstraint('kpi_target_values_value_or_tombstone', sql`deleted or value is not null`)
    .addCheckConstraint('kpi_target_values_decimals', sql`decimals >= 0`)
    .addCheckConstraint('kpi_target_values_actor', sql`btrim(actor) <> ''`)
    .execute();

  await db.schema
    .createTable('target_revisions')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('kpi_target_id', 'integer', (c) => c.notNull().references('kpi_targets.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('old_value', 'numeric', (c) => c.notNull())
    .addColumn('new_value', 'numeric', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('revised_on', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('target_revisions_position', ['kpi_target_id', 'position'])
    .addCheckConstraint('target_revisions_reason', sql`btrim(reason) <> ''`)
    .addCheckConstraint('target_revisions_revised_on', sql.raw(`revised_on ~ ${ISO_DATE}`))
    .addCheckConstraint('target_revisions_actor', sql`btrim(actor) <> ''`)
    .execute();

  await db.schema
    .createTable('observations')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('kpi_id', 'integer', (c) => c.notNull().references('kpis.id'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('at_end', 'double precision', (c) => c.notNull())
    .addUniqueConstraint('observations_kpi_at', ['kpi_id', 'at'])
    .addCheckConstraint('observations_at', sql.raw(`at ~ ${TIME_POINT}`))
    .execute();
  await db.schema.createIndex('observations_kpi_at_end').on('observations').columns(['kpi_id', 'at_end']).execute();

  await db.schema
    .createTable('observation_versions')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('observation_id', 'integer', (c) => c.notNull().references('observations.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('value', 'numeric')
    .addColumn('decimals', 'integer')
    .addColumn('note', 'text')
    .addColumn('source', 'text')
    .addColumn('deleted', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('observation_versions_version', ['observation_id', 'version'])
    .addCheckConstraint('observation_versions_version_positive', sql`version >= 1`)
    .addCheckConstraint('observation_versions_value_or_tombstone', sql`deleted or value is not null`)
    .addCheckConstraint('observation_versions_decimals', sql`decimals >= 0`)
    .addCheckConstraint('observation_versions_actor', sql`btrim(actor) <> ''`)
    .execute();

  await db.schema
    .createTable('plans')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('city_id', 'text', (c) => c.notNull().references('cities.id'))
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('title_en', 'text')
    .addColumn('period_start', 'integer', (c) => c.notNull())
    .addColumn('period_end', 'integer', (c) => c.notNull())
    .addColumn('parent_plan_id', 'integer', (c) => c.references('plans.id'))
    .addColumn('vision', 'text')
    .addUniqueConstraint('plans_city_slug', ['city_id', 'slug'])
    .addCheckConstraint('plans_slug', sql.raw(`slug ~ ${SLUG}`))
    .addCheckConstraint('plans_kind', oneOf('kind', ['basic-concept', 'basic-plan', 'implementation-plan', 'sdgs-future-city', 'other']))
    .addCheckConstraint('plans_period', sql`period_start <= period_end`)
    .execute();

  await db.schema
    .createTable('plan_versions')
    .addColumn('plan_id', 'integer', (c) => c.notNull().references('plans.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addPrimaryKeyConstraint('plan_versions_pk', ['plan_id', 'position'])
    .addCheckConstraint('plan_versions_kind', oneOf('kind', ['adopted', 'revised']))
    .addCheckConstraint('plan_versions_date', sql.raw(`date ~ ${ISO_DATE}`))
    .execute();

  await db.schema
    .createTable('plan_nodes')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('plan_id', 'integer', (c) => c.notNull().references('plans.id').onDelete('cascade'))
    .addColumn('parent_id', 'integer', (c) => c.references('plan_nodes.id').onDelete('cascade'))
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('code', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('title_en', 'text')
    .addColumn('description', 'text')
    .addUniqueConstraint('plan_nodes_plan_slug', ['plan_id', 'slug'])
    .addCheckConstraint(
      'plan_nodes_kind',
      oneOf('kind', ['vision', 'principle', 'goal', 'direction', 'policy', 'initiative', 'project', 'section']),
    )
    .execute();
  await db.schema.createIndex('plan_nodes_tree').on('plan_nodes').columns(['plan_id', 'parent_id', 'position']).execute();

  await db.schema
    .createTable('plan_kpi_rows')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('node_id', 'integer', (c) => c.notNull().references('plan_nodes.id').onDelete('cascade'))
    .addColumn('kpi_id', 'integer', (c) => c.notNull().references('kpis.id'))
    .addColumn('kpi_target_id', 'integer')
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('no', 'text')
    .addColumn('weight', 'numeric')
    .addColumn('commentary', 'text')
    .addColumn('reflection', 'text')
    .addUniqueConstraint('plan_kpi_rows_position', ['node_id', 'position'])
    .addForeignKeyConstraint('plan_kpi_rows_target_of_kpi', ['kpi_target_id', 'kpi_id'], 'kpi_targets', ['id', 'kpi_id'])
    .addCheckConstraint('plan_kpi_rows_weight', sql`weight > 0`)
    .execute();
  await db.schema.createIndex('plan_kpi_rows_kpi').on('plan_kpi_rows').column('kpi_id').execute();

  await db.schema
    .createTable('plan_narratives')
    .addColumn('plan_id', 'integer', (c) => c.notNull().references('plans.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('year', 'integer')
    .addPrimaryKeyConstraint('plan_narratives_pk', ['plan_id', 'position'])
    .addCheckConstraint('plan_narratives_kind', oneOf('kind', ['summary', 'results', 'problems', 'outlook', 'expert-evaluation', 'other']))
    .execute();

  await db.schema
    .createTable('published_rates')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('city_id', 'text', (c) => c.notNull().references('cities.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('kpi_id', 'integer', (c) => c.notNull().references('kpis.id'))
    .addColumn('document_id', 'integer', (c) => c.notNull().references('source_documents.id'))
    .addColumn('actual_at', 'text', (c) => c.notNull())
    .addColumn('actual_at_end', 'double precision', (c) => c.notNull())
    .addColumn('kpi_target_id', 'integer', (c) => c.notNull())
    .addColumn('rate', 'numeric', (c) => c.notNull())
    .addColumn('decimals', 'integer', (c) => c.notNull())
    .addColumn('printed', 'text', (c) => c.notNull())
    .addColumn('actual_value', 'numeric')
    .addColumn('actual_decimals', 'integer')
    .addColumn('target_value', 'numeric')
    .addColumn('target_decimals', 'integer')
    .addForeignKeyConstraint('published_rates_target_of_kpi', ['kpi_target_id', 'kpi_id'], 'kpi_targets', ['id', 'kpi_id'])
    .addCheckConstraint('published_rates_actual_at', sql.raw(`actual_at ~ ${TIME_POINT}`))
    .addCheckConstraint('published_rates_decimals', sql`decimals >= 0`)
    .addCheckConstraint('published_rates_actual', sql`(actual_value is null) = (actual_decimals is null)`)
    .addCheckConstraint('published_rates_target', sql`(target_value is null) = (target_decimals is null)`)
    .execute();
  await db.schema.createIndex('published_rates_city').on('published_rates').columns(['city_id', 'position']).execute();
  await db.schema.createIndex('published_rates_kpi').on('published_rates').column('kpi_id').execute();

  await db.schema
    .createTable('change_log')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    // No foreign key: the audit trail outlives what it describes.
    .addColumn('city_id', 'text')
    .addColumn('old', 'jsonb')
    .addColumn('new', 'jsonb')
    .addColumn('reason', 'text')
    .addCheckConstraint('change_log_actor', sql`btrim(actor) <> ''`)
    .execute();
  await db.schema.createIndex('change_log_city').on('change_log').columns(['city_id', 'id']).execute();
  await db.schema.createIndex('change_log_entity').on('change_log').columns(['entity', 'entity_id']).execute();
  await db.schema.createIndex('change_log_actor').on('change_log').columns(['actor', 'id']).execute();
  await db.schema.createIndex('change_log_occurred_at').on('change_log').column('occurred_at').execute();

  // History is append-only in the database itself, not only by convention in the code.
  await sql`
    create function forbid_history_rewrite() returns trigger language plpgsql as $$
    begin
      raise exception '% is append-only: % is not allowed', tg_table_name, tg_op;
    end
    $$`.execute(db);
  for (const table of ['observation_versions', 'kpi_target_values', 'target_revisions', 'change_log']) {
    await sql`
      create trigger ${sql.id(`${table}_append_only`)}
      before update or delete or truncate on ${sql.table(table)}
      for each statement execute function forbid_history_rewrite()`.execute(db);
  }
}
