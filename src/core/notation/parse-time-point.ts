import { formatTimePointJa, timePointEnd, type SimpleTimePoint, type TimePoint } from '../time/time-point.ts';
import { normalizeNotation } from './normalize.ts';
import { fail, ok, quoteEn, quoteJa, type NotationError, type NotationNote, type Parsed } from './notation-error.ts';

/** A Japanese era (元号) with the dates it ran; the current one has no end. */
interface Era {
  readonly name: string;
  /** The letter used in short forms such as R6 or H28.3. */
  readonly letter: string;
  readonly start: CalendarDate;
  readonly end?: CalendarDate;
}

interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/**
 * The eras a municipal document can mention, newest first. Meiji is counted from 1 January
 * 1868, as the 1868 decree made it retroactive.
 */
const ERAS: readonly Era[] = [
  { name: '令和', letter: 'R', start: { year: 2019, month: 5, day: 1 } },
  { name: '平成', letter: 'H', start: { year: 1989, month: 1, day: 8 }, end: { year: 2019, month: 4, day: 30 } },
  { name: '昭和', letter: 'S', start: { year: 1926, month: 12, day: 25 }, end: { year: 1989, month: 1, day: 7 } },
  { name: '大正', letter: 'T', start: { year: 1912, month: 7, day: 30 }, end: { year: 1926, month: 12, day: 24 } },
  { name: '明治', letter: 'M', start: { year: 1868, month: 1, day: 1 }, end: { year: 1912, month: 7, day: 29 } },
];

/**
 * How far past its end an era year is read as the year it means: plans written before 2019 name
 * targets up to 平成62年 (2050). Beyond this the era year is more likely a typo than a plan.
 */
const MAX_YEARS_PAST_ERA_END = 40;

/** Western years accepted: wide enough for census baselines and 2100 visions, narrow enough to catch 「2204年」. */
const MIN_YEAR = 1800;
const MAX_YEAR = 2199;

/**
 * Reads a time point as Japanese sheets print it, in 西暦 or 和暦:
 * 「2020年」「２０２４年」「2021 年度」「2024年3月」「2024/3」「2024-03」「2024年3月31日」
 * 「令和６年８月」「令和元年度」「平成28年度」「R6」「R6.8」「H30.3末現在」「2023」, with the wrappers
 * 「現在(2022 年度)」「令和6年8月時点」「2024年3月末」, periods 「2020年～2024年」「2020～2024年」
 * 「2021～2023年度」「令和3年度-令和7年度」, and both notations at once, in either order and
 * with the unit after the brackets or in them: 「平成28年度(2016年度)」「令和5(2023)年度」「2023(令和5)年度」.
 *
 * Era years are checked against the era's span (令和元年 began in May, so 令和元年4月 is refused).
 * Plans written before 2019 give later years in 平成 (基本構想: 「平成37年度」): such a year is
 * read as the year it means (2025年度, never turned into a calendar year) — use
 * {@link parseTimePointNoted} to get the note that says so.
 */
export function parseTimePoint(s: string): Parsed<TimePoint> {
  const r = parseTimePointNoted(s);
  return r.ok ? ok(r.value.point) : r;
}

/**
 * Reads one year of a plan's period as staff type it: 「2024」「２０２４」「2024年度」「令和6」
 * 「令和6年度」「R6」「FY2024」 → 2024 (a plan's period counts whole years; whether calendar or
 * fiscal is the plan's own convention, so both read as the year's number). Anything else —
 * a month, a period, 「2.024e3」, 「0x7E8」 — is an `unreadable-time` error quoting the input,
 * never a number coerced from it.
 */
export function parsePeriodYear(s: string): Parsed<number> {
  const r = parseTimePoint(s);
  if (!r.ok) return r;
  if (r.value.kind === 'year' || r.value.kind === 'fiscal-year') return ok(r.value.year);
  return fail('unreadable-time', s, `give one year such as 2024, 2024年度 or 令和6年度, not ${quoteEn(s)}`, `年は「2024」「2024年度」「令和6年度」のように一つの年で入力してください${quoteJa(s)}`);
}

