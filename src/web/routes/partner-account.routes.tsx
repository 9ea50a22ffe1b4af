import { knownNotice, PARTNER_NOTICES, type PartnerNotice } from '../notices.ts';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { boundedField } from '../middleware/input-guard.ts';
import type { StaffUser } from '../../auth/user.ts';
import { contactSchema, field, LIMITS, validateApplication, validateProfileChange } from '../../partners/application.ts';
import { answerCollaboration, enterAward, registerForEvent, requestCollaboration } from '../../partners/activity.service.ts';
import { matchesFor } from '../../partners/partner-directory.service.ts';
import { partnerHomeData, partnerIdOf } from '../../partners/partner-pages.service.ts';
import { exportPartnerData, listProgrammes, loadPartner, partnerOfUser, requestChange, requestRenewal, resubmit, updateContact, withdraw } from '../../partners/partner.service.ts';
import type { Partner } from '../../partners/partner.ts';
import type { Programme } from '../../partners/programme.ts';
import { currentUser } from '../middleware/require-role.ts';
import type { StaffEnv } from '../middleware/staff-env.ts';
import { viewContextOf } from '../request-context.ts';
import { PartnerHomeView } from '../views/partners/partner-account.view.tsx';
import type { FormState } from '../views/partners/partner-form.tsx';
import { PartnerMessageView } from '../views/partners/partner-public.view.tsx';
import { clockOf, type WebDeps } from '../web-deps.ts';
import { postedFields, stateOf } from './partner-public.routes.tsx';

/** The profile form's values from a partner's current profile. */
function profileState(p: Partner): FormState {
  const values: Record<string, string> = {
    memberType: p.profile.memberType,
    name: p.profile.name,
    nameKana: p.profile.nameKana,
    area: p.profile.area,
    website: p.profile.website ?? '',
    levelId: p.profile.levelId ?? '',
    consentPublication: p.publicationConsent ? 'on' : '',
  };
  for (const g of p.profile.goals) values[`declaration_${g.goal}`] = g.declaration;
  for (const r of p.profile.resources) values[`${r.kind}_${r.category}`] = r.description;
  for (const [q, yes] of Object.entries(p.profile.selfCheck)) if (yes) values[`selfcheck_${q}`] = 'yes';
  return { values, goals: p.profile.goals.map((g) => g.goal), errors: {} };
}


/**
 * Where a user lands after log-in when no page was asked for: a partner (a user with no staff
 * role, only a partner link) on its own page; null for staff, who land on the dashboard.
 */
export async function partnerLanding(db: WebDeps['db'], user: StaffUser): Promise<string | null> {
  if (user.isSystemAdmin || user.memberships.length > 0) return null;
  return (await partnerIdOf(db, user.id)) === null ? null : '/staff/partner';
}

/**
 * The partner's own area under /staff/partner (inside the staff area, so the one session and
 * CSRF mechanism of docs/AUTH.md applies): a partner is a user linked to a partner row; the
 * partner acted on is always the logged-in user's own, never one named in the URL.
 */
