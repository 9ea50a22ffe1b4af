import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cityDataFileSchema, type CityDataFile, type PlanNodeInput } from '../src/formats/plan-data/plan-data.schema.ts';

/**
 * The seed cities in data/seeds/ are transcriptions of published sheets and plans; these checks
 * keep them importable (schema), internally consistent (every reference resolves) and complete
 * (the counts of KPIs, rows and published rates the source documents print).
 */

type PlanKpiRow = PlanNodeInput['kpis'][number];

/** Parses a seed file; the schema test of each city prints the zod issues when it fails. */
function parseSeed(name: string) {
  const raw: unknown = JSON.parse(readFileSync(new URL(`../data/seeds/${name}.json`, import.meta.url), 'utf8'));
  return cityDataFileSchema.safeParse(raw);
}

/** The parsed file, or an empty one so that the other tests fail on counts rather than crash. */
function fileOf(name: string, result: ReturnType<typeof parseSeed>): CityDataFile {
  if (result.success) return result.data;
  return { format: 'michishirube-plan-data/1', city: { id: name, name, nameEn: name, prefecture: '-', prefectureEn: '-' }, documents: [], kpis: [], plans: [] };
}

function expectSchema(name: string, result: ReturnType<typeof parseSeed>): void {
  if (!result.success) {
    console.error(`${name}.json does not match cityDataFileSchema:\n${z.prettifyError(result.error)}`);
    console.error(JSON.stringify(result.error.issues, null, 2));
  }
  expect(result.success).toBe(true);
}

function* walk(nodes: readonly PlanNodeInput[]): Generator<PlanNodeInput> {
  for (const node of nodes) {
    yield node;
    yield* walk(node.children);
  }
}

function rowsOf(file: CityDataFile, planId: string): PlanKpiRow[] {
  const plan = file.plans.find((p) => p.id === planId);
  if (!plan) throw new Error(`no plan ${planId}`);
  return [...walk(plan.nodes)].flatMap((n) => n.kpis);
}

const sdgTargetIds = new Set(
  (JSON.parse(readFileSync(new URL('../src/core/sdg/sdg-framework.json', import.meta.url), 'utf8')) as { targets: { id: string }[] }).targets.map(
    (t) => t.id,
  ),
);

/** Target ids in a printed list: "【2.3,2.4,8.3,8.5】", "[11.1, 11.a]" or an array of ids. */
function sdgIdsOf(sdgTargets: string | string[]): string[] {
  return Array.isArray(sdgTargets) ? sdgTargets : (sdgTargets.match(/\d{1,2}\.(?:\d{1,2}|[a-z])/g) ?? []);
}

function checkReferences(file: CityDataFile): void {
  const kpiIds = file.kpis.map((k) => k.id);
  expect(new Set(kpiIds).size, 'KPI ids are unique').toBe(kpiIds.length);
  const documentIds = new Set(file.documents.map((d) => d.id));
  const planIds = new Set(file.plans.map((p) => p.id));
  expect(planIds.size, 'plan ids are unique').toBe(file.plans.length);

  for (const kpi of file.kpis) {
    const targetIds = kpi.targets.map((t) => t.id);
    expect(new Set(targetIds).size, `${kpi.id}: target ids are unique`).toBe(targetIds.length);
    const observedAt = new Set(kpi.observations.map((o) => o.at));
    for (const rate of kpi.publishedRates) {
      expect(documentIds.has(rate.document), `${kpi.id}: published rate names document ${rate.document}`).toBe(true);
      expect(targetIds, `${kpi.id}: published rate names target ${rate.target}`).toContain(rate.target);
      expect(observedAt.has(rate.actualAt), `${kpi.id}: published rate's actual ${rate.actualAt} is an observation`).toBe(true);
    }
    for (const id of sdgIdsOf(kpi.sdgTargets)) {
      expect(sdgTargetIds.has(id), `${kpi.id}: SDG target ${id} exists`).toBe(true);
    }
  }

  for (const plan of file.plans) {
    if (plan.parentPlan) expect(planIds.has(plan.parentPlan), `${plan.id}: parent plan exists`).toBe(true);
    for (const row of rowsOf(file, plan.id)) {
      const kpi = file.kpis.find((k) => k.id === row.kpi);
      expect(kpi, `${plan.id}: row references KPI ${row.kpi}`).toBeDefined();
      if (row.target !== undefined) {
        expect(kpi?.targets.map((t) => t.id), `${plan.id}: row of ${row.kpi} references target ${row.target}`).toContain(row.target);
      }
    }
  }
}

const publishedRates = (file: CityDataFile) => file.kpis.flatMap((k) => k.publishedRates);

