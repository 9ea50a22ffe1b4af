import { formatTokyoDateTime } from '../../../core/time/clock.ts';
import type { City } from '../../../core/city/city.ts';
import type { Plan, PlanNode } from '../../../core/plan/plan.ts';
import { walkPlanNodes } from '../../../core/plan/plan.ts';
import type { DepartmentProgress } from '../../../review/round.service.ts';
import type { EntryRound, OutboxMail } from '../../../review/round.service.ts';
import { localized, type ViewContext } from '../view-context.ts';
import type { PlanEditState } from '../../../staff/edit-state.service.ts';
import { encodeVersions } from '../../../staff/form-versions.ts';
import { ConflictPanel, ErrorSummary, TextArea, TextField, VersionField, type ConflictInfo, type FieldErrors, type FormValues } from './form.tsx';
import { CsrfField, fill, StaffLayout, type StaffPage, sep } from './staff-layout.tsx';
import type { Kpi } from '../../../core/kpi/kpi.ts';
import type { PlanBuilderState, PlanListState } from '../../../plans/plan-builder.service.ts';
import { PlanKindPeriodFields, PlanListBuilder, PlanTreeBuilder, PlanVersionsSection, type BuilderForm } from './plan-builder.view.tsx';

function crumbs(ctx: ViewContext, city: City) {
  return [
    { href: ctx.href('/staff'), label: ctx.t('staff.nav.dashboard') },
    { href: ctx.href(`/staff/cities/${city.id}`), label: localized(ctx, city.name, city.nameEn) },
  ];
}

