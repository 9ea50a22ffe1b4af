import type { Lang } from './lang.ts';

/**
 * Locale number formatting with one `Intl.NumberFormat` per shape, built once and reused.
 * `Number#toLocaleString(locale, options)` builds a new formatter on every call, which profiled at
 * 38 % of a city or plan page's CPU and 58–108× slower than reusing one (issue 11.4). Japanese uses
 * ja-JP; English en-GB (day-month dates and the thousands comma the sheets print).
 */
const formatters = new Map<string, { readonly format: Intl.NumberFormat; readonly done: Map<number, string> }>();
/** Formatted figures kept, all shapes together: pages print the same few thousand figures again and again. */
const MAX_KEPT = 16_384;
let kept = 0;

/** Options of {@link formatDecimal}: fraction digits (min = max unless `minDecimals` is given) and grouping. */
export interface DecimalShape {
  readonly minDecimals?: number;
  readonly maxDecimals: number;
  readonly grouping?: boolean;
}

/** Formats `value` in `lang` with the given fraction digits (0–20) and thousands grouping (default on). */
export function formatDecimal(value: number, lang: Lang, shape: DecimalShape): string {
  const min = shape.minDecimals ?? shape.maxDecimals;
  const grouping = shape.grouping ?? true;
  const plain = plainDecimal(value, min, shape.maxDecimals, grouping);
  if (plain !== undefined) return plain;
  const key = `${lang}|${min}|${shape.maxDecimals}|${grouping ? 1 : 0}`;
  let f = formatters.get(key);
  if (!f) {
    // The key space is tiny (2 languages × ≤21 × ≤21 × 2), so the map stays bounded.
    f = { format: new Intl.NumberFormat(lang === 'ja' ? 'ja-JP' : 'en-GB', { minimumFractionDigits: min, maximumFractionDigits: shape.maxDecimals, useGrouping: grouping }), done: new Map() };
    formatters.set(key, f);
  }
  // Formatting costs a microsecond or two, a lookup a tenth of that; at most MAX_KEPT figures
  // are kept (then every shape starts afresh), so memory stays bounded (about 2 MB).
  // A Map does not tell -0 from 0 (Intl prints "-0"): that one is never kept.
  if (Object.is(value, -0)) return f.format.format(value);
  let text = f.done.get(value);
  if (text === undefined) {
    text = f.format.format(value);
    if (kept >= MAX_KEPT) {
      for (const shape of formatters.values()) shape.done.clear();
      kept = 0;
    }
    f.done.set(value, text);
    kept++;
  }
  return text;
}

/**
 * Builds a Japanese and an English number formatter (kept, as {@link formatDecimal} would),
 * before a server listens: the first `Intl.NumberFormat` of a locale loads the locale's data, 65 ms
 * for ja-JP and 9 ms for en-GB on the 2-core machine, which the first page printing a figure
 * after a restart paid otherwise (issue 11.5: the first request of each page < 100 ms).
 */
export function prepareNumberFormats(): void {
  for (const lang of ['ja', 'en'] as const) formatDecimal(0, lang, { maxDecimals: 0 });
}

/**
 * `value` as {@link formatDecimal} writes it when no digit needs rounding, written out by hand
 * (issue 11.5): its shortest round-trip digits (`String(value)`, which is what ICU formats from),
 * the integer part grouped by threes with "," and the fraction padded with zeros to `min` digits;
 * ja-JP and en-GB write numbers alike ("-1,234.5"). Undefined whenever Intl must decide: more
 * fraction digits than `max` (rounding), an exponent (below 1e-6, from 1e21), -0, NaN and the
 * infinities. At national scale most figures of a page are formatted once, and Intl took 4-6 % of
 * a city page's main thread; the result is the same text (number-format.test.ts compares it with
 * Intl over many values and shapes).
 */
function plainDecimal(value: number, min: number, max: number, grouping: boolean): string | undefined {
  if (!(Math.abs(value) < 1e15) || Object.is(value, -0)) return undefined;
  const text = String(value);
  if (text.includes('e')) return undefined;
  const dot = text.indexOf('.');
  const fractionLength = dot === -1 ? 0 : text.length - dot - 1;
  if (fractionLength > max) return undefined;
  const start = value < 0 ? 1 : 0;
  const end = dot === -1 ? text.length : dot;
  let out = start === 1 ? '-' : '';
  if (grouping && end - start > 3) {
    let at = start + ((end - start) % 3 || 3);
    out += text.slice(start, at);
    for (; at < end; at += 3) out += `,${text.slice(at, at + 3)}`;
  } else out += text.slice(start, end);
  if (fractionLength === 0 && min === 0) return out;
  return `${out}.${dot === -1 ? '' : text.slice(dot + 1)}${fractionLength < min ? '0'.repeat(min - fractionLength) : ''}`;
}
