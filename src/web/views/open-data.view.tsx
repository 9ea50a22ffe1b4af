import type { City, CityData } from '../../core/city/city.ts';
import type { CitySummary } from '../../cities/city-summary.service.ts';
import { statusOverrideOf } from '../../staff/staff-notes.service.ts';
import { licenceOf } from '../../open-data/licence.ts';
import { fill } from './fill.ts';
import { parens } from './format.ts';
import { Layout } from './layout.tsx';
import { PublicImportTemplates } from './staff/import.view.tsx';
import { DownloadLinks, KpiTable } from './public-parts.tsx';
import { localized, type ViewContext } from './view-context.ts';
import type { Page, PrefectureCount } from '../../summaries/national.service.ts';
import { Pager, PrefectureSelect } from './national-parts.tsx';

/** The files of a city archive, in the order the README lists them. */
export const ARCHIVE_FILES = ['kpis', 'kpi-series', 'observations', 'targets', 'target-revisions', 'plans', 'plan-nodes', 'plan-kpi-rows', 'kpi-commentaries', 'plan-evaluations', 'published-rates', 'documents'] as const;

/** `/data`: every city's archive, the per-page downloads and the API description. */
export function OpenDataView(props: { ctx: ViewContext; cities: readonly City[]; page?: Page<unknown>; prefectures?: readonly PrefectureCount[]; prefecture?: string | undefined }) {
  const { ctx } = props;
  return (
    <Layout ctx={ctx} title={ctx.t('pub.data.title')} breadcrumbs={[{ href: ctx.href('/'), label: ctx.t('nav.home') }]}>
      <h1>{ctx.t('pub.data.title')}</h1>
      <p class="lead">{ctx.t('pub.data.lead')}</p>
      <section aria-labelledby="zip-h">
        <h2 id="zip-h">{ctx.t('pub.data.archives')}</h2>
        {props.prefectures && props.prefectures.length > 1 ? (
          <form method="get" action="/data" class="filters">
            {ctx.lang === 'en' ? <input type="hidden" name="lang" value="en" /> : null}
            <PrefectureSelect ctx={ctx} prefectures={props.prefectures} value={props.prefecture} id="f-prefecture" />
            <button type="submit">{ctx.t('nat.filter.apply')}</button>
          </form>
        ) : null}
        <ul class="card-list">
          {props.cities.map((c) => (
            <li class="card">
              <h3>{localized(ctx, c.name, c.nameEn)}</h3>
              <p>
                <a href={`/cities/${c.id}/download.zip`} download>
                  {ctx.t('pub.data.zip')}
                </a>
              </p>
              <p>
                <a href={ctx.href(`/cities/${c.id}/kpis`)}>{ctx.t('pub.kpi.list')}</a>
              </p>
              <p class="small">
                {ctx.t('pub.data.licence')}
                <a href={licenceOf(c).url} rel="license">
                  {licenceOf(c).title[ctx.lang]}
                </a>
              </p>
            </li>
          ))}
        </ul>
        {props.page ? <Pager ctx={ctx} page={props.page} path="/data" params={{ prefecture: props.prefecture }} /> : null}
        <h3>{ctx.t('pub.data.contents')}</h3>
        <dl class="file-list">
          {ARCHIVE_FILES.map((f) => (
            <div>
              <dt>
                <code>{f}.csv</code> / <code>{f}.json</code>
              </dt>
              <dd>{ctx.t(`pub.data.file.${f}`)}</dd>
            </div>
          ))}
        </dl>
        <p class="muted small">{ctx.t('pub.data.format')}</p>
        <h3>{ctx.t('pub.data.standards')}</h3>
        <p>{ctx.t('pub.data.standardsText')}</p>
      </section>
      <PublicImportTemplates ctx={ctx} cities={props.cities} />
      <section aria-labelledby="api-h">
        <h2 id="api-h">{ctx.t('pub.data.api')}</h2>
        <p>{ctx.t('pub.data.apiLead')}</p>
        <ul>
          <li>
            <a href="/api/v1/openapi.json">{ctx.t('pub.data.openapi')}</a>
          </li>
          <li>
            <a href="/api/v1/cities">/api/v1/cities</a>
          </li>
          <li>
            <a href="/api/v1/sdgs">/api/v1/sdgs</a>
          </li>
        </ul>
      </section>
      <section aria-labelledby="licence-h">
        <h2 id="licence-h">{ctx.t('pub.data.terms')}</h2>
        <p>{ctx.t('pub.data.licenceDefault')}</p>
        <p>{ctx.t('pub.data.termsText')}</p>
      </section>
    </Layout>
  );
}
