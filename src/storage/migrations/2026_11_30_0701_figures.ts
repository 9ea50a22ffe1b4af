import { sql, type Kysely } from 'kysely';

/*
 * Figures beside the printed ones (issue 10, points 5 and 7). Append-only: never edit this
 * file once it has landed.
 *
 * - `precise_figures`: the unrounded value behind a printed baseline, actual or target, with
 *   its source and whether a document states it or reconciliation inferred it from the
 *   published rate. Rates use it; pages and sheets print the printed figure.
 * - `published_figures`: figures a city published about its programmes (22 registered groups
 *   in 令和6年8月, 491 individual members…), dated, with the document and the passage they come
 *   from, so they are shown as published figures and never mixed with sample records.
 */

function oneOf(column: string, values: readonly string[]) {
  return sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(', ')})`);
}
const TIME_POINT = sql.raw(`'^(FY)?[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?(/(FY)?[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?)?$'`);
const ISO_DATE = sql.raw(`'^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$'`);

/** Creates the two tables. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('precise_figures')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('city_id', 'text', (c) => c.notNull().references('cities.id'))
    .addColumn('kpi_id', 'integer', (c) => c.notNull().references('kpis.id'))
    .addColumn('figure', 'text', (c) => c.notNull())
    // '' for the baseline, the ISO time point of an actual, the slug of a target.
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('value', 'numeric', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('basis', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('precise_figures_kpi_figure_ref', ['kpi_id', 'figure', 'ref'])
    .addCheckConstraint('precise_figures_figure', oneOf('figure', ['baseline', 'actual', 'target']))
    .addCheckConstraint('precise_figures_basis', oneOf('basis', ['stated', 'inferred-from-published-rate']))
    .addCheckConstraint('precise_figures_source', sql`btrim(source) <> ''`)
    .addCheckConstraint('precise_figures_actor', sql`btrim(actor) <> ''`)
    .addCheckConstraint('precise_figures_ref', sql`(figure = 'baseline' and ref = '') or (figure = 'actual' and ref ~ ${TIME_POINT}) or (figure = 'target' and ref <> '')`)
    .execute();
  await db.schema.createIndex('precise_figures_city').on('precise_figures').column('city_id').execute();

  await db.schema
    .createTable('published_figures')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('city_id', 'text', (c) => c.notNull().references('cities.id'))
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('label_en', 'text')
    .addColumn('value', 'numeric', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    // The date the figure stands for (as of), ISO of any precision: '2024-08', '2023' (a year's total).
    .addColumn('as_of', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('passage', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('published_figures_city_slug', ['city_id', 'slug'])
    .addCheckConstraint('published_figures_slug', sql`slug ~ '^[a-z0-9][a-z0-9-]*$'`)
    .addCheckConstraint('published_figures_as_of', sql`as_of ~ ${ISO_DATE}`)
    .addCheckConstraint('published_figures_period', oneOf('period', ['as-of', 'year-total']))
    .addCheckConstraint('published_figures_value', sql`value >= 0`)
    .addCheckConstraint('published_figures_texts', sql`btrim(label) <> '' and btrim(document) <> '' and btrim(source) <> '' and btrim(passage) <> ''`)
    .execute();
}
