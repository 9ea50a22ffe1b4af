import { formatTokyoDateTime } from '../../../core/time/clock.ts';
import type { StaffUser } from '../../../auth/user.ts';
import type { City } from '../../../core/city/city.ts';
import type { MessageKey } from '../../../i18n/messages.ts';
import { STAFF_ROLES, type StaffRole } from '../../../auth/user.ts';
import type { Department } from '../../../departments/department.service.ts';
import type { ListedUser, LoginAttempt } from '../../../auth/user.service.ts';
import { localized } from '../view-context.ts';
import { ErrorSummary, SelectField, TextField, type FieldErrors, type FormValues } from './form.tsx';
import { CsrfField, StaffLayout, type StaffPage, sep } from './staff-layout.tsx';

/** The role the add-user and set-role forms start with: the least privilege, so a slip grants nothing. */
const LEAST_PRIVILEGE: StaffRole = 'viewer';

/** User management: add a user (one-time password shown once), set roles, reset passwords, disable; recent log-ins. */
export function UsersView(props: {
  page: StaffPage;
  cities: readonly City[];
  departments: readonly (Department & { cityName: string })[];
  users: readonly ListedUser[];
  attempts: readonly LoginAttempt[];
  values: FormValues;
  errors: FieldErrors;
  oneTime?: string | undefined;
}) {
  const { ctx, csrfToken } = props.page;
  const t = ctx.t;
  const roleOptions = STAFF_ROLES.map((r) => ({ value: r, label: t(`staff.role.${r}` as MessageKey) }));
  const cityOptions = props.cities.map((c) => ({ value: c.id, label: localized(ctx, c.name, c.nameEn) }));
  const departmentOptions = [{ value: '', label: t('staff.users.none') }, ...props.departments.map((d) => ({ value: String(d.id), label: `${d.cityName}${sep(ctx)}${localized(ctx, d.name, d.nameEn ?? undefined)}` }))];
  const labels = { username: t('staff.users.username'), displayName: t('staff.users.displayName'), email: t('staff.users.email'), city: t('staff.users.city'), role: t('staff.users.role'), department: t('staff.users.department') };
  const time = (d: Date) => formatTokyoDateTime(d);
  return (
    <StaffLayout page={props.page} title={t('staff.users.title')} breadcrumbs={[{ href: ctx.href('/staff'), label: t('staff.nav.dashboard') }]}>
      <h1>{t('staff.users.title')}</h1>
      {props.oneTime ? (
        <p class="notice one-time" role="status">
          {props.oneTime}
        </p>
      ) : null}
      <h2>{t('staff.users.create')}</h2>
      <ErrorSummary ctx={ctx} errors={props.errors} labels={labels} formId="new" />
      <form method="post" action={ctx.href('/staff/users')} class="stacked" novalidate>
        <CsrfField token={csrfToken} />
        <TextField ctx={ctx} formId="new" name="username" label={labels.username} hint={t('staff.users.usernameHint')} values={props.values} errors={props.errors} required autocomplete="off" />
        <TextField ctx={ctx} formId="new" name="displayName" label={labels.displayName} values={props.values} errors={props.errors} required autocomplete="off" />
        <TextField ctx={ctx} formId="new" name="email" type="email" label={labels.email} hint={t('staff.users.emailHint')} values={props.values} errors={props.errors} autocomplete="off" />
        <SelectField ctx={ctx} formId="new" name="city" label={labels.city} values={props.values} errors={props.errors} options={cityOptions} required />
        <SelectField ctx={ctx} formId="new" name="role" label={labels.role} values={{ role: LEAST_PRIVILEGE, ...props.values }} errors={props.errors} options={roleOptions} required />
        <SelectField ctx={ctx} formId="new" name="department" label={labels.department} values={props.values} errors={props.errors} options={departmentOptions} />
        <button type="submit">{t('staff.users.create')}</button>
      </form>
      <h2>{t('staff.users.list')}</h2>
      <div class="table-scroll">
        <table class="data">
          <thead>
            <tr>
              <th scope="col">{t('staff.users.username')}</th>
              <th scope="col">{t('staff.users.displayName')}</th>
              <th scope="col">{t('staff.users.roles')}</th>
              <th scope="col">{t('staff.city.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {props.users.map(({ id, disabledAt, user }) => (
              <tr>
                <th scope="row">
                  {user.username}
                  {disabledAt ? <span class="tag tag-missing"> {t('staff.users.disabled')}</span> : null}
                </th>
                <td>{user.displayName}</td>
                <td>
                  <ul>
                    {user.isSystemAdmin ? <li>{t('staff.role.system-admin')}</li> : null}
                    {user.memberships.map((m) => (
                      <li>
                        {m.cityId}{sep(ctx)}{t(`staff.role.${m.role}` as MessageKey)}
                        {m.departmentSlug ? `（${m.departmentSlug}）` : ''}
                      </li>
                    ))}
                  </ul>
                </td>
                <td>
                  <form method="post" action={ctx.href(`/staff/users/${id}/reset`)} class="inline-form">
                    <CsrfField token={csrfToken} />
                    <button type="submit" class="secondary" aria-label={`${t('staff.users.reset')}${sep(ctx)}${user.username}`}>
                      {t('staff.users.reset')}
                    </button>
                  </form>{' '}
                  {id !== props.page.user?.id ? (
                    <form method="post" action={ctx.href(`/staff/users/${id}/${disabledAt ? 'enable' : 'disable'}`)} class="inline-form">
                      <CsrfField token={csrfToken} />
                      <button type="submit" class="secondary" aria-label={`${disabledAt ? t('staff.users.enable') : t('staff.users.disable')}${sep(ctx)}${user.username}`}>
                        {disabledAt ? t('staff.users.enable') : t('staff.users.disable')}
                      </button>
                    </form>
                  ) : null}
                  <details>
                    <summary>{t('staff.users.assign')}</summary>
                    <form method="post" action={ctx.href(`/staff/users/${id}/role`)} class="stacked" novalidate>
                      <CsrfField token={csrfToken} />
                      <SelectField ctx={ctx} formId={`u${id}`} name="city" label={labels.city} values={{}} errors={{}} options={cityOptions} />
                      <SelectField ctx={ctx} formId={`u${id}`} name="role" label={labels.role} values={{ role: LEAST_PRIVILEGE }} errors={{}} options={[...roleOptions, { value: '', label: t('staff.users.removeRole') }]} />
                      <SelectField ctx={ctx} formId={`u${id}`} name="department" label={labels.department} values={{}} errors={{}} options={departmentOptions} />
                      <button type="submit">{t('staff.users.assign')}</button>
                    </form>
                  </details>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>{t('staff.users.loginLog')}</h2>
      <div class="table-scroll">
        <table class="data">
          <thead>
            <tr>
              <th scope="col">{t('staff.audit.when')}</th>
              <th scope="col">{t('staff.users.username')}</th>
              <th scope="col">{t('staff.users.ip')}</th>
              <th scope="col">{t('staff.users.outcome')}</th>
            </tr>
          </thead>
          <tbody>
            {props.attempts.map((a) => (
              <tr>
                <td>{time(a.occurredAt)}</td>
                <td>{a.username}</td>
                <td>{a.ip}</td>
                <td>{a.outcome}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </StaffLayout>
  );
}
