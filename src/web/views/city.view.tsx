import { UnpublishedYearsNote } from './unpublished-note.tsx';
import type { City } from '../../core/city/city.ts';
import { fill } from './fill.ts';
import { CountTable } from './progress.view.tsx';
import { formatCount } from './sdg.view.tsx';
import { sdgGoals, textColourOn } from '../../core/sdg/sdg-framework.ts';
import type { CityPageSummary } from '../../summaries/city-page.model.ts';
import type { CityKpiListView, HeadlineRows } from '../../cities/city-pages.service.ts';
import { DownloadLinks, goalPath, kpiPath, quantityLabel, rowRateLabel, statusWithOverride, timeLabel } from './public-parts.tsx';
import { Layout } from './layout.tsx';
import { rateBar } from './status-badge.tsx';
import { localized, type ViewContext } from './view-context.ts';
import { joinMarkup, markup, type Markup } from './markup.ts';
import type { KpiListChoices } from '../../kpis/city-kpi-list.service.ts';
import { KpiListSection } from './city-kpi-list.view.tsx';

/**
 * `/cities/:city`: its plans, the SDG goals its KPIs cover, its headline KPIs, progress at a
 * glance (each count a link to the filtered list) and the first page of its KPI list with the
 * list's filter form (issue 11.1: the page is bounded by the page size, whatever the city's size).
 */
