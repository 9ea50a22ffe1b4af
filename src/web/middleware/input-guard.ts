import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { controlCharacterIn, TEXT_LIMITS } from '../../core/text.ts';
import { AppError, errors } from '../errors.ts';

/**
 * What every request passes before any route sees it: a size limit on its body, and the rules
 * every text obeys ({@link controlCharacterIn}, {@link TEXT_LIMITS}) checked on its path, its
 * query parameters and its form fields. A request that breaks one gets a 400 (413 for the size)
 * naming the parameter or field, so no route has to remember that PostgreSQL refuses a NUL byte
 * or that `%E3%81` is not UTF-8. Routes still validate their own fields (zod) with their own,
 * smaller limits; these are the bounds nothing may pass.
 */

/** Largest body of a form post (log-in, staff forms, the partner forms), before a byte is parsed. */
export const MAX_FORM_BODY_BYTES = 256 * 1024;

/**
 * A route with another limit than {@link MAX_FORM_BODY_BYTES}: a number of bytes, or 'route' for
 * an upload whose route mounts its own limit ahead of anything that reads the body (so its answer
 * can say what the file limit is).
 */
export interface BodyLimitRule {
  /** Matched against the request path. */
  readonly path: RegExp;
  readonly maxBytes: number | 'route';
}

/** Most query parameters or form fields one request may carry. */
export const MAX_FIELDS = 500;
/** Longest name of a query parameter or form field. */
const MAX_NAME = 100;
/** Longest path segment (ids are short; a long one is junk, not a page). */
const MAX_SEGMENT = 500;
/** Longest file name of an upload. */
const MAX_FILE_NAME = 255;

/** A URL with a query this long cannot break a length or count limit of the guard (all are larger). */
const SHORT_URL = Math.min(MAX_SEGMENT, MAX_NAME + 1, TEXT_LIMITS.query, MAX_FIELDS);

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The body size limit of every request with a body: by its Content-Length before a byte is read,
 * or, for a chunked body, as soon as the bytes read pass it. `rules` name the routes with a larger
 * limit (uploads); every other route gets {@link MAX_FORM_BODY_BYTES}.
 */
export function requestBodyLimit(rules: readonly BodyLimitRule[] = []): MiddlewareHandler {
  const limits = new Map<number, MiddlewareHandler>();
  const limiter = (maxBytes: number) => {
    let m = limits.get(maxBytes);
    if (!m) {
      m = bodyLimit({
        maxSize: maxBytes,
        onError: () => {
          throw errors.bodyTooLarge(maxBytes);
        },
      });
      limits.set(maxBytes, m);
    }
    return m;
  };
  return async (c, next) => {
    if (!BODY_METHODS.has(c.req.method)) return next();
    const rule = rules.find((r) => r.path.test(c.req.path));
    if (rule?.maxBytes === 'route') return next();
    return limiter(rule?.maxBytes ?? MAX_FORM_BODY_BYTES)(c, next);
  };
}

/** Decodes one `application/x-www-form-urlencoded` component; null when it is not UTF-8. */
function decodeComponent(s: string): string | null {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/** Checks the path segments: UTF-8, no control character, not absurdly long. */
function checkPath(rawPath: string): void {
  for (const segment of rawPath.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      throw errors.invalidInput({ kind: 'path' }, { kind: 'bad-encoding' });
    }
    const char = controlCharacterIn(decoded, true);
    if (char) throw errors.invalidInput({ kind: 'path' }, { kind: 'control-character', char });
    if (decoded.length > MAX_SEGMENT) throw errors.invalidInput({ kind: 'path' }, { kind: 'too-long', limit: MAX_SEGMENT });
  }
}

/** Checks every query parameter (name and value) of a raw query string (without the `?`). */
function checkQuery(search: string): void {
  if (search === '') return;
  const pairs = search.split('&');
  if (pairs.length > MAX_FIELDS) throw errors.invalidInput({ kind: 'query', name: '' }, { kind: 'too-many-fields', limit: MAX_FIELDS });
  for (const pair of pairs) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawName = eq === -1 ? pair : pair.slice(0, eq);
    const name = decodeComponent(rawName);
    if (name === null) throw errors.invalidInput({ kind: 'query', name: rawName }, { kind: 'bad-encoding' });
    const value = eq === -1 ? '' : decodeComponent(pair.slice(eq + 1));
    if (value === null) throw errors.invalidInput({ kind: 'query', name }, { kind: 'bad-encoding' });
    checkText({ kind: 'query', name }, name, value, TEXT_LIMITS.query);
  }
}

