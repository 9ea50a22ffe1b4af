import type { Lang } from '../../i18n/lang.ts';
import { translator, type Translate } from '../../i18n/messages.ts';

/** What every view needs: the language, its translator, and links that keep the language. */
export interface ViewContext {
  readonly lang: Lang;
  readonly t: Translate;
  /** The current path, for the language switch. */
  readonly path: string;
  /** A link to an app path in the current language. */
  href(path: string): string;
  /** A link to the current page in the other language. */
  otherLangHref(): string;
}

export function viewContext(lang: Lang, path: string, search = ''): ViewContext {
  return {
    lang,
    t: translator(lang),
    path,
    href: lang === 'ja' ? (p) => p : (p) => withLang(p, lang),
    otherLangHref: () => {
      // The current page without its `lang`: only the language switch needs it (once a page).
      let current = path;
      if (search !== '' && search !== '?') {
        const params = new URLSearchParams(search);
        params.delete('lang');
        const rest = params.toString();
        if (rest) current = `${path}?${rest}`;
      }
      return withLang(current, lang === 'ja' ? 'en' : 'ja');
    },
  };
}

/** A link in a language: Japanese is the default (no parameter), English adds `lang=en`. */
function withLang(p: string, l: Lang): string {
  if (l === 'ja') return p;
  return p + (p.includes('?') ? '&' : '?') + 'lang=en';
}

/** The text in the page's language, falling back to Japanese where no English exists. */
export function localized(ctx: Pick<ViewContext, 'lang'>, ja: string, en: string | undefined): string {
  return ctx.lang === 'en' && en ? en : ja;
}
