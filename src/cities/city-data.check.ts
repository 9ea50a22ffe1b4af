import type { CityData } from '../core/city/city.ts';
import { findParentPlanCycle, type PlanNode } from '../core/plan/plan.ts';
import { formatTimePointIso } from '../core/time/time-point.ts';
import { CityDataError, finite } from './city-data.support.ts';

/**
 * Checks what must hold before anything is written: one city, unique ids, finite figures, and
 * every reference (plan rows, parent plans, published rates) naming something in the data. The
 * writer re-checks references it resolves; the database checks the rest (FKs, constraints).
 */
export function checkCityData(data: CityData): void {
  const cityId = data.city.id;
  unique(data.documents.map((d) => d.id), 'document');
  unique(data.kpis.map((k) => k.id), 'KPI');
  unique(data.plans.map((p) => p.id), 'plan');
  const targets = new Map<string, Set<string>>();
  for (const k of data.kpis) {
    if (k.cityId !== cityId) throw new CityDataError(`KPI "${k.id}" belongs to city "${k.cityId}", not "${cityId}"`);
    unique(k.targets.map((t) => t.id), `target of KPI "${k.id}"`);
    unique(k.observations.map((o) => formatTimePointIso(o.at)), `observation time point of KPI "${k.id}"`);
    for (const t of k.targets) finite(t.value, `target "${t.id}" of KPI "${k.id}"`);
    for (const o of k.observations) finite(o.value, `observation ${formatTimePointIso(o.at)} of KPI "${k.id}"`);
    targets.set(k.id, new Set(k.targets.map((t) => t.id)));
  }
  const plans = new Set(data.plans.map((p) => p.id));
  for (const p of data.plans) {
    if (p.cityId !== cityId) throw new CityDataError(`plan "${p.id}" belongs to city "${p.cityId}", not "${cityId}"`);
    if (p.parentPlanId !== undefined && !plans.has(p.parentPlanId)) throw new CityDataError(`plan "${p.id}": unknown parent plan "${p.parentPlanId}"`);
    const nodes = [...walk(p.nodes)];
    unique(nodes.map((n) => n.id), `node of plan "${p.id}"`);
    for (const row of nodes.flatMap((n) => n.kpiRows)) {
      const kpiTargets = targets.get(row.kpiId);
      if (!kpiTargets) throw new CityDataError(`plan "${p.id}": a row names unknown KPI "${row.kpiId}"`);
      if (row.targetId !== undefined && !kpiTargets.has(row.targetId)) {
        throw new CityDataError(`plan "${p.id}": a row of KPI "${row.kpiId}" names unknown target "${row.targetId}"`);
      }
    }
  }
  const cycle = findParentPlanCycle(data.plans);
  if (cycle) throw new CityDataError(`plan "${cycle[0]}": the parent plans form a cycle (${cycle.join(' → ')})`);
  const documents = new Set(data.documents.map((d) => d.id));
  for (const r of data.publishedRates) {
    const where = `published rate of KPI "${r.kpiId}" at ${formatTimePointIso(r.actualAt)}`;
    const kpiTargets = targets.get(r.kpiId);
    if (!kpiTargets) throw new CityDataError(`${where}: unknown KPI`);
    if (!documents.has(r.documentId)) throw new CityDataError(`${where}: unknown document "${r.documentId}"`);
    if (!kpiTargets.has(r.targetId)) throw new CityDataError(`${where}: unknown target "${r.targetId}"`);
  }
}

function* walk(nodes: readonly PlanNode[]): Generator<PlanNode> {
  for (const n of nodes) {
    yield n;
    yield* walk(n.children);
  }
}

function unique(ids: readonly string[], what: string): void {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) throw new CityDataError(`duplicate ${what} id "${id}"`);
    seen.add(id);
  }
}
