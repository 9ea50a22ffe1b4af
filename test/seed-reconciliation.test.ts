import { describe, expect, it } from 'vitest';
import { formatTimePointIso } from '../src/core/time/time-point.ts';
import { readSeedCities } from '../src/formats/plan-data/plan-data.file.ts';
import { reconcileCityRates, type ReconciledRate } from '../src/services/published-rate.service.ts';

const cities = await readSeedCities();
const byCity = new Map(cities.map((c) => [c.city.id, reconcileCityRates(c)]));

/** The rates the seeds publish that progress from the baseline does not reproduce, and why (DOMAIN.md). */
const EXPECTED_EXPLANATIONS: { city: string; kpiName: RegExp; printed: string; kind: string; figure?: string; value?: number; stated?: true }[] = [
  { city: 'ichinoseki', kpiName: /二酸化炭素排出削減割合/, printed: '106.4%', kind: 'ratio-method' },
  // These KPIs state the ratio as their method: computed so, their rates are reproduced (issue 12 point 7).
  { city: 'tsukuba', kpiName: /つくばスタイル科/, printed: '106%', kind: 'ratio-method', stated: true },
  { city: 'tsukuba', kpiName: /STEAM/, printed: '219%', kind: 'ratio-method', stated: true },
  { city: 'tsukuba', kpiName: /^公共交通満足度/, printed: '567%', kind: 'rounded-figure', figure: 'actual', value: 41.2 },
  { city: 'tsukuba', kpiName: /バス停圏域/, printed: '-683%', kind: 'rounded-figure', figure: 'actual', value: 79.3 },
  { city: 'tsukuba', kpiName: /居住誘導区域/, printed: '51%', kind: 'rounded-figure', figure: 'baseline', value: 53.3 },
  { city: 'tsukuba', kpiName: /低炭素社会/, printed: '-5%', kind: 'rounded-figure', figure: 'baseline', value: 19.6 },
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
