import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKpi, setKpiArchived } from '../kpis/kpi.commands.ts';
import { toCsv } from '../formats/csv/write-csv.ts';
import { loadCityData, saveCityData } from '../cities/city-data.service.ts';
import { insertCity } from '../cities/city.repository.ts';
import type { Executor } from '../storage/database.ts';
import { findKpiBySlug } from '../kpis/kpi.repository.ts';
import { recordObservation } from '../actuals/observation.repository.ts';
import { testDatabases, useTestDatabase } from '../storage/test-databases.ts';
import { importKpiTable } from './kpi-table-import.command.ts';
import { KPI_LIST_TEMPLATE_HEADER } from './kpi-table.ts';
import { startNextPeriod } from './next-period.command.ts';
import { listAllNodes, listPlanSnapshots, lockPlanBySlug } from './plan-building.repository.ts';
import { addNode, createPlan, recordPlanVersion, setNodeArchived, setPlanArchived } from './plan.commands.ts';

/*
 * What staff archive in the plan builder survives every path through saveCityData (issue 13.2
 * with 13.4, 13.5): starting a next period and importing a KPI table into a plan with an
 * archived node and a row of an archived KPI keep the archived plan, node and KPI whole, the
 * node rows keep their ids, and restoring each brings back its nodes, KPI rows and figures.
 */

const actor = 'sec (事務局)';
const signal = { invalidate: () => {} };
const NOW = new Date('2026-11-30T12:00:00+09:00');
const TODAY = '2026-11-30';
let cities = 0;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'michishirube-archive-safe-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const kpi = (kpiId: string, name: string, targets = '2025年 157') => ({ kpiId, name, unit: '人', side: 'economy', aggregation: 'cumulative', method: 'progress-from-baseline', baselineAt: '2020年', baselineValue: '13', targets });

async function nodeRows(db: Executor, cityId: string, planId: string) {
  return listAllNodes(db, (await lockPlanBySlug(db, cityId, planId))!.id);
}
async function nodeVersion(db: Executor, cityId: string, planId: string, nodeId: string): Promise<number> {
  return (await nodeRows(db, cityId, planId)).find((n) => n.slug === nodeId)!.version;
}
const planVersion = async (db: Executor, cityId: string, planId: string) => (await lockPlanBySlug(db, cityId, planId))!.version;

/** A KPI-list template CSV (UTF-8 with BOM) with these rows. */
async function templateFile(name: string, rows: Record<string, string>[]): Promise<{ path: string; name: string }> {
  const path = join(dir, name);
  await writeFile(path, toCsv({ columns: [...KPI_LIST_TEMPLATE_HEADER], rows }), 'utf8');
  return { path, name };
}
const row = (name: string, baseline: string, target: string, direction = '') => ({ No: '1', 指標名: name, 単位: '人', 当初値の時点: '2020年', 当初値: baseline, 実績の時点: '2023年', 実績: '50', 目標値の時点: '2025年', 目標値: target, 方向: direction });

/**
 * A city built in the builder: plan `old` (one node, KPI kOld, a recorded version) archived;
 * plan `sdgs-1` with goal g1 → policies p1 (rows k1, k2) and p2 (row k3); p2 archived, k2 archived.
 */
