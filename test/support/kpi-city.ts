import { insertCity } from '../../src/cities/city.repository.ts';
import { findKpiBySlug } from '../../src/kpis/kpi.repository.ts';
import type { KpiDefinitionInput } from '../../src/kpis/kpi.commands.ts';
import { addNode, createPlan } from '../../src/plans/plan.commands.ts';
import { listAllNodes, lockPlanBySlug } from '../../src/plans/plan-building.repository.ts';
import type { Executor } from '../../src/storage/database.ts';

/*
 * The set-up the KPI storage suites share (src/kpis/*.storage.test.ts): a fresh city of its own
 * per test (ids never collide within a database), a KPI as the builder's form types it, and a
 * KPI's current version (what a form carries).
 */

let cities = 0;

/** Inserts a fresh city `<prefix>-<n>` (Ichinoseki's names, no plans) and returns its id. */
export async function newTestCity(db: Executor, prefix: string): Promise<string> {
  const cityId = `${prefix}-${++cities}`;
  await insertCity(db, { id: cityId, name: '一関市', name_en: 'Ichinoseki', prefecture: '岩手県', prefecture_en: 'Iwate', sdgs_future_city_since: null, population: null, description: null });
  return cityId;
}

/** A KPI as typed in the builder's form: 新規就農者数, 人, cumulative, 2020年 13 → 2025年度 157, up; `extra` overrides. */
export function kpiFormInput(kpiId: string, extra: Partial<Record<keyof KpiDefinitionInput, string>> = {}): KpiDefinitionInput {
  return {
    kpiId,
    name: '新規就農者数',
    unit: '人',
    side: 'economy',
    aggregation: 'cumulative',
    method: 'progress-from-baseline',
    baselineAt: '2020年',
    baselineValue: '13',
    targets: '2025年度 157',
    direction: 'up',
    ...extra,
  };
}

/** The KPI's stored version (the optimistic-concurrency token its forms carry). */
export async function kpiVersion(db: Executor, cityId: string, kpiId: string): Promise<number> {
  return (await findKpiBySlug(db, cityId, kpiId))!.version;
}

/**
 * A fresh city with a plan `p` holding one goal node `g`, built through the builder's commands
 * by `actor`; the cities each write signalled (`signals`), the signal to pass on, and the goal
 * node's current version (what a placing form carries).
 */
export async function cityWithGoalNode(db: Executor, prefix: string, actor: string) {
  const cityId = await newTestCity(db, prefix);
  const signals: string[] = [];
  const signal = { invalidate: (c: string) => void signals.push(c) };
  await createPlan(db, signal, { cityId, actor, planId: 'p', head: { title: '計画', kind: 'other', periodStart: 2024, periodEnd: 2026 } });
  await addNode(db, signal, { cityId, actor, planId: 'p', parentNodeId: null, nodeId: 'g', node: { kind: 'goal', title: '目標' } });
  const nodeVersion = async () => (await listAllNodes(db, (await lockPlanBySlug(db, cityId, 'p'))!.id))[0]!.version;
  return { cityId, signals, signal, nodeVersion };
}
