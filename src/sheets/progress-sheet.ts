import { systemClock, tokyoYearOf } from '../core/time/clock.ts';
import type { City, CityData } from '../core/city/city.ts';
import { achievement } from '../core/kpi/achievement.ts';
import { kpiDirection, targetValueKnownOn, targetValueOn, valueForRates, type PreciseValue, type Kpi, type KpiDirection, type KpiSide, type KpiTarget, type Observation } from '../core/kpi/kpi.ts';
import { roundHalfUp } from '../core/kpi/rounding.ts';
import { narrativeSection, sheetKindsOf, type NarrativeSection, type Plan, type PlanKpiRow, type PlanNarrative, type PlanNode, type SheetKind, type SheetLayout } from '../core/plan/plan.ts';
import { decimalsOf } from '../core/quantity.ts';
import { figuresAsPublished, type FigureUsed } from '../core/reconciliation/as-published.ts';
import { reconcile, type Reconciliation } from '../core/reconciliation/reconcile.ts';
import { goalOfTarget } from '../core/sdg/sdg-framework.ts';
import { endOfIsoDateInJapan } from '../core/time/iso-date.ts';
import { formatTimePointIso, timePointEnd, type TimePoint } from '../core/time/time-point.ts';

export { SHEET_KINDS, sheetKindsOf, type SheetKind, type SheetLayout } from '../core/plan/plan.ts';

/** A figure as the sheet prints it: 年, 値 (with its published decimals) and 単位 in three cells. */
export interface SheetFigure {
  readonly at: TimePoint;
  readonly value: number;
  readonly decimals: number;
  readonly unit: string;
  /** The unrounded value the rate used, when known (issue 10.7); the sheet prints `value`. */
  readonly precise?: PreciseValue;
}

/**
 * How the 達成度 of a row is computed, which the Excel formula repeats: progress from the
 * baseline, actual / target, or target / actual (a decreasing KPI of positive values).
 */
export type SheetRateFormula = 'progress' | 'actual-over-target' | 'target-over-actual';

/** The 達成度 of a row in percent, unrounded, as the system computes it. */
export interface SheetRate {
  readonly value: number;
  readonly formula: SheetRateFormula;
}

/** A rate a city published for the same figures that the system's rate does not reproduce. */
export interface SheetRateNote {
  readonly documentId: string;
  readonly documentTitle: string;
  readonly published: string;
  readonly reconciliation: Reconciliation;
}

/**
 * A difference between what a sheet prints (the figures and methods as the city published
 * them) and what the system's data and methods say today: for the secretariat's review list,
 * never printed on the submission.
 */
export interface SheetDifference {
  readonly kpiId: string;
  readonly tableCode: string;
  readonly no: string;
  readonly name: string;
  /** The rate the sheet prints, in percent, unrounded. */
  readonly printedRate: number | null;
  readonly printedFormula: SheetRateFormula | null;
  /** The rate by the KPI's own method over the data as it stands, in percent, unrounded. */
  readonly systemRate: number | null;
  readonly systemFormula: SheetRateFormula | null;
  /** Published rates of other documents for the same figures that neither reproduces. */
  readonly notes: readonly SheetRateNote[];
  /** The row itself (its figures, and which of them the rate took unrounded). */
  readonly row: SheetRow;
}

/** One KPI row of a table. */
export interface SheetRow {
  readonly kpiId: string;
  readonly no: string;
  readonly side: KpiSide;
  readonly name: string;
  readonly sdgTargets: readonly string[];
  /** 取組名 (the initiatives between the table's section and the row), '' in a table without them. */
  readonly initiative: string;
  readonly baseline: SheetFigure;
  /** One per year of the table, null where no actual is known for that report. */
  readonly actuals: readonly (SheetFigure | null)[];
  /** The target as it stood at the end of the reporting (fiscal) year. */
  readonly target: SheetFigure;
  readonly targetId: string;
  readonly direction: KpiDirection;
  /** The direction staff stated for the KPI (null: none stated; `direction` is then inferred): what the re-import export's 方向 column prints, never a guess. */
  readonly statedDirection: 'up' | 'down' | null;
  /** Of the last actual against the target; null without an actual or where undefined. */
  readonly rate: SheetRate | null;
  readonly commentary: string;
  readonly reflection: string;
  /** The rate by the KPI's own method over today's data, when the sheet prints another. */
  readonly systemRate: SheetRate | null;
  readonly notes: readonly SheetRateNote[];
}