describe('data/seeds/ichinoseki.json', () => {
  const parsed = parseSeed('ichinoseki');
  const file = fileOf('ichinoseki', parsed);

  it('matches cityDataFileSchema', () => expectSchema('ichinoseki', parsed));

  it('resolves every reference', () => checkReferences(file));

  it('holds the 12 rows of the progress sheet as 9 distinct KPIs', () => {
    expect(file.kpis).toHaveLength(9);
    const rows = rowsOf(file, 'ichinoseki-sdgs-future-city-1');
    expect(rows).toHaveLength(12);
    expect(rows.map((r) => r.no)).toEqual(['1', '2', '3', '4', '5', '6', '1', '2', '3', '4', '5', '6']);
    expect(rows.every((r) => r.reflection)).toBe(true);
  });

  it('keeps 12 published rates from the progress sheet and 12 from 様式3-3', () => {
    const rates = publishedRates(file);
    expect(rates).toHaveLength(24);
    expect(rates.filter((r) => r.document === 'ichinoseki-progress-sheet-2024-09')).toHaveLength(12);
    expect(rates.filter((r) => r.document === 'ichinoseki-summary-sheet-3-3-2024-09')).toHaveLength(12);
    const co2 = file.kpis.find((k) => k.id === 'co2-reduction-vs-2013');
    expect(co2?.publishedRates.filter((r) => r.target === '2025').map((r) => r.rate)).toEqual(['114.4%', '106.4%']);
  });

  it('shares KPIs 1, 2, 4 and 5 with the latter basic plan against their 2025 targets', () => {
    const rows = rowsOf(file, 'ichinoseki-latter-basic-plan-2021');
    expect(rows.map((r) => r.kpi).sort()).toEqual(
      ['co2-reduction-vs-2013', 'local-employment-new-high-school-graduates', 'new-farmers', 'new-products-technologies'].sort(),
    );
    expect(rows.every((r) => r.target === '2025')).toBe(true);
  });

  it('transcribes the basic concept: 4 principles and 5 goals', () => {
    const concept = file.plans.find((p) => p.id === 'ichinoseki-basic-concept-2016');
    const nodes = [...walk(concept?.nodes ?? [])];
    expect(nodes.filter((n) => n.kind === 'principle')).toHaveLength(4);
    expect(nodes.filter((n) => n.kind === 'goal').map((n) => n.code)).toEqual(['1', '2', '3', '4', '5']);
    const latter = file.plans.find((p) => p.id === 'ichinoseki-latter-basic-plan-2021');
    expect([...walk(latter?.nodes ?? [])].filter((n) => n.kind === 'policy')).toHaveLength(33);
  });
});

describe('data/seeds/tsukuba.json', () => {
  const parsed = parseSeed('tsukuba');
  const file = fileOf('tsukuba', parsed);

  it('matches cityDataFileSchema', () => expectSchema('tsukuba', parsed));

  it('resolves every reference', () => checkReferences(file));

  it('holds 23 KPI rows with 23 published rates', () => {
    expect(file.kpis).toHaveLength(23);
    const rows = rowsOf(file, 'tsukuba-sdgs-future-city-2');
    expect(rows).toHaveLength(23);
    expect(rows.map((r) => r.no)).toEqual([
      ...['1', '2', '3', '4', '5', '6', '7'],
      ...Array.from({ length: 16 }, (_, i) => String(i + 1)),
    ]);
    expect(publishedRates(file)).toHaveLength(23);
  });

  it('records the raised 地産地消 target and the value the sheet computed against', () => {
    const kpi = file.kpis.find((k) => k.id === 'local-produce-restaurants-shops');
    expect(kpi?.targets[0]?.value).toBe('165 店舗');
    expect(kpi?.targets[0]?.revisions).toMatchObject([{ old: '150 店舗', new: '165 店舗', on: '2024-09' }]);
    expect(kpi?.publishedRates[0]).toMatchObject({ rate: '110%', targetValue: '150 店舗' });
  });
});

describe('data/seeds/kanazawa.json', () => {
  const parsed = parseSeed('kanazawa');
  const file = fileOf('kanazawa', parsed);

  it('matches cityDataFileSchema', () => expectSchema('kanazawa', parsed));

  it('resolves every reference', () => checkReferences(file));

  it('holds 19 KPIs in 20 rows and no published rates', () => {
    expect(file.kpis).toHaveLength(19);
    expect(rowsOf(file, 'kanazawa-sdgs-future-city-2')).toHaveLength(20);
    expect(publishedRates(file)).toHaveLength(0);
  });

  it('has the five directions, each with its KPIs and initiatives', () => {
    const plan = file.plans[0];
    const directions = [...walk(plan?.nodes ?? [])].filter((n) => n.kind === 'direction');
    expect(directions.map((d) => d.code)).toEqual(['①', '②', '③', '④', '⑤']);
    for (const d of directions) {
      expect(d.kpis.length, `${d.title} has KPI rows`).toBeGreaterThan(0);
      expect(d.children.filter((c) => c.kind === 'project').length, `${d.title} has initiatives`).toBeGreaterThan(0);
    }
  });
});