function checkText(where: { kind: 'query' | 'field'; name: string }, name: string, value: string, limit: number, singleLine = false): void {
  const nameChar = controlCharacterIn(name, true);
  if (nameChar) throw errors.invalidInput(where, { kind: 'control-character', char: nameChar });
  if (name.length > MAX_NAME) throw errors.invalidInput(where, { kind: 'too-long', limit: MAX_NAME });
  const char = controlCharacterIn(value, singleLine);
  if (char) throw errors.invalidInput(where, { kind: 'control-character', char });
  if (value.length > limit) throw errors.invalidInput(where, { kind: 'too-long', limit });
}

/** Whether a request carries a form body (urlencoded or multipart). */
function isForm(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data';
}

/**
 * Checks the fields of a form body (names, values, uploaded file names) and refuses the request
 * with a 400 naming the first bad field. Parses the body (Hono keeps the parse for the route).
 */
export async function checkFormBody(c: Context): Promise<void> {
  if (!BODY_METHODS.has(c.req.method) || !isForm(c.req.header('content-type'))) return;
  let body: Record<string, string | File | (string | File)[]>;
  try {
    body = await c.req.parseBody({ all: true });
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw errors.invalidInput({ kind: 'field', name: '' }, { kind: 'unreadable-form' });
  }
  let count = 0;
  for (const [name, raw] of Object.entries(body)) {
    for (const v of Array.isArray(raw) ? raw : [raw]) {
      if (++count > MAX_FIELDS) throw errors.invalidInput({ kind: 'field', name: '' }, { kind: 'too-many-fields', limit: MAX_FIELDS });
      if (typeof v === 'string') checkText({ kind: 'field', name }, name, v, TEXT_LIMITS.field);
      else checkText({ kind: 'field', name }, name, v.name, MAX_FILE_NAME, true);
    }
  }
}

/**
 * Refuses a request whose path, query parameters or form fields break the text rules. Mount after
 * {@link requestBodyLimit} with the same rules: the form of a route that limits its own body
 * ('route') is left to that route, which calls {@link checkFormBody} once its limit has passed.
 */
export function inputGuard(rules: readonly BodyLimitRule[] = []): MiddlewareHandler {
  return async (c, next) => {
    const url = c.req.url;
    if (!surelyWithinRules(url)) checkRequestTarget(url);
    // Only a request with a body has form fields to check (GET, the public pages, has none).
    if (BODY_METHODS.has(c.req.method) && rules.find((r) => r.path.test(c.req.path))?.maxBytes !== 'route') await checkFormBody(c);
    return next();
  };
}

/**
 * Whether a request URL passes the guard's checks without decoding it: a short URL without a
 * percent sign has no control character (the HTTP parser and the URL parser let none through
 * unencoded), no segment or value over its limit and few fields. Most requests are such.
 */
function surelyWithinRules(url: string): boolean {
  return !url.includes('%') && url.length <= (url.includes('?') ? SHORT_URL : MAX_SEGMENT);
}

/** Checks a request URL's path and query as {@link inputGuard} does; throws the 400 it would answer. */
function checkRequestTarget(url: string): void {
  const pathStart = url.indexOf('/', url.indexOf('//') + 2);
  const hashStart = url.indexOf('#', pathStart);
  const end = hashStart === -1 ? url.length : hashStart;
  const queryStart = url.indexOf('?', pathStart);
  const hasQuery = queryStart !== -1 && queryStart < end;
  checkPath(url.slice(pathStart, hasQuery ? queryStart : end));
  if (hasQuery) checkQuery(url.slice(queryStart + 1, end));
}

/**
 * Whether {@link inputGuard} would refuse this request URL (path or query): for a path that
 * answers before the guard runs (the page cache's hits), which then leaves the request to the app.
 */
export function requestTargetProblem(url: string): boolean {
  if (surelyWithinRules(url)) return false;
  try {
    checkRequestTarget(url);
    return false;
  } catch (e) {
    if (e instanceof AppError) return true;
    throw e;
  }
}

/**
 * A form field's text, refused with a 400 naming the field when longer than `max` (never cut
 * silently: what is stored is what was typed).
 */
export function boundedField(name: string, value: string, max: number): string {
  if (value.length > max) throw errors.invalidInput({ kind: 'field', name }, { kind: 'too-long', limit: max });
  return value;
}

/** {@link checkFormBody} as middleware, for a route that limits its own body ('route'): mount it after that limit. */
export function formGuard(): MiddlewareHandler {
  return async (c, next) => {
    await checkFormBody(c);
    return next();
  };
}
