import { sql } from 'kysely';
import type { Executor } from '../storage/database.ts';

/*
 * The SQL of deleting a KPI that has no data (issue 13.2: "Deleting is allowed only for what
 * has no data; otherwise archive"). What counts as data is decided here, in one place:
 *
 * - an actual (an `observations` row: any version, withdrawn ones too);
 * - a published achievement rate, a commentary, a status override, a precise figure;
 * - a target revision (改訂, `target_revisions`), or a target value changed after it was first
 *   written (`kpi_target_values` beyond version 1): the targets typed when the KPI was created
 *   are its definition, every later change is history;
 * - a plan row of it with a commentary or a 反映状況 text;
 * - a review entry (draft, submitted, approved or returned actual or commentary) of it;
 * - a partner programme bound to it (the platform feeds its figures);
 * - a recorded plan version (策定 / 改訂: a `plan_snapshots` row) listing it: the 新旧対照表 of
 *   that version names the KPI by its id, which a deletion would free for another KPI.
 *
 * SDG target tags, the owning department, initial targets and plan rows without text are the
 * KPI's definition and go with it. Tables of other areas (staff, review, partners) are named in
 * raw SQL so this file needs no other area's table types.
 */

/** Ids of the city's KPIs (archived ones too) that have data (see above); only `kpiId` when given. */
export async function kpiIdsWithData(db: Executor, cityId: string, kpiId?: number): Promise<Set<number>> {
  const one = kpiId === undefined ? sql`` : sql`and k.id = ${kpiId}`;
  const r = await sql<{ id: number }>`
    select k.id from kpis k
    where k.city_id = ${cityId} ${one} and (
      exists (select 1 from observations o where o.kpi_id = k.id)
      or exists (select 1 from published_rates r where r.kpi_id = k.id)
      or exists (select 1 from kpi_commentaries c where c.kpi_id = k.id)
      or exists (select 1 from status_overrides s where s.kpi_id = k.id)
      or exists (select 1 from precise_figures f where f.kpi_id = k.id)
      or exists (select 1 from kpi_targets t join target_revisions v on v.kpi_target_id = t.id where t.kpi_id = k.id)
      or exists (select 1 from kpi_targets t join kpi_target_values v on v.kpi_target_id = t.id where t.kpi_id = k.id and v.version > 1)
      or exists (select 1 from plan_kpi_rows p where p.kpi_id = k.id and (coalesce(btrim(p.commentary), '') <> '' or coalesce(btrim(p.reflection), '') <> ''))
      or exists (select 1 from review_entries e where e.city_id = k.city_id and e.entity in ('actual', 'commentary') and split_part(e.entity_key, '@', 1) = k.slug)
      or exists (select 1 from partner_kpi_bindings b where b.city_id = k.city_id and b.kpi_slug = k.slug)
      or exists (select 1 from plan_snapshots s join plans p on p.id = s.plan_id cross join lateral jsonb_array_elements(s.snapshot -> 'kpis') e where p.city_id = k.city_id and e ->> 'id' = k.slug)
    )`.execute(db);
  return new Set(r.rows.map((x) => Number(x.id)));
}

/**
 * The recorded plan versions (策定 / 改訂) whose snapshot lists this KPI of the city: plan title
 * and version label, oldest first. A KPI in one is never deleted (archive it instead).
 */
export async function recordedVersionsWithKpi(db: Executor, cityId: string, kpiSlug: string): Promise<{ plan: string; label: string; number: number }[]> {
  const r = await sql<{ plan: string; label: string; number: number }>`
    select p.title as plan, s.label, s.number from plan_snapshots s join plans p on p.id = s.plan_id
    where p.city_id = ${cityId} and exists (select 1 from jsonb_array_elements(s.snapshot -> 'kpis') e where e ->> 'id' = ${kpiSlug})
    order by s.recorded_at, s.id`.execute(db);
  return r.rows.map((x) => ({ plan: x.plan, label: x.label, number: Number(x.number) }));
}

/** The nodes (ids) holding a row of this KPI, for their versions to change. */
export async function nodeIdsWithKpi(db: Executor, kpiId: number): Promise<number[]> {
  const rows = await db.selectFrom('plan_kpi_rows').select('node_id').where('kpi_id', '=', kpiId).distinct().execute();
  return rows.map((r) => r.node_id);
}

/**
 * Deletes a KPI and its definition: its plan rows, SDG target tags, department, targets and
 * their initial values. Call only inside the transaction that checked {@link kpiIdsWithData}
 * with the KPI row locked: the values' append-only trigger lets the delete through only for
 * this transaction (`set_config(..., true)`: local to it).
 */
export async function deleteKpiAndDefinition(db: Executor, kpiId: number): Promise<void> {
  await sql`select set_config('michishirube.delete_unused_kpi', 'on', true)`.execute(db);
  await db.deleteFrom('plan_kpi_rows').where('kpi_id', '=', kpiId).execute();
  await db.deleteFrom('kpi_sdg_targets').where('kpi_id', '=', kpiId).execute();
  await sql`delete from kpi_departments where kpi_id = ${kpiId}`.execute(db);
  await sql`delete from kpi_target_values where kpi_target_id in (select id from kpi_targets where kpi_id = ${kpiId})`.execute(db);
  await db.deleteFrom('kpi_targets').where('kpi_id', '=', kpiId).execute();
  await db.deleteFrom('kpis').where('id', '=', kpiId).execute();
  await sql`select set_config('michishirube.delete_unused_kpi', 'off', true)`.execute(db);
}
