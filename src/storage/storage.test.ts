import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { fiscalYear, month, year } from '../core/time/time-point.ts';
import { listChangeLog } from './change-log.repository.ts';
import { insertCity } from '../cities/city.repository.ts';
import { toNumber } from './columns.ts';
import { inTransaction, type Executor } from './database.ts';
import { insertKpis } from '../kpis/kpi.repository.ts';
import { appliedMigrations, MIGRATION_NAMES, migrateToLatest } from './migrate.ts';
import { deleteObservation, listCurrentObservations, observationHistory, recordObservation, recordObservations } from '../actuals/observation.repository.ts';
import { appendTargetRevisions, appendTargetValues, insertTargets, listTargetRevisions, listTargets, reviseTarget, targetHistory } from '../kpis/target.repository.ts';
import { testDatabases, useTestDatabase } from './test-databases.ts';

let cities = 0;

/** A fresh city with one KPI (13 人 in 2020, Ichinoseki's 新規就農者数), so tests share a database without sharing data. */
async function cityWithKpi(db: Executor): Promise<{ cityId: string; kpiId: number }> {
  const cityId = `city-${++cities}`;
  await insertCity(db, { id: cityId, name: '一関市', name_en: 'Ichinoseki', prefecture: '岩手県', prefecture_en: 'Iwate', sdgs_future_city_since: null, population: null, description: null });
  const [kpi] = await insertKpis(db, [
    {
      city_id: cityId,
      slug: 'new-farmers',
      position: 0,
      name: '新規就農者数※累計',
      name_en: null,
      unit: '人',
      department: null,
      side: 'economy',
      aggregation: 'cumulative',
      direction: null,
      method: 'progress-from-baseline',
      baseline_at: '2020',
      baseline_at_end: 2021,
      baseline_value: 13,
      baseline_decimals: 0,
    },
  ]);
  return { cityId, kpiId: kpi!.id };
}

describe('the databases storage suites run on', () => {
  it('are PGlite and PostgreSQL by default, narrowed by MICHISHIRUBE_TEST_DATABASES', () => {
    expect(testDatabases({}, '/bin')).toEqual([
      { name: 'pglite', skipReason: null },
      { name: 'postgres', skipReason: null },
    ]);
    expect(testDatabases({ MICHISHIRUBE_TEST_DATABASES: 'pglite' }, '/bin')).toEqual([{ name: 'pglite', skipReason: null }]);
    expect(() => testDatabases({ MICHISHIRUBE_TEST_DATABASES: 'sqlite' }, '/bin')).toThrow(/unknown database "sqlite"/);
  });

  it('skip PostgreSQL visibly when it is not installed, but not on CI, where its absence must fail', () => {
    expect(testDatabases({}, null)[1]?.skipReason).toMatch(/no PostgreSQL server binaries/);
    expect(testDatabases({ CI: 'true' }, null)[1]).toEqual({ name: 'postgres', skipReason: null });
  });
});

