import { systemClock } from '../../src/core/time/clock.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awardEntries, eventsOf, registrationsOf, saveKpiBinding } from '../../src/partners/activity.repository.ts';
import { submissionsOf } from '../../src/partners/partner.repository.ts';
import { programmeOfCity } from '../../src/partners/partner.service.ts';
import { partnerDb } from '../../src/partners/partner.table.ts';
import { addDays, type KpiBinding } from '../../src/partners/programme.ts';
import { openAppContext, type AppContext } from '../../src/app-context.ts';
import { createApp } from '../../src/web/app.tsx';
import { application, applyThroughForm, Client, makeStaff, publishCurrentYear } from './partner-client.ts';

/*
 * Activities through HTTP and the KPIs they feed: a course certifying its attendees as members
 * (Tsukuba's model), an award call from entries to the public results, a lecturer dispatch from
 * request to held, and a KPI bound to each kind of platform count, read from the public API
 * right after each write (source: system-computed).
 */

let ctx: AppContext;
let app: ReturnType<typeof createApp>;
const today = systemClock.todayInTokyo();
/** Ichinoseki KPIs bound, for this test, to each kind of platform count. */
const BOUND = {
  partnersOfGoal: 'new-products-technologies',
  meetingsHeld: 'fuel-wood-production',
  dispatchesHeld: 'sixth-industry-products',
  awardApplications: 'new-farmers',
} as const;
let tsukubaIndividuals = '';
let tsukubaCourses = '';

beforeAll(async () => {
  ctx = await openAppContext({ dataDir: '', databaseUrl: undefined, seed: true, inMemory: true }, { announce: () => {} });
  app = createApp({ db: ctx.db, store: ctx.store });
  await makeStaff(ctx, 'ichi-sec', 'ichinoseki', 'secretariat');
  await makeStaff(ctx, 'tsu-sec', 'tsukuba', 'secretariat');
  await makeStaff(ctx, 'tsu-expert', 'tsukuba', 'expert');
  // The live counts of this year are public once the secretariat publishes the year (issue 10.1).
  await publishCurrentYear(app, 'ichi-sec', 'ichinoseki');
  await publishCurrentYear(app, 'tsu-sec', 'tsukuba');
  const ichinoseki = (await programmeOfCity(ctx.db, 'ichinoseki'))!;
  const bindings: KpiBinding[] = [
    { kpiId: BOUND.partnersOfGoal, metric: 'registered-partners', memberTypes: ['company'], goal: 11 },
    { kpiId: BOUND.meetingsHeld, metric: 'events-held', eventKind: 'meeting' },
    { kpiId: BOUND.dispatchesHeld, metric: 'dispatches-held' },
    { kpiId: BOUND.awardApplications, metric: 'award-applications' },
  ];
  for (const b of bindings) await saveKpiBinding(ctx.db, ichinoseki.id, 'ichinoseki', b);
  const tsukuba = (await programmeOfCity(ctx.db, 'tsukuba'))!;
  const kpis = (await ctx.store.get('tsukuba'))!.kpis;
  tsukubaIndividuals = kpis[0]!.id;
  tsukubaCourses = kpis[1]!.id;
  await saveKpiBinding(ctx.db, tsukuba.id, 'tsukuba', { kpiId: tsukubaIndividuals, metric: 'registered-partners', memberTypes: ['individual'] });
  await saveKpiBinding(ctx.db, tsukuba.id, 'tsukuba', { kpiId: tsukubaCourses, metric: 'events-held', eventKind: 'course' });
  ctx.store.invalidate();
});
afterAll(() => ctx.close());

