import { expect } from 'vitest';
import { actorName, type StaffUser } from '../../src/auth/user.ts';
import { editKpiDefinition } from '../../src/kpis/kpi-edit.command.ts';
import { loadKpiEditState } from '../../src/staff/edit-state.service.ts';
import type { StaffTestApp } from './staff-app.ts';

const admin: StaffUser = { id: 0, username: 'cache-test', displayName: 'cache test', email: null, isSystemAdmin: true, mustChangePassword: false, memberships: [] };

/**
 * Renames the seed KPI ichinoseki/new-farmers through its command (as the staff form does: the
 * write, then the store's change signal), expecting it to succeed; throws when the seed lacks it.
 */
export async function renameNewFarmers(t: StaffTestApp, name: string): Promise<void> {
  const state = await loadKpiEditState(t.ctx.db, 'ichinoseki', 'new-farmers');
  const kpi = (await t.ctx.store.getStaff('ichinoseki'))?.data.kpis.find((k) => k.id === 'new-farmers');
  if (!state || !kpi) throw new Error('the seed KPI new-farmers is missing');
  const r = await editKpiDefinition(t.ctx.db, t.ctx.store, { cityId: 'ichinoseki', actor: actorName(admin), kpiId: kpi.id, version: state.version, input: { name, direction: kpi.direction ?? 'up' } });
  expect(r.ok).toBe(true);
}
