import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/time/clock.ts';
import { goalOfTarget } from '../../src/core/sdg/sdg-framework.ts';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { createApp } from '../../src/web/app.tsx';
import { importCompareFixtures } from '../fixtures/compare-cities.ts';

/**
 * Issue 15.6 (compare cities by size, by KPI definition indexed to baseline, national SDG pages
 * by prefecture) and 15.1 (counts per plan goal and department on the city page, next targets in
 * every table), over the seeds and two fixture cities (test/fixtures/compare-cities.ts).
 */

let ctx: AppContext;
let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: true, inMemory: true }, { announce: () => {} });
  await importCompareFixtures(ctx.db, ctx.store);
  // 1 June 2025 (Tokyo): Ichinoseki's 2025年 target (157 人) is still ahead.
  app = createApp({ db: ctx.db, store: ctx.store, clock: fixedClock('2025-06-01T12:00:00+09:00') });
}, 120_000);
afterAll(() => ctx.close());

const get = async (path: string) => {
  const r = await app.request(path);
  return { status: r.status, text: await r.text() };
};
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('cities of similar size (population within a factor 1.5 either way)', () => {
  it('offers Ichinoseki (110,000) the fixture town (150,000) and not Kanazawa (463,254), in ja and en', async () => {
    const ja = await get('/compare?peers=ichinoseki&cities=ichinoseki');
    expect(ja.status).toBe(200);
    const t = text(ja.text);
    expect(t).toContain('人口が73,334～165,000人');
    const peers = ja.text.slice(ja.text.indexOf('class="peer-list"'), ja.text.indexOf('</ul>', ja.text.indexOf('class="peer-list"')));
    expect([...peers.matchAll(/href="\/cities\/([^"]+)"/g)].map((m) => m[1])).toEqual(['hikaku-town']);
    expect(peers).toContain('150,000人');
    const en = await get('/compare?peers=ichinoseki&cities=ichinoseki&lang=en');
    expect(text(en.text)).toContain('73,334–165,000 inhabitants');
    // Kanazawa's peer is the fixture city of 400,000 (308,836–694,881).
    const kanazawa = await get('/compare?peers=kanazawa&cities=kanazawa');
    expect(text(kanazawa.text)).toContain('308,836～694,881');
    expect(kanazawa.text).toContain('href="/cities/hikaku-city"');
  });

  it('says why a city without a population has no peers, and the city page links to its peers', async () => {
    const tsukuba = await get('/compare?peers=tsukuba&cities=tsukuba');
    expect(tsukuba.status).toBe(200);
    expect(tsukuba.text).toContain('人口が登録されていないため');
    expect((await get('/cities/tsukuba')).text).toContain('人口が登録されていないため');
    const city = await get('/cities/ichinoseki');
    expect(text(city.text)).toContain('人口 110,000人');
    expect(city.text).toContain('href="/compare?peers=ichinoseki&amp;cities=ichinoseki"');
  });
});

describe('the same KPI definition across cities, indexed to each baseline (= 100)', () => {
  it('puts Ichinoseki’s and the town’s 新規就農者数※累計 side by side: 13 → 101 人 is 776.9, 20 → 60 人 is 300.0', async () => {
    const r = await get('/compare?cities=ichinoseki&cities=hikaku-town');
    expect(r.status).toBe(200);
    const same = r.text.slice(r.text.indexOf('id="same-h"'), r.text.indexOf('id="targets-h"'));
    expect(same).toContain('新規就農者数※累計');
    expect(same).toContain('776.9');
    expect(same).toContain('300.0');
    // The chart: server-side SVG with a text alternative naming each city's figures.
    expect(same).toMatch(/<figure class="chart"><div role="img" aria-label="[^"]*一関市は2020年の基準値13 人から2023年に101 人（指数776.9）/);
    expect(same).toContain('<svg aria-hidden="true"');
    // The data table: the baselines at 100.0.
    expect((same.match(/<td class="num">100\.0<\/td>/g) ?? []).length).toBe(2);
    expect(same).toContain('href="/compare/kpis/ichinoseki/new-farmers"');
    expect(text(same)).toContain('全国でこのKPIを持つ2自治体の一覧');
    const en = await get('/compare?cities=ichinoseki&cities=hikaku-town&lang=en');
    expect(text(en.text)).toContain('All 2 municipalities with this KPI');
    expect(text(en.text)).toContain('(index 776.9)');
  });

  it('matches KPIs by a shared indicator code whatever their names: 12.5.1 (125.0 and 110.0)', async () => {
    const r = await get('/compare?cities=hikaku-town&cities=hikaku-city');
    const same = r.text.slice(r.text.indexOf('id="same-h"'), r.text.indexOf('id="targets-h"'));
    expect(same).toContain('指標コード 12.5.1');
    expect(same).toContain('リサイクル率');
    expect(same).toContain('125.0');
    expect(same).toContain('110.0');
    // No name match between the seeds: Ichinoseki and Kanazawa share no definition.
    expect((await get('/compare?cities=ichinoseki&cities=kanazawa')).text).toContain('同じ定義のKPIはありません');
  });

  it('downloads the same-definition groups with the page’s indices: CSV rows per figure, JSON groups (snake_case)', async () => {
    const csv = (await get('/compare?cities=ichinoseki&cities=hikaku-town&format=csv')).text.replace(/^\uFEFF/, '').split('\r\n').filter((l) => l !== '');
    const header = csv[0]!.split(',');
    expect(header.slice(-5)).toEqual(['indicator', 'figure_kind', 'figure_at', 'figure', 'index']);
    const col = (line: string, name: string) => line.split(',')[header.indexOf(name)];
    const definition = csv.slice(1).filter((l) => l.startsWith('definition,'));
    expect(definition.map((l) => [col(l, 'theme_id'), col(l, 'city_id'), col(l, 'kpi_id'), col(l, 'figure_kind'), col(l, 'figure_at'), col(l, 'figure'), col(l, 'index')])).toEqual([
      ['name:新規就農者数※累計|人', 'ichinoseki', 'new-farmers', 'baseline', '2020', '13', '100'],
      ['name:新規就農者数※累計|人', 'ichinoseki', 'new-farmers', 'actual', '2023', '101', '776.9'],
      ['name:新規就農者数※累計|人', 'hikaku-town', 'farmers', 'baseline', '2020', '20', '100'],
      ['name:新規就農者数※累計|人', 'hikaku-town', 'farmers', 'actual', '2023', '60', '300'],
    ]);
    // The theme rows keep their shape, with the definition columns empty.
    const goal = csv.slice(1).find((l) => l.startsWith('goal,'))!;
    expect(goal.endsWith(',,,,,')).toBe(true);
    const byCode = (await get('/compare?cities=hikaku-town&cities=hikaku-city&format=csv')).text;
    expect(byCode).toContain('definition,indicator:12.5.1,hikaku-city,recycle-rate,資源リサイクル率');
    expect(byCode).toMatch(/,12\.5\.1,actual,2024,33,110\r\n/);

    const json = JSON.parse((await get('/compare?cities=hikaku-town&cities=hikaku-city&format=json')).text) as {
      same_kpis: { key: string; indicator: string | null; all_cities_url: string; kpis: { city: string; id: string; latest_index: number | null; series: { kind: string; at: string; value: number; index: number | null }[] }[] }[];
    };
    expect(json.same_kpis).toHaveLength(1);
    const g = json.same_kpis[0]!;
    expect([g.key, g.indicator, g.all_cities_url]).toEqual(['indicator:12.5.1', '12.5.1', '/compare/kpis/hikaku-town/recycling']);
    expect(g.kpis.map((k) => [k.city, k.id, k.latest_index])).toEqual([
      ['hikaku-town', 'recycling', 125],
      ['hikaku-city', 'recycle-rate', 110],
    ]);
    expect(g.kpis[0]!.series).toEqual([
      { kind: 'baseline', at: '2019', value: 20, index: 100 },
      { kind: 'actual', at: '2023', value: 25, index: 125 },
    ]);
    // Cities sharing no definition download an empty list, not a missing field.
    expect(JSON.parse((await get('/compare?cities=ichinoseki&cities=kanazawa&format=json')).text).same_kpis).toEqual([]);
  });

  it('lists every city measuring a definition, paged and by prefecture', async () => {
    const all = await get('/compare/kpis/ichinoseki/new-farmers');
    expect(all.status).toBe(200);
    expect(text(all.text)).toContain('全国に2あります');
    expect(all.text).toContain('776.9');
    expect(all.text).toContain('300.0');
    expect(all.text).toContain('href="/compare?cities=hikaku-town&amp;cities=ichinoseki"');
    const ishikawa = await get(`/compare/kpis/ichinoseki/new-farmers?prefecture=${encodeURIComponent('石川県')}`);
    expect(ishikawa.text).toContain('条件に合う自治体はありません');
    const byCode = await get('/compare/kpis/hikaku-city/recycle-rate?page_size=1');
    expect(text(byCode.text)).toContain('全2件中 1～1件目');
    expect((await get('/compare/kpis/hikaku-city/recycle-rate?page_size=1&page=2')).text).toContain('href="/cities/hikaku-city/kpis/recycle-rate"');
    expect((await get('/compare/kpis/ichinoseki/no-such-kpi')).status).toBe(404);
    expect((await get('/compare/kpis/atlantis/new-farmers')).status).toBe(404);
  });
});

