import { Hono, type Context } from 'hono';
import type { Plan } from '../../core/plan/plan.ts';
import { canBuildPlans, canReadCity, canWriteEvaluation, PLAN_BUILDER_ROLE } from '../../policies/staff.policy.ts';
import { actorName, roleIn } from '../../auth/user.ts';
import { fill } from '../views/staff/staff-layout.tsx';
import { createKpi, deleteKpi, setKpiArchived } from '../../kpis/kpi.commands.ts';
import { loadPlanBuilderState, loadPlanListState } from '../../plans/plan-builder.service.ts';
import { comparePlanVersions, planDiffFile } from '../../plans/plan-diff.service.ts';
import { addNode, attachKpi, createPlan, deleteNode, deletePlan, moveKpiRowTo, moveNode, reorderKpiRow, recordPlanVersion, reorderNode, reorderPlan, setNodeArchived, setPlanArchived, type MoveDirection } from '../../plans/plan.commands.ts';
import { formVersion } from '../../staff/form-versions.ts';
import { loadPlanEditState } from '../../staff/edit-state.service.ts';
import type { EditConflict, FormResult } from '../../staff/staff-entry.service.ts';
import { lastChange } from '../../staff/edit-state.service.ts';
import { currentUser, requireCityPermission } from '../middleware/require-role.ts';
import type { StaffEnv } from '../middleware/staff-env.ts';
import type { StaffNotice } from '../notices.ts';
import { PlanEditView, PlanListView, type PlanForm } from '../views/staff/manage.view.tsx';
import { PlanDiffView, type BuilderForm } from '../views/staff/plan-builder.view.tsx';
import { problem } from '../../plans/plan-form.ts';
import { problemTexts } from '../views/staff/problems.ts';
import type { WebDeps } from '../web-deps.ts';
import { forbidden, forbiddenNeedsRole, formOf, noticeOf, redirectWithNotice, staffNotFound, staffPage, staleForm } from './staff-page.tsx';

/*
 * The plan builder's routes (issue 13.2, 13.6) under /staff/cities/:city: each validates the
 * form's shape, asks the policy (canBuildPlans), calls one command of src/plans or src/kpis and
 * answers: a redirect with a notice; the page again with the user's input and the problems next
 * to the fields (422); the page with the conflict panel (409) when the form was stale; a 400
 * when a form carries no version. The plan list and plan page render through here too.
 */

/** The plan list page, with the builder for who may build. */
export async function renderPlanList(c: Context<StaffEnv>, deps: WebDeps, form?: BuilderForm, status = 200): Promise<Response> {
  const staff = await deps.store.getStaff(c.req.param('city')!);
  if (!staff) return staffNotFound(c);
  const cityId = staff.data.city.id;
  const user = currentUser(c);
  const builder = canBuildPlans(user, cityId) ? { state: await loadPlanListState(deps.db, cityId), form } : undefined;
  const page = staffPage(c);
  // Who may read but not build is told which role builds (an administrator: separation of duties, docs/AUTH.md).
  const role = roleIn(user, cityId);
  const builderNote = builder ? undefined : `${fill(page.ctx.t('plans.needsRole'), { role: page.ctx.t(`staff.role.${PLAN_BUILDER_ROLE}`) })}${role === 'administrator' ? ` ${page.ctx.t('staff.error.needsRoleAdministrator')}` : ''}`;
  return c.html(<PlanListView page={page} city={staff.data.city} plans={staff.data.plans} builder={builder} notice={noticeOf(c)} builderNote={builderNote} />, status as 200);
}

