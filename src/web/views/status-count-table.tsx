import { KPI_STATUSES, type KpiStatus } from '../../core/kpi/status.ts';
import type { ViewContext } from './view-context.ts';
import { markup, type Markup } from './markup.ts';

/** One row of a {@link StatusCountTable}: a group of KPIs counted by status, each count linking to the KPIs it counts. */
export interface StatusCountRow {
  /** The group's name, read before each count by screen readers ("農政課：達成 1"). */
  readonly label: string;
  /** What the row header shows (markup); the label when absent (a link and a note on the goal's cities page). */
  readonly header?: Markup;
  /** Cells between the row header and the counts, matching the table's `columnsBefore` (population). */
  readonly before?: readonly string[];
  readonly counts: Readonly<Record<KpiStatus, number>>;
  readonly total: number;
  /** Where a count links: the row's KPIs of one status, or all of them without a status. */
  href(status?: KpiStatus): string;
}

/**
 * A table cell holding a count of KPIs: a link to exactly those KPIs, named by `label` for
 * screen readers, or a plain 0 (nothing to link to). As markup: count tables repeat it.
 */
export function countCell(n: number, href: string, label: string, cls?: string): Markup {
  const open = cls === undefined ? markup`<td>` : markup`<td class="${cls}">`;
  return n > 0 ? markup`${open}<a href="${href}" aria-label="${label}">${n}</a></td>` : markup`${open}0</td>`;
}

/** {@link countCell} as a component. */
export function CountCell(props: { n: number; href: string; label: string; class?: string }) {
  return countCell(props.n, props.href, props.label, props.class);
}

/**
 * The table of KPI counts by status (issue 15.1: progress at a glance, per city and across
 * cities; issue 15.6: a goal's cities): a row per group, a column per status and the total,
 * every non-zero count a link to exactly the KPIs it counts. Scrolls in its own region on a
 * phone; its region is named by `labelledBy` (a heading's id) or else by the caption. As markup
 * (markup.ts): the city page has several, each row eight cells with links and labels.
 */
export function StatusCountTable(props: {
  ctx: ViewContext;
  caption: string;
  /** The id of the heading naming the table's region; the caption names it when absent. */
  labelledBy?: string;
  /** The header of the first column (the groups). */
  groupHeader: string;
  columnsBefore?: readonly string[];
  rows: readonly StatusCountRow[];
}): Markup {
  const { ctx } = props;
  // The label before a count: 「農政課：達成 1」, "Agriculture: Achieved 1".
  const sep = ctx.lang === 'ja' ? '：' : ': ';
  const statusLabels = KPI_STATUSES.map((s) => ctx.t(`status.${s}`));
  const totalLabel = ctx.t('pub.glance.total');
  const region = props.labelledBy ? markup`aria-labelledby="${props.labelledBy}"` : markup`aria-label="${props.caption}"`;
  const heads = markup`<th scope="col">${props.groupHeader}</th>${(props.columnsBefore ?? []).map((h) => markup`<th scope="col" class="num">${h}</th>`)}${statusLabels.map((l) => markup`<th scope="col" class="num">${l}</th>`)}<th scope="col" class="num">${totalLabel}</th>`;
  const body = props.rows.map((row) => {
    const counts = KPI_STATUSES.map((s, i) => countCell(row.counts[s], row.href(s), `${row.label}${sep}${statusLabels[i]!} ${row.counts[s]}`, 'num'));
    return markup`<tr><th scope="row">${row.header ?? row.label}</th>${(row.before ?? []).map((cell) => markup`<td class="num">${cell}</td>`)}${counts}<td class="num"><a href="${row.href()}" aria-label="${`${row.label}${sep}${totalLabel} ${row.total}`}">${row.total}</a></td></tr>`;
  });
  return markup`<div class="table-scroll" tabindex="0" role="region" ${region}><table class="glance-table"><caption class="visually-hidden">${props.caption}</caption><thead><tr>${heads}</tr></thead><tbody>${body}</tbody></table></div>`;
}
