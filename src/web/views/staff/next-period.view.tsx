import type { StaffPage } from './staff-layout.tsx';
import { CsrfField, StaffLayout } from './staff-layout.tsx';
import { ErrorSummary, TextField, type FieldErrors, type FormValues } from './form.tsx';

/** One KPI row of the next-period form: what the secretariat decides from. */
export interface NextPeriodKpiModel {
  readonly id: string;
  readonly name: string;
  readonly unit: string;
  /** The current target as printed (「2025年 157 人」). */
  readonly currentTarget: string;
  /** The 1st period's 次期計画のKPIへの反映状況 (the default reason). */
  readonly reflection: string;
}

/** The next-period form's view model. */
export interface NextPeriodFormModel {
  readonly cityId: string;
  readonly cityName: string;
  readonly plan: { readonly id: string; readonly title: string; readonly periodStart: number; readonly periodEnd: number };
  readonly kpis: readonly NextPeriodKpiModel[];
  readonly values: FormValues;
  readonly errors: FieldErrors;
}

/**
 * 「次期計画を開始」 (issue 13.4): id, title and period of the new plan, and per KPI of the
 * current plan a box to carry it over with its new target (time point, value) and the reason.
 * Works without JavaScript; on error the form comes back with the input and the message next
 * to the field.
 */
export function NextPeriodFormView(props: { page: StaffPage; model: NextPeriodFormModel }) {
  const { page, model } = props;
  const { ctx } = page;
  const t = ctx.t;
  const action = `/staff/cities/${model.cityId}/plans/${model.plan.id}/next-period`;
  const labels: Record<string, string> = { id: t('period.next.id'), title: t('period.next.planTitle'), from: t('period.next.from'), to: t('period.next.to'), kpis: t('period.next.kpis') };
  for (const k of model.kpis) labels[`target:${k.id}`] = `${k.name}：${t('period.next.targetValue')}`;
  const f = { ctx, values: model.values, errors: model.errors };
  return (
    <StaffLayout
      page={page}
      title={t('period.next.title')}
      breadcrumbs={[
        { href: ctx.href(`/staff/cities/${model.cityId}`), label: model.cityName },
        { href: ctx.href(`/staff/cities/${model.cityId}/plans/${model.plan.id}`), label: model.plan.title },
      ]}
    >
      <h1>{t('period.next.title')}</h1>
      <p>
        {model.plan.title}（{model.plan.periodStart}–{model.plan.periodEnd}）
      </p>
      <p>{t('period.next.lead')}</p>
      <ErrorSummary ctx={ctx} errors={model.errors} labels={labels} />
      <form method="post" action={ctx.href(action)}>
        <CsrfField token={page.csrfToken} />
        <TextField {...f} name="id" label={labels['id']!} required />
        <TextField {...f} name="title" label={labels['title']!} />
        <TextField {...f} name="from" label={labels['from']!} required inputmode="numeric" size={6} />
        <TextField {...f} name="to" label={labels['to']!} required inputmode="numeric" size={6} />
        <fieldset id="f-kpis" class={model.errors["kpis"] ? "field-error" : undefined}>
          <legend>{t('period.next.kpis')}</legend>
          {model.errors['kpis'] ? (
            <p class="error-message" id="f-kpis-error">
              {model.errors['kpis']}
            </p>
          ) : null}
          {model.kpis.map((k) => (
            <div class="next-period-kpi">
              <p>
                <input type="checkbox" id={`f-carry-${k.id}`} name={`carry:${k.id}`} value="on" checked={model.values[`carry:${k.id}`] === 'on'} />{' '}
                <label for={`f-carry-${k.id}`}>
                  {t('period.next.carry')}：{k.name}（{k.unit}）
                </label>
              </p>
              <p class="hint">
                {t('period.next.current')}：{k.currentTarget}
                {k.reflection ? `／${t('period.next.reflection')}：${k.reflection}` : ''}
              </p>
              <TextField {...f} name={`at:${k.id}`} label={`${k.name}：${t('period.next.targetAt')}`} size={12} />
              <TextField {...f} name={`target:${k.id}`} label={labels[`target:${k.id}`]!} size={12} />
              <TextField {...f} name={`reason:${k.id}`} label={`${k.name}：${t('period.next.reason')}`} />
            </div>
          ))}
        </fieldset>
        <p>
          <button type="submit">{t('period.next.submit')}</button>
        </p>
      </form>
    </StaffLayout>
  );
}
