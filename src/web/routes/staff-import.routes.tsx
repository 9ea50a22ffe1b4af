import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { MAX_FORM_BODY_BYTES } from '../middleware/input-guard.ts';
import { actorName, type StaffUser } from '../../auth/user.ts';
import type { Kpi } from '../../core/kpi/kpi.ts';
import { canEditKpi, canReadCity } from '../../policies/staff.policy.ts';
import { departmentsOf } from '../../departments/department.service.ts';
import {
  commitObservationImport,
  describeImportFileError,
  importPreviewJson,
  MAX_IMPORT_BYTES,
  previewObservationImport,
  type ImportFileError,
  type ImportPermissions,
} from '../../actuals/observation-import.service.ts';
import { ImportUploads, type UploadOwner } from '../../actuals/observation-import.uploads.ts';
import { toCsv } from '../../formats/csv/write-csv.ts';
import { currentUser, requireCityPermission } from '../middleware/require-role.ts';
import type { StaffEnv } from '../middleware/staff-env.ts';
import { importBase, ImportPreviewView, ImportUploadView } from '../views/staff/import.view.tsx';
import { StaffMessageView } from '../views/staff/staff-layout.tsx';
import type { WebDeps } from '../web-deps.ts';
import { forbidden, noticeOf, redirectWithNotice, staffNotFound, staffPage } from './staff-page.tsx';

/** The upload path the body limit guards (before the CSRF check parses the multipart body). */
export const IMPORT_UPLOAD_PATH = '/cities/:city/import';

/** Room for the multipart framing and the CSRF field around a file of {@link MAX_IMPORT_BYTES}. */
const MULTIPART_OVERHEAD = 64 * 1024;

/**
 * Refuses an import upload larger than the limit: by its Content-Length before a byte is read,
 * or, for a chunked body, as soon as the streamed bytes pass it. Mounted ahead of the CSRF
 * middleware, which reads the whole multipart body to find the token. The upload limit is for
 * someone logged in (the session is known by then): a request without a session gets the limit of
 * any form ({@link MAX_FORM_BODY_BYTES}), or anyone could make the server read 50 MB before
 * the CSRF check refused it (an attack found 45 MB read whole, 140 MB more memory, per request).
 */
export function importUploadLimit(): MiddlewareHandler<StaffEnv> {
  const upload = bodyLimit({
    maxSize: MAX_IMPORT_BYTES + MULTIPART_OVERHEAD,
    onError: (c) => {
      const page = staffPage(c as Context<StaffEnv>);
      const declared = Number(c.req.header('content-length') ?? NaN);
      const error: ImportFileError = { kind: 'too-large', bytes: Number.isFinite(declared) ? declared : MAX_IMPORT_BYTES + MULTIPART_OVERHEAD + 1, limit: MAX_IMPORT_BYTES };
      const text = describeImportFileError(error)[page.ctx.lang];
      return c.html(<StaffMessageView page={page} title={page.ctx.t('import.errorTitle')} lead={`${text}${page.ctx.lang === 'ja' ? '。' : '. '}${page.ctx.t('import.nothingWritten')}`} />, 413);
    },
  });
  const anonymous = bodyLimit({
    maxSize: MAX_FORM_BODY_BYTES,
    onError: (c) => {
      const page = staffPage(c as Context<StaffEnv>);
      return c.html(<StaffMessageView page={page} title={page.ctx.t('import.errorTitle')} lead={page.ctx.t('import.uploadNeedsLogin')} />, 413);
    },
  });
  return (c, next) => (c.get('user') ? upload(c, next) : anonymous(c, next));
}

/**
 * Importing actuals from a file under /staff/cities/:city/import: upload → preview (every
 * problem listed) → commit (one transaction, all or nothing). The file stays on the server
 * between the steps, bound to the session and the city; the commit validates it again against
 * the data as it is then. Who may import: anyone who may enter actuals of some KPI of the city
 * (the secretariat: all; a department editor: its department's KPIs, the others are problems).
 */
