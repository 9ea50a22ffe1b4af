import { KPI_STATUSES } from '../../core/kpi/status.ts';
import type { Page, PrefectureCount, SummarizedKpi } from '../../summaries/national.service.ts';
import { parens } from './format.ts';
import { formatDecimal } from '../../i18n/number-format.ts';
import { fill } from './fill.ts';
import { KpiTable } from './public-parts.tsx';
import { localized, type ViewContext } from './view-context.ts';

/** A link to `path` with `params` (empty values left out), keeping the page's language. */
export function withQuery(ctx: ViewContext, path: string, params: Readonly<Record<string, string | number | undefined>>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return ctx.href(s ? `${path}?${s}` : path);
}

/**
 * Previous / next links and the range shown ("全1,234件中 51～100件目"), as plain links so the
 * list pages without JavaScript; `params` are the current filters kept on every link.
 */
export function Pager<T>(props: {
  ctx: ViewContext;
  page: Page<T>;
  path: string;
  params: Readonly<Record<string, string | undefined>>;
  /** Also link each page by number (first, last and two either side of the current one), for short lists such as a city's KPIs. */
  numbered?: boolean;
}) {
  const { ctx, page } = props;
  if (page.total === 0) return null;
  const from = (page.page - 1) * page.pageSize + 1;
  const to = Math.min(page.total, from + page.items.length - 1);
  const link = (n: number) => withQuery(ctx, props.path, { ...props.params, page: n === 1 ? undefined : n });
  if (page.items.length === 0) {
    // A page number past the end (an old link, a hand-typed URL): say so and lead back.
    return (
      <nav class="pager" aria-label={ctx.t('nat.pager.label')}>
        <p class="pager-range" role="status">
          {fill(ctx.t('nat.pager.beyond'), { page: String(page.page), pages: String(page.pageCount) })} <a href={link(1)}>{ctx.t('nat.pager.first')}</a>
        </p>
      </nav>
    );
  }
  return (
    <nav class="pager" aria-label={ctx.t('nat.pager.label')}>
      <p class="pager-range">{fill(ctx.t('nat.pager.range'), { total: formatDecimal(page.total, ctx.lang, { minDecimals: 0, maxDecimals: 3 }), from: String(from), to: String(to) })}</p>
      {page.pageCount > 1 ? (
        <ul class="pager-links">
          <li>{page.page > 1 ? <a href={link(page.page - 1)} rel="prev">← {ctx.t('nat.pager.prev')}</a> : null}</li>
          {props.numbered ? (
            pageNumbers(page.page, page.pageCount).map((n) =>
              n === null ? (
                <li aria-hidden="true">…</li>
              ) : n === page.page ? (
                <li aria-current="page">{fill(ctx.t('nat.pager.page'), { page: String(n) })}</li>
              ) : (
                <li>
                  <a href={link(n)} aria-label={fill(ctx.t('nat.pager.page'), { page: String(n) })}>
                    {n}
                  </a>
                </li>
              ),
            )
          ) : (
            <li aria-current="page">
              {fill(ctx.t('nat.pager.page'), { page: String(page.page) })} / {page.pageCount}
            </li>
          )}
          <li>{page.page < page.pageCount ? <a href={link(page.page + 1)} rel="next">{ctx.t('nat.pager.next')} →</a> : null}</li>
        </ul>
      ) : null}
    </nav>
  );
}

/** The page numbers a numbered pager links: the first, the last and two either side of `current`, null for a gap. */
export function pageNumbers(current: number, count: number): (number | null)[] {
  const out: (number | null)[] = [];
  for (let n = 1; n <= count; n++) {
    if (n === 1 || n === count || Math.abs(n - current) <= 2) out.push(n);
    else if (out[out.length - 1] !== null) out.push(null);
  }
  return out;
}

/** A select of prefectures (those hosting cities), "all" first. */
export function PrefectureSelect(props: { ctx: ViewContext; prefectures: readonly PrefectureCount[]; value: string | undefined; id: string }) {
  const { ctx } = props;
  return (
    <>
      <label for={props.id}>{ctx.t('nat.filter.prefecture')}</label>
      <select id={props.id} name="prefecture">
        <option value="">{ctx.t('nat.filter.all')}</option>
        {props.prefectures.map((p) => (
          <option value={p.prefecture} selected={p.prefecture === props.value}>
            {localized(ctx, p.prefecture, p.prefectureEn)}
            {parens(String(p.cities), ctx.lang)}
          </option>
        ))}
      </select>
    </>
  );
}

/** A select of KPI statuses, "all" first. */
export function StatusSelect(props: { ctx: ViewContext; value: string | undefined; id: string }) {
  const { ctx } = props;
  return (
    <>
      <label for={props.id}>{ctx.t('nat.filter.status')}</label>
      <select id={props.id} name="status">
        <option value="">{ctx.t('nat.filter.all')}</option>
        {KPI_STATUSES.map((s) => (
          <option value={s} selected={s === props.value}>
            {ctx.t(`status.${s}`)}
          </option>
        ))}
      </select>
    </>
  );
}

/** The KPIs of a cross-city list from their summaries: city, name with targets, latest, target, next target after `today`, 達成度, status, forecast ({@link KpiTable} with the city column). */
export function SummaryKpiTable(props: { ctx: ViewContext; items: readonly SummarizedKpi[]; caption: string; today: string }) {
  return <KpiTable ctx={props.ctx} rows={props.items.map((k) => ({ ...k, kpiId: k.id }))} showCity caption={props.caption} today={props.today} />;
}
