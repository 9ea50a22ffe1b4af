import { canRunPartnerProgramme } from '../../policies/partner.policy.ts';
import { reviewQueueOfCity } from '../../partners/partner.service.ts';
import { Hono, type Context } from 'hono';
import { boundedField } from '../middleware/input-guard.ts';
import { errors } from '../errors.ts';
import { TEXT_LIMITS } from '../../core/text.ts';
import { DEFAULT_STAFF_CONFIG } from '../../config.ts';
import { evaluateKpi } from '../../core/kpi/kpi-evaluation.ts';
import { formatTimePointIso, formatTimePointJa, parseTimePointIso, reportingYear } from '../../core/time/time-point.ts';
import { canBuildPlans, canReviewData, canEditKpi, canEditPlans, canImportActuals, canOverrideStatus, canPublishData, canReadAuditLog, canReadCity, canReviseTargets, canRunEntryRounds, canWriteEvaluation, PLAN_BUILDER_ROLE } from '../../policies/staff.policy.ts';
import { departmentsOf } from '../../departments/department.service.ts';
import { reviewId, type StaffCityData } from '../../review/publication.service.ts';
import { platformFedKpis } from '../../partners/partner-kpi.service.ts';
import { actualKey } from '../../review/review.ts';
import { closeEntryRound, openRound, outboxOfCity, queueReminders, roundOfYear, roundProgress, roundsOfCity, unremindableDepartments } from '../../review/round.service.ts';
import { editNode, editPlan, overrideStatus, recordActual, reviseKpiTarget, setYearPublished, writeCommentary, writeEvaluation, commentariesOfKpi, type EditConflict } from '../../staff/staff-entry.service.ts';
import { currentUser, requireCityPermission } from '../middleware/require-role.ts';
import type { StaffEnv } from '../middleware/staff-env.ts';
import { ActualFormView, CityStaffView, KpiStaffView, TargetFormView, type KpiStaffProps } from '../views/staff/city.view.tsx';
import type { ConflictInfo, ConflictRow } from '../views/staff/form.tsx';
import { formatQuantity } from '../views/format.ts';
import type { Kpi } from '../../core/kpi/kpi.ts';
import type { Plan } from '../../core/plan/plan.ts';
import { walkPlanNodes } from '../../core/plan/plan.ts';
import type { MessageKey } from '../../i18n/messages.ts';
import type { StaffNotice } from '../notices.ts';
import { StaleVersionError } from '../../core/concurrency.ts';
import { formVersion } from '../../staff/form-versions.ts';
import { lastChange, loadKpiEditState, loadPlanEditState, type KpiEditState, type PlanEditState } from '../../staff/edit-state.service.ts';
import { OutboxView, type PlanEditView, PublicationView, RoundsView } from '../views/staff/manage.view.tsx';
import { headOf, renderPlanPage } from './staff-plans.routes.tsx';
import { editPlanHead } from '../../plans/plan.commands.ts';
import { editKpiDefinition } from '../../kpis/kpi-edit.command.ts';
import { actorName } from '../../auth/user.ts';
import { problemTexts } from '../views/staff/problems.ts';
import { clockOf, type WebDeps } from '../web-deps.ts';
import { SheetReviewView } from '../views/staff/sheet-review.view.tsx';
import { StaffMessageView } from '../views/staff/staff-layout.tsx';
import { sheetReviews } from '../../sheets/progress-sheet.service.ts';
import { buildProgressSheet } from '../../sheets/progress-sheet.ts';
import { differenceTexts } from '../../sheets/sheet-text.ts';
import { setSubmissionMonth } from '../../sheets/set-submission-month.command.ts';
import { setSheetForm } from '../../sheets/set-sheet-form.command.ts';
import { toCsv } from '../../formats/csv/write-csv.ts';
import { forbidden, forbiddenNeedsRole, formOf, noticeOf, redirectWithNotice, staffNotFound, staffPage, staleForm } from './staff-page.tsx';

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
    const rounds = await roundsOfCity(db, cityId);
    // The open round due soonest: a round of a later year never hides one due earlier.
    const round = rounds.filter((r) => r.closedAt === null).sort((a, b) => (a.deadline < b.deadline ? -1 : a.deadline > b.deadline ? 1 : 0))[0];
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
        tools={{ review: canReviewData(user, cityId), import: canImportActuals(user, cityId), plans: canEditPlans(user, cityId) || canBuildPlans(user, cityId) || canWriteEvaluation(user, cityId), publication: canPublishData(user, cityId), rounds: canRunEntryRounds(user, cityId), audit: canReadAuditLog(user, cityId) }}
        partnerQueue={canRunPartnerProgramme(user, cityId) ? await reviewQueueOfCity(db, cityId) : null}
        notice={noticeOf(c)}
      />,
    );
  });

  // ---- KPI page and its forms
  //
  // Every edit form carries the version it was opened on (issue 10.4): a form without one is a
  // 400; a save from a form opened before someone else's save is a 409 page that shows the other
  // person's values beside the user's and re-offers the form with the user's input and the
  // current version, so saving again re-applies it knowingly.

  async function renderKpi(c: Context<StaffEnv>, forms: KpiStaffProps['forms'] = {}, status = 200) {
    const k = await kpiOf(c);
    if (!k) return staffNotFound(c);
    const edit = await loadKpiEditState(db, k.kpi.cityId, k.kpi.id);
    if (!edit) return staffNotFound(c);
    const user = currentUser(c);
    const cityId = k.kpi.cityId;
    const commentaries = await commentariesOfKpi(db, cityId, k.kpi.id);
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
        edit={edit}
        notice={noticeOf(c)}
      />,
      status as 200,
    );
  }

  /** The conflict panel's content: the rows (stored now vs the user's input) and who changed it, from the change log. */
  async function conflictInfo(cityId: string, conflict: EditConflict, rows: ConflictRow[]): Promise<ConflictInfo> {
    return { rows, changedBy: await lastChange(db, cityId, conflict.entity, conflict.entityId) };
  }

  /** A KPI as the staff store has it now (after another person's save, the store was invalidated). */
  async function loadCityKpi(cityId: string, kpiId: string): Promise<Kpi | undefined> {
    return (await store.getStaff(cityId))?.data.kpis.find((x) => x.id === kpiId);
  }

  /** The edit state of the KPI of the request, fresh from the database (for a conflict page). */
  async function kpiEdit(k: { kpi: Kpi }): Promise<KpiEditState> {
    const edit = await loadKpiEditState(db, k.kpi.cityId, k.kpi.id);
    // Removed meanwhile (an import retired it): a conflict for the user, answered by the staff area's onError.
    if (!edit) throw new StaleVersionError(`KPI "${k.kpi.id}"`);
    return edit;
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
    const edit = await kpiEdit(k);
    const atIso = c.req.query('at');
    const at = atIso ? parseTimePointIso(atIso) : null;
    const existing = at ? k.kpi.observations.find((o) => formatTimePointIso(o.at) === atIso) : undefined;
    const entry = await entryContext(k.kpi.cityId, k.kpi.id, existing ? atIso! : null, k.staff);
    const values: Record<string, string> = existing
      ? { at: formatTimePointJa(existing.at), value: existing.value.toFixed(existing.decimals ?? 0), note: existing.note ?? '', source: existing.source ?? '', explanation: entry.review?.explanation ?? '', platformOverride: entry.review?.platformOverride ?? '' }
      : {};
    return c.html(<ActualFormView page={staffPage(c)} city={k.staff.data.city} kpi={k.kpi} values={values} errors={{}} correcting={existing !== undefined} edit={edit} platformFed={entry.platformFed} returned={entry.returned} />);
  });

  app.post('/:city/kpis/:kpi/actuals', async (c) => {
    const k = await kpiOf(c);
    if (!k) return staffNotFound(c);
    const user = currentUser(c);
    if (!canEditKpi(user, k.ownership)) return forbidden(c);
    const form = await formOf(c);
    const r = await recordActual(db, store, user, k.kpi, form);
    if (!r.ok) {
      if (r.errors?.['version']) return staleForm(c);
      const page = staffPage(c);
      // Deleted by someone else while this actual was being saved: nothing was written.
      if (r.conflict?.entity === 'kpi') return c.html(<StaffMessageView page={page} title={page.ctx.t('staff.conflict.kpiGoneTitle')} lead={page.ctx.t('staff.conflict.kpiGoneLead')} />, 409);
      const values = { at: form['at'] ?? '', value: form['value'] ?? '', note: form['note'] ?? '', source: form['source'] ?? '', reason: form['reason'] ?? '', explanation: form['explanation'] ?? '', platformOverride: form['platformOverride'] ?? '' };
      const edit = await kpiEdit(k);
      const entry = await entryContext(k.kpi.cityId, k.kpi.id, null, k.staff);
      if (r.conflict) {
        const t = page.ctx.t;
        const stored = edit.actuals.get(r.conflict.entityId.slice(r.conflict.entityId.indexOf('@') + 1));
        const storedValue = stored && stored.value !== null ? formatQuantity(stored.value, stored.decimals ?? undefined, k.kpi.unit, page.ctx.lang) : '';
        const rows = [
          { label: t('staff.actual.at'), theirs: values.at, yours: values.at },
          { label: t('staff.actual.value'), theirs: storedValue, yours: values.value },
          { label: t('staff.actual.note'), theirs: stored?.note ?? '', yours: values.note },
          { label: t('staff.actual.source'), theirs: stored?.source ?? '', yours: values.source },
        ];
        const conflict = await conflictInfo(k.kpi.cityId, r.conflict, rows);
        return c.html(<ActualFormView page={page} city={k.staff.data.city} kpi={k.kpi} values={values} errors={{}} correcting={stored !== undefined} edit={edit} conflict={conflict} platformFed={entry.platformFed} />, 409);
      }
      return c.html(<ActualFormView page={page} city={k.staff.data.city} kpi={k.kpi} values={values} errors={problemTexts(page.ctx, r.errors)} correcting={'reason' in r.errors} edit={edit} platformFed={entry.platformFed || 'platformOverride' in r.errors} />, 422);
    }
    const notice = !r.value.changed ? (r.value.intent === 'submit' ? 'review.submitted' : 'staff.actual.unchanged') : r.value.intent === 'draft' ? 'review.savedDraft' : 'review.savedSubmitted';
    return redirectWithNotice(c, `/staff/cities/${k.kpi.cityId}/kpis/${k.kpi.id}`, notice);
  });

  app.get('/:city/kpis/:kpi/target', async (c) => {
    const k = await kpiOf(c);
    if (!k) return staffNotFound(c);
    if (!canReviseTargets(currentUser(c), k.kpi.cityId)) return forbidden(c);
    return c.html(<TargetFormView page={staffPage(c)} city={k.staff.data.city} kpi={k.kpi} values={{ target: k.kpi.targets.at(-1)?.id ?? '' }} errors={{}} edit={await kpiEdit(k)} />);
  });

  app.post('/:city/kpis/:kpi/target', async (c) => {
    const k = await kpiOf(c);
    if (!k) return staffNotFound(c);
    const user = currentUser(c);
    if (!canReviseTargets(user, k.kpi.cityId)) return forbidden(c);
    const form = await formOf(c);
    const r = await reviseKpiTarget(db, store, user, k.kpi, form);
    if (!r.ok) {
      if (r.errors?.['version']) return staleForm(c);
      const page = staffPage(c);
      const edit = await kpiEdit(k);
      if (r.conflict) {
        const t = page.ctx.t;
        const stored = edit.targets.get(form['target'] ?? '');
        const storedValue = stored && stored.value !== null ? formatQuantity(stored.value, stored.decimals ?? undefined, k.kpi.unit, page.ctx.lang) : '';
        // The other person's revision: the target's latest one, as stored now.
        const fresh = (await loadCityKpi(k.kpi.cityId, k.kpi.id)) ?? k.kpi;
        const revision = fresh.targets.find((x) => x.id === form['target'])?.revisions.at(-1);
        const rows = [
          { label: t('staff.target.which'), theirs: form['target'] ?? '', yours: form['target'] ?? '' },
          { label: t('staff.target.newValue'), theirs: storedValue, yours: form['newValue'] ?? '' },
          { label: t('staff.target.revisedOn'), theirs: revision?.revisedOn ?? '', yours: (form['revisedOn'] ?? '').trim() },
          { label: t('staff.target.reason'), theirs: revision?.reason ?? '', yours: (form['reason'] ?? '').trim() },
        ];
        const conflict = await conflictInfo(k.kpi.cityId, r.conflict, rows);
        return c.html(<TargetFormView page={page} city={k.staff.data.city} kpi={fresh} values={form} errors={{}} edit={edit} conflict={conflict} />, 409);
      }
      return c.html(<TargetFormView page={page} city={k.staff.data.city} kpi={k.kpi} values={form} errors={problemTexts(page.ctx, r.errors)} edit={edit} />, 422);
    }
    return redirectWithNotice(c, `/staff/cities/${k.kpi.cityId}/kpis/${k.kpi.id}`, 'staff.target.saved');
  });

  app.post('/:city/kpis/:kpi/commentary', async (c) => {
    const k = await kpiOf(c);
    if (!k) return staffNotFound(c);
    const user = currentUser(c);
    if (!canEditKpi(user, k.ownership)) return forbidden(c);
    const form = await formOf(c);
    const r = await writeCommentary(db, store, user, k.kpi, form);
    if (!r.ok) {
      if (r.errors?.['version']) return staleForm(c);
      if (r.conflict) {
        const t = staffPage(c).ctx.t;
        const edit = await kpiEdit(k);
        const year = (form['year'] ?? '').trim();
        const rows = [
          { label: t('staff.kpi.commentaryYear'), theirs: year, yours: year },
          { label: t('staff.kpi.commentaryBody'), theirs: edit.commentaries.get(Number(year))?.body ?? '', yours: (form['body'] ?? '').trim() },
        ];
        return renderKpi(c, { commentary: { values: form, errors: {}, conflict: await conflictInfo(k.kpi.cityId, r.conflict, rows) } }, 409);
      }
      return renderKpi(c, { commentary: { values: form, errors: problemTexts(staffPage(c).ctx, r.errors) } }, 422);
    }
    return redirectWithNotice(c, `/staff/cities/${k.kpi.cityId}/kpis/${k.kpi.id}`, 'staff.saved');
  });

  app.post('/:city/kpis/:kpi/override', async (c) => {
    const k = await kpiOf(c);
    if (!k) return staffNotFound(c);
    const user = currentUser(c);
    if (!canOverrideStatus(user, k.kpi.cityId)) return forbidden(c);
    const form = await formOf(c);
    const r = await overrideStatus(db, store, user, k.kpi, form);
    if (!r.ok) {
      if (r.errors?.['version']) return staleForm(c);
      if (r.conflict) {
        const t = staffPage(c).ctx.t;
        const edit = await kpiEdit(k);
        const statusLabel = (s: string | null | undefined) => (s ? t(`status.${s}` as MessageKey) : t('staff.kpi.overrideNone'));
        const rows = [
          { label: t('staff.kpi.overrideStatus'), theirs: statusLabel(edit.override.status), yours: statusLabel(form['status']) },
          { label: t('staff.kpi.overrideJustification'), theirs: edit.override.justification, yours: (form['justification'] ?? '').trim() },
        ];
        return renderKpi(c, { override: { values: form, errors: {}, conflict: await conflictInfo(k.kpi.cityId, r.conflict, rows) } }, 409);
      }
      return renderKpi(c, { override: { values: form, errors: problemTexts(staffPage(c).ctx, r.errors) } }, 422);
    }
    return redirectWithNotice(c, `/staff/cities/${k.kpi.cityId}/kpis/${k.kpi.id}`, 'staff.saved');
  });

  app.post('/:city/kpis/:kpi/edit', async (c) => {
    const k = await kpiOf(c);
    if (!k) return staffNotFound(c);
    const user = currentUser(c);
    if (!canEditPlans(user, k.kpi.cityId)) return forbiddenNeedsRole(c, PLAN_BUILDER_ROLE);
    const form = await formOf(c);
    const version = formVersion(form);
    if (version === null) return staleForm(c);
    const input = {
      name: form['name'], nameEn: form['nameEn'], unit: form['unit'], departmentId: form['department'], sdgTargets: form['sdgTargets'], side: form['side'], aggregation: form['aggregation'],
      direction: form['direction'], method: form['method'], baselineAt: form['baselineAt'], baselineValue: form['baselineValue'], definition: form['definition'], dataSource: form['dataSource'],
      dataProvider: form['dataProvider'], updateFrequency: form['updateFrequency'], indicator: form['indicator'],
    };
    const r = await editKpiDefinition(db, { invalidate: (cityId) => store.invalidate(cityId) }, { cityId: k.kpi.cityId, actor: actorName(user), kpiId: k.kpi.id, version, input, reason: form['reason'] ?? null });
    if (!r.ok) {
      // The KPI's field "departmentId" is the form's "department".
      const errors = r.errors ? Object.fromEntries(Object.entries(r.errors).map(([f, p]) => [f === 'departmentId' ? 'department' : f, p])) : undefined;
      if (r.conflict) {
        const t = staffPage(c).ctx.t;
        const edit = await kpiEdit(k);
        const department = (id: string | number | null | undefined) => k.departments.find((d) => String(d.id) === String(id ?? ''))?.name ?? '';
        const option = (prefix: string, v: string | undefined) => (v ? t(`${prefix}.${v}` as MessageKey) : '');
        const typed = (name: string, stored: string) => (form[name] === undefined ? stored : form[name]!.trim());
        const rows = [
          { label: t('staff.kpi.name'), theirs: edit.name, yours: typed('name', edit.name) },
          { label: t('staff.kpi.nameEn'), theirs: edit.nameEn, yours: typed('nameEn', edit.nameEn) },
          { label: t('staff.kpi.unit'), theirs: edit.unit, yours: typed('unit', edit.unit) },
          { label: t('kpi.direction.label'), theirs: edit.direction ? t(`kpi.direction.${edit.direction}`) : '—', yours: form['direction'] === 'up' || form['direction'] === 'down' ? t(`kpi.direction.${form['direction']}`) : '—' },
          { label: t('staff.kpi.owner'), theirs: department(edit.departmentId), yours: form['department'] !== undefined ? department(form['department']) : department(edit.departmentId) },
          { label: t('plans.kpi.sdgTargets'), theirs: edit.sdgTargets, yours: typed('sdgTargets', edit.sdgTargets) },
          { label: t('plans.kpi.side'), theirs: option('plans.kpi.side', edit.side), yours: option('plans.kpi.side', typed('side', edit.side)) },
          { label: t('plans.kpi.aggregation'), theirs: option('plans.kpi.aggregation', edit.aggregation), yours: option('plans.kpi.aggregation', typed('aggregation', edit.aggregation)) },
          { label: t('plans.kpi.method'), theirs: option('plans.kpi.method', edit.method), yours: option('plans.kpi.method', typed('method', edit.method)) },
          { label: t('plans.kpi.baselineAt'), theirs: edit.baselineAt, yours: typed('baselineAt', edit.baselineAt) },
          { label: t('plans.kpi.baselineValue'), theirs: edit.baselineValue, yours: typed('baselineValue', edit.baselineValue) },
          { label: t('plans.kpi.definition'), theirs: edit.definition, yours: typed('definition', edit.definition) },
          { label: t('plans.kpi.dataSource'), theirs: edit.dataSource, yours: typed('dataSource', edit.dataSource) },
          { label: t('plans.kpi.dataProvider'), theirs: edit.dataProvider, yours: typed('dataProvider', edit.dataProvider) },
          { label: t('plans.kpi.updateFrequency'), theirs: option('kpi.updateFrequency', edit.updateFrequency), yours: option('kpi.updateFrequency', typed('updateFrequency', edit.updateFrequency)) },
          { label: t('plans.kpi.indicator'), theirs: edit.indicator, yours: typed('indicator', edit.indicator) },
        ].filter((row) => row.theirs !== row.yours || row.label === t('staff.kpi.name'));
        return renderKpi(c, { define: { values: form, errors: {}, conflict: await conflictInfo(k.kpi.cityId, r.conflict, rows) } }, 409);
      }
      return renderKpi(c, { define: { values: form, errors: problemTexts(staffPage(c).ctx, errors ?? {}) } }, 422);
    }
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
    if (!/^\d{4}$/.test(form['year'] ?? '')) throw errors.invalidInput({ kind: 'field', name: 'year' }, { kind: 'not-a-choice' });
    if (!['true', 'false'].includes(form['published'] ?? '')) throw errors.invalidInput({ kind: 'field', name: 'published' }, { kind: 'not-a-choice' });
    const reason = boundedField('reason', (form['reason'] ?? '').trim(), TEXT_LIMITS.reason);
    await setYearPublished(db, store, user, cityId, year, form['published'] === 'true', reason || null);
    return redirectWithNotice(c, `/staff/cities/${cityId}/publication`, 'staff.publication.saved');
  });

  // ---- Rounds and outbox

  async function renderRounds(c: Context<StaffEnv>, values: Record<string, string>, errors: Record<string, string>, status = 200) {
    const cityId = c.req.param('city')!;
    const city = await cityOf(c);
    if (!city) return staffNotFound(c);
    const rounds = (await roundsOfCity(db, cityId)).map((round) => ({ round, progress: roundProgress(city.staff.data, city.departments, round.year) }));
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
      const errors = problemTexts(ctx, r.errors ?? {});
      if (r.errors?.['year']?.kind === 'invalid') errors['year'] = /^\d{4}$/.test((form['year'] ?? '').trim()) ? ctx.t('staff.round.error.exists') : ctx.t('staff.round.error.year');
      if (r.errors?.['deadline']) errors['deadline'] = ctx.t('staff.round.error.deadline');
      return renderRounds(c, form, errors, 422);
    }
    return redirectWithNotice(c, `/staff/cities/${cityId}/rounds`, 'staff.round.opened', { year: String(r.value.year) });
  });

  app.post('/:city/rounds/:year/:action{(?:close|remind)}', async (c) => {
    const user = currentUser(c);
    const cityId = c.req.param('city');
    if (!canRunEntryRounds(user, cityId)) return forbidden(c);
    const round = await roundOfYear(db, cityId, Number(c.req.param('year')));
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
    return c.html(<OutboxView page={staffPage(c)} city={staff.data.city} mails={await outboxOfCity(db, cityId)} smtp={settings.smtp !== undefined} />);
  });

  // ---- Plans

  // The plan list and plan page render through the plan builder's routes (staff-plans.routes.tsx).
  function renderPlan(c: Context<StaffEnv>, forms: Parameters<typeof PlanEditView>[0]['forms'] = {}, status = 200) {
    return renderPlanPage(c, deps, forms, undefined, status);
  }

  async function planOf(c: Context<StaffEnv>) {
    const staff = await store.getStaff(c.req.param('city')!);
    return staff?.data.plans.find((p) => p.id === c.req.param('plan')) ?? null;
  }

  async function planEdit(plan: Plan): Promise<PlanEditState> {
    const edit = await loadPlanEditState(db, plan.cityId, plan.id);
    // Removed meanwhile (an import replaced the plans): a conflict for the user, answered by the staff area's onError.
    if (!edit) throw new StaleVersionError(`plan "${plan.id}"`);
    return edit;
  }

  app.get('/:city/plans/:plan', (c) => renderPlan(c));

  app.post('/:city/plans/:plan', async (c) => {
    const plan = await planOf(c);
    if (!plan) return staffNotFound(c);
    const user = currentUser(c);
    if (!canEditPlans(user, plan.cityId) && !canBuildPlans(user, plan.cityId)) return forbiddenNeedsRole(c, PLAN_BUILDER_ROLE);
    const form = await formOf(c);
    // The builder's head form also carries kind and period (issue 13.2); the plain one title and vision.
    const version = formVersion(form);
    const r =
      form['kind'] !== undefined && version !== null
        ? await editPlanHead(db, { invalidate: (id) => store.invalidate(id) }, { cityId: plan.cityId, actor: actorName(user), planId: plan.id, version, head: headOf(form), reason: (form['reason'] ?? '').trim() || null })
        : await editPlan(db, store, user, plan, form);
    if (!r.ok) {
      if (r.errors?.['version']) return staleForm(c);
      if (r.conflict) {
        const t = staffPage(c).ctx.t;
        const edit = await planEdit(plan);
        const rows = [
          { label: t('staff.plan.titleField'), theirs: edit.title, yours: (form['title'] ?? '').trim() },
          { label: t('staff.plan.titleEn'), theirs: edit.titleEn, yours: (form['titleEn'] ?? '').trim() },
          { label: t('staff.plan.vision'), theirs: edit.vision, yours: (form['vision'] ?? '').trim() },
        ];
        return renderPlan(c, { head: { values: form, errors: {}, conflict: await conflictInfo(plan.cityId, r.conflict, rows) } }, 409);
      }
      return renderPlan(c, { head: { values: form, errors: problemTexts(staffPage(c).ctx, r.errors) } }, 422);
    }
    return redirectWithNotice(c, `/staff/cities/${plan.cityId}/plans/${plan.id}`, 'staff.plan.saved');
  });

  app.post('/:city/plans/:plan/nodes/:node', async (c) => {
    const plan = await planOf(c);
    if (!plan) return staffNotFound(c);
    const user = currentUser(c);
    if (!canEditPlans(user, plan.cityId) && !canBuildPlans(user, plan.cityId)) return forbiddenNeedsRole(c, PLAN_BUILDER_ROLE);
    const nodeId = c.req.param('node');
    if (![...walkPlanNodes(plan.nodes)].some(({ node }) => node.id === nodeId)) return staffNotFound(c);
    const form = await formOf(c);
    const r = await editNode(db, store, user, plan, nodeId, form);
    if (!r.ok) {
      if (r.errors?.['version']) return staleForm(c);
      if (r.conflict) {
        const t = staffPage(c).ctx.t;
        const stored = (await planEdit(plan)).nodes.get(nodeId);
        const rows = [
          { label: t('staff.plan.nodeCode'), theirs: stored?.code ?? '', yours: (form['code'] ?? '').trim() },
          { label: t('staff.plan.nodeTitle'), theirs: stored?.title ?? '', yours: (form['title'] ?? '').trim() },
          { label: t('staff.plan.nodeTitleEn'), theirs: stored?.titleEn ?? '', yours: (form['titleEn'] ?? '').trim() },
          { label: t('staff.plan.nodeDescription'), theirs: stored?.description ?? '', yours: (form['description'] ?? '').trim() },
        ];
        return renderPlan(c, { node: { id: nodeId, values: form, errors: {}, conflict: await conflictInfo(plan.cityId, r.conflict, rows) } }, 409);
      }
      return renderPlan(c, { node: { id: nodeId, values: form, errors: problemTexts(staffPage(c).ctx, r.errors) } }, 422);
    }
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
    if (!r.ok) {
      if (r.errors?.['version']) return staleForm(c);
      if (r.conflict) {
        const year = (form['year'] ?? '').trim();
        const rows = [
          { label: ctx.t('staff.plan.evaluationYear'), theirs: year, yours: year },
          { label: ctx.t('staff.plan.evaluationBody'), theirs: (await planEdit(plan)).evaluations.get(Number(year))?.body ?? '', yours: (form['body'] ?? '').trim() },
        ];
        return renderPlan(c, { evaluation: { values: form, errors: {}, conflict: await conflictInfo(plan.cityId, r.conflict, rows) } }, 409);
      }
      return renderPlan(c, { evaluation: { values: form, errors: problemTexts(ctx, r.errors) } }, 422);
    }
    return redirectWithNotice(c, `/staff/cities/${plan.cityId}/plans/${plan.id}`, 'staff.plan.saved');
  });

  // ---- Sheets: 作成年月 per report and the review list of differences (issue 14)

  async function renderSheets(c: Context<StaffEnv>, error?: string, status = 200) {
    const plan = await planOf(c);
    const data = plan && (await store.get(plan.cityId));
    const publicPlan = data?.plans.find((p) => p.id === plan?.id);
    if (!plan || !data || !publicPlan) return staffNotFound(c);
    const reviews = sheetReviews(data, publicPlan, clockOf(deps).now());
    const sheet = reviews[0] ? buildProgressSheet(data, publicPlan, { kind: reviews[0].kind, year: reviews[0].year }) : null;
    return c.html(
      <SheetReviewView
        page={staffPage(c)}
        city={data.city}
        plan={publicPlan}
        reviews={reviews}
        documents={new Map(data.documents.map((d) => [d.id, `${d.title}（${d.published}）`]))}
        rateDecimals={sheet?.rateDecimals ?? 1}
        canEdit={canEditPlans(currentUser(c), plan.cityId)}
        notice={noticeOf(c)}
        error={error}
      />,
      status as 200,
    );
  }

  app.get('/:city/plans/:plan/sheets', (c) => renderSheets(c));

  /**
   * A setting of the plan's sheets posted by who may edit plans: `write` validates and stores it;
   * a problem re-renders the page with `message` (400), a plan gone is a 404, success redirects
   * with `notice`.
   */
  async function postSheetSetting<E extends { readonly field: string }>(
    c: Context<StaffEnv>,
    write: (actor: string, plan: Plan, form: Readonly<Record<string, string>>) => Promise<{ ok: true } | { ok: false; error: E }>,
    message: (e: E) => MessageKey,
    notice: StaffNotice,
  ): Promise<Response> {
    const plan = await planOf(c);
    if (!plan) return staffNotFound(c);
    const user = currentUser(c);
    if (!canEditPlans(user, plan.cityId)) return forbidden(c);
    const r = await write(actorName(user!), plan, await formOf(c));
    if (!r.ok) return r.error.field === 'plan' ? staffNotFound(c) : renderSheets(c, staffPage(c).ctx.t(message(r.error)), 400);
    return redirectWithNotice(c, `/staff/cities/${plan.cityId}/plans/${plan.id}/sheets`, notice);
  }

  app.post('/:city/plans/:plan/sheets', (c) =>
    postSheetSetting(
      c,
      (actor, plan, form) => setSubmissionMonth(db, store, actor, plan, { year: form['year'] ?? '', kind: form['kind'] ?? '', submittedOn: form['submittedOn'] ?? '' }),
      (e) => (e.field === 'submittedOn' ? 'sheets.submittedOn.bad' : e.field === 'kind' ? 'sheets.unknownKind' : 'sheets.unknownYear'),
      'sheets.submittedOn.saved',
    ),
  );

  // Which form the plan's sheets follow and 第N期: a city built in the app sets them here.
  app.post('/:city/plans/:plan/sheets/form', (c) =>
    postSheetSetting(
      c,
      (actor, plan, form) => setSheetForm(db, store, actor, plan, { layout: form['layout'] ?? '', ordinal: form['ordinal'] ?? '' }),
      (e) => (e.field === 'layout' ? 'sheets.form.badLayout' : 'sheets.form.badOrdinal'),
      'sheets.form.saved',
    ),
  );

  app.get('/:city/plans/:plan/sheets/differences.csv', async (c) => {
    const plan = await planOf(c);
    const data = plan && (await store.get(plan.cityId));
    const publicPlan = data?.plans.find((p) => p.id === plan?.id);
    if (!plan || !data || !publicPlan) return staffNotFound(c);
    const lang = staffPage(c).ctx.lang;
    const titles = new Map(data.documents.map((d) => [d.id, `${d.title}（${d.published}）`]));
    const rows = sheetReviews(data, publicPlan, clockOf(deps).now()).flatMap((r) =>
      r.differences.map((d) => ({
        year: r.year,
        sheet: r.kind,
        table: d.tableCode,
        no: d.no,
        kpi_id: d.kpiId,
        kpi_name: d.name,
        printed_rate: d.printedRate,
        printed_method: d.printedFormula,
        system_rate: d.systemRate,
        system_method: d.systemFormula,
        explanation: differenceTexts(d, r.documentId ? (titles.get(r.documentId) ?? r.documentId) : null, lang).join(' / '),
      })),
    );
    const csv = toCsv({ columns: ['year', 'sheet', 'table', 'no', 'kpi_id', 'kpi_name', 'printed_rate', 'printed_method', 'system_rate', 'system_method', 'explanation'], rows });
    return c.body(csv, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${plan.id}-sheet-differences.csv"` });
  });

  return app;
}
