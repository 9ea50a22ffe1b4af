import { unzipSync, strFromU8 } from 'fflate';
import { expect, it } from 'vitest';
import { insertCity } from '../../src/cities/city.repository.ts';
import { createKpi } from '../../src/kpis/kpi.commands.ts';
import { findKpiBySlug } from '../../src/kpis/kpi.repository.ts';
import { kpisOnlyUnderArchived } from '../../src/plans/archived-visibility.service.ts';
import { listAllNodes, lockPlanBySlug } from '../../src/plans/plan-building.repository.ts';
import { addNode, attachKpi, createPlan, setNodeArchived, setPlanArchived } from '../../src/plans/plan.commands.ts';
import type { Executor } from '../../src/storage/database.ts';
import { describeStaffApp, type StaffTestApp } from '../support/staff-app.ts';

/*
 * Issue 13 attack pass (13.2: "archived items leave public lists"): an archived plan node is not
 * on the public plan page, and a KPI whose only plan row sits under it (or under an archived
 * plan) leaves the public pages with it — the KPI list and page, the city page's count, the
 * open data (CSV, zip) and the API — while a KPI also placed in a live node stays. Restoring
 * the node brings it back. On PGlite and PostgreSQL.
 */

const CITY = 'arch-public';
const actor = 'sec (事務局)';
const kpi = (kpiId: string, name: string) => ({ kpiId, name, unit: '人', side: 'economy', aggregation: 'cumulative', method: 'progress-from-baseline', baselineAt: '2020年', baselineValue: '13', targets: '2025年 157' });

async function nodeVersion(db: Executor, planId: string, nodeId: string): Promise<number> {
  return (await listAllNodes(db, (await lockPlanBySlug(db, CITY, planId))!.id)).find((n) => n.slug === nodeId)!.version;
}

/**
 * Plan `sdgs` with goal g1 → p1 (rows live-kpi, shared-kpi) and p2 (rows hidden-kpi, shared-kpi)
 * under g2 → p3 (row deep-kpi); plan `old` (row old-kpi). p2, g2 and plan `old` are archived.
 */
async function build(t: StaffTestApp): Promise<void> {
  const db = t.ctx.db;
  const signal = t.ctx.store;
  await insertCity(db, { id: CITY, name: '保管市', name_en: 'Archiveton', prefecture: '岩手県', prefecture_en: 'Iwate', sdgs_future_city_since: null, population: null, description: null });
  const head = { title: 'SDGs未来都市計画', kind: 'sdgs-future-city', periodStart: 2024, periodEnd: 2026 };
  for (const planId of ['sdgs', 'old']) expect((await createPlan(db, signal, { cityId: CITY, actor, planId, head })).ok).toBe(true);
  const node = async (planId: string, parentNodeId: string | null, nodeId: string) => expect((await addNode(db, signal, { cityId: CITY, actor, planId, parentNodeId, nodeId, node: { kind: 'policy', title: `施策${nodeId}` } })).ok).toBe(true);
  await node('sdgs', null, 'g1');
  await node('sdgs', 'g1', 'p1');
  await node('sdgs', 'g1', 'p2');
  await node('sdgs', null, 'g2');
  await node('sdgs', 'g2', 'p3');
  await node('old', null, 'o1');
  const place = async (planId: string, nodeId: string, k: ReturnType<typeof kpi>) =>
    expect((await createKpi(db, signal, { cityId: CITY, actor, kpi: k, placeIn: { planId, nodeId, version: await nodeVersion(db, planId, nodeId), no: '1' } })).ok).toBe(true);
  await place('sdgs', 'p1', kpi('live-kpi', '生きている指標'));
  await place('sdgs', 'p1', kpi('shared-kpi', '共有の指標'));
  await place('sdgs', 'p2', kpi('hidden-kpi', '保管された節の指標'));
  await place('sdgs', 'p3', kpi('deep-kpi', '保管された親の下の指標'));
  await place('old', 'o1', kpi('old-kpi', '保管された計画の指標'));
  expect((await attachKpi(db, signal, { cityId: CITY, actor, planId: 'sdgs', nodeId: 'p2', version: await nodeVersion(db, 'sdgs', 'p2'), kpiId: 'shared-kpi', no: '2' })).ok).toBe(true);
  for (const nodeId of ['p2', 'g2']) expect((await setNodeArchived(db, signal, { cityId: CITY, actor, planId: 'sdgs', nodeId, version: await nodeVersion(db, 'sdgs', nodeId), archived: true })).ok).toBe(true);
  expect((await setPlanArchived(db, signal, { cityId: CITY, actor, planId: 'old', version: (await lockPlanBySlug(db, CITY, 'old'))!.version, archived: true })).ok).toBe(true);
}

