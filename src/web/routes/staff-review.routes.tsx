import { Hono, type Context } from 'hono';
import { actorName } from '../../auth/user.ts';
import { actualInputSchema } from '../../actuals/actual-input.ts';
import { recordActuals } from '../../actuals/record-actual.command.ts';
import { fillMessage } from '../../i18n/fill.ts';
import { canEditKpi, canReadCity, canReviewData } from '../../policies/staff.policy.ts';
import { myUpdates } from '../../review/my-updates.service.ts';
import { decideReview } from '../../review/review.service.ts';
import { REVIEW_ENTITIES, slugOfKey, type ReviewAction, type ReviewEntity, type ReviewStatus } from '../../review/review.ts';
import { departmentsOf } from '../../departments/department.service.ts';
import { currentUser, requireCityPermission } from '../middleware/require-role.ts';
import type { StaffEnv } from '../middleware/staff-env.ts';
import { MyUpdatesView, ReviewQueueView, type ReviewRow } from '../views/staff/review.view.tsx';
import type { WebDeps } from '../web-deps.ts';
import { forbidden, formOf, noticeOf, redirectWithNotice, staffNotFound, staffPage } from './staff-page.tsx';

/**
 * The review before publishing and the staff JSON API for actuals, under /staff/cities/:city:
 * the secretariat's review queue (approve / return with a reason), a department's submit of
 * its drafts, and `POST …/api/kpis/:kpi/actuals` (JSON; the same command and validator as the
 * form and the import). Mounted beside the city routes.
 */
