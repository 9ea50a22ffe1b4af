import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { createApp } from '../../src/web/app.tsx';

let ctx: AppContext;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: true, inMemory: true });
  app = createApp({ db: ctx.db, store: ctx.store });
});
afterAll(() => ctx.close());

const get = async (path: string) => {
  const res = await app.request(path);
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
};

describe('public pages on the seeded data', () => {
  it('home lists the three cities with their plans and KPI counts', async () => {
    const r = await get('/');
    expect(r.status).toBe(200);
    expect(r.type).toContain('text/html');
    for (const name of ['一関市', 'つくば市', '金沢市']) expect(r.text).toContain(name);
    expect(r.text).toContain('href="/cities/ichinoseki"');
    expect(r.text).toMatch(/計画 3 ・ KPI 9/);
  });

  it('a city page links to its plans and shows the SDG goals its KPIs cover', async () => {
    const r = await get('/cities/tsukuba');
    expect(r.status).toBe(200);
    expect(r.text).toContain('href="/cities/tsukuba/plans/');
    expect(r.text).toMatch(/class="sdg covered"[^>]*><span class="sdg-no">8<\/span>/);
  });

  it("the plan page shows the tree with each KPI's latest actual, target, rate and status", async () => {
    const plans = (await ctx.store.get('ichinoseki'))!.plans;
    const sdgs = plans.find((p) => p.kind === 'sdgs-future-city')!;
    const r = await get(`/cities/ichinoseki/plans/${sdgs.id}`);
    expect(r.status).toBe(200);
    expect(r.text).toContain('新規就農者数※累計');
    expect(r.text).toContain('101 人');
    expect(r.text).toContain('157 人');
    expect(r.text).toContain('61.1%');
    expect(r.text).toContain('badge-on-track');
    expect(r.text).toContain('345.2%');
    expect(r.text).toContain('badge-achieved');
    expect(r.text).toContain('多様な人材が活躍するまち');
  });

  it('shares KPIs between plans: the comprehensive plan shows the SDGs plan KPI under policy 1-1', async () => {
    const plans = (await ctx.store.get('ichinoseki'))!.plans;
    const basic = plans.find((p) => p.kind === 'basic-plan')!;
    const r = await get(`/cities/ichinoseki/plans/${basic.id}`);
    expect(r.text).toMatch(/1-1 農林水産業/);
    expect(r.text).toContain('新規就農者数※累計');
  });

  it('serves English with ?lang=en and keeps the language in links', async () => {
    const r = await get('/?lang=en');
    expect(r.text).toContain('<html lang="en">');
    expect(r.text).toContain('Ichinoseki');
    expect(r.text).toContain('href="/cities/ichinoseki?lang=en"');
  });

  it('answers 404 with a page for an unknown city or plan', async () => {
    expect((await get('/cities/atlantis')).status).toBe(404);
    expect((await get('/cities/tsukuba/plans/none')).status).toBe(404);
  });
});

describe('JSON API', () => {
  it('GET /api/v1/kpis?city= returns each KPI with latest actual, target, rate and status', async () => {
    const r = await get('/api/v1/kpis?city=tsukuba');
    expect(r.status).toBe(200);
    const body = JSON.parse(r.text);
    expect(body.kpis).toHaveLength(23);
    const founders = body.kpis.find((k: { name: string }) => k.name.includes('新規創業者数'));
    expect(founders).toMatchObject({ latest_actual: { at: '2024-03', value: 871 }, target: { value: 1111 }, status: 'on-track' });
    expect(founders.rate).toBeCloseTo(65.27, 2);
  });

  it('explains bad queries as problems', async () => {
    const missing = await get('/api/v1/kpis');
    expect(missing.status).toBe(400);
    expect(missing.type).toContain('application/problem+json');
    const unknown = await get('/api/v1/kpis?city=atlantis');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text).detail).toBe('no city "atlantis"');
  });
});
