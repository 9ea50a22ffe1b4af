import type { Kysely } from 'kysely';
import type { CityDataStore } from '../cities/city-data.store.ts';
import type { CityPagesMode } from '../cities/city-pages.service.ts';
import type { Lang } from '../i18n/lang.ts';
import type { Database } from '../storage/database.ts';
import type { KpiPageParts } from '../summaries/kpi-page.model.ts';
import { freshKpiPageSummary } from '../summaries/summary.repository.ts';

/**
 * A KPI's public page in one language from its city's summaries (summaries/kpi-page.model.ts:
 * the main content rendered when they were built), or undefined when the caller is to read the
 * KPI's view instead (CityDataStore.getKpi) — which gives the same bytes:
 * - `mode` `data`, or `auto` while this process holds the city (its page costs no query then);
 * - a write of this process to the city not yet summarised (CityDataStore.whileSummarised), or
 *   another process's (`summarized_revision < revision`): the page shows the write at once;
 * - a store that renders no pages (it reads none either: cities/city-data.store.ts renderKpiPagesWith);
 * - no page kept for the KPI by this version of the code: not public (unknown, another city's, hidden by an archived node:
 *   the KPI's view answers 404), fed by a deriver (the partner platform's bound KPIs), or
 *   summarised before the table existed, or rendered by other code (a process of another version).
 */
export async function openKpiPageSummary(db: Kysely<Database>, store: CityDataStore, cityId: string, kpiId: string, lang: Lang, mode: CityPagesMode = 'auto'): Promise<KpiPageParts | undefined> {
  const version = store.kpiPageVersion;
  if (version === undefined || mode === 'data' || (mode === 'auto' && store.holds(cityId))) return undefined;
  return store.whileSummarised([cityId], () => freshKpiPageSummary(db, cityId, kpiId, lang, version));
}
