import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CityData } from '../core/city/city.ts';
import type { Kpi } from '../core/kpi/kpi.ts';
import { fiscalYear, month, year, type TimePoint } from '../core/time/time-point.ts';
import { readPlanData } from '../formats/plan-data/plan-data.reader.ts';
import { listChangeLog } from '../storage/change-log.repository.ts';
import { toNumber } from '../storage/columns.ts';
import { findKpiBySlug, listKpiRows } from '../kpis/kpi.repository.ts';
import { observationHistory } from '../actuals/observation.repository.ts';
import { targetHistory } from '../kpis/target.repository.ts';
import { testDatabases, useTestDatabase } from '../storage/test-databases.ts';
import { CityDataError, cityExists, listCities, loadCityData, saveCityData } from './city-data.service.ts';

/** 2020年～2024年: a period, as period-total KPIs use. */
const period = (from: number, to: number): TimePoint => ({ kind: 'period', from: { kind: 'year', year: from }, to: { kind: 'year', year: to } });

/**
 * A small city with what makes storage hard: two plans sharing a KPI, a tree three levels deep,
 * a KPI with two targets (one revised upward), notes on actuals, signed and decimal figures,
 * published rates with the actual and target their document used.
 */
function richCityData(cityId: string): CityData {
  const farmers: Kpi = {
    id: 'new-farmers',
    cityId,
    name: '新規就農者数※累計',
    nameEn: 'New farmers (cumulative)',
    unit: '人',
    department: '農政課',
    sdgTargets: ['2.3', '2.4', '8.3'],
    side: 'economy',
    aggregation: 'cumulative',
    method: 'progress-from-baseline',
    baseline: { at: year(2020), value: 13, decimals: 0 },
    observations: [
      { at: year(2021), value: 40, decimals: 0 },
      { at: month(2024, 3), value: 101, decimals: 0, note: '2023年度末時点', source: 'progress sheet 2024' },
    ],
    targets: [
      { id: '2023', at: year(2023), value: 60, decimals: 0, revisions: [] },
      {
        id: '2025',
        at: year(2025),
        value: 157,
        decimals: 0,
        revisions: [{ oldValue: 100, newValue: 157, reason: '目標を達成したため上方修正', revisedOn: '2023-04-01' }],
      },
    ],
  };
  const co2: Kpi = {
    id: 'co2-reduction',
    cityId,
    name: '温室効果ガス排出量の削減率（2013年度比）',
    unit: '％',
    sdgTargets: ['13.2', '7.a'],
    side: 'environment',
    aggregation: 'snapshot',
    direction: 'down',
    method: 'ratio',
    baseline: { at: fiscalYear(2019), value: -11.4, decimals: 1 },
    observations: [{ at: fiscalYear(2022), value: -21.7, decimals: 1, note: '速報値' }],
    targets: [{ id: '2030', at: fiscalYear(2030), value: -20.4, decimals: 1, revisions: [] }],
  };
  const founders: Kpi = {
    id: 'founders',
    cityId,
    name: '新規創業者数(期間累計)',
    unit: '社',
    sdgTargets: [],
    side: 'none',
    aggregation: 'period-total',
    method: 'progress-from-baseline',
    baseline: { at: year(2020), value: 420 },
    observations: [{ at: period(2021, 2023), value: 871 }],
    targets: [{ id: 'period', at: period(2020, 2024), value: 1111, revisions: [] }],
  };
  const satisfaction: Kpi = {
    id: 'transit-satisfaction',
    cityId,
    name: '公共交通満足度',
    unit: '%',
    sdgTargets: ['11.2'],
    side: 'society',
    aggregation: 'snapshot',
    method: 'progress-from-baseline',
    baseline: { at: { kind: 'day', year: 2019, month: 12, day: 1 }, value: 72.02, decimals: 2 },
    observations: [],
    targets: [{ id: '2025', at: year(2025), value: 80, decimals: 0, revisions: [] }],
  };
  return {
    city: {
      id: cityId,
      name: '一関市',
      nameEn: 'Ichinoseki',
      prefecture: '岩手県',
      prefectureEn: 'Iwate',
      sdgsFutureCitySince: 2021,
      population: 111_000,
      description: 'SDGs未来都市',
    },
    documents: [
      { id: 'progress-2024', title: 'SDGs未来都市等進捗評価シート', published: '2024-09', source: '000_4151ac16d27bea8a.txt' },
      { id: 'summary-2024', title: '様式3-3', published: '2024-09-30' },
    ],
    kpis: [farmers, co2, founders, satisfaction],
    plans: [
      {
        id: 'comprehensive',
        cityId,
        kind: 'basic-plan',
        title: '一関市総合計画 後期基本計画',
        titleEn: 'Comprehensive plan, latter basic plan',
        periodStart: 2021,
        periodEnd: 2025,
        vision: '世界に誇る 先人の夢を 未来につなぐ',
        versions: [{ label: '策定', kind: 'adopted', date: '2021-03' }],
        nodes: [
          {
            id: 'goal-1',
            kind: 'goal',
            code: '1',
            title: '産業の振興',
            children: [
              {
                id: 'policy-1-1',
                kind: 'policy',
                code: '1-1',
                title: '農林水産業',
                titleEn: 'Agriculture, forestry and fisheries',
                description: '担い手の確保',
                children: [
                  {
                    id: 'initiative-1-1-1',
                    kind: 'initiative',
                    code: '①',
                    title: '新規就農の支援',
                    children: [],
                    kpiRows: [{ kpiId: 'new-farmers', no: '1', targetId: '2025', commentary: '順調に推移' }],
                  },
                ],
                kpiRows: [],
              },
              { id: 'policy-1-2', kind: 'policy', code: '1-2', title: '商工業', children: [], kpiRows: [{ kpiId: 'founders' }] },
            ],
            kpiRows: [],
          },
          { id: 'goal-2', kind: 'goal', code: '2', title: '暮らしの充実', children: [], kpiRows: [{ kpiId: 'transit-satisfaction', weight: 0.5 }] },
        ],
        narratives: [],
      },
      {
        id: 'sdgs-2021',
        cityId,
        kind: 'sdgs-future-city',
        title: '一関市SDGs未来都市計画',
        periodStart: 2021,
        periodEnd: 2023,
        parentPlanId: 'comprehensive',
        versions: [
          { label: '第1期', kind: 'adopted', date: '2021-08' },
          { label: '改訂版', kind: 'revised', date: '2023-03-31', note: 'KPIの上方修正' },
        ],
        nodes: [
          {
            id: 'economy',
            kind: 'direction',
            title: '経済',
            children: [],
            kpiRows: [
              { kpiId: 'new-farmers', no: '1', targetId: '2023', commentary: '目標を上回った', reflection: '次期計画でも継続' },
              { kpiId: 'co2-reduction', no: '2' },
            ],
          },
        ],
        narratives: [
          { kind: 'results', title: '特筆すべき事業内容・成果', body: '新規就農者が増加した。', year: 2023 },
          { kind: 'expert-evaluation', title: '有識者からの評価', body: '着実に進んでいる。' },
        ],
      },
    ],
    publishedRates: [
      { kpiId: 'new-farmers', documentId: 'progress-2024', actualAt: month(2024, 3), targetId: '2025', rate: 61.1, decimals: 1, printed: '61.1%' },
      {
        kpiId: 'co2-reduction',
        documentId: 'summary-2024',
        actualAt: fiscalYear(2022),
        targetId: '2030',
        rate: 106.4,
        decimals: 1,
        printed: '106.4%',
        actual: { value: -21.7, decimals: 1 },
        targetValue: { value: -20.4, decimals: 1 },
      },
      { kpiId: 'new-farmers', documentId: 'summary-2024', actualAt: year(2021), targetId: '2023', rate: 57.4, decimals: 1, printed: '57.4%', targetValue: { value: 60, decimals: 0 } },
    ],
  };
}

