import { raw } from 'hono/html';
import { formatDecimal } from '../../../i18n/number-format.ts';
import type { Child } from 'hono/jsx';
import { roundHalfUp } from '../../../core/kpi/rounding.ts';
import { findSdgGoal } from '../../../core/sdg/sdg-framework.ts';
import type { Lang } from '../../../i18n/lang.ts';
import { t } from '../../../i18n/messages.ts';
import type { PlanNarrative } from '../../../core/plan/plan.ts';
import { SHEET_KINDS, type ProgressSheet, type SheetFigure, type SheetRow, type SheetTable } from '../../../sheets/progress-sheet.ts';
import { nameWithTargets, preciseNoteText, rateNoteText, sheetLabels, sheetTime } from '../../../sheets/sheet-text.ts';
import { SHEET_CSS } from './sheet.css.ts';

/** Links shown above the sheet in the app (not printed); absent in the PDF and the CLI's HTML. */
export interface SheetToolbar {
  readonly years: readonly number[];
  /** The sheet's URL without extension or query: `/cities/x/plans/y/sheet`. */
  readonly base: string;
  readonly planHref: string;
}

/**
 * The print view of a sheet: one self-contained HTML document (styles inline, Japanese fonts
 * from the system: Noto Sans/Serif CJK JP), laid out for A4 landscape. Tables repeat their
 * header on every page and never break inside a row. Chromium prints it to PDF; the app shows
 * it with a toolbar.
 */
