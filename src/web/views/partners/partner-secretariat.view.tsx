import { formatTokyoDateTime, formatTokyoWallClock } from '../../../core/time/clock.ts';
import type { MessageKey } from '../../../i18n/messages.ts';
import type { Partner, PartnerContact, PartnerProfile } from '../../../partners/partner.ts';
import type { PartnerAward, PartnerDispatch, PartnerEvent, PartnerSubmission } from '../../../partners/activity.model.ts';
import type { Programme } from '../../../partners/programme.ts';
import { CsrfField, StaffLayout, type StaffPage } from '../staff/staff-layout.tsx';
import type { ViewContext } from '../view-context.ts';
import { goalName } from './partner-form.tsx';
import { programmeName, registeredOnText, resourceLabel, SampleBadge, typeLabel } from './partner-parts.tsx';

/** The secretariat's pages of a programme (staff area): review, partners, outbox, events, awards, dispatch. */

const css = <link rel="stylesheet" href="/partners/static/partners.css" />;

export function SecretariatView(props: {
  page: StaffPage;
  programme: Programme;
  queue: (PartnerSubmission & { partnerName: string })[];
  partners: Partner[];
  mail: { id: number; recipient: string; subject: string; body: string; created_at: Date; sent_at: Date | null }[];
  events: (PartnerEvent & { registrations: { id: number; label: string; attended: boolean | null }[] })[];
  awards: (PartnerAward & { entries: { id: number; partner_name: string; title: string; meanScore: number | null; winner: boolean; prize: string | null }[] })[];
  dispatches: PartnerDispatch[];
  notice?: string | undefined;
}) {
  const { page, programme: p } = props;
  const ctx = page.ctx;
  const base = `/staff/partners/${p.cityId}`;
  const tok = <CsrfField token={page.csrfToken} />;
  return (
    <StaffLayout page={page} title={`${ctx.t('partners.admin.title')}: ${programmeName(ctx, p)}`} notice={props.notice}>
      {css}
      <nav aria-label={ctx.t('partners.admin.title')}>
        <ul class="pt-actions">
          {(['queue', 'all', 'events', 'awards', 'dispatches', 'outbox'] as const).map((id) => (
            <li>
              <a href={`#${id}`}>{ctx.t(`partners.admin.${id}` as MessageKey)}</a>
            </li>
          ))}
        </ul>
      </nav>
      <h2 id="queue">{ctx.t('partners.admin.queue')}</h2>
      {props.queue.length === 0 ? (
        <p>{ctx.t('partners.admin.noQueue')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{ctx.t('partners.admin.submittedAt')}</th>
              <th scope="col">{ctx.t('partners.admin.kind')}</th>
              <th scope="col">{ctx.t('partners.form.name')}</th>
            </tr>
          </thead>
          <tbody>
            {props.queue.map((s) => (
              <tr>
                <td>{formatTokyoDateTime(s.submittedAt)}</td>
                <td>{ctx.t(`partners.submission.${s.kind}` as MessageKey)}</td>
                <td>
                  <a href={`${base}/${s.partnerId}`}>{s.partnerName}</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form method="post" action={`${base}/reminders`}>
        {tok}
        <button class="pt-button pt-button-secondary" type="submit">
          {ctx.t('partners.admin.reminders')}
        </button>
      </form>

      <h2 id="all">{ctx.t('partners.admin.all')}</h2>
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">{ctx.t('partners.form.name')}</th>
              <th scope="col">{ctx.t('partners.partner.type')}</th>
              <th scope="col">{ctx.t('partners.status')}</th>
              <th scope="col">{ctx.t('partners.partner.registrationNo')}</th>
              <th scope="col">{ctx.t('partners.partner.validUntil')}</th>
            </tr>
          </thead>
          <tbody>
            {props.partners.map((x) => (
              <tr>
                <td>
                  <a href={`${base}/${x.id}`}>{x.profile.name}</a>
                  <SampleBadge ctx={ctx} show={x.isSample} />
                </td>
                <td>{typeLabel(ctx, x.profile.memberType)}</td>
                <td>{ctx.t(`partners.status.${x.status}` as MessageKey)}</td>
                <td>{x.registrationNo ?? '—'}</td>
                <td>{x.validUntil ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2 id="events">{ctx.t('partners.admin.events')}</h2>
      {props.events.map((e) => (
        <section class="pt-card">
          <h3>
            {e.title} ({ctx.t(`partners.event.kind.${e.kind}` as MessageKey)}, {formatTokyoWallClock(e.startsAt)}) — {ctx.t(`partners.event.status.${e.status}` as MessageKey)}
          </h3>
          {e.status === 'announced' ? (
            <form class="pt-form" method="post" action={`${base}/events/${e.id}/held`}>
              {tok}
              <fieldset>
                <legend>{ctx.t('partners.admin.attendance')}</legend>
                {e.registrations.map((r) => (
                  <div class="pt-check">
                    <input type="checkbox" id={`att-${r.id}`} name="attended" value={String(r.id)} checked />
                    <label for={`att-${r.id}`}>{r.label}</label>
                  </div>
                ))}
                <label for={`held-${e.id}`}>{ctx.t('partners.admin.heldOn')}</label>
                <input type="date" id={`held-${e.id}`} name="heldOn" value={e.startsAt.slice(0, 10)} required />
              </fieldset>
              <button type="submit">{ctx.t('partners.admin.attendance')}</button>
            </form>
          ) : (
            <ul>
              {e.registrations.map((r) => (
                <li>
                  {r.label}: {r.attended ? ctx.t('partners.admin.attended') : '—'}
                </li>
              ))}
            </ul>
          )}
        </section>
      ))}
      <form class="pt-form" method="post" action={`${base}/events`}>
        {tok}
        <fieldset>
          <legend>{ctx.t('partners.admin.newEvent')}</legend>
          <label for="ev-kind">{ctx.t('partners.admin.eventKind')}</label>
          <select id="ev-kind" name="kind">
            <option value="meeting">{ctx.t('partners.event.kind.meeting')}</option>
            <option value="course">{ctx.t('partners.event.kind.course')}</option>
          </select>
          <label for="ev-title">{ctx.t('partners.admin.eventTitle')}</label>
          <input id="ev-title" name="title" type="text" required maxlength={200} />
          <label for="ev-desc">{ctx.t('partners.admin.eventDescription')}</label>
          <textarea id="ev-desc" name="description" rows={3} maxlength={2000}></textarea>
          <label for="ev-starts">{ctx.t('partners.event.startsAt')}</label>
          <input id="ev-starts" name="startsAt" type="datetime-local" required />
          <label for="ev-place">{ctx.t('partners.event.place')}</label>
          <input id="ev-place" name="place" type="text" required maxlength={200} />
          <label for="ev-cap">{ctx.t('partners.event.capacity')}</label>
          <input id="ev-cap" name="capacity" type="number" min={1} />
          <label for="ev-goals">{ctx.t('partners.admin.goals')}</label>
          <input id="ev-goals" name="goals" type="text" />
          {p.config.courseCertifiesMembership ? (
            <div class="pt-check">
              <input type="checkbox" id="ev-cert" name="certifies" />
              <label for="ev-cert">{ctx.t('partners.event.certifies')}</label>
            </div>
          ) : null}
        </fieldset>
        <button type="submit">{ctx.t('partners.admin.newEvent')}</button>
      </form>

      <h2 id="awards">{ctx.t('partners.admin.awards')}</h2>
      {props.awards.map((a) => (
        <section class="pt-card">
          <h3>
            {a.title} ({a.year}) — {ctx.t(`partners.award.status.${a.status}` as MessageKey)} ・ {ctx.t('partners.award.applications')} {a.entries.length}
          </h3>
          {a.status !== 'decided' ? (
            <form class="pt-form" method="post" action={`${base}/awards/${a.id}/decide`}>
              {tok}
              <table>
                <thead>
                  <tr>
                    <th scope="col">{ctx.t('partners.award.entryTitle')}</th>
                    <th scope="col">{ctx.t('partners.admin.meanScore')}</th>
                    <th scope="col">{ctx.t('partners.award.prize')}</th>
                  </tr>
                </thead>
                <tbody>
                  {a.entries.map((e) => (
                    <tr>
                      <td>
                        {e.title} — {e.partner_name}
                      </td>
                      <td class="num">{e.meanScore === null ? '—' : e.meanScore.toFixed(1)}</td>
                      <td>
                        <label class="visually-hidden" for={`prize-${e.id}`}>
                          {ctx.t('partners.award.prize')}: {e.title}
                        </label>
                        <input id={`prize-${e.id}`} name={`prize_${e.id}`} type="text" maxlength={100} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <button type="submit">{ctx.t('partners.admin.decideWinners')}</button>
            </form>
          ) : (
            <ul>
              {a.entries
                .filter((e) => e.winner)
                .map((e) => (
                  <li>
                    {e.prize} {e.title} — {e.partner_name}
                  </li>
                ))}
            </ul>
          )}
          {a.status !== 'decided'
            ? a.entries.map((e) => (
                <form class="pt-form" method="post" action={`${base}/awards/${a.id}/entries/${e.id}/score`}>
                  {tok}
                  <label for={`score-${e.id}`}>
                    {ctx.t('partners.admin.score')}: {e.title}
                  </label>
                  <input id={`score-${e.id}`} name="score" type="number" min={1} max={5} required />
                  <button type="submit">{ctx.t('partners.admin.saveScore')}</button>
                </form>
              ))
            : null}
        </section>
      ))}
      <form class="pt-form" method="post" action={`${base}/awards`}>
        {tok}
        <fieldset>
          <legend>{ctx.t('partners.admin.newAward')}</legend>
          <label for="aw-title">{ctx.t('partners.admin.eventTitle')}</label>
          <input id="aw-title" name="title" type="text" required maxlength={200} />
          <label for="aw-desc">{ctx.t('partners.admin.eventDescription')}</label>
          <textarea id="aw-desc" name="description" rows={3} maxlength={2000}></textarea>
          <label for="aw-year">{ctx.t('partners.award.year')}</label>
          <input id="aw-year" name="year" type="number" min={2000} max={2100} required />
          <label for="aw-closes">{ctx.t('partners.award.closesOn')}</label>
          <input id="aw-closes" name="closesOn" type="date" required />
        </fieldset>
        <button type="submit">{ctx.t('partners.admin.newAward')}</button>
      </form>

      <h2 id="dispatches">{ctx.t('partners.admin.dispatches')}</h2>
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">{ctx.t('partners.dispatch.requester')}</th>
              <th scope="col">{ctx.t('partners.dispatch.topic')}</th>
              <th scope="col">{ctx.t('partners.dispatch.preferredOn')}</th>
              <th scope="col">{ctx.t('partners.status')}</th>
              <th scope="col">{ctx.t('partners.admin.decision')}</th>
            </tr>
          </thead>
          <tbody>
            {props.dispatches.map((d) => (
              <tr>
                <td>
                  {d.requesterName} ({typeLabel(ctx, d.requesterType)}){d.contactEmail ? ` ・ ${d.contactName ?? ''} ${d.contactEmail}` : ''}
                </td>
                <td>{d.topic}</td>
                <td>{d.preferredOn}</td>
                <td>
                  {ctx.t(`partners.dispatch.status.${d.status}` as MessageKey)}
                  {d.scheduledOn ? ` ${d.scheduledOn}` : ''}
                  {d.heldOn ? ` (${d.participants ?? '—'})` : ''}
                </td>
                <td>
                  {d.status === 'requested' ? (
                    <form method="post" action={`${base}/dispatches/${d.id}/schedule`}>
                      {tok}
                      <label for={`sch-${d.id}`}>{ctx.t('partners.admin.scheduledOn')}</label>
                      <input id={`sch-${d.id}`} name="scheduledOn" type="date" value={d.preferredOn} required />
                      <label for={`lec-${d.id}`}>{ctx.t('partners.admin.lecturer')}</label>
                      <input id={`lec-${d.id}`} name="lecturer" type="text" required maxlength={100} />
                      <button type="submit">{ctx.t('partners.admin.schedule')}</button>
                    </form>
                  ) : d.status === 'scheduled' ? (
                    <form method="post" action={`${base}/dispatches/${d.id}/held`}>
                      {tok}
                      <label for={`heldd-${d.id}`}>{ctx.t('partners.admin.heldOn')}</label>
                      <input id={`heldd-${d.id}`} name="heldOn" type="date" value={d.scheduledOn ?? ''} required />
                      <label for={`part-${d.id}`}>{ctx.t('partners.admin.participants')}</label>
                      <input id={`part-${d.id}`} name="participants" type="number" min={0} />
                      <button type="submit">{ctx.t('partners.admin.recordHeld')}</button>
                    </form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2 id="outbox">{ctx.t('partners.admin.outbox')}</h2>
      <p>{ctx.t('partners.admin.outboxLead')}</p>
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">{ctx.t('partners.admin.recipient')}</th>
              <th scope="col">{ctx.t('partners.admin.subject')}</th>
              <th scope="col">{ctx.t('partners.admin.sentAt')}</th>
            </tr>
          </thead>
          <tbody>
            {props.mail.map((m) => (
              <tr>
                <td>{m.recipient}</td>
                <td>
                  <details>
                    <summary>{m.subject}</summary>
                    <div class="pt-mail">{m.body}</div>
                  </details>
                </td>
                <td>{m.sent_at ? formatTokyoDateTime(m.sent_at) : ctx.t('partners.admin.unsent')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </StaffLayout>
  );
}

function ProfileList(props: { ctx: ViewContext; programme: Programme; profile: PartnerProfile }) {
  const { ctx, profile } = props;
  return (
    <dl class="pt-dl">
      <dt>{ctx.t('partners.form.name')}</dt>
      <dd>{profile.name}</dd>
      <dt>{ctx.t('partners.partner.kana')}</dt>
      <dd>{profile.nameKana}</dd>
      <dt>{ctx.t('partners.partner.type')}</dt>
      <dd>{typeLabel(ctx, profile.memberType)}</dd>
      <dt>{ctx.t('partners.partner.area')}</dt>
      <dd>{profile.area}</dd>
      <dt>{ctx.t('partners.partner.website')}</dt>
      <dd>{profile.website ?? '—'}</dd>
      {profile.goals.map((g) => (
        <>
          <dt>
            {g.goal}. {goalName(ctx, g.goal)}
          </dt>
          <dd class="prewrap">{g.declaration}</dd>
        </>
      ))}
      {profile.resources.map((r) => (
        <>
          <dt>
            {ctx.t(r.kind === 'offer' ? 'partners.offers' : 'partners.seeks')}: {resourceLabel(ctx, r.category)}
          </dt>
          <dd>{r.description}</dd>
        </>
      ))}
    </dl>
  );
}

/** One partner for the secretariat: private contact, the submissions with the decision form, the history. */
export function SecretariatPartnerView(props: {
  page: StaffPage;
  programme: Programme;
  partner: Partner;
  contact: PartnerContact | null;
  submissions: PartnerSubmission[];
  history: { occurred_at: Date; actor: string; action: string; reason: string | null }[];
  error?: string | undefined;
  notice?: string | undefined;
}) {
  const { page, programme, partner: p } = props;
  const ctx = page.ctx;
  const base = `/staff/partners/${programme.cityId}`;
  const pending = props.submissions.find((s) => s.status === 'pending');
  return (
    <StaffLayout page={page} title={p.profile.name} notice={props.notice} breadcrumbs={[{ href: base, label: ctx.t('partners.admin.title') }]}>
      {css}
      <p>
        {ctx.t('partners.status')}: <strong id="partner-status">{ctx.t(`partners.status.${p.status}` as MessageKey)}</strong>
        {p.registrationNo ? ` ・ ${p.registrationNo} ・ ${p.registeredOn ? registeredOnText(ctx, p.registeredOn) : ''} – ${p.validUntil ?? ''}` : ''}
      </p>
      <h2>{ctx.t('partners.admin.privateData')}</h2>
      {props.contact ? (
        <dl class="pt-dl">
          <dt>{ctx.t('partners.admin.representative')}</dt>
          <dd>{props.contact.representative}</dd>
          <dt>{ctx.t('partners.admin.email')}</dt>
          <dd>{props.contact.email}</dd>
          <dt>{ctx.t('partners.admin.phone')}</dt>
          <dd>{props.contact.phone ?? '—'}</dd>
        </dl>
      ) : (
        <p>—</p>
      )}
      {pending ? (
        <section>
          <h2>
            {ctx.t('partners.admin.decision')}: {ctx.t(`partners.submission.${pending.kind}` as MessageKey)}
          </h2>
          {pending.profile ? (
            <>
              <h3>{ctx.t('partners.admin.proposed')}</h3>
              <ProfileList ctx={ctx} programme={programme} profile={pending.profile as PartnerProfile} />
            </>
          ) : null}
          {pending.kind === 'change' ? (
            <>
              <h3>{ctx.t('partners.admin.current')}</h3>
              <ProfileList ctx={ctx} programme={programme} profile={p.profile} />
            </>
          ) : null}
          {props.error ? (
            <p class="pt-error" role="alert">
              {props.error}
            </p>
          ) : null}
          <form class="pt-form" method="post" action={`${base}/submissions/${pending.id}`}>
            <CsrfField token={page.csrfToken} />
            <div class="field">
              <label for="reason">{ctx.t('partners.admin.reason')}</label>
              <textarea id="reason" name="reason" rows={3} maxlength={1000}></textarea>
            </div>
            <ul class="pt-actions">
              <li>
                <button type="submit" name="decision" value="approve">
                  {ctx.t('partners.admin.approve')}
                </button>
              </li>
              <li>
                <button type="submit" name="decision" value="return" class="pt-button-secondary">
                  {ctx.t('partners.admin.return')}
                </button>
              </li>
              <li>
                <button type="submit" name="decision" value="reject" class="pt-danger">
                  {ctx.t('partners.admin.reject')}
                </button>
              </li>
            </ul>
          </form>
        </section>
      ) : (
        <>
          <h2>{ctx.t('partners.admin.current')}</h2>
          <ProfileList ctx={ctx} programme={programme} profile={p.profile} />
        </>
      )}
      <h2>{ctx.t('partners.admin.submissions')}</h2>
      <ul>
        {props.submissions.map((s) => (
          <li>
            {ctx.t(`partners.submission.${s.kind}` as MessageKey)} ・ {formatTokyoDateTime(s.submittedAt)} ・ {ctx.t(`partners.submission.${s.status}` as MessageKey)}
            {s.reason ? `: ${s.reason}` : ''}
          </li>
        ))}
      </ul>
      {p.status !== 'withdrawn' ? (
        <section>
          <h2 id="withdraw">{ctx.t('partners.admin.withdrawTitle')}</h2>
          <p>{ctx.t('partners.admin.withdrawLead')}</p>
          <form class="pt-form" method="post" action={`${base}/${p.id}/withdraw`}>
            <CsrfField token={page.csrfToken} />
            <div class="pt-check">
              <input type="checkbox" id="withdraw-confirm" name="confirm" required />
              <label for="withdraw-confirm">{ctx.t('partners.admin.withdrawConfirm')}</label>
            </div>
            <button type="submit" class="pt-danger">
              {ctx.t('partners.me.withdraw')}
            </button>
          </form>
        </section>
      ) : null}
      <h2>{ctx.t('partners.admin.history')}</h2>
      <ul>
        {props.history.map((h) => (
          <li>
            {formatTokyoDateTime(h.occurred_at)} {h.action} ({h.actor}){h.reason ? `: ${h.reason}` : ''}
          </li>
        ))}
      </ul>
    </StaffLayout>
  );
}
