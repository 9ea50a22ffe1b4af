import type { CityData, PublishedRate } from '../../core/city/city.ts';
import { localGovernmentCodeMessage, parseLocalGovernmentCode } from '../../core/city/local-government-code.ts';
import type { Kpi, KpiTarget, Observation, PreciseValue } from '../../core/kpi/kpi.ts';
import { roundHalfUp } from '../../core/kpi/rounding.ts';
import { normalizeUnit, parseKpiName, parseQuantity, parseRate, parseSdgTargetList, parseTimePoint } from '../../core/notation/index.ts';
import { findParentPlanCycle, sheetKindsOf, type Plan, type PlanNode } from '../../core/plan/plan.ts';
import type { Quantity } from '../../core/quantity.ts';
import { formatTimePointIso, type TimePoint } from '../../core/time/time-point.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { describeTextProblem, textProblemIn } from '../../core/text.ts';
import { cityDataFileSchema, type KpiInput, type PreciseInput, type PlanNodeInput, type PlanInput } from './plan-data.schema.ts';

/** A problem found in a plan data file, with the JSON path of the value at fault. */
export interface PlanDataProblem {
  readonly path: string;
  readonly message: string;
}

/** The city read from a plan data file, or every problem found in it (core/result.ts). */
export type PlanDataResult = Result<CityData, readonly PlanDataProblem[]>;

/**
 * Reads a plan data file (see plan-data.schema.ts): validates its shape, then parses every
 * printed figure, date and SDG target list and checks the references between KPIs, targets,
 * plans and documents. Every problem is reported with its path; nothing is half-read.
 */
export function readPlanData(json: unknown): PlanDataResult {
  const problems: PlanDataProblem[] = [];
  const problem = (path: string, message: string) => problems.push({ path, message });
  // Every text of the file (names, titles, codes, descriptions, notes) obeys the text rules of a
  // form (core/text.ts): no control character, no invisible format character that disguises it.
  for (const [path, text] of stringsOf(json)) {
    const bad = textProblemIn(text);
    if (bad) problem(path, describeTextProblem(bad).en);
  }
  const parsed = cityDataFileSchema.safeParse(json);
  if (!parsed.success) {
    return err([...problems, ...parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }))]);
  }
  const file = parsed.data;

  const time = (path: string, s: string): TimePoint | null => {
    const r = parseTimePoint(s);
    if (r.ok) return r.value;
    problem(path, r.error.message);
    return null;
  };
  const figure = (path: string, v: string | number, unit: string): Quantity | null => {
    const r = parseQuantity(String(v), { expectedUnit: unit });
    if (r.ok) return r.value;
    problem(path, r.error.message);
    return null;
  };

  if (file.city.localGovernmentCode !== undefined) {
    const code = parseLocalGovernmentCode(file.city.localGovernmentCode, file.city.prefecture);
    if (!code.ok) problem('city.localGovernmentCode', localGovernmentCodeMessage(code.error, file.city.localGovernmentCode));
  }

  const documentIds = new Set(file.documents.map((d) => d.id));
  const kpis: Kpi[] = [];
  const publishedRates: PublishedRate[] = [];
  const seenKpis = new Set<string>();
  file.kpis.forEach((k, i) => {
    const at = `kpis.${i}`;
    if (seenKpis.has(k.id)) problem(`${at}.id`, `duplicate KPI id "${k.id}"`);
    seenKpis.add(k.id);
    const kpi = readKpi(file.city.id, k, at, { time, figure, problem });
    if (!kpi) return;
    kpis.push(kpi);
    k.publishedRates.forEach((p, j) => {
      const pat = `${at}.publishedRates.${j}`;
      if (!documentIds.has(p.document)) problem(`${pat}.document`, `unknown document "${p.document}"`);
      if (!kpi.targets.some((t) => t.id === p.target)) problem(`${pat}.target`, `KPI "${k.id}" has no target "${p.target}"`);
      const actualAt = time(`${pat}.actualAt`, p.actualAt);
      const rate = parseRate(p.rate);
      if (!rate.ok) problem(`${pat}.rate`, rate.error.message);
      const actual = p.actual !== undefined ? figure(`${pat}.actual`, p.actual, kpi.unit) : undefined;
      const targetValue = p.targetValue !== undefined ? figure(`${pat}.targetValue`, p.targetValue, kpi.unit) : undefined;
      if (actualAt && rate.ok && actual !== null && targetValue !== null) {
        if (!actual && !kpi.observations.some((o) => formatTimePointIso(o.at) === formatTimePointIso(actualAt)) && formatTimePointIso(kpi.baseline.at) !== formatTimePointIso(actualAt)) {
          problem(`${pat}.actualAt`, `KPI "${k.id}" has no actual at ${p.actualAt}`);
        }
        publishedRates.push({
          kpiId: kpi.id,
          documentId: p.document,
          actualAt,
          targetId: p.target,
          rate: rate.value.value,
          decimals: rate.value.decimals,
          printed: p.rate,
          ...(actual ? { actual: { value: actual.value, decimals: actual.decimals } } : {}),
          ...(targetValue ? { targetValue: { value: targetValue.value, decimals: targetValue.decimals } } : {}),
        });
      }
    });
  });

  const kpiById = new Map(kpis.map((k) => [k.id, k]));
  const planIds = new Set(file.plans.map((p) => p.id));
  const plans: Plan[] = [];
  file.plans.forEach((p, i) => {
    const plan = readPlan(file.city.id, p, `plans.${i}`, { kpiById, planIds, documentIds, problem });
    if (plan) plans.push(plan);
  });
  const cycle = findParentPlanCycle(file.plans.map((p) => ({ id: p.id, parentPlanId: p.parentPlan ?? null })));
  if (cycle) problem(`plans.${file.plans.findIndex((p) => p.id === cycle[0])}.parentPlan`, `the parent plans form a cycle (${cycle.join(' → ')}): a plan cannot be its own parent or ancestor`);

  if (problems.length > 0) return err(problems);
  return ok({
    city: stripUndefined(file.city),
    documents: file.documents.map(stripUndefined),
    kpis,
    plans,
    publishedRates,
  });
}