/** The plan page (head, tree, evaluation; the builder for who may build), with forms re-rendered after a refusal. */
export async function renderPlanPage(c: Context<StaffEnv>, deps: WebDeps, forms: Parameters<typeof PlanEditView>[0]['forms'] = {}, builderForm?: BuilderForm, status = 200): Promise<Response> {
  const staff = await deps.store.getStaff(c.req.param('city')!);
  const plan = staff?.data.plans.find((p) => p.id === c.req.param('plan'));
  const edit = plan && (await loadPlanEditState(deps.db, plan.cityId, plan.id));
  if (!staff || !plan || !edit) return staffNotFound(c);
  const user = currentUser(c);
  const build = canBuildPlans(user, plan.cityId);
  const state = build ? await loadPlanBuilderState(deps.db, plan.cityId, plan.id) : null;
  return c.html(
    <PlanEditView
      page={staffPage(c)}
      city={staff.data.city}
      plan={plan}
      can={{ edit: build, evaluate: canWriteEvaluation(user, plan.cityId) }}
      forms={forms}
      edit={edit}
      notice={noticeOf(c)}
      builder={state ? { state, kpis: staff.data.kpis, form: builderForm } : undefined}
    />,
    status as 200,
  );
}

/** The head form's fields as the plan commands take them. */
export function headOf(form: Readonly<Record<string, string>>) {
  return { title: form['title'] ?? '', titleEn: form['titleEn'] ?? '', kind: form['kind'] ?? '', periodStart: form['periodStart'] ?? '', periodEnd: form['periodEnd'] ?? '', vision: form['vision'] ?? '' };
}

/** Re-renders a plan head form after a refusal (used by the head POST of staff-city.routes). */
export type { PlanForm };

