import type { Context } from 'hono';
import { z } from 'zod';
import { KPI_STATUSES } from '../../core/kpi/status.ts';
import { MAX_NAME_FILTER, type KpiListQuery } from '../../kpis/city-kpi-list.service.ts';
import { errors, type InputProblem } from '../errors.ts';
import { PAGE_QUERY_PARAMETERS } from '../page-cache.ts';

/**
 * The query of a city's KPI list (`/cities/:city/kpis`) and of the city page, checked with zod
 * (issue 11.1). Every answer these pages give with 200 is kept by the page cache under its query,
 * so the query is strict: each parameter at most once, each value in shape ("" is a form's
 * "all"), and a parameter the cache keys on but the page does not read (`?year=`, `?kind=`) is
 * refused rather than silently ignored. Junk therefore gets a 400 naming the parameter and is
 * never kept, and the kept variants of a city are the finite set of its filters and pages.
 * Parameters the cache does not know (`?utm_source=`) are ignored as on every page: the cache
 * passes such requests by.
 */

const oneOf = (values: readonly string[]) => z.enum(values as [string, ...string[]]);

/** The list's parameters; `format` is left to `requestedFormat` (an unknown format is a 404 as on every page). */
const listSchema = z.strictObject({
  lang: oneOf(['ja', 'en']).optional(),
  format: z.string().optional(),
  status: z.union([z.literal(''), oneOf(KPI_STATUSES)]).optional(),
  goal: z.string().regex(/^(1[0-7]|[1-9])?$/).optional(),
  node: z.string().max(300).regex(/^([^/]+\/[^/]+)?$/).optional(),
  department: z.string().max(200).optional(),
  q: z.string().max(MAX_NAME_FILTER).optional(),
  page: z.string().regex(/^[1-9][0-9]{0,5}$/).optional(),
});

/** The city page reads only the language and the format: its list is the first page, filters go to the list. */
const cityPageSchema = z.strictObject({ lang: listSchema.shape.lang, format: listSchema.shape.format });

/** A checked list query: the filters (still to be checked against the city) and the page number. */
export interface CheckedKpiListQuery {
  readonly query: KpiListQuery;
  /** 1-based; absent means 1. */
  readonly page: number | undefined;
}

/** Reads and checks the KPI list's query; throws the 400 ({@link errors.invalidInput}) naming the parameter. */
export function kpiListQueryOf(c: Context): CheckedKpiListQuery {
  const q = parseStrict(c, listSchema);
  return { query: { status: q.status, goal: q.goal, node: q.node, department: q.department, q: q.q }, page: q.page === undefined ? undefined : Number(q.page) };
}

/** Checks the city page's query (only `lang` and `format`); throws the 400 as {@link kpiListQueryOf}. */
export function checkCityPageQuery(c: Context): void {
  parseStrict(c, cityPageSchema);
}

function parseStrict<S extends z.ZodType<Record<string, string | undefined>>>(c: Context, schema: S): z.infer<S> {
  const raw: Record<string, string> = {};
  for (const name of PAGE_QUERY_PARAMETERS) {
    const values = c.req.queries(name);
    if (!values) continue;
    if (values.length > 1) throw errors.invalidInput({ kind: 'query', name }, { kind: 'repeated' });
    raw[name] = values[0]!;
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') throw errors.invalidInput({ kind: 'query', name: String(issue.keys[0]) }, { kind: 'not-taken' });
  const name = String(issue.path[0] ?? '');
  throw errors.invalidInput({ kind: 'query', name }, problemOf(name, issue));
}

function problemOf(name: string, issue: z.core.$ZodIssue): InputProblem {
  if (issue.code === 'too_big') return { kind: 'too-long', limit: Number(issue.maximum) };
  if (name === 'page') return { kind: 'not-a-page-number' };
  return { kind: 'not-a-choice' };
}