export function partnerAccountRoutes(deps: WebDeps): Hono<StaffEnv> {
  const clock = clockOf(deps);
  const app = new Hono<StaffEnv>();

  const mine = async (c: Context<StaffEnv>): Promise<{ user: StaffUser; partner: Partner; programme: Programme } | Response> => {
    const user = currentUser(c);
    const partner = await partnerOfUser(deps.db, user.id);
    const ctx = viewContextOf(c);
    if (!partner) return c.html(<PartnerMessageView ctx={ctx} title={ctx.t('partners.myPage')} text={ctx.t('partners.me.notPartner')} />, 403);
    const programme = (await listProgrammes(deps.db)).find((p) => p.id === partner.programmeId)!;
    return { user, partner, programme };
  };

  const home = async (c: Context<StaffEnv>, m: { partner: Partner; programme: Programme }, extra: { notice?: string; profileState?: FormState; contactState?: FormState; status?: 200 | 422 } = {}) => {
    const { partner, programme } = m;
    const ctx = viewContextOf(c);
    const { contact, collaborations, events, submissions, awards } = await partnerHomeData(deps.db, programme, partner);
    return c.html(
      <PartnerHomeView
        ctx={ctx}
        csrfToken={c.get('csrfToken')}
        programme={programme}
        partner={partner}
        contact={contact}
        submissions={submissions}
        profileState={extra.profileState ?? profileState(partner)}
        contactState={extra.contactState ?? { values: { representative: contact?.representative ?? '', email: contact?.email ?? '', phone: contact?.phone ?? '' }, goals: [], errors: {} }}
        matches={partner.status === 'approved' ? await matchesFor(deps.db, programme, partner, clock.todayInTokyo()) : []}
        collaborations={collaborations}
        events={events}
        awards={awards}
        notice={extra.notice ?? noticeText(c)}
      />,
      extra.status ?? 200,
    );
  };
  const noticeText = (c: Context<StaffEnv>) => {
    const key = knownNotice(PARTNER_NOTICES, c.req.query('notice'));
    return key ? viewContextOf(c).t(key) : undefined;
  };
  const done = (c: Context<StaffEnv>, notice: PartnerNotice, anchor = '') => c.redirect(`/staff/partner?notice=${encodeURIComponent(notice)}${anchor}`, 303);
  const actor = (p: Partner) => `partner:${p.id}`;

  app.get('/', async (c) => {
    const m = await mine(c);
    return m instanceof Response ? m : home(c, m);
  });

  app.post('/profile', async (c) => {
    const m = await mine(c);
    if (m instanceof Response) return m;
    const fields = await postedFields(c);
    if (m.partner.status === 'returned') {
      // A returned application is corrected whole (contact included); the terms were agreed on applying.
      const corrected = validateApplication(fields, m.programme.config, { forProfileEdit: true });
      if (!corrected.ok) return home(c, m, { profileState: stateOf(fields, corrected.errors), status: 422 });
      await resubmit(deps.db, m.programme, m.partner, corrected.value, actor(m.partner));
      deps.store.invalidate(m.programme.cityId);
      return done(c, 'partners.applied.pending');
    }
    if (m.partner.status !== 'approved') return done(c, 'partners.error.forbidden');
    const checked = validateProfileChange(fields, m.programme.config);
    if (!checked.ok) return home(c, m, { profileState: stateOf(fields, checked.errors), status: 422 });
    const r = await requestChange(deps.db, m.programme, m.partner, checked.value.profile, checked.value.publicationConsent, actor(m.partner), clock.todayInTokyo());
    deps.store.invalidate(m.programme.cityId);
    return done(c, r === 'applied' ? 'partners.me.changeApplied' : 'partners.me.changeRequested');
  });

  app.post('/contact', async (c) => {
    const m = await mine(c);
    if (m instanceof Response) return m;
    const fields = await postedFields(c);
    const parsed = contactSchema.safeParse({ representative: field(fields, 'representative'), email: field(fields, 'email'), phone: field(fields, 'phone') });
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const i of parsed.error.issues) errors[String(i.path[0])] ??= i.message;
      return home(c, m, { contactState: stateOf(fields, errors as FormState['errors']), status: 422 });
    }
    await updateContact(deps.db, m.programme, m.partner, { ...parsed.data, phone: parsed.data.phone === '' ? null : parsed.data.phone }, actor(m.partner));
    return done(c, 'partners.me.contactSaved');
  });

  app.post('/collaborations', async (c) => {
    const m = await mine(c);
    if (m instanceof Response) return m;
    const fields = await postedFields(c);
    const message = boundedField('message', field(fields, 'message').trim(), LIMITS.message);
    const to = Number(field(fields, 'to'));
    if (message === '' || !Number.isInteger(to)) return done(c, 'partners.error.required');
    const r = await requestCollaboration(deps.db, m.programme, m.partner, to, message);
    return done(c, r.ok ? 'partners.me.collabSent' : 'partners.error.forbidden', '#collaborations');
  });

  app.post('/collaborations/:id{[0-9]+}/:answer{(?:accept|decline)}', async (c) => {
    const m = await mine(c);
    if (m instanceof Response) return m;
    const r = await answerCollaboration(deps.db, m.programme, m.partner, Number(c.req.param('id')), c.req.param('answer') === 'accept');
    return done(c, r.ok ? 'partners.admin.saved' : 'partners.error.forbidden', '#collaborations');
  });

  // The public event page links here: a GET shows the partner page at its events, the POST registers.
  app.get('/events/:id{[0-9]+}', (c) => c.redirect('/staff/partner#events', 303));
  app.post('/events/:id{[0-9]+}', async (c) => {
    const m = await mine(c);
    if (m instanceof Response) return m;
    const r = await registerForEvent(deps.db, m.programme, Number(c.req.param('id')), { partner: m.partner }, actor(m.partner));
    deps.store.invalidate(m.programme.cityId);
    const notice: PartnerNotice = r.ok ? 'partners.event.registeredDone' : r.error === 'full' ? 'partners.event.full' : r.error === 'already' ? 'partners.event.already' : 'partners.event.closed';
    return done(c, notice, '#events');
  });

  app.get('/awards/:id{[0-9]+}', (c) => c.redirect('/staff/partner#events', 303));
  app.post('/awards/:id{[0-9]+}', async (c) => {
    const m = await mine(c);
    if (m instanceof Response) return m;
    const fields = await postedFields(c);
    const title = boundedField('title', field(fields, 'title').trim(), 200);
    const summary = boundedField('summary', field(fields, 'summary').trim(), LIMITS.message);
    if (title === '' || summary === '') return done(c, 'partners.error.required', '#events');
    const r = await enterAward(deps.db, m.programme, m.partner, Number(c.req.param('id')), { title, summary }, clock.todayInTokyo());
    deps.store.invalidate(m.programme.cityId);
    return done(c, r.ok ? 'partners.award.entered' : 'partners.error.forbidden', '#events');
  });

  app.post('/renew', async (c) => {
    const m = await mine(c);
    if (m instanceof Response) return m;
    await requestRenewal(deps.db, m.programme, m.partner, actor(m.partner), clock.todayInTokyo());
    deps.store.invalidate(m.programme.cityId);
    return done(c, 'partners.me.renewRequested');
  });

  app.get('/export', async (c) => {
    const m = await mine(c);
    if (m instanceof Response) return m;
    const data = await exportPartnerData(deps.db, (await loadPartner(deps.db, m.partner.id))!);
    c.header('content-disposition', `attachment; filename="partner-${m.partner.id}.json"`);
    c.header('cache-control', 'no-store');
    return c.json(data);
  });

  app.post('/withdraw', async (c) => {
    const m = await mine(c);
    if (m instanceof Response) return m;
    const fields = await postedFields(c);
    if (field(fields, 'confirm') !== 'on') return done(c, 'partners.error.consent-required');
    await withdraw(deps.db, m.programme, m.partner, actor(m.partner), clock.todayInTokyo(), null);
    deps.store.invalidate(m.programme.cityId);
    const ctx = viewContextOf(c);
    // The user row (and with it the session) is gone: the answer is a plain confirmation.
    return c.html(<PartnerMessageView ctx={ctx} title={ctx.t('partners.me.withdraw')} text={ctx.t('partners.me.withdrawn')} />);
  });

  return app;
}
