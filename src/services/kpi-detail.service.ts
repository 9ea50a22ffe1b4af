import type { CityData, PublishedRate, SourceDocument, StatusOverride } from '../core/city/city.ts';
import { evaluateKpi, sortedObservations, type KpiEvaluation } from '../core/kpi/kpi-evaluation.ts';
import type { Kpi, KpiTarget, Observation } from '../core/kpi/kpi.ts';
import { walkPlanNodes, type Plan, type PlanKpiRow, type PlanNode } from '../core/plan/plan.ts';
import type { Reconciliation } from '../core/reconciliation/reconcile.ts';
import { findSdgTarget, goalOfTarget, type SdgGoal, type SdgTarget } from '../core/sdg/sdg-framework.ts';
import { compareTimePoints, reportingYear } from '../core/time/time-point.ts';
import { figuresAsPublished, rateOnTodaysData, reconcilePublishedRate, type FiguresAsPublished, type RateOnTodaysData } from './published-rate.service.ts';
import { statusOverrideOf, yearlyCommentariesOf } from './staff-notes.service.ts';

/** An SDG target a KPI is tagged with, resolved to its title and goal (unknown ids kept as printed). */
export interface TaggedSdgTarget {
  readonly id: string;
  readonly target: SdgTarget | undefined;
  readonly goal: SdgGoal | undefined;
}

/** A row of a plan that carries the KPI, with the path of nodes above it. */
export interface KpiPlanUse {
  readonly plan: Plan;
  readonly nodePath: readonly PlanNode[];
  readonly row: PlanKpiRow;
}

/** One piece of commentary on the KPI, dated by the reporting year it belongs to when known. */
export interface KpiCommentary {
  /** Null when the source names no year. */
  readonly year: number | null;
  /** A plan row's printed commentary or reflection, a note on an actual, or the department's yearly commentary (staff area). */
  readonly kind: 'department' | 'commentary' | 'reflection' | 'observation-note';
  readonly text: string;
  /** The plan the row commentary belongs to. */
  readonly plan?: Plan;
  /** The observation a note belongs to. */
  readonly observation?: Observation;
}

/** A published rate of the KPI with its reconciliation and the document that printed it. */
export interface KpiPublishedRate {
  readonly published: PublishedRate;
  readonly document: SourceDocument | undefined;
  /** Reconciled with the figures as they stood when the document was published. */
  readonly result: Reconciliation | null;
  /** The figures that reconciliation used (baseline, actual and target as of the document's date). */
  readonly asPublished: FiguresAsPublished | null;
  /** The same time point's rate on today's actual and target, labelled as such on the page. */
  readonly today: RateOnTodaysData | null;
}

/** Everything the public KPI page shows. */
export interface KpiDetail {
  readonly data: CityData;
  readonly kpi: Kpi;
  /** The evaluation against the current target (the nearest one ahead of the latest actual). */
  readonly evaluation: KpiEvaluation | null;
  /** The status the secretariat set instead of the computed one, with its justification; null when none. */
  readonly override: StatusOverride | null;
  /** One evaluation per target, in time order. */
  readonly byTarget: readonly { readonly target: KpiTarget; readonly evaluation: KpiEvaluation }[];
  readonly observations: readonly Observation[];
  readonly sdgTargets: readonly TaggedSdgTarget[];
  readonly uses: readonly KpiPlanUse[];
  readonly commentary: readonly KpiCommentary[];
  readonly publishedRates: readonly KpiPublishedRate[];
  /** Documents the KPI's figures were printed in (its published rates' documents). */
  readonly documents: readonly SourceDocument[];
}

/** Resolves SDG target ids to their titles and goals. */
export function tagSdgTargets(ids: readonly string[]): TaggedSdgTarget[] {
  return ids.map((id) => ({ id, target: findSdgTarget(id), goal: goalOfTarget(id) }));
}

/**
 * The reporting year a plan row's commentary belongs to: the year of the plan's dated narratives
 * (a progress sheet's review is written for one year), else none.
 */
function commentaryYear(plan: Plan): number | null {
  const years = plan.narratives.map((n) => n.year).filter((y): y is number => y !== undefined);
  return years.length > 0 ? Math.max(...years) : null;
}

/** Collects a KPI's page: evaluations, plan rows, commentary, published rates and documents. Null for an unknown KPI. */
export function buildKpiDetail(data: CityData, kpiId: string): KpiDetail | null {
  const kpi = data.kpis.find((k) => k.id === kpiId);
  if (!kpi) return null;
  const observations = sortedObservations(kpi);
  const byTarget = [...kpi.targets]
    .sort((a, b) => compareTimePoints(a.at, b.at))
    .flatMap((target) => {
      const evaluation = evaluateKpi(kpi, target.id);
      return evaluation ? [{ target, evaluation }] : [];
    });

  const uses: KpiPlanUse[] = [];
  for (const plan of data.plans) {
    const byId = new Map<string, PlanNode>();
    for (const { node, path } of walkPlanNodes(plan.nodes)) {
      byId.set(node.id, node);
      for (const row of node.kpiRows) {
        if (row.kpiId === kpi.id) uses.push({ plan, nodePath: [...path.map((id) => byId.get(id)!), node], row });
      }
    }
  }

  // The department's own words for a year come first within that year (the sort below is stable).
  const commentary: KpiCommentary[] = yearlyCommentariesOf(data, kpi.id).map((c) => ({ year: c.year, kind: 'department', text: c.body }));
  const seen = new Set<string>();
  for (const use of uses) {
    const year = commentaryYear(use.plan);
    for (const kind of ['commentary', 'reflection'] as const) {
      const text = use.row[kind]?.trim();
      // One text printed in two tables of a sheet is shown once.
      if (!text || seen.has(`${kind}\u0000${text}`)) continue;
      seen.add(`${kind}\u0000${text}`);
      commentary.push({ year, kind, text, plan: use.plan });
    }
  }
  for (const o of observations) {
    if (o.note?.trim()) commentary.push({ year: reportingYear(o.at), kind: 'observation-note', text: o.note.trim(), observation: o });
  }
  commentary.sort((a, b) => (b.year ?? -Infinity) - (a.year ?? -Infinity));

  const docById = new Map(data.documents.map((d) => [d.id, d]));
  const publishedRates = data.publishedRates
    .filter((p) => p.kpiId === kpi.id)
    .map((published) => {
      const document = docById.get(published.documentId);
      return { published, document, result: reconcilePublishedRate(kpi, published, document), asPublished: figuresAsPublished(kpi, published, document), today: rateOnTodaysData(kpi, published) };
    });
  const documents = [...new Set(publishedRates.map((p) => p.published.documentId))].flatMap((id) => {
    const d = docById.get(id);
    return d ? [d] : [];
  });

  return {
    data,
    kpi,
    evaluation: evaluateKpi(kpi),
    override: statusOverrideOf(data, kpi.id) ?? null,
    byTarget,
    observations,
    sdgTargets: tagSdgTargets(kpi.sdgTargets),
    uses,
    commentary,
    publishedRates,
    documents,
  };
}
