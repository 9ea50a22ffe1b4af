import { z } from 'zod';
import type { ChangeSignal } from '../actuals/record-actual.command.ts';
import { PLAN_KINDS, type PlanKind, type PlanNodeKind } from '../core/plan/plan.ts';
import { parsePeriodYear, parseTimePoint } from '../core/notation/index.ts';
import { formatTimePointIso } from '../core/time/time-point.ts';
import { loadCityData } from '../cities/city-data.service.ts';
import type { FieldProblem, FormResult } from '../staff/staff-entry.service.ts';
import type { Executor } from '../storage/database.ts';
import { StaleVersionError } from '../storage/edit-version.ts';
import { NotFoundError } from '../core/not-found.ts';
import { appendStaffChangeLog, inStaffTransaction } from '../storage/staff-database.ts';
import type { PlanNodeRow } from './plan.table.ts';
import { findKpiBySlug } from '../kpis/kpi.repository.ts';
import {
  appendPlanSnapshot,
  appendPlanVersionLine,
  countKpiRows,
  deleteKpiRow,
  recordedVersionsWithNode,
  deleteNodeRow,
  deletePlanRow,
  insertKpiRowAtEnd,
  insertNodeAtEnd,
  insertPlanAtEnd,
  kpiIdsOfPlan,
  kpisHaveData,
  listAllNodes,
  listAllPlanRows,
  listNodeKpiRows,
  listPlanSnapshots,
  lockPlanBySlug,
  moveKpiRow,
  planHasHistory,
  setNodePosition,
  setPlanPosition,
  swapKpiRowPositions,
  touchNode,
  updateNodeAtVersion,
  updatePlanRowAtVersion,
} from './plan-building.repository.ts';
import { FieldRefusal, optionalText, problem, requiredText, randomSlug, SLUG, versionedWrite, zodProblems } from './plan-form.ts';
import { snapshotOfPlan } from './plan-snapshot.ts';

/*
 * Commands that build a plan in the app (issue 13.2): create, edit, reorder, archive, restore
 * and delete plans; add, move, reorder, archive, restore and delete nodes of any depth; attach,
 * move and detach KPI rows (a KPI may be a row of several plans); record a version (策定 / 改訂)
 * with a snapshot for the 新旧対照表 (13.6).
 *
 * Every command: validates its input (field problems by form field name, nothing written);
 * opens one transaction; checks the version the editor started from (a plan's or node's row
 * version; a stale one is an edit conflict, as is a lost race); writes only what changes;
 * appends its change-log entry (who, old → new, why); and signals the change once after commit
 * so caches and summaries follow. Callers (the staff routes, the CLI, the next-period command)
 * check the policy (`canBuildPlans`) before calling. Text inputs are strings as typed.
 */

/** Who acts and where: every command's first props. */
export interface PlanCommandBase {
  readonly cityId: string;
  /** Who writes, as the change log names them (`actorName(user)`). */
  readonly actor: string;
  /** Why, kept with the change-log entry (optional except for a revision). */
  readonly reason?: string | null;
}

/**
 * A year of a plan's period as typed: 「2024」「２０２４」「2024年度」「令和6年度」 (core/notation's
 * parsePeriodYear), 1900–2200; never a number coerced from 「2.024e3」 or 「0x7E8」.
 */
const year = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const parsed = typeof v === 'number' ? { ok: true as const, value: v } : parsePeriodYear(v.trim());
  if (parsed.ok && Number.isInteger(parsed.value) && parsed.value >= 1900 && parsed.value <= 2200) return parsed.value;
  ctx.addIssue({ code: 'custom', message: 'not a year' });
  return z.NEVER;
});
const planHead = z.object({
  title: requiredText(300),
  titleEn: optionalText(300),
  kind: z.enum(PLAN_KINDS as [PlanKind, ...PlanKind[]]),
  periodStart: year,
  periodEnd: year,
  vision: optionalText(4000, 'multi-line'),
});

/** The head of a plan as typed: title (ja/en), kind, period (fiscal years), vision. */
export interface PlanHeadInput {
  readonly title: string;
  readonly titleEn?: string;
  readonly kind: string;
  readonly periodStart: string | number;
  readonly periodEnd: string | number;
  readonly vision?: string;
}

