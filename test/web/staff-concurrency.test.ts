import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../src/storage/test-databases.ts';
import { startStaffTestApp, type StaffTestApp } from '../support/staff-app.ts';
import { hiddenFields, makeUser, StaffClient } from './staff-helpers.ts';

/*
 * Issue 10.4 (no lost updates) and 11.3 (in-place writes), through HTTP with two logged-in
 * sessions, on PGlite and on a real PostgreSQL server. Every staff edit form carries the version
 * it was opened on; two saves from forms opened at the same time, sent one after the other or at
 * once (Promise.all), give one 303 and one 409 conflict page, never a 500 and never a silent
 * revert. TRIES rounds per scenario; the counts are printed for the report.
 */

const TRIES = 20;
const CITY = 'ichinoseki';
const KPI = 'new-farmers';

/** What happened to the tries of one scenario. */
interface Tally {
  tries: number;
  saved: number;
  conflicts: number;
  errors500: number;
  other: number;
  lostUpdates: number;
}

function tally(): Tally {
  return { tries: 0, saved: 0, conflicts: 0, errors500: 0, other: 0, lostUpdates: 0 };
}

function count(t: Tally, status: number): void {
  if (status === 303) t.saved++;
  else if (status === 409) t.conflicts++;
  else if (status >= 500) t.errors500++;
  else t.other++;
}

const results: Record<string, Record<string, Tally>> = {};

