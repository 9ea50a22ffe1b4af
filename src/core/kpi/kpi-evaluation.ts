import { compareTimePoints, timePointEnd } from '../time/time-point.ts';
import { forecastAtTarget, type Forecast } from './forecast.ts';
import { openSdgProgress, unProgressChart, type OpenSdgAssessment, type UnProgressAssessment } from './international-assessment.ts';
import { forRates, kpiDirection, type Kpi, type KpiDirection, type KpiTarget, type Observation } from './kpi.ts';
import { assessStatus, type StatusAssessment } from './status.ts';

/** Everything computed for a KPI against one of its targets. */
export interface KpiEvaluation {
  readonly kpiId: string;
  readonly target: KpiTarget;
  readonly direction: KpiDirection;
  readonly latest: Observation | undefined;
  readonly status: StatusAssessment;
  readonly forecast: Forecast;
  readonly un: UnProgressAssessment;
  readonly openSdg: OpenSdgAssessment;
}

/** Observations in time order (the stored order is not guaranteed). */
export function sortedObservations(kpi: Pick<Kpi, 'observations'>): Observation[] {
  return [...kpi.observations].sort((a, b) => compareTimePoints(a.at, b.at));
}

/**
 * The target a row measures against: the one named, else the nearest one still ahead of the
 * latest actual, else the last.
 */
export function chooseTarget(kpi: Pick<Kpi, 'targets' | 'observations'>, targetId?: string): KpiTarget | undefined {
  if (targetId) return kpi.targets.find((t) => t.id === targetId);
  const sorted = [...kpi.targets].sort((a, b) => compareTimePoints(a.at, b.at));
  const latest = sortedObservations(kpi).at(-1);
  if (!latest) return sorted[0];
  const t = timePointEnd(latest.at);
  return sorted.find((x) => timePointEnd(x.at) >= t) ?? sorted.at(-1);
}

/**
 * Evaluates a KPI against a target: the latest actual up to the target's time (or the very
 * latest when none is earlier), its rate, status, forecast and the international assessments.
 */
export function evaluateKpi(kpi: Kpi, targetId?: string): KpiEvaluation | null {
  const target = chooseTarget(kpi, targetId);
  if (!target) return null;
  const direction = kpiDirection(kpi, target);
  const observations = sortedObservations(kpi).filter((o) => timePointEnd(o.at) > timePointEnd(kpi.baseline.at));
  const latest = observations.at(-1);
  // Rates and trends use the precise values where known (issue 10.7); `latest` and `target`
  // stay as printed, for display.
  const baseline = forRates(kpi.baseline);
  const actual = latest && forRates(latest);
  const goal = forRates(target);
  return {
    kpiId: kpi.id,
    target,
    direction,
    latest,
    status: assessStatus({ baseline, actual, target: goal, direction, method: kpi.method }),
    forecast: forecastAtTarget([baseline, ...observations.map(forRates)], goal, direction),
    un: unProgressChart(baseline, actual, goal),
    openSdg: openSdgProgress(baseline, actual, goal, direction),
  };
}
