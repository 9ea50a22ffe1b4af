import type { City } from '../../core/city/city.ts';
import type { CitySummary } from '../../services/city-summary.service.ts';
import { Layout } from './layout.tsx';
import { StatusBadge } from './status-badge.tsx';
import { localized, type ViewContext } from './view-context.ts';

/** `/`: the cities with a one-line summary each. */
export function HomeView(props: { ctx: ViewContext; cities: { city: City; summary: CitySummary }[] }) {
  const { ctx } = props;
  return (
    <Layout ctx={ctx} title={ctx.t('home.title')}>
      <h1>{ctx.t('home.title')}</h1>
      <p class="lead">{ctx.t('home.lead')}</p>
      <ul class="card-list">
        {props.cities.map(({ city, summary }) => (
          <li class="card">
            <h2>
              <a href={ctx.href(`/cities/${city.id}`)}>{localized(ctx, city.name, city.nameEn)}</a>
            </h2>
            <p class="muted">{localized(ctx, city.prefecture, city.prefectureEn)}</p>
            <p>
              {ctx.t('home.plans')} {summary.planCount} ・ {ctx.t('home.kpis')} {summary.kpiCount}
            </p>
            <p class="status-line">
              {(['achieved', 'on-track', 'behind', 'worsening'] as const).map((s) => (
                <span>
                  <StatusBadge ctx={ctx} status={s} /> {summary.statusCounts[s]}{' '}
                </span>
              ))}
            </p>
          </li>
        ))}
      </ul>
    </Layout>
  );
}
