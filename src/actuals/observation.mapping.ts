import type { Observation } from '../core/kpi/kpi.ts';
import { datedValue } from '../cities/city-data.support.ts';
import type { CurrentObservationRow } from './observation.repository.ts';

/**
 * An actual as the domain has it (`recordedAt` too when `withHistory`). Built in one object, in
 * the fields' fixed order, absent fields left out: a city maps thousands of these per load.
 */
export function observationFromRow(r: CurrentObservationRow, withHistory = false): Observation {
  if (r.value === null) throw new Error(`observation ${r.observation_id} has a current version without a value`);
  const o: { -readonly [K in keyof Observation]: Observation[K] } = datedValue(r.at, r.value, r.decimals);
  if (r.note !== null) o.note = r.note;
  if (r.source !== null) o.source = r.source;
  if (withHistory) o.recordedAt = r.recorded_at.toISOString();
  return o;
}
