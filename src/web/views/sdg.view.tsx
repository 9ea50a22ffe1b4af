import { textColourOn } from '../../core/sdg/sdg-framework.ts';
import type { GoalCitiesPage } from '../../summaries/comparison.service.ts';
import type { GoalCount, GoalPage, PrefectureCount } from '../../summaries/national.service.ts';
import { fill } from './fill.ts';
import { parens } from './format.ts';
import { Layout } from './layout.tsx';
import { StatusCountTable } from './status-count-table.tsx';
import { Pager, PrefectureSelect, StatusSelect, SummaryKpiTable, withQuery } from './national-parts.tsx';
import { DownloadLinks, goalPath } from './public-parts.tsx';
import { localized, type ViewContext } from './view-context.ts';
import { markup } from './markup.ts';

/** `/sdgs`: the 17 goals in their colours, each with how many KPIs of how many cities address it. */
export function SdgGoalsView(props: { ctx: ViewContext; goals: readonly GoalCount[]; prefectures: readonly PrefectureCount[]; prefecture: string | undefined }) {
  const { ctx, prefecture } = props;
  const query = withQuery(ctx, '/sdgs', { prefecture });
  return (
    <Layout ctx={ctx} title={ctx.t('pub.sdg.title')} breadcrumbs={[{ href: ctx.href('/'), label: ctx.t('nav.home') }]}>
      <h1>{ctx.t('pub.sdg.title')}</h1>
      <p class="lead">{ctx.t('pub.sdg.lead')}</p>
      <PrefectureForm ctx={ctx} action="/sdgs" prefectures={props.prefectures} prefecture={prefecture} />
      {prefecture !== undefined ? <p role="status">{fill(ctx.t('cmp.sdg.prefectureNote'), { prefecture: prefectureLabel(ctx, props.prefectures, prefecture) })}</p> : null}
      <ul class="goal-grid">
        {props.goals.map(({ goal, kpiCount, cityCount }) => (
          <li>
            <a class="goal-tile" href={withQuery(ctx, goalPath(goal.id), { prefecture })} style={`background:${goal.colour};color:${textColourOn(goal.colour)}`}>
              <span class="goal-no">{goal.id}</span>
              <span class="goal-name">{localized(ctx, goal.short.ja, goal.short.en)}</span>
              <span class="goal-count">{kpiCount > 0 ? fill(ctx.t('nat.sdg.count'), { kpis: String(kpiCount), cities: String(cityCount) }) : ctx.t('pub.sdg.none')}</span>
            </a>
          </li>
        ))}
      </ul>
      <DownloadLinks ctx={ctx} base={query} json="/api/v1/sdgs" />
      <p>
        <a href={withQuery(ctx, '/progress', { prefecture })}>{ctx.t('pub.glance.nationalTitle')}</a>
      </p>
      <p class="muted small">{ctx.t('pub.sdg.sourceNote')}</p>
    </Layout>
  );
}

/**
 * `/sdgs/:goal`: the goal's targets with their KPI counts (each a filter link), then one page of
 * the KPIs of every city tagged with one of its targets, filterable by target, prefecture and
 * status with a GET form (no JavaScript), and the targets no KPI addresses yet.
 */
