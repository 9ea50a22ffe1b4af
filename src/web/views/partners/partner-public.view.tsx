import { formatTokyoWallClock } from '../../../core/time/clock.ts';
import type { City } from '../../../core/city/city.ts';
import type { MessageKey } from '../../../i18n/messages.ts';
import type { Partner } from '../../../partners/partner.ts';
import type { PartnerAward, PartnerEvent } from '../../../partners/activity.model.ts';
import { MEMBER_TYPES, type MemberType, type Programme } from '../../../partners/programme.ts';
import { sdgGoals } from '../../../core/sdg/sdg-framework.ts';
import { CsrfField } from '../staff/staff-layout.tsx';
import { cityBreadcrumbs } from '../layout.tsx';
import { SelectField, TextArea, TextField } from '../staff/form.tsx';
import type { ViewContext } from '../view-context.ts';
import type { PublishedFigure } from '../../../partners/published-figure.ts';
import { fill } from '../fill.ts';
import { localized } from '../view-context.ts';
import { Check, ErrorList, errorMessages, goalName, Honeypot, ProfileFields, type FormState } from './partner-form.tsx';
import { GoalChip, GoalList, Notice, PartnerCard, PartnerLayout, PartnerLoginLink, programmeName, registeredOnText, resourceLabel, SampleBadge, typeLabel } from './partner-parts.tsx';

const crumbs = (ctx: ViewContext, city: City, programme?: Programme) => [
  ...cityBreadcrumbs(ctx, city),
  ...(programme ? [{ href: ctx.href(`/cities/${city.id}/partners`), label: programmeName(ctx, programme) }] : []),
];

/** /partners: the programmes of every city. */
export function PartnersHomeView(props: { ctx: ViewContext; entries: { city: City; programme: Programme; total: number }[] }) {
  const { ctx } = props;
  return (
    <PartnerLayout ctx={ctx} title={ctx.t('partners.nav')}>
      <h1>{ctx.t('partners.nav')}</h1>
      <PartnerLoginLink ctx={ctx} />
      <ul class="pt-cards">
        {props.entries.map((e) => (
          <li class="pt-card">
            <h2>
              <a href={ctx.href(`/cities/${e.city.id}/partners`)}>{programmeName(ctx, e.programme)}</a>
            </h2>
            <p class="pt-meta">
              {localized(ctx, e.city.name, e.city.nameEn)} ・ {ctx.t('partners.total')} {e.total}
            </p>
          </li>
        ))}
      </ul>
    </PartnerLayout>
  );
}

/**
 * The figures the city published about its programme, each with its date and the document and
 * passage it comes from: published figures, not counts of the platform's records.
 */
