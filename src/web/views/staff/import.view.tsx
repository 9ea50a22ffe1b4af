import type { City } from '../../../core/city/city.ts';
import { formatTimePointJa } from '../../../core/time/time-point.ts';
import type { ImportPreview, ImportProblem } from '../../../actuals/observation-import.service.ts';
import { localized, type ViewContext } from '../view-context.ts';
import { UploadForm as SharedUploadForm } from './upload-form.tsx';
import { CsrfField, fill, sep, StaffLayout, type StaffPage } from './staff-layout.tsx';

const ENCODING_LABEL: Readonly<Record<string, string>> = { shift_jis: 'Shift_JIS', 'utf-8-bom': 'UTF-8 (BOM)', 'utf-8': 'UTF-8', 'utf-16le': 'UTF-16 LE', 'utf-16be': 'UTF-16 BE' };

/** Problems listed on the page; the CSV download lists every one. */
export const PROBLEMS_SHOWN = 1000;
/** Changes listed on the page (the summary counts them all). */
export const CHANGES_SHOWN = 500;

/** The staff import pages of one city live under this path. */
export function importBase(cityId: string): string {
  return `/staff/cities/${cityId}/import`;
}

function crumbs(ctx: ViewContext, city: City) {
  return [
    { href: ctx.href('/staff'), label: ctx.t('staff.nav.dashboard') },
    { href: ctx.href(`/staff/cities/${city.id}`), label: localized(ctx, city.name, city.nameEn) },
  ];
}

/** The template downloads (the public URLs; the same files the open-data page links). */
export function ImportTemplateLinks(props: { ctx: ViewContext; cityId: string; cityName: string; headingLevel?: 2 | 3 }) {
  const { ctx } = props;
  const id = `template-${props.cityId}`;
  const Heading = props.headingLevel === 3 ? 'h3' : 'h2';
  return (
    <section class="section" aria-labelledby={id}>
      <Heading id={id}>
        {props.headingLevel === 3 ? `${props.cityName}${ctx.lang === 'ja' ? '　' : ': '}` : ''}
        {ctx.t('import.template')}
      </Heading>
      <p>{ctx.t('import.templateLead')}</p>
      <ul>
        <li>
          <a href={`/cities/${props.cityId}/import-template.xlsx`} download>
            {ctx.t('import.template.xlsx')}（.xlsx）
          </a>
        </li>
        <li>
          <a href={`/cities/${props.cityId}/import-template.csv`} download>
            {ctx.t('import.template.csv')}（.csv）
          </a>{' '}
          <span class="hint">{ctx.t('import.csvHint')}</span>
        </li>
      </ul>
    </section>
  );
}

/** The upload form, optionally with the reasons the last file was refused (an error summary). */
export function ImportUploadView(props: { page: StaffPage; city: City; errors?: readonly string[]; notice?: string | undefined }) {
  const { ctx, csrfToken } = props.page;
  const t = ctx.t;
  const errors = props.errors ?? [];
  const cityName = localized(ctx, props.city.name, props.city.nameEn);
  return (
    <StaffLayout page={props.page} title={t('import.title')} breadcrumbs={crumbs(ctx, props.city)} notice={props.notice}>
      <h1>
        {t('import.title')}
        <span class="hint">（{cityName}）</span>
      </h1>
      <p>{t('import.lead')}</p>
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
      <UploadForm ctx={ctx} csrfToken={csrfToken} cityId={props.city.id} invalid={errors.length > 0} />
      <ImportTemplateLinks ctx={ctx} cityId={props.city.id} cityName={cityName} />
    </StaffLayout>
  );
}

/** The actuals import's upload form (the shared {@link SharedUploadForm}). */
function UploadForm(props: { ctx: ViewContext; csrfToken: string; cityId: string; invalid: boolean; secondary?: boolean }) {
  const { ctx } = props;
  return (
    <SharedUploadForm
      ctx={ctx}
      csrfToken={props.csrfToken}
      action={importBase(props.cityId)}
      title={props.secondary ? ctx.t('import.again') : ctx.t('import.uploadTitle')}
      fileLabel={ctx.t('import.file')}
      fileHint={ctx.t('import.fileHint')}
      submitLabel={ctx.t('import.preview')}
      invalid={props.invalid}
      {...(props.secondary && { secondary: true })}
    />
  );
}

const FORMAT_KEY = { sheet: 'import.format.sheet', template: 'import.format.template', csv: 'import.format.csv' } as const;

/** Where a problem is, as the column headers read it. */
function rowLabel(p: ImportProblem): string {
  return p.sheet ? `${p.sheet}!${p.row}` : String(p.row);
}

/**
 * The preview: a summary, an error summary and the table of problems (row, column, raw value,
 * what is wrong; each problem value marked with a symbol and a word, not only a colour), the
 * table of changes, and the commit form when there is something to write and no problem.
 */