interface Readers {
  time(path: string, s: string): TimePoint | null;
  figure(path: string, v: string | number, unit: string): Quantity | null;
  problem(path: string, message: string): void;
}

/**
 * A precise value read and checked: it must round half up (四捨五入) to the printed figure at
 * the printed decimals, else it is not the unrounded value of that figure.
 */
function readPrecise(path: string, input: PreciseInput | undefined, printed: Quantity | null, r: Readers): { precise?: PreciseValue } {
  if (!input || !printed) return {};
  const value = Number(input.value);
  if (roundHalfUp(value, printed.decimals) !== roundHalfUp(printed.value, printed.decimals)) {
    r.problem(`${path}.value`, `precise value ${input.value} does not round to the printed ${printed.value} (${printed.decimals} decimal(s))`);
    return {};
  }
  return { precise: { value, source: input.source, basis: input.basis } };
}

function readKpi(cityId: string, k: KpiInput, at: string, r: Readers): Kpi | null {
  const name = parseKpiName(k.name);
  const targets = parseSdgTargetList(k.sdgTargets);
  if (!targets.ok) r.problem(`${at}.sdgTargets`, targets.error.message);
  const baselineAt = r.time(`${at}.baseline.at`, k.baseline.at);
  const baseline = r.figure(`${at}.baseline.value`, k.baseline.value, k.unit);
  const observations: Observation[] = [];
  const seenObs = new Set<string>();
  k.observations.forEach((o, j) => {
    const t = r.time(`${at}.observations.${j}.at`, o.at);
    const v = r.figure(`${at}.observations.${j}.value`, o.value, k.unit);
    if (!t || !v) return;
    const key = formatTimePointIso(t);
    if (seenObs.has(key)) r.problem(`${at}.observations.${j}.at`, `two actuals for ${o.at}`);
    seenObs.add(key);
    observations.push({ at: t, value: v.value, decimals: v.decimals, ...readPrecise(`${at}.observations.${j}.precise`, o.precise, v, r), ...(o.note ? { note: o.note } : {}), ...(o.source ? { source: o.source } : {}) });
  });
  const kpiTargets: KpiTarget[] = [];
  const seenTargets = new Set<string>();
  k.targets.forEach((t, j) => {
    const tat = `${at}.targets.${j}`;
    if (seenTargets.has(t.id)) r.problem(`${tat}.id`, `duplicate target id "${t.id}"`);
    seenTargets.add(t.id);
    const when = r.time(`${tat}.at`, t.at);
    const v = r.figure(`${tat}.value`, t.value, k.unit);
    const revisions = t.revisions.map((rev, n) => {
      const o = r.figure(`${tat}.revisions.${n}.old`, rev.old, k.unit);
      const nv = r.figure(`${tat}.revisions.${n}.new`, rev.new, k.unit);
      return o && nv ? { oldValue: o.value, newValue: nv.value, reason: rev.reason, revisedOn: rev.on } : null;
    });
    if (!when || !v || revisions.some((x) => x === null)) return;
    const last = revisions.at(-1);
    if (last && last.newValue !== v.value) r.problem(`${tat}.value`, `the target's value ${t.value} differs from its last revision's new value ${last.newValue}`);
    kpiTargets.push({ id: t.id, at: when, value: v.value, decimals: v.decimals, ...readPrecise(`${tat}.precise`, t.precise, v, r), revisions: revisions.filter((x) => x !== null) });
  });
  if (!baselineAt || !baseline || !targets.ok) return null;
  // Direction is never guessed (issue 13.3): with a target below the baseline the file must say
  // whether smaller is better; otherwise "more is better" is the only reading and is stored as such.
  const below = kpiTargets.filter((t) => t.value < baseline.value);
  if (!k.direction && below.length > 0) {
    r.problem(
      `${at}.direction`,
      `KPI "${k.id}": the target ${below[0]!.value} is below the baseline ${baseline.value}; state "direction": "down" if smaller is better, or "up" if more is better (the target was then set below a baseline already beyond it)`,
    );
  }
  return {
    id: k.id,
    cityId,
    name: name.name,
    ...(k.nameEn ? { nameEn: k.nameEn } : {}),
    unit: normalizeUnit(k.unit),
    ...(k.department ? { department: k.department } : {}),
    ...(k.indicator ? { indicator: k.indicator } : {}),
    sdgTargets: targets.value,
    side: k.side,
    aggregation: k.aggregation ?? name.aggregation ?? 'snapshot',
    direction: k.direction ?? 'up',
    method: k.method,
    baseline: { at: baselineAt, value: baseline.value, decimals: baseline.decimals, ...readPrecise(`${at}.baseline.precise`, k.baseline.precise, baseline, r) },
    observations,
    targets: kpiTargets,
  };
}

