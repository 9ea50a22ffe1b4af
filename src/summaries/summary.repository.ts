import type { Lang } from '../i18n/lang.ts';
import type { KpiPageParts } from './kpi-page.model.ts';
import { sql, type ExpressionBuilder, type RawBuilder, type SelectQueryBuilder, type Selectable } from 'kysely';
import type { CityRow } from '../cities/city.table.ts';
import { inTransaction, type Executor } from '../storage/database.ts';
import { StatementTemplates, templateMarker, usePreparedStatement } from '../storage/prepared-statements.ts';
import { summaryDb, type SummaryDatabase, type CityPageSummariesTable, type PlanPageSummariesTable, type KpiPageSummariesTable, type KpiSummaryNodesTable, type KpiSummariesTable, type KpiSummaryRow, type KpiSummaryTargetsTable, type SearchEntriesTable, type SearchEntryRow } from './summary.table.ts';

/**
 * All SQL of the national summaries (issue 11): city revisions, the per-KPI summaries the
 * cross-city pages read, and the search entries. Every function takes the executor first.
 */

/** Rows inserted per statement: well under PostgreSQL's 65,535 bind parameters. */
const BATCH = 500;

/** KPI page rows inserted per statement (each some 20 kB of HTML). */
const KPI_PAGE_BATCH = 50;

/** {@link replaceCitySummaries}' part for the KPI pages (see `CitySummaryRows.kpiPages`), in its transaction. */
async function replaceKpiPages(trx: Executor, cityId: string, pages: CitySummaryRows['kpiPages']): Promise<void> {
  const t = summaryDb(trx);
  const kept = pages ? [...pages.keys] : [];
  if (!pages || kept.length === 0) await t.deleteFrom('kpi_page_summaries').where('city_id', '=', cityId).execute();
  else {
    const current = sql.join(kept.map(([kpiId, key]) => sql`(${kpiId}, ${key})`));
    await sql`delete from kpi_page_summaries p where p.city_id = ${cityId} and (p.rendered_by <> ${pages.renderedBy}
      or not exists (select 1 from (values ${current}) as k(kpi_id, input_key) where k.kpi_id = p.kpi_id and k.input_key = p.input_key))`.execute(trx);
  }
  const rows = pages?.rows ?? [];
  for (let i = 0; i < rows.length; i += KPI_PAGE_BATCH) {
    await t.insertInto('kpi_page_summaries').values(rows.slice(i, i + KPI_PAGE_BATCH)).onConflict((oc) => oc.columns(['city_id', 'kpi_id', 'lang']).doNothing()).execute();
  }
  await t.updateTable('city_revisions').set({ kpi_pages_by: pages?.renderedBy ?? null }).where('city_id', '=', cityId).execute();
}

/**
 * Replaces a city's KPI pages alone (see {@link replaceCitySummaries}), rendered from its data at
 * `revision`, when its summaries are of that revision still; false, writing nothing, when they are
 * not (a write came in meanwhile: its rebuild renders the pages with the rest).
 */
export async function replaceKpiPagesAt(db: Executor, cityId: string, revision: number, pages: NonNullable<CitySummaryRows['kpiPages']>): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const current = await summaryDb(trx).selectFrom('city_revisions').select(['revision', 'summarized_revision']).where('city_id', '=', cityId).forUpdate().executeTakeFirst();
    if (!current || Number(current.revision) !== revision || Number(current.summarized_revision) !== revision) return false;
    await replaceKpiPages(trx, cityId, pages);
    return true;
  });
}

/**
 * Ids of cities whose summaries are as new as their data but whose KPI pages `version` (the
 * code's, src/source-version.ts) did not render: rendered by another version, or never (a city
 * summarised before migration 2026_12_04_1101, or by a process that renders none). In id order.
 */
export async function kpiPagesStaleCityIds(db: Executor, version: string): Promise<string[]> {
  const rows = await summaryDb(db)
    .selectFrom('city_revisions')
    .select('city_id')
    .whereRef('summarized_revision', '>=', 'revision')
    .where((eb) => eb.or([eb('kpi_pages_by', 'is', null), eb('kpi_pages_by', '<>', version)]))
    .orderBy('city_id')
    .execute();
  return rows.map((r) => r.city_id);
}

/**
 * The input key (`kpi_page_summaries.input_key`) of each KPI page of a city that `renderedBy`
 * code rendered, by KPI: what a rebuild compares to keep the pages whose input is unchanged.
 */
export async function kpiPageKeys(db: Executor, cityId: string, renderedBy: string): Promise<Map<string, string>> {
  const rows = await summaryDb(db).selectFrom('kpi_page_summaries').select(['kpi_id', 'input_key']).where('city_id', '=', cityId).where('lang', '=', 'ja').where('rendered_by', '=', renderedBy).execute();
  return new Map(rows.map((r) => [r.kpi_id, r.input_key]));
}

/** A city's revision and the revision its summaries were built from. */
export interface CityRevision {
  readonly cityId: string;
  readonly revision: number;
  readonly summarizedRevision: number;
}

/** Bumps a city's revision (creating its row on first write); returns the new revision. */
export async function bumpCityRevision(db: Executor, cityId: string): Promise<number> {
  const row = await summaryDb(db)
    .insertInto('city_revisions')
    .values({ city_id: cityId, revision: 1 })
    .onConflict((oc) => oc.column('city_id').doUpdateSet({ revision: sql`city_revisions.revision + 1`, changed_at: sql`now()` }))
    .returning('revision')
    .executeTakeFirstOrThrow();
  return Number(row.revision);
}

/**
 * Tells every process listening on `channel` (PostgreSQL LISTEN, summaries/change-listener.ts)
 * that a city changed; on PGlite (one process) nobody listens and the call costs nothing.
 */
export async function notifyCityChanged(db: Executor, channel: string, cityId: string): Promise<void> {
  await sql`select pg_notify(${channel}, ${cityId})`.execute(db);
}

/** Every city's revision; cities never written since the migration are missing (revision 0). */
export async function listCityRevisions(db: Executor): Promise<CityRevision[]> {
  const rows = await summaryDb(db).selectFrom('city_revisions').select(['city_id', 'revision', 'summarized_revision']).execute();
  return rows.map((r) => ({ cityId: r.city_id, revision: Number(r.revision), summarizedRevision: Number(r.summarized_revision) }));
}

/** One city's revision (0 when it has none yet): one indexed row, not every city's (each write asks it). */
export async function cityRevision(db: Executor, cityId: string): Promise<number> {
  const row = await summaryDb(db).selectFrom('city_revisions').select('revision').where('city_id', '=', cityId).executeTakeFirst();
  return row ? Number(row.revision) : 0;
}

/**
 * Of `cityIds`, those whose summaries hold every write to their data (`summarized_revision ≥
 * revision`): one indexed read of at most a few rows. A city written and not yet summarised (here
 * or in another process), never summarised or unknown is absent.
 */
export async function citiesWithFreshSummaries(db: Executor, cityIds: readonly string[]): Promise<Set<string>> {
  if (cityIds.length === 0) return new Set();
  const rows = await summaryDb(db).selectFrom('city_revisions').select('city_id').where('city_id', 'in', [...new Set(cityIds)]).whereRef('summarized_revision', '>=', 'revision').execute();
  return new Set(rows.map((r) => r.city_id));
}

/** Ids of cities whose summaries are missing or older than their data. */
export async function staleSummaryCityIds(db: Executor): Promise<string[]> {
  const rows = await summaryDb(db)
    .selectFrom('cities')
    .leftJoin('city_revisions', 'city_revisions.city_id', 'cities.id')
    .select('cities.id')
    .where((eb) => eb.or([eb('city_revisions.city_id', 'is', null), eb('city_revisions.summarized_revision', '<', eb.ref('city_revisions.revision'))]))
    .orderBy('cities.id')
    .execute();
  return rows.map((r) => r.id);
}

/** What {@link replaceCitySummaries} writes for one city. */
export interface CitySummaryRows {
  readonly kpis: readonly KpiSummariesTable[];
  readonly targets: readonly KpiSummaryTargetsTable[];
  readonly entries: readonly SearchEntriesTable[];
  /** The KPI list's node filter: per plan node, the KPIs in it or below it. */
  readonly nodes: readonly KpiSummaryNodesTable[];
  /** The city's overview as its pages show it. */
  readonly page: CityPageSummariesTable;
  /** Each plan's public page (plans/plan-page.model.ts). */
  readonly plans: readonly PlanPageSummariesTable[];
  /**
   * The public KPIs' pages (summaries/kpi-page.model.ts): by `renderedBy` code, each KPI's input
   * key (`keys`) and the rows rendered anew (those of KPIs whose key changed); the kept rows of
   * other keys or code are dropped. Undefined when the builder renders no pages: every row goes.
   */
  readonly kpiPages: { readonly renderedBy: string; readonly keys: ReadonlyMap<string, string>; readonly rows: readonly KpiPageSummariesTable[] } | undefined;
}

/**
 * Replaces a city's summary rows with those built from its data at `revision`, in one
 * transaction, unless a newer build already landed (two processes refreshing at once). These
 * are derived rows, rebuilt whole per city; the data itself is never rewritten this way.
 * Returns whether the rows were written.
 */
