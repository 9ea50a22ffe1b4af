import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { apiRoutes } from './routes/api.routes.ts';
import { notFound, publicRoutes } from './routes/public.routes.tsx';
import { staffRoutes } from './routes/staff.routes.tsx';
import { compareRoutes } from './routes/compare.routes.tsx';
import { downloadRoutes } from './routes/download.routes.tsx';
import { kpiRoutes } from './routes/kpi.routes.tsx';
import { publicApiRoutes } from './routes/public-api.routes.ts';
import { sdgRoutes } from './routes/sdg.routes.tsx';
import { searchRoutes } from './routes/search.routes.tsx';
import { sheetRoutes } from './routes/sheet.routes.tsx';
import { importTemplateRoutes } from './routes/import-template.routes.tsx';
import { PageCacheEntries, serveWithPageCache } from './page-cache.ts';
import { partnerPublicRoutes } from './routes/partner-public.routes.tsx';
import { clockOf, type WebDeps } from './web-deps.ts';
import { errors, onAppError, problemResponse } from './errors.ts';
import { securityHeaders } from './middleware/security-headers.ts';
import { DEFAULT_WEB_CONFIG } from '../config.ts';
import { MAX_FORM_BYTES } from './routes/partner-guard.ts';
import { inputGuard, requestBodyLimit, type BodyLimitRule } from './middleware/input-guard.ts';

/**
 * Routes whose body limit is not the form default: the import upload mounts its own limit (with a
 * message about the file size) ahead of anything that reads its body.
 */
const BODY_LIMIT_RULES: readonly BodyLimitRule[] = [
  { path: /^\/staff\/cities\/[^/]+\/import$/, maxBytes: 'route' },
  // The KPI-table upload (issue 13.5) mounts the import's upload limit too.
  { path: /^\/staff\/cities\/[^/]+\/kpi-table$/, maxBytes: 'route' },
  // The partner forms, public and in the partner area, are small: a tighter bound for anonymous posts.
  { path: /^\/cities\/[^/]+\/partners\//, maxBytes: MAX_FORM_BYTES },
  { path: /^\/staff\/partner\//, maxBytes: MAX_FORM_BYTES },
];

const css = readFileSync(new URL('./static/app.css', import.meta.url), 'utf8');

/**
 * The web application. Each area mounts its routes here (one line each): public pages, the
 * JSON API, and the areas added later (staff, sheets, partners).
 */
export function createApp(deps: WebDeps): Hono {
  const app = new Hono();
  app.onError(onAppError);
  app.use('*', securityHeaders(deps.web ?? DEFAULT_WEB_CONFIG));
  app.use('*', requestBodyLimit(BODY_LIMIT_RULES));
  app.use('*', inputGuard(BODY_LIMIT_RULES));
  // A write's response waits until the revisions of the cities it wrote are bumped: from then on
  // every app process answers those cities' pages from their data, not their older summaries.
  app.use('*', async (c, next) => {
    await next();
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') await deps.store.revisionsBumped();
  });
  app.get('/static/app.css', (c) => c.body(css, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }));
  app.route('/api/v1', apiRoutes(deps));
  app.route('/api/v1', publicApiRoutes(deps));
  app.route('/staff', staffRoutes(deps));
  app.route('/', publicRoutes(deps));
  app.route('/', kpiRoutes(deps));
  app.route('/', sdgRoutes(deps));
  app.route('/', compareRoutes(deps));
  app.route('/', searchRoutes(deps));
  app.route('/', downloadRoutes(deps));
  app.route('/', sheetRoutes(deps));
  app.route('/', importTemplateRoutes(deps));
  app.route('/', partnerPublicRoutes(deps));
  // The API answers an unknown path with a problem body; pages with the 404 page.
  app.notFound((c) => (c.req.path.startsWith('/api/') ? problemResponse(c, errors.notFound()) : notFound(c)));
  // The page cache sits in front of all of the above: a hit is answered before any middleware
  // runs (the kept bytes, headers included); a miss is kept as the middleware left it.
  serveWithPageCache(app, deps.store, deps.pageCache ?? new PageCacheEntries(), () => clockOf(deps).todayInTokyo());
  return app;
}
