import type { KpiTarget, TargetRevision } from '../core/kpi/kpi.ts';
import { formatTimePointIso, timePointEnd } from '../core/time/time-point.ts';
import { toNumber } from '../storage/columns.ts';
import { CityDataError, finite, groupBy, json, must, same } from '../cities/city-data.support.ts';
import type { SlugIndex } from '../cities/city-snapshot.ts';
import type { CityWrite } from '../cities/city-write.ts';
import { deleteKpiSdgTargets, insertKpiSdgTargets, insertKpis, retireKpis, updateKpi } from './kpi.repository.ts';
import type { KpiRow, KpiSdgTargetRow, NewKpiRow } from './kpi.table.ts';
import {
  appendTargetRevisions,
  appendTargetValues,
  insertTargets,
  updateTarget,
  type CurrentTargetRow,
  type NewTargetRevision,
  type TargetValueChange,
} from './target.repository.ts';
import type { TargetRevisionRow } from './target.table.ts';
import { replacePreciseFigures } from './figures.repository.ts';
import type { PreciseFigureRow } from './figures.table.ts';
import { kpiHead, kpiHeadFromRow, kpiRowValues, normalizeRevision, revisionFromRow, type KpiHead } from './kpi.mapping.ts';

/* KPIs, their targets (values and revisions) and precise figures, as steps of a whole-city save (city-data.service.ts). */

export async function writeKpis(w: CityWrite, rows: KpiRow[], sdgRows: KpiSdgTargetRow[]): Promise<void> {
  const stored = new Map(rows.map((r) => [r.slug, r]));
  const sdg = groupBy(sdgRows, (r) => r.kpi_id);
  const inserts: { head: KpiHead; row: NewKpiRow }[] = [];
  const sdgReplaced: number[] = [];
  const sdgInserts: { kpi_id: number; sdg_target: string; position: number }[] = [];
  for (const [position, kpi] of w.data.kpis.entries()) {
    const head = kpiHead(kpi);
    const values = kpiRowValues(head, position);
    const row = stored.get(kpi.id);
    stored.delete(kpi.id);
    if (!row) {
      inserts.push({ head, row: values });
      continue;
    }
    w.kpiIds.set(kpi.id, row.id);
    const current = kpiHeadFromRow(row, (sdg.get(row.id) ?? []).map((r) => r.sdg_target));
    const retired = row.retired_at !== null;
    if (same(current, head) && row.position === position && !retired) continue;
    await updateKpi(w.db, row.id, { ...values, retired_at: null });
    if (!same(current.sdgTargets, head.sdgTargets)) {
      sdgReplaced.push(row.id);
      sdgInserts.push(...head.sdgTargets.map((sdg_target, i) => ({ kpi_id: row.id, sdg_target, position: i })));
    }
    if (retired) w.note({ action: 'create', entity: 'kpi', entityId: kpi.id, new: json(head) });
    else if (!same(current, head)) w.note({ action: 'update', entity: 'kpi', entityId: kpi.id, old: json(current), new: json(head) });
  }
  const inserted = await insertKpis(
    w.db,
    inserts.map((i) => i.row),
  );
  for (const [i, row] of inserted.entries()) {
    const { head } = inserts[i]!;
    w.kpiIds.set(row.slug, row.id);
    sdgInserts.push(...head.sdgTargets.map((sdg_target, position) => ({ kpi_id: row.id, sdg_target, position })));
    w.note({ action: 'create', entity: 'kpi', entityId: head.id, new: json(head) });
  }
  await deleteKpiSdgTargets(w.db, sdgReplaced);
  await insertKpiSdgTargets(w.db, sdgInserts);
  const retiring = [...stored.values()].filter((r) => r.retired_at === null);
  await retireKpis(
    w.db,
    retiring.map((r) => r.id),
  );
  for (const r of retiring) w.note({ action: 'retire', entity: 'kpi', entityId: r.slug, old: json(kpiHeadFromRow(r, (sdg.get(r.id) ?? []).map((s) => s.sdg_target))) });
}