export function ImportPreviewView(props: { page: StaffPage; city: City; upload: { id: string; name: string }; preview: ImportPreview; status?: string | undefined }) {
  const { ctx, csrfToken } = props.page;
  const t = ctx.t;
  const p = props.preview;
  const base = importBase(props.city.id);
  const news = p.changes.filter((c) => c.kind === 'new').length;
  const shownProblems = p.problems.slice(0, PROBLEMS_SHOWN);
  const shownChanges = p.changes.slice(0, CHANGES_SHOWN);
  const mark = t('import.problemMark');
  return (
    <StaffLayout page={props.page} title={`${t('import.title')}${sep(ctx)}${props.upload.name}`} breadcrumbs={[...crumbs(ctx, props.city), { href: ctx.href(base), label: t('import.title') }]}>
      <h1>
        {t('import.title')}
        <span class="hint">（{props.upload.name}）</span>
      </h1>
      {props.status ? (
        <p class="alert" role="alert">
          {props.status}
        </p>
      ) : null}
      <dl class="import-facts">
        <dt>{t('import.formatLabel')}</dt>
        <dd>
          {t(FORMAT_KEY[p.format])}
          {p.encoding ? `（${t('import.encoding')}${sep(ctx)}${ENCODING_LABEL[p.encoding]}）` : ''}
        </dd>
      </dl>
      <p id="import-summary">{fill(t('import.summary'), { rows: p.rows.toLocaleString(), new: news.toLocaleString(), correct: (p.changes.length - news).toLocaleString(), unchanged: p.unchanged.toLocaleString(), problems: p.problems.length.toLocaleString() })}</p>
      <p>
        <a href={ctx.href(`${base}/${props.upload.id}/preview.json`)} id="preview-json">
          {t('import.previewJson')}
        </a>
      </p>

      {p.problems.length > 0 ? (
        <>
          <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1} id="error-summary">
            <h2 id="error-summary-title">
              {t('import.problems')}（{p.problems.length.toLocaleString()}）
            </h2>
            <p>{t('import.hasProblems')}</p>
            <ul>
              {shownProblems.slice(0, 10).map((pr, i) => (
                <li>
                  <a href={`#problem-${i + 1}`}>
                    {t('import.col.row')} {rowLabel(pr)}・{t('import.col.column')} {pr.column || '—'}
                    {sep(ctx)}
                    {ctx.lang === 'ja' ? pr.message.ja : pr.message.en}
                  </a>
                </li>
              ))}
            </ul>
            {p.problems.length > 10 ? (
              <p>
                <a href="#problems">{fill(t('import.problemsCaption'), { count: p.problems.length.toLocaleString() })}</a>
              </p>
            ) : null}
          </div>
          <div class="table-scroll">
            <table class="data" id="problems">
              <caption>{fill(t('import.problemsCaption'), { count: p.problems.length.toLocaleString() })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('import.col.row')}</th>
                  <th scope="col">{t('import.col.column')}</th>
                  <th scope="col">{t('import.col.raw')}</th>
                  <th scope="col">{t('import.col.problem')}</th>
                </tr>
              </thead>
              <tbody>
                {shownProblems.map((pr, i) => (
                  <tr id={`problem-${i + 1}`} data-kind={pr.kind}>
                    <th scope="row" class="num">
                      {rowLabel(pr)}
                    </th>
                    <td>{pr.column || '—'}</td>
                    <td class="problem-cell" style="background:#fcf0f0;border:2px solid #b1151c">
                      <strong style="color:#8c1016">⚠ {mark}</strong>
                      {sep(ctx)}
                      <code>{pr.raw === '' ? t('import.emptyCell') : pr.raw}</code>
                    </td>
                    <td>{ctx.lang === 'ja' ? pr.message.ja : pr.message.en}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {p.problems.length > PROBLEMS_SHOWN ? <p>{fill(t('import.moreProblems'), { shown: PROBLEMS_SHOWN.toLocaleString(), count: p.problems.length.toLocaleString() })}</p> : null}
          <p>
            <a href={ctx.href(`${base}/${props.upload.id}/problems.csv`)} download>
              {t('import.problemsCsv')}
            </a>
          </p>
        </>
      ) : (
        <p class="notice" role="status">
          {p.changes.length > 0 ? t('import.noProblems') : t('import.nothingToDo')}
        </p>
      )}

      <NotedRows ctx={ctx} preview={p} />

      {p.changes.length > 0 ? (
        <div class="table-scroll">
          <table class="data" id="changes">
            <caption>{fill(t('import.changesCaption'), { count: p.changes.length.toLocaleString() })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('import.col.row')}</th>
                <th scope="col">{t('import.col.status')}</th>
                <th scope="col">{t('import.col.kpi')}</th>
                <th scope="col">{t('import.col.at')}</th>
                <th scope="col" class="num">
                  {t('import.col.before')}
                </th>
                <th scope="col" class="num">
                  {t('import.col.new')}
                </th>
              </tr>
            </thead>
            <tbody>
              {shownChanges.map((c) => (
                <tr>
                  <td class="num">{c.sheet ? `${c.sheet}!${c.row}` : c.row}</td>
                  <td>{c.kind === 'new' ? t('import.new') : t('import.correct')}</td>
                  <td>{c.kpiName}</td>
                  <td>{formatTimePointJa(c.at)}</td>
                  <td class="num">{c.before === null ? '—' : `${c.before.toLocaleString('ja-JP', { maximumFractionDigits: 10 })} ${c.unit}`}</td>
                  <td class="num">{`${c.value.toLocaleString('ja-JP', { minimumFractionDigits: c.decimals, maximumFractionDigits: c.decimals })} ${c.unit}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {p.changes.length > CHANGES_SHOWN ? <p>{fill(t('import.moreChanges'), { count: (p.changes.length - CHANGES_SHOWN).toLocaleString() })}</p> : null}
        </div>
      ) : null}

      {p.problems.length === 0 && p.changes.length > 0 ? (
        <form method="post" action={ctx.href(`${base}/${props.upload.id}/commit`)} class="stacked">
          <CsrfField token={csrfToken} />
          <p class="hint" id="commit-hint">
            {t('import.commitHint')}
          </p>
          <button type="submit" aria-describedby="commit-hint">
            {t('import.commit')}
          </button>
        </form>
      ) : null}
      <UploadForm ctx={ctx} csrfToken={csrfToken} cityId={props.city.id} invalid={false} secondary />
    </StaffLayout>
  );
}

/** The open-data page's section: each city's import template, public so anyone filling in actuals can get it. */
export function PublicImportTemplates(props: { ctx: ViewContext; cities: readonly City[] }) {
  const { ctx } = props;
  return (
    <section aria-labelledby="import-template-h">
      <h2 id="import-template-h">{ctx.t('import.publicTemplate')}</h2>
      <p>{ctx.t('import.publicTemplateLead')}</p>
      <ul>
        {props.cities.map((c) => (
          <li>
            {localized(ctx, c.name, c.nameEn)}
            {sep(ctx)}
            <a href={`/cities/${c.id}/import-template.xlsx`} download>
              {ctx.t('import.template.xlsx')}（.xlsx）
            </a>
            {' / '}
            <a href={`/cities/${c.id}/import-template.csv`} download>
              {ctx.t('import.template.csv')}（.csv）
            </a>
          </li>
        ))}
      </ul>
      <p class="hint">{ctx.t('import.csvHint')}</p>
    </section>
  );
}

/**
 * The rows skipped (「－」「集計中」: no figure) and the rows read with a note (a percent cell, a
 * date cell as displayed, 約, an era year past its end): the same rows `import --json` prints.
 */
function NotedRows(props: { ctx: ViewContext; preview: ImportPreview }) {
  const { ctx, preview: p } = props;
  const t = ctx.t;
  const noted = p.results.filter((r) => r.action === 'skipped' || r.notes.length > 0).slice(0, CHANGES_SHOWN);
  if (noted.length === 0) return null;
  const skipped = p.results.filter((r) => r.action === 'skipped').length;
  const action = (a: string) => (a === 'new' ? t('import.new') : a === 'correction' ? t('import.correct') : a === 'skipped' ? t('import.skipped') : t('import.unchanged'));
  return (
    <>
      {skipped > 0 ? (
        <p class="notice" role="status" id="import-skipped">
          {fill(t('import.skippedNotice'), { count: skipped.toLocaleString() })}
        </p>
      ) : null}
      <div class="table-scroll">
        <table class="data" id="noted-rows">
          <caption>{fill(t('import.notesCaption'), { count: noted.length.toLocaleString() })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('import.col.row')}</th>
              <th scope="col">{t('import.col.status')}</th>
              <th scope="col">{t('import.col.kpi')}</th>
              <th scope="col">{t('import.col.at')}</th>
              <th scope="col">{t('import.col.notes')}</th>
            </tr>
          </thead>
          <tbody>
            {noted.map((r) => (
              <tr data-action={r.action}>
                <td class="num">{r.sheet ? `${r.sheet}!${r.row}` : r.row}</td>
                <td>{action(r.action)}</td>
                <td>{r.kpiId ?? ''}</td>
                <td>{r.at ? formatTimePointJa(r.at) : '—'}</td>
                <td>{r.notes.map((n) => n[ctx.lang]).join(' ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