/** A time point read, with what the reader had to interpret (an era year past the era's end). */
export interface NotedTimePoint {
  readonly point: TimePoint;
  readonly notes: readonly NotationNote[];
}

/** {@link parseTimePoint} with the notes a user should see beside the value (「平成37年度」 read as 2025年度). */
export function parseTimePointNoted(s: string): Parsed<NotedTimePoint> {
  const n = stripWrappers(normalizeNotation(s).replace(/ /g, ''));
  if (n === '') return fail('empty', s, `empty time point ${quoteEn(s)}`, `時点が空です${quoteJa(s)}`);
  const notes: NotationNote[] = [];
  const result = parsePointOrPeriod(n, notes);
  if ('problem' in result) return toError(s, result.problem);
  return ok({ point: result.point, notes });
}

/**
 * A time point in 和暦 as cities print it for display: 「令和5年度」「令和6年8月」「令和元年」
 * 「平成28年度」「令和3年度～令和7年度」. The year an era changed is named by the new era for
 * years and fiscal years (2019 → 令和元年, 2019年度 → 令和元年度); a month or day by the era
 * in force at its end (2019年4月 → 平成31年4月). Before 1868 the western form is returned.
 */
export function formatTimePointWareki(t: TimePoint): string {
  switch (t.kind) {
    case 'year':
      return warekiYear({ year: t.year, month: 12, day: 31 }) ?? formatTimePointJa(t);
    case 'fiscal-year': {
      const y = warekiYear({ year: t.year, month: 12, day: 31 });
      return y === undefined ? formatTimePointJa(t) : `${y}度`;
    }
    case 'month': {
      const y = warekiYear({ year: t.year, month: t.month, day: daysInMonth(t.year, t.month) });
      return y === undefined ? formatTimePointJa(t) : `${y}${t.month}月`;
    }
    case 'day': {
      const y = warekiYear({ year: t.year, month: t.month, day: t.day });
      return y === undefined ? formatTimePointJa(t) : `${y}${t.month}月${t.day}日`;
    }
    case 'period':
      return `${formatTimePointWareki(t.from)}～${formatTimePointWareki(t.to)}`;
  }
}

/** 「令和5年」 for a date in 2023, 「令和元年」 for 2019 after April; undefined before 1868. */
function warekiYear(date: CalendarDate): string | undefined {
  const era = ERAS.find((e) => compareDates(date, e.start) >= 0);
  if (!era) return undefined;
  const eraYear = date.year - era.start.year + 1;
  return `${era.name}${eraYear === 1 ? '元' : eraYear}年`;
}

// ---------------------------------------------------------------------------------------
// Reading

/** Why a time point could not be read; the input is quoted when it becomes a NotationError. */
interface Problem {
  readonly kind: 'unreadable-time' | 'unknown-era';
  readonly reason: string;
  readonly reasonJa: string;
}

type Read<T> = { readonly point: T } | { readonly problem: Problem };

const problem = (reason: string, reasonJa: string): { problem: Problem } => ({ problem: { kind: 'unreadable-time', reason, reasonJa } });

function toError(input: string, p: Problem): { readonly ok: false; readonly error: NotationError } {
  if (p.kind === 'unknown-era') {
    return fail('unknown-era', input, `unknown era in time point ${quoteEn(input)}: ${p.reason}`, `時点${quoteJa(input)}の元号を読み取れません：${p.reasonJa}`);
  }
  return fail('unreadable-time', input, `unreadable time point ${quoteEn(input)}: ${p.reason}`, `時点${quoteJa(input)}を読み取れません：${p.reasonJa}`);
}

/** Removes 「現在(…)」, one pair of outer parentheses, and a trailing 「現在」 or 「時点」. */
function stripWrappers(n: string): string {
  let current = n;
  for (;;) {
    const next = current
      .replace(/^現在\((.*)\)$/, '$1')
      .replace(/^\(([^()]*)\)$/, '$1')
      .replace(/^(.+?)(?:現在|時点)$/, '$1');
    if (next === current) return current;
    current = next;
  }
}

