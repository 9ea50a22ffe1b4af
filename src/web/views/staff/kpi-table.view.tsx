import type { KpiTableImportNode, KpiTableImportPreview } from '../../../plans/kpi-table-import.ts';
import type { StaffPage } from './staff-layout.tsx';
import { CsrfField, StaffLayout } from './staff-layout.tsx';
import { UploadForm } from './upload-form.tsx';

/** The city a KPI-table page is about (a view model). */
export interface KpiTableCity {
  readonly id: string;
  readonly name: string;
  /** The city's plans (id, title) the table may fill: offered in the plan field. */
  readonly plans?: readonly { readonly id: string; readonly title: string }[];
}

function crumbs(page: StaffPage, city: KpiTableCity) {
  return [{ href: page.ctx.href(`/staff/cities/${city.id}`), label: city.name }];
}

/** The upload form of a KPI table (issue 13.5), with the template's download link; errors above the form. */
export function KpiTableUploadView(props: { page: StaffPage; city: KpiTableCity; errors?: readonly string[]; planId?: string }) {
  const { page, city } = props;
  const t = page.ctx.t;
  const errors = props.errors ?? [];
  return (
    <StaffLayout page={page} title={t('kpiTable.title')} breadcrumbs={crumbs(page, city)}>
      <h1>{t('kpiTable.title')}</h1>
      <p>{t('kpiTable.lead')}</p>
      {errors.length > 0 ? (
        <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1} id="error-summary">
          <h2 id="error-summary-title">{t('import.errorTitle')}</h2>
          <ul>
            {errors.map((e) => (
              <li>
                <a href="#f-file">{e}</a>
              </li>
            ))}
          </ul>
          <p>{t('import.nothingWritten')}</p>
        </div>
      ) : null}
      <UploadForm ctx={page.ctx} csrfToken={page.csrfToken} action={`/staff/cities/${city.id}/kpi-table`} title={t('import.uploadTitle')} fileLabel={t('kpiTable.file')} fileHint={t('kpiTable.fileHint')} submitLabel={t('kpiTable.preview')} invalid={errors.length > 0}>
        <div class="field">
          <label for="f-plan">{t('kpiTable.plan')}</label>
          <p class="hint" id="f-plan-hint">
            {t('kpiTable.planHint')}
          </p>
          {/* An existing plan is picked from the list (its period is known); a new id needs the file's 計画期間 row. */}
          <input id="f-plan" name="plan" type="text" value={props.planId ?? ''} list="f-plan-list" aria-describedby="f-plan-hint" autocomplete="off" />
          <datalist id="f-plan-list">
            {(city.plans ?? []).map((p) => (
              <option value={p.id}>{p.title}</option>
            ))}
          </datalist>
        </div>
      </UploadForm>
      <p>
        <a href={page.ctx.href(`/staff/cities/${city.id}/kpi-table/template.csv`)}>{t('kpiTable.template')}</a>
      </p>
    </StaffLayout>
  );
}

function Tree(props: { nodes: readonly KpiTableImportNode[] }) {
  return (
    <ul>
      {props.nodes.map((n) => (
        <li>
          {n.title}
          {n.kpis.length > 0 ? (
            <ul>
              {n.kpis.map((k) => (
                <li>{k}</li>
              ))}
            </ul>
          ) : null}
          {n.children.length > 0 ? <Tree nodes={n.children} /> : null}
        </li>
      ))}
    </ul>
  );
}

/**
 * The preview of a KPI table: the plan and its tree, every KPI row with what the import does to
 * it (new, update, unchanged) and its figures, every problem at row and column; the commit
 * button only when there is no problem and something changes.
 */
export function KpiTablePreviewView(props: { page: StaffPage; city: KpiTableCity; upload: { id: string; name: string }; planId: string; preview: KpiTableImportPreview }) {
  const { page, city, preview } = props;
  const t = page.ctx.t;
  const lang = page.ctx.lang;
  const fig = (f: { at: string; value: number }) => `${f.at}: ${f.value.toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-US')}`;
  return (
    <StaffLayout page={page} title={t('kpiTable.previewTitle')} breadcrumbs={crumbs(page, city)}>
      <h1>{t('kpiTable.previewTitle')}</h1>
      <p>{props.upload.name}</p>
      {preview.problems.length > 0 ? (
        <section class="error-summary" role="alert" aria-labelledby="problems" tabindex={-1} id="error-summary">
          <h2 id="problems">{t('kpiTable.problems')}</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('kpiTable.col.row')}</th>
                <th scope="col">{t('kpiTable.col.column')}</th>
                <th scope="col">{t('kpiTable.col.problem')}</th>
              </tr>
            </thead>
            <tbody>
              {preview.problems.map((p) => (
                <tr>
                  <td>{p.sheet ? `${p.sheet}!${p.row}` : p.row}</td>
                  <td>{p.column}</td>
                  <td>{lang === 'ja' ? p.message.ja : p.message.en}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
      <section aria-labelledby="plan-head">
        <h2 id="plan-head">{t('kpiTable.planHead')}</h2>
        <p>
          {preview.plan.id}：{preview.plan.title}（{preview.plan.period_start}–{preview.plan.period_end}）［{t(`kpiTable.action.${preview.plan.action}`)}］
        </p>
        <h3>{t('kpiTable.tree')}</h3>
        <Tree nodes={preview.plan.nodes} />
      </section>
      <section aria-labelledby="kpis">
        <h2 id="kpis">{t('kpiTable.kpis')}</h2>
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('kpiTable.col.row')}</th>
                <th scope="col">{t('kpiTable.col.name')}</th>
                <th scope="col">{t('kpiTable.col.action')}</th>
                <th scope="col">{t('kpiTable.col.baseline')}</th>
                <th scope="col">{t('kpiTable.col.actuals')}</th>
                <th scope="col">{t('kpiTable.col.targets')}</th>
                <th scope="col">{t('kpiTable.col.rate')}</th>
              </tr>
            </thead>
            <tbody>
              {preview.kpis.map((k) => (
                <tr>
                  <td>{k.row}</td>
                  <td>{k.name}</td>
                  <td>{t(`kpiTable.action.${k.action}`)}</td>
                  <td>
                    {fig(k.baseline)} {k.baseline.unit}
                  </td>
                  <td>{k.actuals.map(fig).join('、')}</td>
                  <td>{k.targets.map(fig).join('、')}</td>
                  <td>{k.rate ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {preview.problems.length === 0 && preview.changes ? (
        <form method="post" action={page.ctx.href(`/staff/cities/${city.id}/kpi-table/${props.upload.id}/commit`)}>
          <CsrfField token={page.csrfToken} />
          <input type="hidden" name="plan" value={props.planId} />
          <button type="submit">{t('kpiTable.commit')}</button>
        </form>
      ) : preview.problems.length === 0 ? (
        <p>{t('kpiTable.nothing')}</p>
      ) : null}
      <p>
        <a href={page.ctx.href(`/staff/cities/${city.id}/kpi-table`)}>{t('kpiTable.title')}</a>
      </p>
    </StaffLayout>
  );
}
