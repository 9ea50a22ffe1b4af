import type { CityData } from '../core/city/city.ts';
import type { Executor } from '../storage/database.ts';
import { awardApplicationDates, heldActivities, kpiBindingsOfCity } from './activity.repository.ts';
import { mergePlatformObservations, platformObservations, type PlatformRecords, type StartingFigure } from './platform-count.ts';
import { publishedFigureEnd, publishedFiguresOf, type PublishedFigure } from './published-figure.ts';
import { formatTimePointIso, formatTimePointJa, type TimePoint } from '../core/time/time-point.ts';
import { registrationHistory } from './partner.repository.ts';
import { programmeOfCity } from './partner.service.ts';
import { kpiBindingSchema } from './programme.ts';
import { listReviewStatuses } from '../review/review.repository.ts';
import { actualKey } from '../review/review.ts';

/**
 * Feeds bound KPIs from the platform: the city's data as stored, with each bound KPI's actuals
 * from the programme's first year on replaced by platform counts marked `system-computed`.
 * The store runs this on every load, so an approval (which invalidates the store) shows at once.
 */
export async function withPlatformObservations(db: Executor, data: CityData, today: string): Promise<CityData> {
  const bindings = await kpiBindingsOfCity(db, data.city.id);
  if (bindings.length === 0) return data;
  const programme = await programmeOfCity(db, data.city.id);
  if (!programme) return data;
  const [partners, held, awardApplications] = await Promise.all([registrationHistory(db, programme.id), heldActivities(db, programme.id), awardApplicationDates(db, programme.id)]);
  const records: PlatformRecords = { partners, ...held, awardApplications };
  const firstYear = Number(programme.startedOn.slice(0, 4));
  const specs = new Map(bindings.map((b) => [kpiBindingSchema.parse(b.spec).kpiId, kpiBindingSchema.parse(b.spec)]));
  const figures = [...specs.values()].some((b) => b.startFrom) ? await publishedFiguresOf(db, data.city.id) : [];
  // Values entered by hand with a reason for overriding the count (src/actuals/): kept, marked with the reason.
  const overrides = new Map<string, string>();
  // The latest step's reason, else the one approved (the public view shows the approved one).
  for (const r of await listReviewStatuses(db, data.city.id, 'actual')) {
    const reason = r.platformOverride || r.approvedPlatformOverride;
    if (reason) overrides.set(r.key, reason);
  }
  return {
    ...data,
    kpis: data.kpis.map((k) => {
      const binding = specs.get(k.id);
      if (!binding) return k;
      const figure = binding.startFrom ? figures.find((f) => f.id === binding.startFrom) : undefined;
      const start = figure ? startingFigure(figure) : undefined;
      const manual = new Map<string, string>();
      for (const o of k.observations) {
        const reason = overrides.get(actualKey(k.id, formatTimePointIso(o.at)));
        if (reason) manual.set(formatTimePointIso(o.at), reason);
      }
      return { ...k, observations: mergePlatformObservations(k.observations, platformObservations(binding, records, firstYear, today, start), firstYear, manual) };
    }),
  };
}

/** A published figure as the start of a platform count. */
function startingFigure(f: PublishedFigure): StartingFigure {
  const [y, m, d] = f.asOf.split('-').map(Number) as [number, number | undefined, number | undefined];
  const at: TimePoint = d !== undefined ? { kind: 'day', year: y, month: m!, day: d } : m !== undefined ? { kind: 'month', year: y, month: m } : { kind: 'year', year: y };
  return { value: f.value, end: publishedFigureEnd(f), at, document: f.document, label: `${f.value}${f.unit}（${formatTimePointJa(at)}、${f.document}）` };
}

/**
 * The KPIs of a city the partner platform feeds, with the first year it feeds them (the
 * programme's first year): a manual entry of such a KPI from that year on is refused unless it
 * gives a reason for overriding the count (src/actuals/actual-input.ts).
 */
export async function platformFedKpis(db: Executor, cityId: string): Promise<Map<string, number>> {
  const bindings = await kpiBindingsOfCity(db, cityId);
  if (bindings.length === 0) return new Map();
  const programme = await programmeOfCity(db, cityId);
  if (!programme) return new Map();
  const firstYear = Number(programme.startedOn.slice(0, 4));
  return new Map(bindings.map((b) => [kpiBindingSchema.parse(b.spec).kpiId, firstYear]));
}
