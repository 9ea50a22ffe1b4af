import type { City } from '../../../core/city/city.ts';
import type { MessageKey } from '../../../i18n/messages.ts';
import type { MyCityUpdates, MyKpi } from '../../../review/my-updates.service.ts';
import { pointOfKey, slugOfKey, type ActualContent, type ReviewStatus, type TextContent } from '../../../review/review.ts';
import { localized } from '../view-context.ts';
import { CsrfField, fill, StaffLayout, type StaffPage, sep } from './staff-layout.tsx';

/** A reviewed entry as the review queue lists it. */
export interface ReviewRow {
  readonly status: ReviewStatus;
  /** The KPI's or plan's name. */
  readonly label: string;
  readonly unit: string | null;
}

function contentText(c: ActualContent | TextContent | null, unit: string | null): string {
  if (c === null) return '—';
  if ('value' in c) return `${c.decimals !== null ? c.value.toFixed(c.decimals) : String(c.value)}${unit ? ` ${unit}` : ''}${c.note ? `（${c.note}）` : ''}`;
  return c.body;
}

/** A review state as a tag. */
export function ReviewStateTag(props: { ctx: StaffPage['ctx']; state: ReviewStatus['state'] | 'documented' }) {
  return <span class={`tag tag-review-${props.state}`}>{props.ctx.t(`review.state.${props.state}` as MessageKey)}</span>;
}

/**
 * The secretariat's review queue: every submitted entry with what is public now, the
 * explanation a department gave for a worsening status, and approve / return (with a reason).
 */
