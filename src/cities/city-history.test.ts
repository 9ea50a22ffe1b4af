import { describe, expect, it } from 'vitest';
import { year } from '../core/time/time-point.ts';
import { readSeedCities } from '../formats/plan-data/plan-data.file.ts';
import { buildProgressSheet } from '../sheets/progress-sheet.ts';
import { findKpiBySlug } from '../kpis/kpi.repository.ts';
import { recordObservation } from '../actuals/observation.repository.ts';
import { reviseTarget } from '../kpis/target.repository.ts';
import { testDatabases, useTestDatabase } from '../storage/test-databases.ts';
import { loadCityData, saveCityData } from './city-data.service.ts';
import { reconcileCityRates } from '../kpis/published-rate.service.ts';

// Issue 10.6 on both databases: what the system knew when (target versions, revision entry
// times, actual versions) is read back, and published rates and past sheets use it.

const ichinoseki = (await readSeedCities()).find((c) => c.city.id === 'ichinoseki')!;

describe.each(testDatabases())('figures as they stood when published, on $name', (database) => {
  if (database.skipReason) {
    it.skip(`skipped: ${database.skipReason}`, () => {});
    return;
  }
  const db = useTestDatabase(database);

  it('keeps the city’s published rates explained after a target revision and an actual correction', async () => {
    await saveCityData(db(), ichinoseki, 'seed');
    const products = (await findKpiBySlug(db(), 'ichinoseki', 'new-products-technologies'))!;
    const women = (await findKpiBySlug(db(), 'ichinoseki', 'women-on-councils'))!;
    await reviseTarget(db(), { kpiId: products.id, targetSlug: '2025', newValue: 200, decimals: 0, reason: '上方修正', revisedOn: '2024-03-31' }, 'secretariat');
    await reviseTarget(db(), { kpiId: women.id, targetSlug: '2025', newValue: 65, decimals: 1, reason: '見直し', revisedOn: '2025-04-01' }, 'secretariat');
    await recordObservation(db(), { kpiId: women.id, at: year(2023), value: 52, decimals: 1 }, { actor: 'department', reason: '確定値に訂正' });

    const plain = (await loadCityData(db(), 'ichinoseki'))!;
    expect(plain.kpis.find((k) => k.id === 'women-on-councils')!.targets[0]!.versions).toBeUndefined();

    const data = (await loadCityData(db(), 'ichinoseki', { withHistory: true }))!;
    const target = data.kpis.find((k) => k.id === 'new-products-technologies')!.targets[0]!;
    expect(target.value).toBe(200);
    expect(target.versions!.map((v) => v.value)).toEqual([60, 200]);
    expect(target.revisions.at(-1)!.recordedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const womenRates = data.publishedRates.filter((p) => p.kpiId === 'women-on-councils');
    expect(womenRates.map((p) => p.actualAsPublished)).toEqual([
      { value: 51.1, decimals: 1 },
      { value: 51.1, decimals: 1 },
    ]);

    const rates = reconcileCityRates(data);
    expect(rates.filter((r) => r.result.verdict === 'unexplained').map((r) => `${r.kpi.id} ${r.published.printed}`)).toEqual([]);
    const p = rates.find((r) => r.kpi.id === 'new-products-technologies')!;
    expect(p.result.verdict).toBe('reproduced');
    expect(p.today!.rate).toBeCloseTo((145 / 182) * 100, 9);
    const w = rates.find((r) => r.kpi.id === 'women-on-councils')!;
    expect(w.result.verdict).toBe('reproduced');
    expect(w.today).toMatchObject({ actual: { value: 52 }, target: { value: 65 } });

    const plan = data.plans.find((x) => x.kind === 'sdgs-future-city')!;
    const sheet = buildProgressSheet(data, plan, { kind: 'progress', year: 2023, generatedOn: '2024-09-30' });
    const rows = sheet.tables.flatMap((t) => t.rows);
    expect(rows.find((r) => r.kpiId === 'new-products-technologies')!.target.value).toBe(60);
    expect(rows.find((r) => r.kpiId === 'women-on-councils')!.target.value).toBe(60);
    expect(rows.find((r) => r.kpiId === 'new-products-technologies')!.rate!.value).toBeCloseTo(345.238, 2);
  });
});