/** A table of the sheet: one top-level node of the plan ((1) 2030年のあるべき姿…, (2) 自治体SDGs…). */
export interface SheetTable {
  readonly code: string;
  readonly title: string;
  /** The form's two tables: the 2030 vision's KPIs (first node) and the municipal SDGs initiatives' (second). */
  readonly role: 'vision' | 'sdgs';
  /** Whether the rows carry a 取組名 (the section's KPIs hang under initiatives). */
  readonly withInitiatives: boolean;
  /** The report years of the actual columns, oldest first. */
  readonly years: readonly number[];
  readonly rows: readonly SheetRow[];
}

/** SDG goals of the KPIs towards the vision, by side (経済・社会・環境). */
export interface PriorityGoals {
  readonly side: KpiSide;
  readonly goals: readonly number[];
}

/** One numbered item of the overview page (1.地域の特徴と課題及び目標 … 8.他地域への展開状況); item 2 is the goals. */
export interface OverviewItem {
  readonly no: number;
  /** The texts printed in it, in the plan's order (none: printed empty). */
  readonly bodies: readonly string[];
}

/** Everything one sheet prints, built from the stored data only. */
export interface ProgressSheet {
  readonly kind: SheetKind;
  readonly layout: SheetLayout;
  readonly city: City;
  readonly plan: Plan;
  readonly year: number;
  /** ISO date the sheet was produced (not printed on the submission). */
  readonly generatedOn: string;
  /** 作成年月 (YYYY-MM) the secretariat set for this report; null while unset (printed empty). */
  readonly submittedOn: string | null;
  /** The source document this report was published as, whose rates fix each KPI's method. */
  readonly documentId: string | null;
  /** 第N期 of the plan, null when the plan does not say. */
  readonly ordinal: number | null;
  readonly tables: readonly SheetTable[];
  readonly priorityGoals: readonly PriorityGoals[];
  /** Decimals the city prints its 達成度 with (Ichinoseki 1, Tsukuba 0). */
  readonly rateDecimals: number;
  /** The overview page's items 1, 3–8 (progress sheet and result report). */
  readonly overview: readonly OverviewItem[];
  /** The plan's texts for the form's other places, by section (this reporting year's and undated ones). */
  readonly texts: Readonly<Partial<Record<NarrativeSection, readonly PlanNarrative[]>>>;
  /** Where the printed rates differ from the system's: the secretariat's review list. */
  readonly differences: readonly SheetDifference[];
  /**
   * Reporting years up to the sheet's year whose figures are held back until the secretariat
   * publishes them (issue 10.1; `CityData.unpublishedYears` of the public view, none for staff):
   * the sheet's year columns show the last published figures instead, so the sheet says so.
   */
  readonly unpublishedYears: readonly number[];
}

/** Options of {@link buildProgressSheet}. */
export interface BuildSheetOptions {
  /** One of the plan's layout's sheets ({@link sheetKindsOf}). */
  readonly kind: SheetKind;
  readonly year: number;
  /** ISO date (YYYY-MM-DD); today when absent. */
  readonly generatedOn?: string;
}

/** At most this many yearly actual columns (the most recent years of the period). */
export const MAX_YEAR_COLUMNS = 5;

/**
 * Builds a sheet of a plan for a reporting year. The tables are the plan's top-level nodes;
 * rows keep the plan's order and numbers. Which actual a year column shows, which target value
 * applies and how rates are computed is documented on the helpers below.
 */