function parseHead(input: PlanHeadInput) {
  const parsed = planHead.safeParse({ titleEn: '', vision: '', ...input });
  const errors = parsed.success ? {} : zodProblems(parsed.error.issues);
  if (errors['periodStart'] || errors['periodEnd']) {
    if (errors['periodStart']) errors['periodStart'] = problem('plans.error.year');
    if (errors['periodEnd']) errors['periodEnd'] = problem('plans.error.year');
  } else if (parsed.success && parsed.data.periodStart > parsed.data.periodEnd) errors['periodEnd'] = problem('plans.error.period');
  return Object.keys(errors).length > 0 || !parsed.success ? { ok: false as const, errors } : { ok: true as const, value: parsed.data };
}

const headJson = (r: { title: string; title_en: string | null; kind: string; period_start: number; period_end: number; vision: string | null }) => ({
  title: r.title,
  titleEn: r.title_en,
  kind: r.kind,
  periodStart: r.period_start,
  periodEnd: r.period_end,
  vision: r.vision,
});

/** What {@link createPlan} needs: the plan's id in the city (its address) and its head. */
export interface CreatePlanProps extends PlanCommandBase {
  /** The plan's id (lower-case ASCII, digits, hyphens); taken ids are refused. */
  readonly planId: string;
  readonly head: PlanHeadInput;
}

/** Creates an empty plan (no tree, no version yet) after the city's last plan. */
export async function createPlan(db: Executor, signal: ChangeSignal, props: CreatePlanProps): Promise<FormResult<{ planId: string }>> {
  const slug = props.planId.trim();
  const head = parseHead(props.head);
  const errors = head.ok ? {} : { ...head.errors };
  if (!SLUG.test(slug) || slug.length > 80) errors['planId'] = problem('plans.error.slug');
  if (!head.ok || Object.keys(errors).length > 0) return { ok: false, errors };
  const h = head.value;
  const r = await versionedWrite('plan', slug, () =>
    inStaffTransaction(db, async (trx) => {
      if (await lockPlanBySlug(trx, props.cityId, slug)) throw new FieldRefusal({ planId: problem('plans.error.slugTaken') });
      const row = await insertPlanAtEnd(trx, { city_id: props.cityId, slug, kind: h.kind, title: h.title, title_en: h.titleEn, period_start: h.periodStart, period_end: h.periodEnd, vision: h.vision, parent_plan_id: null });
      await appendStaffChangeLog(trx, [{ actor: props.actor, action: 'create', entity: 'plan', entityId: slug, cityId: props.cityId, new: headJson(row), reason: props.reason ?? null }]);
      return { planId: slug };
    }),
  );
  // Two people creating the same id at once: the loser's unique violation is the "taken" answer.
  if (!r.ok && r.conflict) return { ok: false, errors: { planId: problem('plans.error.slugTaken') } };
  if (r.ok) signal.invalidate(props.cityId);
  return r;
}

/** What {@link editPlanHead} needs: the plan, the version the form was opened on, the new head. */
export interface EditPlanHeadProps extends PlanCommandBase {
  readonly planId: string;
  readonly version: number;
  readonly head: PlanHeadInput;
}

/** Edits a plan's head (title ja/en, kind, period, vision) at the form's version; one UPDATE of its row, audited old → new. */
export async function editPlanHead(db: Executor, signal: ChangeSignal, props: EditPlanHeadProps): Promise<FormResult<void>> {
  const head = parseHead(props.head);
  if (!head.ok) return { ok: false, errors: head.errors };
  const h = head.value;
  const r = await versionedWrite('plan', props.planId, () =>
    inStaffTransaction(db, async (trx) => {
      const before = await lockPlanBySlug(trx, props.cityId, props.planId);
      if (!before) throw new NotFoundError('plan', props.planId);
      const after = await updatePlanRowAtVersion(trx, before.id, props.version, { title: h.title, title_en: h.titleEn, kind: h.kind, period_start: h.periodStart, period_end: h.periodEnd, vision: h.vision });
      if (!after) throw new StaleVersionError(`plan "${props.planId}"`);
      const old = headJson(before);
      const next = headJson(after);
      if (JSON.stringify(old) !== JSON.stringify(next)) await appendStaffChangeLog(trx, [{ actor: props.actor, action: 'update', entity: 'plan', entityId: props.planId, cityId: props.cityId, old, new: next, reason: props.reason ?? null }]);
    }),
  );
  if (r.ok) signal.invalidate(props.cityId);
  return r;
}

/** Up or down among siblings. */
export type MoveDirection = 'up' | 'down';

