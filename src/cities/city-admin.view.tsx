import { PREFECTURES } from '../core/city/prefectures.ts';
import type { MessageKey } from '../i18n/messages.ts';
import { localized, type ViewContext } from '../web/views/view-context.ts';
import { ErrorSummary, SelectField, TextField, type FieldErrors, type FormValues } from '../web/views/staff/form.tsx';
import { CsrfField, fill, StaffLayout, type StaffPage } from '../web/views/staff/staff-layout.tsx';
import type { CityFieldError } from './city-input.ts';

/** A city as the system administrator's list shows it. */
export interface AdminCityItem {
  readonly id: string;
  readonly name: string;
  readonly nameEn: string;
  readonly prefecture: string;
  readonly prefectureEn: string;
  /** The 6-digit code, or null for a city stored before codes were kept. */
  readonly localGovernmentCode: string | null;
  /** When it was created, shown in JST. */
  readonly createdAt: string;
}

/** A field problem of the city form as a message in the page's language (next to the field). */
export function cityFieldErrorMessage(ctx: ViewContext, error: CityFieldError): string {
  switch (error.kind) {
    case 'required':
      return ctx.t('staff.form.error.required');
    case 'too-long':
      return ctx.t('staff.form.error.tooLong');
    case 'month':
      return ctx.t('staff.form.error.invalid');
    case 'code':
      switch (error.error.kind) {
        case 'format':
          return ctx.t('city.error.code-format');
        case 'prefecture':
          return fill(ctx.t('city.error.code-prefecture'), { digits: error.error.digits });
        case 'check-digit':
          return fill(ctx.t('city.error.code-check-digit'), { given: String(error.error.given), expected: String(error.error.expected) });
        case 'prefecture-mismatch':
          return fill(ctx.t('city.error.code-prefecture-mismatch'), { codePrefecture: error.error.codePrefecture });
      }
    // eslint-disable-next-line no-fallthrough
    default:
      return ctx.t(`city.error.${error.kind}` as MessageKey);
  }
}

/**
 * The system administrator's cities page (issue 13.1): the form to add a city with its first
 * administrator (input kept on error, the message next to each field; the one-time password shown
 * once after creation), and the cities already stored.
 */
export function CityAdminView(props: { page: StaffPage; cities: readonly AdminCityItem[]; values: FormValues; errors: FieldErrors; created?: string | undefined }) {
  const { ctx, csrfToken } = props.page;
  const t = ctx.t;
  const labels = {
    id: t('city.field.id'),
    name: t('city.field.name'),
    nameEn: t('city.field.nameEn'),
    prefecture: t('city.field.prefecture'),
    code: t('city.field.code'),
    fiscalYearStartMonth: t('city.field.fiscalYearStart'),
    adminUsername: t('city.field.adminUsername'),
    adminDisplayName: t('city.field.adminDisplayName'),
    adminEmail: t('city.field.adminEmail'),
  };
  const prefectureOptions = [{ value: '', label: '—' }, ...PREFECTURES.map((p) => ({ value: p.ja, label: `${p.code} ${localized(ctx, p.ja, p.en)}` }))];
  const monthOptions = Array.from({ length: 12 }, (_, i) => ({ value: String(i + 1), label: fill(t('city.field.month'), { month: String(i + 1) }) }));
  return (
    <StaffLayout page={props.page} title={t('city.admin.title')} breadcrumbs={[{ href: ctx.href('/staff'), label: t('staff.nav.dashboard') }]}>
      <h1>{t('city.admin.title')}</h1>
      {props.created ? (
        <p class="notice one-time" role="status">
          {props.created}
        </p>
      ) : null}
      <p>{t('city.admin.lead')}</p>
      <h2 id="create-h">{t('city.admin.create')}</h2>
      <ErrorSummary ctx={ctx} errors={props.errors} labels={labels} formId="city" />
      <form method="post" action={ctx.href('/staff/system/cities')} class="stacked" novalidate aria-labelledby="create-h">
        <CsrfField token={csrfToken} />
        <TextField ctx={ctx} formId="city" name="id" label={labels.id} hint={t('city.field.idHint')} values={props.values} errors={props.errors} required autocomplete="off" size={30} />
        <TextField ctx={ctx} formId="city" name="name" label={labels.name} hint={t('city.field.nameHint')} values={props.values} errors={props.errors} required autocomplete="off" />
        <TextField ctx={ctx} formId="city" name="nameEn" label={labels.nameEn} hint={t('city.field.nameEnHint')} values={props.values} errors={props.errors} required autocomplete="off" />
        <SelectField ctx={ctx} formId="city" name="prefecture" label={labels.prefecture} values={props.values} errors={props.errors} options={prefectureOptions} required />
        <TextField ctx={ctx} formId="city" name="code" label={labels.code} hint={t('city.field.codeHint')} values={props.values} errors={props.errors} required autocomplete="off" inputmode="numeric" size={8} />
        <SelectField ctx={ctx} formId="city" name="fiscalYearStartMonth" label={labels.fiscalYearStartMonth} hint={t('city.field.fiscalYearStartHint')} values={{ fiscalYearStartMonth: '4', ...props.values }} errors={props.errors} options={monthOptions} required />
        <TextField ctx={ctx} formId="city" name="adminUsername" label={labels.adminUsername} hint={t('city.field.adminUsernameHint')} values={props.values} errors={props.errors} autocomplete="off" />
        <TextField ctx={ctx} formId="city" name="adminDisplayName" label={labels.adminDisplayName} values={props.values} errors={props.errors} autocomplete="off" />
        <TextField ctx={ctx} formId="city" name="adminEmail" type="email" label={labels.adminEmail} values={props.values} errors={props.errors} autocomplete="off" />
        <button type="submit">{t('city.admin.create')}</button>
      </form>
      <h2>{t('city.admin.list')}</h2>
      {props.cities.length === 0 ? (
        <p>{t('city.admin.none')}</p>
      ) : (
        <div class="table-scroll">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">{labels.id}</th>
                <th scope="col">{labels.name}</th>
                <th scope="col">{labels.prefecture}</th>
                <th scope="col">{labels.code}</th>
                <th scope="col">{t('staff.audit.when')}</th>
              </tr>
            </thead>
            <tbody>
              {props.cities.map((c) => (
                <tr>
                  <th scope="row">
                    <a href={ctx.href(`/staff/cities/${c.id}`)}>{c.id}</a>
                  </th>
                  <td>{localized(ctx, c.name, c.nameEn)}</td>
                  <td>{localized(ctx, c.prefecture, c.prefectureEn)}</td>
                  <td>{c.localGovernmentCode ?? '—'}</td>
                  <td>{c.createdAt}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </StaffLayout>
  );
}
