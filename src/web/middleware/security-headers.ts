import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
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
  const publicHeaders = common('strict-origin-when-cross-origin');
  const staffHeaders = common('same-origin');
  const embedHeaders = common('strict-origin-when-cross-origin', true);
  return (c, next) => {
    if (c.req.path === '/staff' || c.req.path.startsWith('/staff/')) return staffHeaders(c, next);
    return EMBEDDABLE_PAGE.test(c.req.path) ? embedHeaders(c, next) : publicHeaders(c, next);
  };
}
