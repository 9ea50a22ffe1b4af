import { describe, expect, it } from 'vitest';
import { createKpi, setKpiArchived } from '../kpis/kpi.commands.ts';
import { loadCityData, saveCityData } from '../cities/city-data.service.ts';
import { kpiFormInput, newTestCity } from '../../test/support/kpi-city.ts';
import type { Executor } from '../storage/database.ts';
import { findKpiBySlug, updateKpi } from '../kpis/kpi.repository.ts';
import { recordObservation } from '../actuals/observation.repository.ts';
import { reviseTarget } from '../kpis/target.repository.ts';
import { testDatabases, useTestDatabase } from '../storage/test-databases.ts';
import { updatePlanNodeAtVersion } from './plan.repository.ts';
import { listAllNodes, lockPlanBySlug } from './plan-building.repository.ts';
import { comparePlanVersions } from './plan-diff.service.ts';
import { addNode, attachKpi, createPlan, deleteNode, deletePlan, editPlanHead, moveKpiRowTo, moveNode, recordPlanVersion, reorderNode, setNodeArchived, setPlanArchived } from './plan.commands.ts';

/*
 * Building plans in the app on PGlite and PostgreSQL (issue 13.2, 13.6): every command writes
 * only what it changes in one transaction, refuses bad input with field problems and writes
 * nothing, answers a stale version with a conflict (never an exception, also when two write at
 * once), deletes only what has no data, and records versions whose 新旧対照表 lists the changes.
 */

const actor = 'sec (事務局)';

async function newCity(db: Executor): Promise<{ cityId: string; signals: string[] }> {
  return { cityId: await newTestCity(db, 'plans-city'), signals: [] };
}

/** A KPI as typed, its id made up and no direction stated (the tests state them). */
const kpiInput = (name: string, extra: Record<string, string> = {}) => kpiFormInput('', { name, direction: '', ...extra });

async function nodeVersion(db: Executor, cityId: string, planId: string, nodeId: string): Promise<number> {
  const plan = await lockPlanBySlug(db, cityId, planId);
  return (await listAllNodes(db, plan!.id)).find((n) => n.slug === nodeId)!.version;
}
async function planVersion(db: Executor, cityId: string, planId: string): Promise<number> {
  return (await lockPlanBySlug(db, cityId, planId))!.version;
}

