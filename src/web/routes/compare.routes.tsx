import { Hono } from 'hono';
import { compareCities, MAX_COMPARED } from '../../summaries/city-comparison.service.ts';
import { cityDirectory } from '../../summaries/national.service.ts';
import type { CityData } from '../../core/city/city.ts';
import { viewContextOf } from '../request-context.ts';
import { CompareView } from '../views/compare.view.tsx';
import { clockOf, type WebDeps } from '../web-deps.ts';
import { cityFilterOf, pagingOf } from './national-json.ts';
import { cityPeers, definitionCounts, sameKpiPage } from '../../summaries/comparison.service.ts';
import { SameKpiPageView } from '../views/same-kpi.view.tsx';
import { notFound } from './public.routes.tsx';
import { compareJson, compareTable, csvResponse, jsonResponse, problemResponse, requestedFormat } from './public-json.ts';

/** A city id as URLs carry it. */
const CITY_ID = /^[a-z0-9-]{1,64}$/;

/** Peers listed (and offered as checkboxes) at most, nearest in size first. */
const PEER_LIST_SIZE = 20;

/** Cities offered as checkboxes at once: the whole list while it is short, else one prefecture's. */
const CHOOSER_SIZE = 200;

/** The chosen cities' data, loaded one by one (only those: never every city). */
export async function loadChosen(store: WebDeps['store'], values: readonly string[]): Promise<CityData[]> {
  // Unknown ids are skipped; at most 20 ids are looked up, and the first six known ones compared.
  const ids = [...new Set(values.flatMap((v) => v.split(',')).map((v) => v.trim()))].filter((id) => /^[a-z0-9-]{1,64}$/.test(id)).slice(0, 20);
  const out: CityData[] = [];
  for (const id of ids) {
    if (out.length >= MAX_COMPARED) break;
    const d = await store.get(id);
    if (d) out.push(d);
  }
  return out;
}

/**
 * `/compare`: choose cities (GET form: the list, or one prefecture's cities when there are
 * many) and see the chosen ones' KPIs side by side on shared targets and goals.
 */
export function compareRoutes(deps: WebDeps): Hono {
  const { store, db } = deps;
  const app = new Hono();
  app.get('/compare', async (c) => {
    const format = requestedFormat(c);
    if (!format) return notFound(c);
    const chosen = await loadChosen(store, c.req.queries('cities') ?? []);
    const selected = chosen.map((d) => d.city.id);
    const comparison = chosen.length >= 2 ? compareCities(chosen) : null;
    if (format !== 'html') {
      // A download of fewer than two known cities is a bad query, said as the API says it (never the HTML form as "CSV").
      if (!comparison) return problemResponse(400, 'invalid-query', 'Invalid query', `cities: expected two to ${MAX_COMPARED} known city ids, e.g. ?cities=ichinoseki&cities=tsukuba&format=${format}`);
      const name = `compare-${selected.join('-')}`;
      return format === 'csv' ? csvResponse(compareTable(comparison), name) : jsonResponse(compareJson(comparison), name);
    }
    const filter = cityFilterOf(c);
    // `?peers=<city>` offers that city's peers by population (issue 15.6) instead of the directory.
    const peersOf = c.req.query('peers');
    const peerCity = peersOf && CITY_ID.test(peersOf) ? (chosen.find((d) => d.city.id === peersOf) ?? (await store.get(peersOf))) : null;
    const peers = peerCity ? await cityPeers(db, peerCity.city, PEER_LIST_SIZE) : null;
    const { cities, prefectures } = await cityDirectory(db, filter, 1, peers ? 1 : CHOOSER_SIZE);
    const candidates = peers && peerCity ? [peerCity.city, ...peers.peers] : cities.items.map((x) => x.city);
    const offered = [...chosen.map((d) => d.city), ...candidates.filter((city) => !selected.includes(city.id))];
    const counts = comparison ? await definitionCounts(db, comparison.sameKpis.map((g) => g.key)) : new Map<string, number>();
    return c.html(
      <CompareView
        ctx={viewContextOf(c)}
        all={offered}
        selected={selected}
        comparison={comparison}
        prefectures={prefectures}
        prefecture={filter.prefecture}
        more={!peers && cities.total > cities.items.length}
        peersOf={peerCity && peers ? { city: peerCity.city, peers } : undefined}
        nationalCounts={counts}
        today={clockOf(deps).todayInTokyo()}
      />,
    );
  });

  /** Every city's KPI of the same definition as one city's KPI: paged, by prefecture (issue 15.6). */
  app.get('/compare/kpis/:city/:kpi', async (c) => {
    const { page, pageSize } = pagingOf(c);
    const { prefecture } = cityFilterOf(c);
    const cityId = c.req.param('city');
    const kpiId = c.req.param('kpi');
    if (!CITY_ID.test(cityId) || kpiId.length > 200) return notFound(c);
    const detail = await sameKpiPage(db, cityId, kpiId, { prefecture }, page, pageSize);
    if (!detail) return notFound(c);
    return c.html(<SameKpiPageView ctx={viewContextOf(c)} detail={detail} today={clockOf(deps).todayInTokyo()} />);
  });
  return app;
}
