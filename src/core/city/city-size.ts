import type { CityData } from './city.ts';
import { walkPlanNodes } from '../plan/plan.ts';

/*
 * Measured (node --expose-gc, heap used before and after loading a city's staff and public
 * views into the store, 1 December 2026): generated cities of 61–258 KPIs with ten actuals
 * each took 0.40–1.68 MB, the seed cities 0.05–0.38 MB (Kanazawa's plan texts). The weights
 * below overestimate those by up to about 1.7×, so a store bounded with them stays under its
 * budget; the figures computed from a city and kept beside it (evaluations) are counted per KPI.
 */
const PER_CITY = 4_000;
const PER_KPI = 3_000;
const PER_OBSERVATION = 500;
const PER_TARGET = 500;
const PER_NODE = 1_000;
/** UTF-16 strings: two bytes a character, plus the object holding the text. */
const PER_TEXT_CHAR = 2;

/**
 * An estimate, in bytes of JavaScript heap, of what a city's data takes once loaded (with the
 * figures pages compute from it), for caches bounded in bytes (issue 11.1: memory bounded
 * whatever the number of cities). Linear in the city's rows; never exact.
 */
export function approximateCityBytes(data: CityData): number {
  let bytes = PER_CITY;
  for (const k of data.kpis) {
    bytes += PER_KPI + k.observations.length * PER_OBSERVATION;
    for (const t of k.targets) bytes += PER_TARGET + t.revisions.length * PER_TARGET + (t.versions?.length ?? 0) * PER_TARGET;
  }
  for (const p of data.plans) {
    for (const _ of walkPlanNodes(p.nodes)) bytes += PER_NODE;
    for (const n of p.narratives) bytes += PER_NODE + (n.title.length + n.body.length) * PER_TEXT_CHAR;
  }
  for (const d of data.documents) bytes += PER_NODE + d.title.length * PER_TEXT_CHAR;
  bytes += data.publishedRates.length * PER_TARGET;
  for (const c of data.yearlyCommentaries ?? []) bytes += PER_TARGET + c.body.length * PER_TEXT_CHAR;
  return bytes;
}
