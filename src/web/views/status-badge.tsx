import type { KpiStatus } from '../../core/kpi/status.ts';
import { markup, type Markup } from './markup.ts';
import type { ViewContext } from './view-context.ts';

const ICON: Record<KpiStatus, string> = { achieved: '◎', 'on-track': '○', behind: '△', worsening: '×', missed: '✕', 'no-data': '－' };

/**
 * A status as a badge with a symbol and a word, so it is not told by colour alone, as markup
 * (tables repeat it on every row: see markup.ts). `title` is an optional explanation.
 */
export function statusBadge(ctx: Pick<ViewContext, 't'>, status: KpiStatus, title?: string): Markup {
  return title === undefined
    ? markup`<span class="badge badge-${status}"><span aria-hidden="true">${ICON[status]}</span> ${ctx.t(`status.${status}`)}</span>`
    : markup`<span class="badge badge-${status}" title="${title}"><span aria-hidden="true">${ICON[status]}</span> ${ctx.t(`status.${status}`)}</span>`;
}

/** A status as a badge with a symbol and a word, so it is not told by colour alone. */
export function StatusBadge(props: { ctx: ViewContext; status: KpiStatus; title?: string | undefined }) {
  return statusBadge(props.ctx, props.status, props.title);
}

/** An achievement bar as markup: filled to the rate (capped at 100 %), with the number as text. */
export function rateBar(rate: number | null, label: string): Markup {
  const width = rate === null ? 0 : Math.max(0, Math.min(100, rate));
  return markup`<span class="rate"><span class="rate-bar" aria-hidden="true"><span class="rate-fill" style="width:${width.toFixed(1)}%"></span></span><span class="rate-text">${label}</span></span>`;
}

/** An achievement bar: filled to the rate (capped at 100 %), with the number as text. */
export function RateBar(props: { rate: number | null; label: string }) {
  return rateBar(props.rate, props.label);
}
