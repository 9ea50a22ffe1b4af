import type { Child } from 'hono/jsx';
import { localized, viewContext, type ViewContext } from './view-context.ts';
import { markup, type Markup, type MarkupPart } from './markup.ts';
import type { Lang } from '../../i18n/lang.ts';

/**
 * A page's `<head>` (charset, viewport, title, one stylesheet) as markup. Written as JSX, a
 * `<head>` (or `<svg>`) element switches hono/jsx into looking up a namespace context for every
 * element of every page rendered afterwards (a few per cent of a page's CPU, issue 11.4).
 */
export function documentHead(title: string, after: MarkupPart = APP_STYLESHEET, before: MarkupPart = null): Markup {
  return markup`<head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/>${before}<title>${title}</title>${after}</head>`;
}

/** The app's stylesheet link, the usual end of a {@link documentHead}. */
export const APP_STYLESHEET: Markup = markup`<link rel="stylesheet" href="/static/app.css"/>`;

/** A breadcrumb: where it links and what it says. */
export interface Breadcrumb {
  readonly href: string;
  readonly label: string;
}

/** The breadcrumbs of a page of one city: home, then the city (in the page's language). */
export function cityBreadcrumbs(ctx: ViewContext, city: { readonly id: string; readonly name: string; readonly nameEn?: string | undefined }): Breadcrumb[] {
  return [
    { href: ctx.href('/'), label: ctx.t('nav.home') },
    { href: ctx.href(`/cities/${city.id}`), label: localized(ctx, city.name, city.nameEn) },
  ];
}

/** The page frame: skip link, header with the language switch, main, footer. */
export function Layout(props: { ctx: ViewContext; title: string; children: Child; breadcrumbs?: { href: string; label: string }[] }) {
  const { ctx } = props;
  return (
    <>
      {layoutOpening(ctx, props.title, props.breadcrumbs)}
      {props.children}
      {layoutClosing(ctx)}
    </>
  );
}

/**
 * A page of {@link Layout} as pieces to send: the frame rendered for this request (its header's
 * language switch links to this very URL) around a main content kept as UTF-8 bytes
 * (fragment-cache.ts) or given as HTML text. The same HTML as `<Layout>` with that content as its children.
 */
export function layoutPage(ctx: ViewContext, title: string, breadcrumbs: readonly { href: string; label: string }[] | undefined, main: Uint8Array | string): PageParts {
  return [layoutOpening(ctx, title, breadcrumbs).toString(), main, closingBytes[ctx.lang]];
}

/** A page as the text and bytes to send in order (html-page.ts encodes the text and joins them). */
export type PageParts = readonly (string | Uint8Array)[];

/** The frame up to the main content's start tag. */
function layoutOpening(ctx: ViewContext, title: string, breadcrumbs: readonly { href: string; label: string }[] | undefined): Markup {
  return markup`<html lang="${ctx.lang}">${documentHead(`${title} | ${ctx.t('app.name')}`)}<body>${siteHeader(ctx)}${Breadcrumbs({ trail: breadcrumbs, current: title })}<main id="main" class="wrap">`;
}

/** The frame after the main content (the same for every page of a language). */
function layoutClosing(ctx: ViewContext): Markup {
  return markup`</main>${siteFooter(ctx)}</body></html>`;
}
const closingBytes: Readonly<Record<Lang, Uint8Array>> = {
  ja: new TextEncoder().encode(layoutClosing(viewContext('ja', '/')).toString()),
  en: new TextEncoder().encode(layoutClosing(viewContext('en', '/')).toString()),
};

/** The skip link and the site header (brand, language switch, main sections), as markup: every page has it. */
function siteHeader(ctx: ViewContext): Markup {
  const other = ctx.lang === 'ja' ? 'en' : 'ja';
  const nav = MAIN_NAV.map(([path, key]) => {
    const current = ctx.path === path ? 'page' : isCurrentSection(ctx.path, path) ? 'true' : null;
    return current === null ? markup`<li><a href="${ctx.href(path)}">${ctx.t(key)}</a></li>` : markup`<li><a href="${ctx.href(path)}" aria-current="${current}">${ctx.t(key)}</a></li>`;
  });
  return markup`<a class="skip" href="#main">${ctx.t('nav.skip')}</a><header class="site-header"><div class="wrap header-row"><a class="brand" href="${ctx.href('/')}"><span class="brand-name">${ctx.t('app.name')}</span><span class="brand-tagline">${ctx.t('app.tagline')}</span></a><nav aria-label="${ctx.t('nav.language')}"><a href="${ctx.otherLangHref()}" lang="${other}" hreflang="${other}">${ctx.t('nav.switchTo')}</a></nav></div><nav class="wrap main-nav" aria-label="${ctx.t('pub.nav.main')}"><ul>${nav}</ul></nav></header>`;
}

/** The site footer (source, open data, the API), as markup. */
function siteFooter(ctx: ViewContext): Markup {
  return markup`<footer class="site-footer"><div class="wrap"><p>${ctx.t('footer.source')}</p><p><a href="${ctx.href('/data')}">${ctx.t('footer.data')}</a> ・ <a href="/api/v1/openapi.json">JSON API (OpenAPI)</a></p></div></footer>`;
}

/** The site's main sections, each a page reachable from every page. */
const MAIN_NAV = [
  ['/', 'pub.nav.cities'],
  ['/sdgs', 'pub.nav.sdgs'],
  ['/compare', 'pub.nav.compare'],
  ['/search', 'pub.nav.search'],
  ['/data', 'pub.nav.data'],
  ['/partners', 'partners.nav'],
] as const;

function isCurrentSection(current: string, section: string): boolean {
  return section === '/' ? current === '/' || current.startsWith('/cities') : current === section || current.startsWith(`${section}/`);
}

/** The trail of links above a page's title, ending with the page itself; nothing on a top page. */
export function Breadcrumbs(props: { trail: readonly { href: string; label: string }[] | undefined; current: string }) {
  if (!props.trail || props.trail.length === 0) return null;
  return markup`<nav class="wrap breadcrumbs" aria-label="breadcrumb"><ol>${props.trail.map((b) => markup`<li><a href="${b.href}">${b.label}</a></li>`)}<li aria-current="page">${props.current}</li></ol></nav>`;
}