/** What {@link reorderPlan} needs. */
export interface ReorderPlanProps extends PlanCommandBase {
  readonly planId: string;
  readonly version: number;
  readonly direction: MoveDirection;
}

/** Moves a plan one place up or down in the city's list (swaps positions with its neighbour). */
export async function reorderPlan(db: Executor, signal: ChangeSignal, props: ReorderPlanProps): Promise<FormResult<void>> {
  const r = await versionedWrite('plan', props.planId, () =>
    inStaffTransaction(db, async (trx) => {
      const all = await listAllPlanRows(trx, props.cityId);
      const i = all.findIndex((p) => p.slug === props.planId);
      if (i < 0) throw new NotFoundError('plan', props.planId);
      const j = props.direction === 'up' ? i - 1 : i + 1;
      const self = all[i]!;
      const other = all[j];
      // Already first (or last): say so rather than answer "moved" for nothing.
      if (!other) throw new FieldRefusal({ direction: problem(props.direction === 'up' ? 'plans.error.alreadyFirst' : 'plans.error.alreadyLast') });
      // Positions may repeat in imported data: renumber the list, then swap the two.
      const order = all.map((p) => p.id);
      [order[i], order[j]] = [order[j]!, order[i]!];
      const moved = await updatePlanRowAtVersion(trx, self.id, props.version, { position: j });
      if (!moved) throw new StaleVersionError(`plan "${props.planId}"`);
      for (const [position, id] of order.entries()) if (id !== self.id && all.find((p) => p.id === id)!.position !== position) await setPlanPosition(trx, id, position);
      await appendStaffChangeLog(trx, [{ actor: props.actor, action: 'reorder', entity: 'plan', entityId: props.planId, cityId: props.cityId, old: { position: i }, new: { position: j }, reason: props.reason ?? null }]);
    }),
  );
  if (r.ok) signal.invalidate(props.cityId);
  return r;
}

/** What archive, restore and delete of a plan need. */
export interface PlanLifecycleProps extends PlanCommandBase {
  readonly planId: string;
  readonly version: number;
}

/** Archives (or with `archived: false` restores) a plan at the form's version: it leaves (or returns to) every public list; nothing of it is deleted. */
export async function setPlanArchived(db: Executor, signal: ChangeSignal, props: PlanLifecycleProps & { readonly archived: boolean }): Promise<FormResult<void>> {
  const r = await versionedWrite('plan', props.planId, () =>
    inStaffTransaction(db, async (trx) => {
      const before = await lockPlanBySlug(trx, props.cityId, props.planId);
      if (!before) throw new NotFoundError('plan', props.planId);
      if ((before.archived_at !== null) === props.archived) return;
      const after = await updatePlanRowAtVersion(trx, before.id, props.version, { archived_at: props.archived ? new Date() : null });
      if (!after) throw new StaleVersionError(`plan "${props.planId}"`);
      await appendStaffChangeLog(trx, [{ actor: props.actor, action: props.archived ? 'archive' : 'restore', entity: 'plan', entityId: props.planId, cityId: props.cityId, old: { archived: !props.archived }, new: { archived: props.archived }, reason: props.reason ?? null }]);
    }),
  );
  if (r.ok) signal.invalidate(props.cityId);
  return r;
}

/**
 * Deletes a plan that has no data: no recorded version or narrative, and no KPI row whose KPI
 * has actuals, target revisions or published rates (its KPIs themselves stay). Otherwise the
 * field problem says to archive it.
 */
export async function deletePlan(db: Executor, signal: ChangeSignal, props: PlanLifecycleProps): Promise<FormResult<void>> {
  const r = await versionedWrite('plan', props.planId, () =>
    inStaffTransaction(db, async (trx) => {
      const before = await lockPlanBySlug(trx, props.cityId, props.planId);
      if (!before) throw new NotFoundError('plan', props.planId);
      if (before.version !== props.version) throw new StaleVersionError(`plan "${props.planId}"`);
      if ((await planHasHistory(trx, before.id)) || (await kpisHaveData(trx, await kpiIdsOfPlan(trx, before.id)))) throw new FieldRefusal({ plan: problem('plans.error.hasData') });
      await deletePlanRow(trx, before.id);
      await appendStaffChangeLog(trx, [{ actor: props.actor, action: 'delete', entity: 'plan', entityId: props.planId, cityId: props.cityId, old: headJson(before), reason: props.reason ?? null }]);
    }),
  );
  if (r.ok) signal.invalidate(props.cityId);
  return r;
}