describe('national SDG pages by prefecture, and each goal’s cities paged', () => {
  it('counts only the chosen prefecture’s cities on /sdgs and /progress', async () => {
    const iwate = ['ichinoseki', 'hikaku-town'];
    const data = await Promise.all(iwate.map((id) => ctx.store.get(id)));
    const goal2 = data.flatMap((d) => d!.kpis.filter((k) => k.sdgTargets.some((t) => goalOfTarget(t)?.number === 2)));
    expect(goal2.length).toBe(2); // new-farmers (2.3, 2.4) and the town's farmers (2.3)
    const json = (await (await app.request(`/sdgs?format=json&prefecture=${encodeURIComponent('岩手県')}`)).json()) as { goals: { id: string; kpi_count: number; city_count: number }[] };
    const g2 = json.goals.find((g) => g.id === '2')!;
    expect([g2.kpi_count, g2.city_count]).toEqual([2, 2]);
    const page = await get(`/sdgs?prefecture=${encodeURIComponent('岩手県')}`);
    expect(page.text).toContain('岩手県の自治体について数えています');
    const progress = await get(`/progress?prefecture=${encodeURIComponent('石川県')}`);
    const ishikawa = [(await ctx.store.get('kanazawa'))!, (await ctx.store.get('hikaku-city'))!];
    const goal12 = ishikawa.flatMap((d) => d.kpis.filter((k) => k.sdgTargets.some((t) => goalOfTarget(t)?.number === 12))).length;
    expect(progress.text).toContain(`href="/sdgs/12?prefecture=${encodeURIComponent('石川県')}" aria-label="12. ${'つくる責任 つかう責任'}：計 ${goal12}"`);
  });

  it('lists the cities of a goal with their KPIs by status, filtered by prefecture, paged', async () => {
    const all = await get('/sdgs/12/cities');
    expect(all.status).toBe(200);
    const rows = (html: string) => [...html.matchAll(/<th scope="row"><a href="\/cities\/([^"]+)">/g)].map((m) => m[1]);
    expect(rows(all.text).sort()).toEqual(['hikaku-city', 'hikaku-town', 'kanazawa', 'tsukuba'].sort());
    expect(rows((await get(`/sdgs/12/cities?prefecture=${encodeURIComponent('石川県')}`)).text)).toEqual(['hikaku-city', 'kanazawa']);
    const one = await get('/sdgs/12/cities?page_size=1&page=2');
    expect(rows(one.text)).toHaveLength(1);
    expect(text(one.text)).toContain('全4件中 2～2件目');
    expect((await get('/sdgs/12/cities?lang=en')).text).toContain('Municipalities working on goal 12');
  });
});

