import type { Plan, PlanKpiRow } from '../core/plan/plan.ts';
import { CityDataError, finite, groupBy, json, must, same } from '../cities/city-data.support.ts';
import type { SlugIndex, Snapshot } from '../cities/city-snapshot.ts';
import type { CityWrite } from '../cities/city-write.ts';
import {
  archivePlanNodes,
  archivePlans,
  deletePlanKpiRows,
  deletePlanNarratives,
  deletePlanNodes,
  deletePlanSheetReports,
  deletePlanVersions,
  insertPlanKpiRows,
  insertPlanNarratives,
  insertPlanNodes,
  insertPlanSheetReports,
  insertPlanVersions,
  insertPlans,
  setPlanKpiRowPositions,
  updatePlan,
  updatePlanNode,
  type PlanKpiRowWithPlan,
} from './plan.repository.ts';
import type { NewPlanKpiRowRow, NewPlanNodeRow, NewPlanRow, PlanNodeRow } from './plan.table.ts';
import { normalizePlan, planContents, planHead, planKpiRowFromRow, planRowValues, plansFromSnapshot } from './plan.mapping.ts';

/* A city's plans (rows, trees written in place, KPI rows, versions, narratives), as one step of a whole-city save (city-data.service.ts). */

export async function writePlans(w: CityWrite, stored: Snapshot | null, slugs: SlugIndex | null): Promise<void> {
  const storedRows = new Map((stored?.plans ?? []).map((r) => [r.slug, r]));
  const storedPlans = new Map(stored && slugs ? plansFromSnapshot(stored, slugs).map((p) => [p.id, p]) : []);
  const planIds = new Map<string, number>();
  const fill: { planId: number; plan: Plan }[] = [];
  const changed: { planId: number; current: Plan; plan: Plan }[] = [];
  const inserts: { plan: Plan; row: NewPlanRow }[] = [];

  for (const [position, plan] of w.data.plans.entries()) {
    const wanted = normalizePlan(plan);
    const values = planRowValues(w.cityId, wanted, position);
    const row = storedRows.get(plan.id);
    const current = storedPlans.get(plan.id);
    if (!row || !current) {
      inserts.push({ plan: wanted, row: values });
      continue;
    }
    planIds.set(plan.id, row.id);
    const archived = row.archived_at !== null;
    if (same(current, wanted) && row.position === position && !archived) continue;
    // An archived plan the data names comes back (as an archived KPI the data names does).
    if (!same(planHead(current), planHead(wanted)) || row.position !== position || archived) await updatePlan(w.db, row.id, { ...values, archived_at: null });
    if (!same(planContents(current), planContents(wanted))) changed.push({ planId: row.id, current, plan: wanted });
    if (archived) w.note({ action: 'restore', entity: 'plan', entityId: plan.id, old: json(current), new: json(wanted) });
    else if (!same(current, wanted)) w.note({ action: 'update', entity: 'plan', entityId: plan.id, old: json(current), new: json(wanted) });
  }

  const inserted = await insertPlans(
    w.db,
    inserts.map((i) => i.row),
  );
  for (const [i, row] of inserted.entries()) {
    const { plan } = inserts[i]!;
    planIds.set(plan.id, row.id);
    fill.push({ planId: row.id, plan });
    w.note({ action: 'create', entity: 'plan', entityId: plan.id, new: json(plan) });
  }

  // Parents once every plan has an id (a plan may name one listed after it). An archived
  // parent the data does not mention is not in the loaded plan: the stored link stays.
  const archivedOutside = new Set((stored?.plans ?? []).filter((r) => r.archived_at !== null && !planIds.has(r.slug)).map((r) => r.id));
  for (const plan of w.data.plans) {
    const parentId = plan.parentPlanId === undefined ? null : planIds.get(plan.parentPlanId);
    if (parentId === undefined) throw new CityDataError(`plan "${plan.id}": unknown parent plan "${plan.parentPlanId}"`);
    const storedParentId = storedRows.get(plan.id)?.parent_plan_id ?? null;
    if (parentId === null && storedParentId !== null && archivedOutside.has(storedParentId)) continue;
    if (storedParentId !== parentId) await updatePlan(w.db, must(planIds.get(plan.id), 'plan id'), { parent_plan_id: parentId });
  }

  for (const c of changed) await syncPlanContents(w, c.planId, c.current, c.plan, stored!);
  await insertPlanContents(w, fill);

  // A plan the data omits is archived, never deleted: its snapshots, tree and history stay for staff to restore.
  const omitted = [...storedRows.values()].filter((r) => !planIds.has(r.slug) && r.archived_at === null);
  await archivePlans(
    w.db,
    omitted.map((r) => r.id),
  );
  for (const r of omitted) w.note({ action: 'archive', entity: 'plan', entityId: r.slug, old: json(storedPlans.get(r.slug) ?? null) });
}