export function staffPlanRoutes(deps: WebDeps): Hono<StaffEnv> {
  const { db, store } = deps;
  const app = new Hono<StaffEnv>();
  app.use('/:city/*', requireCityPermission(canReadCity, forbidden));

  const signal = { invalidate: (cityId: string) => store.invalidate(cityId) };
  const base = (c: Context<StaffEnv>) => `/staff/cities/${c.req.param('city')}`;
  const planBase = (c: Context<StaffEnv>) => `${base(c)}/plans/${c.req.param('plan')}`;

  /** The request's plan as loaded (not archived), or null. */
  async function planOf(c: Context<StaffEnv>): Promise<Plan | null> {
    const staff = await store.getStaff(c.req.param('city')!);
    return staff?.data.plans.find((p) => p.id === c.req.param('plan')) ?? null;
  }

  /** Who changed what the stale form was about, for the conflict panel. */
  async function conflictOf(cityId: string, conflict: EditConflict) {
    return { rows: [], changedBy: await lastChange(db, cityId, conflict.entity, conflict.entityId) };
  }

  /**
   * Answers a command's result on the plan page (or the list): redirect with the notice on
   * success; the form again with its problems (422) or the conflict panel (409).
   */
  async function answer<T>(c: Context<StaffEnv>, r: FormResult<T>, key: string, form: Readonly<Record<string, string>>, ok: { path: string; notice: StaffNotice }, page: 'plan' | 'list' = 'plan', refusedStatus = 422): Promise<Response> {
    if (r.ok) return redirectWithNotice(c, ok.path, ok.notice);
    const cityId = c.req.param('city')!;
    const builderForm: BuilderForm = r.conflict
      ? { key, values: form, errors: {}, conflict: await conflictOf(cityId, r.conflict) }
      : { key, values: form, errors: problemTexts(staffPage(c).ctx, r.errors) };
    const status = r.conflict ? 409 : refusedStatus;
    return page === 'list' ? renderPlanList(c, deps, builderForm, status) : renderPlanPage(c, deps, {}, builderForm, status);
  }

  /** Guards every builder POST: the policy, then the form and its version (when the action needs one). */
  async function guarded(c: Context<StaffEnv>, needsVersion: boolean): Promise<{ form: Record<string, string>; version: number; actor: string; cityId: string } | Response> {
    const user = currentUser(c);
    const cityId = c.req.param('city')!;
    if (!canBuildPlans(user, cityId)) return forbiddenNeedsRole(c, PLAN_BUILDER_ROLE);
    const form = await formOf(c);
    const version = formVersion(form);
    if (needsVersion && version === null) return staleForm(c);
    return { form, version: version ?? 0, actor: actorName(user), cityId };
  }
  const reasonOf = (form: Record<string, string>) => (form['reason'] ?? '').trim() || null;
  /** The move's direction, or null for anything but up/down (a forged form: refused, never read as "down"). */
  const directionOf = (form: Record<string, string>): MoveDirection | null => (form['direction'] === 'up' || form['direction'] === 'down' ? form['direction'] : null);
  const badDirection = { ok: false as const, errors: { direction: problem('plans.error.direction') } };

  // ---- Plans

  app.get('/:city/plans', (c) => renderPlanList(c, deps));

  app.post('/:city/plans', async (c) => {
    const g = await guarded(c, false);
    if (g instanceof Response) return g;
    const r = await createPlan(db, signal, { cityId: g.cityId, actor: g.actor, planId: g.form['planId'] ?? '', head: headOf(g.form), reason: reasonOf(g.form) });
    return answer(c, r, 'plan-create', g.form, { path: r.ok ? `${base(c)}/plans/${r.value.planId}` : '', notice: 'plans.created' }, 'list');
  });

  app.post('/:city/plans/:plan/:action{(?:reorder|archive|restore|delete)}', async (c) => {
    const g = await guarded(c, true);
    if (g instanceof Response) return g;
    const props = { cityId: g.cityId, actor: g.actor, planId: c.req.param('plan'), version: g.version, reason: reasonOf(g.form) };
    const action = c.req.param('action');
    const direction = directionOf(g.form);
    const r =
      action === 'reorder' ? (direction ? await reorderPlan(db, signal, { ...props, direction }) : badDirection)
      : action === 'delete' ? await deletePlan(db, signal, props)
      : await setPlanArchived(db, signal, { ...props, archived: action === 'archive' });
    const notice: StaffNotice = action === 'reorder' ? 'plans.moved' : action === 'delete' ? 'plans.deleted' : action === 'archive' ? 'plans.archivedNotice' : 'plans.restored';
    return answer(c, r, 'action', g.form, { path: `${base(c)}/plans`, notice }, 'list');
  });

  // ---- Nodes

  app.post('/:city/plans/:plan/nodes', async (c) => {
    const g = await guarded(c, false);
    if (g instanceof Response) return g;
    if (!(await planOf(c))) return staffNotFound(c);
    const parent = (g.form['parent'] ?? '').trim() || null;
    const r = await addNode(db, signal, {
      cityId: g.cityId,
      actor: g.actor,
      planId: c.req.param('plan'),
      parentNodeId: parent,
      node: { kind: g.form['kind'] ?? '', code: g.form['code'] ?? '', title: g.form['title'] ?? '', titleEn: g.form['titleEn'] ?? '', description: g.form['description'] ?? '' },
      reason: reasonOf(g.form),
    });
    return answer(c, r, `node-add:${parent ?? 'root'}`, g.form, { path: planBase(c), notice: 'plans.nodeAdded' });
  });

  app.post('/:city/plans/:plan/nodes/:node/:action{(?:move|reorder|archive|restore|delete)}', async (c) => {
    const g = await guarded(c, true);
    if (g instanceof Response) return g;
    const props = { cityId: g.cityId, actor: g.actor, planId: c.req.param('plan'), nodeId: c.req.param('node'), version: g.version, reason: reasonOf(g.form) };
    const action = c.req.param('action');
    const direction = directionOf(g.form);
    const r =
      action === 'move' ? await moveNode(db, signal, { ...props, newParentNodeId: (g.form['parent'] ?? '').trim() || null })
      : action === 'reorder' ? (direction ? await reorderNode(db, signal, { ...props, direction }) : badDirection)
      : action === 'delete' ? await deleteNode(db, signal, props)
      : await setNodeArchived(db, signal, { ...props, archived: action === 'archive' });
    const notice: StaffNotice = action === 'move' || action === 'reorder' ? 'plans.moved' : action === 'delete' ? 'plans.deleted' : action === 'archive' ? 'plans.archivedNotice' : 'plans.restored';
    return answer(c, r, action === 'move' ? `node-move:${props.nodeId}` : 'action', g.form, { path: planBase(c), notice });
  });

  // ---- KPIs in nodes

  app.post('/:city/plans/:plan/nodes/:node/kpis', async (c) => {
    const g = await guarded(c, true);
    if (g instanceof Response) return g;
    const nodeId = c.req.param('node');
    const r = await attachKpi(db, signal, { cityId: g.cityId, actor: g.actor, planId: c.req.param('plan'), nodeId, version: g.version, kpiId: g.form['kpi'] ?? '', no: g.form['no'] ?? null, reason: reasonOf(g.form) });
    return answer(c, r, `kpi-attach:${nodeId}`, g.form, { path: planBase(c), notice: 'plans.kpiAttached' });
  });

  app.post('/:city/plans/:plan/nodes/:node/kpis/new', async (c) => {
    const g = await guarded(c, true);
    if (g instanceof Response) return g;
    const nodeId = c.req.param('node');
    const f = g.form;
    const r = await createKpi(db, signal, {
      cityId: g.cityId,
      actor: g.actor,
      reason: reasonOf(f),
      kpi: {
        kpiId: f['kpiId'] ?? '', name: f['name'] ?? '', nameEn: f['nameEn'] ?? '', unit: f['unit'] ?? '', departmentId: f['departmentId'] ?? '', sdgTargets: f['sdgTargets'] ?? '', side: f['side'] ?? '', aggregation: f['aggregation'] ?? '',
        direction: f['direction'] ?? '', method: f['method'] ?? '', baselineAt: f['baselineAt'] ?? '', baselineValue: f['baselineValue'] ?? '', targets: f['targets'] ?? '', definition: f['definition'] ?? '', dataSource: f['dataSource'] ?? '',
        dataProvider: f['dataProvider'] ?? '', updateFrequency: f['updateFrequency'] ?? '', indicator: f['indicator'] ?? '',
      },
      placeIn: { planId: c.req.param('plan'), nodeId, version: g.version, no: f['no'] ?? null },
    });
    return answer(c, r, `kpi-new:${nodeId}`, f, { path: planBase(c), notice: 'plans.kpiCreated' });
  });

  app.post('/:city/plans/:plan/nodes/:node/kpis/:kpi/move', async (c) => {
    const g = await guarded(c, true);
    if (g instanceof Response) return g;
    const toNode = (g.form['toNode'] ?? '').trim() || null;
    const r = await moveKpiRowTo(db, signal, { cityId: g.cityId, actor: g.actor, planId: c.req.param('plan'), nodeId: c.req.param('node'), version: g.version, kpiId: c.req.param('kpi'), toNodeId: toNode, reason: reasonOf(g.form) });
    return answer(c, r, 'action', g.form, { path: planBase(c), notice: toNode ? 'plans.moved' : 'plans.kpiDetached' });
  });

  app.post('/:city/plans/:plan/nodes/:node/kpis/:kpi/reorder', async (c) => {
    const g = await guarded(c, true);
    if (g instanceof Response) return g;
    // A forged direction is refused, never read as "down".
    const direction = directionOf(g.form);
    const r = direction ? await reorderKpiRow(db, signal, { cityId: g.cityId, actor: g.actor, planId: c.req.param('plan'), nodeId: c.req.param('node'), version: g.version, kpiId: c.req.param('kpi'), direction, reason: reasonOf(g.form) }) : badDirection;
    return answer(c, r, 'action', g.form, { path: planBase(c), notice: 'plans.moved' });
  });

  app.post('/:city/kpis/:kpi/:action{(?:archive|restore)}', async (c) => {
    const g = await guarded(c, true);
    if (g instanceof Response) return g;
    const archived = c.req.param('action') === 'archive';
    const r = await setKpiArchived(db, signal, { cityId: g.cityId, actor: g.actor, kpiId: c.req.param('kpi'), version: g.version, archived, reason: reasonOf(g.form) });
    return answer(c, r, 'action', g.form, { path: `${base(c)}/plans`, notice: archived ? 'plans.archivedNotice' : 'plans.restored' }, 'list');
  });

  // Delete a KPI with no data (issue 13.2): another city's or an unknown KPI is a 404 (the
  // command's NotFoundError); a KPI with data is refused with 409 and the message to archive it.
  app.post('/:city/kpis/:kpi/delete', async (c) => {
    const g = await guarded(c, true);
    if (g instanceof Response) return g;
    const r = await deleteKpi(db, signal, { cityId: g.cityId, actor: g.actor, kpiId: c.req.param('kpi'), version: g.version, reason: reasonOf(g.form) });
    // Back to the plan the button was on (an id, never a URL: no open redirect), else the plan list.
    const back = /^[a-z0-9][a-z0-9-]{0,79}$/.test(g.form['back'] ?? '') ? `${base(c)}/plans/${g.form['back']}` : `${base(c)}/plans`;
    return answer(c, r, 'action', g.form, { path: back, notice: 'plans.kpiDeleted' }, 'list', 409);
  });

  // ---- Versions and the 新旧対照表

  app.post('/:city/plans/:plan/versions', async (c) => {
    const g = await guarded(c, true);
    if (g instanceof Response) return g;
    const r = await recordPlanVersion(db, signal, { cityId: g.cityId, actor: g.actor, planId: c.req.param('plan'), version: g.version, kind: g.form['kind'] ?? '', label: g.form['label'] ?? '', date: g.form['date'] ?? '', reason: g.form['reason'] ?? '' });
    return answer(c, r, 'version', g.form, { path: `${planBase(c)}#versions`, notice: 'plans.versionRecorded' });
  });

  /** The two versions of a diff request, or a 400 page saying what is wrong. */
  async function diffOf(c: Context<StaffEnv>) {
    const plan = await planOf(c);
    if (!plan) return { response: await staffNotFound(c) };
    if (!canBuildPlans(currentUser(c), plan.cityId)) return { response: await forbiddenNeedsRole(c, PLAN_BUILDER_ROLE) };
    const from = Number(c.req.query('from'));
    const to = Number(c.req.query('to'));
    const ctx = staffPage(c).ctx;
    const r = Number.isInteger(from) && Number.isInteger(to) ? await comparePlanVersions(db, plan.cityId, plan.id, from, to, ctx.lang) : { ok: false as const, problem: { kind: 'unknown-version' as const, which: 'from' as const, known: [] } };
    if (!r.ok) {
      const message = r.problem.kind === 'same-version' ? ctx.t('plans.error.sameVersion') : ctx.t('plans.error.unknownVersion');
      return { response: await renderPlanPage(c, deps, {}, { key: 'version-diff', values: {}, errors: { diff: message } }, 400) };
    }
    return { plan, diff: r.diff, lang: ctx.lang };
  }

  app.get('/:city/plans/:plan/diff', async (c) => {
    const d = await diffOf(c);
    if ('response' in d) return d.response!;
    const staff = await store.getStaff(c.req.param('city'));
    return c.html(<PlanDiffView page={staffPage(c)} city={staff!.data.city} plan={d.plan} diff={d.diff} />);
  });

  app.get('/:city/plans/:plan/:file{diff\\.(xlsx|docx)}', async (c) => {
    const d = await diffOf(c);
    if ('response' in d) return d.response!;
    const format = c.req.param('file').endsWith('.xlsx') ? 'xlsx' : 'docx';
    const body = await planDiffFile(d.diff, format, d.lang);
    const name = `${d.plan.id}-v${d.diff.from.number}-v${d.diff.to.number}.${format}`;
    return c.body(new Uint8Array(body), 200, {
      'content-type': format === 'xlsx' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'content-disposition': `attachment; filename="${name}"`,
    });
  });

  return app;
}
