import { z } from 'zod';
import { parseLocalGovernmentCode, type LocalGovernmentCodeError } from '../core/city/local-government-code.ts';
import { PREFECTURES } from '../core/city/prefectures.ts';
import { textProblemIn } from '../core/text.ts';
import { fillMessage } from '../i18n/fill.ts';
import type { Lang } from '../i18n/lang.ts';
import { t, type MessageKey } from '../i18n/messages.ts';

/*
 * What the system administrator types to create a city (issue 13.1), checked the same way for
 * the staff form and `michishirube city create`: pure, no I/O. Uniqueness (the id, the code, the
 * administrator's user name) is checked by the command inside its transaction.
 */

/** A city id: the ASCII slug of URLs and the CLI (the `cities_id_slug` check of the schema), 2–40 characters. */
export const CITY_ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,39}$/;

/**
 * Ids the system's own URLs use beside city ids (`/staff/cities/...` pages and the CLI never
 * read them as a city), kept out so a city never shadows a page.
 */
export const RESERVED_CITY_IDS: ReadonlySet<string> = new Set(['new', 'admin', 'system', 'staff', 'api', 'static', 'all']);

/** A staff user name (the rule of the users page). */
const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;

/** A city to create with its first administrator, as typed (form fields or CLI options). */
export interface CityCreateInput {
  readonly id: string;
  readonly name: string;
  readonly nameEn: string;
  /** The prefecture's Japanese name (岩手県) or its English name (Iwate), as the CLI accepts both. */
  readonly prefecture: string;
  /** The 6-digit 全国地方公共団体コード with its check digit. */
  readonly code: string;
  /** First month of the fiscal year, "4" when absent. */
  readonly fiscalYearStartMonth?: string | undefined;
  /** The first administrator's user name; `<id>-admin` when empty. */
  readonly adminUsername?: string | undefined;
  /** The first administrator's name; the city's name + 管理者 when empty. */
  readonly adminDisplayName?: string | undefined;
  readonly adminEmail?: string | undefined;
}

/** A checked city, ready to store. */
export interface ValidCity {
  readonly id: string;
  readonly name: string;
  readonly nameEn: string;
  readonly prefecture: string;
  readonly prefectureEn: string;
  readonly localGovernmentCode: string;
  readonly fiscalYearStartMonth: number;
  readonly admin: { readonly username: string; readonly displayName: string; readonly email: string | null };
}

/** What is wrong with one field (the field names are those of {@link CityCreateInput}). */
export type CityFieldError =
  | { readonly kind: 'required' | 'too-long' | 'control' | 'invisible' | 'id' | 'id-reserved' | 'id-taken' | 'prefecture' | 'month' | 'username' | 'username-taken' | 'email' | 'code-taken' }
  | { readonly kind: 'code'; readonly error: LocalGovernmentCodeError };

/** Field errors by field name. */
export type CityFieldErrors = Partial<Record<keyof CityCreateInput, CityFieldError>>;

const text = (max: number) => z.string().trim().min(1).max(max);

