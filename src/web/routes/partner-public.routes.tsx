import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { passwordProblem } from '../../auth/password.ts';
import { DEFAULT_STAFF_CONFIG } from '../../config.ts';
import type { City } from '../../core/city/city.ts';
import { field, fieldAll, isHoneypotFilled, normalizeEmail, validateApplication, type PostedFields } from '../../partners/application.ts';
import { eventsWithCounts, lecturesHeldIn, publicAwardsData, publicEventData } from '../../partners/partner-pages.service.ts';
import { registerForEvent, requestDispatch } from '../../partners/activity.service.ts';
import { DIRECTORY_PAGE_SIZE, partnerActivities, programmeCounts, programmeFigures, searchDirectory } from '../../partners/partner-directory.service.ts';
import { apply, listProgrammes, loadPartner, programmeOfCity } from '../../partners/partner.service.ts';
import { isListed } from '../../partners/partner.ts';
import { MEMBER_TYPES, type MemberType, type Programme } from '../../partners/programme.ts';
import { viewContextOf } from '../request-context.ts';
import { emptyForm, type FormState } from '../views/partners/partner-form.tsx';
import {
  AppliedView,
  ApplyView,
  AwardsView,
  DirectoryView,
  DispatchView,
  EventsView,
  EventView,
  PartnerMessageView,
  PartnersHomeView,
  PartnerView,
  ProgrammeView,
} from '../views/partners/partner-public.view.tsx';
import { clockOf, type WebDeps } from '../web-deps.ts';
import { notFound } from './public.routes.tsx';
import { ipOf, publicCsrfToken, publicCsrfValid, RateLimiter } from './partner-guard.ts';
import { readFileSync } from 'node:fs';

const css = readFileSync(new URL('../views/partners/partners.css', import.meta.url), 'utf8');

/** Reads a posted form: repeated fields as lists, files ignored. */
export async function postedFields(c: Context): Promise<PostedFields> {
  const body = await c.req.parseBody({ all: true });
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(body)) {
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === 'string');
  }
  return out;
}

/** The form state to re-render: what was typed (never the passwords), the goals ticked, the errors. */
export function stateOf(fields: PostedFields, errors: FormState['errors'], formError?: string): FormState {
  const values: Record<string, string> = {};
  for (const k of Object.keys(fields)) if (!k.startsWith('password') && k !== '_csrf') values[k] = field(fields, k);
  return { values, goals: fieldAll(fields, 'goals').map(Number).filter((n) => Number.isInteger(n)), errors, ...(formError !== undefined && { formError }) };
}

const directoryQuery = z.object({
  q: z.string().max(100).optional().default(''),
  goal: z.union([z.literal(''), z.coerce.number().int().min(1).max(17)]).optional(),
  type: z.union([z.literal(''), z.enum(MEMBER_TYPES as [MemberType, ...MemberType[]])]).optional(),
  area: z.string().max(100).optional().default(''),
  page: z.coerce.number().int().min(1).max(10_000).optional().default(1),
});

const dispatchForm = z.object({
  requesterName: z.string().trim().min(1, 'required').max(100, 'too-long'),
  requesterType: z.enum(MEMBER_TYPES as [MemberType, ...MemberType[]], { message: 'invalid-choice' }),
  contactName: z.string().trim().min(1, 'required').max(60, 'too-long'),
  contactEmail: z.string().trim().min(1, 'required').max(254, 'too-long').email('invalid-email'),
  topic: z.string().trim().min(1, 'required').max(300, 'too-long'),
  preferredOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'required'),
  audienceSize: z.coerce.number({ message: 'required' }).int('required').min(1, 'required').max(100_000, 'too-long'),
});

const courseForm = z.object({
  name: z.string().trim().min(1, 'required').max(60, 'too-long'),
  // Full-width input (ｙａｍａｄａ＠ｅｘａｍｐｌｅ．ｊｐ) is folded before it is checked.
  email: z.string().transform(normalizeEmail).pipe(z.string().min(1, 'required').max(254, 'too-long').email('invalid-email')),
});

