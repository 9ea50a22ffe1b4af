import { textColourOn } from '../../core/sdg/sdg-framework.ts';
import type { GoalDetail, GoalOverview } from '../../services/sdg-overview.service.ts';
import { fill } from './fill.ts';
import { Layout } from './layout.tsx';
import { DownloadLinks, goalPath, KpiTable } from './public-parts.tsx';
import { localized, type ViewContext } from './view-context.ts';

/** `/sdgs`: the 17 goals in their colours, each with the KPIs of all cities that address it. */
export function SdgGoalsView(props: { ctx: ViewContext; goals: readonly GoalOverview[] }) {
  const { ctx } = props;
  return (
    <Layout ctx={ctx} title={ctx.t('pub.sdg.title')} breadcrumbs={[{ href: ctx.href('/'), label: ctx.t('nav.home') }]}>
      <h1>{ctx.t('pub.sdg.title')}</h1>
      <p class="lead">{ctx.t('pub.sdg.lead')}</p>
      <ul class="goal-grid">
        {props.goals.map(({ goal, kpiCount, cities }) => (
          <li>
            <a class="goal-tile" href={ctx.href(goalPath(goal.id))} style={`background:${goal.colour};color:${textColourOn(goal.colour)}`}>
              <span class="goal-no">{goal.id}</span>
              <span class="goal-name">{localized(ctx, goal.short.ja, goal.short.en)}</span>
              <span class="goal-count">
                {kpiCount > 0
                  ? fill(ctx.t('pub.sdg.count'), { kpis: String(kpiCount), cities: cities.map((c) => localized(ctx, c.name, c.nameEn)).join(ctx.lang === 'ja' ? '・' : ', ') })
                  : ctx.t('pub.sdg.none')}
              </span>
            </a>
          </li>
        ))}
      </ul>
      <DownloadLinks ctx={ctx} base={ctx.href('/sdgs')} json="/api/v1/sdgs" />
      <p class="muted small">{ctx.t('pub.sdg.sourceNote')}</p>
    </Layout>
  );
}

/** `/sdgs/:goal`: the goal's targets, each with every KPI of every city tagged with it. */
export function SdgGoalView(props: { ctx: ViewContext; detail: GoalDetail }) {
  const { ctx, detail } = props;
  const { goal } = detail;
  const title = `${ctx.t('pub.sdg.goal')} ${goal.id} ${localized(ctx, goal.short.ja, goal.short.en)}`;
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
      <p>{fill(ctx.t('pub.sdg.goalCount'), { kpis: String(detail.kpiCount), targets: String(detail.targets.length) })}</p>
      <DownloadLinks ctx={ctx} base={ctx.href(goalPath(goal.id))} json={`/api/v1/sdgs/${goal.id}`} />
      {detail.targets.length === 0 ? <p>{ctx.t('pub.sdg.noKpis')}</p> : null}
      {detail.targets.map(({ target, kpis }) => (
        <section id={`target-${target.id}`} aria-labelledby={`target-${target.id}-h`}>
          <h2 id={`target-${target.id}-h`}>
            {ctx.t('pub.sdg.target')} {target.id}
          </h2>
          <p>{localized(ctx, target.title.ja, target.title.en)}</p>
          <KpiTable ctx={ctx} items={kpis} showCity caption={`${ctx.t('pub.sdg.target')} ${target.id}`} />
        </section>
      ))}
      {detail.untouched.length > 0 ? (
        <section aria-labelledby="untouched-h">
          <h2 id="untouched-h">{ctx.t('pub.sdg.untouched')}</h2>
          <ul class="untouched">
            {detail.untouched.map((t) => (
              <li>
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
