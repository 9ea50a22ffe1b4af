import type { Kysely } from 'kysely';
import { LRUCache } from 'lru-cache';
import { markStable } from '../cities/city-view-memo.ts';
import type { CityDataStore } from '../cities/city-data.store.ts';
import type { CityPagesMode } from '../cities/city-pages.service.ts';
import type { DataTable } from '../formats/csv/write-csv.ts';
import type { Database } from '../storage/database.ts';
import { freshPlanPageSummary } from '../summaries/summary.repository.ts';
import { parsePlanPageModel, planPageKpiRowsOf, planPageModelOf, type PlanPageModel, type PlanPageOutline } from './plan-page.model.ts';

/**
 * The public plan page at national scale (issue 11): `/cities/:city/plans/:plan` (HTML in both
 * languages, every filter, `?node=`, CSV and JSON) reads one {@link PlanPageSource}, either
 *
 * - from the city's summaries (`plan_page_summaries`, rebuilt by summaries/summary.service.ts
 *   after every write): one indexed row holding the page's model as JSON, whatever the plan's
 *   size; or
 * - from the city's public data as the store loads it (the whole city, evaluated): when the store
 *   already holds the city (cheaper than any query), and whenever the summaries may be older than
 *   the data (a write of this process not yet summarised, `CityDataStore.whileSummarised`; a
 *   write of another process not yet summarised, `summarized_revision < revision`; a city never
 *   summarised, such as right after the migration that added these summaries).
 *
 * Both give the same model (plans/plan-page.model.ts, built by one function from the same
 * public data), so the bytes served are the same.
 */
export interface PlanPageSource {
  /** Where it reads: for tests and profiles, never shown. */
  readonly from: 'summaries' | 'data';
  readonly model: PlanPageModel;
  /**
   * Stands for the version of the data the model was built from, for the page's kept fragments
   * (web/views/fragment-cache.ts, marked stable): the loaded city's data, or one object per
   * database, city and summarised revision.
   */
  readonly owner: object;
  /**
   * The plan CSV's KPI columns per row of {@link model} (plan-page.model.ts planPageKpiRowsOf).
   * Throws when the source was opened without `table` on the summaries.
   */
  kpiRows(): readonly DataTable['rows'][number][];
}

/** How {@link openPlanPage} reads a plan's page. */
export interface PlanPageOptions {
  /** As for the city's other pages (cities/city-pages.service.ts): 'data' always loads the city, 'summaries' reads fresh summaries even when the city is held. */
  readonly mode?: CityPagesMode;
  /** A download: the CSV's KPI columns are read too. */
  readonly table?: boolean;
  /**
   * The page is drawn without filter nor `?node=`: from fresh summaries that keep the plan's
   * outline (a folded plan), the outline alone is read ({@link PlanOutlineSource}), else the model.
   */
  readonly outline?: boolean;
}

/**
 * A folded plan page read from its outline alone (plans/plan-page.model.ts PlanPageOutline):
 * drawn by web/views/plan.view.tsx `planOutlinePage`, the same bytes as from the whole model.
 */
export interface PlanOutlineSource {
  readonly from: 'summaries';
  readonly outline: PlanPageOutline;
  /** As {@link PlanPageSource.owner}: the same object for the outline and the model of one summarised revision. */
  readonly owner: object;
  readonly model?: undefined;
}

/**
 * The source of a plan's public page, or null for an unknown city or a plan the city does not
 * have. Reads the plan's row of the city's summaries (one indexed query, with the CSV's columns
 * when `table`: a download) unless the store holds the city (`mode` 'auto') or a write of this
 * process is still being summarised; falls back to the store's full-city load otherwise. `mode`
 * as for the city's other pages (cities/city-pages.service.ts): 'data' always loads the city,
 * 'summaries' reads fresh summaries even when the city is held.
 */
