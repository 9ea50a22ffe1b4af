import type { KpiDetail } from '../../kpis/kpi-detail.service.ts';
import { fill } from './fill.ts';
import { documentHead } from './layout.tsx';
import { KpiChartFigure, SeriesTable } from './kpi.view.tsx';
import { UnpublishedYearsNote } from './unpublished-note.tsx';
import { localized, type ViewContext } from './view-context.ts';

/**
 * `/cities/:city/kpis/:kpi/embed` (issue 15.4): the KPI's chart for other sites to frame — the
 * chart with its text alternative, its data table under a details element (no script needed),
 * and a link back to the full page, opened in the top window. No site header or navigation: it
 * sits inside someone else's page. The only page that may be framed (security-headers.ts).
 */
export function KpiEmbedView(props: { ctx: ViewContext; detail: KpiDetail }) {
  const { ctx, detail } = props;
  const { kpi, data } = detail;
  const name = localized(ctx, kpi.name, kpi.nameEn);
  const cityName = localized(ctx, data.city.name, data.city.nameEn);
  return (
    <html lang={ctx.lang}>
      {documentHead(`${fill(ctx.t('pub.embed.title'), { kpi: name, city: cityName })} | ${ctx.t('app.name')}`)}
      <body class="embed-body">
        <main>
          <h1>{name}</h1>
          <p class="muted small">
            {cityName} ・ {ctx.t('pub.kpi.kicker')}
          </p>
          <UnpublishedYearsNote ctx={ctx} years={data.unpublishedYears} />
          <KpiChartFigure ctx={ctx} detail={detail} />
          <details>
            <summary>{ctx.t('pub.embed.table')}</summary>
            <SeriesTable ctx={ctx} detail={detail} captionId="embed-series-caption" />
          </details>
          <p class="embed-foot">
            <a href={ctx.href(`/cities/${data.city.id}/kpis/${kpi.id}`)} target="_top">
              {fill(ctx.t('pub.embed.back'), { kpi: name, city: cityName })}
            </a>
          </p>
        </main>
      </body>
    </html>
  );
}