export function ReviewQueueView(props: { page: StaffPage; city: City; rows: readonly ReviewRow[]; others: readonly ReviewRow[]; error?: string | undefined; notice?: string | undefined }) {
  const { ctx, csrfToken } = props.page;
  const t = ctx.t;
  const base = `/staff/cities/${props.city.id}/review`;
  return (
    <StaffLayout
      page={props.page}
      title={t('review.title')}
      breadcrumbs={[
        { href: ctx.href('/staff'), label: t('staff.nav.dashboard') },
        { href: ctx.href(`/staff/cities/${props.city.id}`), label: localized(ctx, props.city.name, props.city.nameEn) },
      ]}
      notice={props.notice}
    >
      <h1>{t('review.title')}</h1>
      <p>{t('review.lead')}</p>
      {props.error ? (
        <div class="error-summary" role="alert">
          <p>{props.error}</p>
        </div>
      ) : null}
      {props.rows.length === 0 ? (
        <p>{t('review.none')}</p>
      ) : (
        <div class="table-scroll">
          <table class="data review-queue">
            <thead>
              <tr>
                <th scope="col">{t('review.col.what')}</th>
                <th scope="col">{t('review.col.year')}</th>
                <th scope="col">{t('review.col.content')}</th>
                <th scope="col">{t('review.col.previous')}</th>
                <th scope="col">{t('review.col.explanation')}</th>
                <th scope="col">{t('review.col.by')}</th>
                <th scope="col">{t('review.col.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map((r) => {
                const name = `${t(`review.entity.${r.status.entity}` as MessageKey)}${sep(ctx)}${r.label}（${pointOfKey(r.status.key)}）`;
                return (
                  <tr data-key={`${r.status.entity}:${r.status.key}`}>
                    <th scope="row">
                      {t(`review.entity.${r.status.entity}` as MessageKey)}
                      {sep(ctx)}
                      {r.label}
                      {r.status.platformOverride ? <div class="hint">{fill(t('actual.override.label'), { reason: r.status.platformOverride })}</div> : null}
                    </th>
                    <td>{pointOfKey(r.status.key)}</td>
                    <td>{contentText(r.status.content, r.unit)}</td>
                    <td>{r.status.everApproved ? contentText(r.status.approved, r.unit) : '—'}</td>
                    <td>{r.status.explanation ?? ''}</td>
                    <td>{r.status.actor}</td>
                    <td>
                      <form method="post" action={ctx.href(base)} class="inline">
                        <CsrfField token={csrfToken} />
                        <input type="hidden" name="entity" value={r.status.entity} />
                        <input type="hidden" name="key" value={r.status.key} />
                        <input type="hidden" name="step" value={String(r.status.step)} />
                        <button type="submit" name="action" value="approve" aria-label={`${t('review.approve')}${sep(ctx)}${name}`}>
                          {t('review.approve')}
                        </button>
                      </form>
                      <form method="post" action={ctx.href(base)} class="stacked">
                        <CsrfField token={csrfToken} />
                        <input type="hidden" name="entity" value={r.status.entity} />
                        <input type="hidden" name="key" value={r.status.key} />
                        <input type="hidden" name="step" value={String(r.status.step)} />
                        <label for={`reason-${r.status.entity}-${r.status.key}`}>{t('review.returnReason')}</label>
                        <input type="text" id={`reason-${r.status.entity}-${r.status.key}`} name="reason" maxlength={1000} />
                        <button type="submit" name="action" value="return" class="secondary" aria-label={`${t('review.return')}${sep(ctx)}${name}`}>
                          {t('review.return')}
                        </button>
                      </form>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {props.others.length > 0 ? (
        <section class="section" aria-labelledby="review-others">
          <h2 id="review-others">
            {t('review.state.returned')}・{t('review.state.draft')}
          </h2>
          <ul>
            {props.others.map((r) => (
              <li>
                <ReviewStateTag ctx={ctx} state={r.status.state} /> {t(`review.entity.${r.status.entity}` as MessageKey)}
                {sep(ctx)}
                {r.label}（{pointOfKey(r.status.key)}）{r.status.state === 'returned' && r.status.reason ? `${sep(ctx)}${r.status.reason}` : ''}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </StaffLayout>
  );
}

function KpiList(props: { ctx: StaffPage['ctx']; cityId: string; kpis: readonly MyKpi[] }) {
  const { ctx } = props;
  return (
    <ul>
      {props.kpis.map((k) => (
        <li>
          <a href={ctx.href(`/staff/cities/${props.cityId}/kpis/${k.id}/actuals/new`)}>{k.name}</a>
          {'（'}
          {ctx.t('myUpdates.lastUpdate')}
          {sep(ctx)}
          {k.lastUpdate ? `${k.daysSinceUpdate}${ctx.lang === 'ja' ? '日前' : ' days ago'}` : ctx.t('myUpdates.never')}
          {'）'}
        </li>
      ))}
    </ul>
  );
}

/** "My updates": per city, the user's KPIs lacking an actual, returned entries, drafts, every open round; the secretariat's completion by department. */
export function MyUpdatesView(props: { page: StaffPage; cities: readonly MyCityUpdates[]; notice?: string | undefined }) {
  const { ctx, csrfToken } = props.page;
  const t = ctx.t;
  return (
    <StaffLayout page={props.page} title={t('myUpdates.title')} breadcrumbs={[{ href: ctx.href('/staff'), label: t('staff.nav.dashboard') }]} notice={props.notice}>
      <h1>{t('myUpdates.title')}</h1>
      <p>{t('myUpdates.lead')}</p>
      {props.cities.map((c) => {
        const nothing = c.rounds.every((r) => r.missing.length === 0) && c.missingCurrent.length === 0 && c.returned.length === 0 && c.drafts.length === 0 && !c.awaitingReview;
        return (
          <section class="section" aria-labelledby={`city-${c.cityId}`}>
            <h2 id={`city-${c.cityId}`}>
              <a href={ctx.href(`/staff/cities/${c.cityId}`)}>{c.cityName}</a>
              {c.department ? `${sep(ctx)}${c.department.name}` : ''}
            </h2>
            {c.returned.length > 0 ? (
              <>
                <h3>{t('myUpdates.returned')}</h3>
                <ul class="returned">
                  {c.returned.map((s) => (
                    <li>
                      <ReviewStateTag ctx={ctx} state="returned" /> {s.label}（{pointOfKey(s.key)}）{sep(ctx)}
                      {s.reason}{' '}
                      {s.entity === 'actual' ? (
                        <a href={ctx.href(`/staff/cities/${c.cityId}/kpis/${slugOfKey(s.key)}/actuals/new?at=${encodeURIComponent(pointOfKey(s.key))}`)}>{t('staff.kpi.correct')}</a>
                      ) : (
                        <a href={ctx.href(`/staff/cities/${c.cityId}/${s.entity === 'evaluation' ? 'plans' : 'kpis'}/${slugOfKey(s.key)}`)}>{t('staff.city.open')}</a>
                      )}
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
            {c.drafts.length > 0 ? (
              <>
                <h3>{t('myUpdates.drafts')}</h3>
                <ul>
                  {c.drafts.map((s) => (
                    <li>
                      <ReviewStateTag ctx={ctx} state="draft" /> {s.label}（{pointOfKey(s.key)}）
                      <form method="post" action={ctx.href(`/staff/cities/${c.cityId}/review`)} class="inline">
                        <CsrfField token={csrfToken} />
                        <input type="hidden" name="entity" value={s.entity} />
                        <input type="hidden" name="key" value={s.key} />
                        <input type="hidden" name="next" value="updates" />
                        <button type="submit" name="action" value="submit">
                          {t('review.submit')}
                        </button>
                      </form>
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
            {c.rounds.length > 0 ? <h3>{t('myUpdates.rounds')}</h3> : null}
            {c.rounds.map((r) => (
              <div class="round" data-year={String(r.round.year)}>
                <h4>
                  {r.round.year}
                  {sep(ctx)}
                  {t('myUpdates.due')} {r.round.deadline}（{r.daysLeft >= 0 ? fill(t('myUpdates.daysLeft'), { days: r.daysLeft }) : fill(t('myUpdates.overdue'), { days: -r.daysLeft })}）
                </h4>
                {r.missing.length > 0 ? (
                  <>
                    <p>{fill(t('myUpdates.missing'), { year: r.round.year })}</p>
                    <KpiList ctx={ctx} cityId={c.cityId} kpis={r.missing} />
                  </>
                ) : null}
                {r.completion ? (
                  <table class="data">
                    <caption>{t('myUpdates.completion')}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t('myUpdates.department')}</th>
                        <th scope="col" class="num">
                          {t('myUpdates.entered')}
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {r.completion.map((p) => (
                        <tr>
                          <th scope="row">{p.department.name}</th>
                          <td class="num">
                            {p.total - p.missing.length} / {p.total}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                ) : null}
              </div>
            ))}
            {c.rounds.length === 0 && c.missingCurrent.length > 0 ? (
              <>
                <h3>{fill(t('myUpdates.missing'), { year: c.currentYear })}</h3>
                <KpiList ctx={ctx} cityId={c.cityId} kpis={c.missingCurrent} />
              </>
            ) : null}
            {c.awaitingReview !== null ? (
              <p>
                <a href={ctx.href(`/staff/cities/${c.cityId}/review`)}>{fill(t('myUpdates.reviewQueue'), { count: c.awaitingReview })}</a>
              </p>
            ) : null}
            {c.unremindable && c.unremindable.length > 0 ? (
              <div class="notice notice-warning unremindable">
                <p>{t('myUpdates.noRecipient')}</p>
                <ul>
                  {c.unremindable.map((d) => (
                    <li>{d.name}</li>
                  ))}
                </ul>
                <p class="hint">{t('myUpdates.noRecipientHint')}</p>
              </div>
            ) : null}
            {nothing && !(c.unremindable && c.unremindable.length > 0) && c.rounds.every((r) => !r.completion) ? <p>{t('myUpdates.allDone')}</p> : null}
          </section>
        );
      })}
    </StaffLayout>
  );
}
