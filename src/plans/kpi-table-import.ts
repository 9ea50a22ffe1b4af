import { createHash } from 'node:crypto';
import type { CityData, PublishedRate, SourceDocument } from '../core/city/city.ts';
import { directionNeedsConfirmation, type Kpi, type KpiTarget, type Observation } from '../core/kpi/kpi.ts';
import { kpiNameKey, normalizeUnit } from '../core/notation/index.ts';
import { roundHalfUp } from '../core/kpi/rounding.ts';
import { walkPlanNodes, type Plan, type PlanKpiRow, type PlanNode } from '../core/plan/plan.ts';
import { compareTimePoints, formatTimePointIso, formatTimePointJa, reportingYear } from '../core/time/time-point.ts';
import type { KpiTable, KpiTableProblem, KpiTableRow, TableFigure } from './kpi-table.ts';

/*
 * What importing a KPI table does to a city (issue 13.5), as a pure change of its data: the
 * plan (created, or the stored one with the table's rows placed in its tree), its nodes (one
 * section per table, one initiative per 取組名), the KPIs (matched to stored ones by 指標ID or by
 * name, else new), their baselines, targets and actuals, a source document for the file, and
 * the 達成度 it prints as published rates. The command (kpi-table-import.command.ts) saves
 * the result in one transaction; saving the same file again finds nothing to change.
 */

/** What the import needs besides the table: which plan, the file (its name and bytes' hash), today (Asia/Tokyo). */
export interface KpiTableImportOptions {
  /** The plan to create or fill; absent: `<city>-kpi-table`. */
  readonly planId?: string;
  readonly fileName: string;
  /** SHA-256 (hex) of the table's content: the source document's identity (the same table again is the same document). */
  readonly fileHash: string;
  /** ISO date, Asia/Tokyo. */
  readonly today: string;
  /**
   * What the city archived (outside `data`, see loadCityData): KPIs a row must not silently
   * bring back or overwrite, and the node ids taken in the plan (archived nodes and their
   * subtrees keep theirs, for staff to restore).
   */
  readonly archived?: ArchivedOfCity;
  /** The file is a workbook this system wrote: its 達成度 are its own rates, recorded as no document's. */
  readonly ownExport?: boolean;
}

/** The archived things of a city an import must steer clear of. */
export interface ArchivedOfCity {
  readonly kpis: readonly { readonly id: string; readonly name: string }[];
  /** Every node id of the plan (archived ones included) by plan id. */
  readonly nodeIdsByPlan: ReadonlyMap<string, ReadonlySet<string>>;
}

/** One KPI of the preview, in the CLI's JSON shape (issue 13.5 contract). */
export interface KpiTableImportKpi {
  readonly row: number;
  readonly sheet?: string;
  readonly name: string;
  readonly kpi_id: string;
  readonly action: 'new' | 'update' | 'unchanged';
  readonly baseline: { readonly at: string; readonly value: number; readonly unit: string };
  readonly targets: readonly { readonly at: string; readonly value: number }[];
  readonly actuals: readonly { readonly at: string; readonly value: number }[];
  readonly rate?: string;
}

/** A node of the previewed plan tree. */
export interface KpiTableImportNode {
  readonly id: string;
  readonly title: string;
  readonly kpis: readonly string[];
  readonly children: readonly KpiTableImportNode[];
}

/** The preview: the plan and its tree, every KPI it creates or updates, every problem (at row and column). */
export interface KpiTableImportPreview {
  readonly plan: { readonly id: string; readonly title: string; readonly period_start: number; readonly period_end: number; readonly action: 'new' | 'update' | 'unchanged'; readonly nodes: readonly KpiTableImportNode[] };
  readonly kpis: readonly KpiTableImportKpi[];
  readonly problems: readonly KpiTableProblem[];
  /** The city's data after the import (absent when there are problems: nothing may be written). */
  readonly data?: CityData;
  /** Whether anything would change. */
  readonly changes: boolean;
}

const SIDE_TITLES = ['2030年のあるべき姿の実現へ向けた取組', '自治体SDGsの推進に資する取組'];

