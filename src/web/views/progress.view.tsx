import type { CityData } from '../../core/city/city.ts';
import { KPI_STATUSES } from '../../core/kpi/status.ts';
import { filterQuery, type GlanceRow, type ProgressGlance } from '../../kpis/progress-glance.service.ts';
import { fill } from './fill.ts';
import type { GoalStatusCount, PrefectureCount } from '../../summaries/national.service.ts';
import { withQuery } from './national-parts.tsx';
import { prefectureLabel, PrefectureForm } from './sdg.view.tsx';
import { Layout } from './layout.tsx';
import { localized, type ViewContext } from './view-context.ts';

/** One count table: a row per group, a column per status and the total; each count links to its KPIs. */
export function CountTable(props: { ctx: ViewContext; cityId: string; caption: string; rows: readonly GlanceRow[]; headingId: string }) {
  const { ctx } = props;
  const link = (row: GlanceRow, status?: (typeof KPI_STATUSES)[number]) => {
    const q = filterQuery({ ...row.filter, ...(status ? { status } : {}) });
    return ctx.href(`/cities/${props.cityId}/kpis?${q}`);
  };
  return (
    <div class="table-scroll" tabindex={0} role="region" aria-labelledby={props.headingId}>
      <table class="glance-table">
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{ctx.t('pub.glance.group')}</th>
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
          {props.rows.map((row) => {
            const label = row.label.ja === '' ? ctx.t('pub.glance.noDepartment') : localized(ctx, row.label.ja, row.label.en);
            return (
              <tr>
                <th scope="row">{label}</th>
                {KPI_STATUSES.map((s) => (
                  <td class="num">
                    {row.counts[s] > 0 ? (
                      <a href={link(row, s)} aria-label={`${label}：${ctx.t(`status.${s}`)} ${row.counts[s]}`}>
                        {row.counts[s]}
                      </a>
                    ) : (
                      '0'
                    )}
                  </td>
                ))}
                <td class="num">
                  <a href={link(row)} aria-label={`${label}：${ctx.t('pub.glance.total')} ${row.total}`}>
                    {row.total}
                  </a>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** `/cities/:city/progress`: a city's KPIs counted by status per SDG goal, plan goal and department. */
export function ProgressView(props: { ctx: ViewContext; data: CityData; glance: ProgressGlance }) {
  const { ctx, data, glance } = props;
  const cityName = localized(ctx, data.city.name, data.city.nameEn);
  const title = `${ctx.t('pub.glance.title')}（${cityName}）`;
  return (
    <Layout
      ctx={ctx}
      title={title}
      breadcrumbs={[
        { href: ctx.href('/'), label: ctx.t('nav.home') },
        { href: ctx.href(`/cities/${data.city.id}`), label: cityName },
      ]}
    >
      <h1>{title}</h1>
      <p class="lead">{fill(ctx.t('pub.glance.lead'), { n: String(glance.total) })}</p>
      <section aria-labelledby="g-sdg-h">
        <h2 id="g-sdg-h">{ctx.t('pub.glance.bySdgGoal')}</h2>
        <CountTable ctx={ctx} cityId={data.city.id} caption={ctx.t('pub.glance.bySdgGoal')} rows={glance.bySdgGoal} headingId="g-sdg-h" />
      </section>
      <section aria-labelledby="g-plan-h">
        <h2 id="g-plan-h">{ctx.t('pub.glance.byPlanGoal')}</h2>
        {glance.byPlanGoal.map((p, i) => (
          <>
            <h3 id={`g-plan-${i}`}>{localized(ctx, p.plan.title, p.plan.titleEn)}</h3>
            <CountTable ctx={ctx} cityId={data.city.id} caption={localized(ctx, p.plan.title, p.plan.titleEn)} rows={p.rows} headingId={`g-plan-${i}`} />
          </>
        ))}
      </section>
      <section aria-labelledby="g-dept-h">
        <h2 id="g-dept-h">{ctx.t('pub.glance.byDepartment')}</h2>
        <CountTable ctx={ctx} cityId={data.city.id} caption={ctx.t('pub.glance.byDepartment')} rows={glance.byDepartment} headingId="g-dept-h" />
      </section>
    </Layout>
  );
}

/** `/progress`: every city's KPIs by status per SDG goal; each count links to the goal's KPI list filtered by that status. */
export function NationalProgressView(props: { ctx: ViewContext; goals: readonly GoalStatusCount[]; prefectures: readonly PrefectureCount[]; prefecture: string | undefined }) {
  const { ctx, prefecture } = props;
  const title = ctx.t('pub.glance.nationalTitle');
  return (
    <Layout ctx={ctx} title={title} breadcrumbs={[{ href: ctx.href('/'), label: ctx.t('nav.home') }, { href: ctx.href('/sdgs'), label: ctx.t('pub.nav.sdgs') }]}>
      <h1>{title}</h1>
      <p class="lead">{ctx.t('pub.glance.nationalLead')}</p>
      <PrefectureForm ctx={ctx} action="/progress" prefectures={props.prefectures} prefecture={prefecture} />
      {prefecture !== undefined ? <p role="status">{fill(ctx.t('cmp.sdg.prefectureNote'), { prefecture: prefectureLabel(ctx, props.prefectures, prefecture) })}</p> : null}
      <div class="table-scroll" tabindex={0} role="region" aria-label={title}>
        <table class="glance-table">
          <caption class="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">{ctx.t('pub.glance.bySdgGoal')}</th>
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
            {props.goals.map(({ goal, counts, total }) => {
              const label = `${goal.number}. ${goal.short[ctx.lang]}`;
              return (
                <tr>
                  <th scope="row">{label}</th>
                  {KPI_STATUSES.map((s) => (
                    <td class="num">
                      {counts[s] > 0 ? (
                        <a href={withQuery(ctx, `/sdgs/${goal.id}`, { status: s, prefecture })} aria-label={`${label}：${ctx.t(`status.${s}`)} ${counts[s]}`}>
                          {counts[s]}
                        </a>
                      ) : (
                        '0'
                      )}
                    </td>
                  ))}
                  <td class="num">
                    <a href={withQuery(ctx, `/sdgs/${goal.id}`, { prefecture })} aria-label={`${label}：${ctx.t('pub.glance.total')} ${total}`}>
                      {total}
                    </a>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}
