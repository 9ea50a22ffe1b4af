import { NotFoundError } from '../core/not-found.ts';
import { describe, expect, it } from 'vitest';
import { recordObservation } from '../actuals/observation.repository.ts';
import { loadCityData } from '../cities/city-data.service.ts';
import { listChangeLog } from '../storage/change-log.repository.ts';
import type { Executor } from '../storage/database.ts';
import { insertDepartments, listKpiOwners } from '../departments/department.repository.ts';
import { testDatabases, useTestDatabase } from '../storage/test-databases.ts';
import { reorderKpiRow } from '../plans/plan.commands.ts';
import { editKpiDefinition } from './kpi-edit.command.ts';
import { createKpi, setKpiArchived } from './kpi.commands.ts';
import { findKpiBySlug } from './kpi.repository.ts';
import { cityWithGoalNode, kpiFormInput, kpiVersion, newTestCity } from '../../test/support/kpi-city.ts';

/*
 * Editing a KPI after creation and ordering KPI rows (issue 13.2) on PGlite and PostgreSQL:
 * every field of the definition is editable at the KPI's version and audited old → new with the
 * reason; a stale form is a conflict, another city's KPI is not found (NotFoundError, the staff area's 404); bad input is refused field by field
 * and writes nothing; the figure-defining fields of a KPI with actuals change only with a reason;
 * the direction is never guessed; KPI rows move up and down within a node and the loaded plan
 * (what public pages show) keeps that order.
 */

const actor = 'sec (事務局)';
const newCity = (db: Executor) => newTestCity(db, 'kpi-edit-city');
const kpiInput = kpiFormInput;

const errorsOf = (r: unknown) => (r as { errors: Record<string, { kind: string; kindOf?: string }> }).errors;
const version = kpiVersion;

