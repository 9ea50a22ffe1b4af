import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { apiRoutes } from './routes/api.routes.ts';
import { notFound, publicRoutes } from './routes/public.routes.tsx';
import { pageCache } from './page-cache.ts';
import type { WebDeps } from './web-deps.ts';

const css = readFileSync(new URL('./static/app.css', import.meta.url), 'utf8');

/**
 * The web application. Each area mounts its routes here (one line each): public pages, the
 * JSON API, and the areas added later (staff, sheets, partners).
 */
export function createApp(deps: WebDeps): Hono {
  const app = new Hono();
  app.get('/static/app.css', (c) => c.body(css, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }));
  app.use('*', pageCache(deps.store));
  app.route('/api/v1', apiRoutes(deps));
  app.route('/', publicRoutes(deps));
  app.notFound(notFound);
  return app;
}
