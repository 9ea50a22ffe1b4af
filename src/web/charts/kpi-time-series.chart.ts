import { LineChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { LRUCache } from 'lru-cache';

echarts.use([LineChart, ScatterChart, GridComponent, LegendComponent, MarkLineComponent, SVGRenderer]);

/** A point of the chart: x in fractional years (the middle of the span the figure is for). */
export interface ChartPoint {
  readonly x: number;
  readonly value: number;
}

/**
 * What the KPI chart draws, already in display terms: the view decides the labels (from the
 * message catalog) and positions; this module only knows ECharts.
 */
export interface KpiChartInput {
  readonly labels: {
    readonly baseline: string;
    readonly actual: string;
    readonly target: string;
    readonly line: string;
    readonly forecast: string;
    /** Formats an x value (a year) for the axis. */
    readonly year: (year: number) => string;
    /** Formats a y value for the axis (thousands separators). */
    readonly value: (value: number) => string;
  };
  readonly unit: string;
  readonly baseline: ChartPoint;
  readonly actuals: readonly ChartPoint[];
  readonly targets: readonly ChartPoint[];
  /** The straight line from the baseline to the current target. */
  readonly line: readonly [ChartPoint, ChartPoint] | null;
  /** The trend from the latest actual to its projected value at the target's time. */
  readonly forecast: readonly [ChartPoint, ChartPoint] | null;
}

/** Sizes the page renders: a wide chart for screens and print, a narrow one for phones. */
export const CHART_SIZES = {
  wide: { width: 760, height: 380, fontSize: 13 },
  narrow: { width: 360, height: 340, fontSize: 12 },
} as const;

/** Series colours: contrast ≥ 3:1 on white (WCAG 1.4.11), told apart by symbol and dash too. */
const COLOURS = { actual: '#0b5394', baseline: '#4d4d4d', target: '#a33a00', line: '#1b5e20', forecast: '#6a1b9a' } as const;
const FONT = "'Noto Sans CJK JP', 'Noto Sans JP', sans-serif";

const pair = (p: ChartPoint): [number, number] => [p.x, p.value];

/** Year ticks every 1, 2 or 5 years depending on the span shown. */
function tickInterval(span: number, narrow: boolean): number {
  const perTick = narrow ? 6 : 12;
  if (span <= perTick) return 1;
  if (span <= perTick * 2) return 2;
  return 5;
}

/**
 * The KPI's time series as an SVG string, rendered on the server by ECharts (no DOM): the
 * baseline, the actuals joined by a line, the target points, the dashed straight line from
 * baseline to target and the dotted forecast. The caller wraps it with a text alternative.
 */
export function renderKpiChart(input: KpiChartInput, size: keyof typeof CHART_SIZES): string {
  // Drawing with ECharts was 54 % of a KPI page's CPU (issue 11.4): the same data draws the same
  // SVG, so each one is drawn once and kept, keyed by everything it is drawn from.
  const key = chartKey(input, size);
  const cached = svgCache.get(key);
  if (cached !== undefined) return cached;
  const svg = drawKpiChart(input, size);
  svgCache.set(key, svg);
  return svg;
}

/**
 * Drawn charts by content, bounded in bytes (UTF-16 length × 2): about 8 MB holds a few thousand
 * charts, the KPIs people actually open; the rest are drawn again when asked.
 */
const svgCache = new LRUCache<string, string>({ maxSize: 8 * 1024 * 1024, sizeCalculation: (svg, key) => (svg.length + key.length) * 2 });

/**
 * Everything a chart is drawn from: the points, unit and labels, with a sample of each label
 * formatter's output so that a language change (formatters are functions) changes the key.
 */
function chartKey(input: KpiChartInput, size: string): string {
  const { labels } = input;
  return JSON.stringify([
    size,
    labels.baseline,
    labels.actual,
    labels.target,
    labels.line,
    labels.forecast,
    labels.year(2024.5),
    labels.value(-12345.678),
    input.unit,
    input.baseline,
    input.actuals,
    input.targets,
    input.line,
    input.forecast,
  ]);
}

/** Draws the chart with ECharts' server-side SVG renderer (no DOM). */
function drawKpiChart(input: KpiChartInput, size: keyof typeof CHART_SIZES): string {
  const { width, height, fontSize } = CHART_SIZES[size];
  const narrow = size === 'narrow';
  const xs = [input.baseline, ...input.actuals, ...input.targets, ...(input.forecast ?? [])].map((p) => p.x);
  const minX = Math.floor(Math.min(...xs));
  const maxX = Math.ceil(Math.max(...xs));
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({
      animation: false,
      aria: { enabled: false },
      textStyle: { fontFamily: FONT, fontSize, color: '#1a1a1a' },
      legend: {
        top: 0,
        left: 'center',
        itemGap: narrow ? 8 : 16,
        textStyle: { fontSize, color: '#1a1a1a' },
        data: [input.labels.actual, input.labels.baseline, input.labels.target, input.labels.line, input.labels.forecast].filter((name) =>
          name === input.labels.line ? input.line !== null : name === input.labels.forecast ? input.forecast !== null : true,
        ),
      },
      grid: { left: narrow ? 8 : 16, right: narrow ? 20 : 32, top: narrow ? 84 : 56, bottom: 8 },
      xAxis: {
        type: 'value',
        min: minX,
        max: maxX === minX ? maxX + 1 : maxX,
        interval: tickInterval(maxX - minX, narrow),
        axisLabel: { formatter: (v: number) => input.labels.year(v), color: '#333', fontSize, hideOverlap: true },
        axisLine: { lineStyle: { color: '#767676' } },
        splitLine: { show: true, lineStyle: { color: '#e3e3e3' } },
      },
      yAxis: {
        type: 'value',
        scale: true,
        name: input.unit,
        nameTextStyle: { color: '#333', fontSize, align: 'left' },
        axisLabel: { formatter: (v: number) => input.labels.value(v), color: '#333', fontSize },
        axisLine: { show: true, lineStyle: { color: '#767676' } },
        splitLine: { lineStyle: { color: '#e3e3e3' } },
      },
      series: [
        {
          name: input.labels.actual,
          type: 'line',
          data: [pair(input.baseline), ...input.actuals.map(pair)],
          symbol: 'circle',
          symbolSize: 9,
          lineStyle: { color: COLOURS.actual, width: 3 },
          itemStyle: { color: COLOURS.actual },
          z: 5,
        },
        {
          name: input.labels.baseline,
          type: 'scatter',
          data: [pair(input.baseline)],
          symbol: 'rect',
          symbolSize: 12,
          itemStyle: { color: COLOURS.baseline },
          z: 6,
        },
        {
          name: input.labels.target,
          type: 'scatter',
          data: input.targets.map(pair),
          symbol: 'diamond',
          symbolSize: 16,
          itemStyle: { color: '#fff', borderColor: COLOURS.target, borderWidth: 3 },
          z: 6,
        },
        ...(input.line
          ? [{ name: input.labels.line, type: 'line', data: input.line.map(pair), symbol: 'none', lineStyle: { color: COLOURS.line, type: 'dashed', width: 2 }, itemStyle: { color: COLOURS.line }, z: 3 }]
          : []),
        ...(input.forecast
          ? [
              {
                name: input.labels.forecast,
                type: 'line',
                data: input.forecast.map(pair),
                symbol: 'none',
                lineStyle: { color: COLOURS.forecast, type: 'dotted', width: 3 },
                itemStyle: { color: COLOURS.forecast },
                z: 4,
              },
            ]
          : []),
      ],
    });
    // ECharts adds <style> elements of hover effects for its interactive renderer; a static chart
    // needs none, and the pages' Content-Security-Policy allows no inline <style> element.
    return chart.renderToSVGString().replace(/<style\b[^>]*>[\s\S]*?<\/style>/g, '');
  } finally {
    chart.dispose();
  }
}

