import { knownNotice, PARTNER_NOTICES, type PartnerNotice } from '../notices.ts';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { actorName } from '../../auth/user.ts';
import type { MessageKey } from '../../i18n/messages.ts';
import { canRunPartnerProgramme, canScoreAwards, canSeePartnerContacts } from '../../policies/partner.policy.ts';
import { announceEvent, closeAwardEntries, decideAward, openAward, recordAttendance, recordDispatchHeld, scheduleDispatch, scoreEntry } from '../../partners/activity.service.ts';
import { field, fieldAll, LIMITS } from '../../partners/application.ts';
import { boundedField } from '../middleware/input-guard.ts';
import { entriesOfAward, secretariatOverview, secretariatPartnerData, submissionById } from '../../partners/partner-pages.service.ts';
import { loadPartner, programmeOfCity, review, sendRenewalReminders, withdraw } from '../../partners/partner.service.ts';
import type { Programme } from '../../partners/programme.ts';
import { currentUser } from '../middleware/require-role.ts';
import type { StaffEnv } from '../middleware/staff-env.ts';
import { viewContextOf } from '../request-context.ts';
import { SecretariatPartnerView, SecretariatView } from '../views/partners/partner-secretariat.view.tsx';
import { clockOf, type WebDeps } from '../web-deps.ts';
import { postedFields } from './partner-public.routes.tsx';
import { forbidden, staffNotFound, staffPage } from './staff-page.tsx';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/**
 * The secretariat of a city's programme, under /staff/partners/:city: the review queue and the
 * decision on each submission, every partner with its private contact and history, renewal
 * reminders, the outbox, events with attendance, award scoring and winners, lecturer dispatch.
 */
