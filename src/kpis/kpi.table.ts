import type { ColumnType, Generated, GeneratedAlways, Insertable, Selectable, Updateable } from 'kysely';
import type { AchievementMethod, KpiAggregation, KpiDirection, KpiSide, KpiUpdateFrequency } from '../core/kpi/kpi.ts';
import type { NumericColumn } from '../storage/columns.ts';

/** `kpis`: what a city measures and its baseline; actuals and targets live in their own tables. */
export interface KpisTable {
  id: GeneratedAlways<number>;
  city_id: string;
  /** The KPI's id within the city (Kpi.id). */
  slug: string;
  position: number;
  name: string;
  name_en: string | null;
  unit: string;
  department: string | null;
  side: KpiSide;
  aggregation: KpiAggregation;
  direction: KpiDirection | null;
  method: AchievementMethod;
  /** formatTimePointIso of the baseline's time point. */
  baseline_at: string;
  /** timePointEnd of baseline_at, for ordering. */
  baseline_at_end: number;
  baseline_value: NumericColumn;
  baseline_decimals: number | null;
  /** Set when a saved CityData no longer has the KPI: its history stays, it is just not loaded. */
  retired_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** How the KPI is counted (定義), as the secretariat typed it (migration 2026_11_30_1201). */
  definition: ColumnType<string | null, string | null | undefined, string | null>;
  /** Where its figures come from (出典・データソース). */
  data_source: ColumnType<string | null, string | null | undefined, string | null>;
  /** The standard indicator code the KPI declares (Kpi.indicator; migration 2026_12_01_0401). */
  indicator_code: ColumnType<string | null, string | null | undefined, string | null>;
  /** Who provides the figures (提供元), migration 2026_12_01_0301. */
  data_provider: ColumnType<string | null, string | null | undefined, string | null>;
  /** How often the figures are updated (更新頻度), null when not stated. */
  update_frequency: ColumnType<KpiUpdateFrequency | null, KpiUpdateFrequency | null | undefined, KpiUpdateFrequency | null>;
  /** Row version from the `edit_versions` sequence: a new number on every update (optimistic concurrency). */
  version: Generated<number>;
}

/** `kpi_sdg_targets`: the SDG targets (2.3, 11.a) a KPI contributes to, in printed order. */
export interface KpiSdgTargetsTable {
  kpi_id: number;
  sdg_target: string;
  position: number;
}

/** A `kpis` row as read. */
export type KpiRow = Selectable<KpisTable>;
/** A `kpis` row to insert. */
export type NewKpiRow = Insertable<KpisTable>;
/** A `kpis` row as a partial update. */
export type KpiRowUpdate = Updateable<KpisTable>;
/** A `kpi_sdg_targets` row as read. */
export type KpiSdgTargetRow = Selectable<KpiSdgTargetsTable>;
/** A `kpi_sdg_targets` row to insert. */
export type NewKpiSdgTargetRow = Insertable<KpiSdgTargetsTable>;

/**
 * Which KPIs a read is about: these row ids, or every KPI of a city (retired ones included), or
 * those of a city's KPIs with these `slugs` (retired ones included; at least one slug). A city's
 * KPIs are selected by a join on the city, not by listing their ids as parameters (issue 11: a
 * long `in (…)` list is query text to send and parse on every load; and a KPI's page reads its
 * rows in one statement, before it knows the KPI's row id).
 */
export type KpiSelection = readonly number[] | { readonly cityId: string; readonly slugs?: readonly string[] };

/** The city of a {@link KpiSelection}, or null when it lists ids. */
export function cityOfSelection(kpis: KpiSelection): string | null {
  return 'cityId' in kpis ? kpis.cityId : null;
}

/** The slugs a {@link KpiSelection} narrows its city to, or null (ids, or the whole city). */
export function slugsOfSelection(kpis: KpiSelection): readonly string[] | null {
  return 'cityId' in kpis ? (kpis.slugs ?? null) : null;
}
