import type { Context } from 'hono';
import { parseLang } from '../i18n/lang.ts';
import { viewContext, type ViewContext } from './views/view-context.ts';

/** The view context of a request: its language (?lang=en) and path. */
export function viewContextOf(c: Context): ViewContext {
  // The request URL is already parsed and normalised: its path (still percent-encoded) and query
  // are read off it rather than parsed again.
  const url = c.req.url;
  const pathStart = url.indexOf('/', url.indexOf('//') + 2);
  const queryStart = url.indexOf('?', pathStart);
  const path = queryStart === -1 ? url.slice(pathStart) : url.slice(pathStart, queryStart);
  const search = queryStart === -1 ? '' : url.slice(queryStart);
  return viewContext(parseLang(search === '' ? undefined : c.req.query('lang')), path, search);
}
