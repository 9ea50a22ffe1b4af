import type { City, StatusOverride } from '../core/city/city.ts';
import type { KpiEvaluation } from '../core/kpi/kpi-evaluation.ts';
import type { Kpi } from '../core/kpi/kpi.ts';
import type { KpiStatus } from '../core/kpi/status.ts';
import type { ForecastVerdict } from '../core/kpi/forecast.ts';
import type { TimePoint } from '../core/time/time-point.ts';

/**
 * The view model of one row of a KPI table (web/views/public-parts.tsx `KpiTable`, the city
 * page's headline cards): built from a city's evaluated KPI ({@link kpiTableRowOf}) or read
 * back from the KPI summaries, where it is kept as JSON per KPI (summaries/summary.service.ts),
 * so a city's pages render the same row from either.
 */

/** A row of a KPI table: a KPI of some city with its current evaluation. */
export interface KpiTableItem {
  readonly city: City;
  readonly kpi: Kpi;
  readonly evaluation: KpiEvaluation | null;
  /** The status the secretariat set instead of the computed one, if any. */
  readonly override?: StatusOverride | undefined;
}

/** A dated figure as the KPI tables show it. */
export interface RowFigure {
  readonly at: TimePoint;
  readonly value: number;
  readonly decimals?: number | undefined;
}

/**
 * One row of {@link KpiTable}, whatever it was read from (a city's evaluated KPI or a cross-city
 * summary row): the one shape both tables render.
 */
export interface KpiTableRow {
  readonly city: Pick<City, 'id' | 'name' | 'nameEn' | 'prefecture' | 'prefectureEn'>;
  readonly kpiId: string;
  readonly name: string;
  readonly nameEn?: string | undefined;
  readonly unit: string;
  readonly sdgTargets: readonly string[];
  readonly latest: RowFigure | null;
  readonly target: RowFigure | null;
  readonly targets: readonly RowFigure[];
  /** 達成度 in % (unrounded; null where progress is undefined) and as displayed (actual/target then). */
  readonly rate: number | null;
  readonly displayRate: number | null;
  readonly status: KpiStatus;
  readonly override?: Pick<StatusOverride, 'status' | 'justification' | 'decidedOn'> | undefined;
  readonly forecast: ForecastVerdict;
}

/** A city's evaluated KPI as a {@link KpiTableRow}. */
export function kpiTableRowOf(item: KpiTableItem): KpiTableRow {
  const { city, kpi, evaluation: e } = item;
  const a = e?.status.achievement ?? null;
  return {
    city,
    kpiId: kpi.id,
    name: kpi.name,
    nameEn: kpi.nameEn,
    unit: kpi.unit,
    sdgTargets: kpi.sdgTargets,
    latest: e?.latest ?? null,
    target: e?.target ?? null,
    targets: kpi.targets,
    rate: a ? a.rate : null,
    displayRate: a ? a.displayRate : null,
    status: e?.status.status ?? 'no-data',
    override: item.override,
    forecast: e ? e.forecast.verdict : 'no-data',
  };
}


/** A {@link KpiTableRow} without its city (the page's), as `kpi_summaries.row_json` keeps it. */
export type KpiTableRowJson = Omit<KpiTableRow, 'city'>;

/**
 * The row as the summaries keep it: its city left out (the page has it) and its figures and
 * override reduced to what the table draws (time point, value, decimals; status, justification,
 * date), so the JSON holds no revisions, notes or precise values nobody reads from it.
 */
export function kpiTableRowJson(row: KpiTableRow): KpiTableRowJson {
  const { city: _city, latest, target, targets, override, ...rest } = row;
  return {
    ...rest,
    latest: latest && figureOf(latest),
    target: target && figureOf(target),
    targets: targets.map(figureOf),
    ...(override && { override: { status: override.status, justification: override.justification, decidedOn: override.decidedOn } }),
  };
}

const figureOf = (f: RowFigure): RowFigure => ({ at: f.at, value: f.value, ...(f.decimals !== undefined && { decimals: f.decimals }) });
