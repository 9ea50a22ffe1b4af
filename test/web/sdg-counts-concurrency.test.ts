import { expect, it } from 'vitest';
import { generateCity } from '../../bench/national/generate.ts';
import { CityDataStore } from '../../src/cities/city-data.store.ts';
import { importPlanData } from '../../src/cities/plan-data-import.service.ts';
import { editKpiDefinition } from '../../src/kpis/kpi-edit.command.ts';
import { setKpiArchived } from '../../src/kpis/kpi.commands.ts';
import { findKpiBySlug } from '../../src/kpis/kpi.repository.ts';
import { loadKpiEditState } from '../../src/staff/edit-state.service.ts';
import { keptSdgCounts, recountedSdgCounts } from '../../src/summaries/test-support/sdg-counts.ts';
import { createApp } from '../../src/web/app.tsx';
import { describeStaffApp } from '../support/staff-app.ts';

/*
 * Issue 11.5, attacked: the national SDG counts (sdg_counts) move by the difference each city's
 * summary rebuild makes. Here two stores (two processes) write at once to two cities of one
 * prefecture (Ichinoseki and a generated city of Iwate) and to the same KPIs: SDG targets moved
 * between goals, directions flipped (the computed statuses change), KPIs archived and restored,
 * several writes in flight together, so rebuilds add and take away on the same national rows
 * concurrently. After every rebuild has landed the counts kept equal a recount, no rebuild
 * failed (no deadlock, no lost update), and the SDG pages of a fresh app answer 200 with them.
 */
const second = generateCity(2);
const TARGET_SETS = ['2.3, 8.5', '11.a', '', '7.2, 13.1, 2.4', '8.5'];

describeStaffApp(
  'the national SDG counts under concurrent writes from two processes (issue 11.5)',
  [],
  (app) => {
    it('equal a recount after targets, directions and archives written at once to two cities of one prefecture', async () => {
      const t = app();
      const other = new CityDataStore(t.ctx.db);
      const failures: unknown[] = [];
      for (const s of [t.ctx.store, other]) s.onSignalError = (e) => failures.push(e);
      const ichinoseki = (await t.ctx.store.getStaff('ichinoseki'))!.data.kpis.slice(0, 6).map((k) => k.id);
      const targets: [string, string][] = [...ichinoseki.map((k): [string, string] => ['ichinoseki', k]), ...second.kpiIds.slice(0, 6).map((k): [string, string] => [second.id, k])];
      const before = await keptSdgCounts(t.ctx.db);
      let written = 0;
      for (let round = 0; round < 4; round++) {
        const writes = targets.map(async ([cityId, kpiId], i) => {
          const store = (i + round) % 2 === 0 ? t.ctx.store : other;
          if ((i + round) % 5 === 4) {
            const row = await findKpiBySlug(t.ctx.db, cityId, kpiId);
            const r = await setKpiArchived(t.ctx.db, store, { cityId, actor: 'test', kpiId, version: Number(row!.version), archived: row!.retired_at === null });
            if (r.ok) written++;
            return;
          }
          const state = await loadKpiEditState(t.ctx.db, cityId, kpiId);
          if (!state) return;
          const r = await editKpiDefinition(t.ctx.db, store, {
            cityId,
            actor: 'test',
            kpiId,
            version: state.version,
            reason: '並行書き込み検査',
            input: { sdgTargets: TARGET_SETS[(i + round) % TARGET_SETS.length]!, direction: (i + round) % 2 === 0 ? 'down' : 'up' },
          });
          if (r.ok) written++;
        });
        // The same KPIs again while the first writes are in flight, through the other store.
        await Promise.all(writes);
      }
      await Promise.all([t.ctx.store.settled(), other.settled()]);
      expect(failures).toEqual([]);
      expect(written).toBeGreaterThan(30);
      const kept = await keptSdgCounts(t.ctx.db);
      expect(kept).not.toEqual(before);
      expect(await recountedSdgCounts(t.ctx.db)).toEqual(kept);
      const fresh = createApp({ db: t.ctx.db, store: t.ctx.store, clock: t.ctx.clock });
      for (const p of ['/sdgs', '/sdgs?prefecture=%E5%B2%A9%E6%89%8B%E7%9C%8C', '/sdgs/8', '/sdgs/11?prefecture=%E5%B2%A9%E6%89%8B%E7%9C%8C', '/api/v1/sdgs/2']) expect((await fresh.request(p)).status, p).toBe(200);
    }, 600_000);
  },
  async (t) => {
    expect(second.file.city.prefecture).toBe('岩手県');
    const r = await importPlanData(t.ctx.db, second.file, 'test');
    expect(r.ok).toBe(true);
    t.ctx.store.invalidate(second.id);
    await t.ctx.store.settled();
  },
);
