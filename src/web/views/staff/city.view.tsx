import type { City, StatusOverride } from '../../../core/city/city.ts';
import { directionNeedsConfirmation, KPI_UPDATE_FREQUENCIES, targetBelowBaseline, type Kpi } from '../../../core/kpi/kpi.ts';
import type { KpiStatus } from '../../../core/kpi/status.ts';
import { sortedObservations } from '../../../core/kpi/kpi-evaluation.ts';
import { observationSource } from '../../../actuals/observation-source.ts';
import { formatTimePointWareki } from '../../../core/notation/index.ts';
import { formatTimePointIso, reportingYear, type TimePoint } from '../../../core/time/time-point.ts';
import type { MessageKey } from '../../../i18n/messages.ts';
import type { DepartmentProgress } from '../../../review/round.service.ts';
import type { Department } from '../../../departments/department.service.ts';
import type { EntryRound } from '../../../review/round.service.ts';
import { formatQuantity, formatTime } from '../format.ts';
import { localized, type ViewContext } from '../view-context.ts';
import type { KpiEditState } from '../../../staff/edit-state.service.ts';
import { encodeVersions } from '../../../staff/form-versions.ts';
import { ConflictPanel, ErrorSummary, RadioGroup, SelectField, TextArea, TextField, VersionField, type ConflictInfo, type FieldErrors, type FormValues } from './form.tsx';
import { CsrfField, fill, StaffLayout, type StaffPage, sep } from './staff-layout.tsx';

/** A KPI row of the staff city page. */
export interface StaffKpiRow {
  readonly kpi: Kpi;
  readonly department: Department | undefined;
  readonly demoAssignment: boolean;
  readonly canEdit: boolean;
}

/** A time point as printed, with 和暦 beside it in Japanese. */
export function timeLabel(ctx: ViewContext, at: TimePoint): string {
  const w = formatTimePointWareki(at);
  const base = formatTime(at, ctx.lang);
  return ctx.lang === 'ja' && w !== base ? `${base}（${w}）` : base;
}

function kpiName(ctx: ViewContext, k: Kpi): string {
  return localized(ctx, k.name, k.nameEn);
}

