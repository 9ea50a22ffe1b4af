import { memoized } from '../cities/city-view-memo.ts';
import type { CityData, PublishedRate, SourceDocument, StatusOverride } from '../core/city/city.ts';
import { evaluateKpi, sortedObservations, type KpiEvaluation } from '../core/kpi/kpi-evaluation.ts';
import { kpiDirection, type Kpi, type KpiDirection, type KpiMetadata, type KpiTarget, type Observation } from '../core/kpi/kpi.ts';
import { achievementFormula } from '../core/kpi/achievement.ts';
import type { BilingualText } from '../core/bilingual.ts';
import type { TimePoint } from '../core/time/time-point.ts';
import { walkPlanNodes, type Plan, type PlanKpiRow, type PlanNode } from '../core/plan/plan.ts';
import type { Reconciliation } from '../core/reconciliation/reconcile.ts';
import { findSdgTarget, goalOfTarget, type SdgGoal, type SdgTarget } from '../core/sdg/sdg-framework.ts';
import { compareTimePoints, reportingYear } from '../core/time/time-point.ts';
import { figuresAsPublished, rateOnTodaysData, reconcilePublishedRate, type FiguresAsPublished, type RateOnTodaysData } from './published-rate.service.ts';
import { statusOverrideOf, yearlyCommentariesOf } from '../staff/staff-notes.service.ts';

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

/** A figure of the KPI a document printed: a rate (as printed), an actual or a target (value and decimals as printed). */
export type PrintedFigure =
  | { readonly kind: 'rate'; readonly at: TimePoint; readonly printed: string }
  | { readonly kind: 'actual' | 'target'; readonly at: TimePoint; readonly value: number; readonly decimals: number | undefined };

/** A document that printed figures of the KPI ("as published in"), with the figures it printed. */
export interface KpiPublication {
  /** The registered document; undefined when an actual names a source that is not registered (then `title` is that source). */
  readonly document: SourceDocument | undefined;
  readonly title: string;
  readonly figures: readonly PrintedFigure[];
}

/**
 * What the KPI's metadata says (issue 15.2, Open SDG's metadata tabs): definition, source,
 * provider, update frequency as staff typed them, the department, the achievement method and
 * its formula as the city computes it, how many target revisions there were, and when the
 * published figures last changed. Built from the public view only.
 */
export interface KpiAbout {
  readonly metadata: KpiMetadata;
  readonly department: string | undefined;
  readonly method: Kpi['method'];
  readonly direction: KpiDirection;
  readonly formula: BilingualText;
  readonly revisionCount: number;
  /**
   * ISO instant of the latest entry among the figures the public sees: actuals (their entry, or
   * the approval of the reviewed content shown), target values and target revisions; null when
   * none is dated (figures loaded without history).
   */
  readonly lastUpdated: string | null;
  /** The documents that printed this KPI's figures, in the city's document order, then unregistered sources. */
  readonly publishedIn: readonly KpiPublication[];
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
  readonly about: KpiAbout;
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
  // Kept per KPI of the city only (an unknown id from a URL is never a key, so the memo stays
  // bounded by the city's own KPIs).
  return memoized(data, `kpi-detail\u0000${kpi.id}`, () => computeKpiDetail(data, kpi));
}

function computeKpiDetail(data: CityData, kpi: Kpi): KpiDetail {
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
    about: {
      metadata: { ...(kpi.definition && { definition: kpi.definition }), ...(kpi.dataSource && { dataSource: kpi.dataSource }), ...(kpi.dataProvider && { dataProvider: kpi.dataProvider }), ...(kpi.updateFrequency && { updateFrequency: kpi.updateFrequency }) },
      department: kpi.department,
      method: kpi.method,
      direction: kpiDirection(kpi),
      formula: achievementFormula(kpi.method, kpiDirection(kpi)),
      revisionCount: kpi.targets.reduce((n, t) => n + t.revisions.length, 0),
      lastUpdated: lastUpdated(kpi, observations),
      publishedIn: publishedIn(kpi, data.documents, publishedRates, observations),
    },
  };
}

/** The latest entry time among the shown actuals, target values and revisions (ISO instants compare as text). */
function lastUpdated(kpi: Kpi, observations: readonly Observation[]): string | null {
  const times = [
    ...observations.map((o) => o.recordedAt),
    ...kpi.targets.flatMap((t) => [...(t.versions ?? []).map((v) => v.recordedAt), ...t.revisions.map((r) => r.recordedAt)]),
  ].filter((t): t is string => t !== undefined);
  return times.length === 0 ? null : times.reduce((a, b) => (new Date(a).getTime() >= new Date(b).getTime() ? a : b));
}

/**
 * The documents that printed this KPI: each published rate's document with the rate as printed
 * and the actual and target as that document had them; and each actual taken from a published
 * document (`documented`, its source naming a registered document by id or title, else shown by
 * the source's own words).
 */
function publishedIn(kpi: Kpi, documents: readonly SourceDocument[], rates: readonly KpiPublishedRate[], observations: readonly Observation[]): KpiPublication[] {
  const byKey = new Map<string, { document: SourceDocument | undefined; title: string; figures: PrintedFigure[]; seen: Set<string> }>();
  const entry = (document: SourceDocument | undefined, title: string) => {
    const key = document ? `doc:${document.id}` : `src:${title}`;
    let e = byKey.get(key);
    if (!e) byKey.set(key, (e = { document, title, figures: [], seen: new Set() }));
    return e;
  };
  const add = (e: ReturnType<typeof entry>, f: PrintedFigure) => {
    const key = JSON.stringify(f);
    if (e.seen.has(key)) return;
    e.seen.add(key);
    e.figures.push(f);
  };
  for (const r of rates) {
    const e = entry(r.document, r.document?.title ?? r.published.documentId);
    add(e, { kind: 'rate', at: r.published.actualAt, printed: r.published.printed });
    const actual = r.published.actual ?? r.asPublished?.actual;
    if (actual) add(e, { kind: 'actual', at: r.published.actualAt, value: actual.value, decimals: actual.decimals });
    const target = r.published.targetValue ?? r.asPublished?.target;
    const targetAt = kpi.targets.find((t) => t.id === r.published.targetId)?.at;
    if (target && targetAt) add(e, { kind: 'target', at: targetAt, value: target.value, decimals: target.decimals });
  }
  for (const o of observations) {
    const source = o.source?.trim();
    if (!o.documented || !source) continue;
    const document = documents.find((d) => d.id === source || d.title === source);
    add(entry(document, document?.title ?? source), { kind: 'actual', at: o.at, value: o.value, decimals: o.decimals });
  }
  const order = (e: { document: SourceDocument | undefined }) => (e.document ? documents.indexOf(e.document) : documents.length);
  return [...byKey.values()].sort((a, b) => order(a) - order(b)).map(({ document, title, figures }) => ({ document, title, figures }));
}
