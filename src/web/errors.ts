import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { fillMessage } from '../i18n/fill.ts';
import { parseLang, type Lang } from '../i18n/lang.ts';
import { t, type MessageKey } from '../i18n/messages.ts';
import { ProblemView } from './views/problem.view.tsx';
import { viewContext } from './views/view-context.ts';

/**
 * The one place where the web app turns a failure into an answer (after Outline's
 * `server/errors.ts`): factories of {@link AppError} with an HTTP status and a stable problem id,
 * and {@link onAppError}, the app's single error handler. An answer is
 * `application/problem+json` (RFC 9457) for the API and for clients that ask for JSON, and a
 * problem page otherwise; an unexpected error is logged with an incident id and answered 500
 * with that id, never with its message or stack.
 *
 * To add a kind of error: a problem id below, its title `problem.<id>` and detail texts in
 * `src/i18n/catalogs/errors.ts`, and a factory in {@link errors}.
 */

/** Stable problem ids: the `type` of a problem is `urn:michishirube:problem:<id>`. */
export type ProblemId = 'invalid-input' | 'body-too-large' | 'busy' | 'not-found' | 'internal-error';

/** Where in a request an input problem lies. */
export type InputLocation = { readonly kind: 'query'; readonly name: string } | { readonly kind: 'path' } | { readonly kind: 'field'; readonly name: string };

/** What is wrong with an input. */
export type InputProblem =
  | { readonly kind: 'control-character'; readonly char: string }
  | { readonly kind: 'bad-encoding' }
  | { readonly kind: 'too-long'; readonly limit: number }
  | { readonly kind: 'too-many-fields'; readonly limit: number }
  | { readonly kind: 'unreadable-form' }
  | { readonly kind: 'not-a-choice' }
  /** A page number that is not a whole number from 1 (`?page=0`, `?page=abc`). */
  | { readonly kind: 'not-a-page-number' }
  /** A parameter given more than once where the page reads one value. */
  | { readonly kind: 'repeated' }
  /** A parameter other pages read but this one does not (it would only make another copy of the page). */
  | { readonly kind: 'not-taken' };

/** A failure with its HTTP answer: status, stable id, a detail text per language, extra headers. */
export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly id: ProblemId,
    readonly detail: (lang: Lang) => string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(`${id}: ${detail('en')}`);
    this.name = 'AppError';
  }
}

const text = (key: MessageKey, vars: Readonly<Record<string, string | number>> = {}) => (lang: Lang) => fillMessage(t(lang, key), vars);

function whereText(lang: Lang, where: InputLocation): string {
  // A name from the request is shown as text (escaped by the view); cut so a long one cannot flood the page.
  if (where.kind === 'path') return t(lang, 'problem.where.path');
  return fillMessage(t(lang, where.kind === 'query' ? 'problem.where.query' : 'problem.where.field'), { name: printable(where.name) });
}

/** A name taken from a request, safe to show: controls replaced, at most 60 characters. */
function printable(s: string): string {
  const clean = s.replace(/[\u0000-\u001F\u007F]/g, '\uFFFD');
  return clean.length > 60 ? `${clean.slice(0, 60)}…` : clean;
}

