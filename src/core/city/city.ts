import type { Kpi } from '../kpi/kpi.ts';
import type { Plan } from '../plan/plan.ts';
import type { TimePoint } from '../time/time-point.ts';

/** A municipality using the system. `id` is an ASCII slug used in URLs and the CLI (`ichinoseki`). */
export interface City {
  readonly id: string;
  readonly name: string;
  readonly nameEn: string;
  readonly prefecture: string;
  readonly prefectureEn: string;
  readonly sdgsFutureCitySince?: number;
  readonly population?: number;
  readonly description?: string;
  /** The 6-digit 全国地方公共団体コード with its check digit (032093); absent only for cities stored before codes were kept. */
  readonly localGovernmentCode?: string;
  /** First month (1–12) of the city's fiscal year (年度); absent means April (4), the Japanese public sector's. */
  readonly fiscalYearStartMonth?: number;
  /** The licence of the city's open data; CC BY 4.0 when not set (issue 15.3). */
  readonly openDataLicence?: OpenDataLicence;
}

/** Licences a city can publish its data under: CC BY 4.0, or 公共データ利用規約（第1.0版） (PDL 1.0, CC BY 4.0 compatible). */
export type OpenDataLicence = 'CC-BY-4.0' | 'PDL-1.0';
export const OPEN_DATA_LICENCES: readonly OpenDataLicence[] = ['CC-BY-4.0', 'PDL-1.0'];

/** A published document figures were taken from (a progress sheet, a plan). */
export interface SourceDocument {
  readonly id: string;
  readonly title: string;
  readonly published: string;
  readonly source?: string;
}

/** A 達成度 as a document printed it, for one observation of a KPI against one of its targets. */
export interface PublishedRate {
  readonly kpiId: string;
  readonly documentId: string;
  readonly actualAt: TimePoint;
  readonly targetId: string;
  /** The rate in percent as printed (65 for "65%"). */
  readonly rate: number;
  /** Decimals it was printed with: the precision reconciliation must match. */
  readonly decimals: number;
  /** The rate as printed. */
  readonly printed: string;
  /** The actual as that document printed it, when it differs from the stored observation. */
  readonly actual?: { readonly value: number; readonly decimals: number };
  /** The target as that document used it, when it has been revised since. */
  readonly targetValue?: { readonly value: number; readonly decimals: number };
  /**
   * The stored actual as it stood when the document was published: the version current on its
   * date, or the first one recorded when every version came later (the seed transcriptions).
   * Filled by the loader from the version history, never written; absent when the actual is
   * missing. Lets a published rate stay explained after the actual is corrected (issue 10.6).
   */
  readonly actualAsPublished?: { readonly value: number; readonly decimals: number };
}

/** Everything the system holds about one city's plans and KPIs. */
export interface CityData {
  readonly city: City;
  readonly documents: readonly SourceDocument[];
  readonly kpis: readonly Kpi[];
  readonly plans: readonly Plan[];
  readonly publishedRates: readonly PublishedRate[];
  /**
   * Statuses the secretariat set instead of the computed ones, each with its justification
   * (staff area; shown beside the computed status). Absent when there is none.
   */
  readonly statusOverrides?: readonly StatusOverride[];
  /** The yearly commentary per KPI written in the staff area (進捗状況や課題), public years only. */
  readonly yearlyCommentaries?: readonly YearlyCommentary[];
  /**
   * Reporting years that hold data the secretariat has not yet reviewed and published (public
   * view only): pages, the API and downloads say these years are not shown yet.
   */
  readonly unpublishedYears?: readonly number[];
}

/** A status set by the secretariat for a KPI, shown beside the computed one with its justification. */
export interface StatusOverride {
  readonly kpiId: string;
  readonly status: 'achieved' | 'on-track' | 'behind' | 'worsening';
  readonly justification: string;
  /** When it was decided (ISO date, YYYY-MM-DD). */
  readonly decidedOn: string;
}

/** A KPI's commentary for one reporting year. */
export interface YearlyCommentary {
  readonly kpiId: string;
  readonly year: number;
  readonly body: string;
}
