import type { Child } from 'hono/jsx';
import type { ViewContext } from './view-context.ts';

/** The page frame: skip link, header with the language switch, main, footer. */
export function Layout(props: { ctx: ViewContext; title: string; children: Child; breadcrumbs?: { href: string; label: string }[] }) {
  const { ctx } = props;
  return (
    <html lang={ctx.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} | ${ctx.t('app.name')}`}</title>
        <link rel="stylesheet" href="/static/app.css" />
      </head>
      <body>
        <a class="skip" href="#main">
          {ctx.t('nav.skip')}
        </a>
        <header class="site-header">
          <div class="wrap header-row">
            <a class="brand" href={ctx.href('/')}>
              <span class="brand-name">{ctx.t('app.name')}</span>
              <span class="brand-tagline">{ctx.t('app.tagline')}</span>
            </a>
            <nav aria-label={ctx.t('nav.language')}>
              <a href={ctx.otherLangHref()} lang={ctx.lang === 'ja' ? 'en' : 'ja'} hreflang={ctx.lang === 'ja' ? 'en' : 'ja'}>
                {ctx.t('nav.switchTo')}
              </a>
            </nav>
          </div>
        </header>
        {props.breadcrumbs && props.breadcrumbs.length > 0 ? (
          <nav class="wrap breadcrumbs" aria-label="breadcrumb">
            <ol>
              {props.breadcrumbs.map((b) => (
                <li>
                  <a href={b.href}>{b.label}</a>
                </li>
              ))}
              <li aria-current="page">{props.title}</li>
            </ol>
          </nav>
        ) : null}
        <main id="main" class="wrap">
          {props.children}
        </main>
        <footer class="site-footer">
          <div class="wrap">
            <p>{ctx.t('footer.source')}</p>
            <p>
              <a href="/api/v1/cities">{ctx.t('footer.data')} (JSON API)</a>
            </p>
          </div>
        </footer>
      </body>
    </html>
  );
}