/** The latest actual of a KPI as the public API shows it, with its source. */
async function liveCount(city: string, kpi: string): Promise<{ value: number; source: string | null }> {
  const res = await app.request(`/api/v1/cities/${city}/kpis/${kpi}`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { observations: { at: string; value: number; source: string | null }[] };
  const latest = body.observations.at(-1)!;
  expect(latest.at).toBe(today);
  return { value: latest.value, source: latest.source };
}

async function staff(username: string): Promise<Client> {
  const c = new Client(app);
  expect((await c.login(username)).status).toBe(303);
  return c;
}

async function approvedPartner(city: 'ichinoseki' | 'tsukuba', sec: string, form: ReturnType<typeof application>): Promise<{ partnerId: number; loginId: string }> {
  const r = await applyThroughForm(createApp({ db: ctx.db, store: ctx.store }), city, form);
  const s = (await submissionsOf(ctx.db, r.partnerId)).find((x) => x.status === 'pending')!;
  expect((await (await staff(sec)).post(`/staff/partners/${city}/submissions/${s.id}`, { decision: 'approve', reason: '' })).status).toBe(303);
  return r;
}

describe('KPI bindings, one of each count kind, fed live', () => {
  it('registered partners of a type and goal: an approval counts at once', async () => {
    const before = await liveCount('ichinoseki', BOUND.partnersOfGoal);
    expect(before.source).toBe('system-computed');
    // A school working on goal 11 is not counted by a binding of companies.
    await approvedPartner('ichinoseki', 'ichi-sec', application({ email: 'school11@example.com', memberType: 'school', name: '数えない学校', nameKana: 'カゾエナイガッコウ' }));
    expect(await liveCount('ichinoseki', BOUND.partnersOfGoal)).toEqual(before);
    await approvedPartner('ichinoseki', 'ichi-sec', application({ email: 'company11@example.com', name: '数える会社', nameKana: 'カゾエルカイシャ' }));
    expect(await liveCount('ichinoseki', BOUND.partnersOfGoal)).toEqual({ value: before.value + 1, source: 'system-computed' });
  });

  it('events held: recording a meeting held counts at once', async () => {
    const programme = (await programmeOfCity(ctx.db, 'ichinoseki'))!;
    const meeting = (await eventsOf(ctx.db, programme.id)).find((e) => e.status === 'announced' && e.kind === 'meeting')!;
    // The seed meetings are samples, which never count (issue 10.5): this one is made a real one.
    await partnerDb(ctx.db).updateTable('partner_events').set({ is_sample: false }).where('id', '=', meeting.id).execute();
    ctx.store.invalidate('ichinoseki');
    const before = await liveCount('ichinoseki', BOUND.meetingsHeld);
    const regs = await registrationsOf(ctx.db, meeting.id);
    const r = await (await staff('ichi-sec')).post(`/staff/partners/ichinoseki/events/${meeting.id}/held`, { heldOn: today, attended: regs.map((x) => String(x.id)) });
    expect(r.status).toBe(303);
    expect(await liveCount('ichinoseki', BOUND.meetingsHeld)).toEqual({ value: before.value + 1, source: 'system-computed' });
  });

  it('lecturer dispatch: requested → scheduled → held, and the held one counts at once', async () => {
    const before = await liveCount('ichinoseki', BOUND.dispatchesHeld);
    const visitor = new Client(app);
    const form = await visitor.get('/cities/ichinoseki/partners/dispatch');
    const heldShown = Number(/\((\d{4})\): (\d+)/.exec(form.text)![2]);
    const requested = await visitor.post('/cities/ichinoseki/partners/dispatch', { requesterName: '一関第一小学校', requesterType: 'school', contactName: '教頭 先生', contactEmail: 'school-dispatch@example.com', topic: 'SDGsカードゲーム', preferredOn: addDays(today, 20), audienceSize: '60' });
    expect(requested.status).toBe(200);
    expect(requested.text).toContain('講師派遣の申込みを受け付けました。');
    const dispatch = await partnerDb(ctx.db).selectFrom('partner_dispatches').selectAll().where('contact_email', '=', 'school-dispatch@example.com').executeTakeFirstOrThrow();
    expect(dispatch.status).toBe('requested');
    const sec = await staff('ichi-sec');
    // The secretariat page lists the request with its contact.
    expect((await sec.get('/staff/partners/ichinoseki')).text).toContain('school-dispatch@example.com');
    expect((await sec.post(`/staff/partners/ichinoseki/dispatches/${dispatch.id}/schedule`, { scheduledOn: addDays(today, 20), lecturer: 'SDGs推進担当職員' })).status).toBe(303);
    expect(await liveCount('ichinoseki', BOUND.dispatchesHeld)).toEqual(before);
    expect((await sec.post(`/staff/partners/ichinoseki/dispatches/${dispatch.id}/held`, { heldOn: today, participants: '58' })).status).toBe(303);
    expect(await partnerDb(ctx.db).selectFrom('partner_dispatches').select(['status', 'scheduled_on', 'lecturer', 'held_on', 'participants']).where('id', '=', dispatch.id).executeTakeFirstOrThrow()).toEqual({
      status: 'held',
      scheduled_on: addDays(today, 20),
      lecturer: 'SDGs推進担当職員',
      held_on: today,
      participants: 58,
    });
    expect(await liveCount('ichinoseki', BOUND.dispatchesHeld)).toEqual({ value: before.value + 1, source: 'system-computed' });
    const mail = await partnerDb(ctx.db).selectFrom('outbox').select('dedupe_key').where('recipient', '=', 'school-dispatch@example.com').orderBy('id').execute();
    expect(mail.map((m) => m.dedupe_key.split(':')[2])).toEqual(['dispatch-received', 'dispatch-scheduled']);
    expect((await new Client(app).get('/cities/ichinoseki/partners/dispatch')).text).toContain(`(${today.slice(0, 4)}): ${heldShown + 1}`);
  });

  it('award applications: an entry counts at once', async () => {
    const before = await liveCount('ichinoseki', BOUND.awardApplications);
    const { loginId } = await approvedPartner('ichinoseki', 'ichi-sec', application({ email: 'entrant@example.com', name: '応募する工房', nameKana: 'オウボスルコウボウ' }));
    expect((await (await staff('ichi-sec')).post('/staff/partners/ichinoseki/awards', { title: '一関SDGsアワード（テスト）', description: '取組を表彰します。', year: today.slice(0, 4), closesOn: addDays(today, 10) })).status).toBe(303);
    const award = await partnerDb(ctx.db).selectFrom('partner_awards').select('id').where('title', '=', '一関SDGsアワード（テスト）').executeTakeFirstOrThrow();
    const me = new Client(app);
    await me.login(loginId);
    expect((await me.post(`/staff/partner/awards/${award.id}`, { title: '空き店舗の再生', summary: '3軒を交流の場にしました。' })).location).toContain('notice=partners.award.entered');
    expect(await liveCount('ichinoseki', BOUND.awardApplications)).toEqual({ value: before.value + 1, source: 'system-computed' });
  });
});

describe('a course certifies its attendees as members (Tsukuba)', () => {
  it('a member of the public registers, attends, and is registered as an individual member, counted at once', async () => {
    const individuals = await liveCount('tsukuba', tsukubaIndividuals);
    const courses = await liveCount('tsukuba', tsukubaCourses);
    const sec = await staff('tsu-sec');
    expect((await sec.post('/staff/partners/tsukuba/events', { kind: 'course', title: 'パートナー講座：水と暮らし（テスト）', description: '受講すると個人会員に登録されます。', startsAt: `${addDays(today, 7)}T10:00`, place: 'つくば市役所', capacity: '30', goals: '6, 13', certifies: 'on' })).status).toBe(303);
    const programme = (await programmeOfCity(ctx.db, 'tsukuba'))!;
    const course = (await eventsOf(ctx.db, programme.id)).find((e) => e.title === 'パートナー講座：水と暮らし（テスト）')!;
    expect(course.certifies_membership).toBe(true);

    for (const person of [
      { name: '受講 太郎', email: 'attendee@example.com' },
      { name: '欠席 次郎', email: 'absent@example.com' },
    ]) {
      const visitor = new Client(app);
      await visitor.get(`/cities/tsukuba/partners/events/${course.id}`);
      const r = await visitor.post(`/cities/tsukuba/partners/events/${course.id}/register`, person);
      expect(r.status).toBe(200);
      expect(r.text).toContain('申込みを受け付けました。');
    }
    const regs = await registrationsOf(ctx.db, course.id);
    const attendee = regs.find((r) => r.email === 'attendee@example.com')!;
    expect((await sec.post(`/staff/partners/tsukuba/events/${course.id}/held`, { heldOn: today, attended: [String(attendee.id)] })).status).toBe(303);

    const members = await partnerDb(ctx.db).selectFrom('partners').select(['id', 'name', 'member_type', 'status', 'registration_no', 'registered_on', 'publication_consent']).where('name', 'in', ['受講 太郎', '欠席 次郎']).execute();
    expect(members).toEqual([{ id: expect.any(Number), name: '受講 太郎', member_type: 'individual', status: 'approved', registration_no: expect.stringMatching(new RegExp(`^TSUKUBA-SDGS-${today.slice(0, 4)}-\\d{4}$`)), registered_on: today, publication_consent: false }]);
    const mail = await partnerDb(ctx.db).selectFrom('outbox').select(['dedupe_key', 'body']).where('recipient', '=', 'attendee@example.com').orderBy('id').execute();
    expect(mail.map((m) => m.dedupe_key.split(':')[2])).toEqual(['event-registered', 'course-certified']);
    expect(mail[1]!.body).toContain(members[0]!.registration_no!);
    // Not published until the member consents; counted all the same.
    expect((await app.request(`/cities/tsukuba/partners/${members[0]!.id}`)).status).toBe(404);
    expect(await liveCount('tsukuba', tsukubaIndividuals)).toEqual({ value: individuals.value + 1, source: 'system-computed' });
    expect(await liveCount('tsukuba', tsukubaCourses)).toEqual({ value: courses.value + 1, source: 'system-computed' });

    // The member has no log-in: on request, the secretariat withdraws it and erases its personal data.
    const id = members[0]!.id;
    const page = await sec.get(`/staff/partners/tsukuba/${id}`);
    expect(page.text).toContain('attendee@example.com');
    const unconfirmed = await sec.post(`/staff/partners/tsukuba/${id}/withdraw`, {});
    expect(unconfirmed.location).toContain('notice=partners.error.consent-required');
    const confirmed = await sec.post(`/staff/partners/tsukuba/${id}/withdraw`, { confirm: 'on' });
    expect(confirmed.location).toContain('notice=partners.admin.withdrawn');
    const pdb = partnerDb(ctx.db);
    expect(await pdb.selectFrom('partners').select(['name', 'status']).where('id', '=', id).executeTakeFirstOrThrow()).toEqual({ name: '—', status: 'withdrawn' });
    expect(await pdb.selectFrom('partner_contacts').selectAll().where('partner_id', '=', id).execute()).toEqual([]);
    // The course registration that made it a member, and the mail sent before it was one, are erased too.
    expect(await pdb.selectFrom('partner_event_registrations').select(['partner_id', 'name', 'email', 'attended']).where('id', '=', attendee.id).executeTakeFirstOrThrow()).toEqual({ partner_id: id, name: null, email: null, attended: true });
    expect(await pdb.selectFrom('outbox').select('id').where((eb) => eb.or([eb('recipient', '=', 'attendee@example.com'), eb('body', 'like', '%受講 太郎%')])).execute()).toEqual([]);
    expect((await sec.get(`/staff/partners/tsukuba/${id}`)).text).not.toContain('attendee@example.com');
    expect(await liveCount('tsukuba', tsukubaIndividuals)).toEqual({ value: individuals.value, source: 'system-computed' });
  });

  it('a course of a programme that does not certify makes no members', async () => {
    const sec = await staff('ichi-sec');
    expect((await sec.post('/staff/partners/ichinoseki/events', { kind: 'course', title: '一関SDGs講座（テスト）', description: '', startsAt: `${addDays(today, 3)}T10:00`, place: '一関市役所', capacity: '', goals: '4', certifies: 'on' })).status).toBe(303);
    const programme = (await programmeOfCity(ctx.db, 'ichinoseki'))!;
    const course = (await eventsOf(ctx.db, programme.id)).find((e) => e.title === '一関SDGs講座（テスト）')!;
    expect(course.certifies_membership).toBe(false);
    const visitor = new Client(app);
    await visitor.get(`/cities/ichinoseki/partners/events/${course.id}`);
    await visitor.post(`/cities/ichinoseki/partners/events/${course.id}/register`, { name: '一関 受講者', email: 'ichi-course@example.com' });
    const reg = (await registrationsOf(ctx.db, course.id))[0]!;
    expect((await sec.post(`/staff/partners/ichinoseki/events/${course.id}/held`, { heldOn: today, attended: [String(reg.id)] })).status).toBe(303);
    expect(await partnerDb(ctx.db).selectFrom('partners').select('id').where('name', '=', '一関 受講者').execute()).toEqual([]);
  });
});

describe('an award call: entries, review scores, winners and the public results (Tsukuba)', () => {
  let awardId = 0;
  let entryId = 0;
  let partnerId = 0;

  it('a partner enters an open call once', async () => {
    const r = await approvedPartner('tsukuba', 'tsu-sec', application({ email: 'tsukuba-entrant@example.com', name: 'つくば水辺の会', nameKana: 'ツクバミズベノカイ', memberType: 'group', area: '桜地区' }));
    partnerId = r.partnerId;
    expect((await (await staff('tsu-sec')).post('/staff/partners/tsukuba/awards', { title: 'つくばSDGsアワード（テスト）', description: '取組を表彰します。', year: today.slice(0, 4), closesOn: addDays(today, 10) })).status).toBe(303);
    awardId = (await partnerDb(ctx.db).selectFrom('partner_awards').select('id').where('title', '=', 'つくばSDGsアワード（テスト）').executeTakeFirstOrThrow()).id;
    const me = new Client(app);
    await me.login(r.loginId);
    expect((await me.post(`/staff/partner/awards/${awardId}`, { title: '水辺の清掃と観察会', summary: '年12回、延べ300人が参加しました。' })).location).toContain('notice=partners.award.entered');
    expect((await me.post(`/staff/partner/awards/${awardId}`, { title: '二度目', summary: '二度目' })).location).toContain('notice=partners.error.forbidden');
    const entries = await awardEntries(ctx.db, awardId);
    expect(entries.map((e) => e.title)).toEqual(['水辺の清掃と観察会']);
    entryId = entries[0]!.id;
    // Before the decision the public page shows the call and its number of entries, no winner.
    const pub = await (await app.request('/cities/tsukuba/partners/awards')).text();
    expect(pub).toContain('つくばSDGsアワード（テスト）');
    expect(pub).not.toContain('水辺の清掃と観察会');
  });

  it('the secretariat and the city’s experts score it; others cannot', async () => {
    expect((await (await staff('tsu-sec')).post(`/staff/partners/tsukuba/awards/${awardId}/entries/${entryId}/score`, { score: '4' })).location).toContain('notice=partners.admin.saved');
    const expert = await staff('tsu-expert');
    expect((await expert.post(`/staff/partners/tsukuba/awards/${awardId}/entries/${entryId}/score`, { score: '9' })).location).toContain('notice=partners.error.invalid-choice');
    expect((await expert.post(`/staff/partners/tsukuba/awards/${awardId}/entries/${entryId}/score`, { score: '5' })).status).toBe(303);
    // Another city's secretariat, through its own city's path or Tsukuba's.
    const other = await staff('ichi-sec');
    expect((await other.post(`/staff/partners/tsukuba/awards/${awardId}/entries/${entryId}/score`, { score: '1' })).status).toBe(403);
    expect((await other.post(`/staff/partners/ichinoseki/awards/${awardId}/entries/${entryId}/score`, { score: '1' })).status).toBe(404);
    expect((await other.post(`/staff/partners/ichinoseki/awards/${awardId}/decide`, { [`prize_${entryId}`]: '偽の賞' })).status).toBe(404);
    const [entry] = await awardEntries(ctx.db, awardId);
    expect(entry!.scores.map((s) => s.score).sort()).toEqual([4, 5]);
    expect(entry!.meanScore).toBe(4.5);
    expect(entry!.winner).toBe(false);
  });

  it('the winners are decided once and published on the results page and the partner’s page', async () => {
    const sec = await staff('tsu-sec');
    expect((await sec.post(`/staff/partners/tsukuba/awards/${awardId}/decide`, { [`prize_${entryId}`]: '大賞' })).location).toContain('notice=partners.admin.saved');
    expect((await sec.post(`/staff/partners/tsukuba/awards/${awardId}/decide`, { [`prize_${entryId}`]: '特別賞' })).location).toContain('notice=partners.error.forbidden');
    const results = await (await app.request('/cities/tsukuba/partners/awards')).text();
    const section = results.slice(results.indexOf('つくばSDGsアワード（テスト）'));
    expect(section).toContain('受賞: 1 / 応募数: 1');
    expect(section).toContain(`<strong>大賞</strong> 水辺の清掃と観察会 — <a href="/cities/tsukuba/partners/${partnerId}">つくば水辺の会</a>`);
    expect(section).not.toContain('特別賞');
    expect(await (await app.request(`/cities/tsukuba/partners/${partnerId}`)).text()).toContain('大賞');
  });

  it('a winner that withdraws keeps its place in the results, without a link to its page', async () => {
    const sec = await staff('tsu-sec');
    expect((await sec.post(`/staff/partners/tsukuba/${partnerId}/withdraw`, { confirm: 'on' })).status).toBe(303);
    const results = await (await app.request('/cities/tsukuba/partners/awards')).text();
    expect(results).toContain('<strong>大賞</strong> 水辺の清掃と観察会 — つくば水辺の会');
    expect(results).not.toContain(`/cities/tsukuba/partners/${partnerId}"`);
  });
});
