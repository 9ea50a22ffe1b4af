import { fillMessage } from '../../i18n/fill.ts';
import { Hono, type Context } from 'hono';
import { actorName } from '../../auth/user.ts';
import { toCsv } from '../../formats/csv/write-csv.ts';
import { importKpiTable, type ImportKpiTableResult } from '../../plans/kpi-table-import.command.ts';
import { KPI_LIST_TEMPLATE_HEADER, KPI_LIST_TEMPLATE_PERIOD_ROW } from '../../plans/kpi-table.ts';
import { canBuildPlans, PLAN_BUILDER_ROLE } from '../../policies/staff.policy.ts';
import { describeImportFileError } from '../../actuals/observation-import.service.ts';
import { ImportUploads, type UploadOwner } from '../../actuals/observation-import.uploads.ts';
import { currentUser } from '../middleware/require-role.ts';
import type { StaffEnv } from '../middleware/staff-env.ts';
import { KpiTablePreviewView, KpiTableUploadView, type KpiTableCity } from '../views/staff/kpi-table.view.tsx';
import type { WebDeps } from '../web-deps.ts';
import { forbiddenNeedsRole, formOf, redirectWithNotice, staffNotFound, staffPage } from './staff-page.tsx';
import { PLAN_ID_PATTERN } from '../../plans/next-period.ts';
import { systemClock } from '../../core/time/clock.ts';

/** The upload path the body limit guards (mounted ahead of the CSRF check, as the actual import's). */
export const KPI_TABLE_UPLOAD_PATH = '/cities/:city/kpi-table';

/**
 * Importing a city's KPI table (issue 13.5) under /staff/cities/:city/kpi-table: upload →
 * preview (plan tree, every KPI with new / update / unchanged, every problem at row and
 * column) → commit (one transaction, or nothing). The file stays on the server between the
 * steps, bound to the session and the city, and is read again in the import worker at the
 * commit. The secretariat (policy canBuildPlans: importing a table builds a plan; an administrator gets the 403 page naming the role). The template downloads from here.
 */