export function CityView(props: { ctx: ViewContext; overview: CityPageSummary; headline: HeadlineRows; list: CityKpiListView; choices: KpiListChoices; today: string }) {
  const { ctx, overview: data, headline } = props;
  const { city, glance } = data;
  const name = localized(ctx, city.name, city.nameEn);
  return (
    <Layout ctx={ctx} title={name} breadcrumbs={[{ href: ctx.href('/'), label: ctx.t('nav.home') }]}>
      <h1>{name}</h1>
      <UnpublishedYearsNote ctx={ctx} years={data.unpublishedYears} />
      <p class="muted">
        {localized(ctx, city.prefecture, city.prefectureEn)}
        {city.sdgsFutureCitySince ? ` ・ ${ctx.t('city.sdgsSince')} ${city.sdgsFutureCitySince}` : ''}
      </p>
      <section aria-labelledby="plans-h">
        <h2 id="plans-h">{ctx.t('city.plans')}</h2>
        {data.plans.length === 0 ? <p>{ctx.t('city.empty.noPlans')}</p> : null}
        <ul class="card-list">
          {data.plans.map((p) => (
            <li class="card">
              <p class="muted">{ctx.t(`plan.kind.${p.kind}`)}</p>
              <h3>
                <a href={ctx.href(`/cities/${city.id}/plans/${p.id}`)}>{localized(ctx, p.title, p.titleEn)}</a>
              </h3>
              <p>
                {ctx.t('plan.period')}: {p.periodStart}–{p.periodEnd}
              </p>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="sdg-h">
        <h2 id="sdg-h">{ctx.t('city.sdgCoverage')}</h2>
        <ul class="sdg-grid">{sdgGrid(ctx, new Set(data.coveredGoals))}</ul>
      </section>
      {headline.items.length > 0 ? (
        <section aria-labelledby="headline-h">
          <h2 id="headline-h">{ctx.t('pub.city.headline')}</h2>
          <p class="muted">{ctx.t('pub.city.headlineLead')}</p>
          <ul class="headline-grid">{headlineCards(ctx, city.id, headline)}</ul>
          {headline.node && headline.total > headline.items.length ? (
            <p>
              <a href={ctx.href(`/cities/${city.id}/kpis?${new URLSearchParams({ node: headline.node }).toString()}`)}>{fill(ctx.t('pub.city.headlineAll'), { n: String(headline.total) })}</a>
            </p>
          ) : null}
        </section>
      ) : null}
      {glance.byPlanGoal.length > 0 || glance.byDepartment.length > 0 ? (
        <section aria-labelledby="glance-h">
          <h2 id="glance-h">{ctx.t('cmp.city.glance')}</h2>
          <p class="muted">{ctx.t('cmp.city.glanceLead')}</p>
          {glance.byPlanGoal.map((p, i) => {
            const heading = `${ctx.t('pub.glance.byPlanGoal')}：${localized(ctx, p.plan.title, p.plan.titleEn)}`;
            return (
              <>
                <h3 id={`glance-plan-${i}`}>{heading}</h3>
                <CountTable ctx={ctx} cityId={city.id} caption={heading} rows={p.rows} headingId={`glance-plan-${i}`} />
              </>
            );
          })}
          {glance.byDepartment.length > 0 ? (
            <>
              <h3 id="glance-dept">{ctx.t('pub.glance.byDepartment')}</h3>
              <CountTable ctx={ctx} cityId={city.id} caption={ctx.t('pub.glance.byDepartment')} rows={glance.byDepartment} headingId="glance-dept" />
            </>
          ) : null}
        </section>
      ) : null}
      <PeersLink ctx={ctx} city={city} />
      <section aria-labelledby="kpi-h">
        <h2 id="kpi-h">{ctx.t('pub.kpi.list')}</h2>
        {/* Every KPI as CSV and JSON (the list's downloads; the API's list is paged). */}
        <DownloadLinks ctx={ctx} base={ctx.href(`/cities/${city.id}/kpis`)} label={ctx.t('pub.kpiList.downloadAll')} />
        <p>
          <a href={ctx.href(`/cities/${city.id}/progress`)}>{ctx.t('pub.glance.link')}</a>
        </p>
        <KpiListSection ctx={ctx} city={city} list={props.list} choices={props.choices} caption={ctx.t('pub.kpi.list')} today={props.today} />
        <p>
          <a href={`/cities/${city.id}/download.zip`} download>
            {ctx.t('pub.data.zip')}
          </a>
          {' ・ '}
          <a href={ctx.href('/data')}>{ctx.t('pub.nav.data')}</a>
        </p>
      </section>
    </Layout>
  );
}

/**
 * The headline KPIs as cards (name, latest and target figures, rate bar, status with any
 * override), as markup: the same HTML the JSX gave, written as text (markup.ts).
 */
export function headlineCards(ctx: ViewContext, cityId: string, headline: HeadlineRows): Markup {
  const target = ctx.t('kpi.target');
  return joinMarkup(
    headline.items.map(
      (k) =>
        markup`<li class="card headline"><h3><a href="${ctx.href(kpiPath(cityId, k.kpiId))}">${localized(ctx, k.name, k.nameEn)}</a></h3><p class="headline-figure">${quantityLabel(ctx, k.latest, k.unit)}<span class="muted small"> / ${target} ${quantityLabel(ctx, k.target, k.unit)}${k.target ? `（${timeLabel(k.target.at, ctx.lang)}）` : ''}</span></p><p class="headline-status">${rateBar(k.displayRate, rowRateLabel(ctx, k))} ${statusWithOverride(ctx, k.status, k.override, undefined, true)}</p></li>`,
    ),
  );
}

/** The 17 goals, those the city's KPIs cover in their colours, as markup (every city page has them). */
function sdgGrid(ctx: ViewContext, covered: ReadonlySet<string>): Markup {
  const coveredText = ctx.t('city.covered');
  const notCoveredText = ctx.t('city.notCovered');
  return joinMarkup(
    sdgGoals.map((g) => {
      const on = covered.has(g.id);
      const item = on ? markup`<li class="sdg covered" style="${`background:${g.colour};color:${textColourOn(g.colour)}`}">` : markup`<li class="sdg">`;
      return markup`${item}<span class="sdg-no">${g.id}</span><span class="sdg-name"><a href="${ctx.href(goalPath(g.id))}">${ctx.lang === 'ja' ? g.short.ja : g.short.en}</a></span><span class="visually-hidden">（${on ? coveredText : notCoveredText}）</span></li>`;
    }),
  );
}

/**
 * The city's population and a link to the cities of similar size (issue 15.6). The peers are
 * listed on the compare page (`/compare?peers=`), a cross-city page whose cache follows every
 * city's changes; the city page shows only what belongs to this city.
 */
export function PeersLink(props: { ctx: ViewContext; city: City }) {
  const { ctx, city } = props;
  const compare = `/compare?peers=${encodeURIComponent(city.id)}&cities=${encodeURIComponent(city.id)}`;
  return (
    <section aria-labelledby="peers-h">
      <h2 id="peers-h">{ctx.t('cmp.peers.title')}</h2>
      {city.population !== undefined && city.population > 0 ? (
        <p>
          {ctx.t('cmp.population')} {fill(ctx.t('cmp.persons'), { n: formatCount(ctx, city.population) })}{' '}
          <a href={ctx.href(compare)}>{ctx.t('cmp.peers.find')}</a>
        </p>
      ) : (
        <p>{ctx.t('cmp.peers.noPopulation')}</p>
      )}
    </section>
  );
}