/**
 * Writes a stored plan's contents where they differ, in place: versions, narratives (with
 * their sections) and dated sheet reports are replaced when they differ; nodes are matched by
 * id (slug) and updated, moved or inserted, so their row ids stay; KPI rows follow {@link syncKpiRows}. Nodes outside the data
 * (archived ones and everything below them) are left as they are, unless the data names one
 * (then it comes back where the data puts it). A node the data omits is archived when
 * anything hangs under it and deleted when it is empty.
 */
export async function syncPlanContents(w: CityWrite, planId: number, current: Plan, plan: Plan, stored: Snapshot): Promise<void> {
  if (!same(current.versions, plan.versions)) {
    await deletePlanVersions(w.db, [planId]);
    await insertPlanVersions(w.db, plan.versions.map((v, position) => ({ plan_id: planId, position, label: v.label, kind: v.kind, date: v.date, note: v.note ?? null })));
  }
  if (!same(current.narratives, plan.narratives)) {
    await deletePlanNarratives(w.db, [planId]);
    await insertPlanNarratives(w.db, plan.narratives.map((n, position) => ({ plan_id: planId, position, kind: n.kind, title: n.title, body: n.body, year: n.year ?? null, section: n.section ?? null })));
  }
  if (!same(current.sheetReports ?? [], plan.sheetReports ?? [])) {
    await deletePlanSheetReports(w.db, [planId]);
    await insertPlanSheetReports(w.db, (plan.sheetReports ?? []).map((r) => ({ plan_id: planId, year: r.year, kind: r.kind, submitted_on: r.submittedOn, document_id: r.documentId ?? null })));
  }
  if (same(current.nodes, plan.nodes)) return;

  const rows = stored.planNodes.filter((n) => n.plan_id === planId);
  const byId = new Map(rows.map((n) => [n.id, n]));
  const bySlug = new Map(rows.map((n) => [n.slug, n]));
  const hidden = (n: PlanNodeRow): boolean => {
    for (let x: PlanNodeRow | undefined = n; x; x = x.parent_id === null ? undefined : byId.get(x.parent_id)) if (x.archived_at !== null) return true;
    return false;
  };
  const storedKpiRows = groupBy(stored.planKpiRows.filter((r) => r.plan_id === planId), (r) => r.node_id);
  const matched = new Set<number>();
  const newKpiRows: NewPlanKpiRowRow[] = [];
  let level = plan.nodes.map((node, position) => ({ node, position, parentId: null as number | null }));
  while (level.length > 0) {
    const next: typeof level = [];
    const toInsert: typeof level = [];
    for (const item of level) {
      const { node, position, parentId } = item;
      const row = bySlug.get(node.id);
      if (!row) {
        toInsert.push(item);
        continue;
      }
      matched.add(row.id);
      const values = { parent_id: parentId, position, kind: node.kind, code: node.code ?? null, title: node.title, title_en: node.titleEn ?? null, description: node.description ?? null, archived_at: null };
      const moved = row.parent_id !== parentId || row.position !== position || row.archived_at !== null;
      const edited = row.kind !== values.kind || row.code !== values.code || row.title !== values.title || row.title_en !== values.title_en || row.description !== values.description;
      const rowsChanged = await syncKpiRows(w, plan, row.id, node.kpiRows, storedKpiRows.get(row.id) ?? [], newKpiRows);
      // A new row version even when only its KPI rows changed: a form opened before the save conflicts.
      if (moved || edited || rowsChanged) await updatePlanNode(w.db, row.id, values);
      next.push(...node.children.map((child, i) => ({ node: child, position: i, parentId: row.id })));
    }
    const inserted = await insertPlanNodes(
      w.db,
      toInsert.map(({ node, position, parentId }) => ({ plan_id: planId, parent_id: parentId, slug: node.id, position, kind: node.kind, code: node.code ?? null, title: node.title, title_en: node.titleEn ?? null, description: node.description ?? null })),
    );
    for (const [i, row] of inserted.entries()) {
      const { node } = toInsert[i]!;
      for (const [position, r] of node.kpiRows.entries()) newKpiRows.push(planKpiRowValues(w, plan, row.id, r, position));
      next.push(...node.children.map((child, j) => ({ node: child, position: j, parentId: row.id })));
    }
    level = next;
  }
  await insertPlanKpiRows(w.db, newKpiRows);

  // Nodes of the plan as loaded that the data omits: the top one of each omitted subtree is
  // archived when anything still hangs under it (children, archived ones included, or KPI
  // rows), deleted when it is empty — the builder's rule for deleting a node.
  const gone = rows.filter((n) => !matched.has(n.id) && !hidden(n));
  const goneIds = new Set(gone.map((n) => n.id));
  const tops = gone.filter((n) => n.parent_id === null || !goneIds.has(n.parent_id));
  const empty = (n: PlanNodeRow) => !rows.some((x) => x.parent_id === n.id && !matched.has(x.id)) && (storedKpiRows.get(n.id) ?? []).length === 0;
  await deletePlanNodes(w.db, tops.filter(empty).map((n) => n.id));
  await archivePlanNodes(w.db, tops.filter((n) => !empty(n)).map((n) => n.id));
}

