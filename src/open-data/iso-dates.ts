import type { SimpleTimePoint, TimePoint } from '../core/time/time-point.ts';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

function start(t: SimpleTimePoint): string {
  switch (t.kind) {
    case 'year':
      return `${pad(t.year, 4)}-01-01`;
    case 'fiscal-year':
      return `${pad(t.year, 4)}-04-01`;
    case 'month':
      return `${pad(t.year, 4)}-${pad(t.month)}-01`;
    case 'day':
      return `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}`;
  }
}

function end(t: SimpleTimePoint): string {
  switch (t.kind) {
    case 'year':
      return `${pad(t.year, 4)}-12-31`;
    case 'fiscal-year':
      return `${pad(t.year + 1, 4)}-03-31`;
    case 'month':
      return `${pad(t.year, 4)}-${pad(t.month)}-${pad(lastDay(t.year, t.month))}`;
    case 'day':
      return `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}`;
  }
}

/**
 * The first and last day (ISO 8601 dates, YYYY-MM-DD) a time point covers, as the
 * 自治体標準オープンデータセット rules want dates written: 2021年度 (FY2021) is 2021-04-01 to
 * 2022-03-31 (the Japanese fiscal year starts on 1 April); 2024年3月 is 2024-03-01 to 2024-03-31;
 * a period runs from its first point's start to its last point's end.
 */
export function isoDateRange(t: TimePoint): { start: string; end: string } {
  return t.kind === 'period' ? { start: start(t.from), end: end(t.to) } : { start: start(t), end: end(t) };
}

/**
 * The SDMX form of a time point (SDMX 2.1 time formats): a year "2020", a month "2024-03", a day
 * "2024-03-31", a fiscal year as reporting year "2021-A1" (with REPORTING_YEAR_START_DAY
 * "--04-01" beside it), a period as a date interval "2020-01-01/2024-12-31".
 */
export function sdmxTimePeriod(t: TimePoint): string {
  switch (t.kind) {
    case 'year':
      return pad(t.year, 4);
    case 'fiscal-year':
      return `${pad(t.year, 4)}-A1`;
    case 'month':
      return `${pad(t.year, 4)}-${pad(t.month)}`;
    case 'day':
      return start(t);
    case 'period': {
      const r = isoDateRange(t);
      return `${r.start}/${r.end}`;
    }
  }
}
