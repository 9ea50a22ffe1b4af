/** The two languages of every user-facing text: Japanese first, English second. */
export type Lang = 'ja' | 'en';

export function parseLang(s: string | undefined): Lang {
  return s === 'en' ? 'en' : 'ja';
}
