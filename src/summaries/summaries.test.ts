import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgresServer, type PostgresServer } from '../../test/support/postgres-server.ts';
import { openAppContext, type AppContext } from '../app-context.ts';
import { CityDataStore } from '../cities/city-data.store.ts';
import { loadSeedCitiesIfEmpty } from '../cities/plan-data-import.service.ts';
import { testDatabases, useTestDatabase } from '../storage/test-databases.ts';
import { goalCounts, goalStatusCounts, listCityRevisions, listKpiSummariesPaged, findNearSearchEntries, findSearchEntries, cityCounts, type SearchTermQuery } from './summary.repository.ts';
import { searchNational } from './national-search.service.ts';
import { searchJson } from '../web/routes/public-json.ts';
import { summaryDb } from './summary.table.ts';
import { keptSdgCounts, recountedSdgCounts } from './test-support/sdg-counts.ts';
import { countingStatements } from '../../test/support/statement-counter.ts';

const PREFECTURES = ['岩手県', '茨城県', '石川県'];

for (const database of testDatabases()) {
  describe.skipIf(database.skipReason !== null)(`national summaries on ${database.name}`, () => {
    const db = useTestDatabase(database);
    let store: CityDataStore;

    beforeAll(async () => {
      await loadSeedCitiesIfEmpty(db());
      store = new CityDataStore(db());
      expect(await store.catchUpSummaries()).toBe(3);
    });

    it('holds one summary row per public KPI, with SDG goals, counts and search entries', async () => {
      const kpis = await summaryDb(db()).selectFrom('kpi_summaries').select(['city_id', 'kpi_id', 'status']).execute();
      const expected = (await Promise.all(['ichinoseki', 'tsukuba', 'kanazawa'].map((id) => store.get(id)))).reduce((n, d) => n + d!.kpis.length, 0);
      expect(kpis).toHaveLength(expected);
      const goals = await goalCounts(db());
      expect(goals.size).toBeGreaterThan(5);
      expect([...goals.values()].every((g) => g.kpis > 0 && g.cities >= 1 && g.cities <= 3)).toBe(true);
      const counts = await cityCounts(db(), ['kanazawa']);
      expect(counts.get('kanazawa')!.statuses['no-data']).toBe((await store.get('kanazawa'))!.kpis.length);
      expect(counts.get('kanazawa')!.plans).toBeGreaterThan(0);
      const page = await listKpiSummariesPaged(db(), { goal: 4 }, 0, 5, PREFECTURES);
      expect(page.rows.length).toBeLessThanOrEqual(5);
      expect(page.total).toBe(goals.get(4)?.kpis ?? 0);
      expect(page.rows.every((r) => r.targets.some((t) => t.startsWith('4.')))).toBe(true);
      // By status per goal (issue 15.1): each goal's counts add up to its KPIs.
      const byStatus = await goalStatusCounts(db());
      for (const [goal, c] of goals) expect(Object.values(byStatus.get(goal) ?? {}).reduce((a, b) => a + b, 0), `goal ${goal}`).toBe(c.kpis);
      const found = await findSearchEntries(db(), ['就農'], 10, 10_000);
      expect(found.rows.map((r) => r.city_id)).toContain('ichinoseki');
      expect(found.total).toBeGreaterThan(0);
      expect((await findSearchEntries(db(), ['100%_\\'], 10, 10_000)).total).toBe(0);
    });

    it('counts and pages a goal from goal_city_counts exactly as from every tag, across page and city boundaries (issue 11.1)', async () => {
      // The counts by goal and status equal those counted over kpi_summary_targets directly.
      const direct = await sql<{ goal: number; status: string; n: string | number }>`
        select t.goal, s.status, count(distinct (t.city_id, t.kpi_id)) as n from kpi_summary_targets t
        join kpi_summaries s on s.city_id = t.city_id and s.kpi_id = t.kpi_id group by t.goal, s.status`.execute(db());
      const byStatus = await goalStatusCounts(db());
      expect(direct.rows.length).toBeGreaterThan(5);
      for (const r of direct.rows) expect(byStatus.get(r.goal)?.[r.status], `goal ${r.goal} ${r.status}`).toBe(Number(r.n));
      const everyCity = ['ichinoseki', 'tsukuba', 'kanazawa'];
      for (const goal of [...(await goalCounts(db())).keys()]) {
        for (const status of [undefined, 'no-data']) {
          // The general path (a city filter) is the reference: same rows, same order, same total.
          const reference = await listKpiSummariesPaged(db(), { goal, status, cityIds: everyCity }, 0, 10_000, PREFECTURES);
          for (const size of [1, 3, 7]) {
            const pages: string[] = [];
            for (let offset = 0; offset < reference.total + size; offset += size) {
              const page = await listKpiSummariesPaged(db(), { goal, status }, offset, size, PREFECTURES);
              expect(page.total, `goal ${goal} ${status} size ${size}`).toBe(reference.total);
              pages.push(...page.rows.map((r) => `${r.city_id}/${r.kpi_id}`));
            }
            expect(pages, `goal ${goal} ${status} size ${size}`).toEqual(reference.rows.map((r) => `${r.city_id}/${r.kpi_id}`));
          }
        }
      }
      // A prefecture filter, and a prefecture order that puts Ishikawa first.
      const ishikawa = await listKpiSummariesPaged(db(), { goal: 11, prefecture: '石川県' }, 0, 10_000, PREFECTURES);
      expect(new Set(ishikawa.rows.map((r) => r.city_id))).toEqual(new Set(ishikawa.total > 0 ? ['kanazawa'] : []));
      const reversed = await listKpiSummariesPaged(db(), { goal: 11 }, 0, 10_000, [...PREFECTURES].reverse());
      const cityOrder = [...new Set(reversed.rows.map((r) => r.city_id))];
      expect(cityOrder).toEqual(everyCity.reverse().filter((c) => cityOrder.includes(c)));
    });

    it('finds what people type across cities: readings, words and kanji (issue 15.5)', async () => {
      const kana = await searchNational(db(), 'しゅうのう', 'ja');
      expect(kana.kpis.map((k) => k.kpi?.id)).toContain('new-farmers');
      const stored = await summaryDb(db()).selectFrom('search_entries').select('readings').where('city_id', '=', 'ichinoseki').where('kpi_id', '=', 'new-farmers').executeTakeFirstOrThrow();
      expect(stored.readings).toContain('しんきしゅうのうしゃすう');
      const farming = await searchNational(db(), '農業', 'ja');
      expect(farming.kpis.find((k) => k.kpi?.id === 'new-farmers')?.approximate).toBe(true);
      expect(farming.nodes.some((n) => n.city.id === 'ichinoseki' && n.node?.title.includes('農林水産業'))).toBe(true);
      const en = await searchNational(db(), 'しゅうのう', 'en');
      expect(en.kpis.map((k) => k.kpi?.id)).toContain('new-farmers');
      expect((await searchNational(db(), 'ぴょんぴょこ', 'ja')).total).toBe(0);
      // Kana for a word no text writes (のうぎょう → 農業): the SQL preselection finds what the kanji finds.
      for (const lang of ['ja', 'en'] as const) {
        const kanaFarming = await searchNational(db(), 'のうぎょう', lang);
        expect(kanaFarming.kpis.find((k) => k.kpi?.id === 'new-farmers')?.approximate, lang).toBe(true);
        expect(kanaFarming.nodes.some((n) => n.city.id === 'ichinoseki' && n.node?.title.includes('農林水産業')), lang).toBe(true);
      }
      // SQL's LIKE also finds a reading across two words (いじゅう in にんていじゅうたく, 認定住宅):
      // the count is what the matching kept, and none kept falls back like nothing found.
      for (const lang of ['ja', 'en'] as const) {
        const moving = await searchNational(db(), 'いじゅう', lang);
        expect(moving.nodes.map((n) => n.node?.title), lang).toEqual(['移住定住、関係人口、結婚支援']);
        expect([moving.total, moving.kpis.length, moving.plans.length], lang).toEqual([1, 0, 0]);
        expect((await searchNational(db(), 'はし', lang)).total, lang).toBe(0);
      }
    });

    it('counts the matches of a search up to a bound: a common character says "more than", a rarer word its count, as before (issue 11.5)', async () => {
      for (const q of ['の', '数', 'e', '農業', '就農', 'ぴょんぴょこ', '1']) {
        const all = await searchNational(db(), q, 'ja');
        const bounded = await searchNational(db(), q, 'ja', 20);
        if (all.total > 20) {
          expect([bounded.total, bounded.more, bounded.truncated], q).toEqual([20, true, true]);
          expect(searchJson(bounded), q).toMatchObject({ total: 20, total_more: true });
        } else {
          expect(bounded, q).toEqual(all);
          expect(searchJson(bounded), q).not.toHaveProperty('total_more');
        }
        expect(all.more, q).toBeUndefined();
      }
      expect((await searchNational(db(), 'の', 'ja')).total).toBeGreaterThan(20);
    });

    it('finds the entries LIKE alone finds, through the index of characters and pairs: every term, or the first of any pair (issue 11.5)', async () => {
      // The statements of before: LIKE over every entry, no index.
      const like = (t: string) => `%${t.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
      const holds = (f: string) => sql`e.folded like ${like(f)}`;
      const reference = async (where: ReturnType<typeof sql>, limit: number) => {
        const { rows } = await sql<{ city_id: string; position: number }>`select e.city_id, e.position from search_entries e where ${where} order by e.city_id, e.position`.execute(db());
        return { keys: rows.slice(0, limit).map((r) => `${r.city_id}/${r.position}`), total: rows.length };
      };
      const all: SearchTermQuery[][] = [
        ['就農'], ['農'], ['数'], ['の'], ['人数', '目標'], [[['いじゅう'], ['移住']]], [[['ち', 'いき'], ['地域']]], ['energy'], ['e'], ['100%_\\'], ['%'], ['_'],
        ['𠮷'], ['ぴょんぴょこ'], ['1-1'], ['\n'], [[['しゅうのう'], ['就', '農']], '者'],
      ];
      for (const terms of all) {
        const ref = await reference(sql.join(terms.map((t) => (typeof t === 'string' ? holds(t) : sql`(${sql.join(t.map((way) => sql`(${sql.join(way.map(holds), sql` and `)})`), sql` or `)})`)), sql` and `), 7);
        const found = await findSearchEntries(db(), terms, 7, 10_000);
        expect(found.rows.map((r) => `${r.city_id}/${r.position}`), JSON.stringify(terms)).toEqual(ref.keys);
        expect([found.total, found.more], JSON.stringify(terms)).toEqual([ref.total, false]);
        // Counted up to a bound, whether the matches are found among the first entries read in
        // order (all of them, some, or none there) or through the index: the same first entries,
        // the count up to the bound, and whether more match.
        for (const [limit, cap, scan] of [[7, 7, 1], [7, 7, 40], [7, 20, 40], [7, 20, 500], [3, 3, 1_000_000], [7, 30, 2], [1, 1, 0]]) {
          const capped = await findSearchEntries(db(), terms, limit!, cap!, scan);
          const at = `${JSON.stringify(terms)} ${limit} ${cap} ${scan}`;
          expect(capped.rows.map((r) => `${r.city_id}/${r.position}`), at).toEqual(ref.keys.slice(0, limit));
          expect([capped.total, capped.more], at).toEqual([Math.min(ref.total, cap!), ref.total > cap!]);
        }
      }
      expect((await reference(holds('数'), 1)).total).toBeGreaterThan(20);
      // Any of several pairs: the first entries in order, whether found among the first entries read
      // in order (common pairs) or through the index (rare ones), whatever the length of that read.
      for (const fragments of [['数値', '目標', 'ぴょ'], ['ぴょ', 'んぴ'], ['農業', 'のう', 'ぎょ'], ['en', 'rg'], ['%_'], ['の']]) {
        for (const [limit, scan] of [[3, 5], [3, 500], [10, 40], [2000, 20_000], [5, 1]]) {
          const ref = await reference(sql`(${sql.join(fragments.map(holds), sql` or `)})`, limit!);
          const near = await findNearSearchEntries(db(), fragments, limit!, scan);
          expect(near.map((r) => `${r.city_id}/${r.position}`), `${fragments.join(',')} ${limit} ${scan}`).toEqual(ref.keys);
        }
      }
      // Both ways were taken: a common character found in the first entries read (one statement), a rare pair through the index (two).
      const counted = countingStatements(db());
      expect(await findNearSearchEntries(counted.db, ['の'], 3, 500)).toHaveLength(3);
      expect(counted.count()).toBe(1);
      expect(await findNearSearchEntries(counted.db, ['ぴょ', '就農'], 3, 5)).not.toHaveLength(0);
      expect(counted.count()).toBe(3);
    });

    it('rebuilds one city on a write to it, bumps its revision and leaves the others alone', async () => {
      const before = await listCityRevisions(db());
      const kpi = await summaryDb(db()).selectFrom('kpis').select(['id', 'slug']).where('city_id', '=', 'tsukuba').orderBy('position').executeTakeFirstOrThrow();
      await sql`update kpis set name = ${'改名した指標'} where id = ${kpi.id}`.execute(db());
      const cross = store.crossCityVersion;
      const tsukuba = store.cityVersion('tsukuba');
      const kanazawa = store.cityVersion('kanazawa');
      store.invalidate('tsukuba');
      expect(store.cityVersion('tsukuba')).toBe(tsukuba + 1);
      expect(store.cityVersion('kanazawa')).toBe(kanazawa);
      await store.settled();
      expect(store.crossCityVersion).toBeGreaterThan(cross);
      const row = await summaryDb(db()).selectFrom('kpi_summaries').select('name').where('city_id', '=', 'tsukuba').where('kpi_id', '=', kpi.slug).executeTakeFirstOrThrow();
      expect(row.name).toBe('改名した指標');
      const after = await listCityRevisions(db());
      const rev = (list: typeof after, id: string) => list.find((r) => r.cityId === id);
      expect(rev(after, 'tsukuba')!.revision).toBe((rev(before, 'tsukuba')?.revision ?? 0) + 1);
      expect(rev(after, 'tsukuba')!.summarizedRevision).toBe(rev(after, 'tsukuba')!.revision);
      expect(rev(after, 'kanazawa')).toEqual(rev(before, 'kanazawa'));
      expect((await findSearchEntries(db(), ['改名した'], 5, 10_000)).rows.map((r) => r.kpi_id)).toEqual([kpi.slug]);
      // The goal counts follow the write: the KPI's SDG targets removed, its goals count one KPI less.
      const tagged = await summaryDb(db()).selectFrom('kpi_summary_targets').select('goal').distinct().where('city_id', '=', 'tsukuba').where('kpi_id', '=', kpi.slug).execute();
      expect(tagged.length).toBeGreaterThan(0);
      const goalsBefore = await goalCounts(db());
      await sql`delete from kpi_sdg_targets where kpi_id = ${kpi.id}`.execute(db());
      store.invalidate('tsukuba');
      await store.settled();
      const goalsAfter = await goalCounts(db());
      for (const { goal } of tagged) expect(goalsAfter.get(goal)?.kpis ?? 0, `goal ${goal}`).toBe(goalsBefore.get(goal)!.kpis - 1);
      const kanazawaCounts = await summaryDb(db()).selectFrom('goal_city_counts').selectAll().where('city_id', '=', 'kanazawa').orderBy(['goal', 'status']).execute();
      expect(kanazawaCounts.length).toBeGreaterThan(0);
      expect(await recountedSdgCounts(db())).toEqual(await keptSdgCounts(db()));
    });

    it('keeps the national counts equal to a recount while rebuilds of every city race in two stores (issue 11.5)', async () => {
      // Two stores stand for two processes: each rebuilds every city, three times over, at once.
      // Rebuilds of one city take turns (its revision row is locked); those of different cities add
      // to the same national rows, locked in one order, so none waits for another forever.
      const other = new CityDataStore(db());
      const cities = ['ichinoseki', 'tsukuba', 'kanazawa'];
      for (let round = 0; round < 3; round++) {
        for (const id of cities) {
          store.invalidate(id);
          other.invalidate(cities[(cities.indexOf(id) + round) % cities.length]!);
        }
      }
      await Promise.all([store.settled(), other.settled()]);
      const kept = await keptSdgCounts(db());
      expect(kept.length).toBeGreaterThan(20);
      expect(await recountedSdgCounts(db())).toEqual(kept);
    });
  });
}
