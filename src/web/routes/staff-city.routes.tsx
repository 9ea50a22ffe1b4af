import { Hono, type Context } from 'hono';
import { DEFAULT_STAFF_CONFIG } from '../../config.ts';
import { evaluateKpi } from '../../core/kpi/kpi-evaluation.ts';
import { formatTimePointIso, formatTimePointJa, parseTimePointIso, reportingYear } from '../../core/time/time-point.ts';
import { canReviewData, canEditKpi, canEditPlans, canImportActuals, canOverrideStatus, canPublishData, canReadAuditLog, canReadCity, canReviseTargets, canRunEntryRounds, canWriteEvaluation } from '../../policies/staff.policy.ts';
import { departmentsOf } from '../../services/department.service.ts';
import { reviewId, type StaffCityData } from '../../services/publication.service.ts';
import { platformFedKpis } from '../../partners/partner-kpi.service.ts';
import { actualKey } from '../../review/review.ts';
import { closeEntryRound, openRound, queueReminders, roundProgress, unremindableDepartments } from '../../services/round.service.ts';
import { editKpi, editNode, editPlan, overrideStatus, recordActual, reviseKpiTarget, setYearPublished, writeCommentary, writeEvaluation } from '../../services/staff-entry.service.ts';
import { listCommentaries } from '../../storage/staff-record.repository.ts';
import { findRound, listOutbox, listRounds } from '../../storage/round.repository.ts';
import { currentUser, requireCityPermission } from '../middleware/require-role.ts';
import type { StaffEnv } from '../middleware/staff-env.ts';
import { ActualFormView, CityStaffView, KpiStaffView, TargetFormView } from '../views/staff/city.view.tsx';
import { OutboxView, PlanEditView, PlanListView, PublicationView, RoundsView } from '../views/staff/manage.view.tsx';
import { problemTexts } from '../views/staff/problems.ts';
import type { WebDeps } from '../web-deps.ts';
import { forbidden, formOf, noticeOf, redirectWithNotice, staffNotFound, staffPage } from './staff.routes.tsx';

/**
 * A city's staff pages under /staff/cities/:city: KPI list, KPI page and data entry, target
 * revision, commentary, status override, publication, rounds, outbox, plans. Reading needs a role
 * in the city; each write asks its own policy.
 */
