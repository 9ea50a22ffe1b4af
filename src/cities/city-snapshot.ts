import type { CityRow, SourceDocumentRow } from './city.table.ts';
import { findCityRow } from './city.repository.ts';
import { listSourceDocuments } from './source-document.repository.ts';
import type { Executor } from '../storage/database.ts';
import type { KpiRow, KpiSdgTargetRow } from '../kpis/kpi.table.ts';
import { listKpiRows, listKpiSdgTargets } from '../kpis/kpi.repository.ts';
import type { KpiTargetValueRow, TargetRevisionRow } from '../kpis/target.table.ts';
import { listTargetRevisions, listTargetValueVersions, listTargets, type CurrentTargetRow } from '../kpis/target.repository.ts';
import type { PreciseFigureRow } from '../kpis/figures.table.ts';
import { listPreciseFigures } from '../kpis/figures.repository.ts';
import type { PublishedRateRow } from '../kpis/published-rate.table.ts';
import { listPublishedActualVersions, listPublishedRates, type PublishedActualVersionRow } from '../kpis/published-rate.repository.ts';
import { listCurrentObservations, type CurrentObservationRow } from '../actuals/observation.repository.ts';
import type { PlanNarrativeRow, PlanNodeRow, PlanRow, PlanSheetReportRow, PlanVersionRow } from '../plans/plan.table.ts';
import {
  listPlanKpiRows,
  listPlanNarratives,
  listPlanNodes,
  listPlanRows,
  listPlanSheetReports,
  listPlanVersions,
  type PlanKpiRowWithPlan,
} from '../plans/plan.repository.ts';

/** Every row of one city, read in a fixed number of queries. */
export interface Snapshot {
  readonly city: CityRow;
  readonly documents: SourceDocumentRow[];
  /** Retired ones included: a save may bring one back. */
  readonly kpis: KpiRow[];
  readonly sdgTargets: KpiSdgTargetRow[];
  /** Tombstoned ones included. */
  readonly targets: CurrentTargetRow[];
  readonly revisions: TargetRevisionRow[];
  readonly observations: CurrentObservationRow[];
  readonly plans: PlanRow[];
  readonly planVersions: PlanVersionRow[];
  readonly planNodes: PlanNodeRow[];
  readonly planKpiRows: PlanKpiRowWithPlan[];
  readonly planNarratives: PlanNarrativeRow[];
  readonly planSheetReports: PlanSheetReportRow[];
  readonly rates: PublishedRateRow[];
  /** Unrounded values behind printed baselines, actuals and targets. */
  readonly precise: PreciseFigureRow[];
  /** Versions of the actuals the published rates refer to (see rateActualAsPublished). */
  readonly rateActuals: PublishedActualVersionRow[];
  /** Every stored value of the targets (what the system knew when: sheets and published rates). */
  readonly targetVersions: KpiTargetValueRow[];
}

/** Every row of one city, or null for an unknown city (some KPIs of it: `readKpiViewRows` in kpi-view.repository.ts). */
export async function readSnapshot(db: Executor, cityId: string, withHistory: boolean): Promise<Snapshot | null> {
  const city = await findCityRow(db, cityId);
  if (!city) return null;
  // The KPIs' rows are selected by a join on the city, not by their ids as parameters (a city
  // has hundreds: sending and parsing that text was a large share of a load, issue 11).
  const ofCity = { cityId };
  const [documents, kpis, plans, rates, precise, sdgTargets, targets, observations, revisions, targetVersions, rateActuals] = await Promise.all([
    listSourceDocuments(db, cityId),
    listKpiRows(db, cityId, { includeRetired: true }),
    listPlanRows(db, cityId),
    listPublishedRates(db, cityId),
    listPreciseFigures(db, cityId),
    listKpiSdgTargets(db, ofCity),
    listTargets(db, ofCity),
    listCurrentObservations(db, ofCity),
    listTargetRevisions(db, ofCity),
    withHistory ? listTargetValueVersions(db, ofCity) : [],
    withHistory ? listPublishedActualVersions(db, cityId) : [],
  ]);
  const planIds = plans.map((p) => p.id);
  const [planVersions, planNodes, planKpiRows, planNarratives, planSheetReports] = await Promise.all([
    listPlanVersions(db, planIds),
    listPlanNodes(db, planIds),
    listPlanKpiRows(db, planIds),
    listPlanNarratives(db, planIds),
    listPlanSheetReports(db, planIds),
  ]);
  return { city, documents, kpis, sdgTargets, targets, revisions, observations, plans, planVersions, planNodes, planKpiRows, planNarratives, planSheetReports, rates, precise, rateActuals, targetVersions };
}

/** Slugs by row id, to turn foreign keys back into the domain's ids. */
export class SlugIndex {
  readonly kpi = new Map<number, string>();
  readonly target = new Map<number, string>();
  readonly document = new Map<number, string>();
  readonly plan = new Map<number, string>();

  constructor(s: Snapshot) {
    for (const k of s.kpis) this.kpi.set(k.id, k.slug);
    for (const t of s.targets) this.target.set(t.id, t.slug);
    for (const d of s.documents) this.document.set(d.id, d.slug);
    for (const p of s.plans) this.plan.set(p.id, p.slug);
  }
}
