import { decimalsOf } from '../core/quantity.ts';
import type { DatedValue, Kpi, KpiMetadata, KpiTarget, TargetRevision } from '../core/kpi/kpi.ts';
import { roundHalfUp } from '../core/kpi/rounding.ts';
import { formatTimePointIso, timePointEnd } from '../core/time/time-point.ts';
import { toNumber } from '../storage/columns.ts';
import { datedValue, finite, opt } from '../cities/city-data.support.ts';
import type { KpiRow, NewKpiRow } from './kpi.table.ts';
import type { KpiTargetValueRow, TargetRevisionRow } from './target.table.ts';
import type { CurrentTargetRow } from './target.repository.ts';
import type { PreciseFigureRow } from './figures.table.ts';

/* KPIs, their targets and precise figures: rows → domain, domain → rows, and their normal forms. */

/** A KPI without its actuals and targets: the part stored in `kpis` and `kpi_sdg_targets`. */
export type KpiHead = Omit<Kpi, 'observations' | 'targets' | keyof KpiMetadata>;

export function kpiHeadFromRow(r: KpiRow, sdgTargets: string[]): KpiHead {
  return {
    id: r.slug,
    cityId: r.city_id,
    name: r.name,
    ...opt('nameEn', r.name_en),
    unit: r.unit,
    ...opt('department', r.department),
    ...opt('indicator', r.indicator_code),
    sdgTargets,
    side: r.side,
    aggregation: r.aggregation,
    ...opt('direction', r.direction),
    method: r.method,
    baseline: datedValue(r.baseline_at, r.baseline_value, r.baseline_decimals),
  };
}

/**
 * What staff typed about a KPI (definition, source, provider, update frequency). Not part of
 * {@link KpiHead}: plan data files do not carry it, so saving a file keeps it.
 */
export function kpiMetadataFromRow(r: KpiRow): KpiMetadata {
  return {
    ...opt('definition', r.definition?.trim() || null),
    ...opt('dataSource', r.data_source?.trim() || null),
    ...opt('dataProvider', r.data_provider?.trim() || null),
    ...opt('updateFrequency', r.update_frequency),
  };
}

export function targetFromRow(t: CurrentTargetRow, revisions: TargetRevisionRow[]): KpiTarget {
  if (t.value === null) throw new Error(`target ${t.id} has no current value`);
  return { id: t.slug, ...datedValue(t.at, t.value, t.decimals), revisions: revisions.map(revisionFromRow) };
}

/**
 * Puts each stored precise value beside its printed figure. One that no longer rounds to the
 * printed figure (the figure was corrected since) is left out: it was the unrounded value of
 * another number.
 */
export function withPrecise(kpi: Kpi, rows: readonly PreciseFigureRow[]): Kpi {
  if (rows.length === 0) return kpi;
  const find = (figure: PreciseFigureRow['figure'], ref: string) => rows.find((r) => r.figure === figure && r.ref === ref);
  const attach = <T extends DatedValue>(d: T, row: PreciseFigureRow | undefined): T => {
    if (!row) return d;
    const value = toNumber(row.value);
    const decimals = d.decimals ?? decimalsOf(d.value);
    if (roundHalfUp(value, decimals) !== roundHalfUp(d.value, decimals)) return d;
    return { ...d, precise: { value, source: row.source, basis: row.basis } };
  };
  return {
    ...kpi,
    baseline: attach(kpi.baseline, find('baseline', '')),
    observations: kpi.observations.map((o) => attach(o, find('actual', formatTimePointIso(o.at)))),
    targets: kpi.targets.map((t) => attach(t, find('target', t.id))),
  };
}

/**
 * Adds what the system knew when: the target's stored values and each revision's entry time
 * (never written back: the writer compares revisions without them).
 */
export function withKnownHistory(target: KpiTarget, versions: readonly KpiTargetValueRow[], revisions: readonly TargetRevisionRow[]): KpiTarget {
  return {
    ...target,
    revisions: target.revisions.map((r, i) => ({ ...r, recordedAt: revisions[i]!.recorded_at.toISOString() })),
    versions: versions
      .filter((v) => !v.deleted && v.value !== null)
      .map((v) => ({ value: toNumber(v.value!), ...(v.decimals !== null && { decimals: v.decimals }), recordedAt: v.recorded_at.toISOString() })),
  };
}

export function revisionFromRow(r: TargetRevisionRow): TargetRevision {
  return { oldValue: toNumber(r.old_value), newValue: toNumber(r.new_value), reason: r.reason, revisedOn: r.revised_on };
}

export function kpiRowValues(k: KpiHead, position: number): NewKpiRow {
  return {
    city_id: k.cityId,
    slug: k.id,
    position,
    name: k.name,
    name_en: k.nameEn ?? null,
    unit: k.unit,
    department: k.department ?? null,
    indicator_code: k.indicator ?? null,
    side: k.side,
    aggregation: k.aggregation,
    direction: k.direction ?? null,
    method: k.method,
    baseline_at: formatTimePointIso(k.baseline.at),
    baseline_at_end: timePointEnd(k.baseline.at),
    baseline_value: k.baseline.value,
    baseline_decimals: k.baseline.decimals ?? null,
  };
}

function normalizeDated(v: DatedValue, where: string): DatedValue {
  return { at: v.at, value: finite(v.value, where), ...opt('decimals', v.decimals) };
}

export function kpiHead(k: Kpi): KpiHead {
  return {
    id: k.id,
    cityId: k.cityId,
    name: k.name,
    ...opt('nameEn', k.nameEn),
    unit: k.unit,
    ...opt('department', k.department),
    ...opt('indicator', k.indicator),
    sdgTargets: [...k.sdgTargets],
    side: k.side,
    aggregation: k.aggregation,
    ...opt('direction', k.direction),
    method: k.method,
    baseline: normalizeDated(k.baseline, `baseline of KPI "${k.id}"`),
  };
}

export function normalizeRevision(r: TargetRevision): TargetRevision {
  return { oldValue: finite(r.oldValue, 'old value of a revision'), newValue: finite(r.newValue, 'new value of a revision'), reason: r.reason, revisedOn: r.revisedOn };
}
