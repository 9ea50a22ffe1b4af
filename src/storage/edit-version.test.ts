import { describe, expect, it } from 'vitest';
import { year } from '../core/time/time-point.ts';
import { insertCity } from '../cities/city.repository.ts';
import type { Executor } from './database.ts';
import { isConcurrentWriteError, StaleVersionError } from './edit-version.ts';
import { findKpiBySlug, insertKpis, updateKpi, updateKpiAtVersion } from '../kpis/kpi.repository.ts';
import { listObservationSlotVersions, recordObservation } from '../actuals/observation.repository.ts';
import { appendTargetValues, insertTargets, listTargets, reviseTarget } from '../kpis/target.repository.ts';
import { testDatabases, useTestDatabase } from './test-databases.ts';

let cities = 0;

async function cityWithKpi(db: Executor): Promise<{ cityId: string; kpiId: number }> {
  const cityId = `versions-${++cities}`;
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

const meta = { actor: 'tester' };

describe.each(testDatabases())('row versions and version checks on $name', (database) => {
  if (database.skipReason) {
    it.skip(`skipped: ${database.skipReason}`, () => {});
    return;
  }
  const db = useTestDatabase(database);

  it('a KPI updated at the version it was read at gets a new version; at an old version nothing is written', async () => {
    const { cityId, kpiId } = await cityWithKpi(db());
    const read = (await findKpiBySlug(db(), cityId, 'new-farmers'))!;
    const first = await updateKpiAtVersion(db(), kpiId, read.version, { name: 'A' });
    expect(first?.name).toBe('A');
    expect(first!.version).not.toBe(read.version);
    expect(await updateKpiAtVersion(db(), kpiId, read.version, { name: 'B' })).toBeUndefined();
    expect((await findKpiBySlug(db(), cityId, 'new-farmers'))!.name).toBe('A');
    // Any other update (an import) moves the version too, so an open form becomes stale.
    await updateKpi(db(), kpiId, { unit: '名' });
    expect(await updateKpiAtVersion(db(), kpiId, first!.version, { name: 'C' })).toBeUndefined();
  });

  it('an actual is entered at the version the editor saw: a stale entry is refused, the same figures are not a conflict', async () => {
    const { kpiId } = await cityWithKpi(db());
    const at = year(2024);
    expect(await recordObservation(db(), { kpiId, at, value: 10 }, meta, { expectedVersion: 0 })).not.toBeNull();
    await expect(recordObservation(db(), { kpiId, at, value: 11 }, meta, { expectedVersion: 0 })).rejects.toBeInstanceOf(StaleVersionError);
    expect(await recordObservation(db(), { kpiId, at, value: 10 }, meta, { expectedVersion: 0 })).toBeNull();
    expect((await recordObservation(db(), { kpiId, at, value: 11 }, { ...meta, reason: '訂正' }, { expectedVersion: 1 }))?.version).toBe(2);
    expect((await listObservationSlotVersions(db(), kpiId)).map((s) => [s.at, s.version])).toEqual([['2024', 2]]);
  });

  it('two first entries of the same actual at once: one is written, the other fails as a concurrent write', async () => {
    const { kpiId } = await cityWithKpi(db());
    for (let i = 0; i < 10; i++) {
      const at = year(2030 + i);
      const outcomes = await Promise.allSettled([
        recordObservation(db(), { kpiId, at, value: 1 }, meta, { expectedVersion: 0 }),
        recordObservation(db(), { kpiId, at, value: 2 }, meta, { expectedVersion: 0 }),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const failed = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      expect(isConcurrentWriteError(failed.reason)).toBe(true);
    }
    expect((await listObservationSlotVersions(db(), kpiId)).every((s) => s.version === 1)).toBe(true);
  });

  it('a target revision from a stale form is refused', async () => {
    const { kpiId } = await cityWithKpi(db());
    const [target] = await insertTargets(db(), [{ kpi_id: kpiId, slug: '2025', at: '2025', at_end: 2026, position: 0 }]);
    await appendTargetValues(db(), [{ targetId: target!.id, value: 60 }], 'tester');
    const input = { kpiId, targetSlug: '2025', newValue: 200, reason: '上方修正', revisedOn: '2024-03-31' };
    await reviseTarget(db(), { ...input, expectedVersion: 1 }, 'tester');
    await expect(reviseTarget(db(), { ...input, newValue: 65, expectedVersion: 1 }, 'tester')).rejects.toBeInstanceOf(StaleVersionError);
    expect((await listTargets(db(), [kpiId]))[0]).toMatchObject({ version: 2 });
  });

  it('a unique violation is a concurrent write; other database errors are not', async () => {
    const { cityId } = await cityWithKpi(db());
    const duplicate = await insertCity(db(), { id: cityId, name: 'x', name_en: 'x', prefecture: 'x', prefecture_en: 'x', sdgs_future_city_since: null, population: null, description: null }).catch((e: unknown) => e);
    expect(isConcurrentWriteError(duplicate)).toBe(true);
    const badSlug = await insertCity(db(), { id: 'Not A Slug', name: 'x', name_en: 'x', prefecture: 'x', prefecture_en: 'x', sdgs_future_city_since: null, population: null, description: null }).catch((e: unknown) => e);
    expect(badSlug).toBeInstanceOf(Error);
    expect(isConcurrentWriteError(badSlug)).toBe(false);
  });
});
