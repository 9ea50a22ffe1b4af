import { formatTokyoDate, formatTokyoWallClock } from '../../../core/time/clock.ts';
import type { MessageKey } from '../../../i18n/messages.ts';
import type { MatchSuggestion } from '../../../partners/matching.ts';
import type { Partner, PartnerContact } from '../../../partners/partner.ts';
import type { PartnerAward, PartnerEvent, PartnerSubmission } from '../../../partners/activity.model.ts';
import type { Programme } from '../../../partners/programme.ts';
import { CsrfField } from '../staff/staff-layout.tsx';
import { TextArea, TextField } from '../staff/form.tsx';
import type { ViewContext } from '../view-context.ts';
import { Check, ErrorList, errorMessages, ProfileFields, type FormState } from './partner-form.tsx';
import { fillText, GoalChip, Notice, PartnerLayout, programmeName, resourceLabel } from './partner-parts.tsx';

/** A collaboration as the partner page lists it; `contact` only once accepted. */
export interface CollaborationItem {
  readonly id: number;
  readonly incoming: boolean;
  readonly otherName: string;
  readonly message: string;
  readonly status: 'pending' | 'accepted' | 'declined';
  readonly contact: PartnerContact | null;
}

/** The partner's own page: status, profile, contact, matching, collaboration, events, renewal, data, withdrawal. */
export function PartnerHomeView(props: {
  ctx: ViewContext;
  csrfToken: string;
  programme: Programme;
  partner: Partner;
  contact: PartnerContact | null;
  submissions: PartnerSubmission[];
  profileState: FormState;
  contactState: FormState;
  matches: MatchSuggestion[];
  collaborations: CollaborationItem[];
  events: (PartnerEvent & { registeredByMe: boolean })[];
  awards: PartnerAward[];
  notice?: string | undefined;
}) {
  const { ctx, partner: p, programme } = props;
  const base = '/staff/partner';
  const pendingChange = props.submissions.some((s) => s.status === 'pending' && s.kind !== 'application');
  const contactErrors = errorMessages(ctx, props.contactState.errors);
  const approved = p.status === 'approved';
  return (
    <PartnerLayout ctx={ctx} title={ctx.t('partners.myPage')}>
      <h1>
        {ctx.t('partners.myPage')}: {p.profile.name}
      </h1>
      <Notice text={props.notice} />
      <form method="post" action="/staff/logout">
        <CsrfField token={props.csrfToken} />
        <button class="pt-button pt-button-secondary" type="submit">
          {ctx.t('staff.nav.logout')}
        </button>
      </form>
      <dl class="pt-dl">
        <dt>{ctx.t('partners.programme')}</dt>
        <dd>{programmeName(ctx, programme)}</dd>
        <dt>{ctx.t('partners.status')}</dt>
        <dd id="partner-status">{ctx.t(`partners.status.${p.status}` as MessageKey)}</dd>
        {p.registrationNo ? (
          <>
            <dt>{ctx.t('partners.partner.registrationNo')}</dt>
            <dd>{p.registrationNo}</dd>
            <dt>{ctx.t('partners.partner.validUntil')}</dt>
            <dd>{p.validUntil ?? ctx.t('partners.validityNone')}</dd>
          </>
        ) : null}
      </dl>
      {approved ? (
        <p>
          <a href={ctx.href(`/cities/${programme.cityId}/partners/${p.id}`)}>{ctx.t('partners.me.profile')}</a>
        </p>
      ) : null}
      {p.status === 'returned' ? (
        <div class="pt-errors">
          <p>{ctx.t('partners.me.returned')}</p>
          <p>
            {ctx.t('partners.me.reason')}: <span class="prewrap">{p.returnReason}</span>
          </p>
        </div>
      ) : null}

      {approved ? (
        <section>
          <h2 id="matches">{ctx.t('partners.me.matches')}</h2>
          <p>{ctx.t('partners.me.matchesLead')}</p>
          {props.matches.length === 0 ? <p>{ctx.t('partners.me.noMatches')}</p> : null}
          <ul class="pt-cards">
            {props.matches.map((m) => (
              <li class="pt-card match">
                <h3>
                  <a href={ctx.href(`/cities/${programme.cityId}/partners/${m.partner.id}`)}>{m.partner.name}</a>
                </h3>
                <p class="pt-meta">
                  {ctx.t('partners.me.sharedGoals')}:{' '}
                  {m.sharedGoals.map((g) => (
                    <>
                      <GoalChip ctx={ctx} goal={g} />{' '}
                    </>
                  ))}
                </p>
                <ul class="pt-reasons">
                  {m.reasons.map((r) => (
                    <li>
                      {fillText(ctx.t(`partners.match.${r.kind}` as MessageKey), { category: resourceLabel(ctx, r.category) })}: {r.offer} → {r.seek}
                    </li>
                  ))}
                </ul>
                <form class="pt-form" method="post" action={`${base}/collaborations`}>
                  <CsrfField token={props.csrfToken} />
                  <input type="hidden" name="to" value={String(m.partner.id)} />
                  <div class="field">
                    <label for={`msg-${m.partner.id}`}>{ctx.t('partners.me.collabMessage')}</label>
                    <textarea id={`msg-${m.partner.id}`} name="message" rows={2} maxlength={2000} required></textarea>
                  </div>
                  <button type="submit">{ctx.t('partners.me.requestCollab')}</button>
                </form>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section>
        <h2 id="collaborations">{ctx.t('partners.me.collaborations')}</h2>
        {props.collaborations.length === 0 ? <p>{ctx.t('partners.me.noCollaborations')}</p> : null}
        <ul class="pt-cards">
          {props.collaborations.map((c) => (
            <li class="pt-card">
              <p class="pt-meta">
                {ctx.t(c.incoming ? 'partners.me.collabFrom' : 'partners.me.collabTo')}: <strong>{c.otherName}</strong> ・ {ctx.t(`partners.me.collab.${c.status}` as MessageKey)}
              </p>
              <p class="prewrap">{c.message === '' ? ctx.t('partners.me.collabErased') : c.message}</p>
              {c.contact ? (
                <p>
                  {ctx.t('partners.me.sharedContact')}: {c.contact.representative} / {c.contact.email}
                  {c.contact.phone ? ` / ${c.contact.phone}` : ''}
                </p>
              ) : null}
              {c.incoming && c.status === 'pending' ? (
                <ul class="pt-actions">
                  {(['accept', 'decline'] as const).map((a) => (
                    <li>
                      <form method="post" action={`${base}/collaborations/${c.id}/${a}`}>
                        <CsrfField token={props.csrfToken} />
                        <button class={a === 'accept' ? 'pt-button' : 'pt-button pt-button-secondary'} type="submit">
                          {ctx.t(a === 'accept' ? 'partners.me.accept' : 'partners.me.decline')}
                        </button>
                      </form>
                    </li>
                  ))}
                </ul>
              ) : null}
            </li>
          ))}
        </ul>
      </section>

      {approved ? (
        <section>
          <h2 id="events">{ctx.t('partners.events')}</h2>
          {props.events.length === 0 ? <p>{ctx.t('partners.event.none')}</p> : null}
          <ul>
            {props.events.map((e) => (
              <li>
                <a href={ctx.href(`/cities/${programme.cityId}/partners/events/${e.id}`)}>{e.title}</a> ({formatTokyoWallClock(e.startsAt)}){' '}
                {e.registeredByMe ? (
                  <strong>{ctx.t('partners.event.already')}</strong>
                ) : e.status === 'announced' ? (
                  <form method="post" action={`${base}/events/${e.id}`} style="display:inline">
                    <CsrfField token={props.csrfToken} />
                    <button class="pt-button" type="submit" aria-label={`${ctx.t('partners.event.register')}: ${e.title}`}>
                      {ctx.t('partners.event.register')}
                    </button>
                  </form>
                ) : null}
              </li>
            ))}
          </ul>
          {props.awards.filter((a) => a.status === 'open').map((a) => (
            <form class="pt-form" method="post" action={`${base}/awards/${a.id}`}>
              <h3>
                {ctx.t('partners.award.enter')}: {a.title}
              </h3>
              <CsrfField token={props.csrfToken} />
              <TextField ctx={ctx} name="title" formId={`award-${a.id}`} label={ctx.t('partners.award.entryTitle')} values={{}} errors={{}} required />
              <TextArea ctx={ctx} name="summary" formId={`award-${a.id}`} label={ctx.t('partners.award.entrySummary')} values={{}} errors={{}} required />
              <button type="submit">{ctx.t('partners.award.enter')}</button>
            </form>
          ))}
        </section>
      ) : null}

      {p.status !== 'rejected' ? (
        <section>
          <h2 id="profile">{ctx.t('partners.me.profile')}</h2>
          {approved ? <p>{ctx.t('partners.me.profileHint')}</p> : null}
          {pendingChange ? <p>{ctx.t('partners.me.changePending')}</p> : null}
          <ErrorList ctx={ctx} state={props.profileState} />
          <form class="pt-form" method="post" action={`${base}/profile`} novalidate>
            <CsrfField token={props.csrfToken} />
            <ProfileFields ctx={ctx} programme={programme} state={props.profileState} withContact={p.status === 'returned'} />
            <Check ctx={ctx} name="consentPublication" label={ctx.t('partners.form.publication')} checked={props.profileState.values['consentPublication'] === 'on'} />
            <button type="submit">{p.status === 'returned' ? ctx.t('partners.me.resubmit') : ctx.t('partners.form.save')}</button>
          </form>
        </section>
      ) : null}

      {p.status !== 'returned' ? (
        <section>
          <h2 id="contact">{ctx.t('partners.me.contact')}</h2>
          <form class="pt-form" method="post" action={`${base}/contact`} novalidate>
            <CsrfField token={props.csrfToken} />
            <TextField ctx={ctx} name="representative" formId="contact" label={ctx.t('partners.form.representative')} values={props.contactState.values} errors={contactErrors} required />
            <TextField ctx={ctx} name="email" type="email" formId="contact" label={ctx.t('partners.form.email')} values={props.contactState.values} errors={contactErrors} required />
            <TextField ctx={ctx} name="phone" formId="contact" label={ctx.t('partners.form.phone')} values={props.contactState.values} errors={contactErrors} />
            <button type="submit">{ctx.t('partners.form.save')}</button>
          </form>
        </section>
      ) : null}

      {approved && programme.config.validityYears !== null ? (
        <section>
          <h2>{ctx.t('partners.me.renewal')}</h2>
          <form method="post" action={`${base}/renew`}>
            <CsrfField token={props.csrfToken} />
            <button class="pt-button" type="submit">
              {ctx.t('partners.me.renew')}
            </button>
          </form>
        </section>
      ) : null}

      <section>
        <h2>{ctx.t('partners.admin.submissions')}</h2>
        <ul>
          {props.submissions.map((s) => (
            <li>
              {ctx.t(`partners.submission.${s.kind}` as MessageKey)} ・ {formatTokyoDate(s.submittedAt)} ・ {ctx.t(`partners.submission.${s.status}` as MessageKey)}
              {s.reason ? `: ${s.reason}` : ''}
            </li>
          ))}
        </ul>
        <p>
          <a href={`${base}/export`} download>
            {ctx.t('partners.me.download')}
          </a>
        </p>
      </section>

      <section>
        <h2>{ctx.t('partners.me.withdraw')}</h2>
        <p>{ctx.t('partners.me.withdrawWarning')}</p>
        <form class="pt-form" method="post" action={`${base}/withdraw`}>
          <CsrfField token={props.csrfToken} />
          <Check ctx={ctx} name="confirm" label={ctx.t('partners.me.withdrawConfirm')} checked={false} />
          <button class="pt-button pt-danger" type="submit">
            {ctx.t('partners.me.withdraw')}
          </button>
        </form>
      </section>
    </PartnerLayout>
  );
}