export async function replaceCitySummaries(db: Executor, cityId: string, revision: number, rows: CitySummaryRows): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const t = summaryDb(trx);
    // Lock the city's revision row so concurrent refreshes of one city serialise here.
    const created = await t.insertInto('city_revisions').values({ city_id: cityId, revision: Math.max(revision, 1) }).onConflict((oc) => oc.column('city_id').doNothing()).returning('city_id').executeTakeFirst();
    const current = await t.selectFrom('city_revisions').select(['summarized_revision']).where('city_id', '=', cityId).forUpdate().executeTakeFirstOrThrow();
    if (Number(current.summarized_revision) >= revision && revision > 0) return false;
    // What the city's summaries add to the national SDG counts now, to take away below.
    const counted = await citySdgCounts(trx, cityId);
    await t.deleteFrom('kpi_summary_targets').where('city_id', '=', cityId).execute();
    await t.deleteFrom('kpi_summaries').where('city_id', '=', cityId).execute();
    await t.deleteFrom('search_entries').where('city_id', '=', cityId).execute();
    for (let i = 0; i < rows.kpis.length; i += BATCH) await t.insertInto('kpi_summaries').values(rows.kpis.slice(i, i + BATCH)).execute();
    for (let i = 0; i < rows.targets.length; i += BATCH) await t.insertInto('kpi_summary_targets').values(rows.targets.slice(i, i + BATCH)).execute();
    for (let i = 0; i < rows.entries.length; i += BATCH) await t.insertInto('search_entries').values(rows.entries.slice(i, i + BATCH)).execute();
    // The city's own pages (kpi_summary_nodes went with its KPIs: on delete cascade).
    for (let i = 0; i < rows.nodes.length; i += BATCH) await t.insertInto('kpi_summary_nodes').values(rows.nodes.slice(i, i + BATCH)).execute();
    await t.deleteFrom('city_page_summaries').where('city_id', '=', cityId).execute();
    await t.insertInto('city_page_summaries').values(rows.page).execute();
    await t.deleteFrom('plan_page_summaries').where('city_id', '=', cityId).execute();
    // One plan a statement: a plan's page model is some hundreds of kB for a plan of 300 KPIs.
    for (const plan of rows.plans) await t.insertInto('plan_page_summaries').values(plan).execute();
    // Each KPI's page: the rows kept are those of the KPIs whose input key is unchanged (rendered
    // by the same code); the others go, and the pages rendered anew come in (some 20 kB a language:
    // a few dozen rows a statement). One another process wrote meanwhile with the same key is the same page.
    await replaceKpiPages(trx, cityId, rows.kpiPages);
    // The SDG pages' counts (issue 11.1): per goal and status, this city's KPIs, each once per goal.
    await t.deleteFrom('goal_city_counts').where('city_id', '=', cityId).execute();
    await sql`
      insert into goal_city_counts (goal, city_id, status, kpis, prefecture)
      select t.goal, t.city_id, s.status, count(distinct t.kpi_id), c.prefecture
      from kpi_summary_targets t
      join kpi_summaries s on s.city_id = t.city_id and s.kpi_id = t.kpi_id
      join cities c on c.id = t.city_id
      where t.city_id = ${cityId}
      group by t.goal, t.city_id, s.status, c.prefecture`.execute(trx);
    // The national counts (sdg_counts) move by the difference, last: their rows are shared by
    // every city, so they stay locked only until the commit just after.
    await addToSdgCounts(trx, sdgCountsChange(counted, await citySdgCounts(trx, cityId)));
    // A city never written since the summaries began (revision 0) gets its first revision here:
    // the rows are built from the data as it is at that revision, so they count as fresh.
    await t.updateTable('city_revisions').set({ summarized_revision: created ? Math.max(revision, 1) : revision }).where('city_id', '=', cityId).execute();
    return true;
  });
}

/** A city's share of `sdg_counts`: its `goal_city_counts` rows (with the prefecture they were counted under) and its KPIs per SDG target. */
interface CitySdgCounts {
  readonly goals: readonly { goal: number; status: string; kpis: number; prefecture: string }[];
  readonly targets: readonly { goal: number; target: string; kpis: number }[];
}

/** What a city's summaries add to `sdg_counts` (two small indexed reads of its own rows). */
async function citySdgCounts(db: Executor, cityId: string): Promise<CitySdgCounts> {
  const t = summaryDb(db);
  const [goals, targets] = await Promise.all([
    t.selectFrom('goal_city_counts').select(['goal', 'status', 'kpis', 'prefecture']).where('city_id', '=', cityId).execute(),
    t.selectFrom('kpi_summary_targets').select(['goal', 'target', (eb) => eb.fn.countAll<string | number>().as('n')]).where('city_id', '=', cityId).groupBy(['goal', 'target']).execute(),
  ]);
  return { goals: goals.map((g) => ({ ...g, kpis: Number(g.kpis) })), targets: targets.map((r) => ({ goal: Number(r.goal), target: r.target, kpis: Number(r.n) })) };
}

/** One row of `sdg_counts` or a change to it. */
interface SdgCount {
  readonly prefecture: string;
  readonly goal: number;
  readonly target: string;
  readonly status: string;
  readonly kpis: number;
  readonly cities: number;
}

/** The `sdg_counts` rows one city's counts make (summary.table.ts SdgCountsTable): its goals per status and in all, in its prefecture and the whole country; its targets, country-wide. */
function sdgCountRows(counts: CitySdgCounts): Map<string, SdgCount> {
  const out = new Map<string, SdgCount>();
  const add = (prefecture: string, goal: number, target: string, status: string, kpis: number) => {
    const key = JSON.stringify([prefecture, goal, target, status]);
    const was = out.get(key);
    // Every call is for a different (goal, status) or target of the city, but the every-status row
    // of a goal gets one call per status: the city counts once there.
    out.set(key, { prefecture, goal, target, status, kpis: (was?.kpis ?? 0) + kpis, cities: 1 });
  };
  for (const g of counts.goals) {
    for (const prefecture of [g.prefecture, '']) {
      add(prefecture, g.goal, '', g.status, g.kpis);
      add(prefecture, g.goal, '', '', g.kpis);
    }
  }
  for (const t of counts.targets) add('', t.goal, t.target, '', t.kpis);
  return out;
}

/** How `sdg_counts` moves when a city's counts go from `before` to `after`: the rows that change, in key order. */
function sdgCountsChange(before: CitySdgCounts, after: CitySdgCounts): SdgCount[] {
  const was = sdgCountRows(before);
  const now = sdgCountRows(after);
  const changes: SdgCount[] = [];
  for (const key of new Set([...was.keys(), ...now.keys()])) {
    const a = was.get(key);
    const b = now.get(key);
    const row = (b ?? a)!;
    const change = { ...row, kpis: (b?.kpis ?? 0) - (a?.kpis ?? 0), cities: (b?.cities ?? 0) - (a?.cities ?? 0) };
    if (change.kpis !== 0 || change.cities !== 0) changes.push(change);
  }
  const order = (r: SdgCount) => [r.prefecture, r.goal, r.target, r.status] as const;
  return changes.sort((x, y) => {
    const [a, b] = [order(x), order(y)];
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
    return 0;
  });
}

/**
 * Adds each change to its `sdg_counts` row (created when missing), in one statement. The rows
 * come in key order, so two rebuilds of cities of one prefecture lock them in the same order and
 * one waits for the other, never each for the other.
 */
async function addToSdgCounts(db: Executor, changes: readonly SdgCount[]): Promise<void> {
  for (let i = 0; i < changes.length; i += BATCH) {
    await summaryDb(db)
      .insertInto('sdg_counts')
      .values(changes.slice(i, i + BATCH))
      .onConflict((oc) => oc.columns(['prefecture', 'goal', 'target', 'status']).doUpdateSet({ kpis: sql`sdg_counts.kpis + excluded.kpis`, cities: sql`sdg_counts.cities + excluded.cities` }))
      .execute();
  }
}

/** Filters of the paged city list (the home page). */
export interface CityListFilter {
  readonly prefecture?: string | undefined;
  /** A fragment of the name in Japanese or English, of the prefecture's name, or the 全国地方公共団体コード's digits (matched case-insensitively). */
  readonly name?: string | undefined;
}

/**
 * One page of cities and how many match in all, in the order Japanese lists of municipalities
 * follow: by prefecture in JIS X 0401 order (from the prefecture's name, else from the first two
 * digits of the 全国地方公共団体コード), then by that code (政令市, 市, 町村 as the national list
 * orders them), then by id for cities without a code.
 */
export async function listCityRowsPaged(db: Executor, filter: CityListFilter, offset: number, limit: number, prefectureOrder: readonly string[]): Promise<{ rows: CityRow[]; total: number }> {
  const base = cityListQuery(db, filter);
  const [rows, count] = await Promise.all([inCityListOrder(base.selectAll('cities'), prefectureOrder).offset(offset).limit(limit).execute(), base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()]);
  return { rows, total: Number(count.n) };
}

/** The cities matching a {@link CityListFilter} (no columns, no order yet). */
function cityListQuery(db: Executor, filter: CityListFilter) {
  return summaryDb(db)
    .selectFrom('cities')
    .$if(filter.prefecture !== undefined, (q) => q.where('prefecture', '=', filter.prefecture!))
    .$if(filter.name !== undefined, (q) =>
      q.where((eb) =>
        eb.or([
          eb(sql`strpos(lower(cities.name), lower(${filter.name!}))`, '>', 0),
          eb(sql`strpos(lower(cities.name_en), lower(${filter.name!}))`, '>', 0),
          eb(sql`strpos(cities.prefecture, ${filter.name!})`, '>', 0),
          eb(sql`strpos(coalesce(cities.local_government_code, ''), ${filter.name!})`, '=', 1),
        ]),
      ),
    );
}

/** A query of cities rows in the order of {@link listCityRowsPaged} (`prefectureOrder`: the prefectures' names in order, or a statement marker for them). */
function inCityListOrder<Q extends SelectQueryBuilder<SummaryDatabase, 'cities', CityRow>>(q: Q, prefectureOrder: readonly string[] | string): Q {
  const byCode = sql<number>`case when cities.local_government_code ~ '^[0-9]{6}$' then cast(substr(cities.local_government_code, 1, 2) as integer) end`;
  const order = sql<number>`coalesce(array_position(${sql.val(prefectureOrder)}::text[], cities.prefecture), ${byCode})`;
  return q.orderBy(sql`${order} nulls last`).orderBy('cities.prefecture').orderBy(sql`cities.local_government_code nulls last`).orderBy('cities.id') as Q;
}

/** Prefectures with how many cities each hosts. */
export async function prefectureCounts(db: Executor): Promise<{ prefecture: string; prefectureEn: string; cities: number }[]> {
  const rows = await summaryDb(db)
    .selectFrom('cities')
    .select(['prefecture', (eb) => eb.fn.max('prefecture_en').as('prefecture_en'), (eb) => eb.fn.countAll<string | number>().as('n')])
    .groupBy('prefecture')
    .execute();
  return rows.map((r) => ({ prefecture: r.prefecture, prefectureEn: r.prefecture_en ?? r.prefecture, cities: Number(r.n) }));
}

/** Per city: KPI counts by status and the number of plans. */
export async function cityCounts(db: Executor, cityIds: readonly string[]): Promise<Map<string, { statuses: Record<string, number>; plans: number }>> {
  const out = new Map<string, { statuses: Record<string, number>; plans: number }>();
  if (cityIds.length === 0) return out;
  for (const id of cityIds) out.set(id, { statuses: {}, plans: 0 });
  const [statuses, plans] = await Promise.all([
    summaryDb(db).selectFrom('kpi_summaries').select(['city_id', 'status', (eb) => eb.fn.countAll<string | number>().as('n')]).where('city_id', 'in', cityIds).groupBy(['city_id', 'status']).execute(),
    summaryDb(db).selectFrom('plans').select(['city_id', (eb) => eb.fn.countAll<string | number>().as('n')]).where('city_id', 'in', cityIds).groupBy('city_id').execute(),
  ]);
  for (const r of statuses) out.get(r.city_id)!.statuses[r.status] = Number(r.n);
  for (const r of plans) out.get(r.city_id)!.plans = Number(r.n);
  return out;
}