describe.each(testDatabases())('plan building on $name', (database) => {
  if (database.skipReason) {
    it.skip(`skipped: ${database.skipReason}`, () => {});
    return;
  }
  const db = useTestDatabase(database);

  it('builds a plan of three levels with five KPIs, one shared with a second plan, and loads it as built', async () => {
    const { cityId, signals } = await newCity(db());
    const signal = { invalidate: (c: string) => void signals.push(c) };
    const head = { title: 'SDGs未来都市計画（第2期）', kind: 'sdgs-future-city', periodStart: '2024', periodEnd: '2026' };
    expect(await createPlan(db(), signal, { cityId, actor, planId: 'sdgs-2', head })).toEqual({ ok: true, value: { planId: 'sdgs-2' } });
    expect(signals).toEqual([cityId]);
    const goal = await addNode(db(), signal, { cityId, actor, planId: 'sdgs-2', parentNodeId: null, nodeId: 'economy', node: { kind: 'goal', code: '1', title: '経済' } });
    expect(goal.ok).toBe(true);
    await addNode(db(), signal, { cityId, actor, planId: 'sdgs-2', parentNodeId: 'economy', nodeId: 'agri', node: { kind: 'policy', code: '1-1', title: '農林業の振興' } });
    await addNode(db(), signal, { cityId, actor, planId: 'sdgs-2', parentNodeId: 'agri', nodeId: 'farmers', node: { kind: 'initiative', code: '1-1-1', title: '担い手の確保', description: '新規就農の支援' } });
    const names = ['新規就農者数※累計', '新製品開発数', '企業誘致数', '観光客数', 'CO2削減率'];
    for (const [i, name] of names.entries()) {
      const r = await createKpi(db(), signal, { cityId, actor, kpi: kpiInput(name, { kpiId: `k${i + 1}` }), placeIn: { planId: 'sdgs-2', nodeId: 'farmers', version: await nodeVersion(db(), cityId, 'sdgs-2', 'farmers'), no: String(i + 1) } });
      expect(r).toEqual({ ok: true, value: { kpiId: `k${i + 1}` } });
    }
    // The same KPI in a second plan: one identity, rows in both.
    await createPlan(db(), signal, { cityId, actor, planId: 'comprehensive', head: { title: '総合計画', kind: 'basic-plan', periodStart: 2021, periodEnd: 2025 } });
    await addNode(db(), signal, { cityId, actor, planId: 'comprehensive', parentNodeId: null, nodeId: 'g1', node: { kind: 'goal', title: '産業' } });
    expect((await attachKpi(db(), signal, { cityId, actor, planId: 'comprehensive', nodeId: 'g1', version: await nodeVersion(db(), cityId, 'comprehensive', 'g1'), kpiId: 'k1' })).ok).toBe(true);
    const data = (await loadCityData(db(), cityId))!;
    const plan = data.plans.find((p) => p.id === 'sdgs-2')!;
    expect(plan.nodes[0]!.children[0]!.children[0]!.kpiRows.map((r) => r.kpiId)).toEqual(['k1', 'k2', 'k3', 'k4', 'k5']);
    expect(data.plans.find((p) => p.id === 'comprehensive')!.nodes[0]!.kpiRows.map((r) => r.kpiId)).toEqual(['k1']);
    expect(data.kpis.find((k) => k.id === 'k1')!.targets.map((t) => t.value)).toEqual([157]);
  });

  it('refuses bad input field by field and writes nothing: a taken id, a period backwards, a target below the baseline without a direction', async () => {
    const { cityId } = await newCity(db());
    const signal = { invalidate: () => {} };
    await createPlan(db(), signal, { cityId, actor, planId: 'p', head: { title: '計画', kind: 'other', periodStart: 2021, periodEnd: 2023 } });
    const taken = await createPlan(db(), signal, { cityId, actor, planId: 'p', head: { title: '計画', kind: 'other', periodStart: 2024, periodEnd: 2020 } });
    expect(taken.ok).toBe(false);
    expect(Object.keys((taken as { errors: object }).errors)).toEqual(['periodEnd']);
    const again = await createPlan(db(), signal, { cityId, actor, planId: 'p', head: { title: '計画', kind: 'other', periodStart: 2021, periodEnd: 2023 } });
    expect((again as { errors: Record<string, { kindOf: string }> }).errors['planId']!.kindOf).toBe('plans.error.slugTaken');
    const bad = await createPlan(db(), signal, { cityId, actor, planId: 'Bad Id', head: { title: '', kind: 'nope', periodStart: 'x', periodEnd: 2020 } });
    expect(Object.keys((bad as { errors: object }).errors).sort()).toEqual(['kind', 'periodStart', 'planId', 'title']);
    // Kanazawa's まちのり: 163,666 → 100,000 must say which way is better.
    const down = await createKpi(db(), signal, { cityId, actor, kpi: kpiInput('まちのり利用回数', { unit: '回', baselineValue: '163,666', baselineAt: '2021年', targets: '2025年 100,000' }) });
    expect((down as { errors: Record<string, { kindOf: string }> }).errors['direction']!.kindOf).toBe('plans.error.directionRequired');
    const explicit = await createKpi(db(), signal, { cityId, actor, kpi: kpiInput('まちのり利用回数', { kpiId: 'machinori', unit: '回', baselineValue: '163,666', baselineAt: '2021年', targets: '2025年 100,000', direction: 'down' }) });
    expect(explicit.ok).toBe(true);
    expect((await loadCityData(db(), cityId))!.kpis.find((k) => k.id === 'machinori')!.direction).toBe('down');
    const lines = await createKpi(db(), signal, { cityId, actor, kpi: kpiInput('x', { targets: '2025年度 157\nいつか 10', sdgTargets: '2.3, 99.9' }) });
    const errors = (lines as { errors: Record<string, { kind: string; message?: { ja: string } }> }).errors;
    expect(errors['targets']!.message!.ja).toMatch(/^2行目：/);
    expect(errors['sdgTargets']!.kind).toBe('notation');
    expect((await loadCityData(db(), cityId))!.kpis.map((k) => k.id)).toEqual(['machinori']);
  });

  it('keeps what a KPI is (definition, source, provider, update frequency) as created, through a save of the city (issue 15.2)', async () => {
    const { cityId } = await newCity(db());
    const signal = { invalidate: () => {} };
    const meta = { definition: '市内の新規就農者（認定新規就農者を含む）', dataSource: '新規就農者調査', dataProvider: '市農政課', updateFrequency: 'every-5-years' };
    expect((await createKpi(db(), signal, { cityId, actor, kpi: kpiInput('新規就農者数', { kpiId: 'farmers', ...meta }) })).ok).toBe(true);
    const loaded = (await loadCityData(db(), cityId))!;
    expect(loaded.kpis[0]).toMatchObject(meta);
    // A plan data file carries no metadata: saving the city keeps what staff entered.
    await saveCityData(db(), { ...loaded, kpis: loaded.kpis.map(({ definition: _d, dataSource: _s, dataProvider: _p, updateFrequency: _u, ...k }) => k) }, actor);
    expect((await loadCityData(db(), cityId))!.kpis[0]).toMatchObject(meta);
    // The database refuses a frequency that is not one of the list, whatever path writes it.
    await expect(updateKpi(db(), (await findKpiBySlug(db(), cityId, 'farmers'))!.id, { update_frequency: 'hourly' as never })).rejects.toThrow();
    const bad = await createKpi(db(), signal, { cityId, actor, kpi: kpiInput('x', { updateFrequency: 'hourly' }) });
    expect(Object.keys((bad as { errors: object }).errors)).toEqual(['updateFrequency']);
  });

  it('moves, reorders, archives and deletes nodes; a stale version is a conflict; only what has no data is deleted', async () => {
    const { cityId } = await newCity(db());
    const signal = { invalidate: () => {} };
    await createPlan(db(), signal, { cityId, actor, planId: 'p', head: { title: '計画', kind: 'other', periodStart: 2021, periodEnd: 2023 } });
    for (const id of ['a', 'b', 'c']) await addNode(db(), signal, { cityId, actor, planId: 'p', parentNodeId: null, nodeId: id, node: { kind: 'goal', title: id.toUpperCase() } });
    expect((await reorderNode(db(), signal, { cityId, actor, planId: 'p', nodeId: 'c', version: await nodeVersion(db(), cityId, 'p', 'c'), direction: 'up' })).ok).toBe(true);
    const order = async () => (await loadCityData(db(), cityId))!.plans[0]!.nodes.map((n) => n.id);
    expect(await order()).toEqual(['a', 'c', 'b']);
    const stale = await nodeVersion(db(), cityId, 'p', 'b');
    expect((await moveNode(db(), signal, { cityId, actor, planId: 'p', nodeId: 'b', version: stale, newParentNodeId: 'a' })).ok).toBe(true);
    expect(await moveNode(db(), signal, { cityId, actor, planId: 'p', nodeId: 'b', version: stale, newParentNodeId: null })).toEqual({ ok: false, conflict: { kind: 'edit-conflict', entity: 'plan_node', entityId: 'p/b' } });
    const cycle = await moveNode(db(), signal, { cityId, actor, planId: 'p', nodeId: 'a', version: await nodeVersion(db(), cityId, 'p', 'a'), newParentNodeId: 'b' });
    expect((cycle as { errors: Record<string, { kindOf: string }> }).errors['parent']!.kindOf).toBe('plans.error.cycle');
    // A KPI with an actual: its node cannot be deleted, only archived; the KPI row moves between nodes.
    await createKpi(db(), signal, { cityId, actor, kpi: kpiInput('新規就農者数', { kpiId: 'farmers' }), placeIn: { planId: 'p', nodeId: 'b', version: await nodeVersion(db(), cityId, 'p', 'b') } });
    const kpiRow = (await findKpiBySlug(db(), cityId, 'farmers'))!;
    await recordObservation(db(), { kpiId: kpiRow.id, at: { kind: 'year', year: 2023 }, value: 101 }, { actor });
    const notEmpty = await deleteNode(db(), signal, { cityId, actor, planId: 'p', nodeId: 'b', version: await nodeVersion(db(), cityId, 'p', 'b') });
    expect((notEmpty as { errors: Record<string, { kindOf: string }> }).errors['node']!.kindOf).toBe('plans.error.notEmpty');
    expect((await moveKpiRowTo(db(), signal, { cityId, actor, planId: 'p', nodeId: 'b', version: await nodeVersion(db(), cityId, 'p', 'b'), kpiId: 'farmers', toNodeId: 'c' })).ok).toBe(true);
    expect((await loadCityData(db(), cityId))!.plans[0]!.nodes.find((n) => n.id === 'c')!.kpiRows.map((r) => r.kpiId)).toEqual(['farmers']);
    expect((await deleteNode(db(), signal, { cityId, actor, planId: 'p', nodeId: 'b', version: await nodeVersion(db(), cityId, 'p', 'b') })).ok).toBe(true);
    expect((await setNodeArchived(db(), signal, { cityId, actor, planId: 'p', nodeId: 'c', version: await nodeVersion(db(), cityId, 'p', 'c'), archived: true })).ok).toBe(true);
    expect(await order()).toEqual(['a']);
    expect((await setNodeArchived(db(), signal, { cityId, actor, planId: 'p', nodeId: 'c', version: await nodeVersion(db(), cityId, 'p', 'c'), archived: false })).ok).toBe(true);
    expect(await order()).toEqual(['a', 'c']);
    // The plan has a KPI with data: not deleted, archived (out of the loaded plans, restorable).
    const refused = await deletePlan(db(), signal, { cityId, actor, planId: 'p', version: await planVersion(db(), cityId, 'p') });
    expect((refused as { errors: Record<string, { kindOf: string }> }).errors['plan']!.kindOf).toBe('plans.error.hasData');
    expect((await setPlanArchived(db(), signal, { cityId, actor, planId: 'p', version: await planVersion(db(), cityId, 'p'), archived: true })).ok).toBe(true);
    expect((await loadCityData(db(), cityId))!.plans).toEqual([]);
    expect((await setPlanArchived(db(), signal, { cityId, actor, planId: 'p', version: await planVersion(db(), cityId, 'p'), archived: false })).ok).toBe(true);
    expect((await loadCityData(db(), cityId))!.plans.map((p) => p.id)).toEqual(['p']);
    // A KPI is archived, never deleted: it leaves the plan, keeps its actual, comes back.
    expect((await setKpiArchived(db(), signal, { cityId, actor, kpiId: 'farmers', version: kpiRow.version, archived: true })).ok).toBe(true);
    expect((await loadCityData(db(), cityId))!.kpis).toEqual([]);
    const restored = await setKpiArchived(db(), signal, { cityId, actor, kpiId: 'farmers', version: (await findKpiBySlug(db(), cityId, 'farmers'))!.version, archived: false });
    expect(restored.ok).toBe(true);
    expect((await loadCityData(db(), cityId))!.kpis[0]!.observations.map((o) => o.value)).toEqual([101]);
    // An empty plan is deleted.
    await createPlan(db(), signal, { cityId, actor, planId: 'empty', head: { title: '空', kind: 'other', periodStart: 2021, periodEnd: 2023 } });
    expect((await deletePlan(db(), signal, { cityId, actor, planId: 'empty', version: await planVersion(db(), cityId, 'empty') })).ok).toBe(true);
  });

  it('two people editing the same plan at once: one saves, the other gets a conflict, never an error', async () => {
    const { cityId } = await newCity(db());
    const signal = { invalidate: () => {} };
    await createPlan(db(), signal, { cityId, actor, planId: 'p', head: { title: '計画', kind: 'other', periodStart: 2021, periodEnd: 2023 } });
    const version = await planVersion(db(), cityId, 'p');
    const results = await Promise.all(
      ['甲', '乙', '丙'].map((title) => editPlanHead(db(), signal, { cityId, actor, planId: 'p', version, head: { title, kind: 'other', periodStart: 2021, periodEnd: 2023 } })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).every((r) => r.conflict?.kind === 'edit-conflict')).toBe(true);
    // Two first nodes and two plans with the same id at once: positions and ids stay consistent.
    const added = await Promise.all(['x', 'y'].map((id) => addNode(db(), signal, { cityId, actor, planId: 'p', parentNodeId: null, nodeId: id, node: { kind: 'goal', title: id } })));
    expect(added.every((r) => r.ok)).toBe(true);
    const positions = (await listAllNodes(db(), (await lockPlanBySlug(db(), cityId, 'p'))!.id)).map((n) => n.position).sort();
    expect(positions).toEqual([0, 1]);
    const same = await Promise.all([1, 2].map(() => createPlan(db(), signal, { cityId, actor, planId: 'twin', head: { title: '双子', kind: 'other', periodStart: 2021, periodEnd: 2023 } })));
    expect(same.filter((r) => r.ok)).toHaveLength(1);
    expect(same.filter((r) => !r.ok).map((r) => (r as { errors: Record<string, { kindOf: string }> }).errors['planId']!.kindOf)).toEqual(['plans.error.slugTaken']);
  });

  it('records 策定 and 改訂 with snapshots; the 新旧対照表 lists a revised target with its reason, KPIs added and removed, node text changes', async () => {
    const { cityId } = await newCity(db());
    const signal = { invalidate: () => {} };
    await createPlan(db(), signal, { cityId, actor, planId: 'p', head: { title: '計画', kind: 'sdgs-future-city', periodStart: 2021, periodEnd: 2023 } });
    await addNode(db(), signal, { cityId, actor, planId: 'p', parentNodeId: null, nodeId: 'g', node: { kind: 'goal', code: '1', title: '経済' } });
    for (const id of ['farmers', 'products']) await createKpi(db(), signal, { cityId, actor, kpi: kpiInput(id === 'farmers' ? '新規就農者数' : '新製品開発数', { kpiId: id }), placeIn: { planId: 'p', nodeId: 'g', version: await nodeVersion(db(), cityId, 'p', 'g') } });
    const firstRevised = await recordPlanVersion(db(), signal, { cityId, actor, planId: 'p', version: await planVersion(db(), cityId, 'p'), kind: 'revised', date: '2021-03-31', reason: 'x' });
    expect((firstRevised as { errors: Record<string, { kindOf: string }> }).errors['kind']!.kindOf).toBe('plans.error.firstVersionAdopted');
    const adopted = await recordPlanVersion(db(), signal, { cityId, actor, planId: 'p', version: await planVersion(db(), cityId, 'p'), kind: 'adopted', date: '令和3年3月31日' });
    expect(adopted).toEqual({ ok: true, value: { number: 1 } });
    // The revision: a target raised (上方修正), a KPI removed, one added, a node renamed.
    const farmers = (await findKpiBySlug(db(), cityId, 'farmers'))!;
    await reviseTarget(db(), { kpiId: farmers.id, targetSlug: 't1-fy2025', newValue: 200, reason: '目標を達成したため上方修正', revisedOn: '2024-03-31' }, actor);
    await moveKpiRowTo(db(), signal, { cityId, actor, planId: 'p', nodeId: 'g', version: await nodeVersion(db(), cityId, 'p', 'g'), kpiId: 'products', toNodeId: null });
    const g = (await listAllNodes(db(), (await lockPlanBySlug(db(), cityId, 'p'))!.id)).find((n) => n.slug === 'g')!;
    await updatePlanNodeAtVersion(db(), g.id, g.version, { code: '1', title: '経済・産業', title_en: null, description: null });
    await createKpi(db(), signal, { cityId, actor, kpi: kpiInput('高校生の地域課題解決プロジェクト数', { kpiId: 'schools', unit: '校', baselineValue: '0', targets: '2026年度 7' }), placeIn: { planId: 'p', nodeId: 'g', version: await nodeVersion(db(), cityId, 'p', 'g') } });
    const noReason = await recordPlanVersion(db(), signal, { cityId, actor, planId: 'p', version: await planVersion(db(), cityId, 'p'), kind: 'revised', date: '2024-03-31' });
    expect((noReason as { errors: Record<string, { kindOf: string }> }).errors['reason']!.kindOf).toBe('plans.error.reasonRequired');
    const stalePlan = await planVersion(db(), cityId, 'p');
    expect(await recordPlanVersion(db(), signal, { cityId, actor, planId: 'p', version: stalePlan, kind: 'revised', label: '改訂版', date: '2024-03-31', reason: '第2期に向けた改訂' })).toEqual({ ok: true, value: { number: 2 } });
    // The same form sent again: the plan's version moved on, so it is a conflict, not a third version.
    expect(((await recordPlanVersion(db(), signal, { cityId, actor, planId: 'p', version: stalePlan, kind: 'revised', date: '2024-03-31', reason: 'again' })) as { conflict?: { kind: string } }).conflict?.kind).toBe('edit-conflict');
    const diff = await comparePlanVersions(db(), cityId, 'p', 1, 2, 'ja');
    if (!diff.ok) throw new Error(JSON.stringify(diff.problem));
    const rows = diff.diff.rows.map((r) => [r.kind, r.where, r.old.split('\n')[0], r.new.split('\n')[0], r.reason]);
    expect(rows).toContainEqual(['target-changed', '新規就農者数', '157 人（2025年度）', '200 人（2025年度）', '目標を達成したため上方修正（2024-03-31）']);
    expect(rows).toContainEqual(['node-changed', '1 経済・産業', '経済', '経済・産業', '第2期に向けた改訂']);
    expect(rows).toContainEqual(['kpi-removed', '新製品開発数', '新製品開発数', '', '第2期に向けた改訂']);
    expect(rows).toContainEqual(['kpi-added', '高校生の地域課題解決プロジェクト数', '', '高校生の地域課題解決プロジェクト数', '第2期に向けた改訂']);
    expect(await comparePlanVersions(db(), cityId, 'p', 1, 3, 'ja')).toEqual({ ok: false, problem: { kind: 'unknown-version', which: 'to', known: [1, 2] } });
  });
});
