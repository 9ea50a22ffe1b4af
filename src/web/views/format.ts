import type { Lang } from '../../i18n/lang.ts';
import { formatDecimal } from '../../i18n/number-format.ts';
import { formatTimePointEn, formatTimePointJa, type TimePoint } from '../../core/time/time-point.ts';

/** A figure with thousands separators and the decimals it was published with. */
export function formatNumber(value: number, decimals: number | undefined, lang: Lang): string {
  const d = decimals ?? Math.min(2, (String(value).split('.')[1] ?? '').length);
  return formatDecimal(value, lang, { maxDecimals: Math.min(d, 20) });
}

/** A figure and its unit: "1,111 社", "-21.7 %". */
export function formatQuantity(value: number, decimals: number | undefined, unit: string, lang: Lang): string {
  const n = formatNumber(value, decimals, lang);
  return unit ? `${n} ${unit}` : n;
}

/** A rate in percent with one decimal, as the sheets print it. */
export function formatRate(rate: number | null, lang: Lang): string {
  if (rate === null || !Number.isFinite(rate)) return '—';
  return `${formatNumber(Math.round(rate * 10) / 10, 1, lang)}%`;
}

export function formatTime(t: TimePoint, lang: Lang): string {
  return lang === 'ja' ? formatTimePointJa(t) : formatTimePointEn(t);
}

/**
 * A parenthetical in the page's typography: full-width brackets in Japanese （…）, a space and
 * ASCII brackets in English " (…)", so English pages carry no Japanese punctuation.
 */
export function parens(text: string, lang: Lang): string {
  return lang === 'ja' ? `（${text}）` : ` (${text})`;
}
