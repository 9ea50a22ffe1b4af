import type { Child } from 'hono/jsx';
import { KPI_STATUSES, type KpiStatus } from '../../core/kpi/status.ts';
import type { ViewContext } from './view-context.ts';

/** One row of a {@link StatusCountTable}: a group of KPIs counted by status, each count linking to the KPIs it counts. */
export interface StatusCountRow {
  /** The group's name, read before each count by screen readers ("農政課：達成 1"). */
  readonly label: string;
  /** What the row header shows; the label when absent (a link and a note on the goal's cities page). */
  readonly header?: Child;
  /** Cells between the row header and the counts, matching the table's `columnsBefore` (population). */
  readonly before?: readonly string[];
  readonly counts: Readonly<Record<KpiStatus, number>>;
  readonly total: number;
  /** Where a count links: the row's KPIs of one status, or all of them without a status. */
  href(status?: KpiStatus): string;
}

/**
 * A table cell holding a count of KPIs: a link to exactly those KPIs, named by `label` for
 * screen readers, or a plain 0 (nothing to link to).
 */
export function CountCell(props: { n: number; href: string; label: string; class?: string }) {
  return (
    <td class={props.class}>
      {props.n > 0 ? (
        <a href={props.href} aria-label={props.label}>
          {props.n}
        </a>
      ) : (
        '0'
      )}
    </td>
  );
}

/**
 * The table of KPI counts by status (issue 15.1: progress at a glance, per city and across
 * cities; issue 15.6: a goal's cities): a row per group, a column per status and the total,
 * every non-zero count a link to exactly the KPIs it counts. Scrolls in its own region on a
 * phone; its region is named by `labelledBy` (a heading's id) or else by the caption.
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
}) {
  const { ctx } = props;
  // The label before a count: 「農政課：達成 1」, "Agriculture: Achieved 1".
  const sep = ctx.lang === 'ja' ? '：' : ': ';
  const region = props.labelledBy ? { 'aria-labelledby': props.labelledBy } : { 'aria-label': props.caption };
  return (
    <div class="table-scroll" tabindex={0} role="region" {...region}>
      <table class="glance-table">
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{props.groupHeader}</th>
            {(props.columnsBefore ?? []).map((h) => (
              <th scope="col" class="num">
                {h}
              </th>
            ))}
            {KPI_STATUSES.map((s) => (
              <th scope="col" class="num">
                {ctx.t(`status.${s}`)}
              </th>
            ))}
            <th scope="col" class="num">
              {ctx.t('pub.glance.total')}
            </th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr>
              <th scope="row">{row.header ?? row.label}</th>
              {(row.before ?? []).map((cell) => (
                <td class="num">{cell}</td>
              ))}
              {KPI_STATUSES.map((s) => (
                <CountCell class="num" n={row.counts[s]} href={row.href(s)} label={`${row.label}${sep}${ctx.t(`status.${s}`)} ${row.counts[s]}`} />
              ))}
              <td class="num">
                <a href={row.href()} aria-label={`${row.label}${sep}${ctx.t('pub.glance.total')} ${row.total}`}>
                  {row.total}
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