/** A copy of `data` with `edit` applied to the KPI with this id. */
function withKpi(data: CityData, kpiId: string, edit: (k: Kpi) => Kpi): CityData {
  return { ...data, kpis: data.kpis.map((k) => (k.id === kpiId ? edit(k) : k)) };
}

/** A synthetic city of `n` KPIs with three actuals and a target each, for timing. */
function largeCityData(cityId: string, n: number): CityData {
  const base = richCityData(cityId);
  const kpis: Kpi[] = Array.from({ length: n }, (_, i) => ({
    id: `kpi-${i}`,
    cityId,
    name: `KPI ${i}`,
    unit: '人',
    sdgTargets: ['11.2'],
    side: 'society',
    aggregation: 'snapshot',
    method: 'progress-from-baseline',
    baseline: { at: year(2020), value: i },
    observations: [2021, 2022, 2023].map((y) => ({ at: year(y), value: i + y - 2020 + 0.5, decimals: 1 })),
    targets: [{ id: '2025', at: year(2025), value: i + 10, revisions: [] }],
  }));
  return {
    ...base,
    documents: [],
    kpis,
    plans: [{ ...base.plans[0]!, nodes: [{ id: 'all', kind: 'section', title: 'all', children: [], kpiRows: kpis.map((k) => ({ kpiId: k.id })) }] }],
    publishedRates: [],
  };
}

