import type { CityData } from '../../core/city/city.ts';
import { sdgGoals, textColourOn } from '../../core/sdg/sdg-framework.ts';
import type { CitySummary } from '../../services/city-summary.service.ts';
import { formatQuantity, formatRate } from './format.ts';
import { Layout } from './layout.tsx';
import { StatusBadge } from './status-badge.tsx';
import { localized, type ViewContext } from './view-context.ts';

/** `/cities/:city`: its plans, the SDG goals its KPIs cover, and its KPIs. */
export function CityView(props: { ctx: ViewContext; data: CityData; summary: CitySummary }) {
  const { ctx, data, summary } = props;
  const city = data.city;
  const name = localized(ctx, city.name, city.nameEn);
  return (
    <Layout ctx={ctx} title={name} breadcrumbs={[{ href: ctx.href('/'), label: ctx.t('nav.home') }]}>
      <h1>{name}</h1>
      <p class="muted">
        {localized(ctx, city.prefecture, city.prefectureEn)}
        {city.sdgsFutureCitySince ? ` ・ ${ctx.t('city.sdgsSince')} ${city.sdgsFutureCitySince}` : ''}
      </p>
      <section aria-labelledby="plans-h">
        <h2 id="plans-h">{ctx.t('city.plans')}</h2>
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
        <ul class="sdg-grid">
          {sdgGoals.map((g) => {
            const covered = summary.coveredGoals.has(g.id);
            return (
              <li
                class={covered ? 'sdg covered' : 'sdg'}
                style={covered ? `background:${g.colour};color:${textColourOn(g.colour)}` : undefined}
              >
                <span class="sdg-no">{g.id}</span>
                <span class="sdg-name">{ctx.lang === 'ja' ? g.short.ja : g.short.en}</span>
                <span class="visually-hidden">（{covered ? ctx.t('city.covered') : ctx.t('city.notCovered')}）</span>
              </li>
            );
          })}
        </ul>
      </section>
      <section aria-labelledby="kpi-h">
        <h2 id="kpi-h">{ctx.t('home.kpis')}</h2>
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{ctx.t('kpi.name')}</th>
                <th scope="col">{ctx.t('kpi.latest')}</th>
                <th scope="col">{ctx.t('kpi.target')}</th>
                <th scope="col">{ctx.t('kpi.rate')}</th>
                <th scope="col">{ctx.t('kpi.status')}</th>
              </tr>
            </thead>
            <tbody>
              {summary.kpis.map(({ kpi, evaluation: e }) => (
                <tr>
                  <th scope="row">{localized(ctx, kpi.name, kpi.nameEn)}</th>
                  <td class="num">{e?.latest ? formatQuantity(e.latest.value, e.latest.decimals, kpi.unit, ctx.lang) : '—'}</td>
                  <td class="num">{e ? formatQuantity(e.target.value, e.target.decimals, kpi.unit, ctx.lang) : '—'}</td>
                  <td class="num">{formatRate(e?.status.achievement?.displayRate ?? null, ctx.lang)}</td>
                  <td>{e ? <StatusBadge ctx={ctx} status={e.status.status} /> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </Layout>
  );
}