export function SheetView(props: { sheet: ProgressSheet; lang: Lang; toolbar?: SheetToolbar }) {
  const { sheet, lang, toolbar } = props;
  const L = sheetLabels(sheet, lang);
  const n = sheet.tables.length;
  return (
    <html lang={lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${L.sheetTitle} ${L.footerCity} ${sheet.year}`}</title>
        <style>{raw(SHEET_CSS)}</style>
      </head>
      <body>
        {toolbar ? <Toolbar sheet={sheet} lang={lang} toolbar={toolbar} /> : null}
        <main class="sheet">
          <header class="sheet-head">
            <h1>{L.sheetTitle}</h1>
            <p class="city">{L.cityLine}</p>
            <p class="plan">{L.planLine}</p>
            <p class="meta">
              {L.yearLine} ・ {L.footerDate}
            </p>
          </header>
          {sheet.kind === 'progress' ? (
            <section class="overview">
              <Block label={`（１）${t(lang, 'sheets.planTitle')}`}>{sheet.plan.title}</Block>
              <Block label={t(lang, 'sheets.period')}>{L.period}</Block>
              <Block label={`（２）${t(lang, 'sheets.vision')}`}>{sheet.plan.vision ?? t(lang, 'sheets.none')}</Block>
              <Block label={`（３）${t(lang, 'sheets.priorityGoals')}`}>
                <PriorityGoals sheet={sheet} lang={lang} />
              </Block>
              {sheet.overview.map((o) => (
                <Block label={o.title}>{o.body}</Block>
              ))}
            </section>
          ) : null}
          {sheet.tables.map((table) => (
            <TableSection sheet={sheet} table={table} lang={lang} />
          ))}
          {sheet.kind === 'summary' ? <Narratives heading={`（${n + 1}）${t(lang, 'sheets.summaryHeading')}`} items={sheet.summary} lang={lang} titled /> : null}
          <Narratives heading={`（${n + (sheet.kind === 'summary' ? 2 : 1)}）${t(lang, 'sheets.expert')}`} items={sheet.expertEvaluations} lang={lang} titled={sheet.expertEvaluations.length > 1} />
        </main>
      </body>
    </html>
  );
}

function Toolbar(props: { sheet: ProgressSheet; lang: Lang; toolbar: SheetToolbar }) {
  const { sheet, lang, toolbar } = props;
  const q = (extra: Record<string, string>) => {
    const p = new URLSearchParams({ year: String(sheet.year), kind: sheet.kind, ...(lang === 'en' ? { lang: 'en' } : {}), ...extra });
    return `?${p.toString()}`;
  };
  return (
    <nav class="toolbar no-print" aria-label={t(lang, 'sheets.download.heading')}>
      <a href={toolbar.planHref}>← {sheet.plan.title}</a>
      <form method="get" action={toolbar.base}>
        <label>
          {t(lang, 'sheets.year')}{' '}
          <select name="year">
            {toolbar.years.map((y) => (
              <option value={String(y)} selected={y === sheet.year}>
                {y}
              </option>
            ))}
          </select>
        </label>{' '}
        <select name="kind" aria-label={t(lang, 'sheets.download.heading')}>
          {SHEET_KINDS.map((k) => (
            <option value={k} selected={k === sheet.kind}>
              {t(lang, k === 'progress' ? 'sheets.download.progress' : 'sheets.download.summary')}
            </option>
          ))}
        </select>
        {lang === 'en' ? <input type="hidden" name="lang" value="en" /> : null} <button type="submit">{t(lang, 'sheets.download.view')}</button>
      </form>
      <a href={`${toolbar.base}.xlsx${q({})}`}>{t(lang, 'sheets.download.xlsx')}</a>
      <a href={`${toolbar.base}.pdf${q({})}`}>{t(lang, 'sheets.download.pdf')}</a>
      <a href={`${toolbar.base}${q({ lang: lang === 'ja' ? 'en' : 'ja' })}`}>{lang === 'ja' ? 'English' : '日本語'}</a>
    </nav>
  );
}

function Block(props: { label: string; children: Child }) {
  return (
    <div class="block">
      <div class="label">{props.label}</div>
      <div class="body">{props.children}</div>
    </div>
  );
}

function PriorityGoals(props: { sheet: ProgressSheet; lang: Lang }) {
  const { sheet, lang } = props;
  if (sheet.priorityGoals.length === 0) return <>{t(lang, 'sheets.none')}</>;
  return (
    <>
      <ul class="goals">
        {sheet.priorityGoals.map((g) => (
          <li>
            {g.side !== 'none' ? <strong>{t(lang, `sheets.side.${g.side}`)}：</strong> : null}
            {g.goals.map((n) => {
              const goal = findSdgGoal(n);
              return (
                <span class="goal" style={goal ? `border-color:${goal.colour}` : ''}>
                  {n} {goal?.short[lang] ?? ''}
                </span>
              );
            })}
          </li>
        ))}
      </ul>
      <p class="small">{t(lang, 'sheets.priorityGoals.note')}</p>
    </>
  );
}

function TableSection(props: { sheet: ProgressSheet; table: SheetTable; lang: Lang }) {
  const { sheet, table, lang } = props;
  const L = sheetLabels(sheet, lang);
  const showSide = !table.withInitiatives && table.rows.some((r) => r.side !== 'none');
  const withReflection = sheet.kind === 'summary';
  const figureHead = (label: string) => (
    <th colspan={3} scope="colgroup">
      {label}
    </th>
  );
  const notes = table.rows.flatMap((r) => r.notes.map((n) => ({ r, n })));
  // Rows whose rate used unrounded figures (issue 10.7): said below the table, like the notes.
  const precise = table.rows.flatMap((r) => {
    const text = preciseNoteText(r, lang);
    return text ? [{ r, text }] : [];
  });
  const commented = sheet.kind === 'progress' ? table.rows.filter((r) => r.commentary !== '') : [];
  return (
    <section class="table-section">
      <h2>{L.tableCaption(table)}</h2>
      <table class="kpis">
        <thead>
          <tr>
            {showSide ? <th rowspan={2}>{t(lang, 'sheets.col.side')}</th> : null}
            <th rowspan={2}>{t(lang, 'sheets.col.no')}</th>
            {table.withInitiatives ? <th rowspan={2}>{t(lang, 'sheets.col.initiative')}</th> : null}
            <th rowspan={2} class="name">
              {t(lang, 'sheets.col.name')}
            </th>
            {figureHead(t(lang, 'sheets.col.baseline'))}
            {table.years.map((y) => figureHead(L.actualHeader(y)))}
            {figureHead(t(lang, 'sheets.col.target'))}
            <th rowspan={2}>{t(lang, 'sheets.col.rate')}</th>
            {withReflection ? (
              <th rowspan={2} class="reflection">
                {t(lang, 'sheets.col.reflection')}
              </th>
            ) : null}
          </tr>
          <tr>
            {[...Array(table.years.length + 2).keys()].map(() => (
              <>
                <th>{t(lang, 'sheets.sub.at')}</th>
                <th>{t(lang, 'sheets.sub.value')}</th>
                <th>{t(lang, 'sheets.sub.unit')}</th>
              </>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((r) => (
            <tr data-kpi={r.kpiId}>
              {showSide ? <td class="c">{t(lang, `sheets.side.${r.side}`)}</td> : null}
              <td class="c">{r.no}</td>
              {table.withInitiatives ? <td class="initiative">{r.initiative}</td> : null}
              <td class="name">{nameWithTargets(r)}</td>
              <Figure f={r.baseline} lang={lang} />
              {r.actuals.map((a) => (
                <Figure f={a} lang={lang} />
              ))}
              <Figure f={r.target} lang={lang} />
              <td class="num rate">
                {r.rate ? `${formatFixed(r.rate.value, sheet.rateDecimals, lang)}%` : '—'}
                {r.notes.length > 0 ? <sup>※</sup> : null}
              </td>
              {withReflection ? <td class="reflection">{r.reflection}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
      {notes.length > 0 ? (
        <div class="notes">
          <p>
            <strong>※ {t(lang, 'sheets.rateNote')}</strong>
          </p>
          {notes.map(({ r, n }) => (
            <p>
              {L.rowRef(r)}：{rateNoteText(n, lang)}
            </p>
          ))}
        </div>
      ) : null}
      {precise.length > 0 ? (
        <div class="notes precise-notes">
          {precise.map(({ r, text }) => (
            <p>
              ※ {L.rowRef(r)}：{text}
            </p>
          ))}
        </div>
      ) : null}
      {commented.length > 0 ? (
        <div class="commentary">
          <h3>{L.commentaryHeading(table)}</h3>
          {commented.map((r) => (
            <div class="comment">
              <p>
                <strong>●{L.rowRef(r)}</strong>
              </p>
              <p class="prewrap">・　{r.commentary}</p>
            </div>
          ))}
        </div>
      ) : null}
    </section>
  );
}

function Figure(props: { f: SheetFigure | null; lang: Lang }) {
  const { f, lang } = props;
  if (!f) {
    return (
      <>
        <td class="c at">—</td>
        <td class="num"></td>
        <td class="unit"></td>
      </>
    );
  }
  return (
    <>
      <td class="c at">{sheetTime(f.at, lang)}</td>
      <td class="num">{formatFixed(f.value, f.decimals, lang, true)}</td>
      <td class="unit">{f.unit}</td>
    </>
  );
}

function Narratives(props: { heading: string; items: readonly PlanNarrative[]; lang: Lang; titled: boolean }) {
  return (
    <section class="narratives">
      <h2>{props.heading}</h2>
      {props.items.length === 0 ? <p>{t(props.lang, 'sheets.none')}</p> : null}
      {props.items.map((n) => (
        <div class="narrative">
          {props.titled ? <h3>●{n.title}</h3> : null}
          <p class="prewrap">{n.body}</p>
        </div>
      ))}
    </section>
  );
}

/** A number with its decimals (rounded half up as the sheets do) and, for figures, thousands separators. */
export function formatFixed(value: number, decimals: number, lang: Lang, grouping = false): string {
  return formatDecimal(roundHalfUp(value, decimals), lang, { maxDecimals: decimals, grouping });
}
