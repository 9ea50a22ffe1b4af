import { directionNeedsConfirmation } from '../../core/kpi/kpi.ts';
import type { MessageKey } from '../../i18n/messages.ts';
import { UnpublishedYearsNote } from './unpublished-note.tsx';
import { raw } from 'hono/html';
import { formatDecimal } from '../../i18n/number-format.ts';
import type { CalculationRecord } from '../../core/kpi/calculation-record.ts';
import type { KpiEvaluation } from '../../core/kpi/kpi-evaluation.ts';
import type { Observation, PreciseValue } from '../../core/kpi/kpi.ts';
import { overrideLabel } from '../../actuals/observation-source.ts';
import type { TimePoint } from '../../core/time/time-point.ts';
import { formatTimePointWareki } from '../../core/notation/index.ts';
import { timePointEnd } from '../../core/time/time-point.ts';
import type { KpiDetail, PrintedFigure } from '../../kpis/kpi-detail.service.ts';
import { formatTokyoDateTime } from '../../core/time/clock.ts';
import { kpiChartSeries } from '../charts/kpi-chart-model.ts';
import { renderKpiChart, type KpiChartInput } from '../charts/kpi-time-series.chart.ts';
import { formatNumber, formatQuantity, formatRate, formatTime, parens } from './format.ts';
import { fill } from './fill.ts';
import { cityBreadcrumbs, layoutPage, type PageParts } from './layout.tsx';
import { fragments } from './fragment-cache.ts';
import { DownloadLinks, GoalChip, goalPath, OverrideNote, quantityLabel, rateLabel, StatusWithOverride, timeLabel, yearLabel } from './public-parts.tsx';
import { RateBar, statusBadge } from './status-badge.tsx';
import { localized, viewContext, type ViewContext } from './view-context.ts';
import type { Lang } from '../../i18n/lang.ts';
import type { KpiPageParts } from '../../summaries/kpi-page.model.ts';
import { joinMarkup, markup, renderToString, type Markup } from './markup.ts';

/** The keys of calculation records the page labels; others are shown as named in the record. */
const CALC_KEYS = [
  'baseline', 'baselineAt', 'actual', 'actualAt', 'latest', 'latestAt', 'target', 'targetAt', 'direction', 'method', 'points',
  'progressFromBaseline', 'rate', 'ratio', 'elapsedShare', 'expectedValue', 'expectedProgress', 'slopePerYear', 'intercept', 'projectedValue', 'margin',
  'growth', 'observedGrowth', 'requiredGrowth', 'achieved', 'worsening', 'onTrack', 'moderate', 'accelerationNeeded', 'limited',
] as const;
type CalcKey = (typeof CALC_KEYS)[number];
const isCalcKey = (k: string): k is CalcKey => (CALC_KEYS as readonly string[]).includes(k);

/** What the KPI page shows. */
export interface KpiViewProps {
  ctx: ViewContext;
  detail: KpiDetail;
  /** The site's origin (PUBLIC_URL), for the iframe code's absolute URL; undefined when not configured. */
  publicUrl?: string | undefined;
}

/**
 * `/cities/:city/kpis/:kpi`: chart, data table, status with how it was reached, targets,
 * commentary, sources. The page frame is rendered per request; the main content is kept per data
 * version (fragment-cache.ts): `owner` is the city's data as the store handed it out, from which
 * the detail was computed (the key adds the KPI, the language and the public URL).
 */
export function kpiPage(props: KpiViewProps & { owner: object }): PageParts {
  const { ctx, detail } = props;
  const { kpi, data } = detail;
  const city = data.city;
  const main = fragments.get(props.owner, `kpi\u0000${kpi.id}\u0000${ctx.lang}\u0000${props.publicUrl ?? ''}`, () => {
    const parts = kpiMainParts(ctx, detail);
    return parts.before + chartTakeAway(ctx, city.id, kpi.id, parts.embedTitle, props.publicUrl) + parts.after;
  });
  return layoutPage(ctx, localized(ctx, kpi.name, kpi.nameEn), kpiBreadcrumbs(ctx, city), main);
}

/**
 * The KPI page of a city as its summaries keep it (summaries/kpi-page.model.ts, one language):
 * the frame rendered for this request around the kept main content, with the chart's take-away
 * links (the only part that reads the site's public URL) drawn in between. The same bytes as
 * {@link kpiPage} of the detail the parts were rendered from ({@link kpiPageSummaryParts}).
 */
export function kpiPageFromSummary(ctx: ViewContext, page: KpiPageParts, publicUrl: string | undefined): PageParts {
  const city = { id: page.cityId, name: page.cityName };
  return layoutPage(ctx, page.title, kpiBreadcrumbs(ctx, city), page.before + chartTakeAway(ctx, page.cityId, page.kpiId, page.embedTitle, publicUrl) + page.after);
}