describe('progress per plan goal and department on the city page, next targets in every table', () => {
  it('shows the counts on the city page, each linking to the filtered KPI list it counts', async () => {
    const city = await get('/cities/hikaku-town');
    expect(city.text).toContain('計画の目標別・担当部署別の進捗');
    expect(city.text).toContain('href="/cities/hikaku-town/kpis?node=hikaku-town-plan%2F');
    expect(city.text).toMatch(/href="\/cities\/hikaku-town\/kpis\?department=%E8%BE%B2%E6%94%BF%E8%AA%B2" aria-label="農政課：計 1">1<\/a>/);
  });

  it('shows the next target after today with its year (Open SDG #1318)', async () => {
    // Today 2025-06-01: Ichinoseki's 新規就農者数 is next due 157 人 in 2025; the town's farmers 100 人 in 2025.
    const city = await get('/cities/ichinoseki');
    expect(city.text).toContain('<th scope="col">次の目標</th>');
    expect(city.text).toMatch(/data-label="次の目標">157 人<span class="cell-note">2025年<\/span>/);
    const later = createApp({ db: ctx.db, store: ctx.store, clock: fixedClock('2026-06-01T12:00:00+09:00') });
    const town = await (await later.request('/cities/hikaku-town')).text();
    expect(town).toMatch(/data-label="次の目標">150 人<span class="cell-note">2030年<\/span>/);
    const ichinoseki = await (await later.request('/cities/ichinoseki')).text();
    expect(ichinoseki).toContain('期限内の目標なし');
    expect((await get('/sdgs/2?lang=en')).text).toContain('<th scope="col">Next target</th>');
  });
});

