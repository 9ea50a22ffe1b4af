import type { KpiEvaluation } from '../../core/kpi/kpi-evaluation.ts';
import type { DatedValue } from '../../core/kpi/kpi.ts';
import { timePointEnd, type TimePoint } from '../../core/time/time-point.ts';
import type { KpiDetail } from '../../kpis/kpi-detail.service.ts';
import type { ChartPoint, KpiChartInput } from './kpi-time-series.chart.ts';

/** The start of a time point's span as a fractional year (its end is {@link timePointEnd}). */
function timePointStart(t: TimePoint): number {
  switch (t.kind) {
    case 'year':
      return t.year;
    case 'fiscal-year':
      return t.year + 3 / 12;
    case 'month':
      return t.year + (t.month - 1) / 12;
    case 'day':
      return timePointEnd(t) - 1 / 365;
    case 'period':
      return timePointStart(t.to);
  }
}

/**
 * Where a figure is drawn: the middle of its span, so a 2020年 value sits between the ticks
 * 2020 and 2021 and reads as "2020". The calculations use the span's end (timePointEnd);
 * drawing every point with the same shift keeps the lines straight and their order intact.
 */
export function chartX(t: TimePoint): number {
  if (t.kind === 'period') return chartX(t.to);
  return (timePointStart(t) + timePointEnd(t)) / 2;
}

const point = (d: DatedValue): ChartPoint => ({ x: chartX(d.at), value: d.value });

/** The display shift of a time point: chart x minus the calculation's x. */
const shift = (t: TimePoint) => chartX(t) - timePointEnd(t);

/** The series of a KPI's chart, measured against the evaluation's target. */
export function kpiChartSeries(detail: KpiDetail, evaluation: KpiEvaluation | null): Omit<KpiChartInput, 'labels' | 'unit'> {
  const { kpi } = detail;
  const baseline = point(kpi.baseline);
  const actuals = detail.observations.filter((o) => timePointEnd(o.at) > timePointEnd(kpi.baseline.at)).map(point);
  const targets = kpi.targets.map(point);
  const line: [ChartPoint, ChartPoint] | null = evaluation ? [baseline, point(evaluation.target)] : null;
  let forecast: [ChartPoint, ChartPoint] | null = null;
  const f = evaluation?.forecast;
  const latest = evaluation?.latest;
  if (evaluation && f && latest && f.record.method === 'linear-trend' && f.slopePerYear !== null && f.intercept !== null && f.projectedValue !== null) {
    // The trend line from the latest actual's time to the target's time, drawn with the display shift.
    const x0 = timePointEnd(latest.at);
    forecast = [
      { x: x0 + shift(latest.at), value: f.intercept + f.slopePerYear * x0 },
      { x: timePointEnd(evaluation.target.at) + shift(evaluation.target.at), value: f.projectedValue },
    ];
  }
  return { baseline, actuals, targets, line, forecast };
}
