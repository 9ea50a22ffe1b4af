import { describe, expect, it } from 'vitest';
import { createKpi } from '../kpis/kpi.commands.ts';
import { loadCityData } from '../cities/city-data.service.ts';
import { insertCity } from '../cities/city.repository.ts';
import type { Executor } from '../storage/database.ts';
import { testDatabases, useTestDatabase } from '../storage/test-databases.ts';
import { startNextPeriod, type StartNextPeriodProps } from './next-period.command.ts';
import { listAllNodes, lockPlanBySlug } from './plan-building.repository.ts';
import { addNode, createPlan, setPlanArchived } from './plan.commands.ts';

/*
 * "Start the next period" run twice (issue 13.4) on PGlite and PostgreSQL: a plan gets at most
 * one next-period plan (not archived) for any year. Two starts at once leave one new plan (the
 * other is refused or a conflict, never a second successor); a later start for overlapping years
 * is refused naming the first; an archived successor no longer counts.
 */

const actor = 'sec (事務局)';
const signal = { invalidate: () => {} };
let cities = 0;

async function cityWithPlan(db: Executor): Promise<string> {
  const cityId = `next-period-twice-${++cities}`;
  await insertCity(db, { id: cityId, name: '一関市', name_en: 'Ichinoseki', prefecture: '岩手県', prefecture_en: 'Iwate', sdgs_future_city_since: null, population: null, description: null });
  expect((await createPlan(db, signal, { cityId, actor, planId: 'sdgs-1', head: { title: 'SDGs未来都市計画', kind: 'sdgs-future-city', periodStart: 2021, periodEnd: 2023 } })).ok).toBe(true);
  await addNode(db, signal, { cityId, actor, planId: 'sdgs-1', parentNodeId: null, nodeId: 'g1', node: { kind: 'goal', title: '経済' } });
  const version = (await listAllNodes(db, (await lockPlanBySlug(db, cityId, 'sdgs-1'))!.id))[0]!.version;
  const kpi = { kpiId: 'k1', name: '新規就農者数', unit: '人', side: 'economy', aggregation: 'cumulative', method: 'progress-from-baseline', baselineAt: '2020年', baselineValue: '13', targets: '2023年 157' };
  expect((await createKpi(db, signal, { cityId, actor, kpi, placeIn: { planId: 'sdgs-1', nodeId: 'g1', version } })).ok).toBe(true);
  return cityId;
}

describe.each(testDatabases())('starting the next period twice on $name', (database) => {
  if (database.skipReason) {
    it.skip(`skipped: ${database.skipReason}`, () => {});
    return;
  }
  const db = useTestDatabase(database);
  const start = (cityId: string, newPlanId: string, periodStart = 2024, periodEnd = 2026): Promise<Awaited<ReturnType<typeof startNextPeriod>>> =>
    startNextPeriod(db(), signal, { cityId, actor, fromPlanId: 'sdgs-1', newPlanId, periodStart, periodEnd, kpis: [{ kpiId: 'k1' }], decidedOn: '2024-03-31' } satisfies StartNextPeriodProps);

  it('two starts at once leave one successor; the other is refused or a conflict', async () => {
    const cityId = await cityWithPlan(db());
    const results = await Promise.all([start(cityId, 'sdgs-2a'), start(cityId, 'sdgs-2b')]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const loser = results.find((r) => !r.ok)!;
    expect(loser.ok === false && ['invalid', 'conflict'].includes(loser.kind)).toBe(true);
    const plans = (await loadCityData(db(), cityId))!.plans.map((p) => p.id);
    expect(plans.filter((p) => p.startsWith('sdgs-2'))).toHaveLength(1);
  });

  it('refuses overlapping years naming the first successor; later years pass; an archived successor does not count', async () => {
    const cityId = await cityWithPlan(db());
    expect((await start(cityId, 'sdgs-2')).ok).toBe(true);
    for (const [from, to] of [[2024, 2026], [2026, 2028], [2022, 2024]] as const) {
      expect(await start(cityId, 'sdgs-2-again', from, to)).toEqual({
        ok: false,
        kind: 'invalid',
        problems: [{ kind: 'successor-exists', field: 'period', planId: 'sdgs-2', title: 'SDGs未来都市計画', periodStart: 2024, periodEnd: 2026 }],
      });
    }
    expect((await start(cityId, 'sdgs-3', 2027, 2029)).ok).toBe(true);
    // Archived (started by mistake): a new start for its years is allowed.
    const row = (await lockPlanBySlug(db(), cityId, 'sdgs-2'))!;
    expect((await setPlanArchived(db(), signal, { cityId, actor, planId: 'sdgs-2', version: row.version, archived: true })).ok).toBe(true);
    expect((await start(cityId, 'sdgs-2-again')).ok).toBe(true);
  });
});