describe('attacks', () => {
  it('answers hostile paging, prefectures and ids with pages or 404s, never a 500, and reflects nothing', async () => {
    for (const path of [
      '/sdgs/12/cities?page=-1',
      '/sdgs/12/cities?page=999999',
      '/sdgs/12/cities?page=abc&page_size=0',
      `/sdgs/12/cities?prefecture=${encodeURIComponent('存在しない県')}`,
      `/sdgs?prefecture=${'x'.repeat(200)}`,
      `/progress?prefecture=${encodeURIComponent("'; drop table cities; --")}`,
      '/compare?peers=%3Cscript%3E&cities=ichinoseki',
      '/compare?peers=atlantis',
      '/compare/kpis/ichinoseki/new-farmers?page=999999',
      '/compare/kpis/ichinoseki/new-farmers?page=-5&prefecture=%E2%80%AE',
    ]) {
      const r = await get(path);
      expect(r.status, path).toBe(200);
      expect(r.text, path).not.toContain('<script>');
    }
    expect((await get('/sdgs/12/cities?page=999999')).text).toContain('999999ページ目はありません');
    expect(text((await get('/sdgs/12/cities?page=-1')).text)).toContain('全4件中 1～4件目');
    expect((await get(`/sdgs/12/cities?prefecture=${encodeURIComponent('存在しない県')}`)).text).toContain('条件に合う自治体はありません');
    // Downloads of fewer than two known cities, or of hostile ids, are a 400 problem naming the parameter, never the HTML form.
    for (const path of ['/compare?cities=ichinoseki&format=csv', '/compare?cities=ichinoseki&cities=ichinoseki&format=json', '/compare?cities=%3Cscript%3E&cities=atlantis&format=csv', '/compare?format=json']) {
      const r = await app.request(path);
      expect(r.status, path).toBe(400);
      expect(r.headers.get('content-type'), path).toContain('application/problem+json');
      const body = await r.text();
      expect(body, path).toContain('cities: expected two to 6 known city ids');
      expect(body, path).not.toContain('<script>');
    }
    expect((await get('/compare?cities=ichinoseki&cities=hikaku-town&format=xml')).status).toBe(404);
    // The same city twice (issue 13 attack pass): the problem says so, and names an unknown id.
    const twice = await app.request('/api/v1/compare?cities=ichinoseki&cities=ichinoseki&cities=atlantis');
    expect(twice.status).toBe(400);
    expect(((await twice.json()) as { detail: string }).detail).toBe('cities: expected two to 6 known city ids, each once, e.g. ?cities=ichinoseki&cities=tsukuba; named more than once (each city counts once): "ichinoseki"; no such city: "atlantis"');
    // A control character anywhere in the query is refused by the input guard with a 400.
    expect((await get('/compare/kpis/ichinoseki/new-farmers?prefecture=%00')).status).toBe(400);
    for (const path of ['/sdgs/99/cities', '/sdgs/0/cities', '/sdgs/01/cities', `/compare/kpis/${'a'.repeat(100)}/x`, '/compare/kpis/ichinoseki/x%27%22%3E']) {
      expect((await get(path)).status, path).toBe(404);
    }
  });
});