/**
 * Builds the preview and the changed data. Rules:
 * - A row's KPI is the stored one its 指標ID names, else the stored one of the same name
 *   (kpiNameKey: full-width, brackets, spaces and the SDG bracket do not matter), else one
 *   created by an earlier row of the file (a KPI printed in two tables is one KPI with two
 *   targets), else a new KPI `k-<hash of its name>` (the same file gives the same ids).
 * - A stored KPI in another unit is a problem (`unit-mismatch`), never a silent conversion.
 * - Figures are keyed by their time point: the file's value replaces the stored one of the
 *   same point (its history is kept by the writer), others are added; nothing is removed.
 * - Targets get the id of their time point (`2025`, `FY2025`), as the seeds do.
 * - A stored plan keeps its tree: a KPI already in it keeps its place (its row's No, target
 *   and 反映状況 are updated); others go under the node titled like their 取組名 or table,
 *   created when missing. A new plan gets one section per table and one initiative per 取組名.
 * - Each printed 達成度 becomes a published rate of the file's document (「<file>（取込）」), of
 *   the row's latest actual against its target.
 */
export function buildKpiTableImport(data: CityData, table: KpiTable, options: KpiTableImportOptions): KpiTableImportPreview {
  const problems: KpiTableProblem[] = [...table.problems];
  const cityId = data.city.id;
  const planId = options.planId ?? `${cityId}-kpi-table`;
  const stored = data.plans.find((p) => p.id === planId);
  const kpis = new Map<string, Kpi>(data.kpis.map((k) => [k.id, k]));
  const byName = new Map<string, string>(data.kpis.map((k) => [kpiNameKey(k.name), k.id]));
  const storedIds = new Set(data.kpis.map((k) => k.id));
  const docId = `kpi-table-${options.fileHash.slice(0, 12)}`;
  const previous = data.documents.find((d) => d.id === docId);
  const document: SourceDocument = previous ?? { id: docId, title: `${options.fileName}（取込）`, published: options.today };
  const rates: PublishedRate[] = [];
  const placed: { row: KpiTableRow; kpiId: string; targetId?: string }[] = [];
  const touched = new Set<string>();
  const archivedKpis = options.archived?.kpis ?? [];

  for (const row of table.rows) {
    const id = (row.kpiId && kpis.has(row.kpiId) ? row.kpiId : undefined) ?? byName.get(row.nameKey) ?? row.kpiId ?? `k-${createHash('sha256').update(row.nameKey).digest('hex').slice(0, 10)}`;
    const before = kpis.get(id);
    // An archived KPI is never brought back or overwritten by a table: staff restore it first (or name the row differently).
    const archivedKpi = before ? undefined : archivedKpis.find((k) => k.id === id || kpiNameKey(k.name) === row.nameKey);
    if (archivedKpi) {
      problems.push({ ...(row.sheet !== undefined && { sheet: row.sheet }), row: row.row, column: row.nameColumn ?? row.baseline.column, kind: 'archived-kpi', message: { ja: `指標「${row.name}」（${archivedKpi.id}）はアーカイブされています。計画の編集画面で復元してから取り込むか、別の指標として取り込むなら指標名を変えてください`, en: `the KPI "${row.name}" (${archivedKpi.id}) is archived: restore it in the plan builder before importing, or give the row another name to import it as another KPI` } });
      continue;
    }
    if (before && normalizeUnit(before.unit) !== normalizeUnit(row.unit)) {
      problems.push({ ...(row.sheet !== undefined && { sheet: row.sheet }), row: row.row, column: row.baseline.column, kind: 'unit-mismatch', message: { ja: `単位「${row.unit}」が登録済みの指標「${before.name}」の単位「${before.unit}」と異なります`, en: `the unit "${row.unit}" differs from the unit "${before.unit}" of the stored KPI "${before.name}"` } });
      continue;
    }
    if (before && touched.has(id) && !sameFigure(before.baseline, row.baseline)) {
      problems.push({ ...(row.sheet !== undefined && { sheet: row.sheet }), row: row.row, column: row.baseline.column, kind: 'conflicting-figures', message: { ja: `指標「${row.name}」の当初値が、先の行と異なります`, en: `the baseline of "${row.name}" differs from the one given in an earlier row` } });
      continue;
    }
    const head: Kpi = before ?? { id, cityId, name: row.name, unit: row.unit, sdgTargets: row.sdgTargets, side: row.side, aggregation: row.aggregation, method: 'progress-from-baseline', baseline: figure(row.baseline), observations: [], targets: [] };
    let kpi: Kpi = {
      ...head,
      ...(row.sdgTargets.length > 0 && { sdgTargets: row.sdgTargets }),
      ...(row.side !== 'none' && { side: row.side }),
      baseline: sameFigure(head.baseline, row.baseline) ? head.baseline : figure(row.baseline),
    };
    for (const a of row.actuals) kpi = { ...kpi, observations: upsertObservation(kpi.observations, a) };
    let targetId: string | undefined;
    for (const t of row.targets) {
      const r = upsertTarget(kpi.targets, t);
      kpi = { ...kpi, targets: r.targets };
      targetId ??= r.id;
    }
    // Direction is never guessed (issue 13.3): stated in the file, else kept from the stored KPI;
    // a target below the baseline with neither is a problem, not a KPI created as "up".
    if (row.direction !== undefined && kpi.direction !== row.direction) kpi = { ...kpi, direction: row.direction };
    if (directionNeedsConfirmation(kpi)) {
      const below = row.targets.find((t) => t.value < kpi.baseline.value);
      const shown = below ?? kpi.targets.find((t) => t.value < kpi.baseline.value)!;
      problems.push({
        ...(row.sheet !== undefined && { sheet: row.sheet }),
        row: row.row,
        column: row.directionColumn ?? below?.column ?? row.baseline.column,
        kind: 'direction-required',
        message: {
          ja: `指標「${row.name}」の目標値 ${shown.value} が当初値 ${kpi.baseline.value} を下回っています。小さいほどよい指標か、方向を推測しません。「方向」の列に「減少」か「増加」を書いてください`,
          en: `the target ${shown.value} of "${row.name}" is below its baseline ${kpi.baseline.value}: the direction is never guessed; write 減少 (down) or 増加 (up) in a 方向 column`,
        },
      });
      continue;
    }
    kpis.set(id, kpi);
    byName.set(row.nameKey, id);
    touched.add(id);
    placed.push({ row, kpiId: id, ...(targetId !== undefined && { targetId }) });
    const latest = [...row.actuals].sort((a, b) => compareTimePoints(a.at, b.at)).at(-1);
    // A printed 達成度 is a published rate of the file's document, unless the file is this system's
    // own export (its rates are the system's, recomputed from the figures) or the same rate is
    // already recorded by another document for the same figures (a re-import adds no document; this
    // file's own rates, recorded by its first import, stay).
    const known = (r: { kpiId: string; targetId: string; actualAt: Kpi['baseline']['at']; rate: number }, decimals: number, value: number) => r.kpiId === id && r.targetId === targetId && formatTimePointIso(r.actualAt) === formatTimePointIso(latest!.at) && roundHalfUp(r.rate, decimals) === value;
    if (row.rate && latest && targetId !== undefined && !options.ownExport && !data.publishedRates.some((p) => p.documentId !== docId && known(p, row.rate!.decimals, row.rate!.value)) && !rates.some((x) => x.kpiId === id && x.targetId === targetId && formatTimePointIso(x.actualAt) === formatTimePointIso(latest.at))) {
      rates.push({ kpiId: id, documentId: docId, actualAt: latest.at, targetId, rate: row.rate.value, decimals: row.rate.decimals, printed: row.rate.printed });
    }
  }

  // A new plan's period is asked, never inferred from the years of the actuals (a table of
  // 2023's actuals is not a plan for 2023 alone): the file states it, or the import fills a
  // plan the city has.
  if (!stored && !table.period && table.rows.length > 0) {
    problems.push({
      ...(table.rows[0]!.sheet !== undefined && { sheet: table.rows[0]!.sheet }),
      row: 1,
      column: 'A',
      kind: 'missing-period',
      message: {
        ja: `計画「${planId}」の計画期間がありません。表の上（1行目）に「計画期間：2024年～2026年」のように期間の行を加えるか、取り込み先に既存の計画を選んでください`,
        en: `the plan period of "${planId}" is missing: add a row such as 「計画期間：2024年～2026年」 above the table (row 1), or import into an existing plan`,
      },
    });
  }
  const plan = placeRows(stored, planId, cityId, table, placed, options, options.archived?.nodeIdsByPlan.get(planId) ?? new Set());
  const kpiList = [...kpis.values()];
  const newData: CityData = {
    ...data,
    documents: rates.length > 0 && !previous ? [...data.documents, document] : data.documents,
    kpis: kpiList,
    plans: stored ? data.plans.map((p) => (p.id === planId ? plan : p)) : [...data.plans, plan],
    publishedRates: [...data.publishedRates.filter((r) => r.documentId !== docId), ...rates],
  };
  const preview = {
    plan: { id: plan.id, title: plan.title, period_start: plan.periodStart, period_end: plan.periodEnd, action: !stored ? ('new' as const) : same(stored, plan) ? ('unchanged' as const) : ('update' as const), nodes: plan.nodes.map((n) => nodeJson(n, kpis)) },
    kpis: placed.map(({ row, kpiId }): KpiTableImportKpi => {
      const k = kpis.get(kpiId)!;
      const old = data.kpis.find((x) => x.id === kpiId);
      return {
        row: row.row,
        ...(row.sheet !== undefined && { sheet: row.sheet }),
        name: row.name,
        kpi_id: kpiId,
        action: !storedIds.has(kpiId) ? 'new' : same(old, k) ? 'unchanged' : 'update',
        baseline: { at: formatTimePointIso(row.baseline.at), value: row.baseline.value, unit: k.unit },
        targets: row.targets.map((t) => ({ at: formatTimePointIso(t.at), value: t.value })),
        actuals: row.actuals.map((a) => ({ at: formatTimePointIso(a.at), value: a.value })),
        ...(row.rate && { rate: row.rate.printed }),
      };
    }),
    problems,
  };
  if (problems.length > 0) return { ...preview, changes: false };
  const changes = !same(data.kpis, newData.kpis) || !same(data.plans, newData.plans) || !same(data.publishedRates, newData.publishedRates) || !same(data.documents, newData.documents);
  return { ...preview, data: newData, changes };
}