export function buildProgressSheet(data: CityData, plan: Plan, options: BuildSheetOptions): ProgressSheet {
  const { kind, year } = options;
  const layout = plan.sheetLayout ?? 'cabinet-office';
  if (!sheetKindsOf(layout).includes(kind)) throw new Error(`the ${layout} layout has no ${kind} sheet`);
  const report = plan.sheetReports?.find((r) => r.year === year && r.kind === kind) ?? null;
  const documentId = report?.documentId ?? null;
  const kpis = new Map(data.kpis.map((k) => [k.id, k]));
  const documents = new Map(data.documents.map((d) => [d.id, d]));
  const tables: SheetTable[] = [];
  const differences: SheetDifference[] = [];
  // The forms have two tables: the plan's first two top-level nodes, printed even when empty.
  plan.nodes.slice(0, 2).forEach((section, i) => {
    const role = i === 0 ? 'vision' : 'sdgs';
    const entries = rowsUnder(section, []);
    const withInitiatives = role === 'sdgs' || entries.some((e) => e.path.length > 0);
    // Only the progress sheet's initiatives table has a column per year of the period so far.
    const years = kind === 'progress' && role === 'sdgs' ? yearColumns(plan.periodStart, year) : [year];
    const rows: SheetRow[] = [];
    for (const { row, path } of entries) {
      const kpi = kpis.get(row.kpiId);
      if (!kpi) continue;
      const built = buildRow(kpi, row, path, years, year, data, documents, documentId);
      if (!built) continue;
      rows.push(built);
      // The review list: another method or rate than the system's, another document's published
      // rate, or figures the rate took unrounded (issue 10.7) where the sheet prints rounded ones.
      const unrounded = [built.baseline, built.actuals.at(-1), built.target].some((f) => f?.precise !== undefined);
      const differs = built.systemRate !== null || built.notes.length > 0 || unrounded;
      if (differs) {
        differences.push({
          kpiId: built.kpiId,
          tableCode: section.code ?? '',
          no: built.no,
          name: built.name,
          printedRate: built.rate?.value ?? null,
          printedFormula: built.rate?.formula ?? null,
          systemRate: (built.systemRate ?? built.rate)?.value ?? null,
          systemFormula: (built.systemRate ?? built.rate)?.formula ?? null,
          notes: built.notes,
          row: built,
        });
      }
    }
    tables.push({ code: section.code ?? '', title: section.title, role, withInitiatives, years, rows });
  });
  const ofYear = (n: PlanNarrative) => n.year === undefined || n.year === year;
  const texts: Partial<Record<NarrativeSection, PlanNarrative[]>> = {};
  for (const n of plan.narratives.filter(ofYear)) {
    const at = narrativeSection(n);
    if (at) (texts[at] ??= []).push(n);
  }
  const overview: OverviewItem[] = [1, 3, 4, 5, 6, 7, 8].map((no) => ({ no, bodies: (texts[`overview-${no}` as NarrativeSection] ?? []).map((n) => n.body) }));
  return {
    kind,
    layout,
    city: data.city,
    plan,
    year,
    generatedOn: options.generatedOn ?? systemClock.todayInTokyo(),
    submittedOn: report?.submittedOn ?? null,
    documentId,
    ordinal: plan.periodOrdinal ?? null,
    tables,
    priorityGoals: priorityGoals(tables[0], kpis),
    rateDecimals: rateDecimals(data, plan),
    overview,
    texts,
    differences,
    unpublishedYears: (data.unpublishedYears ?? []).filter((y) => y <= year),
  };
}

/** The reporting years a plan has sheets for: its period, up to the current year. */
export function sheetYears(plan: Pick<Plan, 'periodStart' | 'periodEnd'>, today: Date = systemClock.now()): number[] {
  const last = Math.min(plan.periodEnd, tokyoYearOf(today));
  const out: number[] = [];
  for (let y = plan.periodStart; y <= last; y++) out.push(y);
  return out.length > 0 ? out : [plan.periodStart];
}

/** The default reporting year: the period summary's is the period's end, capped at the current year. */
export function defaultSheetYear(plan: Pick<Plan, 'periodStart' | 'periodEnd'>, today: Date = systemClock.now()): number {
  return sheetYears(plan, today).at(-1)!;
}