export function staffImportRoutes(deps: WebDeps, uploads = new ImportUploads()): Hono<StaffEnv> {
  const { db, store } = deps;
  const app = new Hono<StaffEnv>();
  app.use('/:city/import', requireCityPermission(canReadCity, forbidden));
  app.use('/:city/import/*', requireCityPermission(canReadCity, forbidden));

  /** The city and what this user may import into it, or a refusal. */
  async function importer(c: Context<StaffEnv>): Promise<{ ok: true; city: Awaited<ReturnType<typeof store.getStaff>> & object; permissions: Required<ImportPermissions> } | { ok: false; res: Response | Promise<Response> }> {
    const staff = await store.getStaff(c.req.param('city')!);
    if (!staff) return { ok: false, res: staffNotFound(c) };
    const user = currentUser(c);
    const permissions = await permissionsOf(user, staff.data.city.id);
    if (!staff.data.kpis.some(permissions.mayEditKpi)) return { ok: false, res: forbidden(c) };
    return { ok: true, city: staff, permissions };
  }

  async function permissionsOf(user: StaffUser, cityId: string): Promise<Required<ImportPermissions>> {
    const { ownerOf } = await departmentsOf(db, cityId);
    return { mayEditKpi: (kpi: Kpi) => canEditKpi(user, { cityId, departmentId: ownerOf.get(kpi.id)?.department.id ?? null }) };
  }

  function ownerOf(c: Context<StaffEnv>): UploadOwner {
    return { sessionId: c.get('session')!.id, cityId: c.req.param('city')! };
  }

  app.get('/:city/import', async (c) => {
    const r = await importer(c);
    if (!r.ok) return r.res;
    return c.html(<ImportUploadView page={staffPage(c)} city={r.city.data.city} notice={noticeOf(c)} />);
  });

  app.post('/:city/import', async (c) => {
    const r = await importer(c);
    if (!r.ok) return r.res;
    const page = staffPage(c);
    const city = r.city.data.city;
    // The CSRF check has parsed the body already; Hono keeps the parsed form.
    const body = await c.req.parseBody();
    const file = body['file'];
    if (!(file instanceof File) || (file.name === '' && file.size === 0)) {
      return c.html(<ImportUploadView page={page} city={city} errors={[page.ctx.t('import.fileRequired')]} />, 422);
    }
    const kept = await uploads.keep({ name: file.name, stream: () => file.stream() }, ownerOf(c));
    const result = await previewObservationImport(db, kept.file, r.permissions);
    if (!result.ok) {
      await uploads.discard(kept.id);
      return c.html(<ImportUploadView page={page} city={city} errors={[describeImportFileError(result.error)[page.ctx.lang]]} />, 422);
    }
    return c.html(<ImportPreviewView page={page} city={city} upload={{ id: kept.id, name: kept.file.name }} preview={result.value} />, result.value.problems.length > 0 ? 422 : 200);
  });

  app.get('/:city/import/:id', async (c) => {
    const r = await importer(c);
    if (!r.ok) return r.res;
    const page = staffPage(c);
    const kept = await uploads.find(c.req.param('id'), ownerOf(c));
    if (!kept) return c.html(<ImportUploadView page={page} city={r.city.data.city} errors={[page.ctx.t('import.expired')]} />, 410);
    const result = await previewObservationImport(db, kept.file, r.permissions);
    if (!result.ok) return c.html(<ImportUploadView page={page} city={r.city.data.city} errors={[describeImportFileError(result.error)[page.ctx.lang]]} />, 422);
    return c.html(<ImportPreviewView page={page} city={r.city.data.city} upload={{ id: kept.id, name: kept.file.name }} preview={result.value} />);
  });

  /** The preview of the kept file as JSON: the same object as `michishirube import --dry-run --json`. */
  app.get('/:city/import/:id/preview.json', async (c) => {
    const r = await importer(c);
    if (!r.ok) return r.res;
    const kept = await uploads.find(c.req.param('id'), ownerOf(c));
    if (!kept) return staffNotFound(c);
    const result = await previewObservationImport(db, kept.file, r.permissions);
    if (!result.ok) return c.json({ error: describeImportFileError(result.error) }, 422);
    return c.json(importPreviewJson(result.value));
  });

  /** Every problem of the kept file as CSV (the page shows the first ones). */
  app.get('/:city/import/:id/problems.csv', async (c) => {
    const r = await importer(c);
    if (!r.ok) return r.res;
    const kept = await uploads.find(c.req.param('id'), ownerOf(c));
    if (!kept) return staffNotFound(c);
    const result = await previewObservationImport(db, kept.file, r.permissions);
    const t = staffPage(c).ctx.t;
    const columns = [t('import.col.sheet'), t('import.col.row'), t('import.col.column'), t('import.col.raw'), 'kind', t('import.col.problem'), 'problem (en)'];
    const rows = (result.ok ? result.value.problems : []).map((p) => Object.fromEntries([p.sheet ?? '', p.row, p.column, p.raw, p.kind, p.message.ja, p.message.en].map((v, i) => [columns[i]!, v])));
    return new Response(toCsv({ columns, rows }), {
      headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="import-problems.csv"` },
    });
  });

  app.post('/:city/import/:id/commit', async (c) => {
    const r = await importer(c);
    if (!r.ok) return r.res;
    const page = staffPage(c);
    const city = r.city.data.city;
    const kept = await uploads.find(c.req.param('id'), ownerOf(c));
    if (!kept) return c.html(<ImportUploadView page={page} city={city} errors={[page.ctx.t('import.expired')]} />, 410);
    const user = currentUser(c);
    const result = await commitObservationImport(db, kept.file, { actor: actorName(user), reason: `${page.ctx.t('import.reason')}: ${kept.file.name}` }, r.permissions);
    if (!result.ok) {
      if (result.error.kind === 'file') {
        await uploads.discard(kept.id);
        return c.html(<ImportUploadView page={page} city={city} errors={[describeImportFileError(result.error.file)[page.ctx.lang]]} />, 422);
      }
      // The data changed since the preview (or the permissions did): show what is wrong now.
      return c.html(<ImportPreviewView page={page} city={city} upload={{ id: kept.id, name: kept.file.name }} preview={result.error.preview} status={page.ctx.t('import.hasProblems')} />, 409);
    }
    const { written } = result.value;
    await uploads.discard(kept.id);
    if (written > 0) store.invalidate(city.id);
    return redirectWithNotice(c, importBase(city.id), written > 0 ? 'staff.import.committed' : 'staff.import.nothing', { written: written.toLocaleString(), file: kept.file.name });
  });

  return app;
}