async function cityWithArchives(db: Executor): Promise<string> {
  const cityId = `archive-safe-${++cities}`;
  await insertCity(db, { id: cityId, name: '一関市', name_en: 'Ichinoseki', prefecture: '岩手県', prefecture_en: 'Iwate', sdgs_future_city_since: null, population: null, description: null });
  const head = { title: 'SDGs未来都市計画', kind: 'sdgs-future-city', periodStart: 2021, periodEnd: 2023 };
  for (const planId of ['old', 'sdgs-1']) expect((await createPlan(db, signal, { cityId, actor, planId, head })).ok).toBe(true);
  await addNode(db, signal, { cityId, actor, planId: 'old', parentNodeId: null, nodeId: 'o1', node: { kind: 'goal', title: '旧目標' } });
  await addNode(db, signal, { cityId, actor, planId: 'sdgs-1', parentNodeId: null, nodeId: 'g1', node: { kind: 'goal', title: '経済' } });
  for (const p of ['p1', 'p2']) await addNode(db, signal, { cityId, actor, planId: 'sdgs-1', parentNodeId: 'g1', nodeId: p, node: { kind: 'policy', title: `施策${p}` } });
  const place = async (planId: string, nodeId: string, k: ReturnType<typeof kpi>) =>
    expect((await createKpi(db, signal, { cityId, actor, kpi: k, placeIn: { planId, nodeId, version: await nodeVersion(db, cityId, planId, nodeId), no: '1' } })).ok).toBe(true);
  await place('old', 'o1', kpi('kold', '旧指標'));
  await place('sdgs-1', 'p1', kpi('k1', '新規就農者数'));
  await place('sdgs-1', 'p1', kpi('k2', '新製品開発数'));
  await place('sdgs-1', 'p2', kpi('k3', '企業誘致数'));
  for (const k of ['k2', 'k3', 'kold']) await recordObservation(db, { kpiId: (await findKpiBySlug(db, cityId, k))!.id, at: { kind: 'year', year: 2023 }, value: 101 }, { actor });
  expect((await recordPlanVersion(db, signal, { cityId, actor, planId: 'old', version: await planVersion(db, cityId, 'old'), kind: 'adopted', date: '2021-03-31' })).ok).toBe(true);
  expect((await setPlanArchived(db, signal, { cityId, actor, planId: 'old', version: await planVersion(db, cityId, 'old'), archived: true })).ok).toBe(true);
  expect((await setNodeArchived(db, signal, { cityId, actor, planId: 'sdgs-1', nodeId: 'p2', version: await nodeVersion(db, cityId, 'sdgs-1', 'p2'), archived: true })).ok).toBe(true);
  expect((await setKpiArchived(db, signal, { cityId, actor, kpiId: 'k2', version: (await findKpiBySlug(db, cityId, 'k2'))!.version, archived: true })).ok).toBe(true);
  return cityId;
}

async function restoreAll(db: Executor, cityId: string): Promise<void> {
  expect((await setPlanArchived(db, signal, { cityId, actor, planId: 'old', version: await planVersion(db, cityId, 'old'), archived: false })).ok).toBe(true);
  expect((await setNodeArchived(db, signal, { cityId, actor, planId: 'sdgs-1', nodeId: 'p2', version: await nodeVersion(db, cityId, 'sdgs-1', 'p2'), archived: false })).ok).toBe(true);
  expect((await setKpiArchived(db, signal, { cityId, actor, kpiId: 'k2', version: (await findKpiBySlug(db, cityId, 'k2'))!.version, archived: false })).ok).toBe(true);
}

