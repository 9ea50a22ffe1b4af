import type { Lang } from '../i18n/lang.ts';

/**
 * A public KPI page (`/cities/:city/kpis/:kpi`) in one language as the city's summaries keep it
 * (`kpi_page_summaries`, issue 11.5): its main content rendered from the city's public view when
 * the summaries were built, split around the chart's take-away links (the one part that reads the
 * site's public URL, drawn per process), and what the frame around it needs. A KPI page of a city
 * not held in memory is then one indexed row and the frame, not the KPI's rows read, decorated,
 * evaluated and rendered (web/views/kpi.view.tsx `kpiPageFromSummary` gives the same bytes).
 */
export interface KpiPageParts {
  readonly cityId: string;
  /** The KPI's slug. */
  readonly kpiId: string;
  readonly lang: Lang;
  /** The KPI's name in the language (the page's title and the breadcrumbs' last step). */
  readonly title: string;
  /** The city's name in the language (its breadcrumb). */
  readonly cityName: string;
  /** The title of the chart's embed code (the KPI and the city). */
  readonly embedTitle: string;
  /** The main content's HTML up to the take-away links, and after them. */
  readonly before: string;
  readonly after: string;
}
