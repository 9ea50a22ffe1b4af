import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { createApp } from '../../src/web/app.tsx';
import { makeUser, StaffClient } from './staff-helpers.ts';

// Issue 10.6: revising a target or correcting an actual in the staff area must not turn the
// city's own published rates (新製品 345.2 %, 審議会の女性委員比率 19.8 %) into 「説明できない」,
// nor change the 2023 sheet: a published rate is checked against the figures as they stood
// when its document was published (2024-09), a past sheet uses the targets of its year.

let ctx: AppContext;
let app: ReturnType<typeof createApp>;
const SDGS_PLAN = 'ichinoseki-sdgs-future-city-1';

beforeAll(async () => {
  ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: true, inMemory: true }, { announce: () => {} });
  app = createApp({ db: ctx.db, store: ctx.store });
  await makeUser(ctx, 'asof-sec', 'ichinoseki', 'secretariat');
  const c = new StaffClient(app);
  await c.login('asof-sec');
  // Dated back to before the document on purpose: the document still used 60.
  const products = '/staff/cities/ichinoseki/kpis/new-products-technologies/target';
  const a = await c.submit(products, products, { target: '2025', newValue: '200 件', revisedOn: '2024-03-31', reason: '目標を達成したため上方修正' });
  expect(a.status).toBe(303);
  const women = '/staff/cities/ichinoseki/kpis/women-on-councils/target';
  const b = await c.submit(women, women, { target: '2025', newValue: '65.0 ％', revisedOn: '2025-04-01', reason: '第2期計画で目標を見直し' });
  expect(b.status).toBe(303);
  // A correction of the 2023 actual after the document was published.
  const d = await c.submit('/staff/cities/ichinoseki/kpis/women-on-councils/actuals/new?at=2023', '/staff/cities/ichinoseki/kpis/women-on-councils/actuals', { at: '2023年', value: '52.0 ％', source: '確定値', reason: '確定値に訂正' });
  expect(d.status).toBe(303);
  // Public once the secretariat approves it (issue 10: the approved figure stays public until then).
  await c.get('/staff/cities/ichinoseki/review');
  expect((await c.post('/staff/cities/ichinoseki/review', { entity: 'actual', key: 'women-on-councils@2023', action: 'approve' })).status).toBe(303);
});
afterAll(() => ctx.close());

const get = async (path: string) => {
  const res = await app.request(path);
  return { status: res.status, text: await res.text() };
};

describe('published rates are checked against the figures as they stood when published (issue 10.6)', () => {
  it('the KPI page shows the published rate reproduced with the 2024-09 figures, and the rate on today’s data labelled', async () => {
    const r = await get('/cities/ichinoseki/kpis/new-products-technologies');
    expect(r.status).toBe(200);
    expect(r.text).not.toContain('説明できない');
    expect(r.text).toContain('公表時点のデータ');
    expect(r.text).toContain('2024-09公表時点の値で照合：実績 163 件、目標 60 件');
    expect(r.text).toContain('現在のデータでの達成度');
    expect(r.text).toContain('現在の実績 163 件、目標 200 件');
    expect(r.text).toMatch(/<td class="num">79\.7%<span class="cell-note">現在の実績 163 件、目標 200 件/); // (163 − 18) / (200 − 18)
    expect(r.text).toContain('<span class="verdict verdict-reproduced">再現できた</span>');
    const w = await get('/cities/ichinoseki/kpis/women-on-councils');
    expect(w.text).not.toContain('説明できない');
    expect(w.text).toContain('2024-09公表時点の値で照合：実績 51.1 %、目標 60.0 %');
    expect(w.text).toContain('現在の実績 52.0 %、目標 65.0 %');
  });

  it('the API gives the verdict on the figures as published and the rate on today’s data', async () => {
    const res = await app.request('/api/v1/cities/ichinoseki/kpis/women-on-councils');
    const body = (await res.json()) as { published_rates: { printed: string; verdict: string; as_published: { actual: number; target: number }; today: { rate: number; actual: number; target: number } }[] };
    for (const p of body.published_rates) {
      expect(p).toMatchObject({ printed: '19.8%', verdict: 'reproduced', as_published: { actual: 51.1, target: 60 }, today: { actual: 52, target: 65 } });
      expect(p.today.rate).toBeCloseTo(((52 - 48.9) / (65 - 48.9)) * 100, 6);
    }
    const all = (await (await app.request('/api/v1/cities/ichinoseki/published-rates')).json()) as { published_rates: { kpi_id: string; verdict: string; rate_today: number | null }[] };
    expect(all.published_rates.filter((p) => p.verdict === 'unexplained')).toEqual([]);
    expect(all.published_rates.find((p) => p.kpi_id === 'new-products-technologies')!.rate_today).toBeCloseTo((145 / 182) * 100, 6);
  });

  it('the 2023 sheet keeps the targets of 2023 (60 件, 60.0 ％) and the published rates without a note', async () => {
    const r = await get(`/cities/ichinoseki/plans/${SDGS_PLAN}/sheet?year=2023&kind=progress`);
    expect(r.status).toBe(200);
    const row = r.text.slice(r.text.indexOf('新製品'), r.text.indexOf('</tr>', r.text.indexOf('新製品')));
    expect(row).toContain('345.2');
    expect(row).not.toContain('200');
    expect(r.text).not.toContain('説明できない');
  });
});
