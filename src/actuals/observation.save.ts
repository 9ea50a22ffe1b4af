import { formatTimePointIso } from '../core/time/time-point.ts';
import { toNumberOrNull } from '../storage/columns.ts';
import { must, same, timePointFromDb } from '../cities/city-data.support.ts';
import type { CityWrite } from '../cities/city-write.ts';
import { recordObservations, type CurrentObservationRow, type ObservationChange } from './observation.repository.ts';

/* A city's actuals, as one step of a whole-city save (city-data.service.ts): changed ones get a new version, missing ones a tombstone. */

export async function writeObservations(w: CityWrite, rows: CurrentObservationRow[]): Promise<void> {
  const current = new Map(rows.map((r) => [`${r.kpi_id} ${r.at}`, r]));
  const changes: ObservationChange[] = [];
  for (const kpi of w.data.kpis) {
    const kpiId = must(w.kpiIds.get(kpi.id), 'KPI id');
    for (const o of kpi.observations) {
      const key = `${kpiId} ${formatTimePointIso(o.at)}`;
      const row = current.get(key);
      current.delete(key);
      const wanted = { value: o.value, decimals: o.decimals ?? null, note: o.note ?? null, source: o.source ?? null };
      if (row && same({ value: toNumberOrNull(row.value), decimals: row.decimals, note: row.note, source: row.source }, wanted)) continue;
      changes.push({ kpiId, at: o.at, ...wanted });
    }
  }
  // Actuals no longer in the data (of KPIs still in it): a tombstone version each.
  const dataKpiIds = new Set(w.kpiIds.values());
  for (const row of current.values()) {
    if (dataKpiIds.has(row.kpi_id)) changes.push({ kpiId: row.kpi_id, at: timePointFromDb(row.at), value: null });
  }
  await recordObservations(w.db, changes, { actor: w.actor, reason: w.reason });
}