export function partnerSecretariatRoutes(deps: WebDeps): Hono<StaffEnv> {
  const clock = clockOf(deps);
  const app = new Hono<StaffEnv>();

  const programmeFor = async (c: Context<StaffEnv>, allowed = canRunPartnerProgramme): Promise<Programme | Response> => {
    const cityId = c.req.param('city') ?? '';
    if (!allowed(currentUser(c), cityId)) return forbidden(c);
    const p = await programmeOfCity(deps.db, cityId);
    return p ?? staffNotFound(c);
  };
  const back = (c: Context<StaffEnv>, path: string, notice: PartnerNotice) => c.redirect(`${path}?notice=${encodeURIComponent(notice)}`, 303);
  const noticeOf = (c: Context<StaffEnv>) => {
    const k = knownNotice(PARTNER_NOTICES, c.req.query('notice'));
    return k ? viewContextOf(c).t(k) : undefined;
  };

  app.get('/:city', async (c) => {
    const p = await programmeFor(c);
    if (p instanceof Response) return p;
    const overview = await secretariatOverview(deps.db, p);
    return c.html(
      <SecretariatView
        page={staffPage(c)}
        programme={p}
        queue={overview.queue}
        partners={overview.partners}
        mail={overview.mail}
        events={overview.events}
        awards={overview.awards}
        dispatches={overview.dispatches}
        notice={noticeOf(c)}
      />,
    );
  });

  const partnerPage = async (c: Context<StaffEnv>, p: Programme, id: number, error?: string) => {
    const partner = await loadPartner(deps.db, id);
    if (!partner || partner.programmeId !== p.id) return staffNotFound(c);
    const data = await secretariatPartnerData(deps.db, id, canSeePartnerContacts(currentUser(c), p.cityId));
    return c.html(
      <SecretariatPartnerView
        page={staffPage(c)}
        programme={p}
        partner={partner}
        contact={data.contact}
        submissions={data.submissions}
        history={data.history}
        error={error}
        notice={noticeOf(c)}
      />,
      error ? 422 : 200,
    );
  };

  app.get('/:city/:id{[0-9]+}', async (c) => {
    const p = await programmeFor(c);
    if (p instanceof Response) return p;
    return partnerPage(c, p, Number(c.req.param('id')));
  });

  app.post('/:city/submissions/:id{[0-9]+}', async (c) => {
    const p = await programmeFor(c);
    if (p instanceof Response) return p;
    const fields = await postedFields(c);
    const decision = field(fields, 'decision');
    if (decision !== 'approve' && decision !== 'return' && decision !== 'reject') return forbidden(c);
    const s = await submissionById(deps.db, Number(c.req.param('id')));
    if (!s) return staffNotFound(c);
    const r = await review(deps.db, p, s.id, decision, boundedField('reason', field(fields, 'reason'), LIMITS.reason), actorName(currentUser(c)), clock.todayInTokyo());
    if (!r.ok) return partnerPage(c, p, s.partnerId, viewContextOf(c).t(`partners.admin.error.${r.error.kind}` as MessageKey));
    deps.store.invalidate(p.cityId);
    return back(c, `/staff/partners/${p.cityId}/${s.partnerId}`, 'partners.admin.decided');
  });

  // Withdrawal at a member's request, for members without a log-in (a course made them members).
  app.post('/:city/:id{[0-9]+}/withdraw', async (c) => {
    const p = await programmeFor(c);
    if (p instanceof Response) return p;
    const partner = await loadPartner(deps.db, Number(c.req.param('id')));
    if (!partner || partner.programmeId !== p.id) return staffNotFound(c);
    const fields = await postedFields(c);
    if (field(fields, 'confirm') !== 'on') return back(c, `/staff/partners/${p.cityId}/${partner.id}`, 'partners.error.consent-required');
    if (partner.status === 'withdrawn') return back(c, `/staff/partners/${p.cityId}/${partner.id}`, 'partners.error.forbidden');
    // No free-text reason: the append-only log must not receive personal data.
    await withdraw(deps.db, p, partner, actorName(currentUser(c)), clock.todayInTokyo(), null);
    deps.store.invalidate(p.cityId);
    return back(c, `/staff/partners/${p.cityId}/${partner.id}`, 'partners.admin.withdrawn');
  });

  app.post('/:city/reminders', async (c) => {
    const p = await programmeFor(c);
    if (p instanceof Response) return p;
    await sendRenewalReminders(deps.db, p, clock.todayInTokyo());
    return back(c, `/staff/partners/${p.cityId}`, 'partners.admin.saved');
  });

  const eventForm = z.object({
    kind: z.enum(['meeting', 'course']),
    title: z.string().trim().min(1).max(200),
    description: z.string().trim().max(2000),
    startsAt: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/),
    place: z.string().trim().min(1).max(200),
    capacity: z.union([z.literal(''), z.coerce.number().int().min(1).max(100_000)]),
    goals: z.string().max(100),
  });
  app.post('/:city/events', async (c) => {
    const p = await programmeFor(c);
    if (p instanceof Response) return p;
    const fields = await postedFields(c);
    const parsed = eventForm.safeParse(Object.fromEntries(Object.keys(eventForm.shape).map((k) => [k, field(fields, k)])));
    if (!parsed.success) return back(c, `/staff/partners/${p.cityId}`, 'partners.error.required');
    const e = parsed.data;
    const goals = e.goals.split(/[,、\s]+/).map(Number).filter((n) => Number.isInteger(n) && n >= 1 && n <= 17);
    await announceEvent(deps.db, p, { kind: e.kind, title: e.title, description: e.description, startsAt: e.startsAt, place: e.place, capacity: e.capacity === '' ? null : e.capacity, goals, certifiesMembership: field(fields, 'certifies') === 'on', organiserPartnerId: null }, actorName(currentUser(c)));
    deps.store.invalidate(p.cityId);
    return back(c, `/staff/partners/${p.cityId}`, 'partners.admin.saved');
  });

  app.post('/:city/events/:id{[0-9]+}/held', async (c) => {
    const p = await programmeFor(c);
    if (p instanceof Response) return p;
    const fields = await postedFields(c);
    const heldOn = isoDate.safeParse(field(fields, 'heldOn'));
    if (!heldOn.success) return back(c, `/staff/partners/${p.cityId}`, 'partners.error.required');
    const attended = fieldAll(fields, 'attended').map(Number).filter(Number.isInteger);
    const r = await recordAttendance(deps.db, p, Number(c.req.param('id')), attended, heldOn.data, actorName(currentUser(c)));
    if (!r.ok) return staffNotFound(c);
    deps.store.invalidate(p.cityId);
    return back(c, `/staff/partners/${p.cityId}`, 'partners.admin.saved');
  });

  const awardForm = z.object({ title: z.string().trim().min(1).max(200), description: z.string().trim().max(2000), year: z.coerce.number().int().min(2000).max(2100), closesOn: isoDate });
  app.post('/:city/awards', async (c) => {
    const p = await programmeFor(c);
    if (p instanceof Response) return p;
    const fields = await postedFields(c);
    const parsed = awardForm.safeParse(Object.fromEntries(Object.keys(awardForm.shape).map((k) => [k, field(fields, k)])));
    if (!parsed.success) return back(c, `/staff/partners/${p.cityId}`, 'partners.error.required');
    await openAward(deps.db, p, parsed.data, actorName(currentUser(c)));
    deps.store.invalidate(p.cityId);
    return back(c, `/staff/partners/${p.cityId}`, 'partners.admin.saved');
  });

  app.post('/:city/awards/:id{[0-9]+}/entries/:entry{[0-9]+}/score', async (c) => {
    const p = await programmeFor(c, canScoreAwards);
    if (p instanceof Response) return p;
    const fields = await postedFields(c);
    const score = z.coerce.number().int().min(1).max(5).safeParse(field(fields, 'score'));
    if (!score.success) return back(c, `/staff/partners/${p.cityId}`, 'partners.error.invalid-choice');
    const r = await scoreEntry(deps.db, p, Number(c.req.param('id')), Number(c.req.param('entry')), actorName(currentUser(c)), score.data, null);
    if (!r.ok) return r.error === 'not-found' ? staffNotFound(c) : back(c, `/staff/partners/${p.cityId}`, 'partners.error.forbidden');
    return back(c, `/staff/partners/${p.cityId}`, 'partners.admin.saved');
  });

  app.post('/:city/awards/:id{[0-9]+}/decide', async (c) => {
    const p = await programmeFor(c);
    if (p instanceof Response) return p;
    const fields = await postedFields(c);
    const awardId = Number(c.req.param('id'));
    const entries = await entriesOfAward(deps.db, awardId);
    const winners = entries.map((e) => ({ entryId: e.id, prize: boundedField(`prize_${e.id}`, field(fields, `prize_${e.id}`).trim(), 100) })).filter((w) => w.prize !== '');
    const closed = await closeAwardEntries(deps.db, p, awardId, actorName(currentUser(c)));
    if (!closed.ok) return staffNotFound(c);
    const decided = await decideAward(deps.db, p, awardId, winners, actorName(currentUser(c)));
    if (!decided.ok) return back(c, `/staff/partners/${p.cityId}`, 'partners.error.forbidden');
    deps.store.invalidate(p.cityId);
    return back(c, `/staff/partners/${p.cityId}`, 'partners.admin.saved');
  });

  app.post('/:city/dispatches/:id{[0-9]+}/schedule', async (c) => {
    const p = await programmeFor(c);
    if (p instanceof Response) return p;
    const fields = await postedFields(c);
    const on = isoDate.safeParse(field(fields, 'scheduledOn'));
    const lecturer = boundedField('lecturer', field(fields, 'lecturer').trim(), 100);
    if (!on.success || lecturer === '') return back(c, `/staff/partners/${p.cityId}`, 'partners.error.required');
    await scheduleDispatch(deps.db, p, Number(c.req.param('id')), on.data, lecturer, actorName(currentUser(c)));
    return back(c, `/staff/partners/${p.cityId}`, 'partners.admin.saved');
  });

  app.post('/:city/dispatches/:id{[0-9]+}/held', async (c) => {
    const p = await programmeFor(c);
    if (p instanceof Response) return p;
    const fields = await postedFields(c);
    const on = isoDate.safeParse(field(fields, 'heldOn'));
    const participants = z.coerce.number().int().min(0).max(100_000).safeParse(field(fields, 'participants'));
    if (!on.success) return back(c, `/staff/partners/${p.cityId}`, 'partners.error.required');
    await recordDispatchHeld(deps.db, p, Number(c.req.param('id')), on.data, participants.success && field(fields, 'participants') !== '' ? participants.data : null, actorName(currentUser(c)));
    deps.store.invalidate(p.cityId);
    return back(c, `/staff/partners/${p.cityId}`, 'partners.admin.saved');
  });

  return app;
}
