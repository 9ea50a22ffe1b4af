import type { City } from '../../core/city/city.ts';
import type { ComparedColumn, ComparedKpi, ComparisonGoalPage, ComparisonPage, SharedGoalCount, SharedTarget } from '../../summaries/city-comparison.service.ts';
import { fill } from './fill.ts';
import { CountCell } from './status-count-table.tsx';
import { parens } from './format.ts';
import type { PrefectureCount } from '../../summaries/national.service.ts';
import { PrefectureSelect } from './national-parts.tsx';
import { KPIS_SHOWN_PER_THEME, MAX_COMPARED } from '../../summaries/city-comparison.service.ts';
import type { SdgGoal } from '../../core/sdg/sdg-framework.ts';
import { Layout } from './layout.tsx';
import { nextTarget } from '../../core/kpi/kpi-definition.ts';
import type { CityPeers } from '../../summaries/comparison.service.ts';
import { SameKpiBlock } from './same-kpi.view.tsx';
import { formatCount } from './sdg.view.tsx';
import { achievementLabel, DownloadLinks, GoalChip, kpiPath, quantityLabel, timeLabel } from './public-parts.tsx';
import { RateBar, StatusBadge } from './status-badge.tsx';
import { localized, type ViewContext } from './view-context.ts';

/**
 * `/compare?cities=a&cities=b`: a GET form of city checkboxes, then the KPIs of the chosen cities
 * on shared targets and goals; a large comparison (`comparison.folded`) shows each shared goal's
 * counts instead, each linking to its own page ({@link CompareGoalView}).
 */
