import type { Child } from 'hono/jsx';
import { CSRF_FIELD } from '../../../auth/session.ts';
import type { StaffUser } from '../../../auth/user.ts';
import { canCreateCities, canManageAnyUsers } from '../../../policies/staff.policy.ts';
import type { ViewContext } from '../view-context.ts';
import { Breadcrumbs, documentHead } from '../layout.tsx';
import { markup } from '../markup.ts';

/** The staff area's stylesheets and its request that search engines leave it out, for its `<head>`. */
const STAFF_STYLESHEETS = markup`<link rel="stylesheet" href="/static/app.css"/><link rel="stylesheet" href="/staff/static/staff.css"/>`;
const NO_INDEX = markup`<meta name="robots" content="noindex"/>`;

/** What every staff page knows about its request: the user (if logged in) and the CSRF token for forms. */
export interface StaffPage {
  readonly ctx: ViewContext;
  readonly user: StaffUser | null;
  readonly csrfToken: string;
  /** Today in Asia/Tokyo (ISO date), from the app's clock: form defaults and deadlines use it. */
  readonly today: string;
}

export { fillMessage as fill } from '../../../i18n/fill.ts';

/** The label separator of the page's language: 「：」 in Japanese, ": " in English. */
export function sep(ctx: Pick<StaffPage['ctx'], 'lang'>): string {
  return ctx.lang === 'ja' ? '：' : ': ';
}

/** The hidden CSRF field every state-changing staff form carries. */
export function CsrfField(props: { token: string }) {
  return <input type="hidden" name={CSRF_FIELD} value={props.token} />;
}

/**
 * The staff page frame: skip link, a header with the user, the staff menu and log-out, the
 * language switch, an optional notice (role="status") after a successful action, and main.
 */
export function StaffLayout(props: {
  page: StaffPage;
  title: string;
  children: Child;
  breadcrumbs?: { href: string; label: string }[];
  notice?: string | undefined;
}) {
  const { ctx, user, csrfToken } = props.page;
  const t = ctx.t;
  return (
    <html lang={ctx.lang}>
      {documentHead(`${props.title} | ${t('staff.area')} | ${t('app.name')}`, STAFF_STYLESHEETS, NO_INDEX)}
      <body class="staff">
        <a class="skip" href="#main">
          {t('nav.skip')}
        </a>
        <header class="site-header staff-header">
          <div class="wrap header-row">
            <a class="brand" href={ctx.href(user ? '/staff' : '/staff/login')}>
              <span class="brand-name">{t('app.name')}</span>
              <span class="brand-tagline">{t('staff.area')}</span>
            </a>
            <nav aria-label={t('nav.language')}>
              <a href={ctx.otherLangHref()} lang={ctx.lang === 'ja' ? 'en' : 'ja'} hreflang={ctx.lang === 'ja' ? 'en' : 'ja'}>
                {t('nav.switchTo')}
              </a>
            </nav>
          </div>
          {user ? (
            <div class="wrap staff-bar">
              <p class="staff-user">
                {t('staff.loggedInAs')}
                <strong>{user.displayName}</strong> ({user.username})
              </p>
              <nav aria-label={t('staff.nav.main')}>
                <ul class="staff-nav">
                  <li>
                    <a href={ctx.href('/staff')}>{t('staff.nav.dashboard')}</a>
                  </li>
                  <li>
                    <a href={ctx.href('/staff/audit')}>{t('staff.nav.audit')}</a>
                  </li>
                  {canManageAnyUsers(user) ? (
                    <li>
                      <a href={ctx.href('/staff/users')}>{t('staff.nav.users')}</a>
                    </li>
                  ) : null}
                  {canCreateCities(user) ? (
                    <li>
                      <a href={ctx.href('/staff/system/cities')}>{t('city.nav.cities')}</a>
                    </li>
                  ) : null}
                  <li>
                    <a href={ctx.href('/staff/password')}>{t('staff.nav.password')}</a>
                  </li>
                  <li>
                    <a href={ctx.href('/')}>{t('staff.nav.public')}</a>
                  </li>
                  <li>
                    <form method="post" action={ctx.href('/staff/logout')} class="inline-form">
                      <CsrfField token={csrfToken} />
                      <button type="submit" class="link-button">
                        {t('staff.nav.logout')}
                      </button>
                    </form>
                  </li>
                </ul>
              </nav>
            </div>
          ) : null}
        </header>
        <Breadcrumbs trail={props.breadcrumbs} current={props.title} />
        <main id="main" class="wrap">
          {props.notice ? (
            <p class="notice" role="status">
              {props.notice}
            </p>
          ) : null}
          {props.children}
        </main>
        <footer class="site-footer">
          <div class="wrap">
            <p>{t('app.tagline')}</p>
          </div>
        </footer>
      </body>
    </html>
  );
}

/** A refusal or error page in the staff frame (403, 404, expired form). */
export function StaffMessageView(props: { page: StaffPage; title: string; lead: string; more?: readonly { text: string; href?: string; link?: string }[] }) {
  return (
    <StaffLayout page={props.page} title={props.title}>
      <h1>{props.title}</h1>
      <p>{props.lead}</p>
      {(props.more ?? []).map((m) => (
        <p>
          {m.text}
          {m.href ? (
            <>
              {' '}
              <a href={props.page.ctx.href(m.href)}>{m.link}</a>
            </>
          ) : null}
        </p>
      ))}
      <p>
        <a href={props.page.ctx.href(props.page.user ? '/staff' : '/staff/login')}>{props.page.ctx.t(props.page.user ? 'staff.nav.dashboard' : 'staff.login.title')}</a>
      </p>
    </StaffLayout>
  );
}