/** Checks a typed city; every field's problem at once, nothing stored. */
export function validateCityInput(input: CityCreateInput): { ok: true; value: ValidCity } | { ok: false; errors: CityFieldErrors } {
  const errors: CityFieldErrors = {};
  const id = input.id.trim().toLowerCase();
  if (id === '') errors.id = { kind: 'required' };
  else if (!CITY_ID_PATTERN.test(id)) errors.id = { kind: 'id' };
  else if (RESERVED_CITY_IDS.has(id)) errors.id = { kind: 'id-reserved' };

  const field = (key: 'name' | 'nameEn', max: number): string => {
    const r = text(max).safeParse(input[key]);
    if (!r.success) errors[key] = { kind: input[key].trim() === '' ? 'required' : 'too-long' };
    else {
      const bad = textProblemIn(r.data, true);
      if (bad) errors[key] = { kind: bad.kind };
    }
    return r.success ? r.data : '';
  };
  const name = field('name', 100);
  const nameEn = field('nameEn', 100);

  const p = input.prefecture.trim();
  const prefecture = PREFECTURES.find((x) => x.ja === p || x.en.toLowerCase() === p.toLowerCase());
  if (!prefecture) errors.prefecture = { kind: p === '' ? 'required' : 'prefecture' };

  let code = '';
  if (input.code.trim() === '') errors.code = { kind: 'required' };
  else {
    const r = parseLocalGovernmentCode(input.code, prefecture?.ja);
    if (r.ok) code = r.value.code;
    else errors.code = { kind: 'code', error: r.error };
  }

  const monthText = (input.fiscalYearStartMonth ?? '').trim() || '4';
  const month = /^[0-9]{1,2}$/.test(monthText) ? Number(monthText) : NaN;
  if (!(month >= 1 && month <= 12)) errors.fiscalYearStartMonth = { kind: 'month' };

  // A field left empty takes a value derived from the id or name; a problem in that value is the
  // id's or name's problem (already reported there), so the empty field is not marked as well.
  const typedUsername = (input.adminUsername ?? '').trim();
  const username = (typedUsername || `${id}-admin`).toLowerCase();
  if (!USERNAME_PATTERN.test(username) && (typedUsername !== '' || !errors.id)) errors.adminUsername = { kind: 'username' };
  const typedDisplayName = (input.adminDisplayName ?? '').trim();
  const displayName = typedDisplayName || `${(name || id).slice(0, 96)} 管理者`;
  if (typedDisplayName !== '' || !errors.name) {
    if (displayName.length > 100) errors.adminDisplayName = { kind: 'too-long' };
    else {
      const bad = textProblemIn(displayName, true);
      if (bad) errors.adminDisplayName = { kind: bad.kind };
    }
  }
  const emailText = (input.adminEmail ?? '').trim();
  if (emailText !== '' && !z.email().max(200).safeParse(emailText).success) errors.adminEmail = { kind: 'email' };

  if (Object.keys(errors).length > 0 || !prefecture) return { ok: false, errors };
  return {
    ok: true,
    value: {
      id,
      name,
      nameEn,
      prefecture: prefecture.ja,
      prefectureEn: prefecture.en,
      localGovernmentCode: code,
      fiscalYearStartMonth: month,
      admin: { username, displayName, email: emailText || null },
    },
  };
}

/** The CLI option each field comes from (for one-line messages). */
export const CITY_CLI_OPTIONS: Readonly<Record<keyof CityCreateInput, string>> = {
  id: 'ID',
  name: '--name',
  nameEn: '--name-en',
  prefecture: '--prefecture',
  code: '--code',
  fiscalYearStartMonth: '--fiscal-year-start',
  adminUsername: '--admin',
  adminDisplayName: '--admin-name',
  adminEmail: '--admin-email',
};

/**
 * One line for a field problem, as the CLI prints it, in the language asked (`--lang`; the
 * message catalog's 'city.cli.*' texts): the option (ID, --code …), the value as typed and what
 * is wrong. The staff form says the same next to each field (city-admin.view.tsx).
 */
export function cityFieldErrorText(lang: Lang, error: CityFieldError, input: CityCreateInput, field: keyof CityCreateInput): string {
  // The administrator's user name left empty is the default one (「都市ID-admin」): name it.
  const raw = field === 'adminUsername' && String(input[field] ?? '').trim() === '' ? `${input.id.trim().toLowerCase()}-admin` : String(input[field] ?? '');
  const vars: Record<string, string | number> = { option: CITY_CLI_OPTIONS[field], value: error.kind === 'id-taken' ? raw.trim().toLowerCase() : error.kind === 'code-taken' ? raw.trim() : raw };
  const say = (key: MessageKey, more: Record<string, string | number> = {}) => fillMessage(t(lang, key), { ...vars, ...more });
  switch (error.kind) {
    case 'code':
      switch (error.error.kind) {
        case 'format':
          return say('city.cli.code-format');
        case 'prefecture':
          return say('city.cli.code-prefecture', { digits: error.error.digits });
        case 'check-digit':
          return say('city.cli.code-check-digit', { given: error.error.given, expected: error.error.expected });
        case 'prefecture-mismatch':
          return say('city.cli.code-prefecture-mismatch', { codePrefecture: error.error.codePrefecture, given: error.error.given });
      }
    // eslint-disable-next-line no-fallthrough
    default:
      return say(`city.cli.${error.kind}` as MessageKey);
  }
}

/** Every field problem on one line (en: "--code "032094": wrong check digit 4 (expected 3); ID …"; ja: 「--code「032094」：検査数字…；ID…」). */
export function cityErrorsLine(errors: CityFieldErrors, input: CityCreateInput, lang: Lang = 'en'): string {
  return (Object.entries(errors) as [keyof CityCreateInput, CityFieldError][]).map(([field, e]) => cityFieldErrorText(lang, e, input, field)).join(lang === 'ja' ? '；' : '; ');
}