export function SdgGoalView(props: { ctx: ViewContext; detail: GoalPage; today: string }) {
  const { ctx, detail } = props;
  const { goal, filter } = detail;
  const title = `${ctx.t('pub.sdg.goal')} ${goal.id} ${localized(ctx, goal.short.ja, goal.short.en)}`;
  const path = goalPath(goal.id);
  const params = { target: filter.target, prefecture: filter.prefecture, status: filter.status };
  const filtered = filter.target !== undefined || filter.prefecture !== undefined || filter.status !== undefined;
  const caption = filter.target ? fill(ctx.t('nat.sdg.kpisOfTarget'), { target: filter.target }) : ctx.t('nat.sdg.kpis');
  const download = withQuery(ctx, path, params);
  return (
    <Layout
      ctx={ctx}
      title={title}
      breadcrumbs={[
        { href: ctx.href('/'), label: ctx.t('nav.home') },
        { href: ctx.href('/sdgs'), label: ctx.t('pub.sdg.title') },
      ]}
    >
      <div class="goal-banner" style={`background:${goal.colour};color:${textColourOn(goal.colour)}`}>
        <span class="goal-no">{goal.id}</span>
        <h1>{localized(ctx, goal.short.ja, goal.short.en)}</h1>
      </div>
      <p class="lead">{localized(ctx, goal.title.ja, goal.title.en)}</p>
      <p>{fill(ctx.t('nat.sdg.goalCount'), { kpis: String(detail.kpiCount), cities: String(detail.cityCount), targets: String(detail.targets.length) })}</p>
      {detail.cityCount > 0 ? (
        <p>
          <a href={withQuery(ctx, `${path}/cities`, { prefecture: filter.prefecture })}>{ctx.t('cmp.goalCities.link')}</a>
        </p>
      ) : null}
      {detail.targets.length === 0 ? <p>{ctx.t('pub.sdg.noKpis')}</p> : null}
      {detail.targets.length > 0 ? (
        <section aria-labelledby="targets-h">
          <h2 id="targets-h">{ctx.t('nat.sdg.targets')}</h2>
          <ul class="target-list">
            {detail.targets.map(({ target, kpiCount }) => (
              <li id={`target-${target.id}`}>
                <a href={withQuery(ctx, path, { target: target.id }) + '#kpis-h'} aria-current={filter.target === target.id ? 'true' : undefined}>
                  <strong>
                    {ctx.t('pub.sdg.target')} {target.id}
                  </strong>
                </a>{' '}
                {parens(fill(ctx.t('nat.sdg.targetCount'), { n: String(kpiCount) }), ctx.lang).trim()} {localized(ctx, target.title.ja, target.title.en)}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {detail.kpiCount > 0 ? (
        <section aria-labelledby="kpis-h">
          <h2 id="kpis-h">{caption}</h2>
          <form method="get" action={path} class="filters">
            {ctx.lang === 'en' ? <input type="hidden" name="lang" value="en" /> : null}
            <fieldset>
              <legend>{ctx.t('nat.filter.legend')}</legend>
              <label for="f-target">{ctx.t('nat.filter.target')}</label>
              <select id="f-target" name="target">
                <option value="">{ctx.t('nat.filter.all')}</option>
                {detail.targets.map(({ target }) => (
                  <option value={target.id} selected={target.id === filter.target}>
                    {target.id}
                  </option>
                ))}
              </select>
              <PrefectureSelect ctx={ctx} prefectures={detail.prefectures} value={filter.prefecture} id="f-prefecture" />
              <StatusSelect ctx={ctx} value={filter.status} id="f-status" />
              <button type="submit">{ctx.t('nat.filter.apply')}</button>
              {filtered ? <a href={ctx.href(path)}>{ctx.t('nat.filter.clear')}</a> : null}
            </fieldset>
          </form>
          <DownloadLinks ctx={ctx} base={download} json={`/api/v1/sdgs/${goal.id}${download.includes('?') ? download.slice(download.indexOf('?')) : ''}`} />
          {detail.kpis.total === 0 ? <p role="status">{ctx.t('nat.filter.none')}</p> : detail.kpis.items.length > 0 ? <SummaryKpiTable ctx={ctx} items={detail.kpis.items} caption={caption} today={props.today} /> : null}
          <Pager ctx={ctx} page={detail.kpis} path={path} params={params} />
        </section>
      ) : null}
      {detail.untouched.length > 0 ? (
        <section aria-labelledby="untouched-h">
          <h2 id="untouched-h">{ctx.t('pub.sdg.untouched')}</h2>
          <ul class="untouched">
            {detail.untouched.map((t) => (
              <li id={`target-${t.id}`}>
                <strong>{t.id}</strong> {localized(ctx, t.title.ja, t.title.en)}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <nav aria-label={ctx.t('pub.sdg.otherGoals')} class="goal-pager">
        {Number(goal.id) > 1 ? <a href={ctx.href(goalPath(String(Number(goal.id) - 1)))}>← {ctx.t('pub.sdg.goal')} {Number(goal.id) - 1}</a> : <span></span>}
        {Number(goal.id) < 17 ? <a href={ctx.href(goalPath(String(Number(goal.id) + 1)))}>{ctx.t('pub.sdg.goal')} {Number(goal.id) + 1} →</a> : null}
      </nav>
    </Layout>
  );
}

/** The prefecture's name in the page's language (as the filter's choices spell it). */
export function prefectureLabel(ctx: ViewContext, prefectures: readonly PrefectureCount[], prefecture: string): string {
  const p = prefectures.find((x) => x.prefecture === prefecture);
  return p ? localized(ctx, p.prefecture, p.prefectureEn) : prefecture;
}

/** A GET form narrowing a national page to one prefecture (no JavaScript). */
export function PrefectureForm(props: { ctx: ViewContext; action: string; prefectures: readonly PrefectureCount[]; prefecture: string | undefined }) {
  const { ctx } = props;
  return (
    <form method="get" action={props.action} class="filters">
      {ctx.lang === 'en' ? <input type="hidden" name="lang" value="en" /> : null}
      <fieldset>
        <legend>{ctx.t('cmp.sdg.filterLegend')}</legend>
        <PrefectureSelect ctx={ctx} prefectures={props.prefectures} value={props.prefecture} id="f-prefecture" />
        <button type="submit">{ctx.t('nat.filter.apply')}</button>
        {props.prefecture !== undefined ? <a href={ctx.href(props.action)}>{ctx.t('nat.filter.clear')}</a> : null}
      </fieldset>
    </form>
  );
}

/**
 * `/sdgs/:goal/cities`: one page of the cities working on a goal (their KPIs tagged with one of
 * its targets) with those KPIs by status, each count linking to the city's KPI list filtered by
 * goal and status; filterable by prefecture with a GET form, paged (issue 15.6).
 */
export function GoalCitiesView(props: { ctx: ViewContext; detail: GoalCitiesPage }) {
  const { ctx, detail } = props;
  const { goal, prefecture } = detail;
  const title = fill(ctx.t('cmp.goalCities.title'), { goal: goal.id });
  const path = `${goalPath(goal.id)}/cities`;
  const caption = `${title}${parens(localized(ctx, goal.short.ja, goal.short.en), ctx.lang)}`;
  return (
    <Layout
      ctx={ctx}
      title={title}
      breadcrumbs={[
        { href: ctx.href('/'), label: ctx.t('nav.home') },
        { href: ctx.href('/sdgs'), label: ctx.t('pub.sdg.title') },
        { href: ctx.href(goalPath(goal.id)), label: `${ctx.t('pub.sdg.goal')} ${goal.id}` },
      ]}
    >
      <h1>{caption}</h1>
      <p class="lead">{ctx.t('cmp.goalCities.lead')}</p>
      <PrefectureForm ctx={ctx} action={path} prefectures={detail.prefectures} prefecture={prefecture} />
      {detail.cities.total === 0 ? (
        <p role="status">{ctx.t('cmp.goalCities.none')}</p>
      ) : detail.cities.items.length > 0 ? (
        <StatusCountTable
          ctx={ctx}
          caption={caption}
          groupHeader={ctx.t('cmp.goalCities.city')}
          columnsBefore={[ctx.t('cmp.population')]}
          rows={detail.cities.items.map(({ city, counts, total }) => {
            const label = localized(ctx, city.name, city.nameEn);
            return {
              label,
              header: markup`<a href="${ctx.href(`/cities/${city.id}`)}">${label}</a><span class="cell-note">${localized(ctx, city.prefecture, city.prefectureEn)}</span>`,
              before: [city.population !== undefined ? formatCount(ctx, city.population) : '—'],
              counts,
              total,
              href: (status) => withQuery(ctx, `/cities/${city.id}/kpis`, { goal: goal.id, status }),
            };
          })}
        />
      ) : null}
      <Pager ctx={ctx} page={detail.cities} path={path} params={{ prefecture }} />
    </Layout>
  );
}

/** A count of people with the page's separators (110,000 / 110,000). */
export function formatCount(ctx: ViewContext, n: number): string {
  return n.toLocaleString(ctx.lang === 'ja' ? 'ja-JP' : 'en-GB');
}
