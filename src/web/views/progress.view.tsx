import type { City } from '../../core/city/city.ts';
import type { KpiStatus } from '../../core/kpi/status.ts';
import { filterQuery, type GlanceRow, type ProgressGlance } from '../../kpis/progress-glance.service.ts';
import { fill } from './fill.ts';
import { parens } from './format.ts';
import type { GoalStatusCount, PrefectureCount } from '../../summaries/national.service.ts';
import { withQuery } from './national-parts.tsx';
import { prefectureLabel, PrefectureForm } from './sdg.view.tsx';
import { cityBreadcrumbs, Layout } from './layout.tsx';
import { StatusCountTable, type StatusCountRow } from './status-count-table.tsx';
import { localized, type ViewContext } from './view-context.ts';

/**
 * One count table of a city's KPIs (the progress page, the city page): a row per group (SDG goal,
 * plan goal, department), each count linking to the city's KPI list filtered to exactly those KPIs.
 */
export function CountTable(props: { ctx: ViewContext; cityId: string; caption: string; rows: readonly GlanceRow[]; headingId: string }) {
  const { ctx } = props;
  const path = `/cities/${props.cityId}/kpis?`;
  const rows = props.rows.map((row): StatusCountRow => {
    // The row's query once; a status goes first (filterQuery's order), so each count's link adds it in front.
    const query = filterQuery(row.filter);
    const href =
      !row.filter.status
        ? (status?: KpiStatus) => ctx.href(path + (status ? (query ? `status=${status}&${query}` : `status=${status}`) : query))
        : (status?: KpiStatus) => ctx.href(path + filterQuery({ ...row.filter, ...(status ? { status } : {}) }));
    return {
      label: row.label.ja === '' ? ctx.t('pub.glance.noDepartment') : localized(ctx, row.label.ja, row.label.en),
      counts: row.counts,
      total: row.total,
      href,
    };
  });
  return <StatusCountTable ctx={ctx} caption={props.caption} labelledBy={props.headingId} groupHeader={ctx.t('pub.glance.group')} rows={rows} />;
}

/** `/cities/:city/progress`: a city's KPIs counted by status per SDG goal, plan goal and department. */
export function ProgressView(props: { ctx: ViewContext; city: City; glance: ProgressGlance }) {
  const { ctx, glance } = props;
  const data = { city: props.city };
  const cityName = localized(ctx, data.city.name, data.city.nameEn);
  const title = `${ctx.t('pub.glance.title')}${parens(cityName, ctx.lang)}`;
  return (
    <Layout
      ctx={ctx}
      title={title}
      breadcrumbs={cityBreadcrumbs(ctx, data.city)}
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
      <StatusCountTable
        ctx={ctx}
        caption={title}
        groupHeader={ctx.t('pub.glance.bySdgGoal')}
        rows={props.goals.map(({ goal, counts, total }) => ({
          label: `${goal.number}. ${goal.short[ctx.lang]}`,
          counts,
          total,
          href: (status) => withQuery(ctx, `/sdgs/${goal.id}`, { status, prefecture }),
        }))}
      />
    </Layout>
  );
}
