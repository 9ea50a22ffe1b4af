import { raw } from 'hono/html';
import { chartX } from '../charts/kpi-chart-model.ts';
import { renderIndexedChart, type IndexedChartInput } from '../charts/indexed-comparison.chart.ts';
import type { ComparisonPage, IndexedComparedKpi } from '../../summaries/city-comparison.service.ts';
import type { SameKpiPage } from '../../summaries/comparison.service.ts';
import { fill } from './fill.ts';
import { formatNumber, parens } from './format.ts';
import { Layout } from './layout.tsx';
import { Pager, SummaryKpiTable } from './national-parts.tsx';
import { kpiPath, NextTargetCell, quantityLabel, StatusWithOverride, timeLabel } from './public-parts.tsx';
import { formatCount, PrefectureForm } from './sdg.view.tsx';
import { localized, type ViewContext } from './view-context.ts';

/** An index (baseline = 100) with one decimal, or a dash where it is undefined. */
export function indexLabel(ctx: ViewContext, index: number | null): string {
  return index === null ? '—' : formatNumber(Math.round(index * 10) / 10, 1, ctx.lang);
}

/** Where the compare page links for every city measuring a group's definition. */
export const sameKpiPath = (cityId: string, kpiId: string) => `/compare/kpis/${encodeURIComponent(cityId)}/${encodeURIComponent(kpiId)}`;

/**
 * The compare page's KPIs of one definition measured by two or more chosen cities (issue 15.6):
 * a table (baseline, latest, index, target, next target, status), the indexed chart (baseline =
 * 100, server-side SVG) with its text alternative, and the chart's data as a table.
 */
