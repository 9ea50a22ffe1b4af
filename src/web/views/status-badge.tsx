import type { KpiStatus } from '../../core/kpi/status.ts';
import type { ViewContext } from './view-context.ts';

const ICON: Record<KpiStatus, string> = { achieved: '◎', 'on-track': '○', behind: '△', worsening: '×', missed: '✕', 'no-data': '－' };

/** A status as a badge with a symbol and a word, so it is not told by colour alone. */
export function StatusBadge(props: { ctx: ViewContext; status: KpiStatus; title?: string }) {
  return (
    <span class={`badge badge-${props.status}`} title={props.title}>
      <span aria-hidden="true">{ICON[props.status]}</span> {props.ctx.t(`status.${props.status}`)}
    </span>
  );
}

/** An achievement bar: filled to the rate (capped at 100 %), with the number as text. */
export function RateBar(props: { rate: number | null; label: string }) {
  const width = props.rate === null ? 0 : Math.max(0, Math.min(100, props.rate));
  return (
    <span class="rate">
      <span class="rate-bar" aria-hidden="true">
        <span class="rate-fill" style={`width:${width.toFixed(1)}%`}></span>
      </span>
      <span class="rate-text">{props.label}</span>
    </span>
  );
}
