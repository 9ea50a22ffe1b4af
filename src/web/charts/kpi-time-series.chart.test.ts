import { SaxesParser } from 'saxes';
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

describe('KPI time-series chart (server-drawn SVG)', () => {
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

describe('the chart for any series (generated and edge-case KPIs)', () => {
  const plain = { baseline: 'b', actual: 'a', target: 't', line: 'l', forecast: 'f', year: (y: number) => `${y}年`, value: (v: number) => v.toLocaleString('en-US') };
  const base = { labels: plain, unit: '人', baseline: { x: 2019.5, value: 10 }, actuals: [{ x: 2020.5, value: 12 }], targets: [{ x: 2024.5, value: 20 }], line: null, forecast: null };

  /** Parses the SVG as XML (throws on the first error) and returns its texts and the y of each value label. */
  function parse(svg: string): { texts: string[]; valueLabels: { text: string; y: number }[] } {
    const parser = new SaxesParser();
    const texts: string[] = [];
    const valueLabels: { text: string; y: number }[] = [];
    let current: { anchor: string | undefined; y: number } | null = null;
    parser.on('error', (e) => {
      throw e;
    });
    parser.on('opentag', (tag) => {
      current = tag.name === 'text' ? { anchor: tag.attributes['text-anchor'] as string | undefined, y: Number(tag.attributes['y']) } : null;
    });
    parser.on('text', (t) => {
      if (!current) return;
      texts.push(t);
      if (current.anchor === 'end') valueLabels.push({ text: t, y: current.y });
    });
    parser.write(svg).close();
    return { texts, valueLabels };
  }

  it('the same data draws the same SVG; other data, language or size draws another', () => {
    const first = renderKpiChart(base, 'wide');
    expect(renderKpiChart({ ...base, labels: { ...plain } }, 'wide')).toBe(first);
    expect(renderKpiChart({ ...base, actuals: [{ x: 2020.5, value: 13 }] }, 'wide')).not.toBe(first);
    const en = renderKpiChart({ ...base, labels: { ...plain, year: (y: number) => `FY${y}` } }, 'wide');
    expect(en).toContain('FY2020');
    expect(first).not.toContain('FY2020');
    expect(renderKpiChart(base, 'narrow')).toContain('viewBox="0 0 360 340"');
  });

  it('value ticks are round steps covering every value drawn, in order, with no floating-point noise or NaN', () => {
    const cases: { name: string; values: number[] }[] = [
      { name: 'small fractions', values: [0.1, 0.2, 0.7] },
      { name: 'negative', values: [-24.6, -11.4, -18.2] },
      { name: 'crossing zero', values: [-3, 4.5, 2] },
      { name: 'large', values: [1_234_567, 9_876_543, 5_000_000] },
      { name: 'all equal', values: [50, 50, 50] },
      { name: 'all zero', values: [0, 0, 0] },
    ];
    for (const { name, values } of cases) {
      const [b, a, t] = values as [number, number, number];
      const svg = renderKpiChart({ ...base, labels: { ...plain, value: (v: number) => String(v) }, baseline: { x: 2019.5, value: b }, actuals: [{ x: 2020.5, value: a }], targets: [{ x: 2024.5, value: t }], line: [{ x: 2019.5, value: b }, { x: 2024.5, value: t }] }, 'wide');
      expect(svg, name).not.toMatch(/NaN|Infinity|undefined/);
      const ticks = parse(svg).valueLabels.map((l) => Number(l.text));
      expect(ticks.length, name).toBeGreaterThanOrEqual(3);
      expect(ticks.length, name).toBeLessThanOrEqual(11);
      expect(Math.min(...ticks), name).toBeLessThanOrEqual(Math.min(...values));
      expect(Math.max(...ticks), name).toBeGreaterThanOrEqual(Math.max(...values));
      const steps = ticks.slice(1).map((v, i) => Number((v - ticks[i]!).toPrecision(6)));
      expect(new Set(steps).size, `${name}: equal steps ${steps}`).toBe(1);
      expect(String(steps[0]), name).toMatch(/^[1235](0*|\.?)$|^0\.0*[1235]$/);
      for (const t of ticks) expect(String(t), name).not.toMatch(/\.\d{6,}|e-/);
    }
  });

  it('one year, many years: a year axis with ticks every 1, 2 or 5 years and labels that do not overlap', () => {
    const single = renderKpiChart({ ...base, baseline: { x: 2020.5, value: 1 }, actuals: [], targets: [{ x: 2020.5, value: 2 }] }, 'narrow');
    expect(parse(single).texts).toEqual(expect.arrayContaining(['2020年', '2021年']));
    const long = renderKpiChart({ ...base, baseline: { x: 1990.5, value: 1 }, actuals: [{ x: 2000.5, value: 3 }], targets: [{ x: 2050.5, value: 2 }] }, 'narrow');
    const years = parse(long).texts.filter((t) => t.endsWith('年')).map((t) => Number(t.slice(0, -1)));
    expect(years[0]).toBe(1990);
    expect(years.slice(1).every((y, i) => (y - years[i]!) % 5 === 0)).toBe(true);
  });

  it('escapes the unit and the labels (a stored, user-entered text) and stays well-formed XML', () => {
    const svg = renderKpiChart({ ...base, unit: '<script>&"\'', labels: { ...plain, actual: 'A&B <i>' } }, 'wide');
    const { texts } = parse(svg);
    expect(texts).toContain('<script>&"\'');
    expect(texts).toContain('A&B <i>');
    expect(svg).not.toContain('<script>');
  });
});