export function SameKpiBlock(props: { ctx: ViewContext; group: ComparisonPage['sameKpis'][number]; index: number; nationalCount: number | undefined; today: string }) {
  const { ctx, group } = props;
  const first = group.kpis[0]!;
  const name = localized(ctx, first.name, first.nameEn);
  const id = `same-${props.index}`;
  const caption = fill(ctx.t('cmp.same.caption'), { name });
  return (
    <section class="theme" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>
        {name}
        {group.indicator ? <span class="muted small">{parens(fill(ctx.t('cmp.same.indicator'), { code: group.indicator }), ctx.lang)}</span> : null}
      </h3>
      {props.nationalCount !== undefined && props.nationalCount > 0 ? (
        <p>
          <a href={ctx.href(sameKpiPath(first.city.id, first.id))}>{fill(ctx.t('cmp.same.all'), { n: String(props.nationalCount) })}</a>
        </p>
      ) : null}
      <div class="table-scroll" tabindex={0} role="region" aria-label={caption}>
        <table class="kpi-table kpi-cards">
          <caption class="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{ctx.t('pub.city')}</th>
              <th scope="col">{ctx.t('cmp.baseline')}</th>
              <th scope="col">{ctx.t('kpi.latest')}</th>
              <th scope="col">{ctx.t('cmp.index')}</th>
              <th scope="col">{ctx.t('kpi.target')}</th>
              <th scope="col">{ctx.t('cmp.nextTarget')}</th>
              <th scope="col">{ctx.t('kpi.status')}</th>
            </tr>
          </thead>
          <tbody>
            {group.kpis.map((k) => {
              const latest = k.series.length > 1 ? k.series.at(-1)! : null;
              return (
                <tr>
                  <th scope="row">
                    {localized(ctx, k.city.name, k.city.nameEn)}
                    <span class="cell-note">
                      <a href={ctx.href(kpiPath(k.city.id, k.id))}>{localized(ctx, k.name, k.nameEn)}</a>
                    </span>
                  </th>
                  <td class="num" data-label={ctx.t('cmp.baseline')}>
                    {quantityLabel(ctx, k.baseline, k.unit)}
                    {k.baseline ? <span class="cell-note">{timeLabel(k.baseline.at, ctx.lang)}</span> : null}
                  </td>
                  <td class="num" data-label={ctx.t('kpi.latest')}>
                    {quantityLabel(ctx, latest, k.unit)}
                    {latest ? <span class="cell-note">{timeLabel(latest.at, ctx.lang)}</span> : null}
                  </td>
                  <td class="num" data-label={ctx.t('cmp.index')}>
                    {indexLabel(ctx, k.latestIndex)}
                  </td>
                  <td class="num" data-label={ctx.t('kpi.target')}>
                    {quantityLabel(ctx, k.target, k.unit)}
                    {k.target ? <span class="cell-note">{timeLabel(k.target.at, ctx.lang)}</span> : null}
                  </td>
                  <NextTargetCell ctx={ctx} targets={k.targets} unit={k.unit} today={props.today} />
                  <td data-label={ctx.t('kpi.status')}>
                    <StatusWithOverride ctx={ctx} status={k.status} override={k.override} reason />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <IndexedChart ctx={ctx} name={name} kpis={group.kpis} />
      <details>
        <summary>{ctx.t('cmp.same.dataTable')}</summary>
        <div class="table-scroll" tabindex={0} role="region" aria-label={ctx.t('cmp.same.dataTable')}>
          <table class="data-table">
            <caption class="visually-hidden">{ctx.t('cmp.same.dataTable')}</caption>
            <thead>
              <tr>
                <th scope="col">{ctx.t('pub.city')}</th>
                <th scope="col">{ctx.t('cmp.time')}</th>
                <th scope="col">{ctx.t('cmp.value')}</th>
                <th scope="col">{ctx.t('cmp.index')}</th>
              </tr>
            </thead>
            <tbody>
              {group.kpis.flatMap((k) =>
                k.series.map((f, i) => (
                  <tr>
                    <th scope="row">{localized(ctx, k.city.name, k.city.nameEn)}</th>
                    <td>
                      {timeLabel(f.at, ctx.lang)}
                      {i === 0 ? parens(ctx.t('cmp.baseline'), ctx.lang) : ''}
                    </td>
                    <td class="num">{quantityLabel(ctx, f, k.unit)}</td>
                    <td class="num">{indexLabel(ctx, f.index)}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </div>
      </details>
    </section>
  );
}

/** The indexed chart (a wide and a narrow rendering, one shown by CSS) with its text alternative, a sentence per city. */
function IndexedChart(props: { ctx: ViewContext; name: string; kpis: readonly IndexedComparedKpi[] }) {
  const { ctx } = props;
  const cityName = (k: IndexedComparedKpi) => localized(ctx, k.city.name, k.city.nameEn);
  const input: IndexedChartInput = {
    labels: {
      baseline: ctx.t('cmp.same.baselineLine'),
      year: (y: number) => (ctx.lang === 'ja' ? `${Math.round(y)}年` : String(Math.round(y))),
      value: (v: number) => formatNumber(v, Number.isInteger(v) ? 0 : 1, ctx.lang),
    },
    series: props.kpis.map((k) => ({ name: cityName(k), points: k.series.flatMap((f) => (f.index === null ? [] : [{ x: chartX(f.at), value: Math.round(f.index * 10) / 10 }])) })),
  };
  const parts = props.kpis.map((k) => {
    const base = k.series[0]!;
    const latest = k.series.length > 1 ? k.series.at(-1)! : null;
    return latest
      ? fill(ctx.t('cmp.same.chartPart'), {
          city: cityName(k),
          from: timeLabel(base.at, ctx.lang),
          baseline: quantityLabel(ctx, base, k.unit),
          at: timeLabel(latest.at, ctx.lang),
          latest: quantityLabel(ctx, latest, k.unit),
          index: indexLabel(ctx, latest.index),
        })
      : fill(ctx.t('cmp.same.chartPartNoActual'), { city: cityName(k), baseline: quantityLabel(ctx, base, k.unit), from: timeLabel(base.at, ctx.lang) });
  });
  const summary = [fill(ctx.t('cmp.same.chartLead'), { name: props.name }), ...parts].join(ctx.lang === 'ja' ? '' : ' ');
  const a11y = (svg: string) => svg.replace('<svg ', '<svg aria-hidden="true" focusable="false" class="chart-svg" ');
  return (
    <figure class="chart">
      <div role="img" aria-label={summary} class="chart-frame">
        <div class="chart-wide">{raw(a11y(renderIndexedChart(input, 'wide')))}</div>
        <div class="chart-narrow">{raw(a11y(renderIndexedChart(input, 'narrow')))}</div>
      </div>
      <figcaption>{summary}</figcaption>
    </figure>
  );
}

/**
 * `/compare/kpis/:city/:kpi`: every city's KPI of the same definition as one city's, one page
 * of them from the summaries, with population and the latest actual indexed to each city's
 * baseline; filterable by prefecture (GET form), paged; a link comparing the page's first cities.
 */
export function SameKpiPageView(props: { ctx: ViewContext; detail: SameKpiPage; today: string }) {
  const { ctx, detail } = props;
  const name = localized(ctx, detail.origin.name, detail.origin.nameEn);
  const title = fill(ctx.t('cmp.sameKpi.title'), { name });
  const path = sameKpiPath(detail.origin.cityId, detail.origin.kpiId);
  const firstCities = [...new Set(detail.kpis.items.map((k) => k.city.id))].slice(0, 6);
  return (
    <Layout
      ctx={ctx}
      title={title}
      breadcrumbs={[
        { href: ctx.href('/'), label: ctx.t('nav.home') },
        { href: ctx.href('/compare'), label: ctx.t('pub.compare.title') },
      ]}
    >
      <h1>{title}</h1>
      <p class="lead">{fill(ctx.t('cmp.sameKpi.lead'), { name, unit: detail.origin.unit, n: String(detail.cityCount) })}</p>
      <PrefectureForm ctx={ctx} action={path} prefectures={detail.prefectures} prefecture={detail.filter.prefecture} />
      {detail.kpis.total === 0 ? (
        <p role="status">{ctx.t('cmp.sameKpi.none')}</p>
      ) : detail.kpis.items.length > 0 ? (
        <>
          <div class="table-scroll" tabindex={0} role="region" aria-label={`${title}：${ctx.t('cmp.index')}`}>
            <table class="kpi-table kpi-cards">
              <caption class="visually-hidden">{`${title}：${ctx.t('cmp.index')}`}</caption>
              <thead>
                <tr>
                  <th scope="col">{ctx.t('pub.city')}</th>
                  <th scope="col">{ctx.t('cmp.population')}</th>
                  <th scope="col">{ctx.t('cmp.baseline')}</th>
                  <th scope="col">{ctx.t('kpi.latest')}</th>
                  <th scope="col">{ctx.t('cmp.index')}</th>
                </tr>
              </thead>
              <tbody>
                {detail.kpis.items.map((k) => (
                  <tr>
                    <th scope="row">
                      <a href={ctx.href(kpiPath(k.city.id, k.id))}>{localized(ctx, k.city.name, k.city.nameEn)}</a>
                      <span class="cell-note">{localized(ctx, k.city.prefecture, k.city.prefectureEn)}</span>
                    </th>
                    <td class="num" data-label={ctx.t('cmp.population')}>
                      {k.city.population !== undefined ? formatCount(ctx, k.city.population) : '—'}
                    </td>
                    <td class="num" data-label={ctx.t('cmp.baseline')}>
                      {quantityLabel(ctx, k.baseline, k.unit)}
                      {k.baseline ? <span class="cell-note">{timeLabel(k.baseline.at, ctx.lang)}</span> : null}
                    </td>
                    <td class="num" data-label={ctx.t('kpi.latest')}>
                      {quantityLabel(ctx, k.latest, k.unit)}
                      {k.latest ? <span class="cell-note">{timeLabel(k.latest.at, ctx.lang)}</span> : null}
                    </td>
                    <td class="num" data-label={ctx.t('cmp.index')}>
                      {indexLabel(ctx, k.latestIndex)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <SummaryKpiTable ctx={ctx} items={detail.kpis.items} caption={`${title}：${ctx.t('kpi.target')}`} today={props.today} />
          {firstCities.length >= 2 ? (
            <p>
              <a href={ctx.href(`/compare?${firstCities.map((id) => `cities=${encodeURIComponent(id)}`).join('&')}`)}>{fill(ctx.t('cmp.sameKpi.compareThese'), { n: String(firstCities.length) })}</a>
            </p>
          ) : null}
        </>
      ) : null}
      <Pager ctx={ctx} page={detail.kpis} path={path} params={{ prefecture: detail.filter.prefecture }} />
    </Layout>
  );
}