function parsePointOrPeriod(n: string, notes: NotationNote[]): Read<TimePoint> {
  const sides = splitRange(n);
  if ('problem' in sides) return sides;
  if (sides.point.length === 1) return parseSingle(n, notes);
  const [fromText, toText] = sides.point;
  if (fromText === undefined || toText === undefined || fromText === '' || toText === '') {
    return problem('a period needs a start and an end, as in 2020年～2024年', '期間は「2020年～2024年」のように始まりと終わりを書いてください');
  }
  return parsePeriod(fromText, toText, notes);
}

/** The sides of a period: split at ～, or at '-' / '/' when each side is a whole time point (2021-2023, 令和3年度-令和7年度). */
function splitRange(n: string): Read<string[]> {
  const tilde = n.split('～');
  if (tilde.length > 2) return problem('more than one "～"', '「～」が複数あります');
  if (tilde.length === 2) return { point: tilde };
  for (const sep of ['-', '/']) {
    const parts = n.split(sep);
    if (parts.length !== 2) continue;
    const [a = '', b = ''] = parts;
    const wholeYears = /^\d{4}$/.test(a) && /^\d{4}$/.test(b);
    const wholePoints = /(年度?|月|日|末)$/.test(a) && /(年度?|月|日|末)$/.test(b);
    if (wholeYears || wholePoints) return { point: [a, b] };
  }
  return { point: [n] };
}

/** A time point before its year and kind are settled: a period's side may borrow them from the other side. */
interface RawPoint {
  readonly text: string;
  readonly era?: Era;
  /** The era year (元 = 1), or a 1–2 digit year printed without an era (only valid after an era in a period). */
  readonly eraYear?: number;
  readonly year?: number;
  readonly unit: 'bare' | 'year' | 'fiscal-year' | 'month' | 'day';
  readonly month?: number;
  readonly day?: number;
}

const ERA_PATTERN = `(${ERAS.map((e) => e.name).join('|')}|[${ERAS.map((e) => e.letter).join('')}])`;
const MAIN = new RegExp(`^(?:${ERA_PATTERN}(\\d{1,2}|元)|(\\d{4})|(\\d{1,3}))(.*)$`, 'i');

function parseRaw(text: string): Read<RawPoint> {
  // 「2024年3月末」「令和6年度末」「H30.3末」「R6.3末日」: the end of the month or year names that month or year.
  const t = text.replace(/(年度?|月|\d)末日?$/, '$1');
  const fy = /^FY(\d{4})$/i.exec(t);
  if (fy) return { point: { text, year: Number(fy[1]), unit: 'fiscal-year' } };
  const yearless = /^(\d{1,2})月(?:(\d{1,2})日)?$/.exec(t);
  if (yearless) {
    const month = Number(yearless[1]);
    return yearless[2] === undefined
      ? { point: { text, unit: 'month', month } }
      : { point: { text, unit: 'day', month, day: Number(yearless[2]) } };
  }

  const m = MAIN.exec(t);
  if (!m) return unknownEraOrUnreadable(t);
  const [, eraText, eraYearText, westernText, shortText, rest = ''] = m;
  const era = eraText === undefined ? undefined : ERAS.find((e) => e.name === eraText || e.letter === eraText.toUpperCase());
  const base: Pick<RawPoint, 'text' | 'era' | 'eraYear' | 'year'> = era
    ? { text, era, eraYear: eraYearText === '元' ? 1 : Number(eraYearText) }
    : westernText !== undefined
      ? { text, year: Number(westernText) }
      : { text, eraYear: Number(shortText) };

  if (rest === '') return { point: { ...base, unit: 'bare' } };
  if (rest === '年') return { point: { ...base, unit: 'year' } };
  if (rest === '年度') return { point: { ...base, unit: 'fiscal-year' } };
  const ja = /^年(\d{1,2})月(?:(\d{1,2})日)?$/.exec(rest);
  const sep = /^([/.\-])(\d{1,2})(?:\1(\d{1,2}))?$/.exec(rest);
  const monthText = ja?.[1] ?? sep?.[2];
  const dayText = ja?.[2] ?? sep?.[3];
  if (monthText === undefined) return unreadable();
  return dayText === undefined
    ? { point: { ...base, unit: 'month', month: Number(monthText) } }
    : { point: { ...base, unit: 'day', month: Number(monthText), day: Number(dayText) } };
}