function yearColumns(periodStart: number, year: number): number[] {
  const first = Math.max(periodStart, year - MAX_YEAR_COLUMNS + 1);
  const out: number[] = [];
  for (let y = Math.min(first, year); y <= year; y++) out.push(y);
  return out;
}

function rowsUnder(node: PlanNode, path: readonly PlanNode[]): { row: PlanKpiRow; path: readonly PlanNode[] }[] {
  const out = node.kpiRows.map((row) => ({ row, path }));
  for (const child of node.children) out.push(...rowsUnder(child, [...path, child]));
  return out;
}

function buildRow(
  kpi: Kpi,
  row: PlanKpiRow,
  path: readonly PlanNode[],
  years: readonly number[],
  year: number,
  data: CityData,
  documents: ReadonlyMap<string, { title: string; published: string }>,
  documentId: string | null,
): SheetRow | null {
  const target = row.targetId ? kpi.targets.find((t) => t.id === row.targetId) : kpi.targets[0];
  if (!target) return null;
  const targetValue = targetValueForSheet(target, year);
  const direction = kpiDirection(kpi, { at: target.at, value: targetValue.value });
  const unit = kpi.unit;
  const actualObs = actualsByYear(kpi, years);
  const actuals = actualObs.map((o) => (o ? { at: o.at, value: o.value, decimals: o.decimals ?? decimalsOf(o.value), unit, ...(o.precise && { precise: o.precise }) } : null));
  const last = actualObs.at(-1) ?? null;
  // Rates use precise values where known (issue 10.7); the row prints the printed figures.
  const targetForRate = targetValue.value === target.value ? valueForRates(target) : targetValue.value;
  const ownRate = last ? sheetRate(kpi, valueForRates(kpi.baseline), valueForRates(last), targetForRate, direction) : null;
  // The document this report was published as fixes the method of each of its rates (issue 14):
  // Ichinoseki's 様式3-3 computed CO₂ as actual / target, its progress sheet as progress.
  const publishedHere = last && documentId ? data.publishedRates.find((p) => p.documentId === documentId && p.kpiId === kpi.id && p.targetId === target.id && formatTimePointIso(p.actualAt) === formatTimePointIso(last.at)) : undefined;
  const rate = last && ownRate && publishedHere ? (rateAsPublished(valueForRates(kpi.baseline), valueForRates(last), targetForRate, direction, publishedHere) ?? ownRate) : ownRate;
  const systemRate = ownRate && rate && (ownRate.formula !== rate.formula || ownRate.value !== rate.value) ? ownRate : null;
  const notes: SheetRateNote[] = [];
  if (last && rate) {
    const at = formatTimePointIso(last.at);
    for (const p of data.publishedRates) {
      if (p.kpiId !== kpi.id || p.targetId !== target.id || formatTimePointIso(p.actualAt) !== at) continue;
      if (roundHalfUp(rate.value, p.decimals) === roundHalfUp(p.rate, p.decimals)) continue;
      // Reconciled with the figures as they stood when that document was published (issue 10.6).
      const doc = documents.get(p.documentId);
      const asPublished = figuresAsPublished(kpi, p, doc);
      const reconciliation = reconcile({
        baseline: { ...printedOrPrecise(asPublished?.baseline ?? { value: kpi.baseline.value, decimals: kpi.baseline.decimals ?? decimalsOf(kpi.baseline.value) }), unit },
        actual: { ...printedOrPrecise(asPublished?.actual ?? { value: last.value, decimals: last.decimals ?? decimalsOf(last.value) }), unit },
        target: { ...printedOrPrecise(asPublished?.target ?? targetValue), unit },
        publishedRate: { value: p.rate, decimals: p.decimals },
      });
      notes.push({ documentId: p.documentId, documentTitle: doc ? `${doc.title}（${doc.published}）` : p.documentId, published: p.printed, reconciliation });
    }
  }
  return {
    kpiId: kpi.id,
    no: row.no ?? '',
    side: kpi.side,
    name: kpi.name,
    sdgTargets: kpi.sdgTargets,
    initiative: path.map((n) => (n.code ? `${n.code} ${n.title}` : n.title)).join(' › '),
    baseline: { at: kpi.baseline.at, value: kpi.baseline.value, decimals: kpi.baseline.decimals ?? decimalsOf(kpi.baseline.value), unit, ...(kpi.baseline.precise && { precise: kpi.baseline.precise }) },
    actuals,
    target: { at: target.at, value: targetValue.value, decimals: targetValue.decimals, unit, ...(targetValue.value === target.value && target.precise && { precise: target.precise }) },
    targetId: target.id,
    direction,
    statedDirection: kpi.direction ?? null,
    rate,
    commentary: row.commentary ?? '',
    reflection: row.reflection ?? '',
    systemRate,
    notes,
  };
}

