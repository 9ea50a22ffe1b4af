import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/time/clock.ts';
import { submissionsOf } from '../../src/partners/partner.repository.ts';
import { partnerDb } from '../../src/partners/partner.table.ts';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { createApp } from '../../src/web/app.tsx';
import { application, applyThroughForm, Client, makeStaff } from '../partners/partner-client.ts';

/*
 * Time in Japan through HTTP (issue 10 point 8): the app runs on an injected clock; "today" and
 * the fiscal year are Asia/Tokyo. 2025-03-31T23:30Z is 1 April 2025, 08:30 JST: a partner
 * approved then registers on 2025-04-01, in fiscal year 2025 (the UTC date would say 31 March,
 * FY2024). Times shown to people carry their zone.
 */

let ctx: AppContext;

beforeAll(async () => {
  ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: true, inMemory: true }, { announce: () => {} });
  await makeStaff(ctx, 'clock-sec', 'ichinoseki', 'secretariat');
});
afterAll(() => ctx.close());

/** Applies and approves a partner on an app whose clock stands at `instant`; returns its id and the secretariat client. */
async function approvedAt(instant: string, name: string) {
  const app = createApp({ db: ctx.db, store: ctx.store, clock: fixedClock(instant) });
  const { partnerId } = await applyThroughForm(app, 'ichinoseki', application({ email: `${partnerIdSafe(name)}@example.com`, name, nameKana: 'トケイテスト' }));
  const sec = new Client(app);
  await sec.login('clock-sec');
  const s = (await submissionsOf(ctx.db, partnerId)).find((x) => x.status === 'pending')!;
  expect((await sec.post(`/staff/partners/ichinoseki/submissions/${s.id}`, { decision: 'approve', reason: '' })).status).toBe(303);
  const row = await partnerDb(ctx.db).selectFrom('partners').select(['registered_on', 'registration_no']).where('id', '=', partnerId).executeTakeFirstOrThrow();
  return { app, sec, partnerId, row };
}

const partnerIdSafe = (name: string) => Buffer.from(name).toString('hex').slice(0, 16);

describe('the clock in Asia/Tokyo through HTTP', () => {
  it('a partner approved at 2025-03-31T23:30Z (08:30 JST on 1 April) registers on 2025-04-01, in FY2025', async () => {
    const { app, sec, partnerId, row } = await approvedAt('2025-03-31T23:30:00Z', '年度境界工房');
    expect(row.registered_on).toBe('2025-04-01');
    expect(row.registration_no).toMatch(/-2025-\d{4}$/);
    const staffPage = await sec.get(`/staff/partners/ichinoseki/${partnerId}`);
    expect(staffPage.text).toContain('2025-04-01（2025年度）');
    const publicPage = await new Client(app).get(`/cities/ichinoseki/partners/${partnerId}`);
    expect(publicPage.status).toBe(200);
    expect(publicPage.text).toContain('2025-04-01（2025年度）');
    expect((await new Client(app).get(`/cities/ichinoseki/partners/${partnerId}?lang=en`)).text).toContain('2025-04-01 (FY2025)');
  });

  it('one hour earlier in Tokyo (23:30 JST on 31 March) is still FY2024', async () => {
    const { sec, partnerId, row } = await approvedAt('2025-03-31T14:30:00Z', '年度末工房');
    expect(row.registered_on).toBe('2025-03-31');
    expect((await sec.get(`/staff/partners/ichinoseki/${partnerId}`)).text).toContain('2025-03-31（2024年度）');
  });

  it('the dispatch page counts lectures of the Tokyo year: at 2025-12-31T15:30Z it is already 2026', async () => {
    const app = createApp({ db: ctx.db, store: ctx.store, clock: fixedClock('2025-12-31T15:30:00Z') });
    const page = await new Client(app).get('/cities/ichinoseki/partners/dispatch');
    expect(page.text).toMatch(/\(2026\): \d+/);
  });

  it('times shown to staff carry their zone (JST), on partner and staff pages alike', async () => {
    const { sec, partnerId } = await approvedAt('2025-06-01T03:00:00Z', '時刻表示工房');
    const detail = await sec.get(`/staff/partners/ichinoseki/${partnerId}`);
    // The submission and the log lines: "2026-11-30 12:34 JST".
    expect(detail.text).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} JST/);
    expect(detail.text).not.toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}(?! JST)[<\s・]/);
    const unlabelled = /\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2})?(?! JST)[<\s・]/;
    expect((await sec.get('/staff/partners/ichinoseki')).text).not.toMatch(unlabelled);
    const audit = await sec.get('/staff/audit');
    expect(audit.status).toBe(200);
    expect(audit.text).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} JST/);
    expect(audit.text).not.toMatch(unlabelled);
  });
});