describe.each(testDatabases())('storage on $name', (database) => {
  if (database.skipReason) {
    it.skip(`skipped: ${database.skipReason}`, () => {});
    return;
  }
  const db = useTestDatabase(database);

  it('applies every migration, and applying them again changes nothing', async () => {
    expect(await appliedMigrations(db())).toEqual([...MIGRATION_NAMES]);
    await migrateToLatest(db());
    expect(await appliedMigrations(db())).toEqual([...MIGRATION_NAMES]);
  });

  it('keeps every version of a corrected observation: old, new, who, when, why', async () => {
    const { cityId, kpiId } = await cityWithKpi(db());
    const first = await recordObservation(db(), { kpiId, at: month(2024, 3), value: 101, decimals: 0, note: '速報値' }, { actor: 'alice', reason: '2023 sheet' });
    expect(first?.version).toBe(1);
    const second = await recordObservation(db(), { kpiId, at: month(2024, 3), value: 103, decimals: 0, note: '確定値' }, { actor: 'bob', reason: 'final figure' });
    expect(second?.version).toBe(2);
    // The same figures again: nothing to record.
    expect(await recordObservation(db(), { kpiId, at: month(2024, 3), value: 103, decimals: 0, note: '確定値' }, { actor: 'carol' })).toBeNull();

    const history = await observationHistory(db(), kpiId, month(2024, 3));
    expect(history.map((v) => [v.version, toNumber(v.value!), v.note, v.actor, v.reason, v.deleted])).toEqual([
      [1, 101, '速報値', 'alice', '2023 sheet', false],
      [2, 103, '確定値', 'bob', 'final figure', false],
    ]);
    expect(history.every((v) => v.recorded_at instanceof Date)).toBe(true);
    const [current] = await listCurrentObservations(db(), [kpiId]);
    expect(current && toNumber(current.value!)).toBe(103);

    const log = await listChangeLog(db(), { cityId, entity: 'observation' });
    expect(log.map((e) => [e.action, e.entity_id, e.actor, e.reason, e.old, e.new])).toEqual([
      ['create', 'new-farmers@2024-03', 'alice', '2023 sheet', null, { value: 101, decimals: 0, note: '速報値', source: null }],
      ['correct', 'new-farmers@2024-03', 'bob', 'final figure', { value: 101, decimals: 0, note: '速報値', source: null }, { value: 103, decimals: 0, note: '確定値', source: null }],
    ]);
  });

  it('deletes an observation by appending a tombstone, and can record it again', async () => {
    const { cityId, kpiId } = await cityWithKpi(db());
    await recordObservation(db(), { kpiId, at: year(2022), value: 40 }, { actor: 'alice' });
    expect((await deleteObservation(db(), { kpiId, at: year(2022) }, { actor: 'bob', reason: 'wrong KPI' }))?.deleted).toBe(true);
    expect(await deleteObservation(db(), { kpiId, at: year(2022) }, { actor: 'bob' })).toBeNull();
    expect(await listCurrentObservations(db(), [kpiId])).toEqual([]);
    await recordObservation(db(), { kpiId, at: year(2022), value: 41 }, { actor: 'carol', reason: 'right KPI after all' });

    const history = await observationHistory(db(), kpiId, year(2022));
    expect(history.map((v) => [v.version, v.value === null ? null : toNumber(v.value), v.deleted, v.actor])).toEqual([
      [1, 40, false, 'alice'],
      [2, null, true, 'bob'],
      [3, 41, false, 'carol'],
    ]);
    const log = await listChangeLog(db(), { cityId, entity: 'observation' });
    expect(log.map((e) => e.action)).toEqual(['create', 'delete', 'create']);
    expect(log[1]?.reason).toBe('wrong KPI');
  });

  it('refuses to update or delete history, in the database itself', async () => {
    const { kpiId } = await cityWithKpi(db());
    await recordObservation(db(), { kpiId, at: year(2023), value: 1 }, { actor: 'alice' });
    await expect(db().updateTable('observation_versions').set({ value: 2 }).execute()).rejects.toThrow(/append-only/);
    await expect(db().deleteFrom('observation_versions').execute()).rejects.toThrow(/append-only/);
    await expect(db().deleteFrom('change_log').execute()).rejects.toThrow(/append-only/);
    await expect(db().updateTable('kpi_target_values').set({ reason: 'x' }).execute()).rejects.toThrow(/append-only/);
    await expect(db().updateTable('target_revisions').set({ reason: 'x' }).execute()).rejects.toThrow(/append-only/);
  });

  it('requires a reason to revise a target, and keeps the old value, the new one, who and why', async () => {
    const { cityId, kpiId } = await cityWithKpi(db());
    const [target] = await insertTargets(db(), [{ kpi_id: kpiId, slug: '2025', at: '2025', at_end: 2026, position: 0 }]);
    await appendTargetValues(db(), [{ targetId: target!.id, value: 100, decimals: 0, reason: 'plan adopted' }], 'alice');

    await expect(reviseTarget(db(), { kpiId, targetSlug: '2025', newValue: 157, reason: '  ', revisedOn: '2024-03' }, 'bob')).rejects.toThrow(/reason/);
    await expect(appendTargetRevisions(db(), [{ targetId: target!.id, oldValue: 100, newValue: 157, reason: '', revisedOn: '2024-03' }], 'bob')).rejects.toThrow(/reason/);
    // Even past the code, the database refuses a revision without a reason.
    await expect(
      db().insertInto('target_revisions').values({ kpi_target_id: target!.id, position: 0, old_value: 100, new_value: 157, reason: ' ', revised_on: '2024-03', actor: 'bob' }).execute(),
    ).rejects.toThrow(/target_revisions_reason/);
    expect(await targetHistory(db(), kpiId, '2025')).toHaveLength(1);

    const { version, revision } = await reviseTarget(db(), { kpiId, targetSlug: '2025', newValue: 157, reason: '目標を達成したため上方修正', revisedOn: '2024-03' }, 'bob');
    expect(version.version).toBe(2);
    expect([toNumber(revision.old_value), toNumber(revision.new_value), revision.reason, revision.revised_on, revision.actor]).toEqual([100, 157, '目標を達成したため上方修正', '2024-03', 'bob']);

    const history = await targetHistory(db(), kpiId, '2025');
    expect(history.map((v) => [v.version, toNumber(v.value!), v.actor, v.reason])).toEqual([
      [1, 100, 'alice', 'plan adopted'],
      [2, 157, 'bob', '目標を達成したため上方修正'],
    ]);
    const [current] = await listTargets(db(), [kpiId]);
    expect(current && [toNumber(current.value!), current.decimals, current.deleted]).toEqual([157, 0, false]);
    expect(await listTargetRevisions(db(), [target!.id])).toHaveLength(1);

    const log = await listChangeLog(db(), { cityId, entity: 'kpi_target' });
    expect(log.map((e) => [e.action, e.entity_id, e.actor, e.old, e.new, e.reason])).toEqual([
      ['create', 'new-farmers#2025', 'alice', null, { value: 100, decimals: 0 }, 'plan adopted'],
      ['revise', 'new-farmers#2025', 'bob', { value: 100, decimals: 0 }, { value: 157, decimals: 0 }, '目標を達成したため上方修正'],
    ]);
  });

  it('round-trips numeric values exactly', async () => {
    const { kpiId } = await cityWithKpi(db());
    const values = [72.02, -21.7, 1111, 147679, -0.5, 0.1, 1e-7, 2778.123456];
    await recordObservations(
      db(),
      values.map((value, i) => ({ kpiId, at: year(2000 + i), value })),
      { actor: 'alice' },
    );
    const read = await listCurrentObservations(db(), [kpiId]);
    expect(read.map((o) => toNumber(o.value!))).toEqual(values);
  });

  it('orders observations by the moment they refer to', async () => {
    const { kpiId } = await cityWithKpi(db());
    await recordObservations(
      db(),
      [
        { kpiId, at: fiscalYear(2021), value: 3 },
        { kpiId, at: year(2020), value: 1 },
        { kpiId, at: month(2021, 8), value: 2 },
      ],
      { actor: 'alice' },
    );
    expect((await listCurrentObservations(db(), [kpiId])).map((o) => o.at)).toEqual(['2020', '2021-08', 'FY2021']);
  });

  it('rolls back every write of a failed transaction', async () => {
    const { cityId, kpiId } = await cityWithKpi(db());
    await expect(
      inTransaction(db(), async (trx) => {
        await recordObservation(trx, { kpiId, at: year(2021), value: 5 }, { actor: 'alice' });
        await recordObservation(trx, { kpiId: kpiId + 100_000, at: year(2021), value: 6 }, { actor: 'alice' });
      }),
    ).rejects.toThrow(/no KPI/);
    expect(await observationHistory(db(), kpiId, year(2021))).toEqual([]);
    expect(await listChangeLog(db(), { cityId })).toEqual([]);
  });

  it('filters the change log by city, entity, actor and time', async () => {
    const a = await cityWithKpi(db());
    const b = await cityWithKpi(db());
    const [{ now }] = (await sql<{ now: Date }>`select now() as now`.execute(db())).rows as [{ now: Date }];
    await recordObservation(db(), { kpiId: a.kpiId, at: year(2021), value: 1 }, { actor: 'alice' });
    await recordObservation(db(), { kpiId: a.kpiId, at: year(2022), value: 2 }, { actor: 'bob' });
    await recordObservation(db(), { kpiId: b.kpiId, at: year(2021), value: 3 }, { actor: 'alice' });

    expect((await listChangeLog(db(), { cityId: a.cityId })).map((e) => e.entity_id)).toEqual(['new-farmers@2021', 'new-farmers@2022']);
    expect((await listChangeLog(db(), { cityId: a.cityId, actor: 'bob' })).map((e) => e.entity_id)).toEqual(['new-farmers@2022']);
    expect(await listChangeLog(db(), { cityId: b.cityId, entity: 'kpi_target' })).toEqual([]);
    expect((await listChangeLog(db(), { actor: 'alice', since: now })).map((e) => e.city_id)).toEqual([a.cityId, b.cityId]);
    expect(await listChangeLog(db(), { cityId: a.cityId, since: new Date(now.getTime() + 3_600_000) })).toEqual([]);
    expect((await listChangeLog(db(), { cityId: a.cityId, newestFirst: true, limit: 1 })).map((e) => e.actor)).toEqual(['bob']);
  });
});