export async function openPlanPage(db: Kysely<Database>, store: CityDataStore, cityId: string, planId: string, options?: PlanPageOptions & { readonly outline?: false }): Promise<PlanPageSource | null>;
export async function openPlanPage(db: Kysely<Database>, store: CityDataStore, cityId: string, planId: string, options: PlanPageOptions): Promise<PlanPageSource | PlanOutlineSource | null>;
export async function openPlanPage(db: Kysely<Database>, store: CityDataStore, cityId: string, planId: string, options: PlanPageOptions = {}): Promise<PlanPageSource | PlanOutlineSource | null> {
  const mode = options.mode ?? 'auto';
  if (mode !== 'data' && !(mode === 'auto' && store.holds(cityId))) {
    const cache = modelCache(db);
    const key = `${cityId}\u0000${planId}`;
    const held = cache.get(key);
    const outline = options.outline ?? false;
    const heldOutline = outline ? outlineCache(db).get(key) : undefined;
    const found = await store.whileSummarised([cityId], () =>
      freshPlanPageSummary(db, cityId, planId, { table: options.table ?? false, unlessRevision: held?.revision, outline, unlessOutlineRevision: heldOutline?.revision }),
    );
    if (found && !found.found) return null;
    if (found?.hasOutline) {
      const revision = found.summarizedRevision;
      let kept = found.outlineJson === undefined && heldOutline?.revision === revision ? heldOutline.outline : undefined;
      if (!kept) {
        if (found.outlineJson === undefined) throw new Error(`plan page ${cityId}/${planId}: the summaries left out an outline not held`);
        kept = JSON.parse(found.outlineJson) as PlanPageOutline;
        outlineCache(db).set(key, { revision, outline: kept }, { size: found.outlineJson.length * 3 + key.length * 2 });
      }
      return { from: 'summaries', outline: kept, owner: summaryOwner(db, cityId, revision) };
    }
    if (found) {
      const revision = found.summarizedRevision;
      // The model is left out only when the summaries are still at the revision of the one held.
      let model = found.modelJson === undefined && held?.revision === revision ? held.model : undefined;
      if (!model) {
        if (found.modelJson === undefined) throw new Error(`plan page ${cityId}/${planId}: the summaries left out a model not held`);
        model = parsePlanPageModel(found.modelJson);
        cache.set(key, { revision, model }, { size: found.modelJson.length * 3 + key.length * 2 });
      }
      const { tableJson, kpiCsvJson } = found;
      const rows = model.rows;
      return {
        from: 'summaries',
        model,
        owner: summaryOwner(db, cityId, revision),
        kpiRows: () => {
          if (tableJson === undefined || kpiCsvJson === undefined) throw new Error(`plan page ${cityId}/${planId}: opened without its table`);
          // A row measured against another target than its KPI's has its own columns; any other row its KPI's row of the KPI CSV.
          const own = JSON.parse(tableJson) as (DataTable['rows'][number] | null)[];
          const byKpi = new Map(Object.entries(JSON.parse(kpiCsvJson) as Record<string, DataTable['rows'][number]>));
          return rows.map((r, i) => {
            const columns = own[i] ?? byKpi.get(r.kpi.id);
            if (!columns) throw new Error(`plan page ${cityId}/${planId}: no CSV row of KPI ${r.kpi.id} in the summaries`);
            return columns;
          });
        },
      };
    }
  }
  const data = await store.get(cityId);
  const plan = data?.plans.find((p) => p.id === planId);
  if (!data || !plan) return null;
  return { from: 'data', model: planPageModelOf(data, plan), owner: data, kpiRows: () => planPageKpiRowsOf(data, plan) };
}

/**
 * The bytes (estimated: three per character of the stored JSON) of plan page models read from
 * the summaries and kept per database, plan and summarised revision: a page read again while its
 * city is unchanged asks the database whether the revision still holds and parses nothing. A
 * 272-KPI plan's stored model is about 126 kB, so some 40 of the most read large plans, hundreds
 * of small ones.
 */
export const PLAN_MODEL_BYTES = 16 * 1024 * 1024;

/** What is kept of a plan's page per summarised revision (a parsed model or outline). */
type Kept<T> = LRUCache<string, { readonly revision: number } & T>;

/** Per database, a cache of `maxSize` bytes made on first use. */
function perDatabase<T extends object>(maxSize: number): (db: object) => Kept<T> {
  const caches = new WeakMap<object, Kept<T>>();
  return (db) => {
    let cache = caches.get(db);
    if (!cache) caches.set(db, (cache = new LRUCache({ maxSize, maxEntrySize: maxSize / 8 })));
    return cache;
  };
}

const modelCache = perDatabase<{ readonly model: PlanPageModel }>(PLAN_MODEL_BYTES);

/** Drops the plan page models and outlines kept for `db` (a profile's first read of a page after a write; tests). */
export function forgetPlanPageModels(db: object): void {
  modelCache(db).clear();
  outlineCache(db).clear();
}

/**
 * The bytes (estimated as for {@link PLAN_MODEL_BYTES}) of folded plan pages' outlines read from
 * the summaries, kept per database, plan and summarised revision like the models: a 272-KPI
 * plan's outline is some kB, so thousands of plans.
 */
export const PLAN_OUTLINE_BYTES = 8 * 1024 * 1024;

const outlineCache = perDatabase<{ readonly outline: PlanPageOutline }>(PLAN_OUTLINE_BYTES);

/**
 * Per database: one object per city and summarised revision, standing for the summaries of that
 * revision (they are written once per revision, in one transaction with it: the same revision
 * always reads the same rows). Bounded in bytes like every cache (keys and a small object each).
 */
const owners = new WeakMap<object, LRUCache<string, object>>();
const OWNER_BYTES = 1024 * 1024;

function summaryOwner(db: object, cityId: string, revision: number): object {
  let byCity = owners.get(db);
  if (!byCity) owners.set(db, (byCity = new LRUCache<string, object>({ maxSize: OWNER_BYTES, sizeCalculation: (_, key) => key.length * 2 + 64 })));
  const key = `${cityId}\u0000${revision}`;
  let owner = byCity.get(key);
  if (!owner) byCity.set(key, (owner = markStable({})));
  return owner;
}
