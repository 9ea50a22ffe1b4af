import type { City } from '../../core/city/city.ts';
import type { CityComparison, ComparedTheme } from '../../services/city-comparison.service.ts';
import type { CityKpi } from '../../services/sdg-overview.service.ts';
import { fill } from './fill.ts';
import type { PrefectureCount } from '../../summaries/national.service.ts';
import { PrefectureSelect } from './national-parts.tsx';
import { MAX_COMPARED } from '../../services/city-comparison.service.ts';
import { Layout } from './layout.tsx';
import { DownloadLinks, GoalChip, kpiPath, quantityLabel, rateLabel, timeLabel } from './public-parts.tsx';
import { RateBar, StatusBadge } from './status-badge.tsx';
import { localized, type ViewContext } from './view-context.ts';

/** `/compare?cities=a&cities=b`: a GET form of city checkboxes, then the KPIs of the chosen cities on shared targets and goals. */
export function CompareView(props: {
  ctx: ViewContext;
  all: readonly City[];
  selected: readonly string[];
  comparison: CityComparison | null;
  /** Prefectures to narrow the offered cities to, when there are many. */
  prefectures?: readonly PrefectureCount[];
  prefecture?: string | undefined;
  /** More cities exist than offered: choose a prefecture to see them. */
  more?: boolean;
}) {
  const { ctx, comparison } = props;
  const query = props.selected.map((id) => `cities=${encodeURIComponent(id)}`).join('&');
  return (
    <Layout ctx={ctx} title={ctx.t('pub.compare.title')} breadcrumbs={[{ href: ctx.href('/'), label: ctx.t('nav.home') }]}>
      <h1>{ctx.t('pub.compare.title')}</h1>
      <p class="lead">{ctx.t('pub.compare.lead')}</p>
      <form method="get" action="/compare" class="filter-form">
        {ctx.lang === 'en' ? <input type="hidden" name="lang" value="en" /> : null}
        {props.prefectures && props.prefectures.length > 1 ? (
          <p class="filters">
            <PrefectureSelect ctx={ctx} prefectures={props.prefectures} value={props.prefecture} id="f-prefecture" />
            <button type="submit">{ctx.t('nat.compare.showCities')}</button>
          </p>
        ) : null}
        {props.more ? <p class="muted">{fill(ctx.t('nat.compare.max'), { n: String(MAX_COMPARED) })}</p> : null}
        <fieldset>
          <legend>{ctx.t('pub.compare.choose')}</legend>
          {props.all.map((c) => (
            <label class="check">
              <input type="checkbox" name="cities" value={c.id} checked={props.selected.includes(c.id)} /> {localized(ctx, c.name, c.nameEn)}
            </label>
          ))}
        </fieldset>
        <button type="submit">{ctx.t('pub.compare.submit')}</button>
      </form>
      {comparison === null ? (
        <p class="notice" role="status">
          {ctx.t('pub.compare.needTwo')}
        </p>
      ) : (
        <>
          <p role="status">
            {fill(ctx.t('pub.compare.summary'), {
              cities: comparison.cities.map((c) => localized(ctx, c.name, c.nameEn)).join(ctx.lang === 'ja' ? '・' : ', '),
              goals: String(comparison.sharedGoals.length),
              targets: String(comparison.sharedTargets.length),
            })}
          </p>
          <DownloadLinks ctx={ctx} base={ctx.href(`/compare?${query}`)} json={`/api/v1/compare?${query}`} />
          <section aria-labelledby="targets-h">
            <h2 id="targets-h">{ctx.t('pub.compare.targets')}</h2>
            {comparison.sharedTargets.length === 0 ? <p>{ctx.t('pub.compare.noTargets')}</p> : null}
            {comparison.sharedTargets.map((theme) => (
              <ThemeBlock
                ctx={ctx}
                theme={theme}
                id={`t-${theme.theme.id}`}
                heading={`${ctx.t('pub.sdg.target')} ${theme.theme.id}`}
                text={localized(ctx, theme.theme.title.ja, theme.theme.title.en)}
              />
            ))}
          </section>
          <section aria-labelledby="goals-h">
            <h2 id="goals-h">{ctx.t('pub.compare.goals')}</h2>
            {comparison.sharedGoals.length === 0 ? <p>{ctx.t('pub.compare.noGoals')}</p> : null}
            {comparison.sharedGoals.map((theme) => (
              <ThemeBlock
                ctx={ctx}
                theme={theme}
                id={`g-${theme.theme.id}`}
                heading={`${ctx.t('pub.sdg.goal')} ${theme.theme.id} ${localized(ctx, theme.theme.short.ja, theme.theme.short.en)}`}
                chip={<GoalChip ctx={ctx} goal={theme.theme} />}
              />
            ))}
          </section>
        </>
      )}
    </Layout>
  );
}

function ThemeBlock<T>(props: { ctx: ViewContext; theme: ComparedTheme<T>; id: string; heading: string; text?: string; chip?: unknown }) {
  const { ctx, theme } = props;
  return (
    <section class="theme" aria-labelledby={`${props.id}-h`}>
      <h3 id={`${props.id}-h`}>{props.heading}</h3>
      {props.text ? <p class="small">{props.text}</p> : null}
      <div class="compare-grid" style={`--cols:${theme.columns.length}`}>
        {theme.columns.map((col) => (
          <div class="compare-col">
            <h4>{localized(ctx, col.city.name, col.city.nameEn)}</h4>
            {col.kpis.length === 0 ? (
              <p class="muted small">{ctx.t('pub.compare.noKpiHere')}</p>
            ) : (
              <ul class="compare-kpis">
                {col.kpis.map((k) => (
                  <CompareKpi ctx={ctx} item={k} />
                ))}
              </ul>
            )}
          </div>
        ))}
      </div>
    </section>
  );
}

function CompareKpi(props: { ctx: ViewContext; item: CityKpi }) {
  const { ctx, item } = props;
  const { kpi, evaluation: e } = item;
  return (
    <li>
      <a href={ctx.href(kpiPath(item.city.id, kpi.id))}>{localized(ctx, kpi.name, kpi.nameEn)}</a>
      <span class="compare-figures">
        {ctx.t('kpi.latest')} {quantityLabel(ctx, e?.latest, kpi.unit)}
        {e?.latest ? `（${timeLabel(e.latest.at, ctx.lang)}）` : ''}
      </span>
      <span class="compare-figures">
        {ctx.t('kpi.target')} {quantityLabel(ctx, e?.target, kpi.unit)}
        {e ? `（${timeLabel(e.target.at, ctx.lang)}）` : ''}
      </span>
      <span class="compare-status">
        <RateBar rate={e?.status.achievement?.displayRate ?? null} label={rateLabel(ctx, e)} /> <StatusBadge ctx={ctx} status={e?.status.status ?? 'no-data'} />
      </span>
    </li>
  );
}