export async function writeTargets(w: CityWrite, rows: CurrentTargetRow[], revisionRows: TargetRevisionRow[]): Promise<void> {
  const stored = new Map(rows.map((r) => [r.id, r]));
  const storedBySlug = new Map(rows.map((r) => [targetKey(r.kpi_id, r.slug), r]));
  const storedRevisions = groupBy(revisionRows, (r) => r.kpi_target_id);
  const newSlots: { kpiSlug: string; target: KpiTarget; position: number; kpiId: number }[] = [];
  const valueChanges: TargetValueChange[] = [];
  const revisions: { kpiSlug: string; targetSlug: string; targetId: number; revision: TargetRevision; loggedAsRevise: boolean }[] = [];
  const seen = new Set<number>();

  for (const kpi of w.data.kpis) {
    const kpiId = must(w.kpiIds.get(kpi.id), 'KPI id');
    for (const [position, target] of kpi.targets.entries()) {
      const row = storedBySlug.get(targetKey(kpiId, target.id));
      if (!row) {
        newSlots.push({ kpiSlug: kpi.id, target, position, kpiId });
        continue;
      }
      seen.add(row.id);
      w.targetIds.set(`${kpi.id}#${target.id}`, row.id);
      const at = formatTimePointIso(target.at);
      if (row.at !== at || row.position !== position) {
        await updateTarget(w.db, row.id, { at, at_end: timePointEnd(target.at), position });
        if (row.at !== at) {
          w.note({ action: 'update', entity: 'kpi_target', entityId: `${kpi.id}#${target.id}`, old: { at: row.at }, new: { at } });
        }
      }
      // Revisions are a record of decisions: the stored ones must be where the data's begin.
      const before = (storedRevisions.get(row.id) ?? []).map(revisionFromRow);
      const wanted = target.revisions.map(normalizeRevision);
      if (!same(before, wanted.slice(0, before.length))) {
        throw new CityDataError(
          `target "${target.id}" of KPI "${kpi.id}": its revisions differ from the stored ones; revisions are never rewritten, add a new one instead`,
        );
      }
      const added = wanted.slice(before.length);
      const live = row.deleted === false && row.value !== null ? { value: toNumber(row.value), decimals: row.decimals } : null;
      const changed = live === null || live.value !== target.value || live.decimals !== (target.decimals ?? null);
      const last = added[added.length - 1];
      const revise = changed && last !== undefined && last.newValue === target.value;
      if (changed) {
        valueChanges.push({
          targetId: row.id,
          value: target.value,
          decimals: target.decimals ?? null,
          reason: revise ? last.reason : w.reason,
          ...(revise && { kind: 'revise' as const }),
        });
      }
      added.forEach((revision, i) =>
        revisions.push({ kpiSlug: kpi.id, targetSlug: target.id, targetId: row.id, revision, loggedAsRevise: revise && i === added.length - 1 }),
      );
    }
  }

  // Targets no longer in the data: a tombstone, so the value they had stays in the history.
  const dataKpiIds = new Set(w.kpiIds.values());
  for (const row of stored.values()) {
    if (seen.has(row.id) || row.deleted !== false || !dataKpiIds.has(row.kpi_id)) continue;
    valueChanges.push({ targetId: row.id, value: null, reason: w.reason });
  }

  const inserted = await insertTargets(
    w.db,
    newSlots.map((s) => ({ kpi_id: s.kpiId, slug: s.target.id, at: formatTimePointIso(s.target.at), at_end: timePointEnd(s.target.at), position: s.position })),
  );
  for (const [i, row] of inserted.entries()) {
    const { kpiSlug, target } = newSlots[i]!;
    w.targetIds.set(`${kpiSlug}#${target.id}`, row.id);
    valueChanges.push({ targetId: row.id, value: target.value, decimals: target.decimals ?? null, reason: w.reason });
    for (const revision of target.revisions) {
      revisions.push({ kpiSlug, targetSlug: target.id, targetId: row.id, revision: normalizeRevision(revision), loggedAsRevise: false });
    }
  }

  await appendTargetValues(w.db, valueChanges, w.actor);
  await appendTargetRevisions(
    w.db,
    revisions.map(
      (r): NewTargetRevision => ({ targetId: r.targetId, oldValue: r.revision.oldValue, newValue: r.revision.newValue, reason: r.revision.reason, revisedOn: r.revision.revisedOn }),
    ),
    w.actor,
  );
  for (const r of revisions) {
    if (r.loggedAsRevise) continue;
    w.log.push({
      actor: w.actor,
      cityId: w.cityId,
      action: 'add-revision',
      entity: 'kpi_target',
      entityId: `${r.kpiSlug}#${r.targetSlug}`,
      new: json(r.revision),
      reason: r.revision.reason,
    });
  }
}

function targetKey(kpiId: number, slug: string): string {
  return `${kpiId}#${slug}`;
}

/** Replaces the city's precise values when they differ from the stored set, logging old and new. */
export async function writePreciseFigures(w: CityWrite, rows: PreciseFigureRow[], slugs: SlugIndex | null): Promise<void> {
  const key = (p: { kpi: string; figure: string; ref: string }) => `${p.kpi}\u0000${p.figure}\u0000${p.ref}`;
  const current = rows
    .filter((r) => !w.outsideKpiIds.has(r.kpi_id))
    .map((r) => ({ kpi: slugs?.kpi.get(r.kpi_id) ?? String(r.kpi_id), figure: r.figure, ref: r.ref, value: toNumber(r.value), source: r.source, basis: r.basis }))
    .sort((a, b) => (key(a) < key(b) ? -1 : 1));
  const wanted = w.data.kpis
    .flatMap((k) => [
      ...(k.baseline.precise ? [{ kpi: k.id, figure: 'baseline' as const, ref: '', ...k.baseline.precise }] : []),
      ...k.observations.flatMap((o) => (o.precise ? [{ kpi: k.id, figure: 'actual' as const, ref: formatTimePointIso(o.at), ...o.precise }] : [])),
      ...k.targets.flatMap((t) => (t.precise ? [{ kpi: k.id, figure: 'target' as const, ref: t.id, ...t.precise }] : [])),
    ])
    .map((p) => ({ kpi: p.kpi, figure: p.figure, ref: p.ref, value: finite(p.value, `precise value of KPI "${p.kpi}"`), source: p.source, basis: p.basis }))
    .sort((a, b) => (key(a) < key(b) ? -1 : 1));
  if (same(current, wanted)) return;
  await replacePreciseFigures(
    w.db,
    w.cityId,
    wanted.map((p) => ({ city_id: w.cityId, kpi_id: w.kpiIds.get(p.kpi)!, figure: p.figure, ref: p.ref, value: p.value, source: p.source, basis: p.basis, actor: w.actor })),
    [...w.outsideKpiIds],
  );
  w.note({ action: 'replace', entity: 'precise_figures', entityId: w.cityId, old: json(current), new: json(wanted) });
}
