import { readSeedCities } from '../src/formats/plan-data/plan-data.file.ts';
import { t } from '../src/i18n/messages.ts';
import { buildKpiDetail } from '../src/kpis/kpi-detail.service.ts';
import { kpiChartSeries } from '../src/web/charts/kpi-chart-model.ts';
import { renderKpiChart, type KpiChartInput } from '../src/web/charts/kpi-time-series.chart.ts';
import { formatNumber } from '../src/web/views/format.ts';

/**
 * Milliseconds of CPU to draw one KPI page's chart (its wide and narrow SVG, as the page does)
 * for every seed KPI in both languages, repeated `rounds` times after a warm-up; the mean per
 * page. Issue 11.4: at national scale almost every KPI page draws its chart for the first time,
 * so this cost is paid on each miss (ECharts: 26–36 ms; the purpose-built SVG: see README).
 */
export async function benchKpiChart(rounds: number): Promise<{ msPerPage: number; pages: number }> {
  const inputs: KpiChartInput[] = [];
  for (const data of await readSeedCities()) {
    for (const kpi of data.kpis) {
      const detail = buildKpiDetail(data, kpi.id);
      if (!detail) continue;
      for (const lang of ['ja', 'en'] as const) {
        const labels: KpiChartInput['labels'] = {
          baseline: t(lang, 'kpi.baseline'),
          actual: t(lang, 'pub.chart.actual'),
          target: t(lang, 'kpi.target'),
          line: t(lang, 'pub.chart.line'),
          forecast: t(lang, 'pub.chart.forecast'),
          year: (y) => (lang === 'ja' ? `${y}年` : String(y)),
          value: (v) => formatNumber(v, undefined, lang),
        };
        inputs.push({ ...kpiChartSeries(detail, detail.evaluation), unit: kpi.unit, labels });
      }
    }
  }
  let bytes = 0;
  const draw = () => {
    for (const input of inputs) bytes += renderKpiChart(input, 'wide').length + renderKpiChart(input, 'narrow').length;
  };
  draw();
  const start = process.cpuUsage();
  for (let r = 0; r < rounds; r++) draw();
  const used = process.cpuUsage(start);
  if (bytes === 0) throw new Error('no chart drawn');
  return { msPerPage: (used.user + used.system) / 1000 / (rounds * inputs.length), pages: inputs.length };
}
