import type { Plan, PlanKpiRow, PlanNarrative, PlanNode, PlanVersion, SheetReport } from '../core/plan/plan.ts';
import { toNumberOrNull } from '../storage/columns.ts';
import { groupBy, must, opt } from '../cities/city-data.support.ts';
import type { SlugIndex, Snapshot } from '../cities/city-snapshot.ts';
import type { PlanKpiRowWithPlan } from './plan.repository.ts';
import type { NewPlanRow, PlanSheetReportRow } from './plan.table.ts';

/* Plans, their trees, KPI rows, narratives and sheet reports: rows → domain, domain → rows, and their normal forms. */

/** Slugs of the archived plans of a snapshot. */
export function archivedPlanSlugs(s: Snapshot): Set<string> {
  return new Set(s.plans.filter((p) => p.archived_at !== null).map((p) => p.slug));
}

export function plansFromSnapshot(s: Snapshot, slugs: SlugIndex): Plan[] {
  const archivedPlans = new Set(s.plans.filter((p) => p.archived_at !== null).map((p) => p.id));
  const versions = groupBy(s.planVersions, (v) => v.plan_id);
  const narratives = groupBy(s.planNarratives, (n) => n.plan_id);
  const reports = groupBy(s.planSheetReports, (r) => r.plan_id);
  // Archived nodes (and so their subtrees) and rows of archived (retired) KPIs are not part of the plan as loaded.
  const nodesByParent = groupBy(s.planNodes.filter((n) => n.archived_at === null), (n) => `${n.plan_id}/${n.parent_id ?? ''}`);
  const retiredKpis = new Set(s.kpis.filter((k) => k.retired_at !== null).map((k) => k.id));
  const rowsByNode = groupBy(s.planKpiRows.filter((r) => !retiredKpis.has(r.kpi_id)), (r) => r.node_id);

  const tree = (planId: number, parentId: number | null): PlanNode[] =>
    [...(nodesByParent.get(`${planId}/${parentId ?? ''}`) ?? [])]
      .sort((a, b) => a.position - b.position)
      .map((n) => ({
        id: n.slug,
        kind: n.kind,
        ...opt('code', n.code),
        title: n.title,
        ...opt('titleEn', n.title_en),
        ...opt('description', n.description),
        children: tree(planId, n.id),
        kpiRows: [...(rowsByNode.get(n.id) ?? [])].sort((a, b) => a.position - b.position).map((r) => planKpiRowFromRow(r, slugs)),
      }));
  return s.plans.map((p) => ({
    id: p.slug,
    cityId: p.city_id,
    kind: p.kind,
    title: p.title,
    ...opt('titleEn', p.title_en),
    periodStart: p.period_start,
    periodEnd: p.period_end,
    // An archived parent is not part of the data: the link stays stored (the writer keeps it).
    ...opt('parentPlanId', p.parent_plan_id === null || archivedPlans.has(p.parent_plan_id) ? null : must(slugs.plan.get(p.parent_plan_id), 'parent plan')),
    ...opt('vision', p.vision),
    versions: (versions.get(p.id) ?? []).map(
      (v): PlanVersion => ({ label: v.label, kind: v.kind, date: v.date, ...opt('note', v.note) }),
    ),
    nodes: tree(p.id, null),
    narratives: (narratives.get(p.id) ?? []).map(
      (n): PlanNarrative => ({ kind: n.kind, title: n.title, body: n.body, ...opt('year', n.year), ...opt('section', n.section) }),
    ),
    ...(p.sheet_layout !== 'cabinet-office' ? { sheetLayout: p.sheet_layout } : {}),
    ...opt('periodOrdinal', p.period_ordinal),
    ...sheetReportsOf(reports.get(p.id) ?? []),
  }));
}

/** The plan's dated sheet reports, absent when there is none (the normal form). */
function sheetReportsOf(rows: readonly PlanSheetReportRow[]): { sheetReports?: SheetReport[] } {
  if (rows.length === 0) return {};
  return { sheetReports: rows.map((r) => ({ year: r.year, kind: r.kind, submittedOn: r.submitted_on, ...opt('documentId', r.document_id) })) };
}

export function planKpiRowFromRow(r: PlanKpiRowWithPlan, slugs: SlugIndex): PlanKpiRow {
  return {
    kpiId: must(slugs.kpi.get(r.kpi_id), 'KPI of a plan row'),
    ...opt('no', r.no),
    ...opt('targetId', r.kpi_target_id === null ? null : must(slugs.target.get(r.kpi_target_id), 'target of a plan row')),
    ...opt('weight', toNumberOrNull(r.weight)),
    ...opt('commentary', r.commentary),
    ...opt('reflection', r.reflection),
  };
}

export function planRowValues(cityId: string, p: Plan, position: number): NewPlanRow {
  return {
    city_id: cityId,
    slug: p.id,
    position,
    kind: p.kind,
    title: p.title,
    title_en: p.titleEn ?? null,
    period_start: p.periodStart,
    period_end: p.periodEnd,
    vision: p.vision ?? null,
    sheet_layout: p.sheetLayout ?? 'cabinet-office',
    period_ordinal: p.periodOrdinal ?? null,
  };
}

export function normalizePlan(p: Plan): Plan {
  const node = (n: PlanNode): PlanNode => ({
    id: n.id,
    kind: n.kind,
    ...opt('code', n.code),
    title: n.title,
    ...opt('titleEn', n.titleEn),
    ...opt('description', n.description),
    children: n.children.map(node),
    kpiRows: n.kpiRows.map((r) => ({
      kpiId: r.kpiId,
      ...opt('no', r.no),
      ...opt('targetId', r.targetId),
      ...opt('weight', r.weight),
      ...opt('commentary', r.commentary),
      ...opt('reflection', r.reflection),
    })),
  });
  return {
    id: p.id,
    cityId: p.cityId,
    kind: p.kind,
    title: p.title,
    ...opt('titleEn', p.titleEn),
    periodStart: p.periodStart,
    periodEnd: p.periodEnd,
    ...opt('parentPlanId', p.parentPlanId),
    ...opt('vision', p.vision),
    versions: p.versions.map((v) => ({ label: v.label, kind: v.kind, date: v.date, ...opt('note', v.note) })),
    nodes: p.nodes.map(node),
    narratives: p.narratives.map((n) => ({ kind: n.kind, title: n.title, body: n.body, ...opt('year', n.year), ...opt('section', n.section) })),
    ...(p.sheetLayout && p.sheetLayout !== 'cabinet-office' ? { sheetLayout: p.sheetLayout } : {}),
    ...opt('periodOrdinal', p.periodOrdinal),
    ...(p.sheetReports && p.sheetReports.length > 0
      ? { sheetReports: [...p.sheetReports].sort((a, b) => a.year - b.year || a.kind.localeCompare(b.kind)).map((r) => ({ year: r.year, kind: r.kind, submittedOn: r.submittedOn, ...opt('documentId', r.documentId) })) }
      : {}),
  };
}

/** A plan's own columns (its row in `plans`, parent aside). */
export function planHead(p: Plan) {
  return { kind: p.kind, title: p.title, titleEn: p.titleEn, periodStart: p.periodStart, periodEnd: p.periodEnd, vision: p.vision, sheetLayout: p.sheetLayout, periodOrdinal: p.periodOrdinal };
}

/** What hangs under a plan: replaced as a whole when it differs. */
export function planContents(p: Plan) {
  return { versions: p.versions, nodes: p.nodes, narratives: p.narratives, sheetReports: p.sheetReports };
}