function PublishedFigures(props: { ctx: ViewContext; figures: readonly PublishedFigure[] }) {
  const { ctx } = props;
  return (
    <section aria-labelledby="pubfig-h">
      <h2 id="pubfig-h">{ctx.t('partners.figures.heading')}</h2>
      <p class="small">{ctx.t('partners.figures.lead')}</p>
      <div class="table-scroll" tabindex={0} role="region" aria-labelledby="pubfig-h">
        <table class="published-figures">
          <thead>
            <tr>
              <th scope="col">{ctx.t('partners.figures.item')}</th>
              <th scope="col">{ctx.t('partners.figures.value')}</th>
              <th scope="col">{ctx.t('partners.figures.when')}</th>
              <th scope="col">{ctx.t('partners.figures.source')}</th>
            </tr>
          </thead>
          <tbody>
            {props.figures.map((f) => (
              <tr>
                <th scope="row">{ctx.lang === 'en' && f.labelEn ? f.labelEn : f.label}</th>
                <td class="num">
                  {f.value.toLocaleString(ctx.lang === 'ja' ? 'ja-JP' : 'en-US')} {f.unit}
                </td>
                <td>{fill(ctx.t(f.period === 'year-total' ? 'partners.figures.yearTotal' : 'partners.figures.asOf'), { date: f.asOf })}</td>
                <td>
                  {f.document}
                  <blockquote class="small" lang="ja">
                    「{f.passage}」
                  </blockquote>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The programme page: what it is, the counts by type and goal, terms, logo rules, levels, links. */
export function ProgrammeView(props: {
  ctx: ViewContext;
  city: City;
  programme: Programme;
  counts: { byType: Map<MemberType, number>; byGoal: Map<number, number>; total: number; samples: number };
  figures: readonly PublishedFigure[];
}) {
  const { ctx, city, programme: p, counts } = props;
  const c = p.config;
  const base = `/cities/${city.id}/partners`;
  return (
    <PartnerLayout ctx={ctx} title={programmeName(ctx, p)} breadcrumbs={crumbs(ctx, city)}>
      <h1>{programmeName(ctx, p)}</h1>
      <p class="lead">{localized(ctx, c.description.ja, c.description.en)}</p>
      <ul class="pt-actions">
        <li>
          <a class="pt-button" href={ctx.href(`${base}/apply`)}>
            {ctx.t('partners.apply')}
          </a>
        </li>
        <li>
          <a href={ctx.href(`${base}/directory`)}>{ctx.t('partners.directory')}</a>
        </li>
        <li>
          <a href={ctx.href(`${base}/events`)}>{ctx.t('partners.events')}</a>
        </li>
        <li>
          <a href={ctx.href(`${base}/awards`)}>{ctx.t('partners.awards')}</a>
        </li>
        <li>
          <a href={ctx.href(`${base}/dispatch`)}>{ctx.t('partners.dispatch')}</a>
        </li>
        <li>
          <a href={ctx.href('/staff/login?next=/staff/partner')}>{ctx.t('partners.login')}</a>
        </li>
      </ul>
      {props.figures.length > 0 ? <PublishedFigures ctx={ctx} figures={props.figures} /> : null}
      <h2>{ctx.t('partners.stats')}</h2>
      <p>
        {ctx.t('partners.total')}: <strong>{counts.total}</strong> {ctx.t('partners.count')}
      </p>
      <p class="muted small">
        {ctx.t('partners.figures.platformNote')}
        {counts.samples > 0 ? fill(ctx.t('partners.figures.samplesNote'), { n: String(counts.samples) }) : ''}
      </p>
      <div class="table-scroll">
        <table>
          <caption>{ctx.t('partners.byType')}</caption>
          <thead>
            <tr>
              {c.memberTypes.map((t) => (
                <th scope="col">{typeLabel(ctx, t)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr>
              {c.memberTypes.map((t) => (
                <td class="num">{counts.byType.get(t) ?? 0}</td>
              ))}
            </tr>
          </tbody>
        </table>
      </div>
      <div class="table-scroll">
        <table>
          <caption>{ctx.t('partners.byGoal')}</caption>
          <thead>
            <tr>
              <th scope="col">{ctx.t('partners.search.goal')}</th>
              <th scope="col">{ctx.t('partners.total')}</th>
            </tr>
          </thead>
          <tbody>
            {sdgGoals
              .filter((g) => (counts.byGoal.get(g.number) ?? 0) > 0)
              .map((g) => (
                <tr>
                  <th scope="row">
                    <a href={ctx.href(`${base}/directory?goal=${g.number}`)}>
                      {g.number}. {goalName(ctx, g.number)}
                    </a>
                  </th>
                  <td class="num">{counts.byGoal.get(g.number)}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </div>
      <h2>{ctx.t('partners.terms')}</h2>
      <p>{c.reviewRequired ? ctx.t('partners.review.required') : ctx.t('partners.review.none')}</p>
      <p>
        {ctx.t('partners.validity')}: {c.validityYears === null ? ctx.t('partners.validityNone') : `${c.validityYears} ${ctx.t('partners.validityYears')}`}
      </p>
      <p class="prewrap">{localized(ctx, c.terms.ja, c.terms.en)}</p>
      <h2>{ctx.t('partners.logoRules')}</h2>
      <p class="prewrap">{localized(ctx, c.logoRules.ja, c.logoRules.en)}</p>
      {c.levels.length > 0 ? (
        <>
          <h2>{ctx.t('partners.levels')}</h2>
          <ul>
            {c.levels.map((l) => (
              <li>
                <strong>{localized(ctx, l.name, l.nameEn)}</strong>
                <ul>
                  {l.criteria.map((cr) => (
                    <li>{localized(ctx, cr.ja, cr.en)}</li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
          {c.selfCheck.length > 0 ? (
            <>
              <h3>{ctx.t('partners.selfCheck')}</h3>
              <ul>
                {c.selfCheck.map((q) => (
                  <li>{localized(ctx, q.ja, q.en)}</li>
                ))}
              </ul>
            </>
          ) : null}
        </>
      ) : null}
    </PartnerLayout>
  );
}

/** The directory with its search form. */
export function DirectoryView(props: {
  ctx: ViewContext;
  city: City;
  programme: Programme;
  query: { q: string; goal: string; type: string; area: string; page: number };
  result: { partners: Partner[]; total: number; similar: Partner[] };
  pageSize: number;
}) {
  const { ctx, city, programme, query, result } = props;
  const base = `/cities/${city.id}/partners/directory`;
  const pageHref = (page: number) => {
    const u = new URLSearchParams();
    for (const [k, v] of Object.entries({ q: query.q, goal: query.goal, type: query.type, area: query.area })) if (v) u.set(k, v);
    u.set('page', String(page));
    return ctx.href(`${base}?${u.toString()}`);
  };
  const pages = Math.max(1, Math.ceil(result.total / props.pageSize));
  return (
    <PartnerLayout ctx={ctx} title={ctx.t('partners.directory')} breadcrumbs={crumbs(ctx, city, programme)}>
      <h1>{ctx.t('partners.directory')}</h1>
      <PartnerLoginLink ctx={ctx} />
      <form class="pt-search" method="get" action={base} role="search">
        {ctx.lang === 'en' ? <input type="hidden" name="lang" value="en" /> : null}
        <div>
          <label for="q">{ctx.t('partners.search.keyword')}</label>
          <input id="q" name="q" type="search" value={query.q} aria-describedby="q-hint" maxlength={100} />
          <p class="pt-meta" id="q-hint">
            {ctx.t('partners.search.keywordHint')}
          </p>
        </div>
        <div>
          <label for="goal">{ctx.t('partners.search.goal')}</label>
          <select id="goal" name="goal">
            <option value="">{ctx.t('partners.search.any')}</option>
            {sdgGoals.map((g) => (
              <option value={String(g.number)} selected={query.goal === String(g.number)}>
                {g.number}. {goalName(ctx, g.number)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="type">{ctx.t('partners.search.type')}</label>
          <select id="type" name="type">
            <option value="">{ctx.t('partners.search.any')}</option>
            {programme.config.memberTypes.map((t) => (
              <option value={t} selected={query.type === t}>
                {typeLabel(ctx, t)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="area">{ctx.t('partners.search.area')}</label>
          <select id="area" name="area">
            <option value="">{ctx.t('partners.search.any')}</option>
            {programme.config.areas.map((a) => (
              <option value={a} selected={query.area === a}>
                {a}
              </option>
            ))}
          </select>
        </div>
        <button class="pt-button" type="submit">
          {ctx.t('partners.search')}
        </button>
      </form>
      <p role="status">
        {result.total} {ctx.t('partners.search.results')}
      </p>
      {result.total === 0 ? <p>{ctx.t('partners.search.none')}</p> : null}
      <ul class="pt-cards">
        {result.partners.map((p) => (
          <PartnerCard ctx={ctx} cityId={city.id} partner={p} />
        ))}
      </ul>
      {result.similar.length > 0 ? (
        <>
          <h2>{ctx.t('partners.search.similar')}</h2>
          <ul class="pt-cards">
            {result.similar.map((p) => (
              <PartnerCard ctx={ctx} cityId={city.id} partner={p} heading="h3" />
            ))}
          </ul>
        </>
      ) : null}
      {pages > 1 ? (
        <nav aria-label="pagination">
          <ul class="pt-actions">
            {query.page > 1 ? (
              <li>
                <a href={pageHref(query.page - 1)}>{ctx.t('partners.search.prev')}</a>
              </li>
            ) : null}
            <li>
              {query.page} / {pages}
            </li>
            {query.page < pages ? (
              <li>
                <a href={pageHref(query.page + 1)}>{ctx.t('partners.search.next')}</a>
              </li>
            ) : null}
          </ul>
        </nav>
      ) : null}
    </PartnerLayout>
  );
}

/** A partner's public page: never the representative or contact. */
export function PartnerView(props: {
  ctx: ViewContext;
  city: City;
  programme: Programme;
  partner: Partner;
  events: (PartnerEvent & { attended: boolean | null })[];
  awards: { title: string; year: number; prize: string | null; entryTitle: string }[];
}) {
  const { ctx, city, programme, partner: p } = props;
  const level = programme.config.levels.find((l) => l.id === p.profile.levelId);
  return (
    <PartnerLayout ctx={ctx} title={p.profile.name} breadcrumbs={crumbs(ctx, city, programme)}>
      <h1>
        {p.profile.name}
        <SampleBadge ctx={ctx} show={p.isSample} />
      </h1>
      {p.isSample ? <p class="muted">{ctx.t('partners.sampleNote')}</p> : null}
      <dl class="pt-dl">
        <dt>{ctx.t('partners.partner.kana')}</dt>
        <dd>{p.profile.nameKana}</dd>
        <dt>{ctx.t('partners.partner.type')}</dt>
        <dd>{typeLabel(ctx, p.profile.memberType)}</dd>
        <dt>{ctx.t('partners.partner.area')}</dt>
        <dd>{p.profile.area}</dd>
        <dt>{ctx.t('partners.partner.registrationNo')}</dt>
        <dd>{p.registrationNo}</dd>
        <dt>{ctx.t('partners.partner.registeredOn')}</dt>
        <dd>{p.registeredOn ? registeredOnText(ctx, p.registeredOn) : null}</dd>
        {p.validUntil ? (
          <>
            <dt>{ctx.t('partners.partner.validUntil')}</dt>
            <dd>{p.validUntil}</dd>
          </>
        ) : null}
        {level ? (
          <>
            <dt>{ctx.t('partners.partner.level')}</dt>
            <dd>{localized(ctx, level.name, level.nameEn)}</dd>
          </>
        ) : null}
        {p.profile.website ? (
          <>
            <dt>{ctx.t('partners.partner.website')}</dt>
            <dd>
              <a href={p.profile.website} rel="nofollow noopener noreferrer ugc">
                {p.profile.website}
              </a>
            </dd>
          </>
        ) : null}
      </dl>
      <h2>{ctx.t('partners.goals')}</h2>
      {p.profile.goals.map((g) => (
        <section>
          <h3>
            <GoalChip ctx={ctx} goal={g.goal} /> {goalName(ctx, g.goal)}
          </h3>
          <p class="prewrap">{g.declaration}</p>
        </section>
      ))}
      {(['offer', 'seek'] as const).map((kind) => {
        const items = p.profile.resources.filter((r) => r.kind === kind);
        return items.length === 0 ? null : (
          <>
            <h2>{ctx.t(kind === 'offer' ? 'partners.offers' : 'partners.seeks')}</h2>
            <dl class="pt-dl">
              {items.map((r) => (
                <>
                  <dt>{resourceLabel(ctx, r.category)}</dt>
                  <dd>{r.description}</dd>
                </>
              ))}
            </dl>
          </>
        );
      })}
      <h2>{ctx.t('partners.partner.events')}</h2>
      {props.events.length === 0 ? (
        <p>{ctx.t('partners.partner.noEvents')}</p>
      ) : (
        <ul>
          {props.events.map((e) => (
            <li>
              <a href={ctx.href(`/cities/${city.id}/partners/events/${e.id}`)}>{e.title}</a> ({ctx.t(`partners.event.kind.${e.kind}` as MessageKey)}, {e.heldOn ?? e.startsAt.slice(0, 10)})
            </li>
          ))}
        </ul>
      )}
      {props.awards.length > 0 ? (
        <>
          <h2>{ctx.t('partners.partner.awards')}</h2>
          <ul>
            {props.awards.map((a) => (
              <li>
                {a.title}（{a.year}）{a.prize ? ` ${a.prize}` : ''}: {a.entryTitle}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <p class="muted">{ctx.t('partners.partner.contactNote')}</p>
    </PartnerLayout>
  );
}

/** The application form. */
export function ApplyView(props: { ctx: ViewContext; city: City; programme: Programme; state: FormState; csrfToken: string }) {
  const { ctx, city, programme, state } = props;
  const errors = errorMessages(ctx, state.errors);
  return (
    <PartnerLayout ctx={ctx} title={ctx.t('partners.apply')} breadcrumbs={crumbs(ctx, city, programme)}>
      <h1>
        {ctx.t('partners.apply')}: {programmeName(ctx, programme)}
      </h1>
      <ErrorList ctx={ctx} state={state} />
      <form class="pt-form" method="post" action={ctx.href(`/cities/${city.id}/partners/apply`)} novalidate>
        <CsrfField token={props.csrfToken} />
        <Honeypot ctx={ctx} />
        <ProfileFields ctx={ctx} programme={programme} state={state} withContact />
        <fieldset>
          <legend>{ctx.t('partners.form.accountLegend')}</legend>
          <TextField ctx={ctx} name="password" type="password" label={ctx.t('partners.form.password')} values={{}} errors={errors} required autocomplete="new-password" />
          <TextField ctx={ctx} name="passwordConfirm" type="password" label={ctx.t('partners.form.passwordConfirm')} values={{}} errors={errors} required autocomplete="new-password" />
        </fieldset>
        <fieldset>
          <legend>{ctx.t('partners.form.consentLegend')}</legend>
          <details>
            <summary>{ctx.t('partners.terms')}</summary>
            <p class="prewrap">{localized(ctx, programme.config.terms.ja, programme.config.terms.en)}</p>
          </details>
          <Check ctx={ctx} name="consentTerms" label={ctx.t('partners.form.consentTerms')} checked={state.values['consentTerms'] === 'on'} error={errors['consentTerms']} />
          <Check ctx={ctx} name="consentPublication" label={ctx.t('partners.form.consentPublication')} checked={state.values['consentPublication'] === 'on'} error={errors['consentPublication']} />
        </fieldset>
        <button type="submit">{ctx.t('partners.form.submit')}</button>
      </form>
    </PartnerLayout>
  );
}

/** After applying. */
export function AppliedView(props: { ctx: ViewContext; city: City; programme: Programme; username: string; approved: boolean }) {
  const { ctx } = props;
  return (
    <PartnerLayout ctx={ctx} title={ctx.t('partners.applied.title')} breadcrumbs={crumbs(ctx, props.city, props.programme)}>
      <h1>{ctx.t('partners.applied.title')}</h1>
      <p role="status">{props.approved ? ctx.t('partners.applied.approved') : ctx.t('partners.applied.pending')}</p>
      <p>
        {ctx.t('partners.applied.username')}: <strong id="login-id">{props.username}</strong>
      </p>
      <p>{ctx.t('partners.applied.keep')}</p>
      <PartnerLoginLink ctx={ctx} />
    </PartnerLayout>
  );
}

/** A short message page (errors such as rate limiting, confirmations). */
export function PartnerMessageView(props: { ctx: ViewContext; title: string; text: string }) {
  return (
    <PartnerLayout ctx={props.ctx} title={props.title}>
      <h1>{props.title}</h1>
      <p>{props.text}</p>
    </PartnerLayout>
  );
}

/** The events of a programme. */
export function EventsView(props: { ctx: ViewContext; city: City; programme: Programme; events: (PartnerEvent & { registered: number })[] }) {
  const { ctx, city } = props;
  return (
    <PartnerLayout ctx={ctx} title={ctx.t('partners.events')} breadcrumbs={crumbs(ctx, city, props.programme)}>
      <h1>{ctx.t('partners.events')}</h1>
      <PartnerLoginLink ctx={ctx} />
      {props.events.length === 0 ? <p>{ctx.t('partners.event.none')}</p> : null}
      <ul class="pt-cards">
        {props.events.map((e) => (
          <li class="pt-card">
            <h2>
              <a href={ctx.href(`/cities/${city.id}/partners/events/${e.id}`)}>{e.title}</a>
              <SampleBadge ctx={ctx} show={e.isSample} />
            </h2>
            <p class="pt-meta">
              {ctx.t(`partners.event.kind.${e.kind}` as MessageKey)} ・ {formatTokyoWallClock(e.startsAt)} ・ {ctx.t(`partners.event.status.${e.status}` as MessageKey)}
            </p>
          </li>
        ))}
      </ul>
    </PartnerLayout>
  );
}

/** One event, with registration (partners from their page; the public for courses). */
export function EventView(props: {
  ctx: ViewContext;
  city: City;
  programme: Programme;
  event: PartnerEvent;
  registered: number;
  participants: { id: number; name: string }[];
  csrfToken: string;
  notice?: string | undefined;
  state?: FormState;
}) {
  const { ctx, city, event: e } = props;
  const errors = errorMessages(ctx, props.state?.errors ?? {});
  const full = e.capacity !== null && props.registered >= e.capacity;
  return (
    <PartnerLayout ctx={ctx} title={e.title} breadcrumbs={crumbs(ctx, city, props.programme)}>
      <h1>
        {e.title}
        <SampleBadge ctx={ctx} show={e.isSample} />
      </h1>
      <Notice text={props.notice} />
      <dl class="pt-dl">
        <dt>{ctx.t('partners.status')}</dt>
        <dd>{ctx.t(`partners.event.status.${e.status}` as MessageKey)}</dd>
        <dt>{ctx.t('partners.event.startsAt')}</dt>
        <dd>{formatTokyoWallClock(e.startsAt)}</dd>
        <dt>{ctx.t('partners.event.place')}</dt>
        <dd>{e.place}</dd>
        {e.capacity !== null ? (
          <>
            <dt>{ctx.t('partners.event.capacity')}</dt>
            <dd>{e.capacity}</dd>
          </>
        ) : null}
        <dt>{ctx.t('partners.event.registered')}</dt>
        <dd>{props.registered}</dd>
        {e.certifiesMembership ? (
          <>
            <dt>{ctx.t('partners.event.certifies')}</dt>
            <dd>✓</dd>
          </>
        ) : null}
      </dl>
      <GoalList ctx={ctx} goals={(Array.isArray(e.goals) ? e.goals : []) as number[]} />
      <p class="prewrap">{e.description}</p>
      {props.participants.length > 0 ? (
        <>
          <h2>{ctx.t('partners.event.participants')}</h2>
          <ul>
            {props.participants.map((p) => (
              <li>
                <a href={ctx.href(`/cities/${city.id}/partners/${p.id}`)}>{p.name}</a>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {e.status !== 'announced' ? (
        <p>{ctx.t('partners.event.closed')}</p>
      ) : full ? (
        <p>{ctx.t('partners.event.full')}</p>
      ) : (
        <>
          <p>{ctx.t('partners.event.partnerHint')}</p>
          <p>
            <a href={`/staff/partner/events/${e.id}`}>{ctx.t('partners.event.register')}</a>
          </p>
          {e.kind === 'course' ? (
            <form class="pt-form" method="post" action={ctx.href(`/cities/${city.id}/partners/events/${e.id}/register`)}>
              <CsrfField token={props.csrfToken} />
              <Honeypot ctx={ctx} />
              <ErrorList ctx={ctx} state={props.state ?? { values: {}, goals: [], errors: {} }} />
              <TextField ctx={ctx} name="name" label={ctx.t('partners.event.publicName')} values={props.state?.values ?? {}} errors={errors} required autocomplete="name" />
              <TextField ctx={ctx} name="email" type="email" label={ctx.t('partners.event.publicEmail')} values={props.state?.values ?? {}} errors={errors} required autocomplete="email" />
              <button type="submit">{ctx.t('partners.event.register')}</button>
            </form>
          ) : null}
        </>
      )}
    </PartnerLayout>
  );
}

/** Award calls and their public results. */
export function AwardsView(props: {
  ctx: ViewContext;
  city: City;
  programme: Programme;
  awards: { award: PartnerAward; entries: { id: number; partner_id: number; partner_name: string; title: string; winner: boolean; prize: string | null }[] }[];
  /** Partners with a public page (winners are linked to it). */
  listed: ReadonlySet<number>;
}) {
  const { ctx, city } = props;
  return (
    <PartnerLayout ctx={ctx} title={ctx.t('partners.awards')} breadcrumbs={crumbs(ctx, city, props.programme)}>
      <h1>{ctx.t('partners.awards')}</h1>
      <PartnerLoginLink ctx={ctx} />
      {props.awards.length === 0 ? <p>{ctx.t('partners.award.none')}</p> : null}
      {props.awards.map(({ award: a, entries }) => (
        <section class="pt-card">
          <h2 id={`award-${a.id}`}>
            {a.title}（{a.year}）
            <SampleBadge ctx={ctx} show={a.isSample} />
          </h2>
          <p class="pt-meta">
            {ctx.t(`partners.award.status.${a.status}` as MessageKey)} ・ {ctx.t('partners.award.closesOn')} {a.closesOn} ・ {ctx.t('partners.award.applications')} {entries.length}
          </p>
          <p class="prewrap">{a.description}</p>
          {a.status === 'open' ? (
            <p>
              <a href={`/staff/partner/awards/${a.id}`}>{ctx.t('partners.award.enter')}</a>
            </p>
          ) : null}
          {a.status === 'decided' ? (
            <>
              <h3>{ctx.t('partners.award.results')}</h3>
              <p>
                {ctx.t('partners.award.winners')}: {entries.filter((e) => e.winner).length} / {ctx.t('partners.award.applications')}: {entries.length}
              </p>
              <ul>
                {entries
                  .filter((e) => e.winner)
                  .map((e) => (
                    <li>
                      {e.prize ? <strong>{e.prize}</strong> : null} {e.title} — {props.listed.has(e.partner_id) ? <a href={ctx.href(`/cities/${city.id}/partners/${e.partner_id}`)}>{e.partner_name}</a> : e.partner_name}
                    </li>
                  ))}
              </ul>
            </>
          ) : null}
        </section>
      ))}
    </PartnerLayout>
  );
}

/** The lecturer dispatch request form (講師派遣). */
export function DispatchView(props: { ctx: ViewContext; city: City; programme: Programme; state: FormState; csrfToken: string; heldThisYear: { year: number; count: number }; done?: boolean }) {
  const { ctx, city, state } = props;
  const errors = errorMessages(ctx, state.errors);
  const v = state.values;
  return (
    <PartnerLayout ctx={ctx} title={ctx.t('partners.dispatch')} breadcrumbs={crumbs(ctx, city, props.programme)}>
      <h1>{ctx.t('partners.dispatch')}</h1>
      <p>{ctx.t('partners.dispatch.lead')}</p>
      <p>
        {ctx.t('partners.dispatch.held')} ({props.heldThisYear.year}): {props.heldThisYear.count}
      </p>
      {props.done ? (
        <p class="pt-notice" role="status">
          {ctx.t('partners.dispatch.done')}
        </p>
      ) : (
        <>
          <ErrorList ctx={ctx} state={state} />
          <form class="pt-form" method="post" action={ctx.href(`/cities/${city.id}/partners/dispatch`)} novalidate>
            <CsrfField token={props.csrfToken} />
            <Honeypot ctx={ctx} />
            <TextField ctx={ctx} name="requesterName" label={ctx.t('partners.dispatch.requester')} values={v} errors={errors} required autocomplete="organization" />
            <SelectField ctx={ctx} name="requesterType" label={ctx.t('partners.dispatch.requesterType')} values={v} errors={errors} required options={MEMBER_TYPES.map((t) => ({ value: t, label: typeLabel(ctx, t) }))} />
            <TextField ctx={ctx} name="contactName" label={ctx.t('partners.dispatch.contactName')} values={v} errors={errors} required autocomplete="name" />
            <TextField ctx={ctx} name="contactEmail" type="email" label={ctx.t('partners.dispatch.contactEmail')} values={v} errors={errors} required autocomplete="email" />
            <TextArea ctx={ctx} name="topic" label={ctx.t('partners.dispatch.topic')} values={v} errors={errors} required rows={2} />
            <TextField ctx={ctx} name="preferredOn" type="date" label={ctx.t('partners.dispatch.preferredOn')} values={v} errors={errors} required />
            <TextField ctx={ctx} name="audienceSize" label={ctx.t('partners.dispatch.audience')} values={v} errors={errors} required inputmode="numeric" />
            <button type="submit">{ctx.t('partners.dispatch.submit')}</button>
          </form>
        </>
      )}
    </PartnerLayout>
  );
}