function figure(f: TableFigure) {
  return { at: f.at, value: f.value, decimals: f.decimals };
}

function sameFigure(a: { at: Kpi['baseline']['at']; value: number; decimals?: number }, b: TableFigure): boolean {
  return formatTimePointIso(a.at) === formatTimePointIso(b.at) && a.value === b.value && (a.decimals ?? b.decimals) === b.decimals;
}

function upsertObservation(list: readonly Observation[], f: TableFigure): Observation[] {
  const iso = formatTimePointIso(f.at);
  const i = list.findIndex((o) => formatTimePointIso(o.at) === iso);
  if (i < 0) return [...list, figure(f)].sort((a, b) => compareTimePoints(a.at, b.at));
  const o = list[i]!;
  if (sameFigure(o, f)) return [...list];
  const { precise: _p, ...rest } = o;
  return list.map((x, j) => (j === i ? { ...rest, value: f.value, decimals: f.decimals } : x));
}

function upsertTarget(list: readonly KpiTarget[], f: TableFigure): { targets: KpiTarget[]; id: string } {
  const iso = formatTimePointIso(f.at);
  const found = list.find((t) => formatTimePointIso(t.at) === iso);
  if (found) {
    if (sameFigure(found, f)) return { targets: [...list], id: found.id };
    // A table printed before a target revision shows the target as it stood then (this system's
    // sheet of that year does too): it never undoes a recorded revision. A value the target never
    // had is a change; a revision back to an old value goes through the target revision form.
    if (found.revisions.some((r) => r.oldValue === f.value) || (found.versions ?? []).slice(0, -1).some((v) => v.value === f.value)) return { targets: [...list], id: found.id };
    const { precise: _p, ...rest } = found;
    return { targets: list.map((t) => (t.id === found.id ? { ...rest, value: f.value, decimals: f.decimals } : t)), id: found.id };
  }
  const base = iso.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  let id = base;
  for (let i = 2; list.some((t) => t.id === id); i++) id = `${base}-${i}`;
  return { targets: [...list, { id, ...figure(f), revisions: [] }], id };
}

