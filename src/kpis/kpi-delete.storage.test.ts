import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { recordObservation, recordObservations } from '../actuals/observation.repository.ts';
import { loadCityData } from '../cities/city-data.service.ts';
import { NotFoundError } from '../core/not-found.ts';
import { insertDepartments } from '../departments/department.repository.ts';
import { addNode, deleteNode, recordPlanVersion } from '../plans/plan.commands.ts';
import { listAllNodes, lockPlanBySlug } from '../plans/plan-building.repository.ts';
import { listChangeLog } from '../storage/change-log.repository.ts';
import type { Executor } from '../storage/database.ts';
import { testDatabases, useTestDatabase } from '../storage/test-databases.ts';
import { createKpi, deleteKpi, setKpiArchived } from './kpi.commands.ts';
import { kpiIdsWithData } from './kpi-delete.repository.ts';
import { findKpiBySlug } from './kpi.repository.ts';
import { cityWithGoalNode, kpiFormInput, kpiVersion, newTestCity } from '../../test/support/kpi-city.ts';
import { reviseTarget } from './target.repository.ts';

/*
 * Deleting a KPI with no data (issue 13.2: "Deleting is allowed only for what has no data;
 * otherwise archive") on PGlite and PostgreSQL: a KPI created by mistake goes with its plan
 * rows, SDG target tags, department and initial targets in one transaction, audited with who,
 * old and why; one with an actual (even withdrawn), a target revision or a plan row's text is
 * refused with the message to archive and nothing changes; another city's KPI is not found; a
 * stale form is a conflict; the target values stay append-only for every other write.
 */

const actor = 'sec (事務局)';
const newCity = (db: Executor) => newTestCity(db, 'kpi-delete-city');
/** A KPI created by mistake: two targets, two SDG targets. */
const kpiInput = (kpiId: string, extra: Record<string, string> = {}) => kpiFormInput(kpiId, { name: `誤って作成した指標 ${kpiId}`, targets: '2025年度 157\n2026年度 170', sdgTargets: '2.3, 8.5', ...extra });
const version = kpiVersion;

/** Counts of every table a KPI's definition lives in, for one KPI id (rows of the KPI). */
async function footprint(db: Executor, kpiId: number) {
  const r = await sql<{ t: string; n: string }>`
    select 'kpis' as t, count(*)::text as n from kpis where id = ${kpiId}
    union all select 'sdg', count(*)::text from kpi_sdg_targets where kpi_id = ${kpiId}
    union all select 'targets', count(*)::text from kpi_targets where kpi_id = ${kpiId}
    union all select 'values', count(*)::text from kpi_target_values v join kpi_targets t on t.id = v.kpi_target_id where t.kpi_id = ${kpiId}
    union all select 'rows', count(*)::text from plan_kpi_rows where kpi_id = ${kpiId}
    union all select 'owner', count(*)::text from kpi_departments where kpi_id = ${kpiId}`.execute(db);
  return Object.fromEntries(r.rows.map((x) => [x.t, Number(x.n)]));
}

