import type { City } from '../../core/city/city.ts';
import type { CityKpiListView } from '../../cities/city-pages.service.ts';
import { NO_DEPARTMENT, type KpiListChoices } from '../../kpis/city-kpi-list.service.ts';
import type { KpiListFilter } from '../../kpis/progress-glance.service.ts';
import { fill } from './fill.ts';
import { parens } from './format.ts';
import { cityBreadcrumbs, Layout } from './layout.tsx';
import { Pager } from './national-parts.tsx';
import { DownloadLinks, KpiTable } from './public-parts.tsx';
import { localized, type ViewContext } from './view-context.ts';
import { joinMarkup, markup, type Markup } from './markup.ts';

/**
 * A city's KPI list, one page of it (issue 11.1): the filter form (a GET form, no JavaScript),
 * what the filter matched, the table of this page's KPIs and the pager ("1–50 of 272", numbered
 * links with rel="prev"/"next"). The city page shows it with the first page; the form and the
 * pager lead to `/cities/:city/kpis`, the one address of every filtered and paged list.
 */
export function KpiListSection(props: { ctx: ViewContext; city: City; list: CityKpiListView; choices: KpiListChoices; caption: string; today: string }) {
  const { ctx, city, list } = props;
  const path = `/cities/${city.id}/kpis`;
  const params = filterParams(list.filter);
  const matched = list.page.total;
  return (
    <>
      <KpiFilterForm ctx={ctx} action={path} filter={list.filter} choices={props.choices} />
      {list.active ? (
        <p role="status" class={matched === 0 ? 'notice' : undefined}>
          {matched === 0 ? ctx.t('pub.filter.none') : fill(ctx.t('pub.filter.result'), { n: String(matched), total: String(list.cityTotal) })}{' '}
          <a href={ctx.href(path)}>{ctx.t('pub.filter.clear')}</a>
        </p>
      ) : null}
      {list.cityTotal === 0 ? <p>{ctx.t('city.empty.noKpis')}</p> : null}
      {list.page.items.length > 0 ? (
        <KpiTable ctx={ctx} rows={list.page.items} caption={props.caption} today={props.today} />
      ) : null}
      <Pager ctx={ctx} page={list.page} path={path} params={params} numbered />
    </>
  );
}

/** The query parameters of a filter, as the form sends them (`department=-`: without a department). */
export function filterParams(f: KpiListFilter): Record<string, string | undefined> {
  return {
    status: f.status,
    goal: f.goal,
    node: f.node,
    department: f.department === undefined ? undefined : f.department === '' ? NO_DEPARTMENT : f.department,
    q: f.text,
  };
}

/**
 * A select's options as markup (a city's departments and plan goals can run to dozens):
 * each `[value, label]`, the one whose value is `selected` marked so, as the JSX gave it.
 */
export function selectOptions(items: readonly (readonly [string, string])[], selected: string | undefined): Markup {
  return joinMarkup(items.map(([value, label]) => (value === selected ? markup`<option value="${value}" selected="">${label}</option>` : markup`<option value="${value}">${label}</option>`)));
}

/** The list's filter form: status, SDG goal, plan goal, department and a fragment of the name; "all" sends "". */
function KpiFilterForm(props: { ctx: ViewContext; action: string; filter: KpiListFilter; choices: KpiListChoices }) {
  const { ctx, filter, choices } = props;
  const all = ctx.t('pub.filter.all');
  return (
    <form method="get" action={props.action} class="filter-form filter-panel kpi-filter" role="search" aria-label={ctx.t('pub.filter.title')}>
      {ctx.lang === 'en' ? <input type="hidden" name="lang" value="en" /> : null}
      <div class="filter-fields">
        <div class="field">
          <label for="kl-status">{ctx.t('pub.filter.status')}</label>
          <select id="kl-status" name="status">
            <option value="">{all}</option>
            {selectOptions(choices.statuses.map((s) => [s, ctx.t(`status.${s}`)]), filter.status)}
          </select>
        </div>
        <div class="field">
          <label for="kl-goal">{ctx.t('pub.filter.goal')}</label>
          <select id="kl-goal" name="goal">
            <option value="">{all}</option>
            {selectOptions(choices.goals.map((g) => [g.id, `${g.id}. ${localized(ctx, g.short.ja, g.short.en)}`]), filter.goal)}
          </select>
        </div>
        {choices.planGoals.length > 0 ? (
          <div class="field">
            <label for="kl-node">{ctx.t('pub.kpiList.planGoal')}</label>
            <select id="kl-node" name="node">
              <option value="">{all}</option>
              {choices.planGoals.map((p) => markup`<optgroup label="${localized(ctx, p.plan.title, p.plan.titleEn)}">${selectOptions(p.nodes.map((n) => [n.value, localized(ctx, n.label.ja, n.label.en)]), filter.node)}</optgroup>`)}
              {filter.node !== undefined && !choices.planGoals.some((p) => p.nodes.some((n) => n.value === filter.node)) ? (
                // A deeper node from a link (its KPIs are listed): kept selected so "apply" keeps it.
                <option value={filter.node} selected>
                  {filter.node}
                </option>
              ) : null}
            </select>
          </div>
        ) : null}
        {choices.departments.length > 0 || choices.hasKpisWithoutDepartment ? (
          <div class="field">
            <label for="kl-department">{ctx.t('pub.kpiList.department')}</label>
            <select id="kl-department" name="department">
              <option value="">{all}</option>
              {selectOptions(choices.departments.map((d) => [d, d]), filter.department)}
              {choices.hasKpisWithoutDepartment ? (
                <option value={NO_DEPARTMENT} selected={filter.department === ''}>
                  {ctx.t('pub.glance.noDepartment')}
                </option>
              ) : null}
            </select>
          </div>
        ) : null}
        <div class="field">
          <label for="kl-q">{ctx.t('pub.kpiList.name')}</label>
          <input type="search" id="kl-q" name="q" value={filter.text ?? ''} maxlength={100} />
        </div>
      </div>
      <div class="filter-actions">
        <button type="submit">{ctx.t('pub.filter.apply')}</button>
      </div>
    </form>
  );
}

/** `/cities/:city/kpis`: a page of the city's KPIs, filtered, with the downloads of the whole filtered list. */
export function KpiListView(props: { ctx: ViewContext; city: City; list: CityKpiListView; choices: KpiListChoices; today: string }) {
  const { ctx, list } = props;
  const data = { city: props.city };
  const cityName = localized(ctx, data.city.name, data.city.nameEn);
  const title = `${ctx.t('pub.kpi.list')}${parens(cityName, ctx.lang)}`;
  const query = new URLSearchParams(Object.entries(filterParams(list.filter)).filter((e): e is [string, string] => e[1] !== undefined)).toString();
  const base = `/cities/${data.city.id}/kpis${query ? `?${query}` : ''}`;
  return (
    <Layout
      ctx={ctx}
      title={title}
      breadcrumbs={cityBreadcrumbs(ctx, data.city)}
    >
      <h1>{title}</h1>
      <DownloadLinks ctx={ctx} base={ctx.href(base)} label={ctx.t(list.active ? 'pub.kpiList.downloadFiltered' : 'pub.kpiList.downloadAll')} />
      <p>
        <a href={ctx.href(`/cities/${data.city.id}/progress`)}>{ctx.t('pub.glance.link')}</a>
      </p>
      <KpiListSection ctx={ctx} city={props.city} list={list} choices={props.choices} caption={title} today={props.today} />
      <p>
        <a href={`/cities/${data.city.id}/download.zip`} download>
          {ctx.t('pub.data.zip')}
        </a>
      </p>
    </Layout>
  );
}
