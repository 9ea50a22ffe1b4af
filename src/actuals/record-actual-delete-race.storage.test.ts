import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { insertCity } from '../cities/city.repository.ts';
import { createKpi, deleteKpi } from '../kpis/kpi.commands.ts';
import { findKpiBySlug } from '../kpis/kpi.repository.ts';
import { addNode, createPlan } from '../plans/plan.commands.ts';
import { listAllNodes, lockPlanBySlug } from '../plans/plan-building.repository.ts';
import type { Executor } from '../storage/database.ts';
import { testDatabases, useTestDatabase } from '../storage/test-databases.ts';
import { recordActuals } from './record-actual.command.ts';

/*
 * An actual recorded while the same KPI is deleted (issue 13 attack pass), on PGlite and on
 * PostgreSQL with two connections at once. Whichever comes second loses cleanly, never with a
 * foreign-key failure: the actual written first makes the delete a refusal (the KPI has data:
 * archive it; answered 409 by the builder); the delete committed first makes the actual's KPI
 * unknown (answered 409 "deleted meanwhile" by the form and the API). On PostgreSQL a third
 * transaction holds the KPI's row so both writers queue behind it in a chosen order.
 */

const actor = 'sec (事務局)';
const signal = { invalidate: () => {} };
let cities = 0;

async function cityWithKpi(db: Executor): Promise<{ cityId: string; version: number; id: number }> {
  const cityId = `race-city-${++cities}`;
  await insertCity(db, { id: cityId, name: '競合市', name_en: 'Raceton', prefecture: '岩手県', prefecture_en: 'Iwate', sdgs_future_city_since: null, population: null, description: null });
  await createPlan(db, signal, { cityId, actor, planId: 'p', head: { title: '計画', kind: 'other', periodStart: 2024, periodEnd: 2026 } });
  await addNode(db, signal, { cityId, actor, planId: 'p', parentNodeId: null, nodeId: 'g', node: { kind: 'goal', title: '目標' } });
  const nodeVersion = (await listAllNodes(db, (await lockPlanBySlug(db, cityId, 'p'))!.id))[0]!.version;
  const kpi = { kpiId: 'k', name: '競合する指標', unit: '人', side: 'economy', aggregation: 'snapshot', method: 'progress-from-baseline', baselineAt: '2020年', baselineValue: '10', targets: '2026年 20', direction: 'up' };
  expect((await createKpi(db, signal, { cityId, actor, kpi, placeIn: { planId: 'p', nodeId: 'g', version: nodeVersion } })).ok).toBe(true);
  const row = (await findKpiBySlug(db, cityId, 'k'))!;
  return { cityId, version: row.version, id: row.id };
}

const record = (db: Executor, cityId: string) => recordActuals(db, signal, { cityId, actor, rows: [{ kpiId: 'k', input: { at: '2024年', value: '15', explanation: '検証' } }] });
const remove = (db: Executor, cityId: string, version: number) => deleteKpi(db, signal, { cityId, actor, kpiId: 'k', version });

/** What each writer got, in words: the actual `written` or `kpi-unknown`; the delete `deleted`, `has-data` or a conflict. */
function outcome(r: Awaited<ReturnType<typeof record>>, d: Awaited<ReturnType<typeof remove>>): string {
  const a = r.ok ? 'written' : r.unknownKpis && r.unknownKpis.length > 0 ? 'kpi-unknown' : JSON.stringify(r);
  const b = d.ok ? 'deleted' : 'errors' in d && d.errors ? Object.values(d.errors).map((e) => (e.kind === 'message' ? e.kindOf : e.kind)).join() : 'conflict';
  return `actual ${a}, delete ${b}`;
}

describe.each(testDatabases())('an actual and a delete of its KPI at once on $name', (database) => {
  if (database.skipReason) {
    it.skip(`skipped: ${database.skipReason}`, () => {});
    return;
  }
  const db = useTestDatabase(database);

  it('both started together: one wins, the other loses cleanly, the stored state matches', async () => {
    for (const first of ['actual', 'delete'] as const) {
      const { cityId, version, id } = await cityWithKpi(db());
      const [r, d] = first === 'actual' ? await Promise.all([record(db(), cityId), remove(db(), cityId, version)]) : await Promise.all([remove(db(), cityId, version), record(db(), cityId)]).then(([x, y]) => [y, x] as const);
      const said = outcome(r, d);
      expect(['actual written, delete plans.error.kpiHasData', 'actual kpi-unknown, delete deleted']).toContain(said);
      const observations = await db().selectFrom('observations').select('id').where('kpi_id', '=', id).execute();
      const kpi = await findKpiBySlug(db(), cityId, 'k');
      if (said.startsWith('actual written')) expect([observations.length, kpi !== undefined]).toEqual([1, true]);
      else expect([observations.length, kpi]).toEqual([0, undefined]);
    }
  });

  it.runIf(database.name === 'postgres')('forced orders on two connections: the delete first → the actual finds no KPI; the actual first → the delete is refused (has data)', async () => {
    const waiting = async (n: number) => {
      for (let i = 0; i < 200; i++) {
        const r = await sql<{ n: string }>`select count(*)::text as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`.execute(db());
        if (Number(r.rows[0]!.n) >= n) return;
        await new Promise((res) => setTimeout(res, 25));
      }
      throw new Error(`never saw ${n} waiting transactions`);
    };
    for (const first of ['delete', 'actual'] as const) {
      const { cityId, version, id } = await cityWithKpi(db());
      let release!: () => void;
      const released = new Promise<void>((res) => (release = res));
      let holding!: () => void;
      const held = new Promise<void>((res) => (holding = res));
      // A third transaction holds the KPI row; the two writers queue behind it in the chosen order.
      const blocker = db().transaction().execute(async (trx) => {
        await trx.selectFrom('kpis').select('id').where('id', '=', id).forUpdate().execute();
        holding();
        await released;
      });
      await held;
      const a = first === 'delete' ? remove(db(), cityId, version) : record(db(), cityId);
      await waiting(1);
      const b = first === 'delete' ? record(db(), cityId) : remove(db(), cityId, version);
      await waiting(2);
      release();
      await blocker;
      const [x, y] = await Promise.all([a, b]);
      const said = first === 'delete' ? outcome(y as Awaited<ReturnType<typeof record>>, x as Awaited<ReturnType<typeof remove>>) : outcome(x as Awaited<ReturnType<typeof record>>, y as Awaited<ReturnType<typeof remove>>);
      expect(said).toBe(first === 'delete' ? 'actual kpi-unknown, delete deleted' : 'actual written, delete plans.error.kpiHasData');
      const observations = await db().selectFrom('observations').select('id').where('kpi_id', '=', id).execute();
      expect(observations.length).toBe(first === 'delete' ? 0 : 1);
    }
  });
});