export function staffKpiTableRoutes(deps: WebDeps, uploads = new ImportUploads()): Hono<StaffEnv> {
  const { db, store } = deps;
  const app = new Hono<StaffEnv>();

  async function cityOf(c: Context<StaffEnv>): Promise<{ ok: true; city: KpiTableCity } | { ok: false; res: Response | Promise<Response> }> {
    const staff = await store.getStaff(c.req.param('city')!);
    if (!staff) return { ok: false, res: staffNotFound(c) };
    if (!canBuildPlans(currentUser(c), staff.data.city.id)) return { ok: false, res: forbiddenNeedsRole(c, PLAN_BUILDER_ROLE) };
    const lang = staffPage(c).ctx.lang;
    return { ok: true, city: { id: staff.data.city.id, name: lang === 'en' ? staff.data.city.nameEn : staff.data.city.name, plans: staff.data.plans.map((p) => ({ id: p.id, title: lang === 'en' && p.titleEn ? p.titleEn : p.title })) } };
  }
  const ownerOf = (c: Context<StaffEnv>): UploadOwner => ({ sessionId: c.get('session')!.id, cityId: c.req.param('city')! });
  const planOf = (input: string | undefined): string | undefined | null => {
    const p = (input ?? '').trim();
    if (p === '') return undefined;
    return PLAN_ID_PATTERN.test(p) ? p : null;
  };
  const run = async (c: Context<StaffEnv>, cityId: string, file: { path: string; name: string }, planId: string | undefined, dryRun: boolean): Promise<ImportKpiTableResult> => {
    const clock = c.get('clock') ?? systemClock;
    return importKpiTable(db, store, { cityId, file, planId, dryRun, actor: actorName(currentUser(c)), now: clock.now(), today: clock.todayInTokyo() });
  };

  app.get('/:city/kpi-table', async (c) => {
    const r = await cityOf(c);
    if (!r.ok) return r.res;
    return c.html(<KpiTableUploadView page={staffPage(c)} city={r.city} />);
  });

  /** The KPI-list template: Japanese headings, UTF-8 with BOM (Excel opens it as is). */
  app.get('/:city/kpi-table/template.csv', async (c) => {
    const r = await cityOf(c);
    if (!r.ok) return r.res;
    // The period row first (a new plan needs it), then the headings.
    return new Response(`${toCsv({ columns: [KPI_LIST_TEMPLATE_PERIOD_ROW], rows: [] })}${toCsv({ columns: [...KPI_LIST_TEMPLATE_HEADER], rows: [] }).replace(/^\uFEFF/, '')}`, { headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="kpi-list-template.csv"' } });
  });

  app.post('/:city/kpi-table', async (c) => {
    const r = await cityOf(c);
    if (!r.ok) return r.res;
    const page = staffPage(c);
    const body = await c.req.parseBody();
    const file = body['file'];
    const planId = planOf(typeof body['plan'] === 'string' ? body['plan'] : undefined);
    if (planId === null) return c.html(<KpiTableUploadView page={page} city={r.city} errors={[page.ctx.t('period.next.id')]} />, 422);
    if (!(file instanceof File) || (file.name === '' && file.size === 0)) return c.html(<KpiTableUploadView page={page} city={r.city} errors={[page.ctx.t('kpiTable.fileRequired')]} />, 422);
    const kept = await uploads.keep({ name: file.name, stream: () => file.stream() }, ownerOf(c));
    const result = await run(c, r.city.id, kept.file, planId, true);
    if (!result.ok) {
      await uploads.discard(kept.id);
      const text = result.kind === 'file' ? describeImportFileError(result.error)[page.ctx.lang] : result.kind === 'bad-plan-id' ? page.ctx.t('period.next.id') : result.kind === 'archived-plan' ? fillMessage(page.ctx.t('kpiTable.archivedPlan'), { plan: result.planId }) : page.ctx.t('kpiTable.conflict');
      return c.html(<KpiTableUploadView page={page} city={r.city} errors={[text]} />, 422);
    }
    return c.html(<KpiTablePreviewView page={page} city={r.city} upload={{ id: kept.id, name: kept.file.name }} planId={planId ?? ''} preview={result.preview} />, result.preview.problems.length > 0 ? 422 : 200);
  });

  app.post('/:city/kpi-table/:id/commit', async (c) => {
    const r = await cityOf(c);
    if (!r.ok) return r.res;
    const page = staffPage(c);
    const kept = await uploads.find(c.req.param('id'), ownerOf(c));
    if (!kept) return c.html(<KpiTableUploadView page={page} city={r.city} errors={[page.ctx.t('kpiTable.expired')]} />, 410);
    const form = await formOf(c);
    const planId = planOf(form['plan']);
    if (planId === null) return c.html(<KpiTableUploadView page={page} city={r.city} errors={[page.ctx.t('period.next.id')]} />, 422);
    const result = await run(c, r.city.id, kept.file, planId, false);
    if (!result.ok) {
      const text = result.kind === 'file' ? describeImportFileError(result.error)[page.ctx.lang] : result.kind === 'bad-plan-id' ? page.ctx.t('period.next.id') : result.kind === 'archived-plan' ? fillMessage(page.ctx.t('kpiTable.archivedPlan'), { plan: result.planId }) : page.ctx.t('kpiTable.conflict');
      return c.html(<KpiTableUploadView page={page} city={r.city} errors={[text]} />, result.kind === 'conflict' ? 409 : 422);
    }
    if (result.preview.problems.length > 0) return c.html(<KpiTablePreviewView page={page} city={r.city} upload={{ id: kept.id, name: kept.file.name }} planId={planId ?? ''} preview={result.preview} />, 422);
    await uploads.discard(kept.id);
    return redirectWithNotice(c, `/staff/cities/${r.city.id}/plans/${result.preview.plan.id}`, 'kpiTable.committed');
  });

  return app;
}