/**
 * Writes a stored node's KPI rows: the rows of KPIs in the data become the data's rows (in
 * its order); the rows of KPIs outside the data (archived) stay, at the place they had among
 * the node's rows. Returns whether anything changed; new rows are added to `inserts` (written
 * after every node's positions are settled).
 */
export async function syncKpiRows(w: CityWrite, plan: Plan, nodeId: number, wanted: readonly PlanKpiRow[], storedRows: readonly PlanKpiRowWithPlan[], inserts: NewPlanKpiRowRow[]): Promise<boolean> {
  const slugs = must(w.slugs ?? undefined, 'slugs of a stored city');
  const inside = storedRows.filter((r) => !w.outsideKpiIds.has(r.kpi_id));
  if (same(inside.map((r) => planKpiRowFromRow(r, slugs)), wanted)) return false;
  await deletePlanKpiRows(w.db, inside.map((r) => r.id));
  const order: ({ kept: PlanKpiRowWithPlan } | { row: PlanKpiRow })[] = wanted.map((row) => ({ row }));
  for (const [i, r] of storedRows.entries()) if (w.outsideKpiIds.has(r.kpi_id)) order.splice(Math.min(i, order.length), 0, { kept: r });
  const moves: { id: number; position: number }[] = [];
  for (const [position, o] of order.entries()) {
    if ('kept' in o) {
      if (o.kept.position !== position) moves.push({ id: o.kept.id, position });
    } else inserts.push(planKpiRowValues(w, plan, nodeId, o.row, position));
  }
  await setPlanKpiRowPositions(w.db, moves);
  return true;
}

/** Writes versions, narratives, trees (a level at a time, all plans together) and KPI rows. */
export async function insertPlanContents(w: CityWrite, plans: { planId: number; plan: Plan }[]): Promise<void> {
  await insertPlanVersions(
    w.db,
    plans.flatMap(({ planId, plan }) =>
      plan.versions.map((v, position) => ({ plan_id: planId, position, label: v.label, kind: v.kind, date: v.date, note: v.note ?? null })),
    ),
  );
  await insertPlanNarratives(
    w.db,
    plans.flatMap(({ planId, plan }) =>
      plan.narratives.map((n, position) => ({ plan_id: planId, position, kind: n.kind, title: n.title, body: n.body, year: n.year ?? null, section: n.section ?? null })),
    ),
  );
  await insertPlanSheetReports(
    w.db,
    plans.flatMap(({ planId, plan }) =>
      (plan.sheetReports ?? []).map((r) => ({ plan_id: planId, year: r.year, kind: r.kind, submitted_on: r.submittedOn, document_id: r.documentId ?? null })),
    ),
  );

  const kpiRows: NewPlanKpiRowRow[] = [];
  let level = plans.flatMap(({ planId, plan }) => plan.nodes.map((node, position) => ({ planId, plan, node, position, parentId: null as number | null })));
  while (level.length > 0) {
    const inserted = await insertPlanNodes(
      w.db,
      level.map(
        ({ planId, node, position, parentId }): NewPlanNodeRow => ({
          plan_id: planId,
          parent_id: parentId,
          slug: node.id,
          position,
          kind: node.kind,
          code: node.code ?? null,
          title: node.title,
          title_en: node.titleEn ?? null,
          description: node.description ?? null,
        }),
      ),
    );
    const next: typeof level = [];
    for (const [i, row] of inserted.entries()) {
      const { planId, plan, node } = level[i]!;
      for (const [position, r] of node.kpiRows.entries()) kpiRows.push(planKpiRowValues(w, plan, row.id, r, position));
      next.push(...node.children.map((child, position) => ({ planId, plan, node: child, position, parentId: row.id })));
    }
    level = next;
  }
  await insertPlanKpiRows(w.db, kpiRows);
}

export function planKpiRowValues(w: CityWrite, plan: Plan, nodeId: number, r: PlanKpiRow, position: number): NewPlanKpiRowRow {
  const kpiId = w.kpiIds.get(r.kpiId);
  if (kpiId === undefined) throw new CityDataError(`plan "${plan.id}": a row names unknown KPI "${r.kpiId}"`);
  let targetId: number | null = null;
  if (r.targetId !== undefined) {
    const id = w.targetIds.get(`${r.kpiId}#${r.targetId}`);
    if (id === undefined) throw new CityDataError(`plan "${plan.id}": a row of KPI "${r.kpiId}" names unknown target "${r.targetId}"`);
    targetId = id;
  }
  return {
    node_id: nodeId,
    kpi_id: kpiId,
    kpi_target_id: targetId,
    position,
    no: r.no ?? null,
    weight: r.weight === undefined ? null : finite(r.weight, `weight of KPI "${r.kpiId}" in plan "${plan.id}"`),
    commentary: r.commentary ?? null,
    reflection: r.reflection ?? null,
  };
}
