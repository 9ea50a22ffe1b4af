import { unpublishedYearsText } from '../../i18n/messages.ts';
import type { SearchCityRef, SearchResult, SearchResults, Segment } from '../../search/search.service.ts';
import { MAX_QUERY_LENGTH } from '../../search/search.service.ts';
import { fill } from './fill.ts';
import { parens } from './format.ts';
import { Layout } from './layout.tsx';
import { DownloadLinks, kpiPath } from './public-parts.tsx';
import { localized, type ViewContext } from './view-context.ts';

/**
 * `/search?q=`: a GET search form and the hits grouped into plans, KPIs and plan nodes, matches
 * marked. `shortened`: the query was longer than {@link MAX_QUERY_LENGTH} (a typed link; the form
 * stops there) and its first characters were searched, which the page says.
 */
export function SearchView(props: { ctx: ViewContext; results: SearchResults | null; shortened?: boolean; unpublished?: readonly { readonly city: SearchCityRef; readonly years: readonly number[] }[] }) {
  const { ctx, results } = props;
  const q = results?.query ?? '';
  const title = q ? fill(ctx.t('pub.search.titleFor'), { q }) : ctx.t('pub.search.title');
  return (
    <Layout ctx={ctx} title={title} breadcrumbs={[{ href: ctx.href('/'), label: ctx.t('nav.home') }]}>
      <h1>{ctx.t('pub.search.title')}</h1>
      <form method="get" action="/search" role="search" class="search-form">
        {ctx.lang === 'en' ? <input type="hidden" name="lang" value="en" /> : null}
        <label for="q">{ctx.t('pub.search.label')}</label>
        <div class="search-row">
          <input id="q" name="q" type="search" value={q} maxlength={MAX_QUERY_LENGTH} aria-describedby="q-hint" />
          <button type="submit">{ctx.t('pub.search.submit')}</button>
        </div>
        <p id="q-hint" class="muted small">
          {ctx.t('pub.search.hint')}
        </p>
      </form>
      {props.shortened ? (
        <p class="notice" role="status">
          {fill(ctx.t('pub.search.shortened'), { max: String(MAX_QUERY_LENGTH) })}
        </p>
      ) : null}
      {results && results.terms.length > 0 ? (
        results.total === 0 ? (
          <div class="notice" role="status">
            <p>
              <strong>{fill(ctx.t('pub.search.none'), { q })}</strong>
            </p>
            <p>{ctx.t('pub.search.noneHelp')}</p>
          </div>
        ) : (
          <>
            <p role="status">{fill(ctx.t(results.more ? 'pub.search.countMore' : results.total === 1 ? 'pub.search.countOne' : 'pub.search.count'), { n: String(results.total), q })}</p>
            {results.truncated ? <p class="muted">{fill(ctx.t('nat.search.truncated'), { n: String(results.plans.length + results.kpis.length + results.nodes.length) })}</p> : null}
            <DownloadLinks ctx={ctx} base={ctx.href(`/search?q=${encodeURIComponent(q)}`)} json={`/api/v1/search?q=${encodeURIComponent(q)}`} />
            {(props.unpublished ?? []).map((h) => (
              <p class="notice unpublished-years" data-city={h.city.id} data-years={h.years.join(',')}>
                {fill(ctx.t('pub.search.unpublished'), { city: ctx.lang === 'en' ? h.city.nameEn : h.city.name, note: unpublishedYearsText(ctx.lang, h.years) })}
              </p>
            ))}
            <Group ctx={ctx} id="r-kpis" title={ctx.t('pub.search.kpis')} items={results.kpis} />
            <Group ctx={ctx} id="r-plans" title={ctx.t('pub.search.plans')} items={results.plans} />
            <Group ctx={ctx} id="r-nodes" title={ctx.t('pub.search.nodes')} items={results.nodes} />
          </>
        )
      ) : null}
    </Layout>
  );
}

function Group(props: { ctx: ViewContext; id: string; title: string; items: readonly SearchResult[] }) {
  const { ctx } = props;
  if (props.items.length === 0) return null;
  return (
    <section aria-labelledby={`${props.id}-h`}>
      <h2 id={`${props.id}-h`}>
        {props.title} <span class="count">{parens(String(props.items.length), ctx.lang).trim()}</span>
      </h2>
      <ol class="results">
        {props.items.map((r) => (
          <li>
            <a href={resultHref(ctx, r)}>
              <Marked segments={r.title} />
            </a>
            {r.approximate ? <span class="badge badge-no-data">{ctx.t('pub.search.approximate')}</span> : null}
            <span class="result-where">{where(ctx, r)}</span>
            {r.snippet ? (
              <span class="result-snippet">
                <Marked segments={r.snippet} />
              </span>
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

function Marked(props: { segments: readonly Segment[] }) {
  return <>{props.segments.map((s) => (s.mark ? <mark>{s.text}</mark> : s.text))}</>;
}

/** The page a hit opens: a KPI page, a plan page, or a node within its plan page (the fragment after the language). */
export function resultHref(ctx: Pick<ViewContext, 'href'>, r: SearchResult): string {
  if (r.kind === 'kpi') return ctx.href(kpiPath(r.city.id, r.kpi!.id));
  const plan = ctx.href(`/cities/${r.city.id}/plans/${r.plan!.id}`);
  return r.kind === 'node' ? `${plan}#node-${r.node!.id}` : plan;
}

function where(ctx: ViewContext, r: SearchResult): string {
  const city = localized(ctx, r.city.name, r.city.nameEn);
  if (r.kind === 'node' && r.plan) return `${city} ・ ${localized(ctx, r.plan.title, r.plan.titleEn)}`;
  if (r.kind === 'plan' && r.plan) return `${city} ・ ${ctx.t(`plan.kind.${r.plan.kind}`)}`;
  return city;
}
