import type { CityData } from '../core/city/city.ts';
import type { NewChangeLogEntry } from '../storage/change-log.repository.ts';
import type { Executor } from '../storage/database.ts';
import type { SlugIndex } from './city-snapshot.ts';

/**
 * One save of a whole city (`saveCityData` in city-data.service.ts), shared by the save steps of
 * each concept (cities/city.save.ts, kpis/kpi.save.ts, actuals/observation.save.ts,
 * plans/plan.save.ts, kpis/published-rate.save.ts): the transaction, the data, who and why, the
 * row ids each step resolves for the next ones, and the change-log entries written at the end.
 */
export class CityWrite {
  readonly cityId: string;
  readonly log: NewChangeLogEntry[] = [];
  readonly documentIds = new Map<string, number>();
  readonly kpiIds = new Map<string, number>();
  /** `kpi slug#target slug` → target id, for the targets present in the data. */
  readonly targetIds = new Map<string, number>();
  /**
   * Stored KPIs the data does not mention (archived, or archived by this save): outside the
   * data, so their plan rows, published rates and precise figures are left as they are.
   */
  outsideKpiIds = new Set<number>();
  slugs: SlugIndex | null = null;
  /** Documents the data removes: the rates citing them go too, those of archived KPIs included. */
  removedDocumentIds: readonly number[] = [];

  constructor(
    /** The save's transaction. */
    readonly db: Executor,
    readonly data: CityData,
    readonly actor: string,
    readonly reason: string | null,
  ) {
    this.cityId = data.city.id;
  }

  /** Adds a change-log entry of this save (appended with the others when every step is done). */
  note(entry: Omit<NewChangeLogEntry, 'actor' | 'cityId' | 'reason'>): void {
    this.log.push({ ...entry, actor: this.actor, cityId: this.cityId, reason: this.reason });
  }
}