/**
 * The KPI page's parts in one language, for the city's summaries (built on write from the city's
 * public view): what {@link kpiPageFromSummary} draws the page from.
 */
export function kpiPageSummaryParts(detail: KpiDetail, lang: Lang): KpiPageParts {
  const ctx = viewContext(lang, '/');
  const { kpi, data } = detail;
  const parts = kpiMainParts(ctx, detail);
  return { cityId: data.city.id, kpiId: kpi.id, lang, title: localized(ctx, kpi.name, kpi.nameEn), cityName: localized(ctx, data.city.name, data.city.nameEn), ...parts };
}

/** The KPI page's trail: home, the city, its KPI list. */
function kpiBreadcrumbs(ctx: ViewContext, city: { readonly id: string; readonly name: string; readonly nameEn?: string | undefined }) {
  return [...cityBreadcrumbs(ctx, city), { href: ctx.href(`/cities/${city.id}/kpis`), label: ctx.t('pub.kpi.list') }];
}

/** The chart's take-away links of a KPI's page as HTML ({@link ChartTakeAway}). */
function chartTakeAway(ctx: ViewContext, cityId: string, kpiId: string, title: string, publicUrl: string | undefined): string {
  return renderToString(<ChartTakeAway ctx={ctx} base={`/cities/${cityId}/kpis/${kpiId}`} title={title} publicUrl={publicUrl} />);
}

/**
 * The KPI page's main content as HTML, before and after the chart's take-away links (which read
 * the site's public URL, so are drawn per process), with the embed title those links use: what
 * the city's data and the language decide.
 */
function kpiMainParts(ctx: ViewContext, detail: KpiDetail): { before: string; embedTitle: string; after: string } {
  const { kpi, data } = detail;
  const city = data.city;
  const name = localized(ctx, kpi.name, kpi.nameEn);
  const cityName = localized(ctx, city.name, city.nameEn);
  const base = `/cities/${city.id}/kpis/${kpi.id}`;
  const before =
    renderToString(<KpiMainHead ctx={ctx} detail={detail} />) +
    markup`<section aria-labelledby="chart-h"><h2 id="chart-h">${ctx.t('pub.kpi.chart')}</h2>`.toString() +
    renderToString(
      <>
        <KpiChartFigure ctx={ctx} detail={detail} />
        <SeriesTable ctx={ctx} detail={detail} />
        <DownloadLinks ctx={ctx} base={ctx.href(base)} json={`/api/v1/cities/${city.id}/kpis/${kpi.id}`} />
      </>,
    );
  const after = '</section>' + renderToString(<KpiMainTail ctx={ctx} detail={detail} />);
  return { before, embedTitle: fill(ctx.t('pub.embed.title'), { kpi: name, city: cityName }), after };
}

/** The KPI page's main content up to its chart: names, facts, where it stands now. */
function KpiMainHead(props: { ctx: ViewContext; detail: KpiDetail }) {
  const { ctx, detail } = props;
  const { kpi, data, evaluation: e } = detail;
  const city = data.city;
  const name = localized(ctx, kpi.name, kpi.nameEn);
  const otherName = ctx.lang === 'ja' ? kpi.nameEn : kpi.name;
  const cityName = localized(ctx, city.name, city.nameEn);
  return (
    <>
      <p class="muted">
        {cityName} ・ {ctx.t('pub.kpi.kicker')}
      </p>
      <h1>{name}</h1>
      <UnpublishedYearsNote ctx={ctx} years={data.unpublishedYears} />
      {otherName && otherName !== name ? (
        <p class="muted" lang={ctx.lang === 'ja' ? 'en' : 'ja'}>
          {otherName}
        </p>
      ) : null}
      <dl class="facts">
        <div>
          <dt>{ctx.t('pub.kpi.unit')}</dt>
          <dd>{kpi.unit || '—'}</dd>
        </div>
        <div>
          <dt>{ctx.t('pub.kpi.aggregation')}</dt>
          <dd>{ctx.t(`pub.aggregation.${kpi.aggregation}`)}</dd>
        </div>
        <div>
          <dt>{ctx.t('pub.kpi.direction')}</dt>
          <dd>{directionNeedsConfirmation(kpi) ? ctx.t('kpi.direction.unconfirmedShort') : e ? ctx.t(`pub.direction.${e.direction}`) : '—'}</dd>
        </div>
        <div>
          <dt>{ctx.t('pub.kpi.method')}</dt>
          <dd>{ctx.t(`pub.method.${kpi.method}`)}</dd>
        </div>
        {kpi.side !== 'none' ? (
          <div>
            <dt>{ctx.t('pub.kpi.side')}</dt>
            <dd>{ctx.t(`kpi.side.${kpi.side}`)}</dd>
          </div>
        ) : null}
        {kpi.department ? (
          <div>
            <dt>{ctx.t('pub.kpi.department')}</dt>
            <dd>{kpi.department}</dd>
          </div>
        ) : null}
      </dl>

      <section aria-labelledby="now-h" class="panel">
        <h2 id="now-h">{ctx.t('pub.kpi.now')}</h2>
        {e ? (
          <div class="now-grid">
            <div>
              <p class="now-label">{ctx.t('kpi.latest')}</p>
              <p class="now-value">{quantityLabel(ctx, e.latest, kpi.unit)}</p>
              <p class="muted small">{e.latest ? timeLabel(e.latest.at, ctx.lang) : ctx.t('pub.kpi.noActual')}</p>
              {e.latest?.platformOverride !== undefined ? <p class="muted small override">{overrideLabel(e.latest, ctx.lang)}</p> : null}
            </div>
            <div>
              <p class="now-label">{ctx.t('kpi.target')}</p>
              <p class="now-value">{quantityLabel(ctx, e.target, kpi.unit)}</p>
              <p class="muted small">{timeLabel(e.target.at, ctx.lang)}</p>
            </div>
            <div>
              <p class="now-label">{ctx.t('kpi.rate')}</p>
              <p class="now-value">
                <RateBar rate={e.status.achievement?.displayRate ?? null} label={rateLabel(ctx, e)} />
              </p>
            </div>
            <div>
              <p class="now-label">{ctx.t('kpi.status')}</p>
              <p class="now-value">
                <StatusWithOverride ctx={ctx} status={e.status.status} override={detail.override} />
              </p>
              <p class="now-label">{ctx.t('kpi.forecast')}</p>
              <p>{ctx.t(`forecast.${e.forecast.verdict}`)}</p>
            </div>
          </div>
        ) : detail.override ? (
          <p class="now-value">
            <StatusWithOverride ctx={ctx} status="no-data" override={detail.override} />
          </p>
        ) : (
          <p>{ctx.t('pub.kpi.noTarget')}</p>
        )}
        {detail.override ? <OverrideNote ctx={ctx} status={e?.status.status ?? 'no-data'} override={detail.override} /> : null}
      </section>
    </>
  );
}