const NODE_KINDS: readonly PlanNodeKind[] = ['vision', 'principle', 'goal', 'direction', 'policy', 'initiative', 'project', 'section'];
/** The node kinds a form offers, top-down. */
export const PLAN_NODE_KINDS = NODE_KINDS;

const nodeInput = z.object({
  kind: z.enum(NODE_KINDS as [PlanNodeKind, ...PlanNodeKind[]]),
  code: optionalText(30),
  title: requiredText(300),
  titleEn: optionalText(300),
  description: optionalText(4000, 'multi-line'),
});

/** A node as typed: level kind, printed code ("1-1"), title (ja/en), description. */
export interface NodeInput {
  readonly kind: string;
  readonly code?: string;
  readonly title: string;
  readonly titleEn?: string;
  readonly description?: string;
}

/** What {@link addNode} needs: the plan, the parent node (null: top level), the node. */
export interface AddNodeProps extends PlanCommandBase {
  readonly planId: string;
  readonly parentNodeId: string | null;
  readonly node: NodeInput;
  /** The node's id in the plan; made up when absent. */
  readonly nodeId?: string;
}

/** Adds a node at any depth, after its last sibling; its id is made up unless given. */
export async function addNode(db: Executor, signal: ChangeSignal, props: AddNodeProps): Promise<FormResult<{ nodeId: string }>> {
  const parsed = nodeInput.safeParse({ code: '', titleEn: '', description: '', ...props.node });
  if (!parsed.success) return { ok: false, errors: zodProblems(parsed.error.issues) };
  const slug = props.nodeId?.trim() || randomSlug('n');
  if (!SLUG.test(slug) || slug.length > 80) return { ok: false, errors: { nodeId: problem('plans.error.slug') } };
  const n = parsed.data;
  const r = await versionedWrite('plan_node', `${props.planId}/${slug}`, () =>
    inStaffTransaction(db, async (trx) => {
      const plan = await lockPlanBySlug(trx, props.cityId, props.planId);
      if (!plan) throw new NotFoundError('plan', props.planId);
      const nodes = await listAllNodes(trx, plan.id);
      if (nodes.some((x) => x.slug === slug)) throw new FieldRefusal({ nodeId: problem('plans.error.slugTaken') });
      const parent = props.parentNodeId === null ? null : nodes.find((x) => x.slug === props.parentNodeId && x.archived_at === null);
      if (parent === undefined) throw new FieldRefusal({ parent: problem('plans.error.unknownNode') });
      await insertNodeAtEnd(trx, { plan_id: plan.id, parent_id: parent?.id ?? null, slug, kind: n.kind, code: n.code, title: n.title, title_en: n.titleEn, description: n.description });
      await appendStaffChangeLog(trx, [
        { actor: props.actor, action: 'create', entity: 'plan_node', entityId: `${props.planId}/${slug}`, cityId: props.cityId, new: { parent: parent?.slug ?? null, kind: n.kind, code: n.code, title: n.title, titleEn: n.titleEn, description: n.description }, reason: props.reason ?? null },
      ]);
      return { nodeId: slug };
    }),
  );
  if (r.ok) signal.invalidate(props.cityId);
  return r;
}

/** A node of a plan and the version its form carried. */
export interface NodeRef extends PlanCommandBase {
  readonly planId: string;
  readonly nodeId: string;
  readonly version: number;
}

/**
 * The plan (locked) and its nodes, with the node of the request: a plan or node not in the city
 * is not found (404, whoever's it is); a stale version is a conflict.
 */
async function lockedNode(trx: Executor, props: NodeRef) {
  const found = await resolvedNode(trx, props);
  checkNodeVersion(found.node, props);
  return found;
}

/** The plan (locked), its nodes and the node of the request; a plan or node not in the city is not found. */
async function resolvedNode(trx: Executor, props: NodeRef) {
  const plan = await lockPlanBySlug(trx, props.cityId, props.planId);
  if (!plan) throw new NotFoundError('plan', props.planId);
  const nodes = await listAllNodes(trx, plan.id);
  const node = nodes.find((n) => n.slug === props.nodeId);
  if (!node) throw new NotFoundError('plan_node', `${props.planId}/${props.nodeId}`);
  return { plan, nodes, node };
}

function checkNodeVersion(node: PlanNodeRow, props: NodeRef): void {
  if (node.version !== props.version) throw new StaleVersionError(`node "${props.nodeId}" of plan "${props.planId}"`);
}

