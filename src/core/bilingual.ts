/**
 * The one type of a text in both languages the platform shows (Japanese first, English second,
 * docs/STYLE.md): messages of problems, verdicts, labels built by the code. Interface text
 * written by people lives in the message catalogs (src/i18n/catalogs); the names of stored
 * things keep their Japanese name and an optional English one (`name`, `nameEn`, shown with
 * `localized`, falling back to Japanese).
 */
export interface BilingualText {
  readonly ja: string;
  readonly en: string;
}

/** A text in both languages. */
export function bilingual(ja: string, en: string): BilingualText {
  return { ja, en };
}

/** The text in one language. */
export function textIn(text: BilingualText, lang: 'ja' | 'en'): string {
  return lang === 'en' ? text.en : text.ja;
}