function unreadable(): { problem: Problem } {
  return problem(
    'expected a time point such as 2024年, 2021年度, 2024年3月, 令和6年8月 or 2020年～2024年',
    '「2024年」「2021年度」「2024年3月」「令和6年8月」「2020年～2024年」のように書いてください',
  );
}

function unknownEraOrUnreadable(t: string): { problem: Problem } {
  const era = /^([^\d()]+?)(?:\d{1,2}|元)(?:年|[/.\-]|$)/.exec(t)?.[1];
  if (era === undefined) return unreadable();
  const known = ERAS.map((e) => e.name);
  const letters = ERAS.map((e) => e.letter);
  return {
    problem: {
      kind: 'unknown-era',
      reason: `"${era}" is not an era this system reads (${known.join(', ')}, or ${letters.join(', ')})`,
      reasonJa: `「${era}」は扱える元号ではありません（${known.join('・')}、または${letters.join('・')}）`,
    },
  };
}

function parseSingle(n: string, notes: NotationNote[]): Read<TimePoint> {
  // 「令和5(2023)年度」「2023(令和5)年度」「令和6(2024)年3月」: the unit after the brackets belongs to both.
  const inner = /^((?:[^\d()]{1,2})?(?:\d{1,4}|元))\(((?:[^\d()]{1,2})?(?:\d{1,4}|元))\)(年.*)$/.exec(n);
  if (inner?.[1] !== undefined && inner[2] !== undefined && inner[3] !== undefined) return parseDual(inner[1] + inner[3], inner[2] + inner[3]);
  const dual = /^(.+?)\((.+)\)$/.exec(n);
  if (dual?.[1] !== undefined && dual[2] !== undefined) return parseDual(dual[1], dual[2]);
  const raw = parseRaw(n);
  if ('problem' in raw) return raw;
  return resolve(raw.point, false, notes);
}

/**
 * 「平成28年度(2016年度)」: both notations must name the same year. The western one confirms
 * an era year printed before the era ended (平成37年度(2025年度)).
 */
function parseDual(first: string, second: string): Read<TimePoint> {
  const a = parseRaw(first);
  if ('problem' in a) return a;
  const b = parseRaw(second);
  if ('problem' in b) {
    return problem(`"${second}" in parentheses is not a time point`, `括弧内の「${second}」は時点ではありません`);
  }
  const ra = resolve(a.point, true, []);
  if ('problem' in ra) return ra;
  const rb = resolve(b.point, true, []);
  if ('problem' in rb) return rb;
  const ya = ra.point.year;
  const yb = rb.point.year;
  if (ya !== yb || (ra.point.kind === 'fiscal-year') !== (rb.point.kind === 'fiscal-year')) {
    return problem(
      `"${first}" (${formatTimePointJa(ra.point)}) and "${second}" (${formatTimePointJa(rb.point)}) are not the same time`,
      `「${first}」（${formatTimePointJa(ra.point)}）と「${second}」（${formatTimePointJa(rb.point)}）が一致しません`,
    );
  }
  return ra;
}