/**
 * {@link lockedNode} with the KPI row of the request: every id of the URL (plan, node, KPI) is
 * resolved before the version is checked, so another city's KPI is not found (404) whatever
 * version the form carried.
 */
async function lockedKpiRow(trx: Executor, props: NodeRef & { readonly kpiId: string }) {
  const found = await resolvedNode(trx, props);
  const rows = await listNodeKpiRows(trx, found.node.id);
  const row = rows.find((x) => x.kpi_slug === props.kpiId);
  if (!row) throw new NotFoundError('kpi_row', `${props.planId}/${props.nodeId}#${props.kpiId}`);
  checkNodeVersion(found.node, props);
  return { ...found, rows, row };
}

/** Ids of a node and everything below it. */
function subtreeIds(nodes: readonly PlanNodeRow[], rootId: number): Set<number> {
  const out = new Set([rootId]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const n of nodes) if (n.parent_id !== null && out.has(n.parent_id) && !out.has(n.id)) (out.add(n.id), (grew = true));
  }
  return out;
}

/** Moves a node (with its subtree and KPI rows) under another parent (null: top level), last among its new siblings. */
export async function moveNode(db: Executor, signal: ChangeSignal, props: NodeRef & { readonly newParentNodeId: string | null }): Promise<FormResult<void>> {
  const entityId = `${props.planId}/${props.nodeId}`;
  const r = await versionedWrite('plan_node', entityId, () =>
    inStaffTransaction(db, async (trx) => {
      const { nodes, node } = await lockedNode(trx, props);
      const parent = props.newParentNodeId === null ? null : nodes.find((x) => x.slug === props.newParentNodeId && x.archived_at === null);
      if (parent === undefined) throw new FieldRefusal({ parent: problem('plans.error.unknownNode') });
      if (parent && subtreeIds(nodes, node.id).has(parent.id)) throw new FieldRefusal({ parent: problem('plans.error.cycle') });
      if ((parent?.id ?? null) === node.parent_id) return;
      const siblings = nodes.filter((x) => x.parent_id === (parent?.id ?? null));
      const position = siblings.reduce((m, x) => Math.max(m, x.position + 1), 0);
      const after = await updateNodeAtVersion(trx, node.id, props.version, { parent_id: parent?.id ?? null, position });
      if (!after) throw new StaleVersionError(`node "${props.nodeId}" of plan "${props.planId}"`);
      const oldParent = nodes.find((x) => x.id === node.parent_id)?.slug ?? null;
      await appendStaffChangeLog(trx, [{ actor: props.actor, action: 'move', entity: 'plan_node', entityId, cityId: props.cityId, old: { parent: oldParent }, new: { parent: parent?.slug ?? null }, reason: props.reason ?? null }]);
    }),
  );
  if (r.ok) signal.invalidate(props.cityId);
  return r;
}

/** Moves a node one place up or down among its (not archived) siblings. */
export async function reorderNode(db: Executor, signal: ChangeSignal, props: NodeRef & { readonly direction: MoveDirection }): Promise<FormResult<void>> {
  const entityId = `${props.planId}/${props.nodeId}`;
  const r = await versionedWrite('plan_node', entityId, () =>
    inStaffTransaction(db, async (trx) => {
      const { nodes, node } = await lockedNode(trx, props);
      const siblings = nodes.filter((x) => x.parent_id === node.parent_id && (x.archived_at === null || x.id === node.id)).sort((a, b) => a.position - b.position || a.id - b.id);
      const i = siblings.findIndex((x) => x.id === node.id);
      const j = props.direction === 'up' ? i - 1 : i + 1;
      if (!siblings[j]) throw new FieldRefusal({ direction: problem(props.direction === 'up' ? 'plans.error.alreadyFirst' : 'plans.error.alreadyLast') });
      const order = siblings.map((x) => x.id);
      [order[i], order[j]] = [order[j]!, order[i]!];
      const moved = await updateNodeAtVersion(trx, node.id, props.version, { position: j });
      if (!moved) throw new StaleVersionError(`node "${props.nodeId}" of plan "${props.planId}"`);
      for (const [position, id] of order.entries()) if (id !== node.id && siblings.find((x) => x.id === id)!.position !== position) await setNodePosition(trx, id, position);
      await appendStaffChangeLog(trx, [{ actor: props.actor, action: 'reorder', entity: 'plan_node', entityId, cityId: props.cityId, old: { position: i }, new: { position: j }, reason: props.reason ?? null }]);
    }),
  );
  if (r.ok) signal.invalidate(props.cityId);
  return r;
}