/** Text for XML character data and attribute values. */
function escapeXml(s: string): string {
  // Characters XML 1.0 does not allow at all (stored texts refuse them; a file must parse anyway).
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '').replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch]!);
}

/**
 * The chart as a file people take away (issue 15.4): a standalone SVG document with an XML
 * declaration, a white background (a transparent chart is unreadable on a dark slide), and its
 * title and text alternative as `<title>` and `<desc>`, so the file explains itself when it is
 * opened, embedded or read aloud. The wide size: a file is not laid out for a phone.
 */
export function standaloneKpiChartSvg(input: KpiChartInput, text: { readonly title: string; readonly description: string }): string {
  const svg = renderKpiChart(input, 'wide');
  const open = svg.indexOf('>', svg.indexOf('<svg')) + 1;
  const head = svg.slice(0, open).replace('<svg ', '<svg role="img" aria-labelledby="chart-title chart-desc" ');
  const body = svg.slice(open).replace(/<rect width="(\d+)" height="(\d+)" x="0" y="0" fill="none"><\/rect>/, '<rect width="$1" height="$2" x="0" y="0" fill="#ffffff"></rect>');
  return `<?xml version="1.0" encoding="UTF-8"?>\n${head}\n<title id="chart-title">${escapeXml(text.title)}</title>\n<desc id="chart-desc">${escapeXml(text.description)}</desc>${body}`;
}
