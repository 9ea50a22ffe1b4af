import { coreCatalog } from './catalogs/core.ts';
import { publicCatalog } from './catalogs/public.ts';
import { sheetsCatalog } from './catalogs/sheets.ts';
import { staffCatalog } from './catalogs/staff.ts';
import { partnersCatalog } from './catalogs/partners.ts';
import { nationalCatalog } from './catalogs/national.ts';
import { errorsCatalog } from './catalogs/errors.ts';
import { reviewCatalog } from './catalogs/review.ts';
import { citiesCatalog } from './catalogs/cities.ts';
import { plansCatalog } from './catalogs/plans.ts';
import { planPeriodCatalog } from './catalogs/plan-period.ts';
import { compareCatalog } from './catalogs/compare.ts';
import { kpiEditCatalog } from './catalogs/kpi-edit.ts';
import { fillMessage } from './fill.ts';
import type { Lang } from './lang.ts';

/**
 * Every user-facing string, one catalog per area (src/i18n/catalogs/): add an area's catalog
 * to this list. Keys are namespaced by area ("plan.period", "staff.login.title").
 */
const areas = [coreCatalog, publicCatalog, sheetsCatalog, staffCatalog, partnersCatalog, nationalCatalog, errorsCatalog, reviewCatalog, citiesCatalog, plansCatalog, planPeriodCatalog, compareCatalog, kpiEditCatalog] as const;

type Area = (typeof areas)[number];
type KeysOf<A> = A extends { ja: infer J } ? keyof J & string : never;
export type MessageKey = KeysOf<Area>;

const catalogs: Record<Lang, Record<string, string>> = {
  ja: Object.assign({}, ...areas.map((a) => a.ja)),
  en: Object.assign({}, ...areas.map((a) => a.en)),
};

/** The message for a key in a language. */
export function t(lang: Lang, key: MessageKey): string {
  return catalogs[lang][key] ?? key;
}

/** A translator bound to one language, for views. */
export type Translate = (key: MessageKey) => string;
export const translator = (lang: Lang): Translate => (key) => t(lang, key);

/**
 * The sentence saying which reporting years (年度 or 年, as the data name them) are not yet
 * published (issue 10.1), in `lang`: the one wording of the pages, the sheet (HTML and .xlsx),
 * the search page and the open-data README.
 */
export function unpublishedYearsText(lang: Lang, years: readonly number[]): string {
  return fillMessage(t(lang, 'publication.unpublishedNote'), { years: years.join(lang === 'ja' ? '・' : ', ') });
}