function readPlan(
  cityId: string,
  p: PlanInput,
  at: string,
  ctx: { kpiById: Map<string, Kpi>; planIds: Set<string>; documentIds: ReadonlySet<string>; problem(path: string, message: string): void },
): Plan | null {
  const period = parseTimePoint(p.period);
  if (!period.ok) {
    ctx.problem(`${at}.period`, period.error.message);
    return null;
  }
  const [start, end] = period.value.kind === 'period' ? [period.value.from.year, period.value.to.year] : [period.value.year, period.value.year];
  if (p.parentPlan && !ctx.planIds.has(p.parentPlan)) ctx.problem(`${at}.parentPlan`, `unknown plan "${p.parentPlan}"`);
  const readNode = (n: PlanNodeInput, path: string, id: string): PlanNode => ({
    id,
    kind: n.kind,
    ...(n.code ? { code: n.code } : {}),
    title: n.title,
    ...(n.titleEn ? { titleEn: n.titleEn } : {}),
    ...(n.description ? { description: n.description } : {}),
    children: n.children.map((c, i) => readNode(c, `${path}.children.${i}`, `${id}-${i + 1}`)),
    kpiRows: n.kpis.map((row, i) => {
      const kpi = ctx.kpiById.get(row.kpi);
      if (!kpi) ctx.problem(`${path}.kpis.${i}.kpi`, `unknown KPI "${row.kpi}"`);
      else if (row.target && !kpi.targets.some((t) => t.id === row.target)) ctx.problem(`${path}.kpis.${i}.target`, `KPI "${row.kpi}" has no target "${row.target}"`);
      return stripUndefined({ kpiId: row.kpi, no: row.no, targetId: row.target, weight: row.weight, commentary: row.commentary, reflection: row.reflection });
    }),
  });
  return {
    id: p.id,
    cityId,
    kind: p.kind,
    title: p.title,
    ...(p.titleEn ? { titleEn: p.titleEn } : {}),
    periodStart: start,
    periodEnd: end,
    ...(p.parentPlan ? { parentPlanId: p.parentPlan } : {}),
    ...(p.vision ? { vision: p.vision } : {}),
    versions: p.versions.map(stripUndefined),
    nodes: p.nodes.map((n, i) => readNode(n, `${at}.nodes.${i}`, `n${i + 1}`)),
    narratives: p.narratives.map(stripUndefined),
    ...readSheets(p, at, start, end, ctx),
  };
}