function parsePeriod(fromText: string, toText: string, notes: NotationNote[]): Read<TimePoint> {
  const dualFrom = /\(.+\)/.test(fromText);
  const dualTo = /\(.+\)/.test(toText);
  if (dualFrom || dualTo) {
    const from = parseSingle(fromText, notes);
    if ('problem' in from) return from;
    const to = parseSingle(toText, notes);
    if ('problem' in to) return to;
    return period(from.point, to.point);
  }

  const a = parseRaw(fromText);
  if ('problem' in a) return a;
  const b = parseRaw(toText);
  if ('problem' in b) return b;
  let from = a.point;
  let to = b.point;
  // 「2020～2024年」「2021～2023年度」: a bare start takes the end's kind, and the reverse.
  const yearish = (u: RawPoint['unit']) => u === 'year' || u === 'fiscal-year';
  if (from.unit === 'bare') from = { ...from, unit: yearish(to.unit) ? to.unit : 'year' };
  if (to.unit === 'bare') to = { ...to, unit: yearish(from.unit) ? from.unit : 'year' };
  // 「令和3～5年度」: the end borrows the era; 「2024年3月～9月」: the end borrows the year.
  if (to.era === undefined && to.year === undefined) {
    if (to.eraYear !== undefined) {
      if (from.era !== undefined) to = { ...to, era: from.era };
    } else {
      to = from.era !== undefined ? { ...to, era: from.era, eraYear: from.eraYear } : { ...to, year: from.year };
    }
  }
  const rf = resolve(from, false, notes);
  if ('problem' in rf) return rf;
  const rt = resolve(to, false, notes);
  if ('problem' in rt) return rt;
  return period(rf.point, rt.point);
}

function period(from: TimePoint, to: TimePoint): Read<TimePoint> {
  if (from.kind === 'period' || to.kind === 'period') return problem('a period inside a period', '期間の中に期間があります');
  if (timePointEnd(from) > timePointEnd(to)) {
    return problem(
      `the period ends (${formatTimePointJa(to)}) before it starts (${formatTimePointJa(from)})`,
      `期間の終わり（${formatTimePointJa(to)}）が始まり（${formatTimePointJa(from)}）より前です`,
    );
  }
  return { point: { kind: 'period', from, to } };
}

/**
 * Settles a raw point into a TimePoint, checking the year, month, day and the era's span.
 * `confirmed` accepts an era year past the era's end without a note (a dual notation whose
 * western year confirms it); otherwise such a year, within {@link MAX_YEARS_PAST_ERA_END}, is
 * read as the year it means and a note saying so is pushed to `notes`.
 */