/**
 * The rate by the method a document used for it: progress from the baseline, actual / target or
 * target / actual, whichever reproduces the printed rate at its precision (rounded half up);
 * null when none does (the sheet then prints the system's rate and the review list says so).
 */
function rateAsPublished(baseline: number, actual: number, target: number, direction: KpiDirection, p: { rate: number; decimals: number }): SheetRate | null {
  const candidates: SheetRate[] = [];
  if (target !== baseline) candidates.push({ value: ((actual - baseline) / (target - baseline)) * 100, formula: 'progress' });
  if (target !== 0) candidates.push({ value: (actual / target) * 100, formula: 'actual-over-target' });
  if (actual !== 0 && direction === 'down') candidates.push({ value: (target / actual) * 100, formula: 'target-over-actual' });
  return candidates.find((c) => roundHalfUp(c.value, p.decimals) === roundHalfUp(p.rate, p.decimals)) ?? null;
}

/** A figure for reconciliation: its precise value (with that value's decimals) when known. */
function printedOrPrecise(f: FigureUsed): { value: number; decimals: number } {
  return f.precise ? { value: f.precise.value, decimals: decimalsOf(f.precise.value) } : { value: f.value, decimals: f.decimals };
}

/**
 * The rate by the KPI's method, as `achievement` computes it; where progress from the baseline
 * is undefined (target equals baseline) the sheets show actual / target, and so does this.
 */
export function sheetRate(kpi: Pick<Kpi, 'method'>, baseline: number, actual: number, target: number, direction: KpiDirection): SheetRate | null {
  const a = achievement({ baseline, actual, target, method: kpi.method, direction });
  if (a.displayRate === null) return null;
  const usesRatio = kpi.method === 'ratio' || a.progressFromBaseline === null;
  const formula: SheetRateFormula = !usesRatio ? 'progress' : direction === 'down' && actual > 0 && target > 0 ? 'target-over-actual' : 'actual-over-target';
  return { value: a.displayRate, formula };
}

/**
 * The value a target had on a date: revisions decided after it (上方修正 announced in the
 * sheet itself, as Tsukuba's 150 → 165 店舗 in September 2024) apply from the next sheet on.
 * The rule lives in the core ({@link targetValueOn}); kept here under its sheet name.
 */
export function targetValueAt(target: KpiTarget, isoDate: string): { value: number; decimals: number } {
  return targetValueOn(target, isoDate, 'on-or-before');
}

/**
 * The target a sheet for reporting year Y uses: as the system knew it when the sheet was due
 * (end of September of Y+1, Japan), with revisions decided after the reporting year (after
 * 31 March of Y+1) undone. A revision entered later, even one dated back, does not change a
 * past year's sheet (issue 10.6); see {@link targetValueKnownOn}.
 */
export function targetValueForSheet(target: KpiTarget, year: number): { value: number; decimals: number } {
  return targetValueKnownOn(target, `${year + 1}-03-31`, endOfIsoDateInJapan(`${year + 1}-09`), 'on-or-before');
}

/**
 * Which actual each report-year column shows. A sheet for year Y is submitted in September
 * of Y+1 (both seed sheets are dated 2024年9月 for 2023) and prints the latest figure known
 * by then with its own time point: Tsukuba's "2023年 実績" holds 2024年3月 and 2024年8月
 * figures, and Ichinoseki's 2021/2022 columns hold the CO₂ figures of 2019 and 2020 (a
 * two-year statistical lag). So: first every column takes an actual of its own year (calendar,
 * or fiscal for months January–March); the remaining columns, latest first, take the latest
 * unused actual known by their submission that lies between their neighbours' actuals.
 */