for (const database of testDatabases()) {
  describe.skipIf(database.skipReason !== null)(`concurrent staff edits on ${database.name}`, () => {
    let t: StaffTestApp;
    const record = (scenario: string, value: Tally) => ((results[database.name] ??= {})[scenario] = value);

    beforeAll(async () => {
      t = await startStaffTestApp(database.name);
      await makeUser(t.ctx, 'sec-a', CITY, 'secretariat');
      await makeUser(t.ctx, 'sec-b', CITY, 'secretariat');
    });
    afterAll(async () => {
      await t?.stop();
      console.log(`[concurrency ${database.name}] ${JSON.stringify(results[database.name])}`);
    });

    async function twoSessions(): Promise<[StaffClient, StaffClient]> {
      const a = new StaffClient(t.app);
      const b = new StaffClient(t.app);
      await a.login('sec-a');
      await b.login('sec-b');
      return [a, b];
    }

    const kpiBase = `/staff/cities/${CITY}/kpis/${KPI}`;
    const kpiRow = async () => (await t.ctx.store.getStaff(CITY))!.data.kpis.find((k) => k.id === KPI)!;

    it('KPI edit from two forms opened at the same time, saved one after the other: the second gets a conflict page', async () => {
      const [a, b] = await twoSessions();
      const tl = tally();
      for (let i = 0; i < TRIES; i++) {
        const before = await kpiRow();
        const pageA = await a.get(kpiBase);
        const pageB = await b.get(kpiBase);
        const base = { name: before.name, nameEn: before.nameEn ?? '', unit: before.unit, department: '' };
        const ra = await a.post(`${kpiBase}/edit`, { ...hiddenFields(pageA.text, `${kpiBase}/edit`), ...base, name: `新規就農者数 A${i}` });
        const rb = await b.post(`${kpiBase}/edit`, { ...hiddenFields(pageB.text, `${kpiBase}/edit`), ...base, nameEn: `New farmers B${i}` });
        tl.tries++;
        count(tl, ra.status);
        count(tl, rb.status);
        const after = await kpiRow();
        if (ra.status === 303 && after.name !== `新規就農者数 A${i}`) tl.lostUpdates++;
        if (rb.status === 303 && after.nameEn !== `New farmers B${i}`) tl.lostUpdates++;
        if (rb.status === 409) {
          // The conflict page shows A's saved name beside B's input, and B can re-apply.
          expect(rb.text).toContain(`新規就農者数 A${i}`);
          expect(rb.text).toContain(`New farmers B${i}`);
          const again = await b.post(`${kpiBase}/edit`, { ...hiddenFields(rb.text, `${kpiBase}/edit`), name: `新規就農者数 A${i}`, nameEn: `New farmers B${i}`, unit: before.unit, department: '' });
          expect(again.status).toBe(303);
          const merged = await kpiRow();
          expect([merged.name, merged.nameEn]).toEqual([`新規就農者数 A${i}`, `New farmers B${i}`]);
        }
      }
      record('kpi-edit-sequential', tl);
      expect(tl).toMatchObject({ tries: TRIES, saved: TRIES, conflicts: TRIES, errors500: 0, other: 0, lostUpdates: 0 });
    });

    it('KPI edit saved by both at once (Promise.all): one saves, the other gets a conflict', async () => {
      const [a, b] = await twoSessions();
      const tl = tally();
      for (let i = 0; i < TRIES; i++) {
        const before = await kpiRow();
        const [pageA, pageB] = [await a.get(kpiBase), await b.get(kpiBase)];
        const base = { name: before.name, nameEn: before.nameEn ?? '', unit: before.unit, department: '' };
        const [ra, rb] = await Promise.all([
          a.post(`${kpiBase}/edit`, { ...hiddenFields(pageA.text, `${kpiBase}/edit`), ...base, name: `同時 A${i}` }),
          b.post(`${kpiBase}/edit`, { ...hiddenFields(pageB.text, `${kpiBase}/edit`), ...base, nameEn: `Both B${i}` }),
        ]);
        tl.tries++;
        count(tl, ra.status);
        count(tl, rb.status);
        const after = await kpiRow();
        if (ra.status === 303 && after.name !== `同時 A${i}`) tl.lostUpdates++;
        if (rb.status === 303 && after.nameEn !== `Both B${i}`) tl.lostUpdates++;
      }
      record('kpi-edit-concurrent', tl);
      expect(tl).toMatchObject({ tries: TRIES, saved: TRIES, conflicts: TRIES, errors500: 0, other: 0, lostUpdates: 0 });
    });

    it('two people edit different nodes of one plan at once: both saved in place, no 500', async () => {
      const [a, b] = await twoSessions();
      const plan = (await t.ctx.store.getStaff(CITY))!.data.plans.find((p) => p.kind === 'sdgs-future-city')!;
      const planBase = `/staff/cities/${CITY}/plans/${plan.id}`;
      const [n1, n2] = [plan.nodes[0]!, plan.nodes[1]!];
      const tl = tally();
      for (let i = 0; i < TRIES; i++) {
        const [pageA, pageB] = [await a.get(planBase), await b.get(planBase)];
        const [ra, rb] = await Promise.all([
          a.post(`${planBase}/nodes/${n1.id}`, { ...hiddenFields(pageA.text, `${planBase}/nodes/${n1.id}`), code: n1.code ?? '', title: `${n1.title} A${i}`, titleEn: n1.titleEn ?? '', description: n1.description ?? '' }),
          b.post(`${planBase}/nodes/${n2.id}`, { ...hiddenFields(pageB.text, `${planBase}/nodes/${n2.id}`), code: n2.code ?? '', title: `${n2.title} B${i}`, titleEn: n2.titleEn ?? '', description: n2.description ?? '' }),
        ]);
        tl.tries++;
        count(tl, ra.status);
        count(tl, rb.status);
        const after = (await t.ctx.store.getStaff(CITY))!.data.plans.find((p) => p.id === plan.id)!;
        if (ra.status === 303 && after.nodes[0]!.title !== `${n1.title} A${i}`) tl.lostUpdates++;
        if (rb.status === 303 && after.nodes[1]!.title !== `${n2.title} B${i}`) tl.lostUpdates++;
      }
      record('different-nodes-concurrent', tl);
      expect(tl).toMatchObject({ tries: TRIES, saved: 2 * TRIES, conflicts: 0, errors500: 0, other: 0, lostUpdates: 0 });
    });

    it('two people enter the same first actual at once: one saves, the other gets the conflict page', async () => {
      const [a, b] = await twoSessions();
      const tl = tally();
      for (let i = 0; i < TRIES; i++) {
        const at = `${2040 + i}年`;
        const [pageA, pageB] = [await a.get(`${kpiBase}/actuals/new`), await b.get(`${kpiBase}/actuals/new`)];
        const [ra, rb] = await Promise.all([
          a.post(`${kpiBase}/actuals`, { ...hiddenFields(pageA.text, `${kpiBase}/actuals`), at, value: `${100 + i} 人`, note: '', source: 'A' }),
          b.post(`${kpiBase}/actuals`, { ...hiddenFields(pageB.text, `${kpiBase}/actuals`), at, value: `${200 + i} 人`, note: '', source: 'B' }),
        ]);
        tl.tries++;
        count(tl, ra.status);
        count(tl, rb.status);
        const stored = (await kpiRow()).observations.find((o) => o.at.kind === 'year' && o.at.year === 2040 + i);
        if (ra.status === 303 && rb.status === 303) tl.lostUpdates++;
        if (ra.status === 303 && rb.status !== 303 && stored?.value !== 100 + i) tl.lostUpdates++;
        if (rb.status === 303 && ra.status !== 303 && stored?.value !== 200 + i) tl.lostUpdates++;
      }
      record('same-first-actual-concurrent', tl);
      expect(tl).toMatchObject({ tries: TRIES, saved: TRIES, conflicts: TRIES, errors500: 0, other: 0, lostUpdates: 0 });
    });
  });
}