/** The plan's form settings: layout, 第N期, and its dated reports (each a sheet the layout has, a year of the period, a known document, once). */
function readSheets(p: PlanInput, at: string, start: number, end: number, ctx: { documentIds: ReadonlySet<string>; problem(path: string, message: string): void }): Pick<Plan, 'sheetLayout' | 'periodOrdinal' | 'sheetReports'> {
  if (!p.sheets) return {};
  const { layout, ordinal, reports } = p.sheets;
  const kinds = sheetKindsOf(layout);
  const seen = new Set<string>();
  reports.forEach((r, i) => {
    const path = `${at}.sheets.reports.${i}`;
    if (!kinds.includes(r.kind)) ctx.problem(`${path}.kind`, `the ${layout} layout has no "${r.kind}" sheet (it has ${kinds.join(', ')})`);
    if (r.year < start || r.year > end) ctx.problem(`${path}.year`, `${r.year} is not a year of the plan period ${start}–${end}`);
    if (r.document && !ctx.documentIds.has(r.document)) ctx.problem(`${path}.document`, `unknown document "${r.document}"`);
    const key = `${r.year}/${r.kind}`;
    if (seen.has(key)) ctx.problem(path, `a second report for ${r.year} ${r.kind}`);
    seen.add(key);
  });
  return {
    ...(layout !== 'cabinet-office' ? { sheetLayout: layout } : {}),
    ...(ordinal !== undefined ? { periodOrdinal: ordinal } : {}),
    ...(reports.length > 0 ? { sheetReports: reports.map((r) => ({ year: r.year, kind: r.kind, submittedOn: r.submitted, ...(r.document ? { documentId: r.document } : {}) })) } : {}),
  };
}

/** Drops keys whose value is undefined, so domain objects compare equal after a round trip. */
function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Every string of a parsed JSON value with its path (`kpis.3.name`), object keys included. */
function* stringsOf(value: unknown, path = ''): Generator<[string, string]> {
  if (typeof value === 'string') yield [path || '(root)', value];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* stringsOf(v, path ? `${path}.${i}` : String(i));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const at = path ? `${path}.${k}` : k;
      yield* stringsOf(k, `${at} (key)`);
      yield* stringsOf(v, at);
    }
  }
}
