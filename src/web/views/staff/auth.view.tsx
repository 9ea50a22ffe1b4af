import { ErrorSummary, TextField, type FieldErrors, type FormValues } from './form.tsx';
import { CsrfField, StaffLayout, type StaffPage } from './staff-layout.tsx';

/** The log-in form; `error` is shown in the summary and next to the password field. */
export function LoginView(props: { page: StaffPage; values: FormValues; errors: FieldErrors; next: string; notice?: string | undefined }) {
  const { ctx } = props.page;
  const t = ctx.t;
  const labels = { username: t('staff.login.username'), password: t('staff.login.password') };
  return (
    <StaffLayout page={props.page} title={t('staff.login.title')} notice={props.notice}>
      <h1>{t('staff.login.title')}</h1>
      <p>{t('staff.login.lead')}</p>
      <ErrorSummary ctx={ctx} errors={props.errors} labels={labels} />
      <form method="post" action={ctx.href('/staff/login')} class="stacked" novalidate>
        <CsrfField token={props.page.csrfToken} />
        <input type="hidden" name="next" value={props.next} />
        <TextField ctx={ctx} name="username" label={labels.username} values={props.values} errors={props.errors} required autocomplete="username" />
        <TextField ctx={ctx} name="password" label={labels.password} type="password" values={props.values} errors={props.errors} required autocomplete="current-password" />
        <button type="submit">{t('staff.login.submit')}</button>
      </form>
    </StaffLayout>
  );
}

/** The password change form (also the forced change after a one-time password). */
export function PasswordView(props: { page: StaffPage; errors: FieldErrors; notice?: string | undefined }) {
  const { ctx, user } = props.page;
  const t = ctx.t;
  const labels = { current: t('staff.password.current'), next: t('staff.password.next'), confirm: t('staff.password.confirm') };
  const none: FormValues = {};
  return (
    <StaffLayout page={props.page} title={t('staff.password.title')} notice={props.notice}>
      <h1>{t('staff.password.title')}</h1>
      {user?.mustChangePassword ? <p class="alert">{t('staff.password.mustChange')}</p> : null}
      <ErrorSummary ctx={ctx} errors={props.errors} labels={labels} />
      <form method="post" action={ctx.href('/staff/password')} class="stacked" novalidate>
        <CsrfField token={props.page.csrfToken} />
        {/* Lets password managers tie the new password to the account. */}
        <input type="text" name="username" value={user?.username ?? ''} autocomplete="username" hidden />
        <TextField ctx={ctx} name="current" label={labels.current} type="password" values={none} errors={props.errors} required autocomplete="current-password" />
        <TextField ctx={ctx} name="next" label={labels.next} hint={t('staff.password.nextHint')} type="password" values={none} errors={props.errors} required autocomplete="new-password" />
        <TextField ctx={ctx} name="confirm" label={labels.confirm} type="password" values={none} errors={props.errors} required autocomplete="new-password" />
        <button type="submit">{t('staff.password.submit')}</button>
      </form>
    </StaffLayout>
  );
}