/** The goal rows of `sdg_counts` with KPIs, of one prefecture ('' for every one): each goal's over every status, or per status. */
function goalCountRows(db: Executor, prefecture: string, statuses: 'every' | 'each') {
  return summaryDb(db)
    .selectFrom('sdg_counts')
    .select(['goal', 'status', 'kpis', 'cities'])
    .where('prefecture', '=', prefecture)
    .where('target', '=', '')
    .where('status', statuses === 'every' ? '=' : '<>', '')
    .where('kpis', '>', 0)
    .execute();
}

/**
 * Per SDG goal: KPIs tagged with one of its targets and cities having such KPIs (of one
 * prefecture's cities when given), from the 17 rows `sdg_counts` keeps of the goals (or of the
 * prefecture's goals). Goals without any KPI are absent.
 */
export async function goalCounts(db: Executor, prefecture?: string): Promise<Map<number, { kpis: number; cities: number }>> {
  const rows = await goalCountRows(db, prefecture ?? '', 'every');
  return new Map(rows.map((r) => [Number(r.goal), { kpis: Number(r.kpis), cities: Number(r.cities) }]));
}

/**
 * Per SDG goal, KPIs across every city counted by computed status (issue 15.1): a KPI tagged
 * with several targets of one goal counts once for that goal. From `sdg_counts` (at most 17 × 6
 * rows); goals without any KPI are absent, and so are statuses without any.
 */
export async function goalStatusCounts(db: Executor, prefecture?: string): Promise<Map<number, Record<string, number>>> {
  const rows = await goalCountRows(db, prefecture ?? '', 'each');
  const out = new Map<number, Record<string, number>>();
  for (const r of rows) out.set(Number(r.goal), { ...(out.get(Number(r.goal)) ?? {}), [r.status]: Number(r.kpis) });
  return out;
}

/**
 * An SDG goal page's counts in one read of `sdg_counts` (some 30 rows): per goal, KPIs and cities
 * over every city (as {@link goalCounts} without a prefecture), and per target of `goal`, how many
 * KPIs are tagged with it. Goals and targets without any KPI are absent.
 */
export async function goalAndTargetCounts(db: Executor, goal: number): Promise<{ goals: Map<number, { kpis: number; cities: number }>; targets: Map<string, number> }> {
  const rows = await summaryDb(db)
    .selectFrom('sdg_counts')
    .select(['goal', 'target', 'kpis', 'cities'])
    .where('prefecture', '=', '')
    .where('status', '=', '')
    .where('kpis', '>', 0)
    .where((eb) => eb.or([eb('target', '=', ''), eb('goal', '=', goal)]))
    .execute();
  const goals = new Map<number, { kpis: number; cities: number }>();
  const targets = new Map<string, number>();
  for (const r of rows) {
    if (r.target === '') goals.set(Number(r.goal), { kpis: Number(r.kpis), cities: Number(r.cities) });
    else targets.set(r.target, Number(r.kpis));
  }
  return { goals, targets };
}

/** Filters of a paged KPI list across cities. */
export interface KpiListFilter {
  readonly goal?: number | undefined;
  readonly target?: string | undefined;
  readonly prefecture?: string | undefined;
  readonly status?: string | undefined;
  readonly cityIds?: readonly string[] | undefined;
  /** KPIs of one definition (kpi_summaries.definition_key, core/kpi/kpi-definition.ts). */
  readonly definitionKey?: string | undefined;
}

/** The columns of a summarised KPI the cross-city lists show (national.service.ts summarizedKpi): not its page rows' JSON, series, search or department columns. */
const LIST_KPI_COLUMNS = [
  'city_id', 'kpi_id', 'name', 'name_en', 'unit', 'latest_at', 'latest_value', 'latest_decimals', 'target_at', 'target_value', 'target_decimals', 'achievement_rate', 'display_rate',
  'status', 'forecast', 'override_status', 'override_justification', 'override_decided_on', 'definition_key', 'baseline_at', 'baseline_value', 'baseline_decimals', 'targets_json',
] as const satisfies readonly (keyof KpiSummaryRow)[];

/** A summarised KPI as the cross-city lists show it, with its city's names, population and its SDG targets. */
export type KpiSummaryListRow = Pick<KpiSummaryRow, (typeof LIST_KPI_COLUMNS)[number]> & { city_name: string; city_name_en: string; prefecture: string; prefecture_en: string; population: number | null; targets: string[] };

/** One page of KPIs matching the filter (by prefecture order, city, position) and how many match. */
export async function listKpiSummariesPaged(db: Executor, filter: KpiListFilter, offset: number, limit: number, prefectureOrder: readonly string[]): Promise<{ rows: KpiSummaryListRow[]; total: number }> {
  if (filter.goal !== undefined && filter.target === undefined && filter.cityIds === undefined && filter.definitionKey === undefined) {
    return listGoalKpisPaged(db, { ...filter, goal: filter.goal }, offset, limit, prefectureOrder);
  }
  const base = kpiSummaryQuery(db, filter);
  const [rows, count] = await Promise.all([kpiSummaryPage(base, offset, limit, prefectureOrder), base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()]);
  return { rows, total: Number(count.n) };
}

/** The KPI summaries matching a filter, joined with their cities (no order, no columns yet). */
function kpiSummaryQuery(db: Executor, filter: KpiListFilter) {
  const d = summaryDb(db);
  const byTarget = filter.goal !== undefined || filter.target !== undefined;
  const base = d
    .selectFrom('kpi_summaries as k')
    .innerJoin('cities as c', 'c.id', 'k.city_id')
    .$if(byTarget, (q) =>
      q.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('kpi_summary_targets as t')
            .select(sql`1`.as('one'))
            .whereRef('t.city_id', '=', 'k.city_id')
            .whereRef('t.kpi_id', '=', 'k.kpi_id')
            .$if(filter.goal !== undefined, (s) => s.where('t.goal', '=', filter.goal!))
            .$if(filter.target !== undefined, (s) => s.where('t.target', '=', filter.target!)),
        ),
      ),
    )
    .$if(filter.prefecture !== undefined, (q) => q.where('c.prefecture', '=', filter.prefecture!))
    .$if(filter.status !== undefined, (q) => q.where('k.status', '=', filter.status!))
    .$if(filter.definitionKey !== undefined, (q) => q.where('k.definition_key', '=', filter.definitionKey!))
    .$if(filter.cityIds !== undefined, (q) => q.where('k.city_id', 'in', filter.cityIds!.length > 0 ? [...filter.cityIds!] : ['']));
  return base;
}

/** One page of a {@link kpiSummaryQuery} in the lists' order (prefecture order, city, position), with each KPI's targets. */
async function kpiSummaryPage(base: ReturnType<typeof kpiSummaryQuery>, offset: number, limit: number, prefectureOrder: readonly string[]): Promise<KpiSummaryListRow[]> {
  const order = sql`array_position(${sql.val(prefectureOrder)}::text[], c.prefecture)`;
  const rows = await base
    .select(LIST_KPI_COLUMNS.map((c) => `k.${c}` as const))
    .select(['c.name as city_name', 'c.name_en as city_name_en', 'c.prefecture', 'c.prefecture_en', 'c.population'])
    .select((eb) => targetsOfKpi(eb))
    .orderBy(sql`${order} nulls last`)
    .orderBy('k.city_id')
    .orderBy('k.position')
    .offset(offset)
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, targets: (r.targets as string[] | null) ?? [] })) as KpiSummaryListRow[];
}

/**
 * {@link listKpiSummariesPaged} for a goal (and status, prefecture): the per-city counts of
 * `goal_city_counts` say how many KPIs each city has on the list, so the page's few cities are
 * found in order without sorting every KPI of the goal (100,000 of them at 1,741 cities), and
 * only their KPIs are read. Same rows, same order, same total (the cities placed under the
 * prefecture their summaries were built with, as the counts are). Two statements: every city's
 * count on the list, then the page's KPIs in that order.
 */
