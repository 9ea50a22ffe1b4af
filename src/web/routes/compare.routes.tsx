import { Hono } from 'hono';
import { compareCities, MAX_COMPARED, readComparePage } from '../../summaries/city-comparison.service.ts';
import type { CityData } from '../../core/city/city.ts';
import { viewContextOf } from '../request-context.ts';
import { CompareGoalView, CompareView } from '../views/compare.view.tsx';
import { errors } from '../errors.ts';
import { clockOf, type WebDeps } from '../web-deps.ts';
import { cityFilterOf, pagingOf } from './national-json.ts';
import { cityPeers, sameKpiPage } from '../../summaries/comparison.service.ts';
import { SameKpiPageView } from '../views/same-kpi.view.tsx';
import { notFound } from './public.routes.tsx';
import { htmlPage } from '../html-page.ts';
import { compareJson, compareTable, csvResponse, jsonResponse, problemResponse, requestedFormat } from './public-json.ts';

/** A city id as URLs carry it. */
const CITY_ID = /^[a-z0-9-]{1,64}$/;

/** Peers listed (and offered as checkboxes) at most, nearest in size first. */
const PEER_LIST_SIZE = 20;

/**
 * Cities offered as checkboxes without a prefecture or name: every city while there are at most
 * this many (a prefecture's or a one-city installation, the seeds); above it only the chosen ones,
 * and the form asks for a prefecture or a name first (200 checkboxes of arbitrary cities out of
 * 1,741 were 21 kB that helped nobody choose, issue 11.1).
 */
const WHOLE_LIST_SIZE = 50;

/** Cities offered at most for a prefecture or a name (Hokkaido, the largest prefecture, has 179). */
const CHOOSER_SIZE = 200;

/** `?goal=`: an SDG goal number, 1 to 17, written without a leading zero. */
const GOAL_NUMBER = /^(1[0-7]|[1-9])$/;

/**
 * The goal page a compare query asks for (`?goal=N`), or undefined for the main page; a value
 * that is no goal number, or a repeated one, is a 400 naming the parameter (as the KPI list's
 * `?goal=`), never the main page under another cache key.
 */
function goalOf(values: readonly string[] | undefined): number | undefined {
  if (values === undefined) return undefined;
  if (values.length > 1) throw errors.invalidInput({ kind: 'query', name: 'goal' }, { kind: 'repeated' });
  if (!GOAL_NUMBER.test(values[0]!)) throw errors.invalidInput({ kind: 'query', name: 'goal' }, { kind: 'not-a-choice' });
  return Number(values[0]);
}

/** The cities a compare query names: those found (in order, each once) and what the query named wrongly. */
export interface ChosenCities<T = CityData> {
  readonly chosen: T[];
  /** Ids named more than once (each is compared once). */
  readonly repeated: readonly string[];
  /** Well-formed ids that name no city (at most 5). */
  readonly unknown: readonly string[];
  /** How many values were no city id at all (not echoed: they may be anything). */
  readonly malformed: number;
}

/** The distinct well-formed ids a compare query names (at most 20 are looked up), those repeated, and how many values are no id. */
function namedIds(values: readonly string[]): { ids: string[]; repeated: Set<string>; malformed: number } {
  const named = values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const id of named) (seen.has(id) ? repeated : seen).add(id);
  return { ids: [...seen].filter((id) => CITY_ID.test(id)).slice(0, 20), repeated, malformed: [...seen].filter((id) => !CITY_ID.test(id)).length };
}

/**
 * The chosen cities of a compare query, looked up one by one with `find` in the order named until
 * {@link MAX_COMPARED} are found: unknown ids are skipped and named (at most 5).
 */
async function chooseCities<T>(values: readonly string[], find: (id: string) => Promise<T | null>, idOf: (t: T) => string): Promise<ChosenCities<T>> {
  const { ids, repeated, malformed } = namedIds(values);
  const unknown: string[] = [];
  const chosen: T[] = [];
  for (const id of ids) {
    if (chosen.length >= MAX_COMPARED) break;
    const found = await find(id);
    if (found) chosen.push(found);
    else unknown.push(id);
  }
  return { chosen, repeated: [...repeated].filter((id) => chosen.some((t) => idOf(t) === id)), unknown: unknown.slice(0, 5), malformed };
}

/** The chosen cities' data, loaded one by one (only those: never every city), for the downloads and the API. */
export async function loadChosen(store: WebDeps['store'], values: readonly string[]): Promise<ChosenCities> {
  return chooseCities(values, (id) => store.get(id), (d) => d.city.id);
}