function zodErrors(issues: readonly { path: PropertyKey[]; message: string }[]): Record<string, never> {
  const out: Record<string, string> = {};
  for (const i of issues) out[String(i.path[0])] ??= i.message;
  return out as Record<string, never>;
}

/**
 * The public pages of the partner platform: the programmes, the directory with its search, a
 * page per partner, the application form, events (with the public course registration),
 * award results and the lecturer request form.
 */
export function partnerPublicRoutes(deps: WebDeps): Hono {
  const clock = clockOf(deps);
  const app = new Hono();
  const settings = deps.staff ?? DEFAULT_STAFF_CONFIG;
  // Five applications and ten other posts per IP in ten minutes: people never need more, scripts are stopped.
  const applyLimiter = new RateLimiter(deps.db, 'partner-apply', 5, 10 * 60_000);
  const formLimiter = new RateLimiter(deps.db, 'partner-form', 10, 10 * 60_000);

  app.get('/partners/static/partners.css', (c) => c.body(css, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }));


  /** The city and its programme, or null (→ 404). */
  const load = async (c: Context): Promise<{ city: City; programme: Programme } | null> => {
    const data = await deps.store.get(c.req.param('city') ?? '');
    if (!data) return null;
    const programme = await programmeOfCity(deps.db, data.city.id);
    return programme ? { city: data.city, programme } : null;
  };
  const refuse = (c: Context, status: 403 | 429) => {
    const ctx = viewContextOf(c);
    const text = status === 429 ? ctx.t('partners.error.rateLimited') : ctx.t('partners.error.forbidden');
    return c.html(<PartnerMessageView ctx={ctx} title={text} text={text} />, status);
  };
  /**
   * What every public form post goes through before its own checks: the city's programme, the
   * posted fields, the CSRF token, then the per-IP rate limit. A Response means it stops there.
   */
  const acceptPublicForm = async (c: Context, limiter: RateLimiter): Promise<Response | { l: { city: City; programme: Programme }; fields: PostedFields }> => {
    const l = await load(c);
    if (!l) return notFound(c);
    const fields = await postedFields(c);
    if (!publicCsrfValid(c, fields)) return refuse(c, 403);
    if (!(await limiter.take(ipOf(c, settings.trustProxy)))) return refuse(c, 429);
    return { l, fields };
  };

  app.get('/partners', async (c) => {
    const entries = [];
    const cities = new Map((await deps.store.listCities()).map((city) => [city.id, city]));
    for (const programme of await listProgrammes(deps.db)) {
      const city = cities.get(programme.cityId);
      if (city) entries.push({ city, programme, total: (await programmeCounts(deps.db, programme, clock.todayInTokyo())).total });
    }
    return c.html(<PartnersHomeView ctx={viewContextOf(c)} entries={entries} />);
  });

  app.get('/cities/:city/partners', async (c) => {
    const l = await load(c);
    if (!l) return notFound(c);
    const [counts, figures] = await Promise.all([programmeCounts(deps.db, l.programme, clock.todayInTokyo()), programmeFigures(deps.db, l.programme)]);
    return c.html(<ProgrammeView ctx={viewContextOf(c)} city={l.city} programme={l.programme} counts={counts} figures={figures} />);
  });

  app.get('/cities/:city/partners/directory', async (c) => {
    const l = await load(c);
    if (!l) return notFound(c);
    const parsed = directoryQuery.safeParse(c.req.query());
    const q = parsed.success ? parsed.data : { q: '', goal: '' as const, type: '' as const, area: '', page: 1 };
    const area = l.programme.config.areas.includes(q.area) ? q.area : '';
    const result = await searchDirectory(
      deps.db,
      l.programme,
      { q: q.q, page: q.page, ...(typeof q.goal === 'number' && { goal: q.goal }), ...(q.type && { memberType: q.type }), ...(area && { area }) },
      clock.todayInTokyo(),
    );
    return c.html(
      <DirectoryView
        ctx={viewContextOf(c)}
        city={l.city}
        programme={l.programme}
        query={{ q: q.q, goal: q.goal === undefined ? '' : String(q.goal), type: q.type ?? '', area, page: q.page }}
        result={result}
        pageSize={DIRECTORY_PAGE_SIZE}
      />,
    );
  });

  app.get('/cities/:city/partners/apply', async (c) => {
    const l = await load(c);
    if (!l) return notFound(c);
    return c.html(<ApplyView ctx={viewContextOf(c)} city={l.city} programme={l.programme} state={emptyForm} csrfToken={publicCsrfToken(c)} />);
  });

  app.post('/cities/:city/partners/apply', async (c) => {
    const accepted = await acceptPublicForm(c, applyLimiter);
    if (accepted instanceof Response) return accepted;
    const { l, fields } = accepted;
    const ctx = viewContextOf(c);
    const token = publicCsrfToken(c);
    // A bot that filled the honeypot is told the same as a person, and nothing is stored.
    if (isHoneypotFilled(fields)) return c.html(<AppliedView ctx={ctx} city={l.city} programme={l.programme} username="—" approved={false} />);
    const checked = validateApplication(fields, l.programme.config);
    const password = field(fields, 'password');
    const badPassword = passwordProblem(password, field(fields, 'passwordConfirm'), 'partner-', [field(fields, 'name'), field(fields, 'representative'), field(fields, 'email'), l.city.name, l.programme.name]) !== null;
    if (!checked.ok || badPassword) {
      const errors = { ...(checked.ok ? {} : checked.errors) };
      return c.html(<ApplyView ctx={ctx} city={l.city} programme={l.programme} state={stateOf(fields, errors, badPassword ? ctx.t('partners.error.password') : undefined)} csrfToken={token} />, 422);
    }
    const r = await apply(deps.db, l.programme, checked.value, password, clock.todayInTokyo());
    deps.store.invalidate(l.city.id);
    return c.html(<AppliedView ctx={ctx} city={l.city} programme={l.programme} username={r.username} approved={r.status === 'approved'} />);
  });

  app.get('/cities/:city/partners/events', async (c) => {
    const l = await load(c);
    if (!l) return notFound(c);
    const events = await eventsWithCounts(deps.db, l.programme.id);
    return c.html(<EventsView ctx={viewContextOf(c)} city={l.city} programme={l.programme} events={events} />);
  });

  const eventPage = async (c: Context, l: { city: City; programme: Programme }, id: number, extra: { notice?: string; state?: FormState; status?: 200 | 409 | 422 } = {}) => {
    const data = await publicEventData(deps.db, l.programme.id, id, clock.todayInTokyo());
    if (!data) return notFound(c);
    const { event, participants } = data;
    return c.html(
      <EventView ctx={viewContextOf(c)} city={l.city} programme={l.programme} event={event} registered={data.registered} participants={participants} csrfToken={publicCsrfToken(c)} notice={extra.notice} {...(extra.state && { state: extra.state })} />,
      extra.status ?? 200,
    );
  };

  app.get('/cities/:city/partners/events/:id{[0-9]+}', async (c) => {
    const l = await load(c);
    if (!l) return notFound(c);
    return eventPage(c, l, Number(c.req.param('id')));
  });

  app.post('/cities/:city/partners/events/:id{[0-9]+}/register', async (c) => {
    const accepted = await acceptPublicForm(c, formLimiter);
    if (accepted instanceof Response) return accepted;
    const { l, fields } = accepted;
    const ctx = viewContextOf(c);
    const id = Number(c.req.param('id'));
    if (isHoneypotFilled(fields)) return eventPage(c, l, id, { notice: ctx.t('partners.event.registeredDone') });
    const parsed = courseForm.safeParse({ name: field(fields, 'name'), email: field(fields, 'email') });
    if (!parsed.success) return eventPage(c, l, id, { state: stateOf(fields, zodErrors(parsed.error.issues)), status: 422 });
    const r = await registerForEvent(deps.db, l.programme, id, parsed.data, 'public');
    if (!r.ok && r.error === 'duplicate-email') return eventPage(c, l, id, { state: stateOf(fields, { email: 'duplicate-email' }), status: 409 });
    if (!r.ok) return r.error === 'not-found' ? notFound(c) : eventPage(c, l, id, { notice: ctx.t(r.error === 'full' ? 'partners.event.full' : r.error === 'already' ? 'partners.event.already' : 'partners.event.closed') });
    deps.store.invalidate(l.city.id);
    return eventPage(c, l, id, { notice: ctx.t('partners.event.registeredDone') });
  });

  app.get('/cities/:city/partners/awards', async (c) => {
    const l = await load(c);
    if (!l) return notFound(c);
    // A winner that withdrew (or no longer consents) keeps its place in the results, without a link to a page that is gone.
    const { awards, listed } = await publicAwardsData(deps.db, l.programme.id, clock.todayInTokyo());
    return c.html(<AwardsView ctx={viewContextOf(c)} city={l.city} programme={l.programme} awards={awards} listed={listed} />);
  });

  /** Lectures held in the current (Tokyo) calendar year. */
  const heldThisYear = async (programme: Programme) => {
    const year = clock.todayInTokyo().slice(0, 4);
    return { year: Number(year), count: await lecturesHeldIn(deps.db, programme.id, year) };
  };

  app.get('/cities/:city/partners/dispatch', async (c) => {
    const l = await load(c);
    if (!l) return notFound(c);
    return c.html(<DispatchView ctx={viewContextOf(c)} city={l.city} programme={l.programme} state={emptyForm} csrfToken={publicCsrfToken(c)} heldThisYear={await heldThisYear(l.programme)} />);
  });

  app.post('/cities/:city/partners/dispatch', async (c) => {
    const accepted = await acceptPublicForm(c, formLimiter);
    if (accepted instanceof Response) return accepted;
    const { l, fields } = accepted;
    const ctx = viewContextOf(c);
    const token = publicCsrfToken(c);
    const held = await heldThisYear(l.programme);
    if (isHoneypotFilled(fields)) return c.html(<DispatchView ctx={ctx} city={l.city} programme={l.programme} state={emptyForm} csrfToken={token} heldThisYear={held} done />);
    const parsed = dispatchForm.safeParse(Object.fromEntries(Object.keys(dispatchForm.shape).map((k) => [k, field(fields, k)])));
    if (!parsed.success) return c.html(<DispatchView ctx={ctx} city={l.city} programme={l.programme} state={stateOf(fields, zodErrors(parsed.error.issues))} csrfToken={token} heldThisYear={held} />, 422);
    const d = parsed.data;
    await requestDispatch(deps.db, l.programme, { requesterPartnerId: null, requesterName: d.requesterName, requesterType: d.requesterType, contactName: d.contactName, contactEmail: d.contactEmail, topic: d.topic, preferredOn: d.preferredOn, audienceSize: d.audienceSize }, 'public');
    return c.html(<DispatchView ctx={ctx} city={l.city} programme={l.programme} state={emptyForm} csrfToken={token} heldThisYear={held} done />);
  });

  app.get('/cities/:city/partners/:id{[0-9]+}', async (c) => {
    const l = await load(c);
    if (!l) return notFound(c);
    const partner = await loadPartner(deps.db, Number(c.req.param('id')));
    // Only listed partners have a public page: pending, returned, rejected, withdrawn or non-consenting ones do not exist publicly.
    if (!partner || partner.programmeId !== l.programme.id || !isListed(partner, clock.todayInTokyo())) return notFound(c);
    const { events, awards } = await partnerActivities(deps.db, l.programme, partner.id);
    return c.html(<PartnerView ctx={viewContextOf(c)} city={l.city} programme={l.programme} partner={partner} events={events} awards={awards} />);
  });

  return app;
}