/** The plan with the rows placed: see {@link buildKpiTableImport}. */
function placeRows(stored: Plan | undefined, planId: string, cityId: string, table: KpiTable, placed: readonly { row: KpiTableRow; kpiId: string; targetId?: string }[], options: KpiTableImportOptions, takenNodeIds: ReadonlySet<string>): Plan {
  const years = placed.flatMap((p) => p.row.actuals.map((a) => reportingYear(a.at)));
  const start = table.period?.start ?? (years.length > 0 ? Math.min(...years) : Number(options.today.slice(0, 4)));
  const end = table.period?.end ?? (years.length > 0 ? Math.max(...years) : start);
  const sheetLayout = placed.some((p) => p.row.side !== 'none');
  let plan: Plan = stored ?? {
    id: planId,
    cityId,
    kind: sheetLayout || /SDGs未来都市/.test(table.title ?? '') ? 'sdgs-future-city' : 'other',
    title: table.title ?? options.fileName.replace(/\.[^.]+$/, ''),
    periodStart: start,
    periodEnd: end,
    versions: [{ label: '取込', kind: 'adopted', date: options.today, note: `${options.fileName} から取り込み` }],
    nodes: [],
    narratives: [],
  };
  const nodes: PlanNode[] = plan.nodes.map(clone);
  const all = () => [...walkPlanNodes(nodes)].map((w) => w.node as MutableNode);
  // A new node never takes the id of an archived one (which the save would then bring back).
  const taken = (id: string) => takenNodeIds.has(id) || all().some((n) => n.id === id);
  for (const { row, kpiId, targetId } of placed) {
    const planRow: PlanKpiRow = { kpiId, ...(row.no !== undefined && { no: row.no }), ...(targetId !== undefined && { targetId }), ...(row.commentary !== undefined && { commentary: row.commentary }), ...(row.reflection !== undefined && { reflection: row.reflection }) };
    // Already in the plan (this KPI against this target): its row is updated where it stands.
    const existing = all().find((n) => n.kpiRows.some((r) => r.kpiId === kpiId && (r.targetId ?? targetId) === targetId));
    if (existing) {
      existing.kpiRows = existing.kpiRows.map((r) => (r.kpiId === kpiId && (r.targetId ?? targetId) === targetId ? { ...r, ...planRow } : r));
      continue;
    }
    const sectionTitle = table.sections[row.table]?.title ?? SIDE_TITLES[row.table] ?? `表${row.table + 1}`;
    let section = all().find((n) => n.title === sectionTitle) ?? (row.initiative ? all().find((n) => n.title === row.initiative) : undefined);
    if (!section) {
      section = { id: `t${row.table + 1}`, kind: 'section', title: sectionTitle, children: [], kpiRows: [] } as MutableNode;
      let i = 2;
      while (taken(section.id)) section.id = `t${row.table + 1}-${i++}`;
      nodes.push(section);
    }
    let target = section as MutableNode;
    if (row.initiative && section.title !== row.initiative) {
      let child = all().find((n) => n.title === row.initiative) as MutableNode | undefined;
      if (!child) {
        let n = section.children.length + 1;
        while (taken(`${section.id}-i${n}`)) n++;
        child = { id: `${section.id}-i${n}`, kind: 'initiative', title: row.initiative, children: [], kpiRows: [] } as MutableNode;
        section.children = [...section.children, child];
      }
      target = child;
    }
    target.kpiRows = [...target.kpiRows, planRow];
  }
  plan = { ...plan, nodes };
  return plan;
}

type MutableNode = { -readonly [K in keyof PlanNode]: PlanNode[K] } & { children: PlanNode[] };

function clone(n: PlanNode): PlanNode {
  return { ...n, children: n.children.map(clone), kpiRows: [...n.kpiRows] };
}

function nodeJson(n: PlanNode, kpis: Map<string, Kpi>): KpiTableImportNode {
  return { id: n.id, title: n.title, kpis: n.kpiRows.map((r) => kpis.get(r.kpiId)?.name ?? r.kpiId), children: n.children.map((c) => nodeJson(c, kpis)) };
}

/** Deep equality of plain data, key order and undefined members aside. */
function same(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** A figure as the preview prints it (「2020年 13 人」). */
export function describeFigure(f: { at: Kpi['baseline']['at']; value: number }, unit: string): string {
  return `${formatTimePointJa(f.at)} ${f.value} ${unit}`;
}