/** What a download or the API says when fewer than two known cities are named: which were repeated or unknown. */
export function compareQueryProblem(q: ChosenCities, example: string): string {
  const parts = [`cities: expected two to ${MAX_COMPARED} known city ids, each once, e.g. ${example}`];
  if (q.repeated.length > 0) parts.push(`named more than once (each city counts once): ${q.repeated.map((id) => `"${id}"`).join(', ')}`);
  if (q.unknown.length > 0) parts.push(`no such city: ${q.unknown.map((id) => `"${id}"`).join(', ')}`);
  if (q.malformed > 0) parts.push(`${q.malformed} value(s) are no city id (lower-case letters, digits and "-")`);
  return parts.join('; ');
}

/**
 * `/compare`: choose cities (GET form: every city while there are few, else the chosen ones and
 * those of a prefecture or a name) and see the chosen ones' KPIs side by side on shared targets
 * and goals; a large comparison folds into its shared goals, each on `?goal=N`.
 */
export function compareRoutes(deps: WebDeps): Hono {
  const { store, db } = deps;
  const app = new Hono();
  app.get('/compare', async (c) => {
    const format = requestedFormat(c);
    if (!format) return notFound(c);
    const values = c.req.queries('cities') ?? [];
    // Checked for every format: a junk goal is a 400 on a download too, never the whole file under another cache key.
    const goal = goalOf(c.req.queries('goal'));
    if (format !== 'html') {
      // The downloads list every KPI with every computed figure: they compare the cities loaded whole.
      const query = await loadChosen(store, values);
      // A download of fewer than two known cities is a bad query, said as the API says it (never the HTML form as "CSV").
      if (query.chosen.length < 2) return problemResponse(400, 'invalid-query', 'Invalid query', compareQueryProblem(query, `?cities=ichinoseki&cities=tsukuba&format=${format}`));
      const comparison = compareCities(query.chosen);
      const name = `compare-${query.chosen.map((d) => d.city.id).join('-')}`;
      return format === 'csv' ? csvResponse(compareTable(comparison), name) : jsonResponse(compareJson(comparison), name);
    }
    // The page: the named cities, the form's choices and the chosen cities' KPI summaries in one
    // statement (readComparePage); no city is loaded unless a write to one of them has not
    // reached its summaries yet.
    const peersOf = c.req.query('peers');
    const peersId = peersOf && CITY_ID.test(peersOf) ? peersOf : null;
    const filter = cityFilterOf(c);
    // Without a prefecture or a name, the whole list only while it is short (WHOLE_LIST_SIZE).
    const narrowed = filter.prefecture !== undefined || filter.name !== undefined;
    const read = await readComparePage(db, store, { named: namedIds(values).ids, peersId, offer: goal === undefined ? { filter, narrowedSize: CHOOSER_SIZE, wholeSize: WHOLE_LIST_SIZE } : null, goal });
    const { found } = read;
    // The same cities as read.chosen (the first MAX_COMPARED found, in the order named), with those repeated and unknown.
    const query = await chooseCities(values, async (id) => found.get(id) ?? null, (city) => city.id);
    const { chosen } = query;
    if (goal !== undefined) {
      // `?goal=N`: that shared goal's targets and each city's KPIs on it (a large comparison's overview links here).
      if (!read.goalPage) return notFound(c);
      return htmlPage(c, <CompareGoalView ctx={viewContextOf(c)} page={read.goalPage} today={clockOf(deps).todayInTokyo()} />);
    }
    const selected = chosen.map((city) => city.id);
    // `?peers=<city>` offers that city's peers by population (issue 15.6) instead of the directory.
    const peerCity = peersId ? (found.get(peersId) ?? null) : null;
    const peers = peerCity ? await cityPeers(db, peerCity, PEER_LIST_SIZE) : null;
    const comparison = read.comparison;
    const { cities, total, prefectures } = read.choices;
    const listed = narrowed || total <= WHOLE_LIST_SIZE ? cities : [];
    const candidates = peers && peerCity ? [peerCity, ...peers.peers] : listed;
    const offered = [...chosen, ...candidates.filter((city) => !selected.includes(city.id))];
    return htmlPage(
      c,
      <CompareView
        ctx={viewContextOf(c)}
        all={offered}
        selected={selected}
        comparison={comparison?.page ?? null}
        repeated={chosen.filter((city) => query.repeated.includes(city.id))}
        unknown={query.unknown}
        prefectures={prefectures}
        prefecture={filter.prefecture}
        name={filter.name}
        more={!peers && total > listed.length}
        peersOf={peerCity && peers ? { city: peerCity, peers } : undefined}
        nationalCounts={comparison?.nationalCounts ?? new Map<string, number>()}
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