async function listGoalKpisPaged(db: Executor, filter: KpiListFilter & { goal: number }, offset: number, limit: number, prefectureOrder: readonly string[]): Promise<{ rows: KpiSummaryListRow[]; total: number }> {
  // Per city, its KPIs on the list: an index-only read of the goal's counts (under the prefecture
  // the city's summaries were built with, as sdg_counts counts them), some 1,700 short rows.
  const perCity = await summaryDb(db)
    .selectFrom('goal_city_counts as g')
    .select(['g.city_id', 'g.prefecture', sql<string | number>`sum(g.kpis)`.as('n')])
    .where('g.goal', '=', filter.goal)
    .$if(filter.status !== undefined, (q) => q.where('g.status', '=', filter.status!))
    .$if(filter.prefecture !== undefined, (q) => q.where('g.prefecture', '=', filter.prefecture!))
    .groupBy(['g.city_id', 'g.prefecture'])
    .execute();
  // The list's order: prefectures in the given order (others after them), then city id.
  const rank = new Map(prefectureOrder.map((p, i) => [p, i]));
  const cities = perCity
    .map((r) => ({ id: r.city_id, rank: rank.get(r.prefecture) ?? Number.MAX_SAFE_INTEGER, n: Number(r.n) }))
    .sort((a, b) => a.rank - b.rank || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const total = cities.reduce((sum, c) => sum + c.n, 0);
  const onPage: string[] = [];
  let before = 0;
  let seen = 0;
  for (const c of cities) {
    if (seen + c.n > offset && seen < offset + limit) {
      if (onPage.length === 0) before = seen;
      onPage.push(c.id);
    }
    seen += c.n;
  }
  if (onPage.length === 0) return { rows: [], total };
  // Only the rows of those cities, in that order (the total is already known, so no count is
  // run): the page's KPIs found from the index of each city's KPIs in order (ids and statuses
  // included) and the goal's tags, then only those read whole.
  const d = summaryDb(db);
  const cityRank = sql<number>`array_position(${sql.val(onPage)}::text[], p.city_id)`;
  const keys = d
    .selectFrom('kpi_summaries as p')
    .select(['p.city_id', 'p.kpi_id', 'p.position', cityRank.as('city_rank')])
    .where('p.city_id', 'in', onPage)
    .$if(filter.status !== undefined, (q) => q.where('p.status', '=', filter.status!))
    .where(({ exists, selectFrom }) => exists(selectFrom('kpi_summary_targets as t').select(sql`1`.as('one')).whereRef('t.city_id', '=', 'p.city_id').whereRef('t.kpi_id', '=', 'p.kpi_id').where('t.goal', '=', filter.goal)))
    .orderBy(cityRank)
    .orderBy('p.position')
    .offset(offset - before)
    .limit(limit);
  const rows = await d
    .selectFrom(keys.as('page'))
    .innerJoin('kpi_summaries as k', (j) => j.onRef('k.city_id', '=', 'page.city_id').onRef('k.kpi_id', '=', 'page.kpi_id'))
    .innerJoin('cities as c', 'c.id', 'k.city_id')
    .select(LIST_KPI_COLUMNS.map((c) => `k.${c}` as const))
    .select(['c.name as city_name', 'c.name_en as city_name_en', 'c.prefecture', 'c.prefecture_en', 'c.population'])
    .select((eb) => targetsOfKpi(eb))
    .orderBy('page.city_rank')
    .orderBy('page.position')
    .execute();
  return { rows: rows.map((r) => ({ ...r, targets: (r.targets as string[] | null) ?? [] })) as KpiSummaryListRow[], total };
}

/** A summarised KPI's SDG targets in order, as the column `targets` (a subquery on the KPI `k`). */
function targetsOfKpi(eb: ExpressionBuilder<SummaryDatabase & { k: KpiSummariesTable }, 'k'>) {
  return eb
    .selectFrom('kpi_summary_targets as t2')
    .select(sql<string[]>`coalesce(array_agg(t2.target order by t2.target), '{}')`.as('ts'))
    .whereRef('t2.city_id', '=', 'k.city_id')
    .whereRef('t2.kpi_id', '=', 'k.kpi_id')
    .as('targets');
}

/** A search entry with its city's names. */
export type SearchEntryListRow = SearchEntryRow & { city_name: string; city_name_en: string; prefecture: string; prefecture_en: string };

/**
 * A term as the search looks it up: a folded fragment, or several ways to find it (any one
 * suffices), each a list of fragments that must all occur (see search.service.ts termPatterns).
 */
export type SearchTermQuery = string | readonly (readonly string[])[];

/** `e.folded` holds a term: one of its ways, each of whose fragments it holds (LIKE, exactly). */
function holdsTerm(eb: ExpressionBuilder<SummaryDatabase & { e: SearchEntriesTable }, 'e'>, term: SearchTermQuery) {
  const like = (t: string) => `%${t.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
  return eb.or(waysOf(term).map((way) => eb.and(way.map((f) => eb('e.folded', 'like', like(f))))));
}

function waysOf(term: SearchTermQuery): readonly (readonly string[])[] {
  return typeof term === 'string' ? [[term]] : term;
}

/**
 * A necessary condition for `e.folded` to hold a term, answered by the index of the entries'
 * characters and pairs of characters (`search_grams`, migration 2026_12_03_1001): for one of
 * its ways, every pair of each fragment (or the fragment itself, one character long). Kept apart
 * from the LIKEs so that PostgreSQL checks it in the index only (a bitmap of candidates): inside
 * them, it would compute every candidate's grams again.
 */
function mayHoldTerm(term: SearchTermQuery) {
  return sql.join(waysOf(term).map((way) => sql`search_grams(e.folded) @> (${sql.join(way.map((f) => sql`search_query_grams(${f})`), sql` || `)})`), sql` or `);
}

/**
 * Entries a search reads in city and document order before it looks its candidates up by the
 * index (see {@link findSearchEntries}): a term held by a fifth of them or more reaches a count
 * bound of 1,000 there (national-search.service.ts COUNTED). On the national copy (336,912 entries, loaded machine): a
 * common character 334 → 16 ms, a rare word 3 → 7-10 ms (20,000 cost it 23 ms).
 */
const SEARCH_SCAN = 5_000;

/** What {@link findSearchEntries} found: the first entries, and how many match in all up to a bound. */
export interface FoundSearchEntries {
  readonly rows: SearchEntryListRow[];
  /** How many entries match in all, or `cap` when more do ({@link more}). */
  readonly total: number;
  /** More than `cap` entries match: `total` is a lower bound. */
  readonly more: boolean;
}

/**
 * Entries whose folded text holds every term, at most `limit`, in city and document order; and
 * how many match in all, counted up to `cap` (at least `limit`; past it the count says "more").
 * First the entries are read in order, at most `scan` of them, and the terms matched on those
 * (LIKE, exactly as without the index): a term held by many entries (one common character,
 * 「の」 or `a`) finds its first entries and more than `cap` matches there, a read of some
 * milliseconds, where its candidates from the index would be a quarter of a million entries
 * (200–600 ms of PostgreSQL on the national copy, for each such query typed, 16 ms now); when the entries
 * read are all there are, that read is the answer too. Otherwise (the terms are rarer) the
 * candidates come from the index of characters and pairs (see {@link mayHoldTerm}), the terms
 * matched on those only, counted and paged in one statement.
 */
export async function findSearchEntries(db: Executor, terms: readonly SearchTermQuery[], limit: number, cap: number, scan = SEARCH_SCAN): Promise<FoundSearchEntries> {
  if (terms.length === 0) return { rows: [], total: 0, more: false };
  if (cap < limit) throw new Error(`findSearchEntries: cap ${cap} below limit ${limit}`);
  const d = summaryDb(db);
  const holdsAll = <Q extends SelectQueryBuilder<SummaryDatabase & { e: SearchEntriesTable }, 'e', object>>(q: Q) => q.where((eb) => eb.and(terms.map((t) => holdsTerm(eb, t))));
  // The first matches among the first `scan` entries in order, one more than `cap`; and whether those were all the entries.
  const inOrder = holdsAll(d.selectFrom((eb) => eb.selectFrom('search_entries').selectAll().orderBy('city_id').orderBy('position').limit(scan).as('e')))
    .select(['e.city_id', 'e.position'])
    .orderBy('e.city_id')
    .orderBy('e.position')
    .limit(cap + 1);
  // Whether the entries read were all there are is asked only when they hold no more than `cap` matches.
  const first = await pageOfMatches(db, inOrder, limit, sql`case when (select count(*) from m) > ${cap} then false else not exists (select 1 from search_entries order by city_id, position offset ${scan} limit 1) end`);
  if (first.total > cap || first.whole) return { rows: first.rows, total: Math.min(first.total, cap), more: first.total > cap };
  const indexed = holdsAll(d.selectFrom('search_entries as e').where(sql<boolean>`${sql.join(terms.map((t) => sql`(${mayHoldTerm(t)})`), sql` and `)}`)).select(['e.city_id', 'e.position']);
  const found = await pageOfMatches(db, indexed, limit, sql`true`);
  return { rows: found.rows, total: Math.min(found.total, cap), more: found.total > cap };
}

/**
 * The first `limit` entries of `matches` (city ids and positions) in order, read whole with
 * their city's names, how many `matches` holds, and `whole` (a condition computed once, which
 * may read `m`), in one statement; the counts come even when nothing matches.
 */
async function pageOfMatches(db: Executor, matches: SelectQueryBuilder<SummaryDatabase & { e: SearchEntriesTable }, 'e', { city_id: string; position: number }>, limit: number, whole: RawBuilder<unknown>): Promise<{ rows: SearchEntryListRow[]; total: number; whole: boolean }> {
  const { rows } = await sql<SearchEntryListRow & { total: string | number; whole: boolean; found: boolean }>`
    with m as materialized (${matches})
    select n.total, n.whole, r.* from (select (select count(*) from m) as total, ${whole} as whole) n
    left join lateral (
      select true as found, e.*, c.name as city_name, c.name_en as city_name_en, c.prefecture, c.prefecture_en
      from (select m.city_id, m.position from m order by m.city_id, m.position limit ${limit}) p
      join search_entries e on e.city_id = p.city_id and e.position = p.position
      join cities c on c.id = e.city_id
    ) r on true
    order by r.city_id, r.position`.execute(db);
  const head = rows[0];
  return {
    rows: rows.filter((r) => r.found).map(({ total: _total, whole: _whole, found: _found, ...r }) => r as SearchEntryListRow),
    total: head ? Number(head.total) : 0,
    whole: head ? Boolean(head.whole) : false,
  };
}

/** Entries an approximate search reads in order before it looks its candidates up by the index instead. */
const NEAR_SCAN = 20_000;

/**
 * Entries whose folded text holds at least one of `fragments` (an approximate search's pairs of
 * characters), the first `limit` in city and document order (no count). Pairs common enough are
 * found among the first `scan` entries in that order, read as they come (a bounded read, some
 * milliseconds); else the candidates come from the index (see {@link mayHoldTerm}), which would
 * have read every entry holding a common pair, most of them only to be left out.
 */
export async function findNearSearchEntries(db: Executor, fragments: readonly string[], limit: number, scan = NEAR_SCAN): Promise<SearchEntryListRow[]> {
  if (fragments.length === 0) return [];
  const d = summaryDb(db);
  const near = (from: ReturnType<typeof nearestFirst>) =>
    from
      .innerJoin('cities as c', 'c.id', 'e.city_id')
      .selectAll('e')
      .select(['c.name as city_name', 'c.name_en as city_name_en', 'c.prefecture', 'c.prefecture_en'])
      .where((eb) => eb.or(fragments.map((f) => holdsTerm(eb, f))))
      .orderBy('e.city_id')
      .orderBy('e.position')
      .limit(limit);
  const nearestFirst = () => d.selectFrom((eb) => eb.selectFrom('search_entries').selectAll().orderBy('city_id').orderBy('position').limit(scan).as('e'));
  // The first `limit` matches among the first `scan` entries are the first `limit` of all.
  const first = await near(nearestFirst()).execute();
  if (first.length === limit) return first;
  return near(d.selectFrom('search_entries as e').where(sql<boolean>`(${sql.join(fragments.map((f) => mayHoldTerm(f)), sql` or `)})`)).execute();
}

/**
 * Cities whose population lies within a factor `factor` of `population` either way (1.5: from
 * two thirds to one and a half times; the relation is symmetric), other than `cityId`, nearest
 * first (by the ratio's distance from 1, then id), at most `limit`; and how many there are.
 * Cities without a population are never peers.
 */
export async function populationPeers(db: Executor, cityId: string, population: number, factor: number, limit: number): Promise<{ rows: CityRow[]; total: number }> {
  // ln() of the ratio below needs positive populations on both sides.
  if (!(population > 0) || !(factor >= 1)) return { rows: [], total: 0 };
  const base = summaryDb(db)
    .selectFrom('cities')
    .where('cities.id', '<>', cityId)
    .where('cities.population', '>', 0)
    .where('cities.population', '>=', Math.ceil(population / factor))
    .where('cities.population', '<=', Math.floor(population * factor));
  const [rows, count] = await Promise.all([
    base
      .selectAll('cities')
      .orderBy(sql`abs(ln(cities.population::double precision / ${population}::double precision))`)
      .orderBy('cities.id')
      .limit(limit)
      .execute(),
    base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** Per definition key: how many cities have a public KPI of it. */
export async function definitionCityCounts(db: Executor, keys: readonly string[]): Promise<Map<string, number>> {
  if (keys.length === 0) return new Map();
  const rows = await summaryDb(db)
    .selectFrom('kpi_summaries')
    .select(['definition_key', sql<string | number>`count(distinct city_id)`.as('n')])
    .where('definition_key', 'in', [...keys])
    .groupBy('definition_key')
    .execute();
  return new Map(rows.map((r) => [r.definition_key, Number(r.n)]));
}

/** One summarised KPI (its definition key, name and unit), or undefined. */
export async function findKpiSummary(db: Executor, cityId: string, kpiId: string): Promise<KpiSummaryRow | undefined> {
  return summaryDb(db).selectFrom('kpi_summaries').selectAll().where('city_id', '=', cityId).where('kpi_id', '=', kpiId).executeTakeFirst();
}

/** A city addressing a goal, with its KPIs tagged with the goal counted by status. */
export interface GoalCityRow {
  readonly city: CityRow;
  readonly statuses: Record<string, number>;
}

/**
 * One page of the cities having KPIs tagged with a target of `goal` (of one prefecture when
 * given), in prefecture order then id, each with those KPIs by status; and how many cities.
 */
export async function listGoalCitiesPaged(db: Executor, goal: number, prefecture: string | undefined, offset: number, limit: number, prefectureOrder: readonly string[]): Promise<{ rows: GoalCityRow[]; total: number }> {
  const d = summaryDb(db);
  const base = d
    .selectFrom('cities as c')
    .where(({ exists, selectFrom }) => exists(selectFrom('goal_city_counts as g').select(sql`1`.as('one')).whereRef('g.city_id', '=', 'c.id').where('g.goal', '=', goal)))
    .$if(prefecture !== undefined, (q) => q.where('c.prefecture', '=', prefecture!));
  const order = sql`array_position(${sql.val(prefectureOrder)}::text[], c.prefecture)`;
  const [cities, count] = await Promise.all([
    base.selectAll('c').orderBy(sql`${order} nulls last`).orderBy('c.prefecture').orderBy('c.id').offset(offset).limit(limit).execute(),
    base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  if (cities.length === 0) return { rows: [], total: Number(count.n) };
  const statuses = await d
    .selectFrom('goal_city_counts')
    .select(['city_id', 'status', 'kpis'])
    .where('goal', '=', goal)
    .where('city_id', 'in', cities.map((c) => c.id))
    .execute();
  const byCity = new Map<string, Record<string, number>>(cities.map((c) => [c.id, {}]));
  for (const r of statuses) byCity.get(r.city_id)![r.status] = Number(r.kpis);
  return { rows: cities.map((city) => ({ city, statuses: byCity.get(city.id)! })), total: Number(count.n) };
}

/**
 * A city's overview JSON (`city_page_summaries`) when its summaries are as new as its data
 * (summarized_revision ≥ revision); undefined when they are older (a write whose rebuild has not
 * landed yet, here or in another process), missing (a city never summarised, an unknown city).
 */
export async function freshCityPageSummary(db: Executor, cityId: string): Promise<string | undefined> {
  const row = await summaryDb(db)
    .selectFrom('city_page_summaries as p')
    .innerJoin('city_revisions as r', 'r.city_id', 'p.city_id')
    .select('p.page_json')
    .where('p.city_id', '=', cityId)
    .whereRef('r.summarized_revision', '>=', 'r.revision')
    .executeTakeFirst();
  return row?.page_json;
}

/** What {@link freshCityPageWithRows} reads: the overview and the two lists of KPI rows the city page shows, as JSON texts. */
export interface CityPageRows {
  /** The overview (`city_page_summaries.page_json`). */
  readonly pageJson: string;
  /** The headline KPIs' table rows (`kpi_summaries.row_json`), in the overview's `headline.kpiIds` order (ids without a row left out). */
  readonly headline: readonly string[];
  /** The table rows of the city's first `limit` KPIs, in the city's order. */
  readonly first: readonly string[];
}

/**
 * The city page's reads of a city's summaries in one statement (one snapshot, one round trip,
 * issue 11.5): the overview as {@link freshCityPageSummary} reads it, its headline KPIs' rows and
 * the first `limit` rows of the unfiltered KPI list, or undefined when the summaries are older
 * than the data or missing. The list's total is the overview's `kpiCount` (one summary row per
 * KPI, written in the same transaction), so no count reads every row of a city of 300 KPIs. The
 * rows come back as rows (one JSON text each): splicing them into one text on the server
 * (`string_agg`) cost it more CPU than the three statements it replaced. Prepared on PostgreSQL.
 */
export async function freshCityPageWithRows(db: Executor, cityId: string, limit: number): Promise<CityPageRows | undefined> {
  // Part 0: the overview, only while the summaries are fresh; 1: the first rows; 2: the headline
  // rows, the ids read from the overview in the same snapshot (as an array, so the rows are found
  // by the primary key: a set-returning function in a join is planned as 100 rows, a hash over
  // every row of the city).
  const query = sql<{ page_json: string | null; row_json: string | null; part: number }>`
    select p.page_json, null::text as row_json, 0 as part, 0 as ord
      from city_page_summaries p join city_revisions r on r.city_id = p.city_id
      where p.city_id = ${cityId} and r.summarized_revision >= r.revision
    union all
    select null, f.row_json, 1, f.position
      from (select k.row_json, k.position from kpi_summaries k where k.city_id = ${cityId} order by k.position limit ${limit}) f
    union all
    select null, k.row_json, 2, array_position(h.ids, k.kpi_id)
      from (select array(select json_array_elements_text((select s.page_json::json from city_page_summaries s where s.city_id = ${cityId}) -> 'headline' -> 'kpiIds')) as ids) h
      join kpi_summaries k on k.city_id = ${cityId} and k.kpi_id = any(h.ids)
    order by part, ord`.compile(summaryDb(db));
  // Planning it costs the server several times what running it does.
  usePreparedStatement(query.sql);
  const rows = (await db.executeQuery(query)).rows;
  const overview = rows[0];
  if (overview?.part !== 0 || overview.page_json === null) return undefined;
  const first: string[] = [];
  const headline: string[] = [];
  for (const r of rows) if (r.part !== 0) (r.part === 1 ? first : headline).push(r.row_json!);
  return { pageJson: overview.page_json, headline, first };
}

/** What {@link freshCityKpiJsonPage} reads: the few overview fields the API's list of a city's KPIs writes, and one page of its KPIs. */
export interface CityKpiJsonPageRows {
  /** The overview's `unpublishedYears` ([] when absent). */
  readonly unpublishedYears: readonly number[];
  /** The overview's `kpiCount`: every KPI of the city's public view (one summary row each, written in the same transaction). */
  readonly kpiCount: number;
  /** The page's KPIs (`kpi_summaries.api_json`) with their ids, in the city's order. */
  readonly rows: readonly { readonly kpiId: string; readonly json: string }[];
}

/**
 * The API's page of a city's KPIs (`/api/v1/cities/:city/kpis`) in one prepared statement (issue
 * 11.5), or undefined when the city's summaries are older than its data or missing (as
 * {@link freshCityPageSummary}): the overview's unpublished years and KPI count, taken out of
 * its JSON on the server (the overview itself is not sent), and the KPIs' API objects from
 * `offset` (at most `limit`) by the city's position index. The total is the overview's count: a
 * count over the city's rows in the same statement (`count(*) over ()`) read every row of the
 * city, wide ones, where the page needs 50; and the statement was planned on every request, which
 * cost the server more than running it.
 */
export async function freshCityKpiJsonPage(db: Executor, cityId: string, offset: number, limit: number): Promise<CityKpiJsonPageRows | undefined> {
  const query = sql<{ years: string | null; total: number | string | null; kpi_id: string | null; json: string | null; part: number }>`
    select coalesce(o.page -> 'unpublishedYears', '[]'::json)::text as years, (o.page ->> 'kpiCount')::int as total, null::text as kpi_id, null::text as json, 0 as part, 0 as ord
      from (select p.page_json::json as page from city_page_summaries p join city_revisions r on r.city_id = p.city_id
             where p.city_id = ${cityId} and r.summarized_revision >= r.revision) o
    union all
    select null, null, f.kpi_id, f.api_json, 1, f.position
      from (select k.kpi_id, k.api_json, k.position from kpi_summaries k where k.city_id = ${cityId} order by k.position offset ${offset} limit ${limit}) f
    order by part, ord`.compile(summaryDb(db));
  usePreparedStatement(query.sql);
  const rows = (await db.executeQuery(query)).rows;
  const overview = rows[0];
  if (overview?.part !== 0 || overview.years === null || overview.total === null) return undefined;
  const page: { kpiId: string; json: string }[] = [];
  for (let i = 1; i < rows.length; i++) page.push({ kpiId: rows[i]!.kpi_id!, json: rows[i]!.json! });
  return { unpublishedYears: JSON.parse(overview.years) as number[], kpiCount: Number(overview.total), rows: page };
}

/** What {@link freshPlanPageSummary} reads of a plan's page while the city's summaries are fresh. */
export interface PlanPageSummary {
  /** The revision of the city's data the summaries were built from. */
  readonly summarizedRevision: number;
  /** Whether the summaries hold the plan (every plan of a summarised city has its row: else it is not the city's). */
  readonly found: boolean;
  /** The plan's model (`model_json`), unless it was built at `unlessRevision` (the caller holds it), the plan is not found, or its outline was asked for and is kept. */
  readonly modelJson?: string;
  /** With `outline`: whether the summaries keep the plan's outline (`outline_json`: a folded plan summarised since migration 2026_12_03_1201). */
  readonly hasOutline?: boolean;
  /** With `outline`: the outline (`outline_json`) when kept, unless it was built at `unlessOutlineRevision` (the caller holds it). */
  readonly outlineJson?: string;
  /** The CSV's KPI columns of the rows measured against another target than their KPI's (`table_json`), when asked for and found. */
  readonly tableJson?: string;
  /**
   * With `table`: every KPI's row of the city's KPI CSV (`kpi_summaries.csv_json`) as one JSON
   * object by KPI id, read in the same statement (so at the same revision as the model).
   */
  readonly kpiCsvJson?: string;
}

/**
 * A plan's page (`plan_page_summaries`) when the city's summaries are as new as its data
 * (summarized_revision ≥ revision), with the revision they were built at; undefined when they
 * are older than the data (a write not yet summarised, here or in another process) or the city
 * was never summarised (or is unknown). One indexed row. `table` adds the CSV's KPI columns
 * (those of rows measured against another target, and every KPI's own);
 * `unlessRevision` leaves the model out when the summaries are still at that revision (the
 * caller holds the model read then), so a page read again costs a few bytes. `outline` (a folded
 * page without filter nor node) reads the plan's outline instead of its model when the
 * summaries keep one (`unlessOutlineRevision` as `unlessRevision`), the model otherwise.
 */
export async function freshPlanPageSummary(
  db: Executor,
  cityId: string,
  planId: string,
  options: { readonly table: boolean; readonly unlessRevision?: number | undefined; readonly outline?: boolean; readonly unlessOutlineRevision?: number | undefined },
): Promise<PlanPageSummary | undefined> {
  const known = options.unlessRevision ?? -1;
  const knownOutline = options.unlessOutlineRevision ?? -1;
  const outline = options.outline ?? false;
  const row = await summaryDb(db)
    .selectFrom('city_revisions as r')
    .leftJoin('plan_page_summaries as p', (j) => j.onRef('p.city_id', '=', 'r.city_id').on('p.plan_id', '=', planId))
    .select(['r.summarized_revision', 'p.plan_id'])
    .$if(!outline, (q) => q.select(sql<string | null>`case when r.summarized_revision = ${known} then null else p.model_json end`.as('model_json')))
    .$if(outline, (q) =>
      q.select([
        sql<string | null>`case when p.outline_json is not null or r.summarized_revision = ${known} then null else p.model_json end`.as('model_json'),
        sql<string | null>`case when r.summarized_revision = ${knownOutline} then null else p.outline_json end`.as('outline_json'),
        sql<boolean | null>`p.outline_json is not null`.as('has_outline'),
      ]),
    )
    .$if(options.table, (q) =>
      q.select([
        'p.table_json',
        sql<string>`(select coalesce('{' || string_agg(to_json(k.kpi_id)::text || ':' || k.csv_json, ',') || '}', '{}') from kpi_summaries k where k.city_id = r.city_id)`.as('kpi_csv_json'),
      ]),
    )
    .where('r.city_id', '=', cityId)
    .whereRef('r.summarized_revision', '>=', 'r.revision')
    .executeTakeFirst();
  if (!row) return undefined;
  const { table_json: tableJson, kpi_csv_json: kpiCsvJson, model_json: modelJson, outline_json: outlineJson, has_outline: hasOutline } = row as {
    table_json?: string | null;
    kpi_csv_json?: string;
    model_json: string | null;
    outline_json?: string | null;
    has_outline?: boolean | null;
  };
  return {
    summarizedRevision: Number(row.summarized_revision),
    found: row.plan_id !== null,
    ...(typeof modelJson === 'string' && { modelJson }),
    ...(outline && { hasOutline: hasOutline === true }),
    ...(typeof outlineJson === 'string' && { outlineJson }),
    ...(typeof tableJson === 'string' && { tableJson }),
    ...(typeof kpiCsvJson === 'string' && { kpiCsvJson }),
  };
}

/**
 * A KPI's page in one language (`kpi_page_summaries`) when the city's summaries are as new as its
 * data (summarized_revision ≥ revision); undefined when they are older (a write not yet
 * summarised, here or in another process), the city was never summarised, or the summaries hold
 * no page for the KPI rendered by `renderedBy` (not public, not the city's, unknown, fed by a
 * deriver, summarised before migration 2026_12_04_1101, or rendered by another version of the code): the caller then reads the KPI's view. One indexed row,
 * prepared on PostgreSQL.
 */
export async function freshKpiPageSummary(db: Executor, cityId: string, kpiId: string, lang: Lang, renderedBy: string): Promise<KpiPageParts | undefined> {
  const query = kpiPageTemplates.get(db, 'page', () => kpiPageQuery(db, templateMarker('city'), templateMarker('kpi'), templateMarker('lang'), templateMarker('version')).compile(), { city: cityId, kpi: kpiId, lang, version: renderedBy });
  const row = (await db.executeQuery(query)).rows[0];
  if (!row) return undefined;
  return { cityId, kpiId, lang, title: row.title, cityName: row.city_name, embedTitle: row.embed_title, before: row.main_before, after: row.main_after };
}

/** The statement of {@link freshKpiPageSummary}. */
function kpiPageQuery(db: Executor, cityId: string, kpiId: string, lang: string, renderedBy: string) {
  return summaryDb(db)
    .selectFrom('kpi_page_summaries as p')
    .innerJoin('city_revisions as r', 'r.city_id', 'p.city_id')
    .select(['p.title', 'p.city_name', 'p.embed_title', 'p.main_before', 'p.main_after'])
    .where('p.city_id', '=', cityId)
    .where('p.kpi_id', '=', kpiId)
    .where('p.lang', '=', lang)
    .where('p.rendered_by', '=', renderedBy)
    .whereRef('r.summarized_revision', '>=', 'r.revision');
}

/** {@link freshKpiPageSummary}'s statement compiled once per database handle (building it cost a tenth of the page's CPU). */
const kpiPageTemplates = new StatementTemplates<Selectable<KpiPageSummariesTable>>(16 * 1024);

/**
 * The unpublished years of several cities (a page of search results) in one statement, from the
 * summaries of those whose summaries are as new as their data (`city_page_summaries.page_json`
 * unpublishedYears); a city with older or missing summaries is absent from the map.
 */
/**
 * The years with data a city's public view withholds (`CityPageSummary.unpublishedYears`, [] when
 * none) as its overview summary has them, read only when the summaries are as new as the data
 * (as {@link freshCityPageSummary}): a query of one row and one column, none when they are older
 * or missing, to nest in a larger read (a KPI page of a city not in memory, cities/kpi-view.repository.ts).
 */
export async function freshUnpublishedYearsOf(db: Executor, cityIds: readonly string[]): Promise<Map<string, number[]>> {
  if (cityIds.length === 0) return new Map();
  const rows = await summaryDb(db)
    .selectFrom('city_page_summaries as p')
    .innerJoin('city_revisions as r', 'r.city_id', 'p.city_id')
    .select(['p.city_id', sql<number[] | string>`coalesce((p.page_json::json) -> 'unpublishedYears', '[]'::json)`.as('years')])
    .where('p.city_id', 'in', [...cityIds])
    .whereRef('r.summarized_revision', '>=', 'r.revision')
    .execute();
  return new Map(rows.map((r) => [r.city_id, typeof r.years === 'string' ? (JSON.parse(r.years) as number[]) : r.years]));
}

/**
 * The unpublished years of one city from its summaries (see {@link freshUnpublishedYearsOf}) as a
 * query of one row and one column, none when they are older or missing.
 */
export function freshUnpublishedYearsQuery(db: Executor, cityId: string) {
  return summaryDb(db)
    .selectFrom('city_page_summaries as p')
    .innerJoin('city_revisions as r', 'r.city_id', 'p.city_id')
    .select(sql<number[]>`coalesce((p.page_json::json) -> 'unpublishedYears', '[]'::json)`.as('years'))
    .where('p.city_id', '=', cityId)
    .whereRef('r.summarized_revision', '>=', 'r.revision');
}

/** What a city's KPI list is narrowed to, as its summaries are queried (every given criterion must hold). */
export interface CityKpiSummaryFilter {
  readonly status?: string | undefined;
  /** An SDG goal number: the KPI is tagged with one of its targets. */
  readonly goal?: number | undefined;
  /** A plan node `plan-id/node-id`: the KPI sits in it or below it. */
  readonly node?: string | undefined;
  /** `kpi_summaries.department_key` ("" for none). */
  readonly department?: string | undefined;
  /** A fragment of `kpi_summaries.name_folded`. */
  readonly text?: string | undefined;
}

/** A city's KPI as its own pages read it: the row of its table, its API object or its CSV row (JSON text, with the KPI's id). */
export type CityKpiJsonColumn = 'row_json' | 'api_json' | 'csv_json';

/**
 * A city's summarised KPIs matching `filter`, in the city's order: one page (`offset`, `limit`)
 * with how many match in all, or every match when no page is given (total = rows). Only the
 * asked JSON column is read; the count is one indexed aggregate over the city's rows.
 */
export async function listCityKpiSummaries(db: Executor, cityId: string, filter: CityKpiSummaryFilter, column: CityKpiJsonColumn, page?: { offset: number; limit: number }): Promise<{ rows: { kpiId: string; json: string }[]; total: number }> {
  const base = summaryDb(db)
    .selectFrom('kpi_summaries as k')
    .where('k.city_id', '=', cityId)
    .$if(filter.status !== undefined, (q) => q.where('k.status', '=', filter.status!))
    .$if(filter.department !== undefined, (q) => q.where('k.department_key', '=', filter.department!))
    .$if(filter.text !== undefined, (q) => q.where(sql<number>`strpos(k.name_folded, ${filter.text!})`, '>', 0))
    .$if(filter.goal !== undefined, (q) =>
      q.where(({ exists, selectFrom }) =>
        exists(selectFrom('kpi_summary_targets as t').select(sql`1`.as('one')).whereRef('t.city_id', '=', 'k.city_id').whereRef('t.kpi_id', '=', 'k.kpi_id').where('t.goal', '=', filter.goal!)),
      ),
    )
    .$if(filter.node !== undefined, (q) =>
      q.where(({ exists, selectFrom }) =>
        exists(selectFrom('kpi_summary_nodes as n').select(sql`1`.as('one')).whereRef('n.city_id', '=', 'k.city_id').whereRef('n.kpi_id', '=', 'k.kpi_id').where('n.node', '=', filter.node!)),
      ),
    );
  const of = (r: { kpi_id: string; json: string }) => ({ kpiId: r.kpi_id, json: r.json });
  if (!page) {
    const all = await base.select(['k.kpi_id', `k.${column} as json`]).orderBy('k.position').execute();
    return { rows: all.map(of), total: all.length };
  }
  // The page and the count of every match in one statement (one snapshot: a rebuild of the
  // city's summaries landing between two statements gave a total the page did not match).
  const found = await base
    .select(['k.kpi_id', `k.${column} as json`, sql<string | number>`count(*) over ()`.as('total')])
    .orderBy('k.position')
    .offset(page.offset)
    .limit(page.limit)
    .execute();
  if (found.length > 0) return { rows: found.map(of), total: Number(found[0]!.total) };
  // No row on this page: none match (from the first row), or the page lies past the last one.
  if (page.offset === 0) return { rows: [], total: 0 };
  const count = await base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
  return { rows: [], total: Number(count.n) };
}

/** Some of a city's summarised KPIs by id (the headline cards), as their table rows' JSON, in no particular order. */
export async function cityKpiRowsById(db: Executor, cityId: string, kpiIds: readonly string[]): Promise<{ kpiId: string; json: string }[]> {
  if (kpiIds.length === 0) return [];
  const rows = await summaryDb(db).selectFrom('kpi_summaries').select(['kpi_id', 'row_json']).where('city_id', '=', cityId).where('kpi_id', 'in', [...kpiIds]).execute();
  return rows.map((r) => ({ kpiId: r.kpi_id, json: r.row_json }));
}

/** The cities of the given ids that exist (any order; none for an empty list). */
export async function cityRowsByIds(db: Executor, ids: readonly string[]): Promise<CityRow[]> {
  if (ids.length === 0) return [];
  return summaryDb(db).selectFrom('cities').selectAll().where('id', 'in', [...ids]).execute();
}

/** The columns of a summarised KPI the compare page shows under a goal (not its series, search or definition columns). */
const GOAL_KPI_COLUMNS = [
  'city_id', 'kpi_id', 'position', 'name', 'name_en', 'unit', 'latest_at', 'latest_value', 'latest_decimals', 'target_at', 'target_value', 'target_decimals',
  'achievement_rate', 'display_rate', 'has_achievement', 'status', 'override_status', 'override_justification', 'override_decided_on', 'baseline_at', 'baseline_value', 'baseline_decimals', 'targets_json',
] as const satisfies readonly (keyof KpiSummaryRow)[];

/** A summarised KPI as the compare page shows it under a goal, with its goal. */
export type GoalKpiRow = Pick<KpiSummaryRow, (typeof GOAL_KPI_COLUMNS)[number]> & { goal: number };

/** A summarised KPI of a same-definition group on the compare page: what it shows under a goal, its definition and its series. */
export type SameDefinitionRow = Pick<KpiSummaryRow, (typeof GOAL_KPI_COLUMNS)[number] | 'definition_key' | 'series_json'>;

/** A city's count of KPIs on one SDG target or goal (`key`), as {@link readCompareRows} gives it. */
export interface ThemeCountRow<K> {
  readonly city_id: string;
  readonly key: K;
  readonly n: number;
}

/** What {@link readCompareRows} reads of the compared cities' summaries (in the statement's one snapshot). */
export interface ComparisonRows {
  /** Whether every city's summaries held every write to it (`summarized_revision ≥ revision`) as the statement read them. */
  readonly fresh: boolean;
  /** Per SDG target two or more of the cities have KPIs on (only the asked goal's on a goal page): each of those cities' count. */
  readonly targets: readonly ThemeCountRow<string>[];
  /** Per SDG goal two or more of the cities have KPIs on: each of those cities' count (a KPI once per goal). */
  readonly goals: readonly ThemeCountRow<number>[];
  /** Overview: the cities' KPIs of a definition key two or more of them share (no particular order); [] on a goal page. */
  readonly same: readonly SameDefinitionRow[];
  /** Overview: per definition key of `same`, how many cities measure it across the country. */
  readonly nationalCounts: ReadonlyMap<string, number>;
  /**
   * Each city's first KPIs (in its KPI order) on each shared goal (the asked goal on a goal page);
   * null when the statement left them out: an overview whose shared targets and goals make more
   * rows than `foldAbove` (it folds, and would show none of them).
   */
  readonly first: readonly GoalKpiRow[] | null;
}

/** Which compare page {@link readCompareRows} reads for. */
export type ComparisonPart =
  /** The overview: same-definition groups and, unless it folds above `foldAbove` rows, the first `limit` KPIs per shared goal. */
  | { readonly page: 'overview'; readonly limit: number; readonly foldAbove: number }
  /** One shared goal's page: that goal's shared targets and each city's first `limit` KPIs on it. */
  | { readonly page: 'goal'; readonly goal: number; readonly limit: number };

/** Which cities {@link readCompareRows} lists to choose from. */
export type CityChoiceList =
  /** Those matching a filter, at most `limit` (in the order of {@link listCityRowsPaged}), and how many match. */
  | { readonly filter: CityListFilter; readonly limit: number }
  /** Every city while there are at most `whole` (none above), and how many there are. */
  | { readonly whole: number };

/** What {@link readCompareRows} is asked. */
export interface CompareRowsQuery {
  /** City ids as a compare query names them, in order, each once: the first `max` of them that exist are compared. */
  readonly named: readonly string[];
  readonly max: number;
  /** Other ids to look up, never compared (the city whose peers are offered). */
  readonly also?: readonly string[];
  /** The compare form's choices: every prefecture with its count of cities, and a list of cities; none when absent. */
  readonly choices?: { readonly prefectures: boolean; readonly list: CityChoiceList | null };
  /** The comparison's rows ({@link ComparisonRows}) for this page; none when absent. */
  readonly part?: ComparisonPart;
}

/** What {@link readCompareRows} reads. */
export interface CompareRows {
  /** The cities of `named` and `also` that exist, in no particular order. */
  readonly found: CityRow[];
  /** The ids compared: the first `max` of `named` that exist, in the order named. */
  readonly chosen: string[];
  /** The prefectures hosting cities with how many each ({@link prefectureCounts}); null when not asked. */
  readonly prefectures: { prefecture: string; prefectureEn: string; cities: number }[] | null;
  /** The cities listed ({@link CityChoiceList}); none when no list was asked. */
  readonly listed: CityRow[];
  /** How many cities the list's filter matches (every city for `whole`); 0 when no list was asked. */
  readonly total: number;
  /** The chosen cities' summary rows for the asked part; null when none was asked. */
  readonly comparison: ComparisonRows | null;
}

/**
 * Everything a compare page reads, in one statement (issue 11.5: eight statements and 9 ms of
 * PostgreSQL CPU per miss of two generated cities before), so in one snapshot:
 *
 * - the named cities that exist and which of them are compared (the first `max`, in order);
 * - with `choices`, the form's: prefectures with their counts, and a list of cities (with a
 *   filter, its first `limit` matches and how many match; `whole`, every city only while the
 *   prefectures' counts add up to at most that many, so a national page orders no city);
 * - with `part`, the compared cities' summaries ({@link ComparisonRows}): whether they hold every
 *   write, the per-city counts of the SDG targets and goals two or more of the cities share (an
 *   indexed aggregate each over the cities' own rows: the primary key of `kpi_summary_targets`,
 *   `goal_city_counts_city`); for the overview the same-definition KPIs (the shared keys found on
 *   `kpi_summaries_city_definition` without reading the wide summary rows) with each key's
 *   national count of cities (`kpi_summaries_definition`) and the first KPIs per shared goal
 *   unless the page folds (counted here as the service counts it from the same rows; unknown
 *   target ids, which the page drops, only make this count larger, so a page this statement
 *   leaves folded may still unfold: the service then reads {@link firstKpisOfGoals}); for a goal
 *   page that goal's shared targets and each city's first KPIs on it.
 *
 * Sent as a prepared statement on PostgreSQL: its text depends on the number of ids, the choices
 * and the part, never on the ids ({@link valuesOf}).
 */
export async function readCompareRows(db: Executor, q: CompareRowsQuery, prefectureOrder: readonly string[]): Promise<CompareRows> {
  const named = [...new Set(q.named)];
  const also = q.also ?? [];
  const list = q.choices?.list ?? null;
  const filter = list !== null && 'filter' in list ? list.filter : undefined;
  const part = q.part;
  // Everything that changes the statement's text; the values go in at each run.
  const shape = JSON.stringify([
    named.length,
    also.length,
    q.max,
    q.choices?.prefectures ?? null,
    list === null ? null : 'whole' in list ? ['whole', list.whole] : ['filter', list.limit, filter!.prefecture !== undefined, filter!.name !== undefined],
    part === undefined ? null : part.page === 'goal' ? ['goal', part.limit] : ['overview', part.limit, part.foldAbove],
  ]);
  const values: Record<string, unknown> = { order: prefectureOrder, prefecture: filter?.prefecture, name: filter?.name, goal: part?.page === 'goal' ? part.goal : undefined };
  named.forEach((id, i) => (values[`n${i}`] = id));
  also.forEach((id, i) => (values[`a${i}`] = id));
  const marked: MarkedCompareQuery = {
    named: named.map((_, i) => templateMarker(`n${i}`)),
    also: also.map((_, i) => templateMarker(`a${i}`)),
    max: q.max,
    ...(q.choices
      ? {
          choices: {
            prefectures: q.choices.prefectures,
            list: list === null ? null : 'whole' in list ? list : { filter: { prefecture: filter!.prefecture === undefined ? undefined : templateMarker('prefecture'), name: filter!.name === undefined ? undefined : templateMarker('name') }, limit: list.limit },
          },
        }
      : {}),
    ...(part ? { part: part.page === 'goal' ? { ...part, goal: templateMarker('goal') } : part } : {}),
  };
  const query = compareTemplates.get(db, shape, () => compareRowsStatement(db, marked, templateMarker('order')).compile(db), values);
  const row = (await db.executeQuery(query)).rows[0]!;
  const cityRows = (value: unknown) => jsonOf<CityRow[]>(value).map((r) => ({ ...r, created_at: new Date(r.created_at) }));
  return {
    found: cityRows(row.found),
    chosen: jsonOf<string[]>(row.chosen),
    prefectures: row.prefectures === undefined ? null : jsonOf<[string, string | null, number | string][]>(row.prefectures).map(([prefecture, en, n]) => ({ prefecture, prefectureEn: en ?? prefecture, cities: Number(n) })),
    listed: row.listed === undefined ? [] : cityRows(row.listed),
    total: row.total === undefined ? 0 : Number(row.total),
    comparison: q.part
      ? {
          fresh: row.fresh === true,
          targets: jsonOf<[string, string, number | string][]>(row.targets).map(([city_id, key, n]) => ({ city_id, key, n: Number(n) })),
          goals: jsonOf<[string, number, number | string][]>(row.goals).map(([city_id, key, n]) => ({ city_id, key: Number(key), n: Number(n) })),
          same: row.same === undefined ? [] : jsonOf<SameDefinitionRow[]>(row.same).map(summaryNumbers),
          nationalCounts: new Map(row.national === undefined ? [] : jsonOf<[string, number | string][]>(row.national).map(([key, n]) => [key, Number(n)])),
          first: row.first === null || row.first === undefined ? null : firstRows(row.first),
        }
      : null,
  };
}

/** Statements of {@link readCompareRows}, compiled once per shape (some 4–6 kB of SQL each; a page asks a few shapes). */
const compareTemplates = new StatementTemplates<RawCompareRow>(512 * 1024);

/** A {@link CompareRowsQuery} with {@link templateMarker}s where its values go (the goal's too). */
type MarkedCompareQuery = Omit<CompareRowsQuery, 'part'> & { readonly part?: MarkedPart };

/** A {@link ComparisonPart} whose goal may be a marker. */
type MarkedPart = Exclude<ComparisonPart, { page: 'goal' }> | { readonly page: 'goal'; readonly goal: number | string; readonly limit: number };

/** The statement of {@link readCompareRows} (see there), built from a query with markers (`prefectureOrder` one too). */
function compareRowsStatement(db: Executor, q: MarkedCompareQuery, prefectureOrder: string) {
  const list = q.choices?.list ?? null;
  const withCounts = q.choices !== undefined && (q.choices.prefectures || (list !== null && 'whole' in list));
  const ctes = [sql`chosen as (select c.id, u.ord from unnest(array[${sql.join(q.named)}]::text[]) with ordinality as u(id, ord) join cities c on c.id = u.id order by u.ord limit ${literal(q.max)})`];
  const columns = [
    sql`(select coalesce(json_agg(c), '[]') from cities c where c.id in ${valuesOf([...q.named, ...(q.also ?? [])], 'text')}) as found`,
    sql`(select coalesce(json_agg(id order by ord), '[]') from chosen) as chosen`,
  ];
  if (withCounts) ctes.push(sql`p as (select prefecture, max(prefecture_en) as prefecture_en, count(*) as n from cities group by prefecture)`);
  if (q.choices?.prefectures) columns.push(sql`(select coalesce(json_agg(json_build_array(prefecture, prefecture_en, n)), '[]') from p) as prefectures`);
  if (list !== null) {
    const all = summaryDb(db).selectFrom('cities');
    const listed =
      'whole' in list
        ? inCityListOrder(all.selectAll('cities'), prefectureOrder).where(sql<boolean>`(select coalesce(sum(n), 0) from p) <= ${literal(list.whole)}`).limit(literal(list.whole))
        : inCityListOrder(cityListQuery(db, list.filter).selectAll('cities'), prefectureOrder).limit(literal(list.limit));
    const total = 'whole' in list ? sql`(select coalesce(sum(n), 0) from p)` : sql`(${cityListQuery(db, list.filter).select((eb) => eb.fn.countAll().as('n'))})`;
    columns.push(sql`(select coalesce(json_agg(l), '[]') from (${listed}) l) as listed`, sql`${total} as total`);
  }
  if (q.part) {
    const { ctes: partCtes, columns: partColumns } = comparisonParts(sql`(select id from chosen)`, q.part);
    ctes.push(...partCtes);
    columns.push(...partColumns);
  }
  return sql<RawCompareRow>`with ${sql.join(ctes)} select ${sql.join(columns)}`;
}

/** The CTEs and columns of {@link readCompareRows} that read the summaries of the cities `ids` (a set expression) for one page. */
function comparisonParts(ids: RawBuilder<unknown>, part: MarkedPart): { ctes: RawBuilder<unknown>[]; columns: RawBuilder<unknown>[] } {
  const onGoal = part.page === 'goal' ? sql`and goal in ${valuesOf([part.goal], 'int')}` : sql``;
  const ctes = [
    sql`t as (
      select city_id, target, n from (
        select city_id, target, count(*) as n, count(*) over (partition by target) as cities
        from kpi_summary_targets where city_id in ${ids} ${onGoal} group by city_id, target) x
      where cities >= 2)`,
    sql`g as (
      select city_id, goal, n from (
        select city_id, goal, sum(kpis) as n, count(*) over (partition by goal) as cities
        from goal_city_counts where city_id in ${ids} group by city_id, goal) x
      where cities >= 2)`,
  ];
  const columns = [
    sql`(select count(*) from city_revisions r where r.city_id in ${ids} and r.summarized_revision >= r.revision) = (select count(*) from chosen) as fresh`,
    sql`(select coalesce(json_agg(json_build_array(city_id, target, n)), '[]') from t) as targets`,
    sql`(select coalesce(json_agg(json_build_array(city_id, goal, n)), '[]') from g) as goals`,
  ];
  if (part.page === 'goal') {
    columns.push(sql`${firstKpisJson(ids, sql`in ${valuesOf([part.goal], 'int')}`, part.limit)} as first`);
    return { ctes, columns };
  }
  ctes.push(sql`d as (
      select definition_key from kpi_summaries
      where city_id in ${ids} and definition_key <> ''
      -- Two cities or more (min < max: a hash aggregate, where count(distinct) sorts).
      group by definition_key having min(city_id) < max(city_id))`);
  columns.push(
    sql`(select coalesce(json_agg(s), '[]') from (
        select ${sql.join([...GOAL_KPI_COLUMNS, 'definition_key', 'series_json'].map((c) => sql.ref(`k.${c}`)))}
        from kpi_summaries k where k.city_id in ${ids} and k.definition_key in (select definition_key from d)) s) as same`,
    sql`(select coalesce(json_agg(json_build_array(definition_key, n)), '[]') from (
        select definition_key, count(distinct city_id) as n from kpi_summaries
        where definition_key in (select definition_key from d) group by definition_key) c) as national`,
    sql`case when (select count(distinct target) from t) + (select coalesce(sum(least(n, ${literal(part.limit)})), 0) from g) <= ${literal(part.foldAbove)}
        then ${firstKpisJson(ids, sql`in (select goal from g)`, part.limit)} end as first`,
  );
  return { ctes, columns };
}

/**
 * The summary rows of {@link readCompareRows} for `cityIds` (distinct ids; those that exist are
 * compared): the compare page's content for cities already chosen.
 */
export async function readComparisonRows(db: Executor, cityIds: readonly string[], part: ComparisonPart): Promise<ComparisonRows> {
  return (await readCompareRows(db, { named: cityIds, max: Math.max(cityIds.length, 1), part }, []))!.comparison!;
}

/**
 * Per SDG goal (of `goals`) and city (of `cityIds`): the city's first `limit` KPIs tagged with
 * one of the goal's targets, in the city's KPI order: what {@link readCompareRows} leaves out
 * of an overview it counts as folded when the page, knowing the SDG targets, does not fold.
 */
export async function firstKpisOfGoals(db: Executor, cityIds: readonly string[], goals: readonly number[], limit: number): Promise<GoalKpiRow[]> {
  if (cityIds.length === 0 || goals.length === 0) return [];
  const query = sql<{ first: unknown }>`select ${firstKpisJson(valuesOf(cityIds, 'text'), sql`in ${valuesOf(goals, 'int')}`, limit)} as first`.compile(db);
  usePreparedStatement(query.sql);
  return firstRows((await db.executeQuery(query)).rows[0]!.first);
}

/** The row {@link readCompareRows} reads: JSON columns (parsed by the driver, or text), a count and a flag; those not asked are absent. */
interface RawCompareRow {
  found: unknown;
  chosen: unknown;
  prefectures?: unknown;
  listed?: unknown;
  total?: string | number;
  fresh?: boolean;
  targets?: unknown;
  goals?: unknown;
  same?: unknown;
  national?: unknown;
  first?: unknown;
}

/**
 * The first `limit` KPIs of each city of `ids` on each goal matching `goalIs` (`= 3`, `in (…)`),
 * in the city's KPI order, with their goal, as one JSON array: the cities' tags of those goals
 * (`kpi_summary_targets_goal`, index only), each KPI's summary row once per goal.
 */
function firstKpisJson(ids: RawBuilder<unknown>, goalIs: RawBuilder<unknown>, limit: number) {
  return sql`(select coalesce(json_agg(f order by f.city_id, f.goal, f.rn), '[]') from (
      select * from (
        select ${sql.join(GOAL_KPI_COLUMNS.map((c) => sql.ref(`k.${c}`)))}, tg.goal,
          row_number() over (partition by k.city_id, tg.goal order by k.position) as rn
        from (select distinct city_id, kpi_id, goal from kpi_summary_targets where city_id in ${ids} and goal ${goalIs}) tg
        join kpi_summaries k on k.city_id = tg.city_id and k.kpi_id = tg.kpi_id) ranked
      where rn <= ${literal(limit)}) f)`;
}

/**
 * `(select unnest(array[$1, $2, …]))`: a set of values, one parameter each, as a prepared
 * statement should see them. Compared with `in ($1, $2)`, the planner cannot look up each value's
 * own statistics (the most common cities, goals) in the plans it makes for given values, so they
 * cost what the plan for any values costs, and PostgreSQL keeps that generic plan after five runs
 * instead of planning each run anew (some tenths of a ms for the compare page's statements,
 * about what running them costs). The set has as many parameters as values: one statement text
 * per count.
 */
function valuesOf(values: readonly (string | number)[], type: 'text' | 'int') {
  return sql`(select unnest(array[${sql.join([...new Set(values)])}]::${sql.raw(type)}[]))`;
}

/** A count or limit of the code (never user input) written into a statement's text, so its plan is made for it. */
function literal(n: number) {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`not a count: ${n}`);
  return sql.lit(n);
}

/** A JSON column as the driver gives it: parsed (pg, PGlite) or, from a driver that does not, text. */
function jsonOf<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/** The first KPIs' rows of a JSON column, their goal a number. */
function firstRows(value: unknown): GoalKpiRow[] {
  return jsonOf<(GoalKpiRow & { rn?: unknown })[]>(value).map(({ rn: _rn, ...r }) => ({ ...summaryNumbers(r), goal: Number(r.goal) }));
}

/** The float columns of a summary row read as JSON: a number, as the driver reads the column (JSON writes NaN and infinities as text). */
function summaryNumbers<R extends Pick<KpiSummaryRow, 'latest_value' | 'target_value' | 'baseline_value' | 'achievement_rate' | 'display_rate'>>(r: R): R {
  const num = (v: number | string | null) => (typeof v === 'string' ? Number(v) : v);
  return { ...r, latest_value: num(r.latest_value), target_value: num(r.target_value), baseline_value: num(r.baseline_value), achievement_rate: num(r.achievement_rate), display_rate: num(r.display_rate) };
}