describe.each(testDatabases())('deleting KPIs on $name', (database) => {
  if (database.skipReason) {
    it.skip(`skipped: ${database.skipReason}`, () => {});
    return;
  }
  const db = useTestDatabase(database);

  async function cityWithPlan() {
    const { cityId, signals, signal, nodeVersion } = await cityWithGoalNode(db(), 'kpi-delete-city', actor);
    const [agri] = await insertDepartments(db(), [{ city_id: cityId, slug: 'agri', position: 0, name: '農政課', name_en: null }]);
    const make = async (id: string) => {
      const r = await createKpi(db(), signal, { cityId, actor, kpi: kpiInput(id, { departmentId: String(agri!.id) }), placeIn: { planId: 'p', nodeId: 'g', version: await nodeVersion() } });
      expect(r.ok).toBe(true);
      return (await findKpiBySlug(db(), cityId, id))!;
    };
    return { cityId, signals, signal, nodeVersion, make };
  }

  it('deletes a KPI with no data with its plan rows, SDG targets, department and initial targets, in one audited write', async () => {
    const { cityId, signals, signal, nodeVersion, make } = await cityWithPlan();
    const kpi = await make('mistake');
    await make('kept');
    expect(await footprint(db(), kpi.id)).toEqual({ kpis: 1, sdg: 2, targets: 2, values: 2, rows: 1, owner: 1 });
    const nodeBefore = await nodeVersion();
    signals.length = 0;
    const r = await deleteKpi(db(), signal, { cityId, actor, kpiId: 'mistake', version: kpi.version, reason: '重複して作成したため' });
    expect(r).toEqual({ ok: true, value: undefined });
    expect(signals).toEqual([cityId]);
    expect(await footprint(db(), kpi.id)).toEqual({ kpis: 0, sdg: 0, targets: 0, values: 0, rows: 0, owner: 0 });
    // The node's open forms are stale now (its rows changed); the other KPI stays in it.
    expect(await nodeVersion()).not.toBe(nodeBefore);
    const data = (await loadCityData(db(), cityId))!;
    expect(data.kpis.map((k) => k.id)).toEqual(['kept']);
    expect(data.plans[0]!.nodes[0]!.kpiRows.map((x) => x.kpiId)).toEqual(['kept']);
    const log = (await listChangeLog(db(), { cityId, entity: 'kpi', entityId: 'mistake' })).find((l) => l.action === 'delete')!;
    expect(log.actor).toBe(actor);
    expect(log.reason).toBe('重複して作成したため');
    expect(log.old).toMatchObject({ name: '誤って作成した指標 mistake', unit: '人', department: '農政課', sdgTargets: ['2.3', '8.5'], baseline: { at: '2020', value: 13 }, targets: [{ at: 'FY2025', value: 157 }, { at: 'FY2026', value: 170 }] });
    // The id is free again: a KPI of that id may be created anew.
    expect((await createKpi(db(), signal, { cityId, actor, kpi: kpiInput('mistake') })).ok).toBe(true);
  });

  it('refuses a KPI with an actual (even withdrawn), a target revision or a plan row text: archive it; nothing changes', async () => {
    const { cityId, signal, make } = await cityWithPlan();
    const withActual = await make('with-actual');
    await recordObservation(db(), { kpiId: withActual.id, at: { kind: 'year', year: 2023 }, value: 20 }, { actor });
    const withdrawn = await make('withdrawn');
    await recordObservation(db(), { kpiId: withdrawn.id, at: { kind: 'year', year: 2023 }, value: 20 }, { actor });
    await recordObservations(db(), [{ kpiId: withdrawn.id, at: { kind: 'year', year: 2023 }, value: null }], { actor, reason: '誤入力' });
    const revised = await make('revised');
    await reviseTarget(db(), { kpiId: revised.id, targetSlug: (await db().selectFrom('kpi_targets').select('slug').where('kpi_id', '=', revised.id).orderBy('position').executeTakeFirstOrThrow()).slug, newValue: 200, reason: '上方修正', revisedOn: '2024-04-01' }, actor);
    const commented = await make('commented');
    await db().updateTable('plan_kpi_rows').set({ reflection: '第２期計画では目標値を上方修正して取り組む' }).where('kpi_id', '=', commented.id).execute();
    for (const id of ['with-actual', 'withdrawn', 'revised', 'commented']) {
      const before = await findKpiBySlug(db(), cityId, id);
      const fp = await footprint(db(), before!.id);
      const r = await deleteKpi(db(), signal, { cityId, actor, kpiId: id, version: before!.version });
      expect(r, id).toEqual({ ok: false, errors: { kpi: { kind: 'message', kindOf: 'plans.error.kpiHasData', message: expect.anything() } } });
      expect(await footprint(db(), before!.id), id).toEqual(fp);
      expect(await findKpiBySlug(db(), cityId, id)).toEqual(before);
    }
    // Archiving stays the way for those; an archived KPI without data may still be deleted.
    const archived = await make('archived-unused');
    expect((await setKpiArchived(db(), signal, { cityId, actor, kpiId: 'archived-unused', version: archived.version, archived: true })).ok).toBe(true);
    expect((await deleteKpi(db(), signal, { cityId, actor, kpiId: 'archived-unused', version: await version(db(), cityId, 'archived-unused') })).ok).toBe(true);
    expect(await findKpiBySlug(db(), cityId, 'archived-unused')).toBeUndefined();
  });

  it('refuses a KPI (and a node) listed in a recorded plan version: archive it; one added after the version may still be deleted', async () => {
    const { cityId, signal, make } = await cityWithPlan();
    const inVersion = await make('in-version');
    const planVersion = async () => (await lockPlanBySlug(db(), cityId, 'p'))!.version;
    await addNode(db(), signal, { cityId, actor, planId: 'p', parentNodeId: null, nodeId: 'empty', node: { kind: 'goal', title: '空の項目' } });
    expect((await recordPlanVersion(db(), signal, { cityId, actor, planId: 'p', version: await planVersion(), kind: 'adopted', label: '第1版', date: '2024-03-31' })).ok).toBe(true);
    const after = await make('after-version');
    const fp = await footprint(db(), inVersion.id);
    const refused = await deleteKpi(db(), signal, { cityId, actor, kpiId: 'in-version', version: await version(db(), cityId, 'in-version') });
    expect(refused).toEqual({ ok: false, errors: { kpi: { kind: 'message', kindOf: 'plans.error.kpiInRecordedVersion', message: expect.anything() } } });
    expect(JSON.stringify(refused)).toContain('このKPIは記録済みの計画の版（計画 第1版）に含まれているため削除できません（新旧対照表がこのKPIを指し続けるように）。アーカイブしてください');
    expect(await footprint(db(), inVersion.id)).toEqual(fp);
    // Detached from every node and archived, it is still in the version: still refused.
    expect((await setKpiArchived(db(), signal, { cityId, actor, kpiId: 'in-version', version: await version(db(), cityId, 'in-version'), archived: true })).ok).toBe(true);
    expect((await deleteKpi(db(), signal, { cityId, actor, kpiId: 'in-version', version: await version(db(), cityId, 'in-version') })).ok).toBe(false);
    expect(await findKpiBySlug(db(), cityId, 'in-version')).toBeDefined();
    // The builder offers no delete button for it (the same rule).
    expect((await kpiIdsWithData(db(), cityId)).has(inVersion.id)).toBe(true);
    expect((await kpiIdsWithData(db(), cityId)).has(after.id)).toBe(false);
    expect((await deleteKpi(db(), signal, { cityId, actor, kpiId: 'after-version', version: after.version })).ok).toBe(true);
    // The sibling: an empty node listed in the version is refused too; one added after may go.
    const nodes = async () => listAllNodes(db(), (await lockPlanBySlug(db(), cityId, 'p'))!.id);
    const emptyNode = (await nodes()).find((n) => n.slug === 'empty')!;
    const node = await deleteNode(db(), signal, { cityId, actor, planId: 'p', nodeId: 'empty', version: emptyNode.version });
    expect(node).toEqual({ ok: false, errors: { node: { kind: 'message', kindOf: 'plans.error.nodeInRecordedVersion', message: expect.anything() } } });
    await addNode(db(), signal, { cityId, actor, planId: 'p', parentNodeId: null, nodeId: 'later', node: { kind: 'goal', title: '後の項目' } });
    expect((await deleteNode(db(), signal, { cityId, actor, planId: 'p', nodeId: 'later', version: (await nodes()).find((n) => n.slug === 'later')!.version })).ok).toBe(true);
    expect((await nodes()).map((n) => n.slug).sort()).toEqual(['empty', 'g']);
  });

  it('another city’s KPI is not found, a stale form is a conflict, and target values stay append-only for any other write', async () => {
    const { cityId, signal, make } = await cityWithPlan();
    const other = await newCity(db());
    const kpi = await make('mine');
    await expect(deleteKpi(db(), signal, { cityId: other, actor, kpiId: 'mine', version: kpi.version })).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteKpi(db(), signal, { cityId, actor, kpiId: 'nowhere', version: 1 })).rejects.toBeInstanceOf(NotFoundError);
    expect(await deleteKpi(db(), signal, { cityId, actor, kpiId: 'mine', version: kpi.version + 1000 })).toEqual({ ok: false, conflict: { kind: 'edit-conflict', entity: 'kpi', entityId: 'mine' } });
    expect(await footprint(db(), kpi.id)).toMatchObject({ kpis: 1, values: 2 });
    // Outside the delete command the values cannot be deleted, updated or truncated.
    const ids = db().selectFrom('kpi_targets').select('id').where('kpi_id', '=', kpi.id);
    await expect(db().deleteFrom('kpi_target_values').where('kpi_target_id', 'in', ids).execute()).rejects.toThrow(/append-only/);
    await expect(db().updateTable('kpi_target_values').set({ reason: 'x' }).where('kpi_target_id', 'in', ids).execute()).rejects.toThrow(/append-only/);
    await expect(sql`select set_config('michishirube.delete_unused_kpi', 'on', false)`.execute(db()).then(() => db().updateTable('kpi_target_values').set({ reason: 'x' }).execute())).rejects.toThrow(/append-only/);
    await sql`select set_config('michishirube.delete_unused_kpi', 'off', false)`.execute(db());
    expect(await footprint(db(), kpi.id)).toMatchObject({ kpis: 1, values: 2 });
  });
});
