import { expect, it } from 'vitest';
import { fixedClock } from '../../src/core/time/clock.ts';
import { createApp } from '../../src/web/app.tsx';
import { importCompareFixtures } from '../fixtures/compare-cities.ts';
import { generateCity } from '../../bench/national/generate.ts';
import { importPlanData } from '../../src/cities/plan-data-import.service.ts';
import { goalOfTarget } from '../../src/core/sdg/sdg-framework.ts';
import { describeStaffApp } from '../support/staff-app.ts';
import { hiddenFields, StaffClient, yearlyCycleWrites, type StaffWrite } from './staff-helpers.ts';

/*
 * Issue 11, attacked: a KPI's pages answered from a read of that KPI alone (CityDataStore.getKpi)
 * and the compare page answered from the KPI summaries, read at once after each kind of staff
 * write through HTTP (a year published, held and published again; an actual entered in a year no
 * KPI had, so every KPI page lists it as unpublished; a KPI attached to a node of a second plan;
 * the node holding a KPI archived and restored; an actual and a commentary entered (invisible
 * until approved) and approved; a target revised; a status override; a rename; a KPI archived
 * and restored), each
 * page (and a comparison large enough to fold, with the pages of the written KPIs' goals)
 * asked for before the write too (so the page cache and the one-KPI cache hold the old
 * answer). Right after the write's response, every page must be what the same request gives
 * once everything has settled, from the whole city (store.get) and a fresh page cache: never
 * data older than a write whose response was returned. Another city's pages are unchanged.
 */

const CLOCK = fixedClock('2026-12-01T03:00:00Z');
const CITY = 'ichinoseki';

function kpiPaths(kpiId: string): string[] {
  const base = `/cities/${CITY}/kpis/${kpiId}`;
  return [base, `${base}?lang=en`, `${base}?format=csv`, `${base}?format=json`, `${base}/chart.svg`, `${base}/embed?lang=en`, `/api/v1${base}`];
}

/** Writes that wait for review: the public pages must not change. */
const PENDING_REVIEW = new Set(['actual entered', 'commentary']);

const COMPARE = [`/compare?cities=${CITY}&cities=hikaku-town`, `/compare?cities=${CITY}&cities=kanazawa&cities=tsukuba&lang=en`];
/** Two generated cities (131 and 142 KPIs): their comparison with Ichinoseki folds, each goal on a page of its own (`?goal=N`). */
const GENERATED = [generateCity(0), generateCity(1)];
const FOLDED = `/compare?cities=${GENERATED[0]!.id}&cities=${CITY}&cities=${GENERATED[1]!.id}`;

async function body(app: { request: (p: string) => Response | Promise<Response> }, path: string): Promise<string> {
  const r = await app.request(path);
  return `${r.status} ${r.headers.get('content-type')}\n${Buffer.from(await r.arrayBuffer()).toString('utf8')}`;
}