export function staffReviewRoutes(deps: WebDeps): Hono<StaffEnv> {
  const { db, store } = deps;
  const app = new Hono<StaffEnv>();
  app.use('/:city/review', requireCityPermission(canReadCity, forbidden));
  app.use('/:city/api/*', requireCityPermission(canReadCity, (c) => c.json({ type: 'about:blank', title: 'forbidden', status: 403 }, 403, { 'content-type': 'application/problem+json' })));

  async function rowsOf(cityId: string, filter: (s: ReviewStatus) => boolean): Promise<ReviewRow[] | null> {
    const staff = await store.getStaff(cityId);
    if (!staff) return null;
    return [...staff.reviews.values()]
      .filter(filter)
      .sort((a, b) => a.recordedAt.getTime() - b.recordedAt.getTime())
      .map((status) => {
        const slug = slugOfKey(status.key);
        const kpi = status.entity === 'evaluation' ? undefined : staff.data.kpis.find((k) => k.id === slug);
        const plan = status.entity === 'evaluation' ? staff.data.plans.find((p) => p.id === slug) : undefined;
        return { status, label: kpi?.name ?? plan?.title ?? slug, unit: kpi?.unit ?? null };
      });
  }

  async function renderQueue(c: Context<StaffEnv>, error?: string, status = 200) {
    const cityId = c.req.param('city')!;
    const staff = await store.getStaff(cityId);
    if (!staff) return staffNotFound(c);
    const rows = (await rowsOf(cityId, (s) => s.state === 'submitted'))!;
    const others = (await rowsOf(cityId, (s) => s.state === 'returned' || s.state === 'draft'))!;
    return c.html(<ReviewQueueView page={staffPage(c)} city={staff.data.city} rows={rows} others={others} error={error} notice={noticeOf(c)} />, status as 200);
  }

  app.get('/:city/review', (c) => (canReviewData(currentUser(c), c.req.param('city')) ? renderQueue(c) : forbidden(c)));

  app.post('/:city/review', async (c) => {
    const cityId = c.req.param('city');
    const user = currentUser(c);
    const form = await formOf(c);
    const entity = form['entity'] as ReviewEntity;
    const action = form['action'] as ReviewAction;
    if (!REVIEW_ENTITIES.includes(entity) || !['submit', 'approve', 'return'].includes(action) || !form['key'] || form['key'].length > 400) {
      return c.text('bad request: entity, key and action (submit, approve or return) are required', 400);
    }
    const step = form['step'] ?? '';
    if (step !== '' && !/^\d{1,15}$/.test(step)) return c.text('bad request: step must be the number of the review step shown', 400);
    const r = await decideReview(db, store, user, cityId, { entity, key: form['key'], action, reason: form['reason'] ?? null, seenStep: step === '' ? null : Number(step) });
    const back = form['next'] === 'updates' ? '/staff/updates' : `/staff/cities/${cityId}/review`;
    if (!r.ok) {
      if (r.error === 'forbidden') return forbidden(c);
      const t = staffPage(c).ctx.t;
      const message =
        r.error === 'reason-required' ? t('review.error.reason') : r.error === 'state' || r.error === 'changed' ? fillMessage(t(r.error === 'state' ? 'review.error.state' : 'review.error.changed'), { state: t(`review.state.${r.state}` as Parameters<typeof t>[0]) }) : r.error === 'too-long' ? t('staff.form.error.tooLong') : t('review.error.unknown');
      if (!canReviewData(user, cityId)) return c.text(message, r.error === 'unknown' ? 404 : 400);
      return renderQueue(c, message, r.error === 'unknown' ? 404 : 400);
    }
    return redirectWithNotice(c, back, action === 'approve' ? 'review.approved' : action === 'return' ? 'review.returned' : 'review.submitted');
  });

  // The staff JSON API: one actual per request, the same command as the form and the import.
  app.post('/:city/api/kpis/:kpi/actuals', async (c) => {
    const cityId = c.req.param('city');
    const user = currentUser(c);
    const problem = (status: number, title: string, extra: Record<string, unknown> = {}) => c.json({ type: 'about:blank', title, status, ...extra }, status as 400, { 'content-type': 'application/problem+json' });
    const staff = await store.getStaff(cityId);
    const kpi = staff?.data.kpis.find((k) => k.id === c.req.param('kpi'));
    if (!staff || !kpi) return problem(404, 'no such KPI in this city');
    const { ownerOf } = await departmentsOf(db, cityId);
    if (!canEditKpi(user, { cityId, departmentId: ownerOf.get(kpi.id)?.department.id ?? null })) return problem(403, 'you may not enter actuals of this KPI');
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return problem(400, 'the body is not JSON');
    }
    const parsed = actualInputSchema.safeParse(body);
    if (!parsed.success) return problem(400, 'invalid body', { problems: parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })) });
    const { draft, version, ...input } = parsed.data;
    const r = await recordActuals(db, store, { cityId, actor: actorName(user), intent: draft ? 'draft' : 'submit', rows: [{ kpiId: kpi.id, input, ...(version !== undefined && { expectedVersion: version }) }] });
    if (!r.ok && r.conflict) return problem(409, 'this actual was changed by someone else since the given version', { kpi: r.conflict.kpiId, at: r.conflict.atIso });
    // The KPI was found when the request came in: missing now, someone deleted it meanwhile.
    if (!r.ok && r.unknownKpis.length > 0) return problem(409, 'this KPI was deleted by someone else meanwhile; nothing was written', { kpi: kpi.id });
    if (!r.ok) return problem(400, 'the actual was not accepted', { problems: r.problems.flatMap((p) => p.problems) });
    const v = r.results[0]!;
    return c.json({ kpi: kpi.id, at: v.atIso, value: v.value, kind: v.kind, written: r.written, state: v.kind === 'unchanged' ? null : draft ? 'draft' : 'submitted', statusBefore: v.statusBefore, statusAfter: v.statusAfter }, v.kind === 'new' ? 201 : 200);
  });

  return app;
}

/** `/staff/updates`: one "my updates" page for every staff user. */
export function myUpdatesRoutes(deps: WebDeps): Hono<StaffEnv> {
  const app = new Hono<StaffEnv>();
  app.get('/', async (c) => {
    const cities = await myUpdates(deps.db, deps.store, currentUser(c));
    return c.html(<MyUpdatesView page={staffPage(c)} cities={cities} notice={noticeOf(c)} />);
  });
  return app;
}
