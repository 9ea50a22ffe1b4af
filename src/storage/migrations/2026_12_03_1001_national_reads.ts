import { sql, type Kysely } from 'kysely';

/*
 * Issue 11.5 (national scale): the pages across cities (SDG goals, home, open data, the city
 * directory, search) read at most a few hundred index entries on a miss, whatever the number of
 * cities. Measured at 1,741 cities on PostgreSQL before this migration: 40 ms per SDG goal page
 * to count every goal over `goal_city_counts`, 124 ms for 50 home page cities' KPIs by status,
 * 300–600 ms for a common word's search (a Japanese word yields no trigram in a C-locale
 * database, nor a two-character word in any, so the trigram index never served them).
 *
 * - `search_grams(text)`: every character of a text and every pair of adjacent characters; the
 *   search entries are indexed by it (GIN), and a fragment typed (by `search_query_grams`: its
 *   pairs, or itself when one character long) can only occur in an entry holding all of the
 *   fragment's, whatever the database's locale. The trigram index it replaces is dropped.
 * - `sdg_counts`: per prefecture ('' for every prefecture), SDG goal, target ('' for the goal
 *   itself) and status ('' for every status), the KPIs and the cities having any; target rows only
 *   for every prefecture and status. Maintained with the other summaries (summary.repository.ts
 *   replaceCitySummaries adds what the city's rebuild changed), so the SDG pages read 17 rows
 *   instead of aggregating 58,000. `goal_city_counts.prefecture` records the prefecture the city's
 *   rows were counted under, so a city moved to another prefecture leaves the right one.
 * - Covering indexes: a goal's cities with their KPI counts (`goal_city_counts` by goal and
 *   status), and a city's KPIs in order with their ids and statuses (`kpi_summaries`), read
 *   without the table.
 *
 * Filled here from the summaries already built. Append-only: never edit this file once it has landed.
 */

/** Adds the functions, the table and the indexes, and fills the counts from the summaries. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function search_grams(t text) returns text[] language plpgsql immutable strict parallel safe as $$
    declare
      chars text[] := regexp_split_to_array(t, '');
      grams text[] := chars;
    begin
      for i in 1 .. cardinality(chars) - 1 loop
        grams := grams || (chars[i] || chars[i + 1]);
      end loop;
      return grams;
    end $$`.execute(db);
  await sql`
    create function search_query_grams(t text) returns text[] language sql immutable strict parallel safe as $$
      select case when length(t) < 2 then array_remove(array[t], '') else array(select substr(t, i, 2) from generate_series(1, length(t) - 1) as i) end
    $$`.execute(db);
  await sql`create index search_entries_grams on search_entries using gin (search_grams(folded))`.execute(db);
  await sql`drop index search_entries_folded`.execute(db);

  await sql`alter table goal_city_counts add column prefecture text not null default ''`.execute(db);
  await sql`update goal_city_counts g set prefecture = c.prefecture from cities c where c.id = g.city_id`.execute(db);
  await db.schema
    .createTable('sdg_counts')
    .addColumn('prefecture', 'text', (c) => c.notNull())
    .addColumn('goal', 'smallint', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('kpis', 'integer', (c) => c.notNull())
    .addColumn('cities', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('sdg_counts_pk', ['prefecture', 'goal', 'target', 'status'])
    .execute();
  await sql`
    insert into sdg_counts (prefecture, goal, target, status, kpis, cities)
    select p.prefecture, g.goal, '', g.status, sum(g.kpis), count(*)
    from goal_city_counts g cross join lateral (values (g.prefecture), ('')) as p (prefecture)
    group by p.prefecture, g.goal, g.status
    union all
    select p.prefecture, g.goal, '', '', sum(g.kpis), count(distinct g.city_id)
    from goal_city_counts g cross join lateral (values (g.prefecture), ('')) as p (prefecture)
    group by p.prefecture, g.goal
    union all
    select '', t.goal, t.target, '', count(*), count(distinct t.city_id)
    from kpi_summary_targets t
    group by t.goal, t.target`.execute(db);

  await sql`create index goal_city_counts_goal_status on goal_city_counts (goal, status, city_id) include (kpis, prefecture)`.execute(db);
  await sql`drop index kpi_summaries_city_position`.execute(db);
  await sql`create index kpi_summaries_city_position on kpi_summaries (city_id, position) include (kpi_id, status)`.execute(db);
}
