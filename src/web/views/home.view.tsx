import type { CityCard, CityDirectoryFilter, Page, PrefectureCount } from '../../summaries/national.service.ts';
import { fill } from './fill.ts';
import { Layout } from './layout.tsx';
import { Pager, PrefectureSelect, withQuery } from './national-parts.tsx';
import { StatusBadge } from './status-badge.tsx';
import { localized, type ViewContext } from './view-context.ts';

/**
 * `/`: the municipalities, found by name or prefecture (a GET form, no JavaScript) and listed a
 * page at a time under their prefecture's heading in JIS order, each with a one-line summary.
 */
export function HomeView(props: { ctx: ViewContext; cities: Page<CityCard>; prefectures: readonly PrefectureCount[]; filter: CityDirectoryFilter }) {
  const { ctx, cities, filter } = props;
  const groups: { prefecture: string; prefectureEn: string; cards: CityCard[] }[] = [];
  for (const card of cities.items) {
    const last = groups.at(-1);
    if (last && last.prefecture === card.city.prefecture) last.cards.push(card);
    else groups.push({ prefecture: card.city.prefecture, prefectureEn: card.city.prefectureEn, cards: [card] });
  }
  const filtered = filter.name !== undefined || filter.prefecture !== undefined;
  return (
    <Layout ctx={ctx} title={ctx.t('home.title')}>
      <h1>{ctx.t('home.title')}</h1>
      <p class="lead">{ctx.t('home.lead')}</p>
      <form method="get" action="/" role="search" class="filters" aria-labelledby="find-h">
        <h2 id="find-h">{ctx.t('nat.home.find')}</h2>
        {ctx.lang === 'en' ? <input type="hidden" name="lang" value="en" /> : null}
        <label for="f-name">{ctx.t('nat.home.name')}</label>
        <input id="f-name" name="name" type="search" value={filter.name ?? ''} maxlength={40} />
        <PrefectureSelect ctx={ctx} prefectures={props.prefectures} value={filter.prefecture} id="f-prefecture" />
        <button type="submit">{ctx.t('nat.home.search')}</button>
        {filtered ? <a href={ctx.href('/')}>{ctx.t('nat.filter.clear')}</a> : null}
      </form>
      {props.prefectures.length > 1 ? (
        <nav aria-labelledby="pref-h" class="prefecture-index">
          <h2 id="pref-h">{ctx.t('nat.home.prefectures')}</h2>
          <ul class="inline-list">
            {props.prefectures.map((p) => (
              <li>
                <a href={withQuery(ctx, '/', { prefecture: p.prefecture })} aria-current={p.prefecture === filter.prefecture ? 'true' : undefined}>
                  {localized(ctx, p.prefecture, p.prefectureEn)}
                </a>{' '}
                <span class="muted">（{fill(ctx.t('nat.home.cityCount'), { n: String(p.cities) })}）</span>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      {cities.total === 0 ? <p role="status">{ctx.t('nat.home.none')}</p> : null}
      {groups.map((g) => (
        <section aria-label={localized(ctx, g.prefecture, g.prefectureEn)}>
          {props.prefectures.length > 1 ? <h2 class="prefecture-heading">{localized(ctx, g.prefecture, g.prefectureEn)}</h2> : null}
          <ul class="card-list">
            {g.cards.map(({ city, planCount, kpiCount, statusCounts }) => (
              <li class="card">
                <h3>
                  <a href={ctx.href(`/cities/${city.id}`)}>{localized(ctx, city.name, city.nameEn)}</a>
                </h3>
                <p class="muted">{localized(ctx, city.prefecture, city.prefectureEn)}</p>
                {planCount === 0 && kpiCount === 0 ? (
                  // A city just created has nothing to count yet: say so rather than print zeros.
                  <p>{ctx.t('city.empty.noPlans')}</p>
                ) : (
                  <>
                    <p>
                      {ctx.t('home.plans')} {planCount} ・ {ctx.t('home.kpis')} {kpiCount}
                    </p>
                    <p class="status-line">
                      {(['achieved', 'on-track', 'behind', 'worsening', 'missed'] as const).map((s) => (
                        <span>
                          <StatusBadge ctx={ctx} status={s} /> {statusCounts[s]}{' '}
                        </span>
                      ))}
                    </p>
                  </>
                )}

              </li>
            ))}
          </ul>
        </section>
      ))}
      <Pager ctx={ctx} page={cities} path="/" params={{ name: filter.name, prefecture: filter.prefecture }} />
    </Layout>
  );
}