/** Archives (or restores) a node with its subtree: it leaves the plan as shown; its rows and KPI rows stay. */
export async function setNodeArchived(db: Executor, signal: ChangeSignal, props: NodeRef & { readonly archived: boolean }): Promise<FormResult<void>> {
  const entityId = `${props.planId}/${props.nodeId}`;
  const r = await versionedWrite('plan_node', entityId, () =>
    inStaffTransaction(db, async (trx) => {
      const { node } = await lockedNode(trx, props);
      if ((node.archived_at !== null) === props.archived) return;
      const after = await updateNodeAtVersion(trx, node.id, props.version, { archived_at: props.archived ? new Date() : null });
      if (!after) throw new StaleVersionError(`node "${props.nodeId}" of plan "${props.planId}"`);
      await appendStaffChangeLog(trx, [{ actor: props.actor, action: props.archived ? 'archive' : 'restore', entity: 'plan_node', entityId, cityId: props.cityId, old: { archived: !props.archived }, new: { archived: props.archived }, reason: props.reason ?? null }]);
    }),
  );
  if (r.ok) signal.invalidate(props.cityId);
  return r;
}

/** Deletes a node that has nothing below it: no child (archived ones included) and no KPI row. Otherwise: archive it. */
export async function deleteNode(db: Executor, signal: ChangeSignal, props: NodeRef): Promise<FormResult<void>> {
  const entityId = `${props.planId}/${props.nodeId}`;
  const r = await versionedWrite('plan_node', entityId, () =>
    inStaffTransaction(db, async (trx) => {
      const { nodes, node } = await lockedNode(trx, props);
      if (nodes.some((x) => x.parent_id === node.id) || (await countKpiRows(trx, [node.id])) > 0) throw new FieldRefusal({ node: problem('plans.error.notEmpty') });
      // A recorded version (策定 / 改訂) lists it: its 新旧対照表 must keep meaning this node.
      const versions = await recordedVersionsWithNode(trx, node.plan_id, node.slug);
      if (versions.length > 0) throw new FieldRefusal({ node: problem('plans.error.nodeInRecordedVersion', { versions: versions.join('、') }) });
      await deleteNodeRow(trx, node.id);
      await appendStaffChangeLog(trx, [{ actor: props.actor, action: 'delete', entity: 'plan_node', entityId, cityId: props.cityId, old: { code: node.code, title: node.title, titleEn: node.title_en, description: node.description }, reason: props.reason ?? null }]);
    }),
  );
  if (r.ok) signal.invalidate(props.cityId);
  return r;
}

/** What {@link attachKpi} needs: the node (at the version its form carried) and the KPI. */
export interface AttachKpiProps extends NodeRef {
  /** The KPI's id in the city (it may already be a row of other plans: shared KPIs). */
  readonly kpiId: string;
  /** The row number as printed (No), optional. */
  readonly no?: string | null;
}

/**
 * Adds an existing KPI of the city as a row of a node: the same KPI (same identity, same
 * history) then belongs to both plans, as Ichinoseki's KPIs 1, 2, 4, 5 belong to its SDGs plan
 * and its comprehensive plan. Runs in the caller's transaction when given one (KPI creation).
 */
export async function attachKpi(db: Executor, signal: ChangeSignal, props: AttachKpiProps): Promise<FormResult<void>> {
  const entityId = `${props.planId}/${props.nodeId}#${props.kpiId}`;
  const no = (props.no ?? '').trim();
  if (no.length > 20) return { ok: false, errors: { no: { kind: 'too-long' } } };
  const r = await versionedWrite('plan_node', `${props.planId}/${props.nodeId}`, () =>
    inStaffTransaction(db, async (trx) => {
      const { node } = await lockedNode(trx, props);
      const kpi = await findKpiBySlug(trx, props.cityId, props.kpiId);
      if (!kpi || kpi.retired_at !== null) throw new FieldRefusal({ kpi: problem('plans.error.unknownKpi') });
      if ((await listNodeKpiRows(trx, node.id)).some((x) => x.kpi_id === kpi.id)) throw new FieldRefusal({ kpi: problem('plans.error.alreadyAttached') });
      await insertKpiRowAtEnd(trx, { node_id: node.id, kpi_id: kpi.id, no: no || null });
      await touchNode(trx, node.id);
      await appendStaffChangeLog(trx, [{ actor: props.actor, action: 'attach', entity: 'kpi_row', entityId, cityId: props.cityId, new: { plan: props.planId, node: props.nodeId, kpi: props.kpiId, no: no || null }, reason: props.reason ?? null }]);
    }),
  );
  if (r.ok && !db.isTransaction) signal.invalidate(props.cityId);
  return r;
}

