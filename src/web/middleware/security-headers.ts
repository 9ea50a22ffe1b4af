import { createHash } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { WebConfig } from '../../config.ts';
import { SHEET_CSS } from '../views/sheet/sheet.css.ts';

/**
 * The security headers of every answer (Hono's secureHeaders): a Content-Security-Policy that
 * allows no script at all (the site works without JavaScript) and styles only from the app's own
 * stylesheets, the sheet print view's one inline stylesheet (by its hash) and `style` attributes
 * (goal colours, bar widths: data, not code); no framing by any site, except the one page made to
 * be embedded, a KPI chart's embed page ({@link EMBEDDABLE_PAGE}, issue 15.4), which any site may
 * frame (`frame-ancestors *`, no X-Frame-Options); nosniff; a referrer policy;
 * HSTS when {@link WebConfig.hstsMaxAgeSeconds} is set (served over TLS).
 */

/** The CSP hash of the sheet print view's inline stylesheet (the PDF needs it inline). */
const SHEET_STYLE_HASH = `'sha256-${createHash('sha256').update(SHEET_CSS).digest('base64')}'`;

/** The only pages other sites may frame: `/cities/:city/kpis/:kpi/embed` (one path segment each). */
export const EMBEDDABLE_PAGE = /^\/cities\/[^/]+\/kpis\/[^/]+\/embed$/;

/** Security headers for the app; the staff area sends no referrer off the site at all. */
export function securityHeaders(web: WebConfig): MiddlewareHandler {
  const common = (referrer: string, framable = false) =>
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'none'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", SHEET_STYLE_HASH],
        styleSrcAttr: ["'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: framable ? ['*'] : ["'none'"],
      },
      xFrameOptions: framable ? false : 'DENY',
      xContentTypeOptions: true,
      referrerPolicy: referrer,
      strictTransportSecurity: web.hstsMaxAgeSeconds > 0 ? `max-age=${web.hstsMaxAgeSeconds}; includeSubDomains` : false,
      // Open data is meant to be fetched by other sites' scripts (and by browsers from links).
      crossOriginResourcePolicy: 'cross-origin',
      crossOriginOpenerPolicy: 'same-origin',
      crossOriginEmbedderPolicy: false,
      originAgentCluster: true,
      xDnsPrefetchControl: true,
      xDownloadOptions: true,
      xPermittedCrossDomainPolicies: true,
      xXssProtection: true,
      permissionsPolicy: { camera: [], microphone: [], geolocation: [], payment: [] },
    });
  const kinds = {
    public: common('strict-origin-when-cross-origin'),
    staff: common('same-origin'),
    embed: common('strict-origin-when-cross-origin', true),
  };
  // Each kind's headers as one plain record, read once from Hono's own middleware (so they are
  // exactly what it sets): a page built as bytes carries them from the start (see html-page.ts),
  // and the middleware then has nothing left to do on that answer (issue 11.4).
  let records: Record<keyof typeof kinds, SecurityHeaderSet> | undefined;
  const loading = Promise.all((Object.keys(kinds) as (keyof typeof kinds)[]).map(async (k) => [k, await headerSetOf(kinds[k])] as const)).then((all) => {
    records = Object.fromEntries(all) as Record<keyof typeof kinds, SecurityHeaderSet>;
    return records;
  });
  return async (c, next) => {
    const path = c.req.path;
    const kind = path === '/staff' || path.startsWith('/staff/') ? 'staff' : EMBEDDABLE_PAGE.test(path) ? 'embed' : 'public';
    const set = (records ?? (await loading))[kind];
    headerSets.set(c.req.raw, set);
    await next();
    if (securedAnswers.has(c.res)) return;
    const headers = c.res.headers;
    for (const name in set) headers.set(name, set[name]!);
  };
}

/** The security headers of one kind of answer, lower-case name → value. */
export type SecurityHeaderSet = Readonly<Record<string, string>>;

/** The header set the middleware chose for each request in flight. */
const headerSets = new WeakMap<Request, SecurityHeaderSet>();
/** Answers built with their security headers already (nothing to add). */
const securedAnswers = new WeakSet<Response>();

/**
 * The security headers the middleware will give the answer to `req` (null outside the app, e.g.
 * a view rendered in a test without the middleware), for an answer that carries them from the
 * start; mark that answer with {@link markSecured}.
 */
export function securityHeadersFor(req: Request): SecurityHeaderSet | null {
  return headerSets.get(req) ?? null;
}

/** Records that an answer already carries every header of {@link securityHeadersFor}. */
export function markSecured(res: Response): Response {
  securedAnswers.add(res);
  return res;
}

/** The headers a Hono middleware sets on an empty answer, as a plain record. */
async function headerSetOf(middleware: MiddlewareHandler): Promise<SecurityHeaderSet> {
  const probe = new Hono();
  probe.use(middleware);
  probe.get('*', (c) => c.body(null, 204));
  const res = await probe.request('/');
  return Object.fromEntries(res.headers);
}