describe.each(testDatabases())('editing KPIs on $name', (database) => {
  if (database.skipReason) {
    it.skip(`skipped: ${database.skipReason}`, () => {});
    return;
  }
  const db = useTestDatabase(database);

  it('edits every field of the definition in one write, audited old → new with the reason; the same values write nothing', async () => {
    const cityId = await newCity(db());
    const signals: string[] = [];
    const signal = { invalidate: (c: string) => void signals.push(c) };
    const [agri, tourism] = await insertDepartments(db(), [
      { city_id: cityId, slug: 'agri', position: 0, name: '農政課', name_en: 'Agriculture' },
      { city_id: cityId, slug: 'tourism', position: 1, name: '観光課', name_en: 'Tourism' },
    ]);
    expect((await createKpi(db(), signal, { cityId, actor, kpi: kpiInput('farmers', { departmentId: String(agri!.id), sdgTargets: '2.3' }) })).ok).toBe(true);
    signals.length = 0;
    const before = await version(db(), cityId, 'farmers');
    const r = await editKpiDefinition(db(), signal, {
      cityId,
      actor,
      kpiId: 'farmers',
      version: before,
      reason: '第2期計画の定義に合わせる',
      input: {
        name: '新規就農者数（累計）', nameEn: 'New farmers (cumulative)', unit: '人', departmentId: String(tourism!.id), sdgTargets: '【2.3, 8.5, 11.a】', side: 'society', aggregation: 'per-year',
        direction: 'up', method: 'ratio', baselineAt: '令和元年度', baselineValue: '12', definition: '新たに就農した49歳以下の人数（年度末）', dataSource: '農業委員会調べ',
      },
    });
    expect(r).toEqual({ ok: true, value: { changed: ['name', 'nameEn', 'department', 'sdgTargets', 'side', 'aggregation', 'method', 'baseline', 'definition', 'dataSource'] } });
    expect(signals).toEqual([cityId]);
    const row = (await findKpiBySlug(db(), cityId, 'farmers'))!;
    expect(row.version).not.toBe(before);
    expect([row.definition, row.data_source, row.department, row.baseline_at, Number(row.baseline_value)]).toEqual(['新たに就農した49歳以下の人数（年度末）', '農業委員会調べ', '観光課', 'FY2019', 12]);
    const kpi = (await loadCityData(db(), cityId))!.kpis[0]!;
    expect([kpi.name, kpi.nameEn, kpi.side, kpi.aggregation, kpi.method, kpi.sdgTargets]).toEqual(['新規就農者数（累計）', 'New farmers (cumulative)', 'society', 'per-year', 'ratio', ['2.3', '8.5', '11.a']]);
    expect((await listKpiOwners(db(), cityId)).map((o) => o.department_slug)).toEqual(['tourism']);
    const log = (await listChangeLog(db(), { cityId, entity: 'kpi', entityId: 'farmers' })).find((l) => l.action === 'update')!;
    expect(log.actor).toBe(actor);
    expect(log.reason).toBe('第2期計画の定義に合わせる');
    expect(log.old).toMatchObject({ name: '新規就農者数', department: 'agri', sdgTargets: ['2.3'], side: 'economy', baseline: { at: '2020', value: 13 }, definition: null });
    expect(log.new).toMatchObject({ name: '新規就農者数（累計）', department: 'tourism', sdgTargets: ['2.3', '8.5', '11.a'], side: 'society', baseline: { at: 'FY2019', value: 12 }, definition: '新たに就農した49歳以下の人数（年度末）' });
    expect(Object.keys(log.old as object)).not.toContain('unit');
    // Saving the form again unchanged: no write, no version moved, no log entry, no signal.
    signals.length = 0;
    const same = await editKpiDefinition(db(), signal, { cityId, actor, kpiId: 'farmers', version: row.version, input: { name: '新規就農者数（累計）', definition: '新たに就農した49歳以下の人数（年度末）' } });
    expect(same).toEqual({ ok: true, value: { changed: [] } });
    expect(await version(db(), cityId, 'farmers')).toBe(row.version);
    expect(signals).toEqual([]);
    // No department any more: the owner goes, the printed 担当課 with it.
    expect((await editKpiDefinition(db(), signal, { cityId, actor, kpiId: 'farmers', version: row.version, input: { departmentId: '' } })).ok).toBe(true);
    expect(await listKpiOwners(db(), cityId)).toEqual([]);
    expect((await findKpiBySlug(db(), cityId, 'farmers'))!.department).toBeNull();
  });

  it('refuses bad input field by field and writes nothing; a stale form or an archived KPI is a conflict, another city’s is not found', async () => {
    const cityId = await newCity(db());
    const other = await newCity(db());
    const signal = { invalidate: () => {} };
    await createKpi(db(), signal, { cityId, actor, kpi: kpiInput('farmers') });
    await createKpi(db(), signal, { cityId: other, actor, kpi: kpiInput('theirs') });
    const v = await version(db(), cityId, 'farmers');
    const bad = await editKpiDefinition(db(), signal, {
      cityId, actor, kpiId: 'farmers', version: v,
      input: { name: '  ', unit: 'x'.repeat(31), sdgTargets: '2.3, 99.9', side: 'culture', aggregation: '', method: 'guess', baselineAt: 'いつか', baselineValue: '十三', departmentId: '999999', direction: 'sideways', definition: 'x'.repeat(2001) },
    });
    expect(Object.keys(errorsOf(bad)).sort()).toEqual(['aggregation', 'baselineAt', 'baselineValue', 'definition', 'departmentId', 'direction', 'method', 'name', 'sdgTargets', 'side', 'unit']);
    expect(errorsOf(bad)['name']!.kind).toBe('required');
    expect(errorsOf(bad)['definition']!.kind).toBe('too-long');
    expect(errorsOf(bad)['departmentId']!.kind).toBe('unknown-department');
    expect(await version(db(), cityId, 'farmers')).toBe(v);
    expect((await findKpiBySlug(db(), cityId, 'farmers'))!.name).toBe('新規就農者数');
    const vBefore = v;
    // Hostile text: refused at its field or stored as typed, never an exception.
    for (const input of [
      { baselineValue: '9'.repeat(400) }, { baselineValue: '-1e309' }, { baselineValue: 'NaN' }, { baselineAt: '99999年' }, { baselineAt: '令和999年度' }, { sdgTargets: '1.1,'.repeat(200) },
      { sdgTargets: '【】' }, { unit: '👍' }, { name: 'x'.repeat(301) }, { nameEn: '\u202e evil' }, { departmentId: '1 or 1=1' }, { departmentId: '-1' }, { side: '__proto__' }, { definition: "'); drop table kpis; --" },
    ]) {
      const r = await editKpiDefinition(db(), signal, { cityId, actor, kpiId: 'farmers', version: await version(db(), cityId, 'farmers'), input, reason: 'test' });
      expect(r.ok === true || Object.keys(errorsOf(r)).length > 0, JSON.stringify(input)).toBe(true);
    }
    expect((await findKpiBySlug(db(), cityId, 'farmers'))!.definition).toBe("'); drop table kpis; --");
    // Another city's KPI id under this city: nothing of theirs is reachable, and it is not found (as an id that exists nowhere), not a conflict.
    await expect(editKpiDefinition(db(), signal, { cityId, actor, kpiId: 'theirs', version: await version(db(), other, 'theirs'), input: { name: '乗っ取り' } })).rejects.toBeInstanceOf(NotFoundError);
    expect((await findKpiBySlug(db(), other, 'theirs'))!.name).toBe('新規就農者数');
    // Stale: the form was opened before another save.
    expect(vBefore).not.toBe(await version(db(), cityId, 'farmers'));
    expect(await editKpiDefinition(db(), signal, { cityId, actor, kpiId: 'farmers', version: vBefore, input: { name: 'B' } })).toEqual({ ok: false, conflict: { kind: 'edit-conflict', entity: 'kpi', entityId: 'farmers' } });
    // Two people at once from the same version: one saves, the other gets a conflict, never an error.
    const now = await version(db(), cityId, 'farmers');
    const both = await Promise.all([
      editKpiDefinition(db(), signal, { cityId, actor, kpiId: 'farmers', version: now, input: { definition: '甲の定義' } }),
      editKpiDefinition(db(), signal, { cityId, actor: 'other', kpiId: 'farmers', version: now, input: { dataSource: '乙の出典' } }),
    ]);
    expect(both.map((x) => x.ok).sort()).toEqual([false, true]);
    expect(both.find((x) => !x.ok)).toMatchObject({ conflict: { kind: 'edit-conflict' } });
    // An archived KPI is not edited (restore it first).
    expect((await setKpiArchived(db(), signal, { cityId, actor, kpiId: 'farmers', version: await version(db(), cityId, 'farmers'), archived: true })).ok).toBe(true);
    expect(await editKpiDefinition(db(), signal, { cityId, actor, kpiId: 'farmers', version: await version(db(), cityId, 'farmers'), input: { name: 'C' } })).toMatchObject({ ok: false, conflict: { kind: 'edit-conflict' } });
  });

  it('a KPI with actuals: unit, direction, method, aggregation and baseline change only with a reason; a name or definition freely; the direction is never guessed', async () => {
    const cityId = await newCity(db());
    const signal = { invalidate: () => {} };
    await createKpi(db(), signal, { cityId, actor, kpi: kpiInput('farmers') });
    const row = (await findKpiBySlug(db(), cityId, 'farmers'))!;
    await recordObservation(db(), { kpiId: row.id, at: { kind: 'year', year: 2023 }, value: 101 }, { actor });
    for (const input of [{ unit: '千人' }, { direction: 'down' }, { method: 'ratio' }, { aggregation: 'snapshot' }, { baselineValue: '10' }, { baselineAt: '2019年' }]) {
      const r = await editKpiDefinition(db(), signal, { cityId, actor, kpiId: 'farmers', version: await version(db(), cityId, 'farmers'), input });
      expect(errorsOf(r)['reason']!.kindOf, JSON.stringify(input)).toBe('kpiEdit.error.reasonForFigures');
    }
    expect((await editKpiDefinition(db(), signal, { cityId, actor, kpiId: 'farmers', version: await version(db(), cityId, 'farmers'), input: { name: '新規就農者数（人）', definition: '定義' } })).ok).toBe(true);
    const withReason = await editKpiDefinition(db(), signal, { cityId, actor, kpiId: 'farmers', version: await version(db(), cityId, 'farmers'), input: { unit: '経営体' }, reason: '計画本文の単位は経営体（誤記の訂正）' });
    expect(withReason.ok).toBe(true);
    const kpi = (await loadCityData(db(), cityId))!.kpis[0]!;
    expect(kpi.unit).toBe('経営体');
    // Kept as recorded, never converted.
    expect(kpi.observations.map((o) => o.value)).toEqual([101]);
    const log = (await listChangeLog(db(), { cityId, entity: 'kpi', entityId: 'farmers' })).filter((l) => l.action === 'update').at(-1)!;
    expect([log.old, log.new, log.reason]).toEqual([{ unit: '人' }, { unit: '経営体' }, '計画本文の単位は経営体（誤記の訂正）']);
    // A legacy row without a direction whose baseline is moved above the target: asked, not inferred.
    await db().updateTable('kpis').set({ direction: null }).where('id', '=', row.id).execute();
    const v = await version(db(), cityId, 'farmers');
    const asked = await editKpiDefinition(db(), signal, { cityId, actor, kpiId: 'farmers', version: v, input: { direction: '', baselineValue: '200' }, reason: '当初値の訂正' });
    expect(errorsOf(asked)['direction']!.kind).toBe('direction-required');
    // Stating a missing direction is a confirmation, not a change of meaning: no reason needed.
    expect((await editKpiDefinition(db(), signal, { cityId, actor, kpiId: 'farmers', version: v, input: { direction: 'up' } })).ok).toBe(true);
    expect((await findKpiBySlug(db(), cityId, 'farmers'))!.direction).toBe('up');
  });

  it('KPI rows move up and down within a node; the loaded plan keeps the order; a stale node form is a conflict', async () => {
    const { cityId, signals, signal, nodeVersion } = await cityWithGoalNode(db(), 'kpi-edit-city', actor);
    for (const id of ['k1', 'k2', 'k3']) expect((await createKpi(db(), signal, { cityId, actor, kpi: kpiInput(id, { name: id }), placeIn: { planId: 'p', nodeId: 'g', version: await nodeVersion() } })).ok).toBe(true);
    const order = async () => (await loadCityData(db(), cityId))!.plans[0]!.nodes[0]!.kpiRows.map((r) => r.kpiId);
    const stale = await nodeVersion();
    signals.length = 0;
    expect((await reorderKpiRow(db(), signal, { cityId, actor, planId: 'p', nodeId: 'g', version: stale, kpiId: 'k3', direction: 'up' })).ok).toBe(true);
    expect(await order()).toEqual(['k1', 'k3', 'k2']);
    expect(signals).toEqual([cityId]);
    expect(await reorderKpiRow(db(), signal, { cityId, actor, planId: 'p', nodeId: 'g', version: stale, kpiId: 'k3', direction: 'up' })).toEqual({ ok: false, conflict: { kind: 'edit-conflict', entity: 'plan_node', entityId: 'p/g' } });
    expect((await reorderKpiRow(db(), signal, { cityId, actor, planId: 'p', nodeId: 'g', version: await nodeVersion(), kpiId: 'k3', direction: 'up' })).ok).toBe(true);
    expect((await reorderKpiRow(db(), signal, { cityId, actor, planId: 'p', nodeId: 'g', version: await nodeVersion(), kpiId: 'k1', direction: 'down' })).ok).toBe(true);
    expect(await order()).toEqual(['k3', 'k2', 'k1']);
    // Already last: nothing changes, nothing is logged.
    const logs = (await listChangeLog(db(), { cityId, entityId: 'p/g#k1' })).length;
    expect((await reorderKpiRow(db(), signal, { cityId, actor, planId: 'p', nodeId: 'g', version: await nodeVersion(), kpiId: 'k1', direction: 'down' })).ok).toBe(true);
    expect((await listChangeLog(db(), { cityId, entityId: 'p/g#k1' })).length).toBe(logs);
    expect(await order()).toEqual(['k3', 'k2', 'k1']);
    // Two reorders of the same node at once: one wins, the other is a conflict.
    const v = await nodeVersion();
    const both = await Promise.all([
      reorderKpiRow(db(), signal, { cityId, actor, planId: 'p', nodeId: 'g', version: v, kpiId: 'k1', direction: 'up' }),
      reorderKpiRow(db(), signal, { cityId, actor, planId: 'p', nodeId: 'g', version: v, kpiId: 'k3', direction: 'down' }),
    ]);
    expect(both.map((x) => x.ok).sort()).toEqual([false, true]);
    expect((await order()).sort()).toEqual(['k1', 'k2', 'k3']);
  });
});
