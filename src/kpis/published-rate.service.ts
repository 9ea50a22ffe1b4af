import type { CityData, PublishedRate, SourceDocument } from '../core/city/city.ts';
import type { Kpi } from '../core/kpi/kpi.ts';
import { figuresAsPublished, rateOnTodaysData, type FigureUsed, type RateOnTodaysData } from '../core/reconciliation/as-published.ts';
import { decimalsOf } from '../core/quantity.ts';
import { reconcile, type PrintedFigure, type Reconciliation } from '../core/reconciliation/reconcile.ts';

export { figuresAsPublished, rateOnTodaysData, type FigureUsed, type FiguresAsPublished, type RateOnTodaysData } from '../core/reconciliation/as-published.ts';

/** A stored published rate, reconciled with the figures it was printed beside. */
export interface ReconciledRate {
  readonly kpi: Kpi;
  readonly published: PublishedRate;
  readonly result: Reconciliation;
  /** The same time point's rate on today's data (current actual and target), for comparison. */
  readonly today: RateOnTodaysData | null;
}

/**
 * Reconciles every published rate of a city with its KPI's figures as they stood when the
 * document was published (see {@link figuresAsPublished}), and adds the rate on today's data.
 */
export function reconcileCityRates(data: CityData): ReconciledRate[] {
  const kpiById = new Map(data.kpis.map((k) => [k.id, k]));
  const docById = new Map(data.documents.map((d) => [d.id, d]));
  const out: ReconciledRate[] = [];
  for (const published of data.publishedRates) {
    const kpi = kpiById.get(published.kpiId);
    const result = kpi ? reconcilePublishedRate(kpi, published, docById.get(published.documentId)) : null;
    if (kpi && result) out.push({ kpi, published, result, today: rateOnTodaysData(kpi, published) });
  }
  return out;
}

/**
 * Reconciles one published rate with the figures as they stood when its document was
 * published (without the document: the figures the rate row itself carries, else today's);
 * null when the figures it refers to are missing.
 */
export function reconcilePublishedRate(kpi: Kpi, published: PublishedRate, document?: Pick<SourceDocument, 'published'>): Reconciliation | null {
  const figures = figuresAsPublished(kpi, published, document);
  if (!figures) return null;
  // A precise value (issue 10.7) stands in for its printed figure, with its own decimals.
  const fig = (v: FigureUsed): PrintedFigure => (v.precise ? { value: v.precise.value, decimals: decimalsOf(v.precise.value), unit: kpi.unit } : { value: v.value, decimals: v.decimals, unit: kpi.unit });
  return reconcile({
    baseline: fig(figures.baseline),
    actual: fig(figures.actual),
    target: fig(figures.target),
    publishedRate: { value: published.rate, decimals: published.decimals },
    // A KPI computed as actual / target reproduces its own published ratio; it is not an explanation.
    method: kpi.method === 'ratio' ? 'ratio-method' : 'progress-from-baseline',
  });
}

