import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { LRUCache } from 'lru-cache';
import { CHART_SIZES, type ChartPoint } from './kpi-time-series.chart.ts';

echarts.use([LineChart, GridComponent, LegendComponent, MarkLineComponent, SVGRenderer]);

/**
 * Several cities' KPI of one definition, each indexed to its own baseline (baseline = 100,
 * issue 15.6), as lines over time: a city of 460,000 and one of 110,000 compare by how far each
 * moved from its start. The view gives labels and points (x in fractional years as the KPI chart
 * draws them, y the index); this module only knows ECharts. The caller adds the text alternative
 * and the data table.
 */
export interface IndexedChartInput {
  readonly labels: {
    /** The name of the reference line at 100 ("基準値 = 100"). */
    readonly baseline: string;
    readonly year: (year: number) => string;
    readonly value: (value: number) => string;
  };
  /** One line per city (at most six are compared), in the order of the table. */
  readonly series: readonly { readonly name: string; readonly points: readonly ChartPoint[] }[];
}

/**
 * Line colours (contrast ≥ 3:1 on white, WCAG 1.4.11) with a distinct symbol and dash each, so
 * lines are told apart without colour too.
 */
const STYLES: readonly { colour: string; symbol: string; dash: 'solid' | 'dashed' | 'dotted' }[] = [
  { colour: '#0b5394', symbol: 'circle', dash: 'solid' },
  { colour: '#a33a00', symbol: 'diamond', dash: 'dashed' },
  { colour: '#1b5e20', symbol: 'triangle', dash: 'solid' },
  { colour: '#6a1b9a', symbol: 'rect', dash: 'dotted' },
  { colour: '#4d4d4d', symbol: 'pin', dash: 'dashed' },
  { colour: '#8a1538', symbol: 'roundRect', dash: 'dotted' },
];
const FONT = "'Noto Sans CJK JP', 'Noto Sans JP', sans-serif";

/** Drawn charts by content, bounded in bytes like the KPI chart's. */
const svgCache = new LRUCache<string, string>({ maxSize: 4 * 1024 * 1024, sizeCalculation: (svg, key) => (svg.length + key.length) * 2 });

/** The chart as an SVG string (ECharts' server-side renderer, no DOM), drawn once per content. */
export function renderIndexedChart(input: IndexedChartInput, size: keyof typeof CHART_SIZES): string {
  const key = JSON.stringify([size, input.labels.baseline, input.labels.year(2024.5), input.labels.value(-12345.678), input.series]);
  const cached = svgCache.get(key);
  if (cached !== undefined) return cached;
  const svg = draw(input, size);
  svgCache.set(key, svg);
  return svg;
}

function draw(input: IndexedChartInput, size: keyof typeof CHART_SIZES): string {
  const { width, height, fontSize } = CHART_SIZES[size];
  const narrow = size === 'narrow';
  const xs = input.series.flatMap((s) => s.points.map((p) => p.x));
  const minX = xs.length > 0 ? Math.floor(Math.min(...xs)) : 0;
  const maxX = xs.length > 0 ? Math.ceil(Math.max(...xs)) : 1;
  const span = maxX - minX;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({
      animation: false,
      aria: { enabled: false },
      textStyle: { fontFamily: FONT, fontSize, color: '#1a1a1a' },
      legend: { top: 0, left: 'center', itemGap: narrow ? 8 : 16, textStyle: { fontSize, color: '#1a1a1a' }, data: input.series.map((s) => s.name) },
      grid: { left: narrow ? 48 : 64, right: narrow ? 20 : 32, top: narrow ? 96 : 64, bottom: 32 },
      xAxis: {
        type: 'value',
        min: minX,
        max: maxX === minX ? maxX + 1 : maxX,
        interval: span <= (narrow ? 6 : 12) ? 1 : span <= (narrow ? 12 : 24) ? 2 : 5,
        axisLabel: { formatter: (v: number) => input.labels.year(v), color: '#333', fontSize, hideOverlap: true },
        axisLine: { lineStyle: { color: '#767676' } },
        splitLine: { show: true, lineStyle: { color: '#e3e3e3' } },
      },
      yAxis: {
        type: 'value',
        scale: true,
        axisLabel: { formatter: (v: number) => input.labels.value(v), color: '#333', fontSize },
        axisLine: { show: true, lineStyle: { color: '#767676' } },
        splitLine: { lineStyle: { color: '#e3e3e3' } },
      },
      series: input.series.map((s, i) => {
        const st = STYLES[i % STYLES.length]!;
        return {
          name: s.name,
          type: 'line',
          data: s.points.map((p) => [p.x, p.value]),
          symbol: st.symbol,
          symbolSize: 9,
          lineStyle: { color: st.colour, width: 3, type: st.dash },
          itemStyle: { color: st.colour },
          ...(i === 0
            ? { markLine: { silent: true, symbol: 'none', label: { formatter: input.labels.baseline, position: 'insideStartTop', color: '#333', fontSize }, lineStyle: { color: '#4d4d4d', type: 'dashed', width: 1 }, data: [{ yAxis: 100 }] } }
            : {}),
        };
      }),
    });
    // No inline <style> (the pages' Content-Security-Policy allows none; a static chart needs no hover styles).
    return chart.renderToSVGString().replace(/<style\b[^>]*>[\s\S]*?<\/style>/g, '');
  } finally {
    chart.dispose();
  }
}
