import { describe, expect, it } from 'vitest';
import { readSeedCities } from '../../formats/plan-data/plan-data.file.ts';
import { buildKpiDetail } from '../../kpis/kpi-detail.service.ts';
import { chartX, kpiChartSeries } from './kpi-chart-model.ts';
import { renderKpiChart, type KpiChartInput } from './kpi-time-series.chart.ts';

const labels: KpiChartInput['labels'] = {
  baseline: 'BASELINE-SERIES',
  actual: 'ACTUAL-SERIES',
  target: 'TARGET-SERIES',
  line: 'LINE-SERIES',
  forecast: 'FORECAST-SERIES',
  year: (y) => `Y${y}`,
  value: (v) => `V${v}`,
};

describe('KPI time-series chart (ECharts SSR, SVG)', () => {
  it('renders on the server without a DOM', () => {
    expect(typeof (globalThis as { document?: unknown }).document).toBe('undefined');
  });

  it('draws baseline, actuals, targets, the straight line and the forecast of a seeded KPI', async () => {
    const tsukuba = (await readSeedCities()).find((d) => d.city.id === 'tsukuba')!;
    const detail = buildKpiDetail(tsukuba, 'new-business-founders')!;
    const series = kpiChartSeries(detail, detail.evaluation);
    // 420 社 (2020年) → 871 社 (2024年3月), target 1,111 社 (2030年): the trend is projected to 2030.
    expect(series.baseline).toEqual({ x: 2020.5, value: 420 });
    expect(series.actuals).toEqual([{ x: chartX({ kind: 'month', year: 2024, month: 3 }), value: 871 }]);
    expect(series.targets).toEqual([{ x: 2030.5, value: 1111 }]);
    expect(series.line).toEqual([series.baseline, { x: 2030.5, value: 1111 }]);
    expect(series.forecast?.[1].x).toBeCloseTo(2030.5, 6);
    expect(series.forecast?.[1].value).toBeCloseTo(detail.evaluation!.forecast.projectedValue!, 6);

    const svg = renderKpiChart({ ...series, labels, unit: '社' }, 'wide');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('viewBox="0 0 760 380"');
    for (const name of ['ACTUAL-SERIES', 'BASELINE-SERIES', 'TARGET-SERIES', 'LINE-SERIES', 'FORECAST-SERIES']) expect(svg).toContain(name);
    expect(svg).toContain('Y2020');
    expect(svg).toContain('Y2030');
    expect(svg).toContain('社');
    // The dashed straight line and the dotted forecast are drawn with dash arrays.
    expect((svg.match(/stroke-dasharray/g) ?? []).length).toBeGreaterThanOrEqual(2);
    // Series colours: actual, target outline, straight line, forecast.
    for (const colour of ['#0b5394', '#a33a00', '#1b5e20', '#6a1b9a']) expect(svg).toContain(colour);
  });

  it('leaves out the forecast once an actual reaches the target time, and the narrow size fits a phone', async () => {
    const ichinoseki = (await readSeedCities()).find((d) => d.city.id === 'ichinoseki')!;
    const detail = buildKpiDetail(ichinoseki, 'co2-reduction-vs-2013')!;
    const series = kpiChartSeries(detail, detail.evaluation);
    expect(series.actuals.map((p) => p.value)).toEqual([-24.6, -22.2, -21.7]);
    expect(series.targets.map((p) => p.value)).toEqual([-18.2, -20.4]);
    expect(series.forecast).toBeNull();
    const svg = renderKpiChart({ ...series, labels, unit: '％' }, 'narrow');
    expect(svg).toContain('viewBox="0 0 360 340"');
    expect(svg).not.toContain('FORECAST-SERIES');
    expect(svg).toContain('V-21');
  });
});

describe('renderKpiChart cache', () => {
  it('draws the same data once and different data anew', async () => {
    const { renderKpiChart } = await import('./kpi-time-series.chart.ts');
    const labels = { baseline: 'b', actual: 'a', target: 't', line: 'l', forecast: 'f', year: (y: number) => `${Math.floor(y)}年`, value: (v: number) => String(v) };
    const input = { labels, unit: '人', baseline: { x: 2019.5, value: 10 }, actuals: [{ x: 2020.5, value: 12 }], targets: [{ x: 2024.5, value: 20 }], line: null, forecast: null };
    const first = renderKpiChart(input, 'wide');
    expect(renderKpiChart({ ...input, labels: { ...labels } }, 'wide')).toBe(first);
    const other = renderKpiChart({ ...input, actuals: [{ x: 2020.5, value: 13 }] }, 'wide');
    expect(other).not.toBe(first);
    const en = renderKpiChart({ ...input, labels: { ...labels, year: (y: number) => `FY${Math.floor(y)}` } }, 'wide');
    expect(en).toContain('FY2020');
    expect(first).not.toContain('FY2020');
  });
});
