import type { BilingualText } from '../../core/bilingual.ts';
/**
 * What a number cell means by its number format, as Excel shows it: a fraction under a percent
 * format is a percentage (0.901 shown 「90.1%」), a serial under a date format is the year,
 * fiscal year, month or day the format displays (45352 shown 「令和6年3月」 is 2024年3月, not
 * 1 March). Pure functions over a format code; no ExcelJS types.
 */

/**
 * Excel's built-in number formats of a Japanese installation that files refer to by id only
 * (no format code is written): ids 27–36 and 50–58, as ECMA-376 Part 1 §18.8.30 leaves them to
 * the locale. Codes as Excel ja-JP uses them (the same table as ExcelJS's defaultnumformats
 * `ja-jp`, whose streaming reader ignores them).
 */
export const JA_BUILTIN_NUMBER_FORMATS: Readonly<Record<number, string>> = {
  27: '[$-411]ge.m.d',
  28: '[$-411]ggge"年"m"月"d"日"',
  29: '[$-411]ggge"年"m"月"d"日"',
  30: 'm/d/yy',
  31: 'yyyy"年"m"月"d"日"',
  32: 'h"時"mm"分"',
  33: 'h"時"mm"分"ss"秒"',
  34: 'yyyy"年"m"月"',
  35: 'm"月"d"日"',
  36: '[$-411]ge.m.d',
  50: '[$-411]ge.m.d',
  51: '[$-411]ggge"年"m"月"d"日"',
  52: 'yyyy"年"m"月"',
  53: 'm"月"d"日"',
  54: '[$-411]ggge"年"m"月"d"日"',
  55: 'yyyy"年"m"月"',
  56: 'm"月"d"日"',
  57: '[$-411]ge.m.d',
  58: '[$-411]ggge"年"m"月"d"日"',
};

/** Formats seen, by code: a workbook uses a handful of formats over many cells. */
const TOKENS = new Map<string, { code: string; literals: string }>();

/** The tokens of a format's first section, with literals ("年", \\-escaped, _x, *x) and [..] blocks set apart. */
function tokens(format: string): { code: string; literals: string } {
  let t = TOKENS.get(format);
  if (!t) {
    t = tokensOf(format);
    if (TOKENS.size < 1000) TOKENS.set(format, t);
  }
  return t;
}

function tokensOf(format: string): { code: string; literals: string } {
  const section = splitSections(format)[0] ?? '';
  let code = '';
  let literals = '';
  for (let i = 0; i < section.length; i++) {
    const ch = section[i]!;
    if (ch === '"') {
      const end = section.indexOf('"', i + 1);
      const lit = end < 0 ? section.slice(i + 1) : section.slice(i + 1, end);
      literals += lit;
      code += ' ';
      i = end < 0 ? section.length : end;
    } else if (ch === '\\') {
      literals += section[i + 1] ?? '';
      code += ' ';
      i++;
    } else if (ch === '_' || ch === '*') {
      i++;
    } else if (ch === '[') {
      const end = section.indexOf(']', i + 1);
      i = end < 0 ? section.length : end;
    } else code += ch;
  }
  return { code, literals };
}