function resolve(raw: RawPoint, confirmed: boolean, notes: NotationNote[]): Read<SimpleTimePoint> {
  let year: number;
  let pastEnd = false;
  if (raw.era !== undefined && raw.eraYear !== undefined) {
    const { era, eraYear } = raw;
    if (eraYear < 1) return problem(`${era.name} years start at 1 (元年), not ${eraYear}`, `${era.name}は元年（1年）からです`);
    year = era.start.year + eraYear - 1;
    const lastEraYear = era.end ? era.end.year - era.start.year + 1 : undefined;
    if (lastEraYear !== undefined && eraYear > lastEraYear) {
      pastEnd = true;
      // The hint keeps the unit as printed: a fiscal year stays a fiscal year (年度), never 年,
      // and a month (or day) stays in it, so the advice names the same time point.
      const unitJa = raw.unit === 'fiscal-year' ? '年度' : '年';
      const tailJa = raw.unit === 'fiscal-year' || raw.month === undefined ? '' : `${raw.month}月${raw.day !== undefined ? `${raw.day}日` : ''}`;
      const now = ERAS.find((e) => year >= e.start.year) ?? era;
      const nowYear = year - now.start.year + 1;
      const nowName = `${now.name}${nowYear === 1 ? '元' : nowYear}${unitJa}${tailJa}`;
      // A western year printed beside it confirms the era year at any distance (the hint below offers that form).
      if (eraYear > lastEraYear + MAX_YEARS_PAST_ERA_END && !confirmed) {
        return problem(
          `${era.name} ended in its year ${lastEraYear} (${era.end?.year}); ${era.name}${eraYear} would be ${year}: write ${year}${unitJa}${tailJa} or ${nowName}, or both as "${era.name}${eraYear}${unitJa}${tailJa}(${year}${unitJa}${tailJa})"`,
          `${era.name}は${lastEraYear}年（${era.end?.year}年）までです。${era.name}${eraYear}${unitJa}${tailJa}は${year}${unitJa}${tailJa}にあたります：「${year}${unitJa}${tailJa}」「${nowName}」または「${era.name}${eraYear}${unitJa}${tailJa}(${year}${unitJa}${tailJa})」と書いてください`,
        );
      }
      if (!confirmed) {
        const printed = `${era.name}${eraYear}${unitJa}`;
        notes.push({
          kind: 'era-year-past-end',
          ja: `「${printed}」は${year}${unitJa}（${nowName}）として読みました（${era.name}は${era.end?.year}年${era.end?.month}月${era.end?.day}日までで、改元前に作られた計画の表記です）`,
          en: `read "${printed}" as ${raw.unit === 'fiscal-year' ? `FY${year}` : year} (${nowName}): ${era.name} ended on ${era.end?.year}-${pad2(era.end?.month ?? 0)}-${pad2(era.end?.day ?? 0)}; plans written before then name later years this way`,
        });
      }
    }
  } else if (raw.year !== undefined) {
    year = raw.year;
    if (year < MIN_YEAR || year > MAX_YEAR) {
      return problem(`year ${year} is out of range (${MIN_YEAR}–${MAX_YEAR})`, `${year}年は範囲外です（${MIN_YEAR}～${MAX_YEAR}年）`);
    }
  } else if (raw.eraYear !== undefined) {
    return problem(
      `the year "${raw.eraYear}" needs four digits or an era, as in 2024年 or 令和6年`,
      `年「${raw.eraYear}」は「2024年」「令和6年」のように4桁か元号付きで書いてください`,
    );
  } else {
    return problem('the month has no year, as in 2024年3月', '月に年がありません（「2024年3月」のように書いてください）');
  }

  const unit = raw.unit === 'bare' ? 'year' : raw.unit;
  if (unit === 'year' || unit === 'fiscal-year') return { point: { kind: unit, year } };

  const month = raw.month ?? 0;
  if (month < 1 || month > 12) return problem(`month ${month} is out of range`, `月は1～12です（${month}月）`);
  if (unit === 'month') {
    const span = eraSpanProblem(raw, { year, month, day: daysInMonth(year, month) }, { year, month, day: 1 }, confirmed || pastEnd);
    return span ?? { point: { kind: 'month', year, month } };
  }
  const day = raw.day ?? 0;
  const days = daysInMonth(year, month);
  if (day < 1 || day > days) {
    return problem(`day ${day} does not exist in ${year}-${String(month).padStart(2, '0')} (it has ${days} days)`, `${year}年${month}月に${day}日はありません（${days}日まで）`);
  }
  const date = { year, month, day };
  return eraSpanProblem(raw, date, date, confirmed || pastEnd) ?? { point: { kind: 'day', year, month, day } };
}

/**
 * A month or day named in an era must fall within it: 令和元年4月 never existed (it was
 * 平成31年4月), nor did 平成31年5月. `last` and `first` are the span's last and first day.
 */
function eraSpanProblem(raw: RawPoint, last: CalendarDate, first: CalendarDate, prospective: boolean): { problem: Problem } | undefined {
  const era = raw.era;
  if (!era) return undefined;
  const label = `${era.name}${raw.eraYear === 1 ? '元' : raw.eraYear}年${raw.month}月${raw.unit === 'day' ? `${raw.day}日` : ''}`;
  const rightEra = warekiYear(first) ?? `${first.year}年`;
  const correct = `${rightEra}${raw.month}月${raw.unit === 'day' ? `${raw.day}日` : ''}`;
  const startText = `${era.start.year}-${pad2(era.start.month)}-${pad2(era.start.day)}`;
  if (compareDates(last, era.start) < 0) {
    return problem(`${era.name} began on ${startText}, so ${label} did not exist (it is ${correct})`, `${era.name}は${era.start.year}年${era.start.month}月${era.start.day}日からです。${label}は${correct}です`);
  }
  if (era.end && compareDates(first, era.end) > 0 && !prospective) {
    const endText = `${era.end.year}-${pad2(era.end.month)}-${pad2(era.end.day)}`;
    return problem(`${era.name} ended on ${endText}, so ${label} did not exist (it is ${correct})`, `${era.name}は${era.end.year}年${era.end.month}月${era.end.day}日までです。${label}は${correct}です`);
  }
  return undefined;
}

function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
