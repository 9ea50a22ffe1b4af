import { describe, expect, it } from 'vitest';
import { benchNational, PAGE_TYPES } from '../../bench/national/national-bench.ts';
import { generateCity } from '../../bench/national/generate.ts';
import { readPlanData } from '../../src/formats/plan-data/plan-data.reader.ts';
import { findPostgresBinDir } from '../support/postgres-server.ts';

/**
 * The national benchmark's path as a test of correctness, not timing (issue 11.5): a small N
 * (10 cities, one-second loads; `--national=100` takes several minutes on 2 shared cores) runs
 * the whole path (generate, import, serve from a child process, load every page type, one write)
 * and every key must be present and sane and every answer a 200.
 */
describe('the national benchmark', () => {
  it('generates the same valid cities from the same seed, 50–300 KPIs with ten years of actuals', () => {
    const a = generateCity(7);
    const b = generateCity(7);
    expect(JSON.stringify(a.file)).toBe(JSON.stringify(b.file));
    for (let i = 0; i < 5; i++) {
      const city = generateCity(i);
      const read = readPlanData(city.file);
      expect(read.ok).toBe(true);
      if (!read.ok) continue;
      expect(read.value.kpis.length).toBeGreaterThanOrEqual(50);
      expect(read.value.kpis.length).toBeLessThanOrEqual(300);
      for (const k of read.value.kpis) expect(k.observations).toHaveLength(10);
    }
  });

  it.skipIf(!findPostgresBinDir() && !process.env['CI'])(
    'runs end to end on 10 cities: every key present and sane, every answer 200',
    async () => {
      const f = await benchNational({ cities: 10, seconds: 1, mixedSeconds: 2, log: () => {} });
      expect(f['national.cities']).toBe(10);
      expect(f['national.kpis']).toBeGreaterThanOrEqual(10 * 50);
      const ms = f['national.import_ms_per_city'] as Record<string, number>;
      for (const k of ['mean', 'p50', 'p95', 'max']) expect(ms[k]).toBeGreaterThan(0);
      const positive = ['national.server_start_ms', 'national.first_request_ms', 'national.rss_mb', 'national.write_visible_ms', 'national.db_mb'];
      for (const key of positive) {
        expect(f[key], key).toBeTypeOf('number');
        expect(f[key] as number, key).toBeGreaterThan(0);
      }
      expect(f['national.rss_mb'] as number).toBeLessThan(4096);
      // Timings are not asserted (a starved machine may complete no request of a one-second load:
      // its percentile is then NaN, null in the JSON), only their shape.
      const sane = (x: unknown) => Number.isNaN(x) || (typeof x === 'number' && x > 0);
      expect(f['national.mixed_50.rps']).toBeGreaterThanOrEqual(0);
      expect(sane(f['national.mixed_50.p95_ms'])).toBe(true);
      for (const key of ['national.p95_ms_10', 'national.p50_ms_10', 'national.p95_ms_50']) {
        const byType = f[key] as Record<string, number>;
        expect(Object.keys(byType).sort(), key).toEqual([...PAGE_TYPES].sort());
        for (const type of PAGE_TYPES) expect(sane(byType[type]), `${key}.${type}: ${byType[type]}`).toBe(true);
      }
      // Each page type was asked once after the start, outside the loads.
      expect(Object.keys(f['national.first_requests_ms'] as object).sort()).toEqual([...PAGE_TYPES].sort());
      // Every answer of every load, and the first ones after the start, was a 200.
      expect(Object.keys(f['national.statuses'] as object).filter((s) => s !== '200')).toEqual([]);
      expect(f['national.errors']).toBe(0);
      expect(f['national.bad_first_answers']).toEqual([]);
    },
    240_000,
  );
});
