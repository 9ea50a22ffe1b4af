import { describe, expect, it } from 'vitest';
import { formatTimePointIso } from '../src/core/time/time-point.ts';
import { readSeedCities } from '../src/formats/plan-data/plan-data.file.ts';
import { reconcileCityRates, type ReconciledRate } from '../src/kpis/published-rate.service.ts';

const cities = await readSeedCities();
const byCity = new Map(cities.map((c) => [c.city.id, reconcileCityRates(c)]));

/** The rates the seeds publish that progress from the baseline does not reproduce, and why (DOMAIN.md). */
const EXPECTED_EXPLANATIONS: { city: string; kpiName: RegExp; printed: string; kind: string; figure?: string; value?: number; stated?: true }[] = [
  { city: 'ichinoseki', kpiName: /二酸化炭素排出削減割合/, printed: '106.4%', kind: 'ratio-method' },
  // These KPIs state the ratio as their method: computed so, their rates are reproduced (issue 12 point 7).
  { city: 'tsukuba', kpiName: /つくばスタイル科/, printed: '106%', kind: 'ratio-method', stated: true },
  { city: 'tsukuba', kpiName: /STEAM/, printed: '219%', kind: 'ratio-method', stated: true },
];

/**
 * Rates Tsukuba computed from figures more precise than the printed ones (issue 10.7): the seed
 * stores the precise value reconciliation infers, marked "inferred-from-published-rate", so the
 * rate is reproduced instead of explained. Without the precise value, reconciliation finds the
 * same value as a rounded-figure explanation.
 */
const PRECISE: { kpiId: string; printed: string; figure: 'baseline' | 'actual'; value: number }[] = [
  { kpiId: 'public-transport-satisfaction', printed: '567%', figure: 'actual', value: 41.2 },
  { kpiId: 'bus-stop-coverage', printed: '-683%', figure: 'actual', value: 79.3 },
  { kpiId: 'population-in-residential-inducement-area', printed: '51%', figure: 'baseline', value: 53.3 },
  { kpiId: 'low-carbon-satisfaction', printed: '-5%', figure: 'baseline', value: 19.6 },
];

const label = (r: ReconciledRate) => `${r.kpi.name} ${formatTimePointIso(r.published.actualAt)}→${r.published.targetId} ${r.published.printed} (${r.published.documentId})`;

describe('every published rate of the seed cities is reproduced or explained', () => {
  it('covers every published rate: Ichinoseki 24 (sheet 12 + 様式3-3 12), Tsukuba 23, Kanazawa none', () => {
    expect(byCity.get('ichinoseki')).toHaveLength(24);
    expect(byCity.get('tsukuba')).toHaveLength(23);
    expect(byCity.get('kanazawa')).toHaveLength(0);
  });

  for (const [city, rates] of [...byCity].filter(([, r]) => r.length > 0)) {
    describe(city, () => {
      for (const r of rates) {
        const expected = EXPECTED_EXPLANATIONS.find((e) => e.city === city && e.kpiName.test(r.kpi.name) && e.printed === r.published.printed);
        it(label(r), () => {
          if (!expected) {
            expect(r.result.verdict, r.result.explanation?.text.en).toBe('reproduced');
          } else {
            expect(r.result.verdict).toBe(expected.stated ? 'reproduced' : 'explained');
            expect(r.result.explanation?.kind).toBe(expected.kind);
            if (expected.figure) expect(r.result.explanation).toMatchObject({ figure: expected.figure, value: expected.value });
            expect(r.result.explanation?.text.ja.length).toBeGreaterThan(10);
          }
        });
      }
    });
  }

  it('finds each expected explanation exactly once', () => {
    for (const e of EXPECTED_EXPLANATIONS) {
      const hits = byCity.get(e.city)!.filter((r) => e.kpiName.test(r.kpi.name) && r.published.printed === e.printed);
      expect(hits, `${e.city} ${e.kpiName} ${e.printed}`).toHaveLength(1);
    }
  });
});

describe('precise values inferred from Tsukuba\'s published rates (issue 10.7)', () => {
  const tsukuba = cities.find((c) => c.city.id === 'tsukuba')!;
  for (const p of PRECISE) {
    it(`${p.kpiId} ${p.printed}: reproduced with the ${p.figure} ${p.value}, recorded as inferred`, () => {
      const r = byCity.get('tsukuba')!.find((x) => x.kpi.id === p.kpiId && x.published.printed === p.printed)!;
      expect(r.result.verdict).toBe('reproduced');
      const kpi = tsukuba.kpis.find((k) => k.id === p.kpiId)!;
      const figure = p.figure === 'baseline' ? kpi.baseline : kpi.observations.find((o) => formatTimePointIso(o.at) === formatTimePointIso(r.published.actualAt))!;
      expect(figure.precise).toMatchObject({ value: p.value, basis: 'inferred-from-published-rate' });
      expect(figure.precise!.source).toContain(p.printed);
      // Without the precise value the same figure is what reconciliation infers.
      const bare = { ...kpi, baseline: { ...kpi.baseline, precise: undefined }, observations: kpi.observations.map((o) => ({ ...o, precise: undefined })) };
      const again = reconcileCityRates({ ...tsukuba, kpis: [bare], publishedRates: [r.published] })[0]!;
      expect(again.result.explanation).toMatchObject({ kind: 'rounded-figure', figure: p.figure, value: p.value });
    });
  }
});
