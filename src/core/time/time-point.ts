/**
 * A point or span of time as Japanese municipalities print it: a calendar year (2020年),
 * a fiscal year (2021年度, April to March), a month (2024年3月), a day, or a period
 * (2020年～2024年, used for period-total targets).
 */
export type TimePoint =
  | { readonly kind: 'year'; readonly year: number }
  | { readonly kind: 'fiscal-year'; readonly year: number }
  | { readonly kind: 'month'; readonly year: number; readonly month: number }
  | { readonly kind: 'day'; readonly year: number; readonly month: number; readonly day: number }
  | { readonly kind: 'period'; readonly from: SimpleTimePoint; readonly to: SimpleTimePoint };

export type SimpleTimePoint = Exclude<TimePoint, { kind: 'period' }>;

export const year = (y: number): TimePoint => ({ kind: 'year', year: y });
export const fiscalYear = (y: number): TimePoint => ({ kind: 'fiscal-year', year: y });
export const month = (y: number, m: number): TimePoint => ({ kind: 'month', year: y, month: m });

/**
 * The moment a time point's figure refers to, as a fractional year, taken at the END of
 * the span: a year's figure is known at its close, 2024年3月 at the end of March, 2021年度
 * at the end of March 2022. One convention for all points keeps the straight line from
 * baseline to target and the trend comparable.
 */
export function timePointEnd(t: TimePoint): number {
  switch (t.kind) {
    case 'year':
      return t.year + 1;
    case 'fiscal-year':
      return t.year + 1 + 3 / 12;
    case 'month':
      return t.year + t.month / 12;
    case 'day':
      return t.year + (t.month - 1) / 12 + t.day / 365;
    case 'period':
      return timePointEnd(t.to);
  }
}

/** The calendar year a time point is reported under (the year of a fiscal year's start, a period's end). */
export function reportingYear(t: TimePoint): number {
  return t.kind === 'period' ? t.to.year : t.year;
}

/** A stable, machine-readable form: "2020", "FY2021", "2024-03", "2024-03-31", "2020/2024". */
export function formatTimePointIso(t: TimePoint): string {
  switch (t.kind) {
    case 'year':
      return String(t.year);
    case 'fiscal-year':
      return `FY${t.year}`;
    case 'month':
      return `${t.year}-${pad2(t.month)}`;
    case 'day':
      return `${t.year}-${pad2(t.month)}-${pad2(t.day)}`;
    case 'period':
      return `${formatTimePointIso(t.from)}/${formatTimePointIso(t.to)}`;
  }
}

/** The inverse of {@link formatTimePointIso}; returns null for anything else. */
export function parseTimePointIso(s: string): TimePoint | null {
  const slash = s.indexOf('/');
  if (slash >= 0) {
    const from = parseTimePointIso(s.slice(0, slash));
    const to = parseTimePointIso(s.slice(slash + 1));
    if (!from || !to || from.kind === 'period' || to.kind === 'period') return null;
    return { kind: 'period', from, to };
  }
  let m = /^FY(\d{4})$/.exec(s);
  if (m) return { kind: 'fiscal-year', year: Number(m[1]) };
  m = /^(\d{4})$/.exec(s);
  if (m) return { kind: 'year', year: Number(m[1]) };
  m = /^(\d{4})-(\d{2})$/.exec(s);
  if (m) return validMonth(Number(m[2])) ? { kind: 'month', year: Number(m[1]), month: Number(m[2]) } : null;
  m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m && validMonth(Number(m[2]))) return { kind: 'day', year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  return null;
}

/** Japanese label as a sheet prints it: 2020年, 2021年度, 2024年3月, 2020年～2024年. */
export function formatTimePointJa(t: TimePoint): string {
  switch (t.kind) {
    case 'year':
      return `${t.year}年`;
    case 'fiscal-year':
      return `${t.year}年度`;
    case 'month':
      return `${t.year}年${t.month}月`;
    case 'day':
      return `${t.year}年${t.month}月${t.day}日`;
    case 'period':
      return `${formatTimePointJa(t.from)}～${formatTimePointJa(t.to)}`;
  }
}

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** English label: 2020, FY2021, Mar 2024, 2020–2024. */
export function formatTimePointEn(t: TimePoint): string {
  switch (t.kind) {
    case 'year':
      return String(t.year);
    case 'fiscal-year':
      return `FY${t.year}`;
    case 'month':
      return `${MONTHS_EN[t.month - 1]} ${t.year}`;
    case 'day':
      return `${t.day} ${MONTHS_EN[t.month - 1]} ${t.year}`;
    case 'period':
      return `${formatTimePointEn(t.from)}–${formatTimePointEn(t.to)}`;
  }
}

/** Orders time points by the moment their figure refers to. */
export function compareTimePoints(a: TimePoint, b: TimePoint): number {
  return timePointEnd(a) - timePointEnd(b);
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function validMonth(m: number): boolean {
  return m >= 1 && m <= 12;
}
