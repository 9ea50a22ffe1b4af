import type { CityData, PublishedRate } from '../core/city/city.ts';
import type { Kpi } from '../core/kpi/kpi.ts';
import { decimalsOf } from '../core/quantity.ts';
import { reconcile, type PrintedFigure, type Reconciliation } from '../core/reconciliation/reconcile.ts';
import { formatTimePointIso } from '../core/time/time-point.ts';

/** A stored published rate, reconciled with the figures it was printed beside. */
export interface ReconciledRate {
  readonly kpi: Kpi;
  readonly published: PublishedRate;
  readonly result: Reconciliation;
}

/**
 * Reconciles every published rate of a city with its KPI's figures: the baseline, the actual
 * at the rate's time point (or the figure the document printed), and the target as the
 * document used it (before any later revision).
 */
export function reconcileCityRates(data: CityData): ReconciledRate[] {
  const kpiById = new Map(data.kpis.map((k) => [k.id, k]));
  const out: ReconciledRate[] = [];
  for (const published of data.publishedRates) {
    const kpi = kpiById.get(published.kpiId);
    const result = kpi ? reconcilePublishedRate(kpi, published) : null;
    if (kpi && result) out.push({ kpi, published, result });
  }
  return out;
}

/** Reconciles one published rate; null when the figures it refers to are missing. */
export function reconcilePublishedRate(kpi: Kpi, published: PublishedRate): Reconciliation | null {
  const at = formatTimePointIso(published.actualAt);
  const observation = kpi.observations.find((o) => formatTimePointIso(o.at) === at);
  const target = kpi.targets.find((t) => t.id === published.targetId);
  const actual = published.actual ?? (observation ? { value: observation.value, decimals: observation.decimals ?? decimalsOf(observation.value) } : null);
  const targetFigure = published.targetValue ?? (target ? { value: target.value, decimals: target.decimals ?? decimalsOf(target.value) } : null);
  if (!actual || !targetFigure) return null;
  const fig = (v: { value: number; decimals: number }): PrintedFigure => ({ value: v.value, decimals: v.decimals, unit: kpi.unit });
  return reconcile({
    baseline: fig({ value: kpi.baseline.value, decimals: kpi.baseline.decimals ?? decimalsOf(kpi.baseline.value) }),
    actual: fig(actual),
    target: fig(targetFigure),
    publishedRate: { value: published.rate, decimals: published.decimals },
    // A KPI computed as actual / target reproduces its own published ratio; it is not an explanation.
    method: kpi.method === 'ratio' ? 'ratio-method' : 'progress-from-baseline',
  });
}
