import { expect } from 'vitest';
import { listAllNodes, lockPlanBySlug } from '../../src/plans/plan-building.repository.ts';
import { setNodeArchived } from '../../src/plans/plan.commands.ts';
import { runPartnerHourly } from '../../src/partners/partner-platform.ts';
import { createApp } from '../../src/web/app.tsx';
import type { GeneratedCity } from '../../bench/national/generate.ts';
import { importLargeCity } from '../fixtures/large-city.ts';
import type { StaffTestApp } from '../support/staff-app.ts';
import { setUpPublicNotes } from './public-notes-fixture.ts';
import { makeUser, StaffClient } from './staff-helpers.ts';

/*
 * The states that change what the public sees, set up through the staff area's forms and
 * commands on a seeded context, for the tests comparing a page's summary path with its
 * full-city path (city-pages-summaries.test.ts, plan-page-summaries.test.ts): the notes and
 * years of public-notes-fixture.ts (overrides, commentaries, expert evaluations, a published and
 * an unpublished year), actuals submitted, returned, approved and then corrected, and the
 * generated city `big` imported with a leaf policy archived (the KPIs only it holds leave the
 * public pages), and today's recount of the platform-bound KPIs done. Once per context (user names are unique).
 */
/** Sets the states up on `t` (see the module comment). */
export async function setUpPublicStates(t: StaffTestApp, big: GeneratedCity): Promise<void> {
  await makeUser(t.ctx, 'cp-agri', 'ichinoseki', 'department-editor', 'agriculture');
  await makeUser(t.ctx, 'cp-sec', 'ichinoseki', 'secretariat');
  await importLargeCity(t.ctx.db, t.ctx.store, big);
  await setUpPublicNotes(t.ctx);
  const app = createApp({ db: t.ctx.db, store: t.ctx.store, staff: t.ctx.staff });
  const client = async (user: string, first: string) => {
    const c = new StaffClient(app);
    expect((await c.login(user)).status).toBe(303);
    await c.get(first);
    return c;
  };
  const base = '/staff/cities/ichinoseki/kpis';
  const agri = await client('cp-agri', `${base}/new-farmers/actuals/new`);
  const sec = await client('cp-sec', `${base}/new-farmers/actuals/new`);
  const submit = async (c: StaffClient, kpi: string, fields: Record<string, string>) => {
    const r = await c.submit(`${base}/${kpi}/actuals/new`, `${base}/${kpi}/actuals`, fields);
    expect(r.status, r.text.slice(0, 400)).toBe(303);
  };
  const review = async (key: string, action: 'approve' | 'return', reason = '') => expect((await sec.post('/staff/cities/ichinoseki/review', { entity: 'actual', key, action, ...(reason && { reason }) })).status, `${action} ${key}`).toBe(303);
  // Submitted, then returned: never public.
  await submit(agri, 'new-farmers', { at: '2024年', value: '120 人', note: '速報値', source: '', explanation: '天候不順で就農時期が遅れた' });
  await review('new-farmers@2024', 'return', '確定値で入力してください');
  // Approved, then a correction submitted: the approved value stays public.
  await submit(agri, 'new-farmers', { at: '2022年', value: '95 人', note: '確定値', source: '農政課', explanation: '就農時期の遅れ' });
  await review('new-farmers@2022', 'approve');
  await submit(agri, 'new-farmers', { at: '2022年', value: '96 人', note: '再集計', source: '農政課', reason: '再集計', explanation: '就農時期の遅れ' });
  // Submitted and waiting.
  await submit(sec, 'fuel-wood-production', { at: '2026年3月', value: '9,999', note: '暫定値', source: '', explanation: '暫定' });
  // An archived policy of the generated city: the KPIs only it holds leave the public pages.
  const plan = (await lockPlanBySlug(t.ctx.db, big.id, big.planId))!;
  const nodes = await listAllNodes(t.ctx.db, plan.id);
  const leaf = nodes.find((n) => n.parent_id !== null && !nodes.some((m) => m.parent_id === n.id))!;
  const archived = await setNodeArchived(t.ctx.db, t.ctx.store, { cityId: big.id, actor: 'test', planId: big.planId, nodeId: leaf.slug, version: leaf.version, archived: true });
  expect(archived.ok).toBe(true);
  // Today's recount of the platform-bound KPIs, which the staff job would start some seconds
  // after start-up (invalidating those cities while a test compares their pages); its own run
  // then finds the day counted.
  await runPartnerHourly(t.ctx.db, t.ctx.store, t.ctx.clock.todayInTokyo());
  await t.ctx.store.settled();
}

/** A response as the comparisons compare it: status, headers (without `date`, sorted) and body (base64). */
export async function answer(app: ReturnType<typeof createApp>, path: string): Promise<{ status: number; headers: [string, string][]; body: string }> {
  const r = await app.request(path);
  const headers = [...r.headers].filter(([k]) => k !== 'date').sort(([a], [b]) => (a < b ? -1 : 1));
  return { status: r.status, headers, body: Buffer.from(await r.arrayBuffer()).toString('base64') };
}


/**
 * Asks both apps for each path and expects the same answer (status, headers, bytes; the body
 * shown as text when it differs). Returns how many paths were compared.
 */
export async function expectSameAnswers(data: ReturnType<typeof createApp>, summaries: ReturnType<typeof createApp>, paths: readonly string[]): Promise<number> {
  for (const path of paths) {
    const [a, b] = [await answer(data, path), await answer(summaries, path)];
    expect(b.status, path).toBe(a.status);
    expect(b.headers, path).toEqual(a.headers);
    if (b.body !== a.body) expect(Buffer.from(b.body, 'base64').toString('utf8'), path).toBe(Buffer.from(a.body, 'base64').toString('utf8'));
  }
  return paths.length;
}
