import type { PublishedRate, SourceDocument } from '../city/city.ts';
import { achievement } from '../kpi/achievement.ts';
import { kpiDirection, targetValueKnownOn, valueForRates, type DatedValue, type Kpi, type PreciseValue } from '../kpi/kpi.ts';
import { endOfIsoDateInJapan } from '../time/iso-date.ts';
import { decimalsOf } from '../quantity.ts';
import { formatTimePointIso } from '../time/time-point.ts';

/*
 * A published rate is explained by the figures as they stood when its document was published,
 * not by today's data: targets revised and actuals corrected since must not turn a city's own
 * published rate into "unexplained" (issue 10.6). Pure: the loader supplies the history.
 */

/** A printed figure (value and decimals as printed) with the precise value behind it, when known. */
export interface FigureUsed {
  readonly value: number;
  readonly decimals: number;
  readonly precise?: PreciseValue;
}

/** The figures a published rate is reconciled with: as they stood on the document's date. */
export interface FiguresAsPublished {
  readonly baseline: FigureUsed;
  readonly actual: FigureUsed;
  readonly target: FigureUsed;
}

/** The rate (percent, unrounded, by the KPI's method) of a published rate's time point on the current figures. */
export interface RateOnTodaysData {
  readonly rate: number | null;
  readonly actual: FigureUsed;
  readonly target: FigureUsed;
}

/** The figure as printed with the stored precise value kept when it belongs to the same printed number. */
function figureOf(d: DatedValue | undefined, printed?: { value: number; decimals: number }): FigureUsed | null {
  if (!d && !printed) return null;
  const shown = printed ?? { value: d!.value, decimals: d!.decimals ?? decimalsOf(d!.value) };
  const precise = d?.precise && d.value === shown.value ? d.precise : undefined;
  return { ...shown, ...(precise && { precise }) };
}

/**
 * The figures a published rate was computed from, as they stood on its document's date:
 * the actual the document printed (when transcribed) or the stored actual as it stood then
 * (`actualAsPublished`, else the current one); the target as the document printed it, or its
 * value on the document's date (revisions decided in the document's month or later undone:
 * a document announcing a revision computed its rates before it). Null when a figure is missing.
 */
export function figuresAsPublished(kpi: Kpi, published: PublishedRate, document?: Pick<SourceDocument, 'published'>): FiguresAsPublished | null {
  const observation = currentObservation(kpi, published);
  const target = kpi.targets.find((t) => t.id === published.targetId);
  const actual = (published.actual ?? published.actualAsPublished) ? figureOf(observation, published.actual ?? published.actualAsPublished) : figureOf(observation);
  const targetFigure = target ? figureOf(target, published.targetValue ?? (document ? targetValueKnownOn(target, document.published, endOfIsoDateInJapan(document.published), 'before') : undefined)) : published.targetValue ? figureOf(undefined, published.targetValue) : null;
  if (!actual || !targetFigure) return null;
  return { baseline: figureOf(kpi.baseline)!, actual, target: targetFigure };
}

/** The rate of the published rate's time point on the current actual and target (the KPI's method); null without them. */
export function rateOnTodaysData(kpi: Kpi, published: PublishedRate): RateOnTodaysData | null {
  const observation = currentObservation(kpi, published);
  const target = kpi.targets.find((t) => t.id === published.targetId);
  if (!observation || !target) return null;
  const a = achievement({ baseline: valueForRates(kpi.baseline), actual: valueForRates(observation), target: valueForRates(target), method: kpi.method, direction: kpiDirection(kpi, target) });
  return { rate: a.displayRate, actual: figureOf(observation)!, target: figureOf(target)! };
}

/** The current actual at the published rate's time point. */
function currentObservation(kpi: Kpi, published: PublishedRate) {
  const at = formatTimePointIso(published.actualAt);
  return kpi.observations.find((o) => formatTimePointIso(o.at) === at);
}