const HIDDEN = ['hidden-kpi', 'deep-kpi', 'old-kpi'];
const SHOWN = ['live-kpi', 'shared-kpi'];

it('kpisOnlyUnderArchived: every row under an archived node or ancestor → hidden; one live row → shown; no row → shown', () => {
  const nodes = [
    { id: 1, parent_id: null, archived: false },
    { id: 2, parent_id: 1, archived: true },
    { id: 3, parent_id: 2, archived: false },
    { id: 4, parent_id: 1, archived: false },
  ];
  const rows = [
    { kpi: 'a', node_id: 3 },
    { kpi: 'b', node_id: 3 },
    { kpi: 'b', node_id: 4 },
    { kpi: 'c', node_id: 2 },
    { kpi: 'd', node_id: 99 },
  ];
  expect([...kpisOnlyUnderArchived(rows, nodes)].sort()).toEqual(['a', 'c', 'd']);
});

describeStaffApp('a KPI held only by archived nodes leaves the public pages', [], (app) => {
  const get = async (path: string) => {
    const r = await app().app.request(path);
    return { status: r.status, text: await r.text() };
  };

  it('the public KPI list, KPI page, CSV and JSON', async () => {
    const list = await get(`/cities/${CITY}/kpis`);
    expect(list.status).toBe(200);
    for (const id of SHOWN) expect(list.text).toContain(`/cities/${CITY}/kpis/${id}`);
    for (const id of HIDDEN) expect(list.text).not.toContain(`/cities/${CITY}/kpis/${id}`);
    for (const id of HIDDEN) expect((await get(`/cities/${CITY}/kpis/${id}`)).status).toBe(404);
    expect((await get(`/cities/${CITY}/kpis/live-kpi`)).status).toBe(200);
    const csv = (await get(`/cities/${CITY}/kpis?format=csv`)).text;
    expect(HIDDEN.filter((id) => csv.includes(id))).toEqual([]);
    expect(SHOWN.filter((id) => csv.includes(id))).toEqual(SHOWN);
    const json = JSON.parse((await get(`/cities/${CITY}/kpis?format=json`)).text) as { kpis: { id: string }[] };
    expect(json.kpis.map((k) => k.id).sort()).toEqual([...SHOWN].sort());
  });

  it('the API, the city page count and the open-data zip', async () => {
    const api = JSON.parse((await get(`/api/v1/cities/${CITY}/kpis`)).text) as { kpis: { id: string }[] };
    expect(api.kpis.map((k) => k.id).sort()).toEqual([...SHOWN].sort());
    expect((await get(`/api/v1/cities/${CITY}/kpis/hidden-kpi`)).status).toBe(404);
    const city = JSON.parse((await get(`/api/v1/cities/${CITY}`)).text) as { kpi_count: number };
    expect(city.kpi_count).toBe(2);
    const page = await get(`/cities/${CITY}`);
    expect(page.status).toBe(200);
    for (const id of HIDDEN) expect(page.text).not.toContain(`/kpis/${id}`);
    const zip = await app().app.request(`/cities/${CITY}/download.zip`);
    expect(zip.status).toBe(200);
    const files = unzipSync(new Uint8Array(await zip.arrayBuffer()));
    const all = Object.values(files).map((b) => strFromU8(b)).join('\n');
    expect(HIDDEN.filter((id) => all.includes(id))).toEqual([]);
    expect(all).toContain('live-kpi');
  });

  it('staff still see the KPI (to restore its node); restoring the node brings it back publicly', async () => {
    const staff = await app().ctx.store.getStaff(CITY);
    expect(staff!.data.kpis.map((k) => k.id)).toEqual(expect.arrayContaining(HIDDEN));
    const db = app().ctx.db;
    expect((await setNodeArchived(db, app().ctx.store, { cityId: CITY, actor, planId: 'sdgs', nodeId: 'p2', version: await nodeVersion(db, 'sdgs', 'p2'), archived: false })).ok).toBe(true);
    expect((await get(`/cities/${CITY}/kpis/hidden-kpi`)).status).toBe(200);
    const api = JSON.parse((await get(`/api/v1/cities/${CITY}/kpis`)).text) as { kpis: { id: string }[] };
    expect(api.kpis.map((k) => k.id).sort()).toEqual(['hidden-kpi', 'live-kpi', 'shared-kpi']);
    expect((await findKpiBySlug(db, CITY, 'deep-kpi'))!.retired_at).toBeNull();
  });
}, build);
