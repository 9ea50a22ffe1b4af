import { formatTokyoDateTime } from '../../../core/time/clock.ts';
import type { City } from '../../../core/city/city.ts';
import type { AuditEntry } from '../../../audit/audit.service.ts';
import { localized } from '../view-context.ts';
import { SelectField, TextField, type FormValues } from './form.tsx';
import { StaffLayout, type StaffPage, sep } from './staff-layout.tsx';

/** A JSON value of the log shown compactly. */
function show(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** The audit log: filters (GET form) and the entries, newest first, with paging; nothing to edit. */
export function AuditView(props: { page: StaffPage; cities: readonly City[]; entities: readonly string[]; values: FormValues; rows: readonly AuditEntry[]; olderHref: string | null }) {
  const { ctx } = props.page;
  const t = ctx.t;
  const none = {};
  const time = (d: Date) => formatTokyoDateTime(d);
  return (
    <StaffLayout page={props.page} title={t('staff.audit.title')} breadcrumbs={[{ href: ctx.href('/staff'), label: t('staff.nav.dashboard') }]}>
      <h1>{t('staff.audit.title')}</h1>
      <p>{t('staff.audit.lead')}</p>
      <form method="get" action="/staff/audit" class="filters" role="search" aria-label={t('staff.audit.filter')}>
        {ctx.lang === 'en' ? <input type="hidden" name="lang" value="en" /> : null}
        <SelectField ctx={ctx} name="city" label={t('staff.audit.city')} values={props.values} errors={none} options={[{ value: '', label: t('staff.audit.all') }, ...props.cities.map((c) => ({ value: c.id, label: localized(ctx, c.name, c.nameEn) }))]} />
        <SelectField ctx={ctx} name="entity" label={t('staff.audit.entity')} values={props.values} errors={none} options={[{ value: '', label: t('staff.audit.all') }, ...props.entities.map((e) => ({ value: e, label: e }))]} />
        <TextField ctx={ctx} name="entityId" label={t('staff.audit.what')} values={props.values} errors={none} size={16} />
        <TextField ctx={ctx} name="actor" label={t('staff.audit.actor')} values={props.values} errors={none} size={16} />
        <TextField ctx={ctx} name="from" label={t('staff.audit.from')} type="date" values={props.values} errors={none} />
        <TextField ctx={ctx} name="to" label={t('staff.audit.to')} type="date" values={props.values} errors={none} />
        <div class="field">
          <button type="submit">{t('staff.audit.apply')}</button>
        </div>
      </form>
      {props.rows.length === 0 ? (
        <p>{t('staff.audit.empty')}</p>
      ) : (
        <div class="table-scroll">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">{t('staff.audit.when')}</th>
                <th scope="col">{t('staff.audit.actor')}</th>
                <th scope="col">{t('staff.audit.action')}</th>
                <th scope="col">{t('staff.audit.what')}</th>
                <th scope="col">{t('staff.audit.change')}</th>
                <th scope="col">{t('staff.audit.why')}</th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map((r) => (
                <tr>
                  <td>{time(r.occurredAt)}</td>
                  <td>{r.actor}</td>
                  <td>{r.action}</td>
                  <td>
                    {r.entity}{sep(ctx)}{r.entityId}
                    {r.cityId ? `（${r.cityId}）` : ''}
                  </td>
                  <td class="audit-change">
                    {show(r.old).slice(0, 400)} → {show(r.new).slice(0, 400)}
                  </td>
                  <td>{r.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {props.olderHref ? (
        <p>
          <a href={props.olderHref}>{t('staff.audit.older')}</a>
        </p>
      ) : null}
    </StaffLayout>
  );
}
