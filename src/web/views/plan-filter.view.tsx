import { KPI_STATUSES } from '../../core/kpi/status.ts';
import { sdgGoals } from '../../core/sdg/sdg-framework.ts';
import type { FilteredPlanPage, PlanFilter } from '../../plans/plan-filter.service.ts';
import { fill } from './fill.ts';
import { localized, type ViewContext } from './view-context.ts';

const SIDES = ['economy', 'society', 'environment'] as const;

/** The plan page's filter form: a GET form (works without JavaScript) by side, SDG goal and status. */
export function PlanFilterForm(props: { ctx: ViewContext; action: string; filter: PlanFilter; filtered: Pick<FilteredPlanPage, 'active' | 'matched' | 'total'> }) {
  const { ctx, filter, filtered } = props;
  return (
    <section aria-labelledby="filter-h" class="filter-panel">
      <h2 id="filter-h">{ctx.t('pub.filter.title')}</h2>
      <form method="get" action={props.action} class="filter-form">
        {ctx.lang === 'en' ? <input type="hidden" name="lang" value="en" /> : null}
        <div class="filter-fields">
          <div class="field">
            <label for="f-side">{ctx.t('pub.filter.side')}</label>
            <select id="f-side" name="side">
              <option value="">{ctx.t('pub.filter.all')}</option>
              {SIDES.map((s) => (
                <option value={s} selected={filter.side === s}>
                  {ctx.t(`kpi.side.${s}`)}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="f-goal">{ctx.t('pub.filter.goal')}</label>
            <select id="f-goal" name="goal">
              <option value="">{ctx.t('pub.filter.all')}</option>
              {sdgGoals.map((g) => (
                <option value={g.id} selected={filter.goal === g.id}>
                  {g.id}. {localized(ctx, g.short.ja, g.short.en)}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="f-status">{ctx.t('pub.filter.status')}</label>
            <select id="f-status" name="status">
              <option value="">{ctx.t('pub.filter.all')}</option>
              {KPI_STATUSES.map((s) => (
                <option value={s} selected={filter.status === s}>
                  {ctx.t(`status.${s}`)}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div class="filter-actions">
          <button type="submit">{ctx.t('pub.filter.apply')}</button>
          {filtered.active ? <a href={ctx.href(props.action)}>{ctx.t('pub.filter.clear')}</a> : null}
        </div>
      </form>
      {filtered.active ? (
        <p role="status" class={filtered.matched === 0 ? 'notice' : undefined}>
          {filtered.matched === 0 ? ctx.t('pub.filter.none') : fill(ctx.t('pub.filter.result'), { n: String(filtered.matched), total: String(filtered.total) })}
        </p>
      ) : null}
    </section>
  );
}
