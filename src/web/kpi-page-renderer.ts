import { createHash } from 'node:crypto';
import type { KpiPageRenderer } from '../cities/city-data.store.ts';
import type { CityData } from '../core/city/city.ts';
import { buildKpiDetail, type KpiDetail } from '../kpis/kpi-detail.service.ts';
import { kpiPageSummaryParts } from './views/kpi.view.tsx';

/**
 * The KPI pages kept with a city's summaries (issue 11.5), as the app context gives the store
 * (cities/city-data.store.ts renderKpiPagesWith): each public KPI's page in Japanese and English
 * from the city's public view, and the key of what it is rendered from, so a rebuild renders
 * again only the pages whose input changed.
 *
 * The key hashes the KPI's detail (kpis/kpi-detail.service.ts: the KPI with its actuals, targets
 * and revisions, evaluations, override, commentary, published rates, plan uses, what the page says
 * about it), of the plans it names only what the page shows of them (id and titles: the rest is
 * already in the detail), and the city-wide parts the page shows (the city, its documents, its
 * unpublished years). The page is a function of these and of the code, which the rows name apart.
 */
export const kpiPageRenderer: KpiPageRenderer = {
  keyOf(data, kpiId) {
    const detail = detailOf(data, kpiId);
    if (!detail) return undefined;
    return createHash('sha256').update(cityKey(data)).update('\u0000').update(detailJson(detail)).digest('base64url');
  },
  render(data, kpiId) {
    const detail = detailOf(data, kpiId);
    return detail ? [kpiPageSummaryParts(detail, 'ja'), kpiPageSummaryParts(detail, 'en')] : [];
  },
};

/**
 * The last KPI's detail: a rebuild asks for a KPI's key and then, when it changed, for its pages,
 * so one detail serves both (building it is a good part of a page's cost). One entry: it holds
 * one city view at most, until the next KPI is asked for.
 */
let last: { readonly data: CityData; readonly kpiId: string; readonly detail: ReturnType<typeof buildKpiDetail> } | undefined;
function detailOf(data: CityData, kpiId: string): ReturnType<typeof buildKpiDetail> {
  if (last?.data !== data || last.kpiId !== kpiId) last = { data, kpiId, detail: buildKpiDetail(data, kpiId) };
  return last.detail;
}

/** The city-wide parts a KPI page shows, as JSON, once per city view (a view is never changed once handed out). */
const cityKeys = new WeakMap<CityData, string>();
function cityKey(data: CityData): string {
  let key = cityKeys.get(data);
  if (key === undefined) cityKeys.set(data, (key = JSON.stringify([data.city, data.documents, data.unpublishedYears ?? []], stable)));
  return key;
}

/** The detail as JSON without the city's data (see {@link cityKey}), each plan by what the page shows of it. */
function detailJson(detail: KpiDetail): string {
  return JSON.stringify(detail, (key, value: unknown) => {
    if (key === 'data') return undefined;
    if (key === 'plan' && value && typeof value === 'object' && 'nodes' in value) {
      const plan = value as unknown as { id: string; title: string; titleEn?: string };
      return { id: plan.id, title: plan.title, titleEn: plan.titleEn };
    }
    return stable(key, value);
  });
}

/**
 * A JSON replacer writing sets and maps as lists, and numbers JSON cannot hold (±Infinity, NaN,
 * and -0, which JSON writes as 0 but the page prints "-0") as text, so no two inputs share a key.
 */
function stable(_key: string, value: unknown): unknown {
  if (value instanceof Set) return { set: [...value] };
  if (value instanceof Map) return { map: [...value] };
  if (typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0))) return `number:${Object.is(value, -0) ? '-0' : value}`;
  return value;
}