/** Publishing and unpublishing a year's actuals. */
export function PublicationView(props: { page: StaffPage; city: City; years: readonly { year: number; actuals: number; published: boolean; review?: { submitted: number; returned: number; draft: number } }[]; notice?: string | undefined }) {
  const { ctx, csrfToken } = props.page;
  const t = ctx.t;
  return (
    <StaffLayout page={props.page} title={t('staff.publication.title')} breadcrumbs={crumbs(ctx, props.city)} notice={props.notice}>
      <h1>{t('staff.publication.title')}</h1>
      <p>{t('staff.publication.lead')}</p>
      <table class="data">
        <thead>
          <tr>
            <th scope="col">{t('staff.publication.year')}</th>
            <th scope="col" class="num">
              {t('staff.publication.actuals')}
            </th>
            <th scope="col">{t('staff.publication.state')}</th>
            <th scope="col">{t('staff.city.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {props.years.map((y) => (
            <tr>
              <th scope="row">{y.year}</th>
              <td class="num">{y.actuals}</td>
              <td>
                {y.published ? t('staff.publication.published') : <span class="tag tag-unpublished">{t('staff.publication.unpublished')}</span>}
                {y.review && y.review.submitted + y.review.returned + y.review.draft > 0 ? (
                  <div class="hint">
                    <a href={ctx.href(`/staff/cities/${props.city.id}/review`)}>{fill(t('review.pendingInYear'), { year: y.year, ...y.review })}</a>
                  </div>
                ) : null}
              </td>
              <td>
                <form method="post" action={ctx.href(`/staff/cities/${props.city.id}/publication`)} class="inline-form">
                  <CsrfField token={csrfToken} />
                  <input type="hidden" name="year" value={String(y.year)} />
                  <input type="hidden" name="published" value={y.published ? 'false' : 'true'} />
                  <button type="submit" class={y.published ? 'secondary' : ''} aria-label={`${y.year}${sep(ctx)}${y.published ? t('staff.publication.unpublish') : t('staff.publication.publish')}`}>
                    {y.published ? t('staff.publication.unpublish') : t('staff.publication.publish')}
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </StaffLayout>
  );
}

/** The rounds of a city: open one, and for each its completion by department. */
export function RoundsView(props: {
  page: StaffPage;
  city: City;
  rounds: readonly { round: EntryRound; progress: readonly DepartmentProgress[] }[];
  reminderDays: readonly number[];
  values: FormValues;
  errors: FieldErrors;
  notice?: string | undefined;
}) {
  const { ctx, csrfToken } = props.page;
  const t = ctx.t;
  const base = `/staff/cities/${props.city.id}/rounds`;
  return (
    <StaffLayout page={props.page} title={t('staff.round.title')} breadcrumbs={crumbs(ctx, props.city)} notice={props.notice}>
      <h1>{t('staff.round.title')}</h1>
      <p>{fill(t('staff.round.lead'), { days: props.reminderDays.join('・') })}</p>
      <h2>{t('staff.round.open')}</h2>
      <ErrorSummary ctx={ctx} errors={props.errors} labels={{ year: t('staff.round.year'), deadline: t('staff.round.deadline') }} />
      <form method="post" action={ctx.href(base)} class="stacked" novalidate>
        <CsrfField token={csrfToken} />
        <TextField ctx={ctx} name="year" label={t('staff.round.year')} hint={t('staff.round.yearHint')} values={props.values} errors={props.errors} required inputmode="numeric" size={6} />
        <TextField ctx={ctx} name="deadline" label={t('staff.round.deadline')} hint={t('staff.round.deadlineHint')} values={props.values} errors={props.errors} required size={12} />
        <button type="submit">{t('staff.round.open')}</button>
      </form>
      <h2>{t('staff.round.list')}</h2>
      {props.rounds.length === 0 ? <p>{t('staff.round.none')}</p> : null}
      {props.rounds.map(({ round, progress }) => (
        <section class="section" aria-labelledby={`round-${round.year}`}>
          <h3 id={`round-${round.year}`}>
            {round.year}（{t('staff.round.deadline')} {round.deadline}）：{round.closedAt ? t('staff.round.isClosed') : t('staff.round.isOpen')}
          </h3>
          <table class="data">
            <caption>{t('staff.round.completion')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('staff.city.department')}</th>
                <th scope="col" class="num">
                  {t('staff.round.done')}
                </th>
                <th scope="col">{t('staff.round.missingKpis')}</th>
              </tr>
            </thead>
            <tbody>
              {progress.map((p) => (
                <tr>
                  <th scope="row">{localized(ctx, p.department.name, p.department.nameEn ?? undefined)}</th>
                  <td class="num">
                    {p.total - p.missing.length} / {p.total}
                  </td>
                  <td>
                    {p.missing.length === 0 ? (
                      <span class="tag tag-done">{t('staff.round.complete')}</span>
                    ) : (
                      <ul>
                        {p.missing.map((k) => (
                          <li>
                            <span class="tag tag-missing">{k.name}</span>
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {round.closedAt ? null : (
            <p>
              <form method="post" action={ctx.href(`${base}/${round.year}/remind`)} class="inline-form">
                <CsrfField token={csrfToken} />
                <button type="submit" class="secondary">
                  {t('staff.round.remind')}
                </button>
              </form>{' '}
              <form method="post" action={ctx.href(`${base}/${round.year}/close`)} class="inline-form">
                <CsrfField token={csrfToken} />
                <button type="submit" class="secondary">
                  {t('staff.round.close')}
                </button>
              </form>
            </p>
          )}
        </section>
      ))}
    </StaffLayout>
  );
}

/** The outbox: reminders queued, sent or waiting. */
export function OutboxView(props: { page: StaffPage; city: City; mails: readonly OutboxMail[]; smtp: boolean }) {
  const { ctx } = props.page;
  const t = ctx.t;
  const time = (d: Date | null) => (d ? formatTokyoDateTime(d) : t('staff.outbox.notSent'));
  return (
    <StaffLayout page={props.page} title={t('staff.outbox.title')} breadcrumbs={crumbs(ctx, props.city)}>
      <h1>{t('staff.outbox.title')}</h1>
      <p>{props.smtp ? t('staff.outbox.smtpOn') : t('staff.outbox.smtpOff')}</p>
      <p>{t('staff.outbox.lead')}</p>
      {props.mails.length === 0 ? <p>{t('staff.outbox.empty')}</p> : null}
      {props.mails.map((m) => (
        <article class="section">
          <h2>{m.subject}</h2>
          <p>
            {t('staff.outbox.to')}{sep(ctx)}{m.recipient} ・ {t('staff.outbox.created')}{sep(ctx)}{time(m.createdAt)} ・ {t('staff.outbox.sent')}{sep(ctx)}{time(m.sentAt)}
            {m.lastError ? ` ・ ${t('staff.outbox.error')}${sep(ctx)}${m.lastError}` : ''}
          </p>
          <pre class="audit-change">{m.body}</pre>
        </article>
      ))}
    </StaffLayout>
  );
}

/** The plans of a city, to pick one to edit. */
export function PlanListView(props: { page: StaffPage; city: City; plans: readonly Plan[]; builder?: { state: PlanListState; form?: BuilderForm | undefined } | undefined; notice?: string | undefined; builderNote?: string | undefined }) {
  const { ctx } = props.page;
  const t = ctx.t;
  return (
    <StaffLayout page={props.page} title={t('staff.plan.list')} breadcrumbs={crumbs(ctx, props.city)} notice={props.notice}>
      <h1>{t('staff.plan.list')}</h1>
      {props.builder ? (
        <PlanListBuilder page={props.page} city={props.city} state={props.builder.state} form={props.builder.form} />
      ) : (
        <ul>
          {props.plans.map((p) => (
            <li>
              <a href={ctx.href(`/staff/cities/${props.city.id}/plans/${p.id}`)}>{localized(ctx, p.title, p.titleEn)}</a>
            </li>
          ))}
        </ul>
      )}
      {props.builder ? (
        <p>
          <a href={ctx.href(`/staff/cities/${props.city.id}/kpi-table`)}>{t('kpiTable.title')}</a>
        </p>
      ) : props.builderNote ? (
        <p class="note">{props.builderNote}</p>
      ) : null}
    </StaffLayout>
  );
}

/** A plan page form re-rendered with the user's input: with field errors, or as a refused stale save. */
export interface PlanForm {
  readonly values: FormValues;
  readonly errors: FieldErrors;
  readonly conflict?: ConflictInfo;
}

/** Editing a plan: its head, its nodes, and the expert evaluation by year. */
export function PlanEditView(props: {
  page: StaffPage;
  city: City;
  plan: Plan;
  can: { edit: boolean; evaluate: boolean };
  forms: { head?: PlanForm; node?: PlanForm & { id: string }; evaluation?: PlanForm };
  /** The plan's editable state as stored now: the forms' default values and the versions they carry. */
  edit: PlanEditState;
  notice?: string | undefined;
  /** The secretariat's plan builder (issue 13.2): tree forms, versions; absent for who may not build. */
  builder?: { state: PlanBuilderState; kpis: readonly Kpi[]; form?: BuilderForm | undefined } | undefined;
}) {
  const { ctx, csrfToken } = props.page;
  const t = ctx.t;
  const p = props.plan;
  const base = `/staff/cities/${props.city.id}/plans/${p.id}`;
  const title = fill(t('staff.plan.title'), { plan: localized(ctx, p.title, p.titleEn) });
  const edit = props.edit;
  const b = props.builder;
  const head: PlanForm = props.forms.head ?? { values: { title: edit.title, titleEn: edit.titleEn, vision: edit.vision, ...(b && { kind: b.state.kind, periodStart: String(b.state.periodStart), periodEnd: String(b.state.periodEnd) }) }, errors: {} };
  const evaluation: PlanForm = props.forms.evaluation ?? { values: { year: String(Number(props.page.today.slice(0, 4)) - 1) }, errors: {} };
  const nodeValues = (n: PlanNode): PlanForm => {
    if (props.forms.node?.id === n.id) return props.forms.node;
    const stored = edit.nodes.get(n.id);
    return { values: stored ? { code: stored.code, title: stored.title, titleEn: stored.titleEn, description: stored.description } : { code: n.code ?? '', title: n.title, titleEn: n.titleEn ?? '', description: n.description ?? '' }, errors: {} };
  };
  const nodeEditForm = (node: PlanNode) => {
    const f = nodeValues(node);
    const label = `${t('staff.plan.editNode')}：${node.code ? `${node.code} ` : ''}${localized(ctx, node.title, node.titleEn)}`;
    return (
              <details open={props.forms.node?.id === node.id}>
                <summary>{label}</summary>
                <ErrorSummary ctx={ctx} errors={f.errors} labels={{ title: t('staff.plan.nodeTitle') }} formId={`node-${node.id}`} />
                {f.conflict ? <ConflictPanel ctx={ctx} conflict={f.conflict} /> : null}
                <form method="post" action={ctx.href(`${base}/nodes/${node.id}`)} class="stacked" novalidate>
                  <CsrfField token={csrfToken} />
                  <VersionField value={edit.nodes.get(node.id)?.version ?? 0} />
                  <TextField ctx={ctx} formId={`node-${node.id}`} name="code" label={t('staff.plan.nodeCode')} values={f.values} errors={f.errors} size={8} />
                  <TextField ctx={ctx} formId={`node-${node.id}`} name="title" label={t('staff.plan.nodeTitle')} values={f.values} errors={f.errors} required />
                  <TextField ctx={ctx} formId={`node-${node.id}`} name="titleEn" label={t('staff.plan.nodeTitleEn')} values={f.values} errors={f.errors} />
                  <TextArea ctx={ctx} formId={`node-${node.id}`} name="description" label={t('staff.plan.nodeDescription')} values={f.values} errors={f.errors} rows={3} />
                  <button type="submit">{t('staff.form.save')}</button>
                </form>
              </details>
    );
  };
  return (
    <StaffLayout page={props.page} title={title} breadcrumbs={[...crumbs(ctx, props.city), { href: ctx.href(`/staff/cities/${props.city.id}/plans`), label: t('staff.plan.list') }]} notice={props.notice}>
      <h1>{title}</h1>
      {props.plan.kind === 'sdgs-future-city' ? (
        <p>
          <a href={ctx.href(`/staff/cities/${props.city.id}/plans/${props.plan.id}/sheets`)}>{t('sheets.diff.title')}</a>
        </p>
      ) : null}
      {props.can.edit ? (
        <p>
          <a href={ctx.href(`${base}/next-period`)}>{t('period.next.title')}</a>
        </p>
      ) : null}
      {props.can.edit ? (
        <section class="section" aria-labelledby="head">
          <h2 id="head">{t('staff.plan.head')}</h2>
          <ErrorSummary ctx={ctx} errors={head.errors} labels={{ title: t('staff.plan.titleField') }} formId="head" />
          {head.conflict ? <ConflictPanel ctx={ctx} conflict={head.conflict} /> : null}
          <form method="post" action={ctx.href(base)} class="stacked" novalidate>
            <CsrfField token={csrfToken} />
            <VersionField value={edit.version} />
            <TextField ctx={ctx} formId="head" name="title" label={t('staff.plan.titleField')} values={head.values} errors={head.errors} required />
            <TextField ctx={ctx} formId="head" name="titleEn" label={t('staff.plan.titleEn')} values={head.values} errors={head.errors} />
            {b ? <PlanKindPeriodFields ctx={ctx} formId="head" values={head.values} errors={head.errors} /> : null}
            <TextArea ctx={ctx} formId="head" name="vision" label={t('staff.plan.vision')} values={head.values} errors={head.errors} />
            <TextField ctx={ctx} formId="head" name="reason" label={t('staff.plan.reason')} values={head.values} errors={head.errors} />
            <button type="submit">{t('staff.form.save')}</button>
          </form>
        </section>
      ) : null}
      {props.can.edit && b ? (
        <>
          <PlanTreeBuilder page={props.page} city={props.city} plan={p} kpis={b.kpis} state={b.state} nodeVersions={new Map([...edit.nodes].map(([id, n]) => [id, n.version]))} form={b.form} nodeEditForm={nodeEditForm} />
          <PlanVersionsSection page={props.page} city={props.city} plan={p} planVersion={edit.version} state={b.state} form={b.form} />
        </>
      ) : props.can.edit ? (
        <section class="section" aria-labelledby="nodes">
          <h2 id="nodes">{t('staff.plan.nodes')}</h2>
          {[...walkPlanNodes(p.nodes)].map(({ node, depth }) => {
            const f = nodeValues(node);
            const label = `${node.code ? `${node.code} ` : ''}${localized(ctx, node.title, node.titleEn)}`;
            return (
              <details open={props.forms.node?.id === node.id} style={`margin-left:${depth * 1.2}rem`}>
                <summary>{label}</summary>
                <ErrorSummary ctx={ctx} errors={f.errors} labels={{ title: t('staff.plan.nodeTitle') }} formId={`node-${node.id}`} />
                {f.conflict ? <ConflictPanel ctx={ctx} conflict={f.conflict} /> : null}
                <form method="post" action={ctx.href(`${base}/nodes/${node.id}`)} class="stacked" novalidate>
                  <CsrfField token={csrfToken} />
                  <VersionField value={edit.nodes.get(node.id)?.version ?? 0} />
                  <TextField ctx={ctx} formId={`node-${node.id}`} name="code" label={t('staff.plan.nodeCode')} values={f.values} errors={f.errors} size={8} />
                  <TextField ctx={ctx} formId={`node-${node.id}`} name="title" label={t('staff.plan.nodeTitle')} values={f.values} errors={f.errors} required />
                  <TextField ctx={ctx} formId={`node-${node.id}`} name="titleEn" label={t('staff.plan.nodeTitleEn')} values={f.values} errors={f.errors} />
                  <TextArea ctx={ctx} formId={`node-${node.id}`} name="description" label={t('staff.plan.nodeDescription')} values={f.values} errors={f.errors} rows={3} />
                  <button type="submit">{t('staff.form.save')}</button>
                </form>
              </details>
            );
          })}
        </section>
      ) : null}
      <section class="section" aria-labelledby="evaluation">
        <h2 id="evaluation">{t('staff.plan.evaluation')}</h2>
        {p.narratives
          .filter((n) => n.kind === 'expert-evaluation')
          .map((n) => (
            <article>
              <h3>
                {n.title}
                {n.year ? `（${n.year}）` : ''}
              </h3>
              <p>{n.body}</p>
            </article>
          ))}
        {props.can.evaluate ? (
          <form method="post" action={ctx.href(`${base}/evaluation`)} class="stacked" novalidate>
            <CsrfField token={csrfToken} />
            <VersionField name="versions" value={encodeVersions([...edit.evaluations].map(([year, e]) => [year, e.version] as const))} />
            {evaluation.conflict ? <ConflictPanel ctx={ctx} conflict={evaluation.conflict} /> : null}
            <ErrorSummary ctx={ctx} errors={evaluation.errors} labels={{ year: t('staff.plan.evaluationYear'), body: t('staff.plan.evaluationBody') }} formId="evaluation" />
            <TextField ctx={ctx} formId="evaluation" name="year" label={t('staff.plan.evaluationYear')} values={evaluation.values} errors={evaluation.errors} required inputmode="numeric" size={6} />
            <TextArea ctx={ctx} formId="evaluation" name="body" label={t('staff.plan.evaluationBody')} values={evaluation.values} errors={evaluation.errors} required rows={6} />
            <button type="submit">{t('staff.plan.evaluationSave')}</button>
          </form>
        ) : null}
      </section>
    </StaffLayout>
  );
}