/** Moves a KPI row from its node (at the form's version) to another node of the same plan, or (`toNodeId` null) removes the row; the KPI and its history stay. */
export async function moveKpiRowTo(db: Executor, signal: ChangeSignal, props: NodeRef & { readonly kpiId: string; readonly toNodeId: string | null }): Promise<FormResult<void>> {
  const entityId = `${props.planId}/${props.nodeId}#${props.kpiId}`;
  const r = await versionedWrite('plan_node', `${props.planId}/${props.nodeId}`, () =>
    inStaffTransaction(db, async (trx) => {
      const { nodes, node, row } = await lockedKpiRow(trx, props);
      if (props.toNodeId === null) {
        await deleteKpiRow(trx, row.id);
        await touchNode(trx, node.id);
        await appendStaffChangeLog(trx, [{ actor: props.actor, action: 'detach', entity: 'kpi_row', entityId, cityId: props.cityId, old: { plan: props.planId, node: props.nodeId, kpi: props.kpiId, no: row.no }, reason: props.reason ?? null }]);
        return;
      }
      const to = nodes.find((x) => x.slug === props.toNodeId && x.archived_at === null);
      if (!to) throw new FieldRefusal({ toNode: problem('plans.error.unknownNode') });
      if (to.id === node.id) return;
      if ((await listNodeKpiRows(trx, to.id)).some((x) => x.kpi_id === row.kpi_id)) throw new FieldRefusal({ toNode: problem('plans.error.alreadyAttached') });
      await moveKpiRow(trx, row.id, to.id);
      await touchNode(trx, node.id);
      await touchNode(trx, to.id);
      await appendStaffChangeLog(trx, [{ actor: props.actor, action: 'move', entity: 'kpi_row', entityId, cityId: props.cityId, old: { node: props.nodeId }, new: { node: props.toNodeId }, reason: props.reason ?? null }]);
    }),
  );
  if (r.ok) signal.invalidate(props.cityId);
  return r;
}

/**
 * Moves a KPI row one place up or down within its node (the node at the form's version), the
 * order the plan's pages, sheets and tables show. At the top (or bottom) already: nothing changes.
 */
export async function reorderKpiRow(db: Executor, signal: ChangeSignal, props: NodeRef & { readonly kpiId: string; readonly direction: MoveDirection }): Promise<FormResult<void>> {
  const entityId = `${props.planId}/${props.nodeId}#${props.kpiId}`;
  const r = await versionedWrite('plan_node', `${props.planId}/${props.nodeId}`, () =>
    inStaffTransaction(db, async (trx) => {
      const { node, rows, row } = await lockedKpiRow(trx, props);
      const i = rows.indexOf(row);
      const j = props.direction === 'up' ? i - 1 : i + 1;
      if (!rows[j]) return false;
      await swapKpiRowPositions(trx, rows[i]!, rows[j]!);
      await touchNode(trx, node.id);
      await appendStaffChangeLog(trx, [{ actor: props.actor, action: 'reorder', entity: 'kpi_row', entityId, cityId: props.cityId, old: { position: i + 1 }, new: { position: j + 1 }, reason: props.reason ?? null }]);
      return true;
    }),
  );
  if (r.ok && r.value) signal.invalidate(props.cityId);
  return r.ok ? { ok: true, value: undefined } : r;
}

/** What {@link recordPlanVersion} needs: the version as typed and the plan's version the form carried. */
export interface RecordPlanVersionProps extends PlanCommandBase {
  readonly planId: string;
  /** The plan row's version the form was opened on. */
  readonly version: number;
  /** `adopted` (策定) or `revised` (改訂); the first version must be the adoption. */
  readonly kind: string;
  /** As printed ("第2期 改訂版"); defaults to 策定 / 改訂. */
  readonly label?: string;
  /** The date of the adoption or revision, in any notation the date fields read (2024-03-31, 令和6年3月31日). */
  readonly date: string;
}

/**
 * Records a version of a plan (策定 or 改訂, with date and, for a revision, its reason): appends
 * it to the plan's version list and snapshots the plan's tree, KPI rows, KPIs and targets as
 * they stand (append-only), so any two versions can be compared (the 新旧対照表). The plan's
 * row gets a new version, so a second recording from a stale form is a conflict.
 */
