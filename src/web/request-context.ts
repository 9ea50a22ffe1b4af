import type { Context } from 'hono';
import { parseLang } from '../i18n/lang.ts';
import { viewContext, type ViewContext } from './views/view-context.ts';

/** The view context of a request: its language (?lang=en) and path. */
export function viewContextOf(c: Context): ViewContext {
  const url = new URL(c.req.url);
  return viewContext(parseLang(url.searchParams.get('lang') ?? undefined), url.pathname, url.search);
}
