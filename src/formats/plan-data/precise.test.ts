import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readPlanData } from './plan-data.reader.ts';

const tsukuba = JSON.parse(readFileSync(new URL('../../../data/seeds/tsukuba.json', import.meta.url), 'utf8'));

describe('precise values in the plan data file (issue 10.7)', () => {
  it('reads them beside the printed figure, with source and basis', () => {
    const r = readPlanData(tsukuba);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const kpi = r.value.kpis.find((k) => k.id === 'public-transport-satisfaction')!;
    expect(kpi.observations[0]).toMatchObject({ value: 41, decimals: 0, precise: { value: 41.2, basis: 'inferred-from-published-rate' } });
    expect(r.value.kpis.find((k) => k.id === 'low-carbon-satisfaction')!.baseline).toMatchObject({ value: 20, precise: { value: 19.6 } });
  });

  it('refuses a precise value that does not round to the printed figure, naming where', () => {
    const bad = structuredClone(tsukuba);
    const k = bad.kpis.find((x: { id: string }) => x.id === 'public-transport-satisfaction');
    k.observations[0].precise.value = '41.5';
    const r = readPlanData(bad);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const i = bad.kpis.indexOf(k);
    expect(r.error).toContainEqual({ path: `kpis.${i}.observations.0.precise.value`, message: 'precise value 41.5 does not round to the printed 41 (0 decimal(s))' });
  });

  it('refuses a precise value that is not a plain number, or without a source', () => {
    const bad = structuredClone(tsukuba);
    const k = bad.kpis.find((x: { id: string }) => x.id === 'low-carbon-satisfaction');
    k.baseline.precise = { value: '約19.6', source: '' };
    const r = readPlanData(bad);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.map((p) => p.path)).toEqual(expect.arrayContaining([expect.stringMatching(/baseline\.precise\.value$/), expect.stringMatching(/baseline\.precise\.source$/)]));
  });
});