let cities = 0;
const newCityId = () => `city-${++cities}`;

describe.each(testDatabases())('city data service on $name', (database) => {
  if (database.skipReason) {
    it.skip(`skipped: ${database.skipReason}`, () => {});
    return;
  }
  const db = useTestDatabase(database);

  it('loads exactly what it saved', async () => {
    const data = richCityData(newCityId());
    await saveCityData(db(), data, 'alice');
    expect(await loadCityData(db(), data.city.id)).toStrictEqual(data);
    expect(await cityExists(db(), data.city.id)).toBe(true);
    expect(await cityExists(db(), 'nowhere')).toBe(false);
    expect(await loadCityData(db(), 'nowhere')).toBeNull();
    expect((await listCities(db())).find((c) => c.id === data.city.id)).toStrictEqual(data.city);
  });

  it('round-trips 72.02, -21.7 and 1111 exactly', async () => {
    const data = richCityData(newCityId());
    await saveCityData(db(), data, 'alice');
    const loaded = (await loadCityData(db(), data.city.id))!;
    const kpi = (id: string) => loaded.kpis.find((k) => k.id === id)!;
    expect(kpi('transit-satisfaction').baseline.value).toBe(72.02);
    expect(kpi('co2-reduction').observations[0]!.value).toBe(-21.7);
    expect(kpi('founders').targets[0]!.value).toBe(1111);
  });

  it('changes nothing when the same data is saved again', async () => {
    const data = richCityData(newCityId());
    await saveCityData(db(), data, 'alice');
    const log = await listChangeLog(db(), { cityId: data.city.id });
    await saveCityData(db(), richCityData(data.city.id), 'bob');
    expect(await listChangeLog(db(), { cityId: data.city.id })).toEqual(log);
    const kpi = (await findKpiBySlug(db(), data.city.id, 'new-farmers'))!;
    expect(await observationHistory(db(), kpi.id, month(2024, 3))).toHaveLength(1);
    expect(await targetHistory(db(), kpi.id, '2025')).toHaveLength(1);
    expect(await loadCityData(db(), data.city.id)).toStrictEqual(data);
  });

  it('appends versions with history when figures change, and tombstones what was removed', async () => {
    const original = richCityData(newCityId());
    const cityId = original.city.id;
    await saveCityData(db(), original, 'alice', { reason: 'initial import' });
    const changed = withKpi(original, 'new-farmers', (k) => ({
      ...k,
      // 2021 is dropped, 2024-03 corrected with a note.
      observations: [{ at: month(2024, 3), value: 103, decimals: 0, note: '確定値', source: 'progress sheet 2024' }],
      targets: [
        k.targets[0]!,
        { ...k.targets[1]!, value: 180, revisions: [...k.targets[1]!.revisions, { oldValue: 157, newValue: 180, reason: '再度の上方修正', revisedOn: '2024-04' }] },
      ],
    }));
    await saveCityData(db(), changed, 'bob', { reason: '2024 sheet' });
    expect(await loadCityData(db(), cityId)).toStrictEqual(changed);

    const kpi = (await findKpiBySlug(db(), cityId, 'new-farmers'))!;
    const corrected = await observationHistory(db(), kpi.id, month(2024, 3));
    expect(corrected.map((v) => [toNumber(v.value!), v.note, v.actor, v.reason])).toEqual([
      [101, '2023年度末時点', 'alice', 'initial import'],
      [103, '確定値', 'bob', '2024 sheet'],
    ]);
    const removed = await observationHistory(db(), kpi.id, year(2021));
    expect(removed.map((v) => [v.value === null ? null : toNumber(v.value), v.deleted, v.actor])).toEqual([
      [40, false, 'alice'],
      [null, true, 'bob'],
    ]);
    const target = await targetHistory(db(), kpi.id, '2025');
    expect(target.map((v) => [toNumber(v.value!), v.actor, v.reason])).toEqual([
      [157, 'alice', 'initial import'],
      [180, 'bob', '再度の上方修正'],
    ]);

    const log = await listChangeLog(db(), { cityId, actor: 'bob' });
    expect(log.map((e) => [e.action, e.entity, e.entity_id])).toEqual([
      ['revise', 'kpi_target', 'new-farmers#2025'],
      ['correct', 'observation', 'new-farmers@2024-03'],
      ['delete', 'observation', 'new-farmers@2021'],
    ]);
    expect(log[0]).toMatchObject({ old: { value: 157, decimals: 0 }, new: { value: 180, decimals: 0 }, reason: '再度の上方修正' });
    expect(log[1]).toMatchObject({ old: { value: 101 }, new: { value: 103, note: '確定値' }, reason: '2024 sheet' });
  });

  it("keeps a narrative's section and the dated sheet reports when a stored plan's contents change", async () => {
    const original = richCityData(newCityId());
    const cityId = original.city.id;
    await saveCityData(db(), original, 'alice');
    const sdgs = original.plans[1]!;
    const dated = {
      ...sdgs,
      narratives: [...sdgs.narratives, { kind: 'results' as const, title: '今後の展望', body: '担い手の育成を続ける。', year: 2023, section: 'period-outlook' as const }],
      sheetReports: [{ year: 2023, kind: 'progress' as const, submittedOn: '2024-09', documentId: 'progress-2024' }],
    };
    const changed: CityData = { ...original, plans: [original.plans[0]!, dated] };
    await saveCityData(db(), changed, 'bob');
    expect(await loadCityData(db(), cityId)).toStrictEqual(changed);

    // A later file dates another year and drops the first: what the file says is what is stored.
    const redated: CityData = { ...original, plans: [original.plans[0]!, { ...dated, sheetReports: [{ year: 2022, kind: 'progress', submittedOn: '2023-09' }] }] };
    await saveCityData(db(), redated, 'carol');
    expect(await loadCityData(db(), cityId)).toStrictEqual(redated);
    await saveCityData(db(), original, 'dave');
    expect(await loadCityData(db(), cityId)).toStrictEqual(original);
  });

  it('updates plans, documents and rates in place of the old ones, and retires removed KPIs', async () => {
    const original = richCityData(newCityId());
    const cityId = original.city.id;
    await saveCityData(db(), original, 'alice');
    const [comprehensive, sdgs] = original.plans;
    const changed: CityData = {
      ...original,
      city: { ...original.city, population: 110_000 },
      documents: [original.documents[0]!],
      kpis: original.kpis.filter((k) => k.id !== 'co2-reduction'),
      plans: [
        { ...sdgs!, parentPlanId: undefined, nodes: [{ ...sdgs!.nodes[0]!, kpiRows: [sdgs!.nodes[0]!.kpiRows[0]!] }] },
        { ...comprehensive!, title: '一関市総合計画', nodes: [...comprehensive!.nodes].reverse() },
      ],
      publishedRates: [original.publishedRates[0]!],
    };
    await saveCityData(db(), changed, 'bob');
    const loaded = await loadCityData(db(), cityId);
    expect(loaded).toEqual(changed);
    expect(loaded?.plans[0]).not.toHaveProperty('parentPlanId');

    const retired = (await listKpiRows(db(), cityId, { includeRetired: true })).find((k) => k.slug === 'co2-reduction');
    expect(retired?.retired_at).toBeInstanceOf(Date);
    const actions = (await listChangeLog(db(), { cityId, actor: 'bob' })).map((e) => `${e.action} ${e.entity} ${e.entity_id}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        `update city ${cityId}`,
        'retire kpi co2-reduction',
        'update plan sdgs-2021',
        'update plan comprehensive',
        `replace published_rates ${cityId}`,
        'delete source_document summary-2024',
      ]),
    );

    // Bringing the KPI back restores it with its history.
    await saveCityData(db(), original, 'carol');
    expect(await loadCityData(db(), cityId)).toStrictEqual(original);
  });

  it('refuses to rewrite the revisions of a target, and changes nothing', async () => {
    const original = richCityData(newCityId());
    await saveCityData(db(), original, 'alice');
    const rewritten = withKpi(original, 'new-farmers', (k) => ({
      ...k,
      targets: [k.targets[0]!, { ...k.targets[1]!, revisions: [{ ...k.targets[1]!.revisions[0]!, reason: 'a different story' }] }],
    }));
    await expect(saveCityData(db(), rewritten, 'mallory')).rejects.toThrow(CityDataError);
    expect(await loadCityData(db(), original.city.id)).toStrictEqual(original);
  });

  it('saves nothing of a new city whose save fails half-way', async () => {
    const data = richCityData(newCityId());
    const [comprehensive] = data.plans;
    // City, documents, KPIs, targets, actuals, plans and nodes are written before the KPI rows,
    // where the database refuses a negative weight.
    const goal2 = comprehensive!.nodes[1]!;
    const bad: CityData = {
      ...data,
      plans: [{ ...comprehensive!, nodes: [comprehensive!.nodes[0]!, { ...goal2, kpiRows: [{ ...goal2.kpiRows[0]!, weight: -1 }] }] }, data.plans[1]!],
    };
    await expect(saveCityData(db(), bad, 'alice')).rejects.toThrow(/plan_kpi_rows_weight/);
    expect(await cityExists(db(), data.city.id)).toBe(false);
    expect(await listKpiRows(db(), data.city.id, { includeRetired: true })).toEqual([]);
    expect(await listChangeLog(db(), { cityId: data.city.id })).toEqual([]);
  });

  it('saves nothing when the database itself rejects a row in the middle', async () => {
    const original = richCityData(newCityId());
    await saveCityData(db(), original, 'alice');
    const log = await listChangeLog(db(), { cityId: original.city.id });
    // Valid changes first (a corrected actual), then an SDG target id the schema refuses.
    const bad = withKpi(
      withKpi(original, 'new-farmers', (k) => ({ ...k, observations: [k.observations[0]!, { ...k.observations[1]!, value: 999 }] })),
      'founders',
      (k) => ({ ...k, sdgTargets: ['not a target'] }),
    );
    await expect(saveCityData(db(), bad, 'mallory')).rejects.toThrow(/kpi_sdg_targets_id/);
    expect(await loadCityData(db(), original.city.id)).toStrictEqual(original);
    expect(await listChangeLog(db(), { cityId: original.city.id })).toEqual(log);
  });

  it('rejects data that contradicts itself before writing anything', async () => {
    const data = richCityData(newCityId());
    await expect(saveCityData(db(), { ...data, kpis: [...data.kpis, data.kpis[0]!] }, 'alice')).rejects.toThrow(/duplicate KPI id "new-farmers"/);
    const [, sdgs] = data.plans;
    const dangling = { ...sdgs!, nodes: [{ ...sdgs!.nodes[0]!, kpiRows: [...sdgs!.nodes[0]!.kpiRows, { kpiId: 'no-such-kpi' }] }] };
    await expect(saveCityData(db(), { ...data, plans: [data.plans[0]!, dangling] }, 'alice')).rejects.toThrow(/unknown KPI "no-such-kpi"/);
    // A KPI dropped while a plan still lists it.
    await expect(saveCityData(db(), { ...data, kpis: data.kpis.filter((k) => k.id !== 'founders') }, 'alice')).rejects.toThrow(/unknown KPI "founders"/);
    await expect(saveCityData(db(), { ...data, plans: [{ ...data.plans[1]!, parentPlanId: 'nope' }] }, 'alice')).rejects.toThrow(/unknown parent plan/);
    await expect(
      saveCityData(db(), { ...data, publishedRates: [{ ...data.publishedRates[0]!, targetId: 'nope' }] }, 'alice'),
    ).rejects.toThrow(/unknown target "nope"/);
    expect(await cityExists(db(), data.city.id)).toBe(false);
  });

  it('round-trips the seed cities', async () => {
    const dir = new URL('../../data/seeds/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    for (const file of files) {
      const read = readPlanData(JSON.parse(readFileSync(new URL(file, dir), 'utf8')));
      if (!read.ok) throw new Error(`${file}: ${JSON.stringify(read.error)}`);
      await saveCityData(db(), read.value, 'seed');
      expect(await loadCityData(db(), read.value.city.id)).toEqual(read.value);
    }
  });

  it('saves and loads ~50 KPIs quickly', async () => {
    const data = largeCityData(newCityId(), 50);
    let t = performance.now();
    await saveCityData(db(), data, 'seed');
    const saveMs = performance.now() - t;
    t = performance.now();
    expect(await loadCityData(db(), data.city.id)).toStrictEqual(data);
    const loadMs = performance.now() - t;
    t = performance.now();
    await saveCityData(db(), data, 'seed');
    const resaveMs = performance.now() - t;
    console.info(`[${database.name}] 50 KPIs: save ${saveMs.toFixed(0)} ms, load ${loadMs.toFixed(0)} ms, idempotent re-save ${resaveMs.toFixed(0)} ms`);
    expect(saveMs).toBeLessThan(2000);
    expect(loadMs).toBeLessThan(1000);
  });
});
