import type { Observation } from '../core/kpi/kpi.ts';
import { formatTimePointIso, reportingYear, type TimePoint } from '../core/time/time-point.ts';
import type { KpiBinding, MemberType } from './programme.ts';

/**
 * KPIs fed from the platform: a bound KPI's yearly actual is counted from the platform's
 * records instead of typed in. Ichinoseki's sheet read 0 groups in the platform while 22 had
 * registered; a bound KPI cannot lag like that. Pure: the service hands in the records.
 */

/** The source every platform-computed observation carries. */
export const SYSTEM_COMPUTED = 'system-computed';

/** What counting needs of the platform's records. */
export interface PlatformRecords {
  readonly partners: readonly { memberType: MemberType; goals: readonly number[]; registeredOn: string | null; validUntil: string | null; withdrawnOn: string | null }[];
  readonly eventsHeld: readonly { kind: 'meeting' | 'course'; heldOn: string }[];
  readonly dispatchesHeld: readonly { heldOn: string }[];
  readonly awardApplications: readonly { submittedOn: string }[];
}

/** The count of a binding on `date` (ISO): partners in force that day, or events, dispatches, applications in that date's year up to it. */
export function platformCount(binding: KpiBinding, records: PlatformRecords, date: string): number {
  const year = date.slice(0, 4);
  const inYear = (d: string) => d.slice(0, 4) === year && d <= date;
  switch (binding.metric) {
    case 'registered-partners':
      return records.partners.filter(
        (p) =>
          p.registeredOn !== null &&
          p.registeredOn <= date &&
          (p.withdrawnOn === null || p.withdrawnOn > date) &&
          (p.validUntil === null || p.validUntil >= date) &&
          (!binding.memberTypes || binding.memberTypes.includes(p.memberType)) &&
          (binding.goal === undefined || p.goals.includes(binding.goal)),
      ).length;
    case 'events-held':
      return records.eventsHeld.filter((e) => inYear(e.heldOn) && (!binding.eventKind || e.kind === binding.eventKind)).length;
    case 'dispatches-held':
      return records.dispatchesHeld.filter((d) => inYear(d.heldOn)).length;
    case 'award-applications':
      return records.awardApplications.filter((a) => inYear(a.submittedOn)).length;
  }
}

/**
 * A published figure a count starts from (see `startFrom` of a binding): its value, the last
 * day it stands for, its time point as an observation, and where it was published.
 */
export interface StartingFigure {
  readonly value: number;
  /** ISO date: registrations after this day are the platform's own. */
  readonly end: string;
  readonly at: TimePoint;
  /** The document that published it (the observation's source). */
  readonly document: string;
  /** How the figure reads on a page, e.g. 「22社・団体（2024年8月）」. */
  readonly label: string;
}

/**
 * The yearly observations of a bound KPI from the programme's first year to today: a full
 * year is counted at its last day (as 2024年), the current year up to today (as that day).
 * Sample records never reach here (the repositories leave them out). With a starting figure
 * (the city's register is not in the platform yet) the figure itself is an observation at its
 * date with its document as source, and every later count is the figure plus the platform's
 * registrations after it, with a note saying which is which; years before it are not counted.
 */
export function platformObservations(binding: KpiBinding, records: PlatformRecords, firstYear: number, today: string, start?: StartingFigure): Observation[] {
  const out: Observation[] = [];
  if (start && start.end <= today) out.push({ at: start.at, value: start.value, decimals: 0, source: start.document, note: `公表値 ${start.label}`, documented: true });
  const thisYear = Number(today.slice(0, 4));
  for (let y = firstYear; y <= thisYear; y++) {
    const complete = y < thisYear;
    const date = complete ? `${y}-12-31` : today;
    const at: TimePoint = complete ? { kind: 'year', year: y } : { kind: 'day', year: y, month: Number(today.slice(5, 7)), day: Number(today.slice(8, 10)) };
    if (!start) {
      out.push({ at, value: platformCount(binding, records, date), decimals: 0, source: SYSTEM_COMPUTED });
      continue;
    }
    if (date <= start.end) continue;
    const own = platformCount(binding, { ...records, partners: records.partners.filter((p) => p.registeredOn !== null && p.registeredOn > start.end) }, date);
    out.push({ at, value: start.value + own, decimals: 0, source: SYSTEM_COMPUTED, note: `公表値 ${start.label} ＋ 本システムでの新規登録 ${own}` });
  }
  return out;
}

/**
 * Merges platform observations into a KPI's stored ones: from the programme's first year on
 * the platform's figures replace what was typed in; earlier years keep the published record.
 * A stored value entered by hand with a reason for overriding the count (`manual`: its ISO time
 * point → the reason) is kept with its own source, marked `platformOverride` with the reason, and
 * replaces the count of its year.
 */
export function mergePlatformObservations(stored: readonly Observation[], computed: readonly Observation[], firstYear: number, manual: ReadonlyMap<string, string> = new Map()): Observation[] {
  const kept = stored.filter((o) => startYear(o.at) < firstYear);
  const overridden = stored
    .filter((o) => startYear(o.at) >= firstYear && manual.has(formatTimePointIso(o.at)))
    .map((o): Observation => {
      const replaces = computed.filter((c) => reportingYear(c.at) === reportingYear(o.at));
      return { ...o, platformOverride: manual.get(formatTimePointIso(o.at))!, ...(replaces.length > 0 && { replaces }) };
    });
  const years = new Set(overridden.map((o) => reportingYear(o.at)));
  return [...kept, ...overridden, ...computed.filter((o) => !years.has(reportingYear(o.at)))];
}

function startYear(t: TimePoint): number {
  return t.kind === 'period' ? t.from.year : t.year;
}