export function CompareView(props: {
  ctx: ViewContext;
  all: readonly City[];
  selected: readonly string[];
  comparison: ComparisonPage | null;
  /** Cities the query named more than once (each compared once): said, so a repeated id is not a puzzle. */
  repeated?: readonly City[];
  /** Ids of the query that name no city, as typed. */
  unknown?: readonly string[];
  /** Prefectures to narrow the offered cities to, when there are many. */
  prefectures?: readonly PrefectureCount[];
  prefecture?: string | undefined;
  /** The name fragment the offered cities were found by, if any. */
  name?: string | undefined;
  /** More cities exist than offered: choose a prefecture or type a name to see them. */
  more?: boolean;
  /** The city whose peers by population are offered (`?peers=`), with them. */
  peersOf?: { city: City; peers: CityPeers } | undefined;
  /** Per definition key of the same-KPI groups: how many cities measure it nationally. */
  nationalCounts: ReadonlyMap<string, number>;
  /** Today in Tokyo (the one clock), for the next targets. */
  today: string;
}) {
  const { ctx, comparison } = props;
  const query = props.selected.map((id) => `cities=${encodeURIComponent(id)}`).join('&');
  return (
    <Layout ctx={ctx} title={ctx.t('pub.compare.title')} breadcrumbs={[{ href: ctx.href('/'), label: ctx.t('nav.home') }]}>
      <h1>{ctx.t('pub.compare.title')}</h1>
      <p class="lead">{ctx.t('pub.compare.lead')}</p>
      {props.peersOf ? <PeersList ctx={ctx} city={props.peersOf.city} peers={props.peersOf.peers} /> : null}
      <form method="get" action="/compare" class="filter-form">
        {ctx.lang === 'en' ? <input type="hidden" name="lang" value="en" /> : null}
        {props.prefectures && props.prefectures.length > 1 ? (
          <p class="filters">
            <PrefectureSelect ctx={ctx} prefectures={props.prefectures} value={props.prefecture} id="f-prefecture" />
            <label for="f-name">{ctx.t('nat.home.name')}</label>
            <input id="f-name" name="name" type="search" value={props.name ?? ''} maxlength={40} />
            <button type="submit">{ctx.t('nat.compare.showCities')}</button>
          </p>
        ) : null}
        {props.peersOf ? <input type="hidden" name="peers" value={props.peersOf.city.id} /> : null}
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
      {(props.repeated ?? []).length > 0 || (props.unknown ?? []).length > 0 ? (
        <ul class="notice" role="status">
          {(props.repeated ?? []).length > 0 ? <li>{fill(ctx.t('pub.compare.repeated'), { cities: (props.repeated ?? []).map((c) => localized(ctx, c.name, c.nameEn)).join(ctx.lang === 'ja' ? '・' : ', ') })}</li> : null}
          {(props.unknown ?? []).length > 0 ? <li>{fill(ctx.t('pub.compare.unknown'), { ids: (props.unknown ?? []).join(ctx.lang === 'ja' ? '、' : ', ') })}</li> : null}
        </ul>
      ) : null}
      {comparison === null ? (
        <p class="notice" role="status">
          {props.selected.length === 1 ? fill(ctx.t('pub.compare.needOneMore'), { city: localized(ctx, props.all[0]!.name, props.all[0]!.nameEn) }) : ctx.t('pub.compare.needTwo')}
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
          <section aria-labelledby="same-h">
            <h2 id="same-h">{ctx.t('cmp.same.title')}</h2>
            <p>{ctx.t('cmp.same.lead')}</p>
            {comparison.sameKpis.length === 0 ? <p>{ctx.t('cmp.same.none')}</p> : null}
            {comparison.sameKpis.map((group, i) => (
              <SameKpiBlock ctx={ctx} group={group} index={i} nationalCount={props.nationalCounts.get(group.key)} today={props.today} />
            ))}
          </section>
          {comparison.folded ? (
            <GoalsOverview ctx={ctx} comparison={comparison} sharedGoals={comparison.sharedGoals} query={query} />
          ) : (
            <>
              <section aria-labelledby="targets-h">
                <h2 id="targets-h">{ctx.t('pub.compare.targets')}</h2>
                {comparison.sharedTargets.length === 0 ? <p>{ctx.t('pub.compare.noTargets')}</p> : null}
                {comparison.sharedTargets.length > 0 ? <SharedTargetsTable ctx={ctx} cities={comparison.cities} targets={comparison.sharedTargets} /> : null}
              </section>
              <section aria-labelledby="goals-h">
                <h2 id="goals-h">{ctx.t('pub.compare.goals')}</h2>
                {comparison.sharedGoals.length === 0 ? <p>{ctx.t('pub.compare.noGoals')}</p> : null}
                {comparison.sharedGoals.map((theme) => (
                  <ThemeBlock
                    ctx={ctx}
                    columns={theme.columns}
                    id={`g-${theme.goal.id}`}
                    goal={theme.goal.number}
                    heading={goalHeading(ctx, theme.goal)}
                    chip={<GoalChip ctx={ctx} goal={theme.goal} />}
                    today={props.today}
                  />
                ))}
              </section>
            </>
          )}
        </>
      )}
    </Layout>
  );
}

/** A goal as the compare pages name it: 「ゴール 7 エネルギーをみんなに そしてクリーンに」. */
const goalHeading = (ctx: ViewContext, goal: SdgGoal) => `${ctx.t('pub.sdg.goal')} ${goal.id} ${localized(ctx, goal.short.ja, goal.short.en)}`;

/** The compare query of these cities (`cities=a&cities=b`), as the page's links carry it. */
const citiesQuery = (cities: readonly City[]) => cities.map((c) => `cities=${encodeURIComponent(c.id)}`).join('&');

/**
 * A large comparison's goals ({@link COMPARE_ROWS_ON_ONE_PAGE} in city-comparison.service.ts): one
 * table, a row per shared goal with its count of shared targets and each city's count of KPIs on
 * it (linking to that city's KPI list on the goal); the goal's name links to its own page
 * (`?goal=N`) with those targets and each city's first KPIs. The row keeps the goal's anchor
 * (`#g-N`) of the page that fits on one screen.
 */