describeStaffApp('KPI pages and the compare page right after staff writes, attacked', [['akw-sec', CITY, 'secretariat']], (t) => {
  it('show each kind of staff write at once, as the whole city gives it once settled', async () => {
    const { ctx } = t();
    await importCompareFixtures(ctx.db, ctx.store);
    for (const g of GENERATED) {
      expect((await importPlanData(ctx.db, g.file, 'test')).ok).toBe(true);
      ctx.store.invalidate(g.id);
    }
    await ctx.store.settled();
    const app = createApp({ db: ctx.db, store: ctx.store, staff: ctx.staff, clock: CLOCK });
    const staff = new StaffClient(app);
    expect((await staff.login('akw-sec')).status).toBe(303);
    const kpiBase = (id: string) => `/staff/cities/${CITY}/kpis/${id}`;
    const city = (await ctx.store.get(CITY))!;
    const archiveForm = async (id: string, action: 'archive' | 'restore') => {
      const url = `/staff/cities/${CITY}/kpis/${id}/${action}`;
      for (const page of [await staff.get(`/staff/cities/${CITY}/plans`), ...(await Promise.all(city.plans.map((p) => staff.get(`/staff/cities/${CITY}/plans/${p.id}`))))]) {
        if (page.text.includes(`action="${url}"`)) return (await staff.post(url, { ...hiddenFields(page.text, url), reason: '攻撃テスト' })).status;
      }
      throw new Error(`no plan page ${action}s ${id}`);
    };
    // Plan structure: a node holding women-on-councils (archived, then restored), and a node of another plan than new-farmers' (it is attached there).
    type Node = (typeof city.plans)[number]['nodes'][number];
    const walk = (nodes: readonly Node[]): Node[] => nodes.flatMap((n) => [n, ...walk(n.children)]);
    const nodesOf = city.plans.map((p) => ({ plan: p.id, nodes: walk(p.nodes) }));
    const holding = (kpi: string) => nodesOf.flatMap(({ plan, nodes }) => nodes.filter((n) => n.kpiRows.some((r) => r.kpiId === kpi)).map((n) => ({ plan, node: n.id })));
    const farmersPlans = new Set(holding('new-farmers').map((h) => h.plan));
    const elsewhere = nodesOf.flatMap(({ plan, nodes }) => nodes.map((n) => ({ plan, node: n.id, far: !farmersPlans.has(plan) }))).filter((n) => !holding('new-farmers').some((h) => h.node === n.node)).sort((a, b) => Number(b.far) - Number(a.far))[0]!;
    const womenNode = holding('women-on-councils')[0]!;
    const planForm = async (plan: string, action: string, fields: Record<string, string>) => {
      const page = await staff.get(`/staff/cities/${CITY}/plans/${plan}`);
      return (await staff.post(action, { ...hiddenFields(page.text, action), ...fields })).status;
    };
    const nodeAction = (h: { plan: string; node: string }, what: string) => `/staff/cities/${CITY}/plans/${h.plan}/nodes/${h.node}/${what}`;
    const writes: StaffWrite[] = [
      ['actual entered in a year no KPI had (shown as unpublished on every KPI)', ['new-farmers', 'women-on-councils'], async () => (await staff.submit(`${kpiBase('new-farmers')}/actuals/new`, `${kpiBase('new-farmers')}/actuals`, { at: '2016年', value: '3 人', explanation: '攻撃テスト' })).status],
      [`KPI attached to a second node (${elsewhere.plan}/${elsewhere.node})`, ['new-farmers'], () => planForm(elsewhere.plan, nodeAction(elsewhere, 'kpis'), { kpi: 'new-farmers', no: '99' })],
      ['node holding women-on-councils archived', ['women-on-councils'], () => planForm(womenNode.plan, nodeAction(womenNode, 'archive'), { reason: '攻撃テスト' })],
      ['node restored', ['women-on-councils'], async () => {
        const page = await staff.get(`/staff/cities/${CITY}/plans/${womenNode.plan}`);
        const action = nodeAction(womenNode, 'restore');
        if (page.text.includes(`action="${action}"`)) return (await staff.post(action, { ...hiddenFields(page.text, action), reason: '攻撃テスト' })).status;
        return planForm('', action, {});
      }],
      ['year 2024 published', ['new-farmers', 'women-on-councils'], async () => (await staff.get(`/staff/cities/${CITY}/publication`), await staff.post(`/staff/cities/${CITY}/publication`, { year: '2024', published: 'true', reason: '確認済み' })).status],
      ...yearlyCycleWrites(staff, CITY),
      ['year 2024 held', ['new-farmers', 'women-on-councils'], async () => (await staff.get(`/staff/cities/${CITY}/publication`), await staff.post(`/staff/cities/${CITY}/publication`, { year: '2024', published: 'false', reason: '保留' })).status],
      ['year 2024 published again', ['new-farmers', 'women-on-councils'], async () => (await staff.get(`/staff/cities/${CITY}/publication`), await staff.post(`/staff/cities/${CITY}/publication`, { year: '2024', published: 'true', reason: '確認済み' })).status],
      ['KPI archived', ['sixth-industry-products'], () => archiveForm('sixth-industry-products', 'archive')],
      ['KPI restored', ['sixth-industry-products'], () => archiveForm('sixth-industry-products', 'restore')],
    ];
    const other = ['/cities/tsukuba/kpis/' + (await ctx.store.get('tsukuba'))!.kpis[0]!.id];
    const otherBefore = await Promise.all(other.map((p) => body(app, p)));
    const stale: string[] = [];
    const unseen: string[] = [];
    // The folded comparison and the pages of the goals each written KPI is on (ja, and en for one).
    const goalsOf = (kpi: string) => [...new Set(city.kpis.find((k) => k.id === kpi)!.sdgTargets.flatMap((t) => goalOfTarget(t)?.number ?? []))];
    const folded = (kpis: readonly string[]) => [FOLDED, ...[...new Set(kpis.flatMap(goalsOf))].flatMap((g, i) => [`${FOLDED}&goal=${g}`, ...(i === 0 ? [`${FOLDED}&goal=${g}&lang=en`] : [])])];
    expect((await body(app, FOLDED)).includes('&amp;goal='), 'the comparison folds').toBe(true);
    for (const [what, kpis, write] of writes) {
      const paths = [...kpis.flatMap(kpiPaths), ...COMPARE, ...folded(kpis)];
      // Asked before the write: the page cache and the one-KPI cache hold the answers.
      ctx.store.forget(CITY);
      const before = new Map<string, string>();
      for (const p of paths) before.set(p, await body(app, p));
      expect(await write(), what).toBe(303);
      expect(ctx.store.holds(CITY), what).toBe(false);
      const right = new Map<string, string>();
      for (const p of paths) right.set(p, await body(app, p));
      // Each write shows somewhere (else this would test nothing).
      // (An actual or commentary entered waits for review: it must not show until approved.)
      if (paths.every((p) => right.get(p) === before.get(p)) !== PENDING_REVIEW.has(what)) unseen.push(what);
      // Settled: the summaries rebuilt, the whole city loaded, a fresh page cache.
      await ctx.store.settled();
      await ctx.store.get(CITY);
      const reference = createApp({ db: ctx.db, store: ctx.store, clock: CLOCK });
      for (const p of paths) if (right.get(p) !== (await body(reference, p))) stale.push(`${what}: ${p}`);
    }
    expect(stale).toEqual([]);
    expect(unseen).toEqual([]);
    expect(await Promise.all(other.map((p) => body(app, p)))).toEqual(otherBefore);
  }, 600_000);
});