/** The city's staff home: the user's department's KPIs missing an actual, all KPIs, and the management pages. */
export function CityStaffView(props: {
  page: StaffPage;
  city: City;
  rows: readonly StaffKpiRow[];
  unpublishedYears: ReadonlySet<number>;
  round: EntryRound | undefined;
  myProgress: DepartmentProgress | undefined;
  tools: { review: boolean; import: boolean; plans: boolean; publication: boolean; rounds: boolean; audit: boolean };
  /** Submissions waiting in the city's partner review queue; null when the user does not review or the city runs no programme. */
  partnerQueue?: { pending: number } | null;
  notice?: string | undefined;
}) {
  const { ctx } = props.page;
  const t = ctx.t;
  const cityName = localized(ctx, props.city.name, props.city.nameEn);
  const base = `/staff/cities/${props.city.id}`;
  return (
    <StaffLayout page={props.page} title={fill(t('staff.city.title'), { city: cityName })} breadcrumbs={[{ href: ctx.href('/staff'), label: t('staff.nav.dashboard') }]} notice={props.notice}>
      <h1>{fill(t('staff.city.title'), { city: cityName })}</h1>
      {props.myProgress && props.round ? (
        <section class="section" aria-labelledby="my-kpis">
          <h2 id="my-kpis">
            {t('staff.city.myKpis')}{sep(ctx)}{props.myProgress.department.name}
          </h2>
          <p>
            {t('staff.round.deadline')}{sep(ctx)}{props.round.deadline}
          </p>
          {props.myProgress.missing.length === 0 ? (
            <p class="notice">{t('staff.city.allEntered')}</p>
          ) : (
            <>
              <p>{fill(t('staff.city.missing'), { year: props.round.year })}</p>
              <ul>
                {props.myProgress.missing.map((k) => (
                  <li>
                    <a href={ctx.href(`${base}/kpis/${k.id}/actuals/new`)}>{k.name}</a>
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      ) : null}
      <section class="section" aria-labelledby="kpis">
        <h2 id="kpis">{t('staff.city.kpis')}</h2>
        <div class="table-scroll">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">{t('kpi.name')}</th>
                <th scope="col">{t('staff.city.department')}</th>
                <th scope="col">{t('staff.city.latest')}</th>
                <th scope="col">{t('staff.city.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map((r) => {
                const latest = sortedObservations(r.kpi).at(-1);
                return (
                  <tr>
                    <td>
                      <a href={ctx.href(`${base}/kpis/${r.kpi.id}`)}>{kpiName(ctx, r.kpi)}</a>
                      {directionNeedsConfirmation(r.kpi) ? <span class="tag tag-missing"> {t('kpi.direction.unconfirmedTag')}</span> : null}
                    </td>
                    <td>
                      {r.department ? localized(ctx, r.department.name, r.department.nameEn ?? undefined) : t('staff.city.noDepartment')}
                      {r.demoAssignment ? <span class="hint"> {t('staff.city.demoAssignment')}</span> : null}
                    </td>
                    <td>
                      {latest ? (
                        <>
                          {formatQuantity(latest.value, latest.decimals, r.kpi.unit, ctx.lang)}（{timeLabel(ctx, latest.at)}）
                          {props.unpublishedYears.has(reportingYear(latest.at)) ? <span class="tag tag-unpublished"> {t('staff.city.unpublished')}</span> : null}
                        </>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td>
                      {r.canEdit ? (
                        <a href={ctx.href(`${base}/kpis/${r.kpi.id}/actuals/new`)} aria-label={`${t('staff.city.enter')}${sep(ctx)}${kpiName(ctx, r.kpi)}`}>
                          {t('staff.city.enter')}
                        </a>
                      ) : (
                        <a href={ctx.href(`${base}/kpis/${r.kpi.id}`)} aria-label={`${t('staff.city.open')}${sep(ctx)}${kpiName(ctx, r.kpi)}`}>
                          {t('staff.city.open')}
                        </a>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>
      <section class="section" aria-labelledby="tools">
        <h2 id="tools">{t('staff.city.tools')}</h2>
        <ul>
          <li>
            <a href={ctx.href('/staff/updates')}>{t('myUpdates.title')}</a>
          </li>
          {props.tools.review ? (
            <li>
              <a href={ctx.href(`${base}/review`)}>{t('review.title')}</a>
            </li>
          ) : null}
          {props.tools.import ? (
            <li>
              <a href={ctx.href(`${base}/import`)}>{t('import.title')}</a>
            </li>
          ) : null}
          {props.tools.plans ? (
            <li>
              <a href={ctx.href(`${base}/plans`)}>{t('staff.city.plans')}</a>
            </li>
          ) : null}
          {props.tools.publication ? (
            <li>
              <a href={ctx.href(`${base}/publication`)}>{t('staff.city.publication')}</a>
            </li>
          ) : null}
          {props.tools.rounds ? (
            <>
              <li>
                <a href={ctx.href(`${base}/rounds`)}>{t('staff.city.rounds')}</a>
              </li>
              <li>
                <a href={ctx.href(`${base}/outbox`)}>{t('staff.city.outbox')}</a>
              </li>
            </>
          ) : null}
          {props.tools.audit ? (
            <li>
              <a href={ctx.href(`/staff/audit?city=${props.city.id}`)}>{t('staff.city.audit')}</a>
            </li>
          ) : null}
          {props.partnerQueue ? (
            <li>
              <a id="partner-queue" href={ctx.href(`/staff/partners/${props.city.id}#queue`)}>
                {fill(t('staff.partnerQueue'), { count: props.partnerQueue.pending })}
              </a>
            </li>
          ) : null}
        </ul>
      </section>
    </StaffLayout>
  );
}

/** Everything the KPI staff page shows and may offer. */
export interface KpiStaffProps {
  page: StaffPage;
  city: City;
  kpi: Kpi;
  department: Department | undefined;
  departments: readonly Department[];
  unpublishedYears: ReadonlySet<number>;
  computedStatus: KpiStatus | null;
  override: StatusOverride | undefined;
  commentaries: readonly { year: number; body: string }[];
  can: { edit: boolean; revise: boolean; override: boolean; define: boolean };
  forms: { commentary?: KpiForm; override?: KpiForm; define?: KpiForm };
  /** The KPI's editable state as stored now: the forms' default values and the versions they carry. */
  edit: KpiEditState;
  notice?: string | undefined;
}

/** A KPI page form re-rendered with the user's input: with field errors, or as a refused stale save. */
export interface KpiForm {
  readonly values: FormValues;
  readonly errors: FieldErrors;
  readonly conflict?: ConflictInfo;
}

/** The KPI staff page: actuals with their publication state, targets, commentary, status override, definition. */
export function KpiStaffView(props: KpiStaffProps) {
  const { ctx, csrfToken } = props.page;
  const t = ctx.t;
  const { kpi } = props;
  const base = `/staff/cities/${props.city.id}/kpis/${kpi.id}`;
  const title = fill(t('staff.kpi.title'), { kpi: kpiName(ctx, kpi) });
  const status = (s: string) => t(`status.${s}` as MessageKey);
  const commentaryForm: KpiForm = props.forms.commentary ?? { values: { year: String(Number(props.page.today.slice(0, 4)) - 1) }, errors: {} };
  const edit = props.edit;
  const overrideForm: KpiForm = props.forms.override ?? { values: { status: edit.override.status ?? '', justification: edit.override.status ? edit.override.justification : '' }, errors: {} };
  const below = targetBelowBaseline(kpi.baseline.value, kpi.targets.map((x) => x.value));
  const lowestTarget = below ? kpi.targets.reduce((m, x) => (x.value < m.value ? x : m)) : undefined;
  // A stored direction is shown as chosen; without one, "more is better" is offered only when no
  // target lies below the baseline (nothing to decide); otherwise the user must choose (issue 13.3).
  const directionValue = edit.direction ?? (below ? '' : 'up');
  const defineForm: KpiForm = props.forms.define ?? {
    values: {
      name: edit.name, nameEn: edit.nameEn, unit: edit.unit, direction: directionValue, department: edit.departmentId === null ? '' : String(edit.departmentId),
      sdgTargets: edit.sdgTargets, side: edit.side, aggregation: edit.aggregation, method: edit.method, baselineAt: edit.baselineAt, baselineValue: edit.baselineValue, definition: edit.definition, dataSource: edit.dataSource,
      dataProvider: edit.dataProvider, updateFrequency: edit.updateFrequency, indicator: edit.indicator,
    },
    errors: {},
  };
  const opts = (prefix: string, values: readonly string[]) => values.map((v) => ({ value: v, label: t(`${prefix}.${v}` as MessageKey) }));
  const defineLabels = {
    name: t('staff.kpi.name'), nameEn: t('staff.kpi.nameEn'), unit: t('staff.kpi.unit'), direction: t('kpi.direction.label'), department: t('staff.kpi.owner'), sdgTargets: t('plans.kpi.sdgTargets'), side: t('plans.kpi.side'), aggregation: t('plans.kpi.aggregation'),
    method: t('plans.kpi.method'), baselineAt: t('plans.kpi.baselineAt'), baselineValue: t('plans.kpi.baselineValue'), definition: t('plans.kpi.definition'), dataSource: t('plans.kpi.dataSource'), reason: t('kpiEdit.reason'),
    dataProvider: t('plans.kpi.dataProvider'), updateFrequency: t('plans.kpi.updateFrequency'), indicator: t('plans.kpi.indicator'),
  };
  const commentaryVersions = encodeVersions([...edit.commentaries].map(([year, c]) => [year, c.version] as const));
  return (
    <StaffLayout
      page={props.page}
      title={title}
      breadcrumbs={[
        { href: ctx.href('/staff'), label: t('staff.nav.dashboard') },
        { href: ctx.href(`/staff/cities/${props.city.id}`), label: localized(ctx, props.city.name, props.city.nameEn) },
      ]}
      notice={props.notice}
    >
      <h1>{title}</h1>
      {directionNeedsConfirmation(kpi) ? (
        <p class="notice notice-warning" role="status">
          {t('kpi.direction.unconfirmed')} <a href="#f-define-direction">{t('staff.kpi.edit')}</a>
        </p>
      ) : null}
      <p>
        {t('staff.kpi.owner')}{sep(ctx)}{props.department ? localized(ctx, props.department.name, props.department.nameEn ?? undefined) : t('staff.city.noDepartment')}
        {' ・ '}
        {t('staff.kpi.computedStatus')}{sep(ctx)}{props.computedStatus ? status(props.computedStatus) : '—'}
        {props.override ? ` ・ ${t('staff.status.override')}${sep(ctx)}${status(props.override.status)}` : ''}
      </p>
      <section class="section" aria-labelledby="actuals">
        <h2 id="actuals">{t('staff.kpi.actuals')}</h2>
        {props.can.edit ? (
          <p>
            <a class="button" href={ctx.href(`${base}/actuals/new`)}>
              {t('staff.city.enter')}
            </a>
          </p>
        ) : (
          <p>{t('staff.kpi.readOnly')}</p>
        )}
        {kpi.observations.length === 0 ? (
          <p>{t('staff.kpi.noActuals')}</p>
        ) : (
          <div class="table-scroll">
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">{t('staff.kpi.at')}</th>
                  <th scope="col" class="num">
                    {t('staff.kpi.value')}
                  </th>
                  <th scope="col">{t('staff.kpi.note')}</th>
                  <th scope="col">{t('staff.kpi.source')}</th>
                  <th scope="col">{t('staff.kpi.published')}</th>
                  {props.can.edit ? <th scope="col">{t('staff.city.actions')}</th> : null}
                </tr>
              </thead>
              <tbody>
                {sortedObservations(kpi).map((o) => (
                  <tr>
                    <td>{timeLabel(ctx, o.at)}</td>
                    <td class="num">{formatQuantity(o.value, o.decimals, kpi.unit, ctx.lang)}</td>
                    <td>{o.note ?? ''}</td>
                    <td>{observationSource(o, ctx.lang) ?? ''}</td>
                    <td>{props.unpublishedYears.has(reportingYear(o.at)) ? <span class="tag tag-unpublished">{t('staff.kpi.no')}</span> : t('staff.kpi.yes')}</td>
                    {props.can.edit ? (
                      <td>
                        <a href={ctx.href(`${base}/actuals/new?at=${encodeURIComponent(formatTimePointIso(o.at))}`)} aria-label={`${t('staff.kpi.correct')}${sep(ctx)}${timeLabel(ctx, o.at)}`}>
                          {t('staff.kpi.correct')}
                        </a>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section class="section" aria-labelledby="targets">
        <h2 id="targets">{t('staff.kpi.targets')}</h2>
        <ul>
          {kpi.targets.map((tg) => (
            <li>
              {timeLabel(ctx, tg.at)}{sep(ctx)}{formatQuantity(tg.value, tg.decimals, kpi.unit, ctx.lang)}
              {tg.revisions.length > 0 ? (
                <ul>
                  {tg.revisions.map((r) => (
                    <li>
                      {r.revisedOn}{sep(ctx)}{formatQuantity(r.oldValue, undefined, kpi.unit, ctx.lang)} → {formatQuantity(r.newValue, undefined, kpi.unit, ctx.lang)}（{r.reason}）
                    </li>
                  ))}
                </ul>
              ) : null}
            </li>
          ))}
        </ul>
        {props.can.revise ? (
          <p>
            <a href={ctx.href(`${base}/target`)}>{t('staff.kpi.revise')}</a>
          </p>
        ) : null}
      </section>
      <section class="section" aria-labelledby="commentary">
        <h2 id="commentary">{t('staff.kpi.commentary')}</h2>
        {props.commentaries.length > 0 ? (
          <dl>
            {props.commentaries.map((c) => (
              <>
                <dt>{c.year}</dt>
                <dd>{c.body}</dd>
              </>
            ))}
          </dl>
        ) : null}
        {props.can.edit ? (
          <form method="post" action={ctx.href(`${base}/commentary`)} class="stacked" novalidate>
            <CsrfField token={csrfToken} />
            <VersionField name="versions" value={commentaryVersions} />
            {commentaryForm.conflict ? <ConflictPanel ctx={ctx} conflict={commentaryForm.conflict} /> : null}
            <ErrorSummary ctx={ctx} errors={commentaryForm.errors} labels={{ year: t('staff.kpi.commentaryYear'), body: t('staff.kpi.commentaryBody') }} formId="commentary" />
            <TextField ctx={ctx} formId="commentary" name="year" label={t('staff.kpi.commentaryYear')} values={commentaryForm.values} errors={commentaryForm.errors} required inputmode="numeric" size={6} />
            <TextArea ctx={ctx} formId="commentary" name="body" label={t('staff.kpi.commentaryBody')} values={commentaryForm.values} errors={commentaryForm.errors} />
            <button type="submit">{t('staff.kpi.commentarySave')}</button>
          </form>
        ) : null}
      </section>
      {props.can.override ? (
        <section class="section" aria-labelledby="override">
          <h2 id="override">{t('staff.kpi.override')}</h2>
          {props.override ? <p>{fill(t('staff.kpi.overrideCurrent'), { status: status(props.override.status), justification: props.override.justification })}</p> : null}
          <form method="post" action={ctx.href(`${base}/override`)} class="stacked" novalidate>
            <CsrfField token={csrfToken} />
            <VersionField value={edit.override.version} />
            {overrideForm.conflict ? <ConflictPanel ctx={ctx} conflict={overrideForm.conflict} /> : null}
            <ErrorSummary ctx={ctx} errors={overrideForm.errors} labels={{ status: t('staff.kpi.overrideStatus'), justification: t('staff.kpi.overrideJustification') }} formId="override" />
            <SelectField
              ctx={ctx}
              formId="override"
              name="status"
              label={t('staff.kpi.overrideStatus')}
              values={overrideForm.values}
              errors={overrideForm.errors}
              options={[{ value: '', label: t('staff.kpi.overrideNone') }, ...(['achieved', 'on-track', 'behind', 'worsening'] as const).map((s) => ({ value: s, label: status(s) }))]}
            />
            <TextArea ctx={ctx} formId="override" name="justification" label={t('staff.kpi.overrideJustification')} values={overrideForm.values} errors={overrideForm.errors} required rows={3} />
            <button type="submit">{t('staff.kpi.overrideSave')}</button>
          </form>
        </section>
      ) : null}
      {props.can.define ? (
        <section class="section" aria-labelledby="define">
          <h2 id="define">{t('staff.kpi.edit')}</h2>
          <p class="hint">{t('kpiEdit.intro')}</p>
          {edit.hasData ? <p class="hint">{t('kpiEdit.hasData')}</p> : null}
          <form method="post" action={ctx.href(`${base}/edit`)} class="stacked" novalidate>
            <CsrfField token={csrfToken} />
            <VersionField value={edit.version} />
            {defineForm.conflict ? <ConflictPanel ctx={ctx} conflict={defineForm.conflict} /> : null}
            <ErrorSummary ctx={ctx} errors={defineForm.errors} labels={defineLabels} formId="define" />
            <TextField ctx={ctx} formId="define" name="name" label={defineLabels.name} values={defineForm.values} errors={defineForm.errors} required />
            <TextField ctx={ctx} formId="define" name="nameEn" label={defineLabels.nameEn} values={defineForm.values} errors={defineForm.errors} />
            <TextField ctx={ctx} formId="define" name="unit" label={defineLabels.unit} values={defineForm.values} errors={defineForm.errors} required size={10} />
            <RadioGroup
              ctx={ctx}
              formId="define"
              name="direction"
              label={defineLabels.direction}
              hint={t('kpi.direction.hint')}
              explanation={lowestTarget ? fill(t('kpi.direction.belowBaseline'), { target: `${formatQuantity(lowestTarget.value, lowestTarget.decimals, kpi.unit, ctx.lang)}`, baseline: `${formatQuantity(kpi.baseline.value, kpi.baseline.decimals, kpi.unit, ctx.lang)}` }) : undefined}
              values={defineForm.values}
              errors={defineForm.errors}
              required
              options={[{ value: 'up', label: t('kpi.direction.up') }, { value: 'down', label: t('kpi.direction.down') }]}
            />
            <SelectField
              ctx={ctx}
              formId="define"
              name="department"
              label={defineLabels.department}
              values={defineForm.values}
              errors={defineForm.errors}
              options={[{ value: '', label: t('staff.city.noDepartment') }, ...props.departments.map((d) => ({ value: String(d.id), label: localized(ctx, d.name, d.nameEn ?? undefined) }))]}
            />
            <TextField ctx={ctx} formId="define" name="sdgTargets" label={defineLabels.sdgTargets} hint={t('plans.kpi.sdgTargetsHint')} values={defineForm.values} errors={defineForm.errors} />
            <SelectField ctx={ctx} formId="define" name="side" label={defineLabels.side} values={defineForm.values} errors={defineForm.errors} options={opts('plans.kpi.side', ['economy', 'society', 'environment', 'none'])} />
            <SelectField ctx={ctx} formId="define" name="aggregation" label={defineLabels.aggregation} values={defineForm.values} errors={defineForm.errors} options={opts('plans.kpi.aggregation', ['cumulative', 'per-year', 'snapshot', 'period-total'])} />
            <SelectField ctx={ctx} formId="define" name="method" label={defineLabels.method} values={defineForm.values} errors={defineForm.errors} options={opts('plans.kpi.method', ['progress-from-baseline', 'ratio'])} />
            <TextField ctx={ctx} formId="define" name="baselineAt" label={defineLabels.baselineAt} values={defineForm.values} errors={defineForm.errors} size={14} required />
            <TextField ctx={ctx} formId="define" name="baselineValue" label={defineLabels.baselineValue} values={defineForm.values} errors={defineForm.errors} size={14} required inputmode="decimal" />
            <TextArea ctx={ctx} formId="define" name="definition" label={defineLabels.definition} values={defineForm.values} errors={defineForm.errors} rows={3} />
            <TextField ctx={ctx} formId="define" name="dataSource" label={defineLabels.dataSource} values={defineForm.values} errors={defineForm.errors} />
            <TextField ctx={ctx} formId="define" name="dataProvider" label={defineLabels.dataProvider} hint={t('plans.kpi.dataProviderHint')} values={defineForm.values} errors={defineForm.errors} />
            <SelectField ctx={ctx} formId="define" name="updateFrequency" label={defineLabels.updateFrequency} values={defineForm.values} errors={defineForm.errors} options={[{ value: '', label: t('plans.kpi.updateFrequency.unset') }, ...opts('kpi.updateFrequency', KPI_UPDATE_FREQUENCIES)]} />
            <TextField ctx={ctx} formId="define" name="indicator" label={defineLabels.indicator} hint={t('plans.kpi.indicatorHint')} values={defineForm.values} errors={defineForm.errors} size={16} />
            <TextField ctx={ctx} formId="define" name="reason" label={defineLabels.reason} hint={t('kpiEdit.reasonHint')} values={defineForm.values} errors={defineForm.errors} />
            <button type="submit">{t('staff.form.save')}</button>
          </form>
        </section>
      ) : null}
      <p>
        <a href={ctx.href(`/staff/audit?city=${props.city.id}&entityId=${encodeURIComponent(kpi.id)}`)}>{t('staff.kpi.history')}</a>
      </p>
    </StaffLayout>
  );
}

/** The data-entry form for one actual (new, or a correction when `correcting`): saved as a draft or submitted for review. */
export function ActualFormView(props: {
  page: StaffPage;
  city: City;
  kpi: Kpi;
  values: FormValues;
  errors: FieldErrors;
  correcting: boolean;
  /** The KPI's actuals as stored now: the form carries each time point's version. */
  edit: KpiEditState;
  conflict?: ConflictInfo | undefined;
  /** The partner platform counts this KPI: a manual value needs a reason for overriding the count. */
  platformFed?: boolean;
  /** The reason the secretariat gave when it returned this entry. */
  returned?: string | undefined;
}) {
  const { ctx, csrfToken } = props.page;
  const t = ctx.t;
  const title = fill(t('staff.actual.title'), { kpi: kpiName(ctx, props.kpi) });
  const base = `/staff/cities/${props.city.id}/kpis/${props.kpi.id}`;
  const labels = {
    at: t('staff.actual.at'),
    value: t('staff.actual.value'),
    note: t('staff.actual.note'),
    source: t('staff.actual.source'),
    reason: t('staff.actual.reason'),
    explanation: t('actual.field.explanation'),
    platformOverride: t('actual.field.platformOverride'),
    kpi: t('kpi.name'),
  };
  return (
    <StaffLayout
      page={props.page}
      title={title}
      breadcrumbs={kpiTrail(ctx, props.city, props.kpi)}
    >
      <h1>{title}</h1>
      <ErrorSummary ctx={ctx} errors={props.errors} labels={labels} />
      {props.returned ? <p class="notice notice-warning">{fill(t('review.returnedNotice'), { reason: props.returned })}</p> : null}
      <p>{t('staff.actual.lead')}</p>
      {props.conflict ? <ConflictPanel ctx={ctx} conflict={props.conflict} /> : null}
      <form method="post" action={ctx.href(`${base}/actuals`)} class="stacked" novalidate id="actual-form">
        <CsrfField token={csrfToken} />
        <VersionField name="versions" value={encodeVersions([...props.edit.actuals].map(([at, a]) => [at, a.version] as const))} />
        <TextField ctx={ctx} name="at" label={labels.at} hint={t('staff.actual.atHint')} values={props.values} errors={props.errors} required size={20} />
        <TextField ctx={ctx} name="value" label={labels.value} hint={fill(t('staff.actual.valueHint'), { unit: props.kpi.unit })} values={props.values} errors={props.errors} required inputmode="decimal" size={20} />
        <TextArea ctx={ctx} name="note" label={labels.note} values={props.values} errors={props.errors} rows={3} />
        <TextField ctx={ctx} name="source" label={labels.source} hint={t('staff.actual.sourceHint')} values={props.values} errors={props.errors} />
        <TextField ctx={ctx} name="reason" label={labels.reason} hint={t('staff.actual.reasonHint')} values={props.values} errors={props.errors} required={props.correcting} />
        <TextArea ctx={ctx} name="explanation" label={labels.explanation} hint={t('staff.actual.explanationHint')} values={props.values} errors={props.errors} rows={2} />
        {props.platformFed ? (
          <TextArea ctx={ctx} name="platformOverride" label={labels.platformOverride} hint={t('actual.problem.platform-fed')} values={props.values} errors={props.errors} rows={2} />
        ) : null}
        <button type="submit" name="intent" value="submit">{t('review.submitForReview')}</button>{' '}
        <button type="submit" name="intent" value="draft" class="secondary">{t('review.draftSave')}</button>{' '}
        <a href={ctx.href(base)}>{t('staff.form.cancel')}</a>
      </form>
    </StaffLayout>
  );
}

/** The target revision form. */
export function TargetFormView(props: {
  page: StaffPage;
  city: City;
  kpi: Kpi;
  values: FormValues;
  errors: FieldErrors;
  /** The KPI's targets as stored now: the form carries each target's value version. */
  edit: KpiEditState;
  conflict?: ConflictInfo | undefined;
}) {
  const { ctx, csrfToken } = props.page;
  const t = ctx.t;
  const title = fill(t('staff.target.title'), { kpi: kpiName(ctx, props.kpi) });
  const base = `/staff/cities/${props.city.id}/kpis/${props.kpi.id}`;
  const labels = { target: t('staff.target.which'), newValue: t('staff.target.newValue'), revisedOn: t('staff.target.revisedOn'), reason: t('staff.target.reason') };
  return (
    <StaffLayout
      page={props.page}
      title={title}
      breadcrumbs={kpiTrail(ctx, props.city, props.kpi)}
    >
      <h1>{title}</h1>
      <ErrorSummary ctx={ctx} errors={props.errors} labels={labels} />
      {props.conflict ? <ConflictPanel ctx={ctx} conflict={props.conflict} /> : null}
      <form method="post" action={ctx.href(`${base}/target`)} class="stacked" novalidate>
        <CsrfField token={csrfToken} />
        <VersionField name="versions" value={encodeVersions([...props.edit.targets].map(([slug, tg]) => [slug, tg.version] as const))} />
        <SelectField
          ctx={ctx}
          name="target"
          label={labels.target}
          values={props.values}
          errors={props.errors}
          required
          options={props.kpi.targets.map((tg) => ({ value: tg.id, label: `${timeLabel(ctx, tg.at)}${sep(ctx)}${formatQuantity(tg.value, tg.decimals, props.kpi.unit, ctx.lang)}` }))}
        />
        <TextField ctx={ctx} name="newValue" label={labels.newValue} hint={fill(t('staff.actual.valueHint'), { unit: props.kpi.unit })} values={props.values} errors={props.errors} required inputmode="decimal" />
        <TextField ctx={ctx} name="revisedOn" label={labels.revisedOn} hint={t('staff.target.revisedOnHint')} values={props.values} errors={props.errors} required />
        <TextArea ctx={ctx} name="reason" label={labels.reason} hint={t('staff.target.reasonHint')} values={props.values} errors={props.errors} required rows={3} />
        <button type="submit">{t('staff.target.submit')}</button>
      </form>
    </StaffLayout>
  );
}

/** The breadcrumb trail of a KPI's staff sub-pages: dashboard › city › KPI. */
function kpiTrail(ctx: StaffPage['ctx'], city: City, kpi: Kpi): { href: string; label: string }[] {
  return [
    { href: ctx.href('/staff'), label: ctx.t('staff.nav.dashboard') },
    { href: ctx.href(`/staff/cities/${city.id}`), label: localized(ctx, city.name, city.nameEn) },
    { href: ctx.href(`/staff/cities/${city.id}/kpis/${kpi.id}`), label: kpiName(ctx, kpi) },
  ];
}
