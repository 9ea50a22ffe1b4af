import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { recordActuals } from '../actuals/record-actual.command.ts';
import { publishDocumentedYears } from './publication.service.ts';
import { insertCity } from '../cities/city.repository.ts';
import type { Executor } from '../storage/database.ts';
import { insertKpis } from '../kpis/kpi.repository.ts';
import { listCurrentObservations, recordObservation } from '../actuals/observation.repository.ts';
import { appendYearPublication, listYearPublications } from '../staff/staff-record.repository.ts';
import { testDatabases, useTestDatabase } from '../storage/test-databases.ts';
import { appendReviewEntries, lastActualUpdates, listReviewStatuses } from './review.repository.ts';

/*
 * The review's storage on PGlite and PostgreSQL: the one actual command writes versions and
 * review steps together or not at all; review steps are append-only; documented years are
 * published once; concurrent first entries of the same actual never fail.
 */

let cities = 0;
const noSignal = { invalidate: () => {} };

/** A fresh city with one KPI (13 人 in 2020 → 157 人 in 2025, Ichinoseki's 新規就農者数). */
async function cityWithKpi(db: Executor): Promise<{ cityId: string; kpiId: number }> {
  const cityId = `review-city-${++cities}`;
  await insertCity(db, { id: cityId, name: '一関市', name_en: 'Ichinoseki', prefecture: '岩手県', prefecture_en: 'Iwate', sdgs_future_city_since: null, population: null, description: null });
  const [kpi] = await insertKpis(db, [
    { city_id: cityId, slug: 'new-farmers', position: 0, name: '新規就農者数※累計', name_en: null, unit: '人', department: null, side: 'economy', aggregation: 'cumulative', direction: null, method: 'progress-from-baseline', baseline_at: '2020', baseline_at_end: 2021, baseline_value: 13, baseline_decimals: 0 },
  ]);
  return { cityId, kpiId: kpi!.id };
}

describe.each(testDatabases())('review storage on $name', (database) => {
  if (database.skipReason) {
    it.skip(`skipped: ${database.skipReason}`, () => {});
    return;
  }
  const db = useTestDatabase(database);

  it('writes a new actual as submitted, a refused batch writes nothing, a correction keeps the documented figure approved', async () => {
    const { cityId, kpiId } = await cityWithKpi(db());
    await recordObservation(db(), { kpiId, at: { kind: 'year', year: 2023 }, value: 101, decimals: 0 }, { actor: 'seed' });
    // Loading the seed is nobody's update: the KPI was never updated here.
    expect((await lastActualUpdates(db(), cityId)).has('new-farmers')).toBe(false);
    const refused = await recordActuals(db(), noSignal, { cityId, actor: 'agri', rows: [{ kpiId: 'new-farmers', input: { at: '2024年', value: '120' } }, { kpiId: 'new-farmers', input: { at: '2024年13月', value: '1' } }] });
    expect(refused.ok).toBe(false);
    expect((await listCurrentObservations(db(), [kpiId])).map((o) => o.at)).toEqual(['2023']);
    expect(await listReviewStatuses(db(), cityId)).toEqual([]);

    const ok = await recordActuals(db(), noSignal, { cityId, actor: 'agri', rows: [{ kpiId: 'new-farmers', input: { at: '2024年', value: '120 人', note: '速報値' } }] });
    expect(ok).toMatchObject({ ok: true, written: 1 });
    const corrected = await recordActuals(db(), noSignal, { cityId, actor: 'agri', intent: 'draft', rows: [{ kpiId: 'new-farmers', input: { at: '2023年', value: '102', reason: '再集計' } }] });
    expect(corrected).toMatchObject({ ok: true, written: 1 });
    const statuses = new Map((await listReviewStatuses(db(), cityId)).map((s) => [s.key, s]));
    expect(statuses.get('new-farmers@2024')).toMatchObject({ state: 'submitted', year: 2024, content: { value: 120, note: '速報値' }, approved: null });
    expect(statuses.get('new-farmers@2023')).toMatchObject({ state: 'draft', content: { value: 102 }, approved: { value: 101 }, everApproved: true });
    expect((await lastActualUpdates(db(), cityId)).get('new-farmers')).toBeInstanceOf(Date);
  });

  it('keeps review steps append-only', async () => {
    const { cityId } = await cityWithKpi(db());
    await appendReviewEntries(db(), [{ cityId, entity: 'commentary', key: 'new-farmers@2024', year: 2024, state: 'submitted', content: { body: 'x' }, actor: 'agri' }]);
    await expect(sql`update review_entries set state = 'approved' where city_id = ${cityId}`.execute(db())).rejects.toThrow();
    await expect(sql`delete from review_entries where city_id = ${cityId}`.execute(db())).rejects.toThrow();
    await expect(appendReviewEntries(db(), [{ cityId, entity: 'commentary', key: 'k@2024', year: 2024, state: 'returned', content: null, reason: ' ', actor: 'sec' }])).rejects.toThrow();
  });

  it('publishes documented years once and never a year someone decided on', async () => {
    const { cityId, kpiId } = await cityWithKpi(db());
    await recordObservation(db(), { kpiId, at: { kind: 'year', year: 2022 }, value: 90, decimals: 0 }, { actor: 'seed' });
    await recordObservation(db(), { kpiId, at: { kind: 'fiscal-year', year: 2023 }, value: 101, decimals: 0 }, { actor: 'seed' });
    await appendYearPublication(db(), { city_id: cityId, year: 2023, published: false, actor: 'sec', reason: 'round' });
    expect(await publishDocumentedYears(db(), cityId, 'seed')).toEqual([2022]);
    expect(await publishDocumentedYears(db(), cityId, 'seed')).toEqual([]);
    expect((await listYearPublications(db(), cityId)).map((p) => [p.year, p.published])).toEqual([
      [2022, true],
      [2023, false],
    ]);
  });

  it('two people entering the same first actual at once: both answered, one version each, no error', async () => {
    for (let round = 0; round < 5; round++) {
      const { cityId, kpiId } = await cityWithKpi(db());
      const results = await Promise.all(
        ['a', 'b', 'c'].map((actor, i) => recordActuals(db(), noSignal, { cityId, actor, rows: [{ kpiId: 'new-farmers', input: { at: '2025年', value: String(150 + i), reason: 'same slot', explanation: 'x' } }] })),
      );
      expect(results.every((r) => r.ok)).toBe(true);
      expect((await listCurrentObservations(db(), [kpiId])).filter((o) => o.at === '2025')).toHaveLength(1);
    }
  });
});