function GoalsOverview(props: { ctx: ViewContext; comparison: ComparisonPage; sharedGoals: readonly SharedGoalCount[]; query: string }) {
  const { ctx, comparison } = props;
  return (
    <section aria-labelledby="goals-h">
      <h2 id="goals-h">{ctx.t('pub.compare.goals')}</h2>
      <p>{fill(ctx.t('pub.compare.foldedLead'), { targets: String(comparison.sharedTargets.length), goals: String(props.sharedGoals.length) })}</p>
      <div class="table-scroll" tabindex={0} role="region" aria-labelledby="goals-caption">
        <table>
          <caption id="goals-caption">{ctx.t('pub.compare.goalsCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{ctx.t('pub.sdg.goal')}</th>
              <th scope="col">{ctx.t('pub.compare.targetsColumn')}</th>
              {comparison.cities.map((c) => (
                <th scope="col">{localized(ctx, c.name, c.nameEn)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {props.sharedGoals.map((g) => (
              <tr id={`g-${g.goal.id}`}>
                <th scope="row">
                  <a href={ctx.href(`/compare?${props.query}&goal=${g.goal.number}`)}>{goalHeading(ctx, g.goal)}</a>
                </th>
                <td>{comparison.sharedTargets.filter((t) => t.target.goal === g.goal.id).length}</td>
                {g.columns.map((col) => (
                  <CountCell
                    n={col.total}
                    href={ctx.href(`/cities/${encodeURIComponent(col.city.id)}/kpis?goal=${g.goal.number}`)}
                    label={fill(ctx.t('pub.compare.goalCell'), { n: String(col.total), city: localized(ctx, col.city.name, col.city.nameEn), goal: g.goal.id })}
                  />
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/**
 * `/compare?cities=a&cities=b&goal=N`: one goal the cities share: its shared targets (a table of
 * counts) and each city's first {@link KPIS_SHOWN_PER_THEME} KPIs on it; a link back to the
 * comparison first, the other shared goals' pages last (after what the page is about). Served
 * for any shared goal, whether or not the comparison folds (so a link to it never breaks when
 * the cities' KPIs change).
 */
export function CompareGoalView(props: { ctx: ViewContext; page: ComparisonGoalPage; today: string }) {
  const { ctx, page } = props;
  const query = citiesQuery(page.cities);
  const overview = ctx.href(`/compare?${query}`);
  const title = fill(ctx.t('pub.compare.goalTitle'), { goal: goalHeading(ctx, page.goal) });
  return (
    <Layout
      ctx={ctx}
      title={title}
      breadcrumbs={[
        { href: ctx.href('/'), label: ctx.t('nav.home') },
        { href: overview, label: ctx.t('pub.compare.title') },
      ]}
    >
      <h1>{title}</h1>
      <p role="status">
        {fill(ctx.t('pub.compare.goalSummary'), {
          cities: page.cities.map((c) => localized(ctx, c.name, c.nameEn)).join(ctx.lang === 'ja' ? '・' : ', '),
          goal: page.goal.id,
          targets: String(page.sharedTargets.length),
        })}
      </p>
      <p>
        <a href={overview}>{ctx.t('pub.compare.backToOverview')}</a>
      </p>
      <section aria-labelledby="targets-h">
        <h2 id="targets-h">{fill(ctx.t('pub.compare.goalTargets'), { goal: page.goal.id })}</h2>
        {page.sharedTargets.length === 0 ? <p>{ctx.t('pub.compare.noGoalTargets')}</p> : <SharedTargetsTable ctx={ctx} cities={page.cities} targets={page.sharedTargets} />}
      </section>
      <section aria-labelledby="goal-kpis-h">
        <h2 id="goal-kpis-h">{fill(ctx.t('pub.compare.goalKpis'), { goal: page.goal.id })}</h2>
        <ThemeColumns ctx={ctx} columns={page.columns} goal={page.goal.number} level={3} today={props.today} />
      </section>
      <nav aria-labelledby="goal-pages-h">
        <h2 id="goal-pages-h">{ctx.t('pub.compare.goals')}</h2>
        <ul class="goal-pages">
          {page.sharedGoals.map((g) => (
            <li>
              <a href={ctx.href(`/compare?${query}&goal=${g.number}`)} aria-current={g.number === page.goal.number ? 'page' : undefined}>
                {goalHeading(ctx, g)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
    </Layout>
  );
}

/**
 * The shared targets as one table of counts (a row per target, a column per city, each count
 * linking to the city's KPIs on the target's goal): cities of 200 KPIs share a hundred targets
 * or more, and a list of KPIs under each made the page 0.5–1.9 MB (issue 11.1). The KPIs
 * themselves are listed per shared goal below, and in the comparison's CSV and JSON.
 */
function SharedTargetsTable(props: { ctx: ViewContext; cities: readonly City[]; targets: readonly SharedTarget[] }) {
  const { ctx } = props;
  return (
    <div class="table-scroll" tabindex={0} role="region" aria-labelledby="targets-caption">
      <table>
        <caption id="targets-caption">{ctx.t('pub.compare.targetsCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{ctx.t('pub.sdg.target')}</th>
            {props.cities.map((c) => (
              <th scope="col">{localized(ctx, c.name, c.nameEn)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.targets.map((theme) => (
            <tr id={`t-${theme.target.id}`}>
              <th scope="row">
                {theme.target.id} <span class="small">{localized(ctx, theme.target.title.ja, theme.target.title.en)}</span>
              </th>
              {theme.columns.map((col) => (
                <CountCell
                  n={col.total}
                  href={ctx.href(`/cities/${encodeURIComponent(col.city.id)}/kpis?goal=${Number(theme.target.goal)}`)}
                  label={fill(ctx.t('pub.compare.targetCell'), { n: String(col.total), city: localized(ctx, col.city.name, col.city.nameEn), target: theme.target.id, goal: theme.target.goal })}
                />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * A shared goal: per city the first {@link KPIS_SHOWN_PER_THEME} KPIs on it. Two 200-KPI cities
 * share dozens of targets, and listing every KPI under each made a 0.9 MB page (issue 11.1: no
 * page shows more than a person reads). The rest are one link away, on the city's KPI list
 * filtered by the goal; the CSV and JSON of the comparison keep every KPI.
 */
function ThemeBlock(props: { ctx: ViewContext; columns: readonly ComparedColumn[]; id: string; heading: string; goal: number; text?: string; chip?: unknown; today: string }) {
  return (
    <section class="theme" aria-labelledby={`${props.id}-h`}>
      <h3 id={`${props.id}-h`}>{props.heading}</h3>
      {props.text ? <p class="small">{props.text}</p> : null}
      <ThemeColumns ctx={props.ctx} columns={props.columns} goal={props.goal} level={4} today={props.today} />
    </section>
  );
}

/** Each city's column of a shared goal: its first KPIs, and how many more with their link; city names as headings of `level`. */
function ThemeColumns(props: { ctx: ViewContext; columns: readonly ComparedColumn[]; goal: number; level: 3 | 4; today: string }) {
  const { ctx } = props;
  return (
    <div class="compare-grid" style={`--cols:${props.columns.length}`}>
      {props.columns.map((col) => (
        <div class="compare-col">
          {props.level === 3 ? <h3>{localized(ctx, col.city.name, col.city.nameEn)}</h3> : <h4>{localized(ctx, col.city.name, col.city.nameEn)}</h4>}
          {col.total === 0 ? (
            <p class="muted small">{ctx.t('pub.compare.noKpiHere')}</p>
          ) : (
            <>
              <ul class="compare-kpis">
                {col.kpis.map((k) => (
                  <CompareKpi ctx={ctx} item={k} today={props.today} />
                ))}
              </ul>
              {col.total > KPIS_SHOWN_PER_THEME ? (
                <p class="small">
                  <a href={ctx.href(`/cities/${encodeURIComponent(col.city.id)}/kpis?goal=${props.goal}`)}>
                    {fill(ctx.t('pub.compare.more'), { n: String(col.total - KPIS_SHOWN_PER_THEME), total: String(col.total), goal: String(props.goal) })}
                  </a>
                </p>
              ) : null}
            </>
          )}
        </div>
      ))}
    </div>
  );
}

function CompareKpi(props: { ctx: ViewContext; item: ComparedKpi; today: string }) {
  const { ctx, item } = props;
  const next = nextTarget(item.targets, props.today);
  return (
    <li>
      <a href={ctx.href(kpiPath(item.city.id, item.id))}>{localized(ctx, item.name, item.nameEn)}</a>
      <span class="compare-figures">
        {ctx.t('kpi.latest')} {quantityLabel(ctx, item.latest, item.unit)}
        {item.latest ? parens(timeLabel(item.latest.at, ctx.lang), ctx.lang) : ''}
      </span>
      <span class="compare-figures">
        {ctx.t('kpi.target')} {quantityLabel(ctx, item.target, item.unit)}
        {item.target ? parens(timeLabel(item.target.at, ctx.lang), ctx.lang) : ''}
      </span>
      <span class="compare-figures">
        {ctx.t('cmp.nextTarget')} {next ? `${quantityLabel(ctx, next, item.unit)}${parens(timeLabel(next.at, ctx.lang), ctx.lang)}` : ctx.t('cmp.nextTarget.none')}
      </span>
      <span class="compare-status">
        <RateBar rate={item.achievement?.displayRate ?? null} label={achievementLabel(ctx, item.achievement)} /> <StatusBadge ctx={ctx} status={item.status} />
      </span>
    </li>
  );
}

/**
 * A city's peers by population (issue 15.6): the band searched, the nearest cities with their
 * populations and pages, and a link comparing the nearest five with it; or why there are none.
 */
function PeersList(props: { ctx: ViewContext; city: City; peers: CityPeers }) {
  const { ctx, city, peers } = props;
  const name = localized(ctx, city.name, city.nameEn);
  const compare = `/compare?${[`peers=${encodeURIComponent(city.id)}`, `cities=${encodeURIComponent(city.id)}`, ...peers.peers.slice(0, MAX_COMPARED - 1).map((p) => `cities=${encodeURIComponent(p.id)}`)].join('&')}`;
  return (
    <section aria-labelledby="peers-h">
      <h2 id="peers-h">{ctx.t('cmp.peers.title')}</h2>
      {peers.population === null || peers.band === null ? (
        <p role="status">{ctx.t('cmp.peers.noPopulation')}</p>
      ) : (
        <>
          <p role="status">{fill(ctx.t('cmp.peers.lead'), { city: name, population: formatCount(ctx, peers.population), from: formatCount(ctx, peers.band.from), to: formatCount(ctx, peers.band.to) })}</p>
          {peers.peers.length === 0 ? (
            <p>{fill(ctx.t('cmp.peers.none'), { from: formatCount(ctx, peers.band.from), to: formatCount(ctx, peers.band.to) })}</p>
          ) : (
            <>
              <ul class="peer-list">
                {peers.peers.map((p) => (
                  <li data-population={String(p.population ?? '')}>
                    <a href={ctx.href(`/cities/${p.id}`)}>{localized(ctx, p.name, p.nameEn)}</a>
                    {parens(`${localized(ctx, p.prefecture, p.prefectureEn)}${ctx.lang === 'ja' ? '・' : ', '}${ctx.t('cmp.population')} ${fill(ctx.t('cmp.persons'), { n: formatCount(ctx, p.population ?? 0) })}`, ctx.lang)}
                  </li>
                ))}
              </ul>
              {peers.total > peers.peers.length ? <p class="muted">{fill(ctx.t('cmp.peers.more'), { total: String(peers.total), n: String(peers.peers.length) })}</p> : null}
              <p>
                <a href={ctx.href(compare)}>{ctx.t('cmp.peers.compare')}</a>
              </p>
            </>
          )}
        </>
      )}
    </section>
  );
}
