import type { PublishedRate, SourceDocument } from '../city/city.ts';
import { achievement } from '../kpi/achievement.ts';
import { kpiDirection, targetValueKnownOn, type Kpi } from '../kpi/kpi.ts';
import { endOfIsoDateInJapan } from '../time/iso-date.ts';
import { decimalsOf } from '../quantity.ts';
import { formatTimePointIso } from '../time/time-point.ts';

/*
 * A published rate is explained by the figures as they stood when its document was published,
 * not by today's data: targets revised and actuals corrected since must not turn a city's own
 * published rate into "unexplained" (issue 10.6). Pure: the loader supplies the history.
 */

/** The figures a published rate is reconciled with: as they stood on the document's date. */
export interface FiguresAsPublished {
  readonly baseline: { readonly value: number; readonly decimals: number };
  readonly actual: { readonly value: number; readonly decimals: number };
  readonly target: { readonly value: number; readonly decimals: number };
}

/** The rate (percent, unrounded, by the KPI's method) of a published rate's time point on the current figures. */
export interface RateOnTodaysData {
  readonly rate: number | null;
  readonly actual: { readonly value: number; readonly decimals: number };
  readonly target: { readonly value: number; readonly decimals: number };
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
  const actual = published.actual ?? published.actualAsPublished ?? (observation ? { value: observation.value, decimals: observation.decimals ?? decimalsOf(observation.value) } : null);
  const targetFigure = published.targetValue ?? (target ? (document ? targetValueKnownOn(target, document.published, endOfIsoDateInJapan(document.published), 'before') : { value: target.value, decimals: target.decimals ?? decimalsOf(target.value) }) : null);
  if (!actual || !targetFigure) return null;
  return { baseline: { value: kpi.baseline.value, decimals: kpi.baseline.decimals ?? decimalsOf(kpi.baseline.value) }, actual, target: targetFigure };
}

/** The rate of the published rate's time point on the current actual and target (the KPI's method); null without them. */
export function rateOnTodaysData(kpi: Kpi, published: PublishedRate): RateOnTodaysData | null {
  const observation = currentObservation(kpi, published);
  const target = kpi.targets.find((t) => t.id === published.targetId);
  if (!observation || !target) return null;
  const a = achievement({ baseline: kpi.baseline.value, actual: observation.value, target: target.value, method: kpi.method, direction: kpiDirection(kpi, target) });
  return {
    rate: a.displayRate,
    actual: { value: observation.value, decimals: observation.decimals ?? decimalsOf(observation.value) },
    target: { value: target.value, decimals: target.decimals ?? decimalsOf(target.value) },
  };
}

/** The current actual at the published rate's time point. */
function currentObservation(kpi: Kpi, published: PublishedRate) {
  const at = formatTimePointIso(published.actualAt);
  return kpi.observations.find((o) => formatTimePointIso(o.at) === at);
}