describe('a comparison a person can read (issue 11.1: no page shows more than a person reads)', () => {
  for (const lang of ['ja', 'en'] as const) {
    it(`shows shared targets as one table of counts and at most five KPIs per city and goal, the rest one link away (${lang})`, async () => {
      const suffix = lang === 'en' ? '&lang=en' : '';
      const r = await get(`/compare?cities=ichinoseki&cities=tsukuba&cities=kanazawa${suffix}`);
      expect(r.status).toBe(200);
      const json = JSON.parse((await get('/compare?cities=ichinoseki&cities=tsukuba&cities=kanazawa&format=json')).text) as {
        shared_targets: { id: string; columns: { city: { id: string } | string; kpis: unknown[] }[] }[];
        shared_goals: { id: string; columns: { city: { id: string } | string; kpis: unknown[] }[] }[];
      };
      expect(json.shared_targets.length).toBeGreaterThan(0);
      const targets = r.text.slice(r.text.indexOf('id="targets-h"'), r.text.indexOf('id="goals-h"'));
      // One row per shared target, one count per city, each linking to the city's KPIs on the target's goal.
      for (const t of json.shared_targets) {
        const row = targets.slice(targets.indexOf(`id="t-${t.id}"`), targets.indexOf('</tr>', targets.indexOf(`id="t-${t.id}"`)));
        expect(row, t.id).not.toBe('');
        const counts = [...row.matchAll(/<td>(?:<a href="([^"]+)"[^>]*>)?(\d+)/g)].map((m) => [m[1], Number(m[2])] as const);
        expect(counts.map(([, n]) => n), t.id).toEqual(t.columns.map((c) => c.kpis.length));
        for (const [href, n] of counts) if (n > 0) expect(href, t.id).toMatch(new RegExp(`^/cities/[a-z-]+/kpis\\?goal=${goalOfTarget(t.id)!.number}${lang === 'en' ? '&amp;lang=en' : ''}$`));
      }
      expect(targets).not.toContain('<li>');
      // Per shared goal and city: at most five KPIs listed; a longer list says how many more, with its link.
      const goals = r.text.slice(r.text.indexOf('id="goals-h"'));
      let capped = 0;
      for (const g of json.shared_goals) {
        const block = goals.slice(goals.indexOf(`id="g-${g.id}-h"`), goals.indexOf('</section>', goals.indexOf(`id="g-${g.id}-h"`)));
        const columns = block.split('class="compare-col"').slice(1);
        expect(columns).toHaveLength(g.columns.length);
        columns.forEach((col, i) => {
          const total = g.columns[i]!.kpis.length;
          expect((col.match(/<li>/g) ?? []).length, `goal ${g.id}`).toBe(Math.min(total, 5));
          if (total > 5) {
            capped++;
            expect(text(col)).toContain(lang === 'ja' ? `ほか ${total - 5} 件（全 ${total} 件）` : `${total - 5} more (${total} in all)`);
            expect(col).toMatch(new RegExp(`href="/cities/[a-z-]+/kpis\\?goal=${g.id}`));
          }
        });
      }
      expect(capped, 'the seeds have a goal with more than five KPIs in a city').toBeGreaterThan(0);
    });
  }
});

describe('the same city named twice on /compare (issue 13 attack pass)', () => {
  it('says the city was chosen twice and asks for one more, in ja and en; with a second city it compares the two once each', async () => {
    const ja = text((await get('/compare?cities=ichinoseki&cities=ichinoseki')).text);
    expect(ja).toContain('一関市が2回以上選ばれています（1つとして数えます）。');
    expect(ja).toContain('一関市のほかに、比較する都市をもう1つ以上選んでください。');
    const en = text((await get('/compare?cities=ichinoseki&cities=ichinoseki&lang=en')).text);
    expect(en).toContain('Ichinoseki was chosen more than once (it counts once).');
    expect(en).toContain('Choose at least one more city to compare with Ichinoseki.');
    const unknown = text((await get('/compare?cities=ichinoseki&cities=atlantis')).text);
    expect(unknown).toContain('見つからない都市ID：atlantis');
    const both = await get('/compare?cities=ichinoseki&cities=ichinoseki&cities=hikaku-town');
    expect(both.status).toBe(200);
    expect(text(both.text)).toContain('一関市が2回以上選ばれています');
    expect(both.text.match(/name="cities" value="ichinoseki" checked/g)).toHaveLength(1);
    expect(both.text).toContain('href="/api/v1/compare?cities=ichinoseki&amp;cities=hikaku-town"');
  });
});
