import type { City } from '../../../core/city/city.ts';
import { SHEET_LAYOUTS, type Plan } from '../../../core/plan/plan.ts';
import type { SheetReview } from '../../../sheets/progress-sheet.service.ts';
import { differenceTexts, formatMonth } from '../../../sheets/sheet-text.ts';
import { formatFixed } from '../sheet/sheet.view.tsx';
import { localized } from '../view-context.ts';
import { fillMessage } from '../../../i18n/fill.ts';
import { CsrfField, StaffLayout, type StaffPage } from './staff-layout.tsx';

/**
 * The secretariat's page for a plan's sheets (issue 14): per reporting year and sheet, the
 * 作成年月 to print (a form when the user may edit plans) and the review list: where the
 * submission prints a rate by the method or figures the city published rather than the system's,
 * with the explanation, and a CSV of it. None of this is printed on the submission.
 */
export function SheetReviewView(props: {
  page: StaffPage;
  city: City;
  plan: Plan;
  reviews: readonly SheetReview[];
  documents: ReadonlyMap<string, string>;
  rateDecimals: number;
  canEdit: boolean;
  notice?: string | undefined;
  error?: string | undefined;
}) {
  const { ctx, csrfToken } = props.page;
  const t = ctx.t;
  const base = `/staff/cities/${props.city.id}/plans/${props.plan.id}/sheets`;
  const pct = (v: number | null) => (v === null ? '—' : `${formatFixed(v, props.rateDecimals + 1, ctx.lang)}%`);
  return (
    <StaffLayout
      page={props.page}
      title={t('sheets.diff.title')}
      breadcrumbs={[
        { href: ctx.href('/staff'), label: t('staff.nav.dashboard') },
        { href: ctx.href(`/staff/cities/${props.city.id}`), label: localized(ctx, props.city.name, props.city.nameEn) },
        { href: ctx.href(`/staff/cities/${props.city.id}/plans/${props.plan.id}`), label: localized(ctx, props.plan.title, props.plan.titleEn) },
      ]}
      notice={props.notice}
    >
      <h1>{t('sheets.diff.title')}</h1>
      <p>{t('sheets.diff.lead')}</p>
      {props.error ? (
        <p role="alert" class="error">
          {props.error}
        </p>
      ) : null}
      <section aria-labelledby="sheet-form">
        <h2 id="sheet-form">{t('sheets.form.heading')}</h2>
        <p>
          {t(`sheets.form.layout.${props.plan.sheetLayout ?? 'cabinet-office'}`)}
          {props.plan.periodOrdinal !== undefined ? `　${fillMessage(t('sheets.form.ordinalShown'), { n: props.plan.periodOrdinal })}` : ''}
        </p>
        {props.canEdit ? (
          <form method="post" action={ctx.href(`${base}/form`)} class="inline-form">
            <CsrfField token={csrfToken} />
            <label>
              {t('sheets.form.layout')}{' '}
              <select name="layout">
                {SHEET_LAYOUTS.map((l) => (
                  <option value={l} selected={l === (props.plan.sheetLayout ?? 'cabinet-office')}>
                    {t(`sheets.form.layout.${l}`)}
                  </option>
                ))}
              </select>
            </label>{' '}
            <label>
              {t('sheets.form.ordinal')} <input type="text" name="ordinal" value={props.plan.periodOrdinal !== undefined ? String(props.plan.periodOrdinal) : ''} inputmode="numeric" size={4} />
            </label>{' '}
            <button type="submit">{t('sheets.form.save')}</button>
          </form>
        ) : null}
      </section>
      {props.reviews.map((r) => {
        const id = `sheet-${r.year}-${r.kind}`;
        const docTitle = r.documentId ? (props.documents.get(r.documentId) ?? r.documentId) : null;
        return (
          <section aria-labelledby={id}>
            <h2 id={id}>
              {r.year} {t(`sheets.download.${r.kind}`)}
            </h2>
            <p>
              {t('sheets.submittedOn.label')}：{r.submittedOn ? formatMonth(r.submittedOn, ctx.lang) : t('sheets.submittedOn.unset')}
            </p>
            {props.canEdit ? (
              <form method="post" action={ctx.href(base)} class="inline-form">
                <CsrfField token={csrfToken} />
                <input type="hidden" name="year" value={String(r.year)} />
                <input type="hidden" name="kind" value={r.kind} />
                <label>
                  {t('sheets.submittedOn.label')}{' '}
                  <input type="month" name="submittedOn" value={r.submittedOn ?? ''} pattern="\d{4}-\d{2}" required />
                </label>{' '}
                <button type="submit">{t('sheets.submittedOn.save')}</button>
              </form>
            ) : null}
            {r.differences.length === 0 ? (
              <p>{t('sheets.diff.none')}</p>
            ) : (
              <table class="data">
                <thead>
                  <tr>
                    <th scope="col">{t('sheets.diff.table')}</th>
                    <th scope="col">{t('sheets.col.no')}</th>
                    <th scope="col">{t('sheets.col.nameShort')}</th>
                    <th scope="col" class="num">
                      {t('sheets.diff.printed')}
                    </th>
                    <th scope="col" class="num">
                      {t('sheets.diff.system')}
                    </th>
                    <th scope="col">{t('sheets.diff.why')}</th>
                  </tr>
                </thead>
                <tbody>
                  {r.differences.map((d) => (
                    <tr>
                      <td>{d.tableCode}</td>
                      <td>{d.no}</td>
                      <th scope="row">{d.name}</th>
                      <td class="num">{pct(d.printedRate)}</td>
                      <td class="num">{pct(d.systemRate)}</td>
                      <td>
                        {differenceTexts(d, docTitle, ctx.lang).map((x) => (
                          <p>{x}</p>
                        ))}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        );
      })}
      <p>
        <a href={ctx.href(`${base}/differences.csv`)}>{t('sheets.diff.csv')}</a>
      </p>
    </StaffLayout>
  );
}
