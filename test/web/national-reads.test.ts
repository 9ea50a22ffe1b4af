import { sql, type Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { generateCity } from '../../bench/national/generate.ts';
import { importPlanData } from '../../src/cities/plan-data-import.service.ts';
import { targetsOfGoal } from '../../src/core/sdg/sdg-framework.ts';
import { KPI_STATUSES } from '../../src/core/kpi/status.ts';
import { editKpiDefinition } from '../../src/kpis/kpi-edit.command.ts';
import { loadKpiEditState } from '../../src/staff/edit-state.service.ts';
import type { Database } from '../../src/storage/database.ts';
import { prefecturesHostingCities } from '../../src/summaries/national.service.ts';
import { createApp } from '../../src/web/app.tsx';
import { largeCity } from '../fixtures/large-city.ts';
import { describeStaffApp, type StaffTestApp } from '../support/staff-app.ts';
import { countingStatements } from '../support/statement-counter.ts';
import { keptSdgCounts, recountedSdgCounts, SDG_COUNTS_RECOUNT } from '../../src/summaries/test-support/sdg-counts.ts';
import { answer, setUpPublicStates } from './public-states-fixture.ts';
import { cachedBodies, enterApprovedActual, makeUser } from './staff-helpers.ts';

/*
 * Issue 11.5 (national scale): the pages across cities — the SDG goals (/sdgs, /sdgs/:goal with
 * its filters, pages and downloads, /sdgs/:goal/cities, /api/v1/sdgs[/:goal]), /progress, the
 * home page and /api/v1/cities, open data (/data) and search (/search, /api/v1/search) — read
 * the national counts kept on write (sdg_counts), covering indexes and the search entries'
 * index of characters and pairs of characters (migration 2026_12_03_1001). They give the bytes
 * of the reads they replace. The reference is the same database with those reads put back:
 * sdg_counts replaced by a view counting goal_city_counts and kpi_summary_targets over the
 * cities as they are now (the statements of before), and the search's prefilter switched off
 * (search_query_grams answering no pair: LIKE alone decides, as before). Compared for the seeds
 * and two generated cities in the states the public sees (public-states-fixture.ts), after staff
 * writes, and after a generated city moved to another prefecture; a write shows on these pages
 * as soon as before (once its city's summaries are rebuilt). On PGlite and PostgreSQL.
 */

const big = largeCity();
/** A second generated city, of Iwate like Ichinoseki: two cities under one prefecture's counts. */
const second = generateCity(2);
const IWATE = '岩手県';

/** The states the public sees, and the second generated city. */
async function setUp(t: StaffTestApp): Promise<void> {
  expect(second.file.city.prefecture).toBe(IWATE);
  expect(second.id).not.toBe(big.id);
  await makeUser(t.ctx, 'nr-agri', 'ichinoseki', 'department-editor', 'agriculture');
  await makeUser(t.ctx, 'nr-sec', 'ichinoseki', 'secretariat');
  await setUpPublicStates(t, big);
  await importCity(t, second.file);
}

async function importCity(t: StaffTestApp, file: typeof second.file): Promise<void> {
  const r = await importPlanData(t.ctx.db, file, 'test');
  expect(r.ok).toBe(true);
  t.ctx.store.invalidate(file.city.id);
  await t.ctx.store.settled();
}

/** What people type into the search, of every kind the search handles. */
const SEARCH_TERMS = [
  '就農', '農業', 'しゅうのう', 'のうぎょう', 'シュウノウ', 'いじゅう', 'はし', '数', '人', 'ＣＯ２', 'co2', 'energy', 'Energy', 'farmers',
  '農業 観光', '「農業」', '温室効果ガス', '再生可能エネルギー', '森林', '試験市', 'Test City', 'ぴょんぴょこ', 'のうぎよう', '%_', '100%', '\\', '_',
  '𠮷', 'ｶﾝｺｳ', '1-1', '経済の施策', 'a'.repeat(120), 'tourism', 'の', 'パートナー', 'zqx',
];

/** Every address of the cross-city pages compared: goals with their filters and pages, home, directory, open data, search. */
async function nationalPaths(t: StaffTestApp): Promise<string[]> {
  const prefectures = [...(await prefecturesHostingCities(t.ctx.db)).map((p) => p.prefecture), '存在しない県'];
  const q = encodeURIComponent;
  const paths: string[] = [];
  for (const p of ['', ...prefectures.map((x) => `prefecture=${q(x)}`)]) {
    const s = p ? `?${p}` : '';
    paths.push(`/sdgs${s}`, `/progress${s}`, `/api/v1/sdgs${s}`, `/sdgs${s}${s ? '&' : '?'}format=csv`, `/sdgs${s}${s ? '&' : '?'}format=json`);
  }
  for (let goal = 1; goal <= 17; goal++) {
    const base = `/sdgs/${goal}`;
    const filters = [
      '', 'page=2', 'page=999', 'lang=en', 'format=csv', 'format=json',
      ...KPI_STATUSES.map((s) => `status=${s}`),
      ...prefectures.map((x) => `prefecture=${q(x)}`),
      ...targetsOfGoal(`${goal}`).slice(0, 2).map((x) => `target=${x.id}`),
      `status=no-data&prefecture=${q(IWATE)}`,
    ];
    paths.push(...filters.map((f) => (f ? `${base}?${f}` : base)));
    // The API's pages of one and of seven KPIs cross every city boundary of the list.
    for (const size of [1, 7]) for (let page = 1; page <= 12; page++) paths.push(`/api/v1/sdgs/${goal}?page_size=${size}&page=${page}`);
    paths.push(`/api/v1/sdgs/${goal}?status=no-data&page_size=200`, `${base}/cities`, `${base}/cities?prefecture=${q(IWATE)}`);
  }
  // Not a goal, or a target of another goal: 404 on both.
  paths.push('/sdgs/18', '/sdgs/0', '/sdgs/04', '/sdgs/4?target=5.1', '/api/v1/sdgs/99');
  const home = ['', 'page=2', 'page=99', 'lang=en', `prefecture=${q(IWATE)}`, `name=${q('一関')}`, `name=${q('試験市')}`, 'name=Test', 'name=zzz'];
  for (const f of home) paths.push(f ? `/?${f}` : '/', f ? `/data?${f}` : '/data', f ? `/api/v1/cities?${f}` : '/api/v1/cities');
  paths.push('/api/v1/cities?page_size=1&page=3', '/api/v1/cities?page_size=2&page=2');
  for (const term of [...SEARCH_TERMS, big.file.city.name, second.file.kpis[3]!.name]) {
    paths.push(`/search?q=${q(term)}`, `/search?q=${q(term)}&lang=en`, `/api/v1/search?q=${q(term)}`, `/search?q=${q(term)}&format=csv`);
  }
  return paths;
}

/** The answers of a fresh app (an empty page cache) to each path, by path. */
async function answers(t: StaffTestApp, paths: readonly string[]): Promise<Map<string, Awaited<ReturnType<typeof answer>>>> {
  const app = createApp({ db: t.ctx.db, store: t.ctx.store, clock: t.ctx.clock });
  const out = new Map<string, Awaited<ReturnType<typeof answer>>>();
  for (const path of paths) out.set(path, await answer(app, path));
  return out;
}

/**
 * Runs `read` with the reads of before put back (see the module comment): `sdg_counts` a view
 * counting the summaries over the cities as they are, and no search pair ever required.
 */
async function withReadsOfBefore<T>(db: Kysely<Database>, read: () => Promise<T>): Promise<T> {
  await sql`alter table sdg_counts rename to sdg_counts_kept`.execute(db);
  await sql`create view sdg_counts as ${SDG_COUNTS_RECOUNT}`.execute(db);
  await sql`alter function search_query_grams(text) rename to search_query_grams_kept`.execute(db);
  await sql`create function search_query_grams(t text) returns text[] language sql immutable as $$ select '{}'::text[] $$`.execute(db);
  try {
    return await read();
  } finally {
    await sql`drop function search_query_grams(text)`.execute(db);
    await sql`alter function search_query_grams_kept(text) rename to search_query_grams`.execute(db);
    await sql`drop view sdg_counts`.execute(db);
    await sql`alter table sdg_counts_kept rename to sdg_counts`.execute(db);
  }
}

/** Every page answers with the bytes the reads of before give (status, headers, body); returns how many were compared. */
async function expectBytesOfBefore(t: StaffTestApp): Promise<number> {
  await t.ctx.store.settled();
  const paths = await nationalPaths(t);
  const now = await answers(t, paths);
  const before = await withReadsOfBefore(t.ctx.db, () => answers(t, paths));
  for (const path of paths) {
    const [a, b] = [before.get(path)!, now.get(path)!];
    expect(b.status, path).toBe(a.status);
    expect(b.headers, path).toEqual(a.headers);
    if (b.body !== a.body) expect(Buffer.from(b.body, 'base64').toString('utf8'), path).toBe(Buffer.from(a.body, 'base64').toString('utf8'));
  }
  // Not only empty answers: the goals, the directory and the search find things.
  expect(Buffer.from(now.get('/api/v1/sdgs')!.body, 'base64').toString()).toMatch(/"kpi_count":[1-9]/);
  expect(Buffer.from(now.get(`/search?q=${encodeURIComponent('就農')}`)!.body, 'base64').toString()).toContain('<mark>');
  return paths.length;
}

describeStaffApp(
  'the pages across cities from the counts kept on write and the search index (issue 11.5)',
  [],
  (app) => {
    it('give the bytes of the reads they replace, for the seeds and generated cities in the states the public sees', async () => {
      const t = app();
      expect(await expectBytesOfBefore(t)).toBeGreaterThan(900);
      // The counts kept equal a recount, row for row.
      const kept = await keptSdgCounts(t.ctx.db);
      expect(kept.length).toBeGreaterThan(50);
      expect(await recountedSdgCounts(t.ctx.db)).toEqual(kept);
    }, 600_000);

    it('show a staff write as soon as before: a new actual moves the goal counts and lists, a renamed KPI is found; still the bytes of before', async () => {
      const t = app();
      const cached = createApp({ db: t.ctx.db, store: t.ctx.store, staff: t.ctx.staff, clock: t.ctx.clock });
      const staffApp = createApp({ db: t.ctx.db, store: t.ctx.store, staff: t.ctx.staff, clock: t.ctx.clock });
      const word = 'ナショナル読取検査語';
      const pages = ['/progress', `/progress?prefecture=${encodeURIComponent(IWATE)}`, '/sdgs/2?status=achieved', '/sdgs/8?status=achieved', '/api/v1/sdgs/2', '/sdgs', '/', '/api/v1/cities', `/search?q=${encodeURIComponent(word)}`, `/api/v1/search?q=${encodeURIComponent(word)}`];
      const before = await cachedBodies(cached, pages);
      expect(before.get('/sdgs/2?status=achieved')).not.toContain('/cities/ichinoseki/kpis/new-farmers');
      // An actual beyond the target, entered by the department and approved by the secretariat.
      await enterApprovedActual(staffApp, 'ichinoseki', 'new-farmers', { editor: 'nr-agri', secretariat: 'nr-sec' }, { at: '2023年', value: '200 人', note: '確定値', source: '農政課', reason: '確定値への訂正', explanation: '目標を上回った' }, 2023);
      // A KPI renamed to a word no entry held.
      const kpiId = 'fuel-wood-production';
      const state = await loadKpiEditState(t.ctx.db, 'ichinoseki', kpiId);
      const kpi = (await t.ctx.store.getStaff('ichinoseki'))!.data.kpis.find((k) => k.id === kpiId)!;
      const renamed = await editKpiDefinition(t.ctx.db, t.ctx.store, { cityId: 'ichinoseki', actor: 'テスト 担当', kpiId, version: state!.version, input: { name: `${word}の量`, direction: kpi.direction ?? 'up' } });
      expect(renamed.ok).toBe(true);
      // As before: the cross-city pages show a write once its city's summaries are rebuilt.
      await t.ctx.store.settled();
      const fresh = createApp({ db: t.ctx.db, store: t.ctx.store, clock: t.ctx.clock });
      for (const p of pages) {
        const now = await (await cached.request(p)).text();
        expect(now, p).toBe(await (await fresh.request(p)).text());
        if (p !== '/sdgs') expect(now, `${p} changed`).not.toBe(before.get(p));
      }
      expect(await (await cached.request('/sdgs/2?status=achieved')).text()).toContain('/cities/ichinoseki/kpis/new-farmers');
      expect(await (await cached.request(`/search?q=${encodeURIComponent(word)}`)).text()).toContain(`/cities/ichinoseki/kpis/${kpiId}`);
      await expectBytesOfBefore(t);
    }, 600_000);

    it('move a city’s counts with it when it moves to another prefecture, and back', async () => {
      const t = app();
      const ishikawa = '石川県';
      const moved = structuredClone(second.file);
      moved.city.prefecture = ishikawa;
      moved.city.prefectureEn = 'Ishikawa';
      const pathsOf = (p: string) => [`/sdgs?prefecture=${encodeURIComponent(p)}`, `/progress?prefecture=${encodeURIComponent(p)}`, `/sdgs/11?prefecture=${encodeURIComponent(p)}`];
      const before = await answers(t, [...pathsOf(IWATE), ...pathsOf(ishikawa)]);
      await importCity(t, moved);
      const after = await answers(t, [...pathsOf(IWATE), ...pathsOf(ishikawa)]);
      for (const p of [...pathsOf(IWATE), ...pathsOf(ishikawa)].filter((x) => !x.startsWith('/sdgs/11'))) expect(after.get(p)!.body, p).not.toBe(before.get(p)!.body);
      await expectBytesOfBefore(t);
      await importCity(t, second.file);
      const back = await answers(t, [...pathsOf(IWATE), ...pathsOf(ishikawa)]);
      for (const [p, a] of before) expect(back.get(p)!.body, p).toBe(a.body);
      // Rows of a prefecture left empty stay with 0 (never shown); the others equal a recount.
      expect(await recountedSdgCounts(t.ctx.db)).toEqual(await keptSdgCounts(t.ctx.db));
    }, 600_000);

    it('answer a miss in a few statements, none reading every city', async () => {
      const t = app();
      const counted = countingStatements(t.ctx.db);
      const countOf = async (path: string) => {
        const fresh = createApp({ db: counted.db, store: t.ctx.store, clock: t.ctx.clock });
        counted.reset();
        expect((await fresh.request(path)).status, path).toBe(200);
        return counted.count();
      };
      // The counts of the goals and the goal's targets, the prefectures, the list's cities, its page.
      expect(await countOf('/sdgs/4')).toBe(4);
      expect(await countOf('/api/v1/sdgs/4?status=no-data')).toBe(4);
      expect(await countOf('/sdgs')).toBe(2);
      expect(await countOf('/progress')).toBe(2);
      // A page of cities, their count, the prefectures, their KPIs by status and their plans.
      expect(await countOf('/')).toBe(5);
      // Open data shows no figure of a city: no counts read.
      expect(await countOf('/data?page=2')).toBe(3);
      // Search: one statement finds, counts and reads the page of entries, one more reads the
      // unpublished years of every city found (issue 10.1); without a match, the approximate one
      // reads the first entries in order, then (their pairs being rare) the index.
      expect(await countOf(`/search?q=${encodeURIComponent('農業')}`)).toBe(2);
      expect(await countOf(`/search?q=${encodeURIComponent('ぴょんぴょこ')}`)).toBe(3);
    }, 120_000);
  },
  setUp,
);