/** Bytes as people read them (64 KB, 50 MB). */
export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MB` : `${Math.round(bytes / 1024)} KB`;
}

/** The error factories: every answer other than success the app gives through the error handler. */
export const errors = {
  /** 400: an input of the request is not acceptable (names where, and what is wrong). */
  invalidInput(where: InputLocation, problem: InputProblem): AppError {
    return new AppError(400, 'invalid-input', (lang) => {
      const w = whereText(lang, where);
      switch (problem.kind) {
        case 'control-character':
          return text('problem.detail.control-character', { where: w, char: problem.char })(lang);
        case 'bad-encoding':
          return text('problem.detail.bad-encoding', { where: w })(lang);
        case 'too-long':
          return text('problem.detail.too-long', { where: w, limit: problem.limit.toLocaleString('en') })(lang);
        case 'too-many-fields':
          return text('problem.detail.too-many-fields', { limit: problem.limit })(lang);
        case 'unreadable-form':
          return text('problem.detail.unreadable-form')(lang);
        case 'not-a-choice':
          return text('problem.detail.not-a-choice', { where: w })(lang);
        case 'not-a-page-number':
          return text('problem.detail.not-a-page-number', { where: w })(lang);
        case 'repeated':
          return text('problem.detail.repeated', { where: w })(lang);
        case 'not-taken':
          return text('problem.detail.not-taken', { where: w })(lang);
      }
    });
  },
  /** 413: the request body is larger than the route accepts. */
  bodyTooLarge(limitBytes: number): AppError {
    return new AppError(413, 'body-too-large', text('problem.detail.body-too-large', { limit: formatBytes(limitBytes) }));
  },
  /** 503 with Retry-After: a bounded resource (the PDF printer) is at its limit. */
  busy(retryAfterSeconds: number): AppError {
    return new AppError(503, 'busy', text('problem.detail.busy', { seconds: retryAfterSeconds }), { 'retry-after': String(retryAfterSeconds) });
  },
  /** 404. */
  notFound(): AppError {
    return new AppError(404, 'not-found', text('problem.detail.not-found'));
  },
} as const;

/** Whether the client should get JSON: the API, `?format=json|csv`, or an Accept asking for JSON and not HTML. */
function wantsJson(c: Context): boolean {
  if (c.req.path.startsWith('/api/')) return true;
  const format = new URL(c.req.url).searchParams.get('format');
  if (format === 'json' || format === 'csv') return true;
  const accept = c.req.header('accept') ?? '';
  return /application\/(problem\+)?json/.test(accept) && !accept.includes('text/html');
}

/** A problem body (RFC 9457) with a stable type id, as the API answers. */
export function problemJson(status: number, id: string, title: string, detail: string, extra: Readonly<Record<string, string>> = {}, headers: Readonly<Record<string, string>> = {}): Response {
  return new Response(JSON.stringify({ type: `urn:michishirube:problem:${id}`, title, status, detail, ...extra }), {
    status,
    headers: { 'content-type': 'application/problem+json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
}

/** The answer to an {@link AppError}: problem JSON or a problem page in the request's language. */
export function problemResponse(c: Context, err: AppError, incident?: string): Response {
  const lang = parseLang(new URL(c.req.url).searchParams.get('lang') ?? undefined);
  const title = t(lang, `problem.${err.id}` as MessageKey);
  const detail = err.detail(lang);
  const extra: Record<string, string> = incident ? { instance: `urn:michishirube:incident:${incident}` } : {};
  if (wantsJson(c)) return problemJson(err.status, err.id, title, detail, extra, err.headers);
  // The page keeps only the path: the query that caused the problem is not echoed back into links.
  const ctx = viewContext(lang, c.req.path);
  const html = `<!doctype html>${String(ProblemView({ ctx, title, detail }))}`;
  return new Response(html, { status: err.status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...err.headers } });
}

/** Logs an unexpected error as one JSON line on stderr, with the incident id the answer shows. */
function logIncident(c: Context, incident: string, err: unknown): void {
  const e = err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : { message: String(err) };
  console.error(JSON.stringify({ level: 'error', time: new Date().toISOString(), incident, method: c.req.method, path: c.req.path, error: e }));
}

/**
 * The app's error handler (`app.onError`): an {@link AppError} gets its own answer; Hono's
 * HTTPException (a body limit, a malformed request) its status; anything else is a bug: logged
 * with an incident id, answered 500 with the id and nothing of the error itself.
 */
export function onAppError(err: Error, c: Context): Response {
  if (err instanceof AppError) return problemResponse(c, err);
  if (err instanceof HTTPException && err.status < 500) {
    const status = err.status as ContentfulStatusCode;
    const id: ProblemId = status === 413 ? 'body-too-large' : status === 404 ? 'not-found' : 'invalid-input';
    return problemResponse(c, new AppError(status, id, id === 'invalid-input' ? text('problem.detail.unreadable-form') : text(`problem.detail.${id}` as MessageKey, { limit: '' })));
  }
  const incident = randomUUID();
  logIncident(c, incident, err);
  return problemResponse(c, new AppError(500, 'internal-error', text('problem.detail.internal-error', { incident })), incident);
}