export async function recordPlanVersion(db: Executor, signal: ChangeSignal, props: RecordPlanVersionProps): Promise<FormResult<{ number: number }>> {
  const errors: Record<string, FieldProblem> = {};
  const kind = props.kind === 'adopted' || props.kind === 'revised' ? props.kind : null;
  if (!kind) errors['kind'] = { kind: 'invalid' };
  const label = (props.label ?? '').trim();
  if (label.length > 100) errors['label'] = { kind: 'too-long' };
  const reason = (props.reason ?? '').trim();
  if (reason.length > 2000) errors['reason'] = { kind: 'too-long' };
  if (kind === 'revised' && reason === '') errors['reason'] = problem('plans.error.reasonRequired');
  const parsed = parseTimePoint(props.date.trim());
  const date = parsed.ok && (parsed.value.kind === 'day' || parsed.value.kind === 'month') ? formatTimePointIso(parsed.value) : null;
  if (date === null) errors['date'] = problem('plans.error.date');
  if (Object.keys(errors).length > 0 || !kind || date === null) return { ok: false, errors };
  const r = await versionedWrite('plan_version', props.planId, () =>
    inStaffTransaction(db, async (trx) => {
      const plan = await lockPlanBySlug(trx, props.cityId, props.planId);
      if (!plan) throw new NotFoundError('plan', props.planId);
      if (plan.version !== props.version) throw new StaleVersionError(`plan "${props.planId}"`);
      const previous = await listPlanSnapshots(trx, plan.id);
      if (previous.length === 0 && kind !== 'adopted') throw new FieldRefusal({ kind: problem('plans.error.firstVersionAdopted') });
      // A plan is adopted (策定) once; every later version is a revision (改訂) with its reason.
      if (previous.length > 0 && kind === 'adopted') throw new FieldRefusal({ kind: problem('plans.error.alreadyAdopted') });
      const snap = await snapshotNow(trx, props.cityId, props.planId);
      const shownLabel = label || (kind === 'adopted' ? '策定' : '改訂');
      const row = await appendPlanSnapshot(trx, { plan_id: plan.id, label: shownLabel, kind, date, reason: reason || null, snapshot: JSON.stringify(snap), actor: props.actor });
      await appendPlanVersionLine(trx, { plan_id: plan.id, label: shownLabel, kind, date, note: reason || null });
      await updatePlanRowAtVersion(trx, plan.id, plan.version, {});
      await appendStaffChangeLog(trx, [{ actor: props.actor, action: 'create', entity: 'plan_version', entityId: `${props.planId}#${row.number}`, cityId: props.cityId, new: { number: row.number, label: shownLabel, kind, date }, reason: reason || null }]);
      return { number: row.number };
    }),
  );
  if (r.ok) signal.invalidate(props.cityId);
  return r;
}

/** The snapshot of a plan as stored now (read in the caller's transaction). */
async function snapshotNow(trx: Executor, cityId: string, planId: string) {
  const data = await loadCityData(trx, cityId);
  const plan = data?.plans.find((p) => p.id === planId);
  if (!data || !plan) throw new StaleVersionError(`plan "${planId}"`);
  return snapshotOfPlan(plan, data.kpis);
}

/**
 * Records the first version (策定) of every plan of a city that has none yet, from the version
 * list its data file printed (its last line, else 策定 at the period's start): seed and imported
 * plans start with their adoption, so their later revisions can be compared with it.
 */
export async function recordInitialPlanVersions(db: Executor, cityId: string, actor: string): Promise<number> {
  return inStaffTransaction(db, async (trx) => {
    const data = await loadCityData(trx, cityId);
    if (!data) return 0;
    let recorded = 0;
    for (const plan of data.plans) {
      const row = await lockPlanBySlug(trx, cityId, plan.id);
      if (!row || (await listPlanSnapshots(trx, row.id)).length > 0) continue;
      const printed = plan.versions.at(-1);
      await appendPlanSnapshot(trx, {
        plan_id: row.id,
        label: printed?.label ?? '策定',
        kind: 'adopted',
        date: printed?.date ?? `${plan.periodStart}-04`,
        reason: printed?.note ?? null,
        snapshot: JSON.stringify(snapshotOfPlan(plan, data.kpis)),
        actor,
      });
      recorded++;
    }
    return recorded;
  });
}