describe.each(testDatabases())('archived plans, nodes and KPIs through next period and KPI-table import on $name', (database) => {
  if (database.skipReason) {
    it.skip(`skipped: ${database.skipReason}`, () => {});
    return;
  }
  const db = useTestDatabase(database);

  it('next period, then a KPI table into the plan with the archived node: restore brings each back whole, node ids unchanged', async () => {
    const cityId = await cityWithArchives(db());
    const idsBefore = new Map((await nodeRows(db(), cityId, 'sdgs-1')).map((n) => [n.slug, n.id]));
    const oldPlanRow = (await lockPlanBySlug(db(), cityId, 'old'))!;

    const next = await startNextPeriod(db(), signal, { cityId, actor, fromPlanId: 'sdgs-1', newPlanId: 'sdgs-2', periodStart: 2024, periodEnd: 2026, kpis: [{ kpiId: 'k1', target: { at: { kind: 'year', year: 2026 }, value: 200 } }], decidedOn: '2024-03-31' });
    expect(next.ok).toBe(true);

    const file = await templateFile('table.csv', [row('観光客数', '1000', '1200')]);
    const imported = await importKpiTable(db(), signal, { cityId, file, planId: 'sdgs-1', dryRun: false, actor, now: NOW, today: TODAY });
    expect(imported.ok && imported.written).toBe(true);
    const afterImport = (await loadCityData(db(), cityId))!;
    expect(afterImport.plans.map((p) => p.id)).toEqual(['sdgs-1', 'sdgs-2']);
    const sdgs1 = afterImport.plans.find((p) => p.id === 'sdgs-1')!;
    expect(sdgs1.nodes.map((n) => n.id)).toEqual(['g1', 't1']);
    expect(sdgs1.nodes[0]!.children.map((n) => [n.id, n.kpiRows.map((r) => r.kpiId)])).toEqual([['p1', ['k1']]]);
    // Node rows kept their ids (the builder's forms and references stay valid).
    const idsAfter = new Map((await nodeRows(db(), cityId, 'sdgs-1')).map((n) => [n.slug, n.id]));
    for (const [slug, id] of idsBefore) expect(idsAfter.get(slug)).toBe(id);
    expect((await lockPlanBySlug(db(), cityId, 'old'))!.id).toBe(oldPlanRow.id);
    expect((await listPlanSnapshots(db(), oldPlanRow.id)).length).toBe(1);

    await restoreAll(db(), cityId);
    const restored = (await loadCityData(db(), cityId))!;
    expect(restored.plans.map((p) => p.id)).toEqual(['old', 'sdgs-1', 'sdgs-2']);
    const old = restored.plans.find((p) => p.id === 'old')!;
    expect(old.nodes.map((n) => [n.id, n.kpiRows.map((r) => r.kpiId)])).toEqual([['o1', ['kold']]]);
    const plan = restored.plans.find((p) => p.id === 'sdgs-1')!;
    expect(plan.nodes[0]!.children.map((n) => [n.id, n.kpiRows.map((r) => r.kpiId)])).toEqual([
      ['p1', ['k1', 'k2']],
      ['p2', ['k3']],
    ]);
    expect(plan.nodes[1]!.kpiRows.length).toBe(1);
    for (const k of ['k2', 'k3', 'kold']) {
      const restoredKpi = restored.kpis.find((x) => x.id === k)!;
      expect(restoredKpi.observations.map((o) => o.value)).toEqual([101]);
      expect(restoredKpi.targets.map((t) => t.value)).toEqual([157]);
    }
    // And the next save (a second next period) still keeps everything.
    expect((await startNextPeriod(db(), signal, { cityId, actor, fromPlanId: 'sdgs-2', newPlanId: 'sdgs-3', periodStart: 2027, periodEnd: 2029, kpis: [{ kpiId: 'k1' }], decidedOn: '2027-03-31' })).ok).toBe(true);
    expect((await loadCityData(db(), cityId))!.plans.map((p) => p.id)).toEqual(['old', 'sdgs-1', 'sdgs-2', 'sdgs-3']);
  });

  it('archived ids are taken: a next period or a KPI table never brings an archived plan or KPI back unasked', async () => {
    const cityId = await cityWithArchives(db());
    const taken = await startNextPeriod(db(), signal, { cityId, actor, fromPlanId: 'sdgs-1', newPlanId: 'old', periodStart: 2024, periodEnd: 2026, kpis: [{ kpiId: 'k1' }], decidedOn: '2024-03-31' });
    expect(taken).toEqual({ ok: false, kind: 'invalid', problems: [{ kind: 'plan-id-taken', field: 'id', planId: 'old' }] });

    const file = await templateFile('archived.csv', [row('観光客数', '1000', '1200'), row('新製品開発数', '13', '157')]);
    expect(await importKpiTable(db(), signal, { cityId, file, planId: 'old', dryRun: false, actor, now: NOW, today: TODAY })).toEqual({ ok: false, kind: 'archived-plan', planId: 'old' });
    const r = await importKpiTable(db(), signal, { cityId, file, planId: 'sdgs-1', dryRun: false, actor, now: NOW, today: TODAY });
    expect(r.ok && r.written).toBe(false);
    expect(r.ok && r.preview.problems.map((p) => [p.row, p.column, p.kind])).toEqual([[3, 'D', 'archived-kpi']]);
    // Nothing written: the archived KPI is still archived with its figure.
    expect((await findKpiBySlug(db(), cityId, 'k2'))!.retired_at).not.toBeNull();
    expect((await loadCityData(db(), cityId))!.kpis.map((k) => k.id).sort()).toEqual(['k1', 'k3', 'kold']);
  });

  it('a new section never takes the id of an archived node, and a plan data save that omits a plan archives it', async () => {
    const cityId = await cityWithArchives(db());
    // Archive a first imported section t1, then import another table: its section is t1-2.
    const first = await importKpiTable(db(), signal, { cityId, file: await templateFile('a.csv', [row('観光客数', '1000', '1200')]), planId: 'sdgs-1', dryRun: false, actor, now: NOW, today: TODAY });
    expect(first.ok && first.written).toBe(true);
    expect((await setNodeArchived(db(), signal, { cityId, actor, planId: 'sdgs-1', nodeId: 't1', version: await nodeVersion(db(), cityId, 'sdgs-1', 't1'), archived: true })).ok).toBe(true);
    const second = await importKpiTable(db(), signal, { cityId, file: await templateFile('b.csv', [row('宿泊者数', '500', '800')]), planId: 'sdgs-1', dryRun: false, actor, now: NOW, today: TODAY });
    expect(second.ok && second.written).toBe(true);
    expect((await loadCityData(db(), cityId))!.plans.find((p) => p.id === 'sdgs-1')!.nodes.map((n) => n.id)).toEqual(['g1', 't1-2']);
    expect((await nodeRows(db(), cityId, 'sdgs-1')).find((n) => n.slug === 't1')!.archived_at).not.toBeNull();

    // michishirube import FILE: the data without plan sdgs-1 archives it (snapshots, tree, rows kept).
    const data = (await loadCityData(db(), cityId))!;
    await saveCityData(db(), { ...data, plans: data.plans.filter((p) => p.id !== 'sdgs-1') }, 'cli');
    expect((await loadCityData(db(), cityId))!.plans.map((p) => p.id)).toEqual([]);
    expect((await lockPlanBySlug(db(), cityId, 'sdgs-1'))!.archived_at).not.toBeNull();
    // Naming it again brings it back with the file's content; the archived node p2 and k2's row are still there to restore.
    await saveCityData(db(), data, 'cli');
    expect((await loadCityData(db(), cityId))!.plans.map((p) => p.id)).toEqual(['sdgs-1']);
    await restoreAll(db(), cityId);
    const plan = (await loadCityData(db(), cityId))!.plans.find((p) => p.id === 'sdgs-1')!;
    expect(plan.nodes[0]!.children.map((n) => [n.id, n.kpiRows.map((r) => r.kpiId)])).toEqual([
      ['p1', ['k1', 'k2']],
      ['p2', ['k3']],
    ]);
  });

  it('direction: a target below the baseline needs a 方向; 減少 creates a decreasing KPI; without targets below, none is required', async () => {
    const cityId = await cityWithArchives(db());
    const file = await templateFile('direction.csv', [row('ごみ排出量', '147679', '142579'), row('CO2排出量', '2778', '1761', '減少'), row('観光客数', '1000', '1200'), row('バス利用者数', '500', '400', '↑'), row('満足度', '20', '30', 'そのうち')]);
    const r = await importKpiTable(db(), signal, { cityId, file, planId: 'sdgs-1', dryRun: true, actor, now: NOW, today: TODAY });
    expect(r.ok && r.preview.problems.map((p) => [p.row, p.column, p.kind])).toEqual([
      [6, 'O', 'unreadable-direction'],
      [2, 'O', 'direction-required'],
    ]);
    expect(r.ok && r.preview.problems[1]!.message.ja).toBe('指標「ごみ排出量」の目標値 142579 が当初値 147679 を下回っています。小さいほどよい指標か、方向を推測しません。「方向」の列に「減少」か「増加」を書いてください');
    const fixed = await templateFile('direction-fixed.csv', [row('ごみ排出量', '147679', '142579', '減少'), row('CO2排出量', '2778', '1761', 'down'), row('観光客数', '1000', '1200'), row('バス利用者数', '500', '400', '↑')]);
    const ok = await importKpiTable(db(), signal, { cityId, file: fixed, planId: 'sdgs-1', dryRun: false, actor, now: NOW, today: TODAY });
    expect(ok.ok && ok.written).toBe(true);
    const kpis = (await loadCityData(db(), cityId))!.kpis;
    expect(['ごみ排出量', 'CO2排出量', '観光客数', 'バス利用者数'].map((n) => kpis.find((k) => k.name === n)?.direction ?? null)).toEqual(['down', 'down', null, 'up']);
  });
});