export function staffCityRoutes(deps: WebDeps): Hono<StaffEnv> {
  const { db, store } = deps;
  const settings = deps.staff ?? DEFAULT_STAFF_CONFIG;
  const app = new Hono<StaffEnv>();
  app.use('/:city', requireCityPermission(canReadCity, forbidden));
  app.use('/:city/*', requireCityPermission(canReadCity, forbidden));

  /** The city's full staff data and its KPI ownership, or null for an unknown city. */
  async function cityOf(c: Context<StaffEnv>) {
    const staff = await store.getStaff(c.req.param('city')!);
    if (!staff) return null;
    const owners = await departmentsOf(db, staff.data.city.id);
    return { staff, ...owners };
  }
  async function kpiOf(c: Context<StaffEnv>) {
    const city = await cityOf(c);
    const kpi = city?.staff.data.kpis.find((k) => k.id === c.req.param('kpi'));
    if (!city || !kpi) return null;
    const owner = city.ownerOf.get(kpi.id);
    return { ...city, kpi, owner, ownership: { cityId: kpi.cityId, departmentId: owner?.department.id ?? null } };
  }

  app.get('/:city', async (c) => {
    const city = await cityOf(c);
    if (!city) return staffNotFound(c);
    const user = currentUser(c);
    const cityId = city.staff.data.city.id;
    const rounds = await listRounds(db, cityId);
    // The open round due soonest: a round of a later year never hides one due earlier.
    const round = rounds.filter((r) => r.closed_at === null).sort((a, b) => (a.deadline < b.deadline ? -1 : a.deadline > b.deadline ? 1 : 0))[0];
    const m = user.memberships.find((x) => x.cityId === cityId);
    const myDepartment = m?.departmentId != null ? city.departments.find((d) => d.id === m.departmentId) : undefined;
    const myProgress = round && myDepartment ? roundProgress(city.staff.data, [myDepartment], round.year)[0] : undefined;
    const rows = city.staff.data.kpis.map((kpi) => {
      const owner = city.ownerOf.get(kpi.id);
      return { kpi, department: owner?.department, demoAssignment: owner?.demo ?? false, canEdit: canEditKpi(user, { cityId, departmentId: owner?.department.id ?? null }) };
    });
    return c.html(
      <CityStaffView
        page={staffPage(c)}
        city={city.staff.data.city}
        rows={rows}
        unpublishedYears={city.staff.unpublishedYears}
        round={round}
        myProgress={myProgress}
        tools={{ review: canReviewData(user, cityId), import: canImportActuals(user, cityId), plans: canEditPlans(user, cityId) || canWriteEvaluation(user, cityId), publication: canPublishData(user, cityId), rounds: canRunEntryRounds(user, cityId), audit: canReadAuditLog(user, cityId) }}
        notice={noticeOf(c)}
      />,
    );
  });

  // ---- KPI page and its forms

  async function renderKpi(c: Context<StaffEnv>, forms: Parameters<typeof KpiStaffView>[0]['forms'] = {}, status = 200) {
    const k = await kpiOf(c);
    if (!k) return staffNotFound(c);
    const user = currentUser(c);
    const cityId = k.kpi.cityId;
    const commentaries = (await listCommentaries(db, cityId)).filter((x) => x.kpi_slug === k.kpi.id && x.body.trim() !== '').map((x) => ({ year: x.year, body: x.body }));
    return c.html(
      <KpiStaffView
        page={staffPage(c)}
        city={k.staff.data.city}
        kpi={k.kpi}
        department={k.owner?.department}
        departments={k.departments}
        unpublishedYears={k.staff.unpublishedYears}
        computedStatus={evaluateKpi(k.kpi)?.status.status ?? null}
        override={k.staff.data.statusOverrides?.find((o) => o.kpiId === k.kpi.id)}
        commentaries={commentaries}
        can={{ edit: canEditKpi(user, k.ownership), revise: canReviseTargets(user, cityId), override: canOverrideStatus(user, cityId), define: canEditPlans(user, cityId) }}
        forms={forms}
        notice={noticeOf(c)}
      />,
      status as 200,
    );
  }

  app.get('/:city/kpis/:kpi', (c) => renderKpi(c));

  /** What the entry form needs beyond the KPI: whether the platform feeds it, a return's reason. */
  async function entryContext(cityId: string, kpiId: string, atIso: string | null, staff: StaffCityData) {
    const platformFed = (await platformFedKpis(db, cityId)).has(kpiId);
    const review = atIso ? staff.reviews.get(reviewId('actual', actualKey(kpiId, atIso))) : undefined;
    return { platformFed, returned: review?.state === 'returned' ? (review.reason ?? undefined) : undefined, review };
  }

  app.get('/:city/kpis/:kpi/actuals/new', async (c) => {
    const k = await kpiOf(c);
    if (!k) return staffNotFound(c);
    if (!canEditKpi(currentUser(c), k.ownership)) return forbidden(c);
    const atIso = c.req.query('at');
    const at = atIso ? parseTimePointIso(atIso) : null;
    const existing = at ? k.kpi.observations.find((o) => formatTimePointIso(o.at) === atIso) : undefined;
    const entry = await entryContext(k.kpi.cityId, k.kpi.id, existing ? atIso! : null, k.staff);
    const values: Record<string, string> = existing
      ? { at: formatTimePointJa(existing.at), value: existing.value.toFixed(existing.decimals ?? 0), note: existing.note ?? '', source: existing.source ?? '', explanation: entry.review?.explanation ?? '', platformOverride: entry.review?.platformOverride ?? '' }
      : {};
    return c.html(<ActualFormView page={staffPage(c)} city={k.staff.data.city} kpi={k.kpi} values={values} errors={{}} correcting={existing !== undefined} platformFed={entry.platformFed} returned={entry.returned} />);
  });

  app.post('/:city/kpis/:kpi/actuals', async (c) => {
    const k = await kpiOf(c);
    if (!k) return staffNotFound(c);
    const user = currentUser(c);
    if (!canEditKpi(user, k.ownership)) return forbidden(c);
    const form = await formOf(c);
    const r = await recordActual(db, store, user, k.kpi, form);
    if (!r.ok) {
      const page = staffPage(c);
      const values = { at: form['at'] ?? '', value: form['value'] ?? '', note: form['note'] ?? '', source: form['source'] ?? '', reason: form['reason'] ?? '', explanation: form['explanation'] ?? '', platformOverride: form['platformOverride'] ?? '' };
      const entry = await entryContext(k.kpi.cityId, k.kpi.id, null, k.staff);
      return c.html(<ActualFormView page={page} city={k.staff.data.city} kpi={k.kpi} values={values} errors={problemTexts(page.ctx, r.errors)} correcting={'reason' in r.errors} platformFed={entry.platformFed || 'platformOverride' in r.errors} />, 422);
    }
    const notice = !r.value.changed ? (r.value.intent === 'submit' ? 'review.submitted' : 'staff.actual.unchanged') : r.value.intent === 'draft' ? 'review.savedDraft' : 'review.savedSubmitted';
    return redirectWithNotice(c, `/staff/cities/${k.kpi.cityId}/kpis/${k.kpi.id}`, notice);
  });

  app.get('/:city/kpis/:kpi/target', async (c) => {
    const k = await kpiOf(c);
    if (!k) return staffNotFound(c);
    if (!canReviseTargets(currentUser(c), k.kpi.cityId)) return forbidden(c);
    return c.html(<TargetFormView page={staffPage(c)} city={k.staff.data.city} kpi={k.kpi} values={{ target: k.kpi.targets.at(-1)?.id ?? '' }} errors={{}} />);
  });

  app.post('/:city/kpis/:kpi/target', async (c) => {
    const k = await kpiOf(c);
    if (!k) return staffNotFound(c);
    const user = currentUser(c);
    if (!canReviseTargets(user, k.kpi.cityId)) return forbidden(c);
    const form = await formOf(c);
    const r = await reviseKpiTarget(db, store, user, k.kpi, form);
    if (!r.ok) {
      const page = staffPage(c);
      return c.html(<TargetFormView page={page} city={k.staff.data.city} kpi={k.kpi} values={form} errors={problemTexts(page.ctx, r.errors)} />, 422);
    }
    return redirectWithNotice(c, `/staff/cities/${k.kpi.cityId}/kpis/${k.kpi.id}`, 'staff.target.saved');
  });

  app.post('/:city/kpis/:kpi/commentary', async (c) => {
    const k = await kpiOf(c);
    if (!k) return staffNotFound(c);
    const user = currentUser(c);
    if (!canEditKpi(user, k.ownership)) return forbidden(c);
    const form = await formOf(c);
    const current = (await listCommentaries(db, k.kpi.cityId)).find((x) => x.kpi_slug === k.kpi.id && String(x.year) === (form['year'] ?? '').trim())?.body;
    const r = await writeCommentary(db, store, user, k.kpi, form, current);
    if (!r.ok) return renderKpi(c, { commentary: { values: form, errors: problemTexts(staffPage(c).ctx, r.errors) } }, 422);
    return redirectWithNotice(c, `/staff/cities/${k.kpi.cityId}/kpis/${k.kpi.id}`, 'staff.saved');
  });

  app.post('/:city/kpis/:kpi/override', async (c) => {
    const k = await kpiOf(c);
    if (!k) return staffNotFound(c);
    const user = currentUser(c);
    if (!canOverrideStatus(user, k.kpi.cityId)) return forbidden(c);
    const form = await formOf(c);
    const current = k.staff.data.statusOverrides?.find((o) => o.kpiId === k.kpi.id);
    const r = await overrideStatus(db, store, user, k.kpi, form, current && { status: current.status, justification: current.justification });
    if (!r.ok) return renderKpi(c, { override: { values: form, errors: problemTexts(staffPage(c).ctx, r.errors) } }, 422);
    return redirectWithNotice(c, `/staff/cities/${k.kpi.cityId}/kpis/${k.kpi.id}`, 'staff.saved');
  });

  app.post('/:city/kpis/:kpi/edit', async (c) => {
    const k = await kpiOf(c);
    if (!k) return staffNotFound(c);
    const user = currentUser(c);
    if (!canEditPlans(user, k.kpi.cityId)) return forbidden(c);
    const form = await formOf(c);
    const r = await editKpi(db, store, user, k.kpi, form);
    if (!r.ok) return renderKpi(c, { define: { values: form, errors: problemTexts(staffPage(c).ctx, r.errors) } }, 422);
    return redirectWithNotice(c, `/staff/cities/${k.kpi.cityId}/kpis/${k.kpi.id}`, 'staff.saved');
  });

  // ---- Publication

  function yearsOf(staff: StaffCityData) {
    const counts = new Map<number, number>();
    for (const k of staff.data.kpis) for (const o of k.observations) counts.set(reportingYear(o.at), (counts.get(reportingYear(o.at)) ?? 0) + 1);
    for (const y of staff.unpublishedYears) if (!counts.has(y)) counts.set(y, 0);
    // What still waits in review per year: publishing shows only approved content.
    const review = (year: number) => {
      const all = [...staff.reviews.values()].filter((r) => r.year === year);
      return { submitted: all.filter((r) => r.state === 'submitted').length, returned: all.filter((r) => r.state === 'returned').length, draft: all.filter((r) => r.state === 'draft').length };
    };
    return [...counts.entries()].sort((a, b) => b[0] - a[0]).map(([year, actuals]) => ({ year, actuals, published: staff.publishedYears.has(year), review: review(year) }));
  }

  app.get('/:city/publication', async (c) => {
    const user = currentUser(c);
    if (!canPublishData(user, c.req.param('city'))) return forbidden(c);
    const staff = await store.getStaff(c.req.param('city'));
    if (!staff) return staffNotFound(c);
    return c.html(<PublicationView page={staffPage(c)} city={staff.data.city} years={yearsOf(staff)} notice={noticeOf(c)} />);
  });

  app.post('/:city/publication', async (c) => {
    const user = currentUser(c);
    const cityId = c.req.param('city');
    if (!canPublishData(user, cityId)) return forbidden(c);
    const form = await formOf(c);
    const year = Number(form['year']);
    if (!/^\d{4}$/.test(form['year'] ?? '') || !['true', 'false'].includes(form['published'] ?? '')) return c.text('bad request', 400);
    await setYearPublished(db, store, user, cityId, year, form['published'] === 'true', (form['reason'] ?? '').trim() || null);
    return redirectWithNotice(c, `/staff/cities/${cityId}/publication`, 'staff.publication.saved');
  });

  // ---- Rounds and outbox

  async function renderRounds(c: Context<StaffEnv>, values: Record<string, string>, errors: Record<string, string>, status = 200) {
    const cityId = c.req.param('city')!;
    const city = await cityOf(c);
    if (!city) return staffNotFound(c);
    const rounds = (await listRounds(db, cityId)).map((round) => ({ round, progress: roundProgress(city.staff.data, city.departments, round.year) }));
    return c.html(<RoundsView page={staffPage(c)} city={city.staff.data.city} rounds={rounds} reminderDays={settings.reminderDays} values={values} errors={errors} notice={noticeOf(c)} />, status as 200);
  }

  app.get('/:city/rounds', (c) => (canRunEntryRounds(currentUser(c), c.req.param('city')) ? renderRounds(c, {}, {}) : forbidden(c)));

  app.post('/:city/rounds', async (c) => {
    const user = currentUser(c);
    const cityId = c.req.param('city');
    if (!canRunEntryRounds(user, cityId)) return forbidden(c);
    const form = await formOf(c);
    const r = await openRound(db, store, user, cityId, form);
    if (!r.ok) {
      const ctx = staffPage(c).ctx;
      const errors = problemTexts(ctx, r.errors);
      if (r.errors['year']?.kind === 'invalid') errors['year'] = /^\d{4}$/.test((form['year'] ?? '').trim()) ? ctx.t('staff.round.error.exists') : ctx.t('staff.round.error.year');
      if (r.errors['deadline']) errors['deadline'] = ctx.t('staff.round.error.deadline');
      return renderRounds(c, form, errors, 422);
    }
    return redirectWithNotice(c, `/staff/cities/${cityId}/rounds`, 'staff.round.opened', { year: String(r.value.year) });
  });

  app.post('/:city/rounds/:year/:action{close|remind}', async (c) => {
    const user = currentUser(c);
    const cityId = c.req.param('city');
    if (!canRunEntryRounds(user, cityId)) return forbidden(c);
    const round = await findRound(db, cityId, Number(c.req.param('year')));
    if (!round) return staffNotFound(c);
    if (c.req.param('action') === 'close') {
      await closeEntryRound(db, user, round);
      return redirectWithNotice(c, `/staff/cities/${cityId}/rounds`, 'staff.round.closed');
    }
    const count = await queueReminders(db, store, { reminderDays: settings.reminderDays, round, manual: true });
    // Departments nobody could be reminded in: said, not silently skipped.
    const nobody = await unremindableDepartments(db, store, round);
    if (nobody.length > 0) return redirectWithNotice(c, `/staff/cities/${cityId}/rounds`, 'review.remindedWithGaps', { count: String(count), departments: nobody.map((d) => d.name).join('、') });
    return redirectWithNotice(c, `/staff/cities/${cityId}/rounds`, 'staff.round.reminded', { count: String(count) });
  });

  app.get('/:city/outbox', async (c) => {
    const user = currentUser(c);
    const cityId = c.req.param('city');
    if (!canRunEntryRounds(user, cityId)) return forbidden(c);
    const staff = await store.getStaff(cityId);
    if (!staff) return staffNotFound(c);
    return c.html(<OutboxView page={staffPage(c)} city={staff.data.city} mails={await listOutbox(db, cityId)} smtp={settings.smtp !== undefined} />);
  });

  // ---- Plans

  app.get('/:city/plans', async (c) => {
    const staff = await store.getStaff(c.req.param('city'));
    if (!staff) return staffNotFound(c);
    return c.html(<PlanListView page={staffPage(c)} city={staff.data.city} plans={staff.data.plans} />);
  });

  async function renderPlan(c: Context<StaffEnv>, forms: Parameters<typeof PlanEditView>[0]['forms'] = {}, status = 200) {
    const staff = await store.getStaff(c.req.param('city')!);
    const plan = staff?.data.plans.find((p) => p.id === c.req.param('plan'));
    if (!staff || !plan) return staffNotFound(c);
    const user = currentUser(c);
    return c.html(
      <PlanEditView page={staffPage(c)} city={staff.data.city} plan={plan} can={{ edit: canEditPlans(user, plan.cityId), evaluate: canWriteEvaluation(user, plan.cityId) }} forms={forms} notice={noticeOf(c)} />,
      status as 200,
    );
  }

  async function planOf(c: Context<StaffEnv>) {
    const staff = await store.getStaff(c.req.param('city')!);
    return staff?.data.plans.find((p) => p.id === c.req.param('plan')) ?? null;
  }

  app.get('/:city/plans/:plan', (c) => renderPlan(c));

  app.post('/:city/plans/:plan', async (c) => {
    const plan = await planOf(c);
    if (!plan) return staffNotFound(c);
    const user = currentUser(c);
    if (!canEditPlans(user, plan.cityId)) return forbidden(c);
    const form = await formOf(c);
    const r = await editPlan(db, store, user, plan, form);
    if (!r.ok) return renderPlan(c, { head: { values: form, errors: problemTexts(staffPage(c).ctx, r.errors) } }, 422);
    return redirectWithNotice(c, `/staff/cities/${plan.cityId}/plans/${plan.id}`, 'staff.plan.saved');
  });

  app.post('/:city/plans/:plan/nodes/:node', async (c) => {
    const plan = await planOf(c);
    if (!plan) return staffNotFound(c);
    const user = currentUser(c);
    if (!canEditPlans(user, plan.cityId)) return forbidden(c);
    const form = await formOf(c);
    const r = await editNode(db, store, user, plan, c.req.param('node'), form);
    if (!r.ok) return renderPlan(c, { node: { id: c.req.param('node'), values: form, errors: problemTexts(staffPage(c).ctx, r.errors) } }, 422);
    return redirectWithNotice(c, `/staff/cities/${plan.cityId}/plans/${plan.id}`, 'staff.plan.saved');
  });

  app.post('/:city/plans/:plan/evaluation', async (c) => {
    const plan = await planOf(c);
    if (!plan) return staffNotFound(c);
    const user = currentUser(c);
    if (!canWriteEvaluation(user, plan.cityId)) return forbidden(c);
    const form = await formOf(c);
    const ctx = staffPage(c).ctx;
    const r = await writeEvaluation(db, store, user, plan, form, ctx.t('staff.plan.evaluation'));
    if (!r.ok) return renderPlan(c, { evaluation: { values: form, errors: problemTexts(ctx, r.errors) } }, 422);
    return redirectWithNotice(c, `/staff/cities/${plan.cityId}/plans/${plan.id}`, 'staff.plan.saved');
  });

  return app;
}