export function actualsByYear(kpi: Pick<Kpi, 'observations' | 'baseline'>, years: readonly number[]): (Observation | null)[] {
  const baselineEnd = timePointEnd(kpi.baseline.at);
  const observations = [...kpi.observations].filter((o) => timePointEnd(o.at) > baselineEnd).sort((a, b) => timePointEnd(a.at) - timePointEnd(b.at));
  const known = (o: Observation, y: number) => timePointEnd(o.at) <= submissionCutoff(y);
  const out: (Observation | null)[] = years.map((y) => {
    const own = observations.filter((o) => attributedYear(o.at) === y && known(o, y));
    return own.at(-1) ?? null;
  });
  const used = new Set(out.filter((o): o is Observation => o !== null));
  for (let i = years.length - 1; i >= 0; i--) {
    if (out[i]) continue;
    const later = out.slice(i + 1).find((o): o is Observation => o !== null);
    const earlier = out.slice(0, i).findLast((o): o is Observation => o !== null);
    const candidates = observations.filter(
      (o) =>
        !used.has(o) &&
        known(o, years[i]!) &&
        (!later || timePointEnd(o.at) < timePointEnd(later.at)) &&
        (!earlier || timePointEnd(o.at) > timePointEnd(earlier.at)),
    );
    const pick = candidates.at(-1);
    if (pick) {
      out[i] = pick;
      used.add(pick);
    }
  }
  return out;
}

/** End of September of the following year, as a fractional year (see timePointEnd). */
function submissionCutoff(year: number): number {
  return year + 1 + 9 / 12;
}

/** The report year a time point belongs to: its year, its fiscal year for January–March months. */
export function attributedYear(t: TimePoint): number {
  switch (t.kind) {
    case 'year':
    case 'fiscal-year':
      return t.year;
    case 'month':
    case 'day':
      return t.month <= 3 ? t.year - 1 : t.year;
    case 'period':
      return attributedYear(t.to);
  }
}

/**
 * The goals the plan prioritises for its 2030 vision: the goals of the SDG targets of the
 * KPIs in the vision table, by side. The seeds print them as icons, which the data does not
 * hold, so they are derived rather than stored.
 */
function priorityGoals(table: SheetTable | undefined, kpis: ReadonlyMap<string, Kpi>): PriorityGoals[] {
  if (!table || table.role !== 'vision') return [];
  const bySide = new Map<KpiSide, Set<number>>();
  for (const row of table.rows) {
    const kpi = kpis.get(row.kpiId);
    if (!kpi) continue;
    const set = bySide.get(kpi.side) ?? new Set<number>();
    for (const t of kpi.sdgTargets) {
      const g = goalOfTarget(t);
      if (g) set.add(g.number);
    }
    bySide.set(kpi.side, set);
  }
  const order: KpiSide[] = ['economy', 'society', 'environment', 'none'];
  return order.filter((s) => (bySide.get(s)?.size ?? 0) > 0).map((side) => ({ side, goals: [...bySide.get(side)!].sort((a, b) => a - b) }));
}

/** The precision the city publishes rates with: the most common among the plan's KPIs' published rates; 1 when none. */
function rateDecimals(data: CityData, plan: Plan): number {
  const ids = new Set<string>();
  const walk = (nodes: readonly PlanNode[]) => nodes.forEach((n) => (n.kpiRows.forEach((r) => ids.add(r.kpiId)), walk(n.children)));
  walk(plan.nodes);
  const counts = new Map<number, number>();
  for (const p of data.publishedRates) if (ids.has(p.kpiId)) counts.set(p.decimals, (counts.get(p.decimals) ?? 0) + 1);
  let best = 1;
  let bestCount = 0;
  for (const [d, c] of counts) if (c > bestCount || (c === bestCount && d > best)) [best, bestCount] = [d, c];
  return best;
}