/** The KPI page's main content after its chart: how the status was reached, about, SDG targets, revisions, commentary, published rates, plans, sources. */
function KpiMainTail(props: { ctx: ViewContext; detail: KpiDetail }) {
  const { ctx, detail } = props;
  const { kpi, data, evaluation: e } = detail;
  const city = data.city;
  return (
    <>
      <section aria-labelledby="how-h">
        <h2 id="how-h">{ctx.t('pub.kpi.how')}</h2>
        {e ? <HowReached ctx={ctx} detail={detail} e={e} /> : <p>{ctx.t('pub.kpi.noTarget')}</p>}
        {detail.byTarget.length > 1 ? <ByTargetTable ctx={ctx} detail={detail} /> : null}
      </section>

      <AboutKpi ctx={ctx} detail={detail} />

      <section aria-labelledby="sdg-h">
        <h2 id="sdg-h">{ctx.t('kpi.sdgTargets')}</h2>
        {detail.sdgTargets.length === 0 ? (
          <p>{ctx.t('pub.kpi.noSdg')}</p>
        ) : (
          <ul class="target-list">
            {detail.sdgTargets.map((t) => (
              <li>
                {t.goal ? <GoalChip ctx={ctx} goal={t.goal} /> : null}{' '}
                {t.goal && t.target ? (
                  <a href={`${ctx.href(goalPath(t.goal.id))}#target-${t.id}`}>
                    <strong>{t.id}</strong>
                  </a>
                ) : (
                  <strong>{t.id}</strong>
                )}{' '}
                {t.target ? <span>{localized(ctx, t.target.title.ja, t.target.title.en)}</span> : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="rev-h">
        <h2 id="rev-h">{ctx.t('pub.kpi.revisions')}</h2>
        <RevisionTable ctx={ctx} detail={detail} />
      </section>

      <section aria-labelledby="comment-h">
        <h2 id="comment-h">{ctx.t('pub.kpi.commentary')}</h2>
        <Commentary ctx={ctx} detail={detail} />
      </section>

      <section aria-labelledby="pub-h">
        <h2 id="pub-h">{ctx.t('pub.kpi.published')}</h2>
        <PublishedRates ctx={ctx} detail={detail} />
      </section>

      <section aria-labelledby="plans-h">
        <h2 id="plans-h">{ctx.t('pub.kpi.inPlans')}</h2>
        {detail.uses.length === 0 ? (
          <p>{ctx.t('pub.kpi.inNoPlan')}</p>
        ) : (
          <ul>
            {/* The plan's page unfolded at the KPI's top-level node: a large plan shows that node's KPI tables only there (plan.view.tsx), a small one shows every table whatever node is named. */}
            {detail.uses.map((u) => (
              <li>
                <a href={ctx.href(`/cities/${city.id}/plans/${u.plan.id}?node=${encodeURIComponent(u.nodePath[0]!.id)}`) + `#node-${u.nodePath.at(-1)!.id}`}>{localized(ctx, u.plan.title, u.plan.titleEn)}</a>
                {' › '}
                {u.nodePath.map((n) => `${n.code ? `${n.code} ` : ''}${localized(ctx, n.title, n.titleEn)}`).join(' › ')}
                {u.row.no ? parens(`No. ${u.row.no}`, ctx.lang) : ''}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="src-h">
        <h2 id="src-h">{ctx.t('pub.about.asPublishedIn')}</h2>
        <PublishedIn ctx={ctx} detail={detail} />
      </section>
    </>
  );
}

/** What the KPI's chart draws, with the labels in the page's language (the page, the downloads and the embed page share it). */
export function kpiChartInput(ctx: ViewContext, detail: KpiDetail): KpiChartInput {
  const { kpi, evaluation: e } = detail;
  const series = kpiChartSeries(detail, e);
  return {
    ...series,
    unit: kpi.unit,
    labels: {
      baseline: ctx.t('kpi.baseline'),
      actual: ctx.t('pub.chart.actual'),
      target: ctx.t('kpi.target'),
      line: ctx.t('pub.chart.line'),
      forecast: ctx.t('pub.chart.forecast'),
      year: (y) => (ctx.lang === 'ja' ? `${y}年` : String(y)),
      value: (v) => formatNumber(v, undefined, ctx.lang),
    },
  };
}

/** The chart (a wide and a narrow rendering, one shown by CSS) with its text alternative. */
export function KpiChartFigure(props: { ctx: ViewContext; detail: KpiDetail }) {
  const { ctx, detail } = props;
  const input = kpiChartInput(ctx, detail);
  const summary = chartSummary(ctx, detail);
  const a11y = (svg: string) => svg.replace('<svg ', '<svg aria-hidden="true" focusable="false" class="chart-svg" ');
  return (
    <figure class="chart">
      <div role="img" aria-label={summary} class="chart-frame">
        <div class="chart-wide">{raw(a11y(renderKpiChart(input, 'wide')))}</div>
        <div class="chart-narrow">{raw(a11y(renderKpiChart(input, 'narrow')))}</div>
      </div>
      <figcaption>{summary}</figcaption>
    </figure>
  );
}

/** One or two sentences saying what the chart shows: from where to where, against which target, and the outlook. */
export function chartSummary(ctx: ViewContext, detail: KpiDetail): string {
  const { kpi, evaluation: e } = detail;
  const q = (v: { value: number; decimals?: number; at: TimePoint }) => fill(ctx.t('pub.chart.figureAt'), { value: formatQuantity(v.value, v.decimals, kpi.unit, ctx.lang), at: timeLabel(v.at, ctx.lang) });
  const parts = [e?.latest ? fill(ctx.t('pub.chart.summaryLatest'), { baseline: q(kpi.baseline), latest: q(e.latest) }) : fill(ctx.t('pub.chart.summaryNoActual'), { baseline: q(kpi.baseline) })];
  if (e) {
    parts.push(
      fill(ctx.t('pub.chart.summaryTarget'), {
        target: q(e.target),
        rate: rateLabel(ctx, e),
        status: ctx.t(`status.${e.status.status}`),
        forecast: ctx.t(`forecast.${e.forecast.verdict}`),
      }),
    );
  }
  if (detail.observations.length > 1) parts.push(fill(ctx.t('pub.chart.summaryCount'), { n: String(detail.observations.length) }));
  return parts.join(ctx.lang === 'ja' ? '' : ' ');
}

type SeriesRow = { kind: 'baseline' | 'actual' | 'target'; at: TimePoint; value: number; decimals?: number; note?: string; precise?: PreciseValue; override?: string };

/** The label of an actual typed in over a partner-platform count, in the page's language (issue 10.3), as a row field. */
function overrideOf(ctx: ViewContext, o: Observation): { override?: string } {
  const label = overrideLabel(o, ctx.lang);
  return label === null ? {} : { override: label };
}

/** The chart's data as a table: baseline, actuals and targets in time order. */
export function SeriesTable(props: { ctx: ViewContext; detail: KpiDetail; captionId?: string }) {
  const { ctx, detail } = props;
  const { kpi } = detail;
  const rows: SeriesRow[] = [
    { kind: 'baseline' as const, at: kpi.baseline.at, value: kpi.baseline.value, ...(kpi.baseline.decimals !== undefined ? { decimals: kpi.baseline.decimals } : {}), ...(kpi.baseline.precise ? { precise: kpi.baseline.precise } : {}) },
    ...detail.observations.map((o): SeriesRow => ({ kind: 'actual', at: o.at, value: o.value, ...(o.decimals !== undefined ? { decimals: o.decimals } : {}), ...(o.source ? { note: o.source } : {}), ...(o.precise ? { precise: o.precise } : {}), ...overrideOf(ctx, o) })),
    ...kpi.targets.map((t): SeriesRow => ({ kind: 'target', at: t.at, value: t.value, ...(t.decimals !== undefined ? { decimals: t.decimals } : {}), ...(t.precise ? { precise: t.precise } : {}) })),
  ].sort((a, b) => timePointEnd(a.at) - timePointEnd(b.at) || order(a.kind) - order(b.kind));
  return (
    <div class="table-scroll" tabindex={0} role="region" aria-labelledby={props.captionId ?? 'series-caption'}>
      <table>
        <caption id={props.captionId ?? 'series-caption'}>{ctx.t('pub.kpi.seriesTable')}</caption>
        <thead>
          <tr>
            <th scope="col">{ctx.t('pub.kpi.when')}</th>
            {ctx.lang === 'ja' ? <th scope="col">{ctx.t('pub.kpi.wareki')}</th> : null}
            <th scope="col">{ctx.t('pub.kpi.kind')}</th>
            <th scope="col">{ctx.t('pub.kpi.value')}</th>
          </tr>
        </thead>
        <tbody>
          {joinMarkup(
            rows.map(
              (r) =>
                markup`<tr><th scope="row">${formatTime(r.at, ctx.lang)}</th>${ctx.lang === 'ja' ? markup`<td>${formatTimePointWareki(r.at)}</td>` : null}<td>${ctx.t(`pub.series.${r.kind}`)}</td><td class="num">${formatQuantity(r.value, r.decimals, kpi.unit, ctx.lang)}${r.precise ? preciseNote(ctx, r.precise, kpi.unit) : null}${r.override ? markup`<span class="cell-note override">${r.override}</span>` : null}</td></tr>`,
            ),
          )}
        </tbody>
      </table>
    </div>
  );
}

/**
 * The unrounded value behind a printed figure, which rates use (issue 10.7), with where it
 * comes from: stated by a document, or inferred from the rate the city published.
 */
function preciseNote(ctx: ViewContext, precise: PreciseValue, unit: string): Markup {
  const text = fill(ctx.t(precise.basis === 'stated' ? 'pub.kpi.precise.stated' : 'pub.kpi.precise.inferred'), { value: formatQuantity(precise.value, undefined, unit, ctx.lang) });
  return markup`<span class="cell-note precise" title="${precise.source}">${text}</span>`;
}

const order = (k: SeriesRow['kind']) => (k === 'baseline' ? 0 : k === 'actual' ? 1 : 2);

/** The status, rate, forecast and international assessments with their calculation records. */
function HowReached(props: { ctx: ViewContext; detail: KpiDetail; e: KpiEvaluation }) {
  const { ctx, e } = props;
  const a = e.status.achievement;
  return (
    <div class="how">
      <p>
        {ctx.t('pub.kpi.against')} {quantityLabel(ctx, e.target, props.detail.kpi.unit)}
        {parens(timeLabel(e.target.at, ctx.lang), ctx.lang)}
      </p>
      <h3>
        {ctx.t('kpi.status')}: <StatusWithOverride ctx={ctx} status={e.status.status} override={props.detail.override} />
      </h3>
      <p>{e.status.record.explanation[ctx.lang]}</p>
      {a ? <p class="muted">{ctx.t('kpi.rate')}: {a.record.explanation[ctx.lang]}</p> : null}
      <RecordDetails ctx={ctx} record={e.status.record} />
      <h3>
        {ctx.t('kpi.forecast')}: {ctx.t(`forecast.${e.forecast.verdict}`)}
      </h3>
      <p>{e.forecast.record.explanation[ctx.lang]}</p>
      <RecordDetails ctx={ctx} record={e.forecast.record} />
      <h3>
        {ctx.t('pub.kpi.un')}: {ctx.t(`pub.un.${e.un.category}`)}
      </h3>
      <p>{e.un.record.explanation[ctx.lang]}</p>
      <RecordDetails ctx={ctx} record={e.un.record} />
      <h3>
        {ctx.t('pub.kpi.openSdg')}: {ctx.t(`pub.opensdg.${e.openSdg.status}`)}
      </h3>
      <p>{e.openSdg.record.explanation[ctx.lang]}</p>
      <RecordDetails ctx={ctx} record={e.openSdg.record} />
    </div>
  );
}

/** A calculation record's inputs, intermediate values and thresholds, folded away under a summary. */
function RecordDetails(props: { ctx: ViewContext; record: CalculationRecord }) {
  const { ctx, record } = props;
  const groups = [
    ['pub.calc.inputs', record.inputs],
    ['pub.calc.intermediate', record.intermediate],
    ['pub.calc.thresholds', record.thresholds],
  ] as const;
  if (groups.every(([, g]) => Object.keys(g).length === 0)) return null;
  const sep = ctx.lang === 'ja' ? '：' : ': ';
  const lists = groups.map(([label, values]) => {
    const entries = Object.entries(values);
    if (entries.length === 0) return null;
    return markup`<dl><dt class="record-group">${ctx.t(label)}</dt>${entries.map(([k, v]) => markup`<div><dt>${isCalcKey(k) ? ctx.t(`pub.calc.${k}`) : k}</dt><dd>${calcValue(ctx, k, v)}</dd></div>`)}</dl>`;
  });
  // As markup (markup.ts): the KPI page has four of these, some twenty values each.
  return markup`<details class="record"><summary>${ctx.t('pub.calc.details')}${parens(`${ctx.t('pub.calc.method')}${sep}${methodName(ctx, record.method)}`, ctx.lang)}</summary><div class="record-grid">${lists}</div></details>`;
}

/** The name of a calculation method in the page's language (the record keeps its stable id for the API). */
function methodName(ctx: ViewContext, method: string): string {
  const key = `pub.calc.methodName.${method}` as MessageKey;
  const text = ctx.t(key);
  return text === key ? method : text;
}

function calcValue(ctx: ViewContext, key: string, v: number | string | null): string {
  if (v === null) return '—';
  if (key === 'direction' && (v === 'up' || v === 'down')) return ctx.t(`pub.direction.${v}`);
  if (key === 'method' && (v === 'progress-from-baseline' || v === 'ratio')) return ctx.t(`pub.method.${v}`);
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  // Times are fractional years (2024.25 = end of March 2024): no thousands separator.
  const d = key.endsWith('At') ? 2 : Math.abs(v) >= 100 ? 2 : 4;
  return formatDecimal(Number(v.toFixed(d)), ctx.lang, { minDecimals: 0, maxDecimals: d, grouping: !key.endsWith('At') });
}

/** Rate and status against every target, when the KPI has several (2023 and 2025). */
function ByTargetTable(props: { ctx: ViewContext; detail: KpiDetail }) {
  const { ctx, detail } = props;
  return (
    <div class="table-scroll" tabindex={0} role="region" aria-labelledby="bytarget-caption">
      <table>
        <caption id="bytarget-caption">{ctx.t('pub.kpi.byTarget')}</caption>
        <thead>
          <tr>
            <th scope="col">{ctx.t('kpi.target')}</th>
            <th scope="col">{ctx.t('kpi.rate')}</th>
            <th scope="col">{ctx.t('kpi.status')}</th>
            <th scope="col">{ctx.t('kpi.forecast')}</th>
          </tr>
        </thead>
        <tbody>
          {detail.byTarget.map(
            ({ target, evaluation }) =>
              markup`<tr><th scope="row">${quantityLabel(ctx, target, detail.kpi.unit)}${parens(timeLabel(target.at, ctx.lang), ctx.lang)}</th><td class="num">${rateLabel(ctx, evaluation)}</td><td>${statusBadge(ctx, evaluation.status.status)}</td><td>${ctx.t(`forecast.${evaluation.forecast.verdict}`)}</td></tr>`,
          )}
        </tbody>
      </table>
    </div>
  );
}

function RevisionTable(props: { ctx: ViewContext; detail: KpiDetail }) {
  const { ctx, detail } = props;
  const { kpi } = detail;
  const revisions = kpi.targets.flatMap((t) => t.revisions.map((r) => ({ t, r })));
  if (revisions.length === 0) return <p>{ctx.t('pub.kpi.noRevisions')}</p>;
  return (
    <div class="table-scroll" tabindex={0} role="region" aria-labelledby="rev-caption">
      <table>
        <caption id="rev-caption" class="visually-hidden">
          {ctx.t('pub.kpi.revisions')}
        </caption>
        <thead>
          <tr>
            <th scope="col">{ctx.t('pub.kpi.revisedOn')}</th>
            <th scope="col">{ctx.t('kpi.target')}</th>
            <th scope="col">{ctx.t('pub.kpi.oldNew')}</th>
            <th scope="col">{ctx.t('pub.kpi.reason')}</th>
          </tr>
        </thead>
        <tbody>
          {revisions.map(
            ({ t, r }) =>
              markup`<tr><th scope="row">${r.revisedOn}</th><td>${timeLabel(t.at, ctx.lang)}</td><td class="num">${formatQuantity(r.oldValue, t.decimals, kpi.unit, ctx.lang)} → ${formatQuantity(r.newValue, t.decimals, kpi.unit, ctx.lang)}</td><td>${r.reason}</td></tr>`,
          )}
        </tbody>
      </table>
    </div>
  );
}

function Commentary(props: { ctx: ViewContext; detail: KpiDetail }) {
  const { ctx, detail } = props;
  if (detail.commentary.length === 0) return <p>{ctx.t('pub.kpi.noCommentary')}</p>;
  const years = [...new Set(detail.commentary.map((c) => c.year))];
  return (
    <>
      {years.map((y) => (
        <div class="commentary-year">
          <h3>{y === null ? ctx.t('pub.kpi.yearUnknown') : yearLabel(y, ctx.lang)}</h3>
          {detail.commentary
            .filter((c) => c.year === y)
            .map((c) => (
              <div class="comment">
                <p class="comment-kind">
                  {ctx.t(`pub.comment.${c.kind}`)}
                  {c.plan ? <span class="muted">{parens(localized(ctx, c.plan.title, c.plan.titleEn), ctx.lang)}</span> : null}
                  {c.observation ? <span class="muted">{parens(timeLabel(c.observation.at, ctx.lang), ctx.lang)}</span> : null}
                </p>
                <p class="prewrap">{c.text}</p>
              </div>
            ))}
        </div>
      ))}
    </>
  );
}

function PublishedRates(props: { ctx: ViewContext; detail: KpiDetail }) {
  const { ctx, detail } = props;
  if (detail.publishedRates.length === 0) return <p>{ctx.t('pub.kpi.noPublished')}</p>;
  return (
    <div class="table-scroll" tabindex={0} role="region" aria-labelledby="pubrate-caption">
      <table>
        <caption id="pubrate-caption" class="visually-hidden">
          {ctx.t('pub.kpi.published')}
        </caption>
        <thead>
          <tr>
            <th scope="col">{ctx.t('pub.kpi.document')}</th>
            <th scope="col">{ctx.t('pub.kpi.actualAt')}</th>
            <th scope="col">{ctx.t('pub.kpi.printed')}</th>
            <th scope="col">
              {ctx.t('pub.kpi.recomputed')}
              <span class="cell-note">{ctx.t('pub.kpi.asPublished')}</span>
            </th>
            <th scope="col">{ctx.t('pub.kpi.verdict')}</th>
            <th scope="col">{ctx.t('pub.kpi.today')}</th>
          </tr>
        </thead>
        <tbody>
          {detail.publishedRates.map(({ published, document, result, asPublished, today }) => {
            const target = detail.kpi.targets.find((t) => t.id === published.targetId);
            const unit = detail.kpi.unit;
            return (
              <tr>
                <th scope="row">
                  {document?.title ?? published.documentId}
                  {document ? <span class="cell-note">{document.published}</span> : null}
                  {target && asPublished ? (
                    <span class="cell-note">
                      {ctx.t('kpi.target')} {formatQuantity(asPublished.target.value, asPublished.target.decimals, unit, ctx.lang)}
                      {parens(timeLabel(target.at, ctx.lang), ctx.lang)}
                    </span>
                  ) : null}
                </th>
                <td>{timeLabel(published.actualAt, ctx.lang)}</td>
                <td class="num">{published.printed}</td>
                <td class="num">
                  {result ? formatRate(result.rate ?? result.ratio, ctx.lang) : '—'}
                  {asPublished && document ? (
                    <span class="cell-note">
                      {fill(ctx.t('pub.kpi.asPublishedNote'), {
                        date: document.published,
                        actual: formatQuantity(asPublished.actual.value, asPublished.actual.decimals, unit, ctx.lang),
                        target: formatQuantity(asPublished.target.value, asPublished.target.decimals, unit, ctx.lang),
                      })}
                    </span>
                  ) : null}
                </td>
                <td>
                  <span class={`verdict verdict-${result?.verdict ?? 'missing'}`}>{ctx.t(`pub.verdict.${result?.verdict ?? 'missing'}`)}</span>
                  {result?.explanation ? <p class="small">{result.explanation.text[ctx.lang]}</p> : null}
                </td>
                <td class="num">
                  {today ? formatRate(today.rate, ctx.lang) : '—'}
                  {today ? (
                    <span class="cell-note">
                      {fill(ctx.t('pub.kpi.todayNote'), {
                        actual: formatQuantity(today.actual.value, today.actual.decimals, unit, ctx.lang),
                        target: formatQuantity(today.target.value, today.target.decimals, unit, ctx.lang),
                      })}
                    </span>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Every KPI explained (issue 15.2): definition, source, provider, update frequency, department,
 * method and formula, revisions and the last update, as a description list. Only what the public
 * view holds reaches here; a field staff left empty says so rather than disappearing.
 */
function AboutKpi(props: { ctx: ViewContext; detail: KpiDetail }): Markup {
  const { ctx, detail } = props;
  const { about } = detail;
  const m = about.metadata;
  const stated = (v: string | undefined) => (v ? markup`<dd class="prewrap">${v}</dd>` : markup`<dd class="muted">${ctx.t('pub.about.notStated')}</dd>`);
  const item = (label: MessageKey, dd: Markup) => markup`<div><dt>${ctx.t(label)}</dt>${dd}</div>`;
  const revisions = about.revisionCount === 0 ? ctx.t('pub.about.noRevisions') : markup`<a href="#rev-h">${fill(ctx.t('pub.about.revisionCount'), { n: String(about.revisionCount) })}</a>`;
  const updated = about.lastUpdated ? markup`<time datetime="${about.lastUpdated}">${formatTokyoDateTime(about.lastUpdated)}</time>` : '—';
  // As markup (markup.ts): nine fields on every KPI page, the same HTML the JSX gave.
  return markup`<section aria-labelledby="about-h"><h2 id="about-h">${ctx.t('pub.about.title')}</h2><dl class="about">${[
    item('pub.about.definition', stated(m.definition)),
    item('pub.about.dataSource', stated(m.dataSource)),
    item('pub.about.dataProvider', stated(m.dataProvider)),
    item('pub.about.updateFrequency', stated(m.updateFrequency ? ctx.t(`kpi.updateFrequency.${m.updateFrequency}`) : undefined)),
    item('pub.about.department', stated(about.department)),
    item('pub.about.method', markup`<dd>${ctx.t(`pub.method.${about.method}`)}</dd>`),
    item('pub.about.formula', markup`<dd>${about.formula[ctx.lang]}</dd>`),
    item('pub.about.revisions', markup`<dd>${revisions}</dd>`),
    item('pub.about.lastUpdated', markup`<dd>${updated}<span class="about-note">${ctx.t('pub.about.lastUpdatedNote')}</span></dd>`),
  ]}</dl></section>`;
}

/** The documents that printed this KPI ("as published in"), each with the figures it printed. */
function PublishedIn(props: { ctx: ViewContext; detail: KpiDetail }) {
  const { ctx, detail } = props;
  const { kpi, data } = detail;
  const list = detail.about.publishedIn;
  if (list.length === 0) {
    return (
      <>
        <p>{ctx.t('pub.about.asPublishedNone')}</p>
        {data.documents.length > 0 ? (
          <>
            <p>{ctx.t('pub.kpi.sourcesCity')}</p>
            <ul>
              {data.documents.map((d) => (
                <li>
                  {d.title} <span class="muted">{parens(`${ctx.t('pub.published')} ${d.published}`, ctx.lang)}</span>
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </>
    );
  }
  const figure = (f: PrintedFigure) =>
    f.kind === 'rate'
      ? fill(ctx.t('pub.about.figure.rate'), { printed: f.printed, at: timeLabel(f.at, ctx.lang) })
      : fill(ctx.t(`pub.about.figure.${f.kind}`), { value: formatQuantity(f.value, f.decimals, kpi.unit, ctx.lang), at: timeLabel(f.at, ctx.lang) });
  return (
    <div class="table-scroll" tabindex={0} role="region" aria-labelledby="pubin-caption">
      <table>
        <caption id="pubin-caption" class="visually-hidden">
          {ctx.t('pub.about.asPublishedIn')}
        </caption>
        <thead>
          <tr>
            <th scope="col">{ctx.t('pub.about.document')}</th>
            <th scope="col">{ctx.t('pub.about.figures')}</th>
          </tr>
        </thead>
        <tbody>
          {list.map((p) => (
            <tr>
              <th scope="row">
                {p.title}
                {p.document ? <span class="cell-note">{ctx.t('pub.published')} {p.document.published}</span> : null}
              </th>
              <td>
                <ul class="plain">
                  {p.figures.map((f) => (
                    <li>{figure(f)}</li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Text made safe inside a double-quoted HTML attribute of code people paste into their pages. */
const attributeText = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Links to take the chart away (issue 15.4): SVG and PNG downloads, the embeddable page and its
 * iframe code. The code's src is absolute with the configured site address (PUBLIC_URL); without
 * it, the path, with a note to put the site's address before it (never the request's Host: see
 * WebConfig.publicUrl). The iframe is titled with the KPI and city, as the host page's readers need.
 */
function ChartTakeAway(props: { ctx: ViewContext; base: string; title: string; publicUrl: string | undefined }) {
  const { ctx, base } = props;
  const embed = ctx.href(`${base}/embed`);
  const src = props.publicUrl ? `${props.publicUrl}${embed}` : embed;
  const code = `<iframe src="${attributeText(src)}" title="${attributeText(props.title)}" width="800" height="560" loading="lazy"></iframe>`;
  return (
    <>
      <p class="downloads">
        <span class="downloads-label">{ctx.t('pub.chart.take')}</span>
        <a href={ctx.href(`${base}/chart.svg`)} download type="image/svg+xml">
          {ctx.t('pub.chart.svg')}
        </a>
        <a href={ctx.href(`${base}/chart.png`)} download type="image/png">
          {ctx.t('pub.chart.png')}
        </a>
        <a href={embed}>{ctx.t('pub.chart.embedPage')}</a>
      </p>
      <details class="embed-code">
        <summary>{ctx.t('pub.chart.embedCode')}</summary>
        <p id="embed-hint">{ctx.t(props.publicUrl ? 'pub.chart.embedHintAbsolute' : 'pub.chart.embedHint')}</p>
        <pre tabindex={0} aria-describedby="embed-hint">
          <code>{code}</code>
        </pre>
      </details>
    </>
  );
}
