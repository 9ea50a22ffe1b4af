import type { Observation } from '../core/kpi/kpi.ts';
import { datedValue, opt } from '../cities/city-data.support.ts';
import type { CurrentObservationRow } from './observation.repository.ts';

export function observationFromRow(r: CurrentObservationRow): Observation {
  if (r.value === null) throw new Error(`observation ${r.observation_id} has a current version without a value`);
  return { ...datedValue(r.at, r.value, r.decimals), ...opt('note', r.note), ...opt('source', r.source) };
}