function splitSections(format: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of format) {
    if (ch === '"') quoted = !quoted;
    if (ch === ';' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/**
 * Whether a number format shows a percentage (「0%」「0.0%」「#,##0.00%」): the stored number is a
 * fraction of 1. A quoted or escaped % (「0.0"%"」「0.0\%」) is a literal, not a percent format
 * (see {@link isLiteralPercentFormat}).
 */
export function isPercentFormat(format: string | undefined): boolean {
  if (!format) return false;
  return tokens(format).code.includes('%');
}

/**
 * Whether a number format shows a % sign as a literal (「0.0"%"」, or Excel's escape 「0.0\%」,
 * which the workbook reader quotes before ExcelJS drops its backslash): the cell shows its number as stored with a
 * % after it (0.8 shows 「0.8%」), a common way to print a percentage without Excel's ×100.
 * Never a percent format: the number is not a fraction of 1.
 */
export function isLiteralPercentFormat(format: string | undefined): boolean {
  if (!format) return false;
  const t = tokens(format);
  return !t.code.includes('%') && t.literals.includes('%') && /[0#?]/.test(t.code);
}

/**
 * The text Excel shows for a number under a number format (first section for a positive number
 * or zero, second for a negative one when the format has it): digits with the format's decimals
 * and thousands separator, literals in place, a percent format's ×100. For messages and notes
 * (「0.8%」 for 0.8 under 「0.0"%"」); scaling commas, fractions and exponents are not rendered.
 */
export function renderNumber(value: number, format: string): string {
  const sections = splitSections(format);
  const negative = value < 0 && sections.length > 1;
  const section = (negative ? sections[1] : sections[0]) ?? '';
  const magnitude = negative ? -value : value;
  const { code } = tokensOf(section);
  const percent = code.includes('%');
  const decimals = /0\.([0#?]+)/.exec(code)?.[1]!.length ?? 0;
  const grouped = /[0#?],[0#?]/.test(code);
  const shownValue = percent ? magnitude * 100 : magnitude;
  const digits = shownValue.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals, useGrouping: grouped });
  let out = '';
  let numberDone = false;
  for (let i = 0; i < section.length; i++) {
    const ch = section[i]!;
    if (ch === '"') {
      const end = section.indexOf('"', i + 1);
      out += end < 0 ? section.slice(i + 1) : section.slice(i + 1, end);
      i = end < 0 ? section.length : end;
    } else if (ch === '\\') {
      out += section[i + 1] ?? '';
      i++;
    } else if (ch === '[') {
      const end = section.indexOf(']', i + 1);
      i = end < 0 ? section.length : end;
    } else if (ch === '_') {
      out += ' ';
      i++;
    } else if (ch === '*') i++;
    else if (/[0#?.,]/.test(ch)) {
      if (!numberDone) out += digits;
      numberDone = true;
      while (i + 1 < section.length && /[0#?.,]/.test(section[i + 1]!)) i++;
    } else out += ch;
  }
  return numberDone ? out : `${out}${digits}`;
}

/** Decimals a number format shows (「#,##0.0」 and 「0.0%」 → 1, 「0」 → 0), or undefined for a general format. */
export function decimalsOfFormat(format: string | undefined): number | undefined {
  if (!format) return undefined;
  const { code } = tokens(format);
  const m = /0\.(0+)/.exec(code);
  if (m) return m[1]!.length;
  if (/[0#]/.test(code)) return 0;
  return undefined;
}

/** What a date format displays: the finest unit it shows, whether it shows a year, and a time of day. */
export interface DateFormatShows {
  readonly unit: 'day' | 'month' | 'fiscal-year' | 'year' | 'time' | 'none';
  readonly year: boolean;
}

/**
 * Reads a number format as a date format: which units it displays. Year tokens are y and the
 * Japanese era year e (with the era name g); m is a month unless it follows h or precedes s
 * (minutes); a literal 「年度」 after the year makes the display a fiscal year
 * (`yyyy"年度"`, `ggge"年度"`), as the user reads it. 'none' for a format that is not a date.
 */
export function dateFormatShows(format: string | undefined): DateFormatShows {
  if (!format) return { unit: 'none', year: false };
  let shows = SHOWS.get(format);
  if (!shows) {
    shows = dateFormatShowsOf(format);
    if (SHOWS.size < 1000) SHOWS.set(format, shows);
  }
  return shows;
}

const SHOWS = new Map<string, DateFormatShows>();

function dateFormatShowsOf(format: string): DateFormatShows {
  const { code, literals } = tokens(format);
  const c = code.replace(/General/gi, '').replace(/E[+-]/g, '').replace(/AM\/PM|A\/P/gi, 'h');
  const lower = c.toLowerCase();
  if (!/[ymdhsge]/.test(lower)) return { unit: 'none', year: false };
  const year = /[ye]/.test(lower);
  const day = /d/.test(lower);
  const hour = /[hs]/.test(lower);
  // m right after h (h:mm) or right before s (mm:ss) is minutes.
  const months = lower.replace(/h+[^a-z]*m+/g, 'h').replace(/m+([^a-z]*s)/g, '$1');
  const month = /m/.test(months);
  if (day) return { unit: 'day', year };
  if (month) return { unit: 'month', year };
  if (year) return { unit: /年度/.test(literals) ? 'fiscal-year' : 'year', year };
  if (hour) return { unit: 'time', year: false };
  return { unit: 'none', year: false };
}

/** A calendar date from an Excel serial (1900 date system; serial 60, the fictitious 1900-02-29, is refused as such). */
export function dateOfSerial(serial: number): { year: number; month: number; day: number } | null {
  if (!Number.isFinite(serial) || serial < 1 || serial >= 2958466) return null;
  const days = Math.floor(serial);
  // Excel counts 1900-02-29, which did not exist: serials from 61 are one day ahead.
  const ms = Date.UTC(1899, 11, 31) + (days >= 61 ? days - 1 : days) * 86400000;
  const d = new Date(ms);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** The Excel serial of a JS Date that ExcelJS made from a date cell (UTC midnight based). */
export function serialOfDate(date: Date): number {
  return date.getTime() / 86400000 + 25569;
}

/** A date cell read: the time point text it means (西暦, for the time-point reader) and the text Excel shows. */
export type DateCellReading =
  | { readonly ok: true; readonly meaning: string; readonly shown: string }
  | { readonly ok: false; readonly shown: string; readonly problem: BilingualText };

/**
 * Reads a date cell as its format displays it: 「yyyy"年"m"月"」 over 2024-03-01 is 2024年3月,
 * 「[$-ja-JP]ggge"年"m"月"」 the same month shown as 令和6年3月, 「ggge"年"」 the year,
 * 「yyyy"年度"」 the fiscal year, ids 28/58 the day 令和6年3月1日. A format that shows no year
 * (「m"月"d"日"」) or only a time of day is a problem: the user never saw which year is stored.
 */
export function readDateCell(serial: number, format: string): DateCellReading {
  const date = dateOfSerial(serial);
  const shows = dateFormatShows(format);
  const shown = date ? renderDate(date, format) : String(serial);
  if (!date) return { ok: false, shown, problem: { ja: `日付のシリアル値 ${serial} は日付として読めません`, en: `the date serial ${serial} is not a date` } };
  if (shows.unit === 'time') {
    return { ok: false, shown, problem: { ja: `時刻の書式のセルです（「${shown}」）：時点は「2024年3月」のように書いてください`, en: `the cell has a time-of-day format ("${shown}"): write the time point as 2024年3月` } };
  }
  if (!shows.year) {
    return {
      ok: false,
      shown,
      problem: {
        ja: `日付セルの表示「${shown}」に年がありません（保存されている日付は${date.year}年${date.month}月${date.day}日）：年を含めて「${date.year}年${date.month}月」のように書いてください`,
        en: `the date cell shows "${shown}" without a year (the stored date is ${date.year}-${pad2(date.month)}-${pad2(date.day)}): write the time point with its year, as ${date.year}年${date.month}月`,
      },
    };
  }
  switch (shows.unit) {
    case 'day':
      return { ok: true, meaning: `${date.year}年${date.month}月${date.day}日`, shown };
    case 'month':
      return { ok: true, meaning: `${date.year}年${date.month}月`, shown };
    case 'fiscal-year':
      return { ok: true, meaning: `${date.year}年度`, shown };
    default:
      return { ok: true, meaning: `${date.year}年`, shown };
  }
}

/** The text Excel shows for a date under a format, for messages and notes (common tokens only). */
export function renderDate(date: { year: number; month: number; day: number }, format: string): string {
  const section = splitSections(format)[0] ?? '';
  const era = eraOf(date);
  let out = '';
  for (let i = 0; i < section.length; ) {
    const ch = section[i]!;
    if (ch === '"') {
      const end = section.indexOf('"', i + 1);
      out += end < 0 ? section.slice(i + 1) : section.slice(i + 1, end);
      i = end < 0 ? section.length : end + 1;
      continue;
    }
    if (ch === '\\') {
      out += section[i + 1] ?? '';
      i += 2;
      continue;
    }
    if (ch === '[') {
      const end = section.indexOf(']', i + 1);
      i = end < 0 ? section.length : end + 1;
      continue;
    }
    if (ch === '_' || ch === '*') {
      i += 2;
      continue;
    }
    let run = 1;
    while (section[i + run]?.toLowerCase() === ch.toLowerCase()) run++;
    const t = ch.toLowerCase();
    if (t === 'y') out += run <= 2 ? pad2(date.year % 100) : String(date.year);
    else if (t === 'e') out += era ? (run >= 2 ? pad2(era.year) : String(era.year)) : String(date.year);
    else if (t === 'g') out += era ? (run >= 3 ? era.name : run === 2 ? era.name.slice(0, 1) : era.letter) : '';
    else if (t === 'm') out += run >= 2 ? pad2(date.month) : String(date.month);
    else if (t === 'd') out += run >= 2 ? pad2(date.day) : String(date.day);
    else out += section.slice(i, i + run);
    i += run;
  }
  return out;
}

const ERA_LETTERS: Readonly<Record<string, string>> = { 令和: 'R', 平成: 'H', 昭和: 'S', 大正: 'T', 明治: 'M' };

/** The era and era year of a date, by ICU's Japanese calendar (it learns the next era). */
function eraOf(date: { year: number; month: number; day: number }): { name: string; letter: string; year: number } | null {
  if (date.year < 1868) return null;
  const parts = new Intl.DateTimeFormat('ja-JP-u-ca-japanese', { era: 'long', year: 'numeric', timeZone: 'UTC' }).formatToParts(new Date(Date.UTC(date.year, date.month - 1, date.day)));
  const name = parts.find((p) => p.type === 'era')?.value ?? '';
  const yearText = parts.find((p) => p.type === 'year')?.value ?? '';
  const year = yearText === '元' ? 1 : Number(yearText);
  if (!name || !Number.isFinite(year)) return null;
  return { name, letter: ERA_LETTERS[name] ?? name.slice(0, 1), year };
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
